# SPDX-License-Identifier: Apache-2.0
"""Passive protocol checkers for AXI4, AXI4-Lite and AXI4-Stream interfaces.

    chk = AxiChecker(dut, "m_axi", dut.clk, dut.rst)      # starts monitoring at once
    ...                                                    # run traffic
    chk.assert_clean()        # raises if any violation was recorded (belt and braces)
    chk.assert_idle()         # raises if a transaction is still outstanding (hung transfer)

Every checker samples its interface at each rising edge of `clk`, in the ReadOnly
phase, and ignores cycles in which `rst` is high (or unknown); reset clears its
transaction tracking. On the first violation it records a readable message in
`.violations` and, with `raise_on_violation=True` (the default), raises
`AxiProtocolError` from its monitoring task. In cocotb 2.1 an exception escaping a
task started with `cocotb.start_soon` (and not awaited by another task) ends the
running test at once and fails it with that exception; `AxiProtocolError` is an
`AssertionError`, so it counts as a test failure (and `expect_fail=True` /
`expect_error=AxiProtocolError` tests see it). With `raise_on_violation=False` the
checker only logs and records; call `assert_clean()` at the end of the test.

`.stats` counts handshakes per channel, `.stalls` counts VALID-and-not-READY cycles.
"""
from __future__ import annotations

import logging
from collections import deque

import cocotb
from cocotb.triggers import ReadOnly, RisingEdge
from cocotb.utils import get_sim_time

__all__ = ["AxiProtocolError", "AxiChecker", "AxiLiteChecker", "AxiStreamChecker"]

BURST_FIXED, BURST_INCR, BURST_WRAP = 0, 1, 2


class AxiProtocolError(AssertionError):
    """A protocol violation seen by a checker (an AssertionError: a test failure)."""


def _known(s: str) -> bool:
    """True if a binary string from str(LogicArray) has only 0/1."""
    return s.count("0") + s.count("1") == len(s)


def _fmt(s: str) -> str:
    """Hex when fully known, else the binary string."""
    if _known(s):
        return hex(int(s, 2)) if s else "''"
    return "0b" + s


class _Channel:
    """One VALID/READY channel: handles, previous sample, counters."""

    def __init__(self, name, entity, prefix, valid, ready, payload, optional, data=None, mask=None):
        self.name = name
        self.valid = self._get(entity, prefix + valid, required=True)
        self.ready = self._get(entity, prefix + ready, required=False)
        self.fields = []  # (short name, handle)
        for f in payload:
            h = self._get(entity, prefix + f, required=True)
            self.fields.append((f, h))
        for f in optional:
            h = self._get(entity, prefix + f, required=False)
            if h is not None:
                self.fields.append((f, h))
        names = [f for f, _ in self.fields]
        # data field whose lanes are only checked for X where the mask field enables them
        self.data_idx = names.index(data) if data in names else None
        self.mask_idx = names.index(mask) if mask in names else None
        self.prev_pending = False  # VALID high and not READY at the previous edge
        self.prev_payload = None
        self.handshakes = 0
        self.stalls = 0

    @staticmethod
    def _get(entity, name, required):
        h = getattr(entity, name, None) if hasattr(entity, name) else None
        if h is None and required:
            raise AttributeError(f"AXI checker: signal {name} not found on {entity._name}")
        return h

    def reset(self):
        self.prev_pending = False
        self.prev_payload = None

    def names(self):
        return [f for f, _ in self.fields]


class _CheckerBase:
    """Common sampling loop; subclasses define channels and _on_handshake."""

    kind = "AXI"

    def __init__(self, dut, prefix, clk, rst=None, *, raise_on_violation=True, start=True, name=None):
        self.dut = dut
        self.prefix = prefix.rstrip("_") + "_" if prefix else ""
        self.clk = clk
        self.rst = rst
        self.raise_on_violation = raise_on_violation
        self.name = name or f"{self.kind}:{self.prefix.rstrip('_')}"
        self.log = logging.getLogger(f"cocotb.dmatb.{self.name}")
        self.violations: list[str] = []
        self.cycles = 0  # cycles out of reset
        self.channels: list[_Channel] = []
        self._build()
        self.stats = {ch.name: 0 for ch in self.channels}
        self.stalls = {ch.name: 0 for ch in self.channels}
        self._task = None
        self._reset_state()
        if start:
            self.start()

    # ----------------------------------------------------------------- control
    def start(self):
        if self._task is None:
            self._task = cocotb.start_soon(self._run(), name=f"checker {self.name}")
        return self

    def stop(self):
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def assert_clean(self):
        """Raise AxiProtocolError if any violation was recorded."""
        if self.violations:
            raise AxiProtocolError(
                f"{self.name}: {len(self.violations)} protocol violation(s):\n  " + "\n  ".join(self.violations[:20])
            )

    def outstanding(self) -> list[str]:
        """Transactions started but not completed (override)."""
        out = []
        for ch in self.channels:
            if ch.prev_pending:
                out.append(f"{ch.name}: VALID high waiting for READY")
        return out

    def assert_idle(self):
        """Raise AxiProtocolError if transactions are outstanding (a hung transfer)."""
        self.assert_clean()
        out = self.outstanding()
        if out:
            raise AxiProtocolError(f"{self.name}: not idle at {get_sim_time('ns')} ns:\n  " + "\n  ".join(out))

    def finish(self, check_idle=True):
        """End-of-test check: no violation and (optionally) nothing outstanding."""
        if check_idle:
            self.assert_idle()
        else:
            self.assert_clean()

    # ---------------------------------------------------------------- internal
    def _violation(self, ch, rule, details=""):
        msg = f"{get_sim_time('ns'):.1f} ns {self.name} {ch}: {rule}" + (f" ({details})" if details else "")
        self.violations.append(msg)
        self.log.error("%s", msg)
        if self.raise_on_violation:
            raise AxiProtocolError(msg)

    def _in_reset(self):
        if self.rst is None:
            return False
        s = str(self.rst.value)
        return s != "0"  # 1, X or Z: treat as reset

    def _reset_state(self):
        for ch in self.channels:
            ch.reset()

    async def _run(self):
        edge = RisingEdge(self.clk)
        ro = ReadOnly()
        was_reset = True
        while True:
            await edge
            await ro
            if self._in_reset():
                if not was_reset:
                    self._reset_state()
                was_reset = True
                continue
            if was_reset:
                self._reset_state()
                was_reset = False
            self.cycles += 1
            hs = []
            for ch in self.channels:
                p = self._sample(ch)
                if p is not None:
                    hs.append((ch, p))
            for ch, p in hs:
                try:
                    self._on_handshake(ch.name, p)
                except ValueError:
                    # an unknown control field (already reported as X/Z): cannot track it
                    pass

    def _sample(self, ch: _Channel):
        """Check one channel at this edge; return the payload dict on a handshake."""
        v = str(ch.valid.value)
        r = "1" if ch.ready is None else str(ch.ready.value)
        if v not in ("0", "1"):
            self._violation(ch.name, "X/Z on VALID", f"{ch.valid._name}={v}")
            v = "0"
        if r not in ("0", "1"):
            self._violation(ch.name, "X/Z on READY", f"{ch.ready._name}={r}")
            r = "0"
        if v == "0":
            if ch.prev_pending:
                self._violation(ch.name, "VALID dropped before handshake",
                                "previous payload " + self._payload_str(ch, ch.prev_payload))
            ch.prev_pending = False
            return None
        payload = tuple(str(h.value) for _, h in ch.fields)
        if ch.prev_pending and payload != ch.prev_payload:
            diffs = [f"{n}: {_fmt(a)} -> {_fmt(b)}"
                     for n, a, b in zip(ch.names(), ch.prev_payload, payload) if a != b]
            self._violation(ch.name, "payload changed while VALID and not READY", ", ".join(diffs))
        if not ch.prev_pending or payload != ch.prev_payload:
            self._check_x(ch, payload)
        if r == "1":
            ch.prev_pending = False
            ch.handshakes += 1
            self.stats[ch.name] += 1
            return dict(zip(ch.names(), payload))
        ch.prev_pending = True
        ch.prev_payload = payload
        ch.stalls += 1
        self.stalls[ch.name] += 1
        return None

    def _check_x(self, ch: _Channel, payload):
        for i, (n, _) in enumerate(ch.fields):
            s = payload[i]
            if _known(s):
                continue
            if i == ch.data_idx and ch.mask_idx is not None and _known(payload[ch.mask_idx]):
                mask = int(payload[ch.mask_idx], 2)
                width = len(s)
                bad = []
                for lane in range(width // 8):
                    if mask >> lane & 1:
                        seg = s[width - 8 * (lane + 1): width - 8 * lane]
                        if not _known(seg):
                            bad.append(lane)
                if bad:
                    self._violation(ch.name, f"X/Z on {n} in enabled byte lanes {bad}",
                                    f"{ch.fields[ch.mask_idx][0]}={_fmt(payload[ch.mask_idx])}, {n}={_fmt(s)}")
                continue
            self._violation(ch.name, f"X/Z on {n} while VALID", f"{n}={_fmt(s)}")

    @staticmethod
    def _payload_str(ch, payload):
        if payload is None:
            return "?"
        return ", ".join(f"{n}={_fmt(s)}" for n, s in zip(ch.names(), payload))

    def _on_handshake(self, chname, p):
        pass


class AxiChecker(_CheckerBase):
    """AXI4 full checker: handshake rules, X/Z, burst legality, WLAST/RLAST, IDs."""

    kind = "AXI4"

    def _build(self):
        d, p = self.dut, self.prefix
        addr_opt = ["lock", "cache", "prot", "qos", "region", "user"]
        # IDs are optional (treated as 0 when the interface has none)
        self.ch_aw = _Channel("AW", d, p, "awvalid", "awready", ["awaddr", "awlen", "awsize", "awburst"],
                              ["awid"] + ["aw" + s for s in addr_opt])
        self.ch_w = _Channel("W", d, p, "wvalid", "wready", ["wdata", "wlast"], ["wstrb", "wuser"],
                             data="wdata", mask="wstrb")
        self.ch_b = _Channel("B", d, p, "bvalid", "bready", [], ["bid", "bresp", "buser"])
        self.ch_ar = _Channel("AR", d, p, "arvalid", "arready", ["araddr", "arlen", "arsize", "arburst"],
                              ["arid"] + ["ar" + s for s in addr_opt])
        self.ch_r = _Channel("R", d, p, "rvalid", "rready", ["rdata", "rlast"], ["rid", "rresp", "ruser"])
        # B before AW/W and R before AR: a response in the same cycle as its request is illegal
        self.channels = [self.ch_b, self.ch_r, self.ch_aw, self.ch_w, self.ch_ar]
        self.data_bytes = len(dict(self.ch_w.fields)["wdata"]) // 8
        self.resp_counts = {"B": [0, 0, 0, 0], "R": [0, 0, 0, 0]}

    def _reset_state(self):
        super()._reset_state()
        self.aw_q = deque()       # (awid, beats, awaddr) AW bursts whose W data is not complete
        self.w_orphans = deque()  # beat counts of complete W bursts that arrived before their AW
        self.w_cur = 0            # beats so far in the open W burst
        self.b_pending = {}       # awid -> number of writes (AW + all W) awaiting B
        self.r_pending = {}       # arid -> deque of [beats, seen, araddr]

    def outstanding(self):
        out = super().outstanding()
        for awid, beats, addr in self.aw_q:
            out.append(f"write AWID={awid:#x} addr={addr:#x}: {beats} beats announced, W data incomplete")
        for n in self.w_orphans:
            out.append(f"W burst of {n} beats without AW")
        if self.w_cur and not self.aw_q:
            out.append(f"open W burst ({self.w_cur} beats) without AW")
        for i, n in self.b_pending.items():
            if n:
                out.append(f"{n} write(s) with AWID={i:#x} awaiting B")
        for i, q in self.r_pending.items():
            for beats, seen, addr in q:
                out.append(f"read ARID={i:#x} addr={addr:#x}: {seen}/{beats} R beats received")
        return out

    def _check_addr(self, ch, p):
        a = ch.lower()
        addr_s, len_s, size_s, burst_s = p[a + "addr"], p[a + "len"], p[a + "size"], p[a + "burst"]
        addr, length, size, burst = int(addr_s, 2), int(len_s, 2), int(size_s, 2), int(burst_s, 2)
        beats = length + 1
        nbytes = 1 << size
        desc = f"{a}addr={addr:#x} {a}len={length} {a}size={size} {a}burst={burst}"
        if beats > 256:
            self._violation(ch, "burst longer than 256 beats", desc)
        if burst == 3:
            self._violation(ch, "reserved burst type 3", desc)
        if burst in (BURST_FIXED, BURST_WRAP) and beats > 16:
            self._violation(ch, "FIXED/WRAP burst longer than 16 beats", desc)
        if burst == BURST_WRAP:
            if beats not in (2, 4, 8, 16):
                self._violation(ch, "WRAP burst length not 2, 4, 8 or 16", desc)
            if addr % nbytes:
                self._violation(ch, "WRAP burst address not aligned to the transfer size", desc)
        if nbytes > self.data_bytes:
            self._violation(ch, f"{a}size wider than the data bus ({self.data_bytes} bytes)", desc)
        if burst == BURST_INCR:
            aligned = addr - addr % nbytes
            last = aligned + beats * nbytes - 1
            if (addr >> 12) != (last >> 12):
                self._violation(ch, "INCR burst crosses a 4 KiB boundary", desc + f", last byte {last:#x}")
        return addr, beats

    def _w_complete(self, awid):
        self.b_pending[awid] = self.b_pending.get(awid, 0) + 1

    def _on_handshake(self, ch, p):
        if ch == "AW":
            awid = int(p.get("awid", "0"), 2)
            addr, beats = self._check_addr("AW", p)
            if self.w_orphans:
                n = self.w_orphans.popleft()
                if n != beats:
                    rule = "WLAST early" if n < beats else "more W beats than announced"
                    self._violation("W", rule, f"W burst (sent before its AW) had WLAST on beat {n}, "
                                    f"AW announced {beats} beats (AWID={awid:#x} awaddr={addr:#x})")
                self._w_complete(awid)
            elif not self.aw_q and self.w_cur:
                # the open W burst started before this AW
                if self.w_cur > beats:
                    self._violation("W", "more W beats than announced",
                                    f"{self.w_cur} beats before AW announced {beats} (AWID={awid:#x})")
                elif self.w_cur == beats:
                    self._violation("W", "WLAST missing on the last beat",
                                    f"beat {beats} of {beats} had WLAST=0 (AWID={awid:#x} awaddr={addr:#x})")
                self.aw_q.append((awid, beats, addr))
            else:
                self.aw_q.append((awid, beats, addr))
        elif ch == "W":
            last = p["wlast"] == "1"
            self.w_cur += 1
            if self.aw_q:
                awid, beats, addr = self.aw_q[0]
                where = f"beat {self.w_cur} of {beats}, AWID={awid:#x} awaddr={addr:#x}"
                if self.w_cur > beats:
                    self._violation("W", "more W beats than announced", where)
                elif last and self.w_cur < beats:
                    self._violation("W", "WLAST early", where)
                elif not last and self.w_cur == beats:
                    self._violation("W", "WLAST missing on the last beat", where)
                if last or self.w_cur >= beats:
                    self.aw_q.popleft()
                    self.w_cur = 0
                    self._w_complete(awid)
            else:
                if self.w_cur > 256:
                    self._violation("W", "more W beats than announced", f"{self.w_cur} beats without AW and WLAST")
                if last:
                    self.w_orphans.append(self.w_cur)
                    self.w_cur = 0
        elif ch == "B":
            bid = int(p.get("bid", "0"), 2)
            if "bresp" in p:
                self.resp_counts["B"][int(p["bresp"], 2)] += 1
            if not self.b_pending.get(bid):
                self._violation("B", "response without request",
                                f"BID={bid:#x} has no write with completed AW and W data outstanding")
            else:
                self.b_pending[bid] -= 1
        elif ch == "AR":
            arid = int(p.get("arid", "0"), 2)
            addr, beats = self._check_addr("AR", p)
            self.r_pending.setdefault(arid, deque()).append([beats, 0, addr])
        elif ch == "R":
            rid = int(p.get("rid", "0"), 2)
            last = p["rlast"] == "1"
            if "rresp" in p:
                self.resp_counts["R"][int(p["rresp"], 2)] += 1
            q = self.r_pending.get(rid)
            if not q:
                self._violation("R", "response without request", f"RID={rid:#x} has no read outstanding")
                return
            burst = q[0]
            burst[1] += 1
            beats, seen, addr = burst
            where = f"beat {seen} of {beats}, RID={rid:#x} araddr={addr:#x}"
            if last and seen < beats:
                self._violation("R", "RLAST early", where)
            elif not last and seen == beats:
                self._violation("R", "RLAST missing on the last beat", where)
            if last or seen >= beats:
                q.popleft()


class AxiLiteChecker(_CheckerBase):
    """AXI4-Lite checker: handshake rules, X/Z, responses without requests."""

    kind = "AXIL"

    def _build(self):
        d, p = self.dut, self.prefix
        self.channels = [
            _Channel("B", d, p, "bvalid", "bready", [], ["bresp"]),
            _Channel("R", d, p, "rvalid", "rready", ["rdata"], ["rresp"]),
            _Channel("AW", d, p, "awvalid", "awready", ["awaddr"], ["awprot"]),
            _Channel("W", d, p, "wvalid", "wready", ["wdata"], ["wstrb"], data="wdata", mask="wstrb"),
            _Channel("AR", d, p, "arvalid", "arready", ["araddr"], ["arprot"]),
        ]

    def _reset_state(self):
        super()._reset_state()
        self.n = {"AW": 0, "W": 0, "B": 0, "AR": 0, "R": 0}

    def outstanding(self):
        out = super().outstanding()
        n = self.n
        if n["AW"] != n["W"]:
            out.append(f"{n['AW']} AW vs {n['W']} W handshakes")
        if min(n["AW"], n["W"]) > n["B"]:
            out.append(f"{min(n['AW'], n['W']) - n['B']} write(s) awaiting B")
        if n["AR"] > n["R"]:
            out.append(f"{n['AR'] - n['R']} read(s) awaiting R")
        return out

    def _on_handshake(self, ch, p):
        n = self.n
        if ch == "B" and min(n["AW"], n["W"]) <= n["B"]:
            self._violation("B", "response without request",
                            f"{n['AW']} AW, {n['W']} W, {n['B']} B handshakes so far")
        elif ch == "R" and n["AR"] <= n["R"]:
            self._violation("R", "response without request", f"{n['AR']} AR, {n['R']} R handshakes so far")
        else:
            n[ch] += 1


class AxiStreamChecker(_CheckerBase):
    """AXI4-Stream checker: handshake rules, X/Z on enabled TDATA lanes.

    packed=True additionally requires TKEEP all ones on every beat without TLAST.
    """

    kind = "AXIS"

    def __init__(self, dut, prefix, clk, rst=None, *, packed=False, **kwargs):
        self.packed = packed
        super().__init__(dut, prefix, clk, rst, **kwargs)

    def _build(self):
        d, p = self.dut, self.prefix
        self.ch = _Channel("T", d, p, "tvalid", "tready", ["tdata"],
                           ["tkeep", "tstrb", "tlast", "tid", "tdest", "tuser"], data="tdata", mask="tkeep")
        self.channels = [self.ch]
        self.beats = 0
        self.packets = 0

    def _on_handshake(self, ch, p):
        self.beats += 1
        last = p.get("tlast", "1") == "1"
        if self.packed and not last and "tkeep" in p:
            keep = p["tkeep"]
            if keep != "1" * len(keep):
                self._violation("T", "TKEEP not all ones on a beat without TLAST (packed stream)",
                                f"tkeep={_fmt(keep)}")
        if last:
            self.packets += 1
