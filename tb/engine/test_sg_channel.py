# SPDX-License-Identifier: Apache-2.0
"""cocotb unit tests of dma_sg_channel (one scatter-gather channel), collected by pytest.

The channel is driven as dma_frontend drives it, by Python models of its three sides
(random stalls on every handshake, seed from cocotb: RANDOM_SEED=<seed>):

- fetch port: fetch_grant is the registered grant of the request of the cycle before
  (never two in a row); the descriptor memory answers each fetch with its R beats
  (the first 32 bytes, in order, random latency), with SLVERR/DECERR on a chosen beat,
  and beat_len_bad/beat_ctrl_bad computed from the beat's LEN/CTRL lanes as the front
  end does;
- command/status side (the datapath): cmd_grant only while cmd_req is high (as the
  front end's c_sel & cmd_req), one status per command in command order, random
  latency, with a chosen data error code;
- write-back side: wb_done in status order, random latency, with a chosen bus error.

Checked on the fly: every fetch address follows the chain (or is the re-read of the
last descriptor's NEXT), every command is the next descriptor in chain order with its
fields, every status is matched with the right descriptor (sts_desc_addr/irq), WAITING
only when nothing is in flight, no interrupt between a RESET and IDLE, ERR_CODE never
changes once set, and interrupt coalescing (count, timeout, the flush at end of
chain/stop/halt: a flagged completion is never left unsignalled). A reference model of
the chain predicts, at the end of each phase, STATE, CUR_DESC, ERR_CODE/ERR_DESC (first
error in chain order), COMPLETED and the IDLE/ERR interrupts.

test_bug_relink_late_error and test_bug_wb_backlog reproduce two RTL bugs (see their docstrings);
they fail until the RTL is fixed. The other tests keep out of the second one (at most
2^CMD_DEPTH_LOG2 write-backs pending, where dma_frontend allows 4 more).
"""
from __future__ import annotations

import collections
import random

import cocotb
import pytest
from cocotb.triggers import ReadOnly, RisingEdge, Timer

CONFIGS = [
    # (ADDR_WIDTH, LEN_WIDTH, DATA_WIDTH, CMD_DEPTH_LOG2, PF_DEPTH_LOG2)
    (64, 32, 64, 2, 1),
    (32, 20, 32, 1, 2),
    (64, 32, 256, 2, 1),
]


@pytest.mark.parametrize("aw,lw,dw,cd,pf", CONFIGS,
                         ids=[f"aw{a}-lw{l}-dw{d}-cd{c}-pf{p}" for a, l, d, c, p in CONFIGS])
def test_sg_channel(aw, lw, dw, cd, pf):
    from dmatb.runner import run_cocotb

    run_cocotb("dma_sg_channel", "test_sg_channel", {"ADDR_WIDTH": aw, "LEN_WIDTH": lw, "DATA_WIDTH": dw,
                                                      "CMD_DEPTH_LOG2": cd, "PF_DEPTH_LOG2": pf})


ST_IDLE, ST_RUNNING, ST_HALTED, ST_STOPPING = 0, 1, 2, 3
E_FETCH_SLVERR, E_FETCH_DECERR, E_WB_SLVERR, E_WB_DECERR, E_DESC_ALIGN, E_DESC_MALFORMED = 8, 9, 10, 11, 12, 13
MAGIC = 0xD5 << 24


class Desc:
    def __init__(self, nxt, src, dst, length, ctrl):
        self.next, self.src, self.dst, self.len, self.ctrl = nxt, src, dst, length, ctrl
        self.fetch_err = None     # (beat index, 1 SLVERR / 2 DECERR)
        self.data_err = 0         # datapath status code 1..6
        self.wb_err = 0           # 1 SLVERR / 2 DECERR on the write-back

    def image(self):
        return (self.next | self.src << 64 | self.dst << 128 | (self.len & 0xFFFFFFFF) << 192
                | (self.ctrl & 0xFFFFFFFF) << 224)


class Bench:
    def __init__(self, dut, rng, stall=None):
        self.dut, self.rng = dut, rng
        self.aw = int(dut.ADDR_WIDTH.value)
        self.lw = int(dut.LEN_WIDTH.value)
        self.dw = int(dut.DATA_WIDTH.value)
        self.cmd_depth = 1 << int(dut.CMD_DEPTH_LOG2.value)
        self.amask = (1 << self.aw) - 1
        self.beats = 1 if self.dw >= 256 else 256 // self.dw
        self.stall = rng.choice([0.0, 0.3, 0.6]) if stall is None else stall
        self.sts_lat = 8                 # datapath latency: 3 .. 3 + sts_lat - 1 cycles
        self.wb_lat = 6                  # write-back latency: 2 .. 2 + wb_lat - 1 cycles
        # statuses whose write-back has not finished: dma_frontend allows 2^CMD_DEPTH_LOG2 in its
        # write-back queue (dp_sts_ready) plus 4 waiting for B (wb_b_q); the channel only copes with
        # 2^CMD_DEPTH_LOG2 (test_bug_wb_backlog), so the other tests stay within that
        self.wb_max = self.cmd_depth
        self.wb_peak = 0
        self.mem = {}
        self.next_free = 0x1000 + rng.randrange(16) * 0x40000
        self.cycle = 0
        # handshake state
        self.fetches = collections.deque()   # [addr, ready_cycle, beats or None, beat index]
        self.sts_q = collections.deque()     # [due, addr]
        self.wb_q = collections.deque()      # [due, addr, irq, err]
        self.prev_fetch_req = 0
        self.grant_prev = 0
        self.cmd_grant_prev = 0
        self.expect_fetch = {}           # address -> it is the re-read of the last NEXT
        self.pf_depth = 1 << int(dut.PF_DEPTH_LOG2.value)
        self.ahead = 0                   # descriptors fetched (or being fetched), not started
        self.relinks = 0
        self.fetch_done_at = {}          # address -> cycle of its last fetch beat
        self.wb_at = {}                  # address -> cycle of its write-back
        # chain tracking
        self.last_started = None   # address of the last descriptor started (None: start at self.start)
        self.start = None
        self.started = []          # every command, in order (descriptor addresses)
        self.fetched = []
        self.completed = 0         # model of COMPLETED
        self.wb_log = []           # (addr, bus_err, data_err)
        # control
        self.run = 0
        self.pulses = set()
        self.cur_desc_wdata = 0
        self.coal_count = 0
        self.coal_timeout = 0
        # observed interrupts
        self.irq = {"done": 0, "err": 0, "idle": 0}
        self.prev_state = ST_IDLE
        self.prev_waiting = 0
        self.resetting = False
        self.err_seen = 0
        # coalescing monitor
        self.flag_events = []      # cycles of flagged OK write-backs not yet signalled
        self.last_flag = None
        self.flush_at = None
        self.timeout_pulses = 0          # DONE interrupts raised by COAL_TIMEOUT
        self.s = {}

    # ------------------------------------------------------------ descriptors
    def alloc(self):
        a = self.next_free
        self.next_free += 0x40 * self.rng.choice([1, 1, 2, 7])
        return a

    def new_desc(self, addr, irq=None):
        r = self.rng
        maxlen = (1 << self.lw) - 1
        length = r.choice([1, r.randint(1, 4096), maxlen, r.randint(1, maxlen)])
        kind = r.choice([0, 0, 1, 2])       # mem->mem, src stream, dst stream
        ctrl = MAGIC | (r.random() < 0.5 if irq is None else irq) | (kind << 1)
        if kind == 2 and r.random() < 0.5:
            ctrl |= 8
        d = Desc(1, r.getrandbits(self.aw), r.getrandbits(self.aw), length, ctrl)
        self.mem[addr] = d
        return d

    def make_chain(self, n, irq=None):
        addrs = [self.alloc() for _ in range(n)]
        for i, a in enumerate(addrs):
            d = self.new_desc(a, irq)
            d.next = addrs[i + 1] if i + 1 < n else 1 | self.rng.choice([0, 0x40, 0x1234540])
        return addrs

    def link(self, last, first):
        self.mem[last].next = first

    def chain_from(self, addr):
        """Addresses from addr along NEXT up to the last one (EOC or a bad one)."""
        out = []
        while addr is not None:
            out.append(addr)
            d = self.mem.get(addr)
            if d is None or d.fetch_err or self.malformed(d) or d.next & 1:
                break
            addr = d.next & self.amask
        return out

    def malformed(self, d):
        c = d.ctrl
        return ((c >> 24) != 0xD5 or (c & 0x00FFFFF0) != 0 or d.len == 0 or d.len >= (1 << self.lw)
                or (c & 6) == 6)

    # --------------------------------------------------------------- cycle
    def pulse(self, name):
        self.pulses.add(name)

    async def tick(self):
        dut, r, t = self.dut, self.rng, self.cycle
        await RisingEdge(dut.clk)
        await Timer(1, unit="ns")
        self.cycle = t = t + 1
        go = lambda: r.random() >= self.stall   # noqa: E731
        # control inputs (pulses last one cycle)
        dut.run.value = self.run
        dut.reset_req.value = int("reset" in self.pulses)
        dut.doorbell.value = int("doorbell" in self.pulses)
        dut.cur_desc_wr.value = int("cur_desc" in self.pulses)
        dut.cur_desc_wdata.value = self.cur_desc_wdata
        dut.coal_count.value = self.coal_count
        dut.coal_timeout.value = self.coal_timeout
        pulses, self.pulses = self.pulses, set()
        # fetch grant: registered grant of the request of the cycle before
        grant = int(self.prev_fetch_req and not self.grant_prev and go())
        dut.fetch_grant.value = grant
        # R beats of the oldest fetch
        beat = None
        if self.fetches and self.fetches[0][1] <= t and go():
            f = self.fetches[0]
            if f[2] is None:
                f[2] = self.make_beats(f[0])
            beat = f[2][f[3]]
            f[3] += 1
            if f[3] == self.beats:
                self.fetches.popleft()
                self.fetch_done_at[f[0]] = t
        if beat is None:
            dut.beat_valid.value = 0
        else:
            data, err = beat
            dut.beat_valid.value = 1
            dut.beat_data.value = data
            dut.beat_err.value = err
            lo = 192 if self.dw >= 256 else 192 % self.dw
            co = 224 if self.dw >= 256 else 224 % self.dw
            ln = (data >> lo) & 0xFFFFFFFF
            ct = (data >> co) & 0xFFFFFFFF
            dut.beat_len_bad.value = int(ln == 0 or ln >= (1 << self.lw))
            dut.beat_ctrl_bad.value = int((ct >> 24) != 0xD5 or (ct & 0x00FFFFF0) != 0 or (ct & 6) == 6)
        # command grant: only while the (registered) request is high
        cmd_req = int(dut.cmd_req.value)
        cgrant = int(cmd_req and not self.cmd_grant_prev and go())
        dut.cmd_grant.value = cgrant
        # status of the oldest command
        sts = None
        if self.sts_q and self.sts_q[0][0] <= t and len(self.wb_q) < self.wb_max and go():
            sts = self.sts_q.popleft()
            dut.sts_valid.value = 1
            dut.sts_error.value = self.mem[sts[1]].data_err
        else:
            dut.sts_valid.value = 0
            dut.sts_error.value = r.randrange(16)
        wb = None
        if self.wb_q and self.wb_q[0][0] <= t and go():
            wb = self.wb_q.popleft()
            dut.wb_done.value = 1
            dut.wb_irq.value = wb[2]
            dut.wb_bus_err.value = wb[3]
        else:
            dut.wb_done.value = 0
            dut.wb_irq.value = r.randrange(2)
            dut.wb_bus_err.value = r.randrange(3)

        await ReadOnly()
        s = {n: int(getattr(dut, n).value) for n in
             ("state", "waiting", "err_code", "err_desc", "cur_desc", "completed", "irq_done_set",
              "irq_err_set", "irq_idle_set", "fetch_req", "cmd_req")}
        self.s = s
        # ---- fetch
        if grant:
            addr = int(dut.fetch_addr.value)
            assert addr in self.expect_fetch, \
                f"cycle {t}: fetch of {addr:#x}, expected one of {[hex(a) for a in self.expect_fetch]}"
            if self.expect_fetch[addr]:
                self.relinks += 1
            else:
                self.ahead += 1
                assert self.ahead <= self.pf_depth, f"cycle {t}: more than {self.pf_depth} descriptors fetched ahead"
            self.expect_fetch = {}
            self.fetched.append(addr)
            self.fetches.append([addr, t + 3 + r.randrange(4), None, 0])
        self.prev_fetch_req, self.grant_prev = s["fetch_req"], grant
        # ---- command
        if cgrant:
            exp = self.start if self.last_started is None else self.mem[self.last_started].next & self.amask
            assert exp in self.mem, f"cycle {t}: command, but no descriptor expected (after {self.last_started})"
            d = self.mem[exp]
            got = (int(dut.cmd_src.value), int(dut.cmd_dst.value), int(dut.cmd_len.value),
                   int(dut.cmd_src_kind.value), int(dut.cmd_dst_kind.value), int(dut.cmd_eop.value))
            want = (d.src & self.amask, d.dst & self.amask, d.len, (d.ctrl >> 1) & 1, (d.ctrl >> 2) & 1,
                    (d.ctrl >> 3) & 1)
            assert got == want, f"cycle {t}: command for {exp:#x}: {got} != {want}"
            assert not self.malformed(d) and d.fetch_err is None, f"cycle {t}: bad descriptor {exp:#x} executed"
            assert len(self.sts_q) + 1 <= self.cmd_depth, f"cycle {t}: more than CMD_DEPTH commands in flight"
            self.last_started = exp
            self.ahead -= 1
            self.started.append(exp)
            self.sts_q.append([t + 3 + r.randrange(self.sts_lat), exp])
        self.cmd_grant_prev = cgrant
        # ---- status
        if sts is not None:
            addr = sts[1]
            d = self.mem[addr]
            assert int(dut.sts_desc_addr.value) == addr, \
                f"cycle {t}: status of {addr:#x}, sts_desc_addr {int(dut.sts_desc_addr.value):#x}"
            assert int(dut.sts_desc_irq.value) == d.ctrl & 1, f"cycle {t}: sts_desc_irq of {addr:#x}"
            due = max(t + 2 + r.randrange(self.wb_lat), self.wb_q[-1][0] if self.wb_q else 0)
            self.wb_q.append([due, addr, d.ctrl & 1, d.wb_err])
            self.wb_peak = max(self.wb_peak, len(self.wb_q))
        # ---- write-back
        flagged = False
        if wb is not None:
            self.wb_log.append((wb[1], wb[3], self.mem[wb[1]].data_err))
            self.wb_at[wb[1]] = t
            if wb[3] == 0:
                self.completed += 1
                flagged = bool(wb[2])
        self.check_state(t, s, pulses, flagged)

    def make_beats(self, addr):
        d = self.mem.get(addr)
        img = d.image() if d is not None else self.rng.getrandbits(256)
        out = []
        m = (1 << self.dw) - 1
        for k in range(self.beats):
            data = (img >> (k * self.dw)) & m if self.dw <= 256 else img
            err = 0
            if d is not None and d.fetch_err is not None and k >= d.fetch_err[0]:
                if k == d.fetch_err[0]:
                    err = d.fetch_err[1]
                    data = self.rng.getrandbits(self.dw)
            out.append((data, err))
        # what the channel learns from NEXT (it arrives with beat NEXT_BEAT)
        nb = 0 if self.dw >= 64 else 64 // self.dw - 1
        next_ok = not any(e for _, e in out[:nb + 1])
        if d is not None and next_ok:
            if d.next & 1:
                self.pending_expect = (nb, {addr: True})
            else:
                self.pending_expect = (nb, {d.next & self.amask: False})
        else:
            self.pending_expect = (nb, {})
        return out

    def check_state(self, t, s, pulses, flagged):
        # fetch expectations learnt from NEXT when its beat went out (approximated: as soon as
        # the fetch's beats are generated; the channel cannot fetch before NEXT arrives anyway)
        if getattr(self, "pending_expect", None) is not None:
            self.expect_fetch.update(self.pending_expect[1])
            self.pending_expect = None
        if "cur_desc" in pulses and self.prev_state in (ST_IDLE, ST_HALTED):
            a = self.cur_desc_wdata & ~1 & self.amask
            if self.cur_desc_wdata & 1 and a & 0x3F == 0:
                self.expect_fetch = {a: True}
                self.ahead = 0
                self.start = None
                self.last_started = a
            else:
                self.expect_fetch = {a: False}
                self.ahead = 0
                self.start = a
                self.last_started = None
        if s["irq_done_set"]:
            self.irq["done"] += 1
        if s["irq_err_set"]:
            self.irq["err"] += 1
        if s["irq_idle_set"]:
            self.irq["idle"] += 1
        if "reset" in pulses:
            self.resetting = True
        if self.resetting:
            assert not (s["irq_done_set"] or s["irq_err_set"] or s["irq_idle_set"]), \
                f"cycle {t}: interrupt between a RESET and IDLE"
        # the stop (or halt) completed: the prefetched descriptors are dropped
        if self.prev_state == ST_STOPPING and s["state"] != ST_STOPPING:
            cd = s["cur_desc"]
            self.expect_fetch = {cd & ~1: bool(cd & 1)}
            self.ahead = 0
            self.flush_at = t
        if self.resetting and s["state"] == ST_IDLE and "reset" not in pulses:
            self.resetting = False
            self.completed = 0
            self.flag_events = []
        if s["waiting"]:
            assert s["state"] == ST_RUNNING, f"cycle {t}: WAITING while not running"
            assert not (self.fetches or self.sts_q or self.wb_q), f"cycle {t}: WAITING with work in flight"
            if not self.prev_waiting:
                self.flush_at = t
        # ERR_CODE is final once set (until a reset)
        if self.err_seen and s["err_code"] != self.err_seen and s["err_code"] != 0:
            assert False, f"cycle {t}: ERR_CODE changed {self.err_seen} -> {s['err_code']}"
        self.err_seen = s["err_code"]
        # ---- coalescing: a flagged completion at cycle c counts from c + 1
        lim = max(self.coal_count, 1)
        if flagged:
            self.flag_events.append(t)
            self.last_flag = t
        if s["irq_done_set"]:
            covered = [c for c in self.flag_events if c <= t - 2]
            assert covered, f"cycle {t}: DONE interrupt without a flagged completion"
            assert len(covered) <= lim, f"cycle {t}: {len(covered)} flagged completions for one DONE (COUNT {lim})"
            by_time = self.coal_timeout and t - covered[-1] >= self.coal_timeout + 2
            by_flush = self.flush_at is not None and t - self.flush_at <= 2
            assert len(covered) == lim or by_time or by_flush, \
                f"cycle {t}: DONE after {len(covered)} < {lim} completions, no timeout or flush"
            if len(covered) < lim and not by_flush:
                self.timeout_pulses += 1
            self.flag_events = [c for c in self.flag_events if c > t - 2]
        elif not self.resetting:
            old = [c for c in self.flag_events if c <= t - 3]
            assert len(old) < lim, f"cycle {t}: {len(old)} flagged completions (COUNT {lim}) and no DONE"
            if old and self.coal_timeout:
                assert t - self.flag_events[-1] <= self.coal_timeout + 1, f"cycle {t}: coalescing timeout missed"
            if old and self.flush_at is not None and t - self.flush_at >= 3 and old[-1] < self.flush_at:
                assert False, f"cycle {t}: flagged completion left unsignalled at end of chain/stop/halt"
        self.prev_state = s["state"]
        self.prev_waiting = s["waiting"]

    # --------------------------------------------------------------- helpers
    async def until(self, cond, limit=20000, what="condition"):
        for _ in range(limit):
            await self.tick()
            if cond(self.s):
                return
        assert False, f"timeout waiting for {what} (state {self.s.get('state')})"

    async def idle_cycles(self, n):
        for _ in range(n):
            await self.tick()

    async def set_cur_desc(self, value):
        self.cur_desc_wdata = value
        self.pulse("cur_desc")
        await self.tick()

    async def wait_end(self):
        await self.idle_cycles(2)     # (a doorbell or RUN of this cycle is seen first)
        await self.until(lambda s: s["waiting"] or s["state"] == ST_HALTED, what="end of chain or halt")
        await self.idle_cycles(4)

    async def stop(self):
        self.run = 0
        await self.until(lambda s: s["state"] in (ST_IDLE, ST_HALTED), what="stop")
        await self.idle_cycles(3)

    async def reset_channel(self):
        self.pulse("reset")
        await self.until(lambda s: s["state"] == ST_IDLE and not self.resetting, what="reset")
        await self.idle_cycles(2)

    def expect_end_of_chain(self, chain):
        s = self.s
        assert s["state"] == ST_RUNNING and s["waiting"] == 1, f"not waiting at the end: {s}"
        assert s["err_code"] == 0, f"ERR_CODE {s['err_code']}"
        assert s["cur_desc"] == chain[-1] | 1, f"CUR_DESC {s['cur_desc']:#x} != {chain[-1] | 1:#x}"
        assert s["completed"] == self.completed, f"COMPLETED {s['completed']} != {self.completed}"

    def predict_halt(self, chain):
        """(err_code, err_desc, cur_desc) from the chain and the descriptors started."""
        started = [a for a in chain if a in self.started]
        assert started == chain[:len(started)], "started descriptors are not a chain prefix"
        for a in started:
            d = self.mem[a]
            if d.wb_err:
                code = E_WB_SLVERR if d.wb_err == 1 else E_WB_DECERR
                break
            if d.data_err:
                code = d.data_err
                break
        else:
            a = None
        n = len(started)
        if n < len(chain):
            cur = chain[n]
        else:
            cur = chain[-1] | 1
        if a is not None:
            return code, a, cur
        # nothing started failed: the head (first not started) is bad
        assert n < len(chain) or self.mem[chain[-1]].next & 0x3F, "halt predicted without an error"
        head = chain[n] if n < len(chain) else self.mem[chain[-1]].next & self.amask
        if head & 0x3F:
            return E_DESC_ALIGN, head, head
        d = self.mem[head]
        if d.fetch_err is not None:
            return (E_FETCH_SLVERR if d.fetch_err[1] == 1 else E_FETCH_DECERR), head, head
        assert self.malformed(d)
        return E_DESC_MALFORMED, head, head

    def expect_halt(self, chain, note=""):
        s = self.s
        code, edesc, cur = self.predict_halt(chain)
        assert s["state"] == ST_HALTED, f"{note}: state {s['state']}, expected HALTED"
        assert (s["err_code"], s["err_desc"]) == (code, edesc), \
            f"{note}: ERR_CODE/ERR_DESC {s['err_code']}/{s['err_desc']:#x}, expected {code}/{edesc:#x}"
        assert s["cur_desc"] == cur, f"{note}: CUR_DESC {s['cur_desc']:#x}, expected {cur:#x}"
        assert s["completed"] == self.completed, f"{note}: COMPLETED {s['completed']} != {self.completed}"
        assert s["waiting"] == 0


def full_chain(b, first):
    """chain_from, extended by a misaligned NEXT (an address the channel gets to, not a descriptor)."""
    ch = b.chain_from(first)
    last = b.mem.get(ch[-1])
    if last is not None and not (last.next & 1) and not last.fetch_err and not b.malformed(last):
        ch.append(last.next & b.amask)
    return ch


async def setup(dut, seed_offset, stall=None):
    from cocotb.clock import Clock
    seed = cocotb.RANDOM_SEED + seed_offset
    cocotb.log.info(f"RANDOM_SEED={cocotb.RANDOM_SEED} (this test: {seed})")
    rng = random.Random(seed)
    Clock(dut.clk, 10, unit="ns").start()
    dut.rst.value = 1
    for n in ("run", "reset_req", "doorbell", "cur_desc_wr", "fetch_grant", "beat_valid", "cmd_grant",
              "sts_valid", "wb_done", "beat_len_bad", "beat_ctrl_bad", "beat_err", "sts_error", "wb_irq",
              "wb_bus_err", "cur_desc_wdata", "coal_count", "coal_timeout", "beat_data"):
        getattr(dut, n).value = 0
    for _ in range(3):
        await RisingEdge(dut.clk)
    await Timer(1, unit="ns")
    dut.rst.value = 0
    b = Bench(dut, rng, stall)
    await b.idle_cycles(2)
    return b


async def run_chain(b, chain):
    await b.set_cur_desc(chain[0])
    b.run = 1
    await b.wait_end()


@cocotb.test()
async def test_chains(dut):
    """Chains of 1..N descriptors, one after the other; end of chain: WAITING, CUR_DESC, IDLE irq."""
    b = await setup(dut, 1)
    for i in range(8):
        b.stall = b.rng.choice([0.0, 0.3, 0.6])
        b.coal_count = b.rng.choice([0, 1, 2, 3])
        chain = b.make_chain(b.rng.randint(1, 9) if i else 1)
        idle0 = b.irq["idle"]
        n0 = len(b.started)
        await run_chain(b, chain)
        assert b.started[n0:] == chain, "commands are not the chain in order"
        b.expect_end_of_chain(chain)
        assert b.irq["idle"] == idle0 + 1, "no IDLE interrupt at the end of the chain"
        await b.stop()
        assert b.s["state"] == ST_IDLE and b.s["cur_desc"] == chain[-1] | 1
        assert b.irq["err"] == 0


@cocotb.test()
async def test_doorbell(dut):
    """Appends with a doorbell (while running and after the end), an empty doorbell, RUN at the end."""
    b = await setup(dut, 2)
    chain = b.make_chain(3)
    await b.set_cur_desc(chain[0])
    b.run = 1
    for rnd in range(8):
        # append after a random delay (maybe before the end of the chain was reached)
        await b.idle_cycles(b.rng.choice([0, 1, 3, 10, 40]))
        more = b.make_chain(b.rng.randint(1, 4))
        b.link(chain[-1], more[0])
        chain += more
        if rnd % 3 == 2:
            # not running: RUN at the end of the chain re-reads the last NEXT by itself
            await b.stop()
            b.run = 1
        else:
            b.pulse("doorbell")
        await b.wait_end()
        b.expect_end_of_chain(chain)
        assert b.started == chain, "commands are not the chain in order"
    # doorbell with nothing appended: harmless, another IDLE interrupt
    idle0 = b.irq["idle"]
    b.pulse("doorbell")
    await b.idle_cycles(3)
    await b.wait_end()
    b.expect_end_of_chain(chain)
    assert b.irq["idle"] == idle0 + 1, "no IDLE interrupt after an empty doorbell"
    # resume after D with CUR_DESC = D | 1
    await b.stop()
    extra = b.make_chain(2)
    b.link(chain[1], extra[0])      # (replaces the rest of the chain after chain[1])
    await b.set_cur_desc(chain[1] | 1)
    b.run = 1
    await b.wait_end()
    b.expect_end_of_chain(extra)
    assert b.started[len(chain):] == extra


@cocotb.test()
async def test_stop_reset(dut):
    """Stop and resume, RESET of a running channel (RUN kept or cleared): nothing lost or repeated."""
    b = await setup(dut, 3)
    chain = b.make_chain(30)
    await b.set_cur_desc(chain[0])
    b.coal_count = 2
    b.run = 1
    for k in range(10):
        await b.idle_cycles(b.rng.randint(0, 40))
        if b.s["waiting"]:
            break
        kind = b.rng.choice(["stop", "reset", "reset_run"])
        if kind == "stop":
            await b.stop()
            assert b.s["state"] == ST_IDLE
            n = len(b.started)
            exp_cur = chain[n] if n < len(chain) else chain[-1] | 1
            assert b.s["cur_desc"] == exp_cur, f"stop: CUR_DESC {b.s['cur_desc']:#x} != {exp_cur:#x}"
            assert b.s["completed"] == b.completed, "stop: COMPLETED"
            b.run = 1
        elif kind == "reset":
            b.run = 0
            b.pulse("reset")
            await b.until(lambda s: s["state"] == ST_IDLE and not b.resetting, what="reset")
            await b.idle_cycles(2)
            n = len(b.started)
            exp_cur = chain[n] if n < len(chain) else chain[-1] | 1
            assert b.s["cur_desc"] == exp_cur, f"reset: CUR_DESC {b.s['cur_desc']:#x} != {exp_cur:#x}"
            assert b.s["completed"] == 0 and b.s["err_code"] == 0, "reset: COMPLETED/ERR_CODE not 0"
            b.run = 1
        else:
            b.pulse("reset")          # RUN stays set: starts again once IDLE
            await b.idle_cycles(1)
    await b.wait_end()
    b.expect_end_of_chain(chain)
    assert b.started == chain, "commands are not the chain in order, exactly once each"


def inject(b, chain, k, cause):
    d = b.mem[chain[k]] if chain[k] in b.mem else None
    if cause == "fetch":
        d.fetch_err = (b.rng.randrange(b.beats), b.rng.choice([1, 2]))
    elif cause == "magic":
        d.ctrl ^= b.rng.choice([1 << 24, 0xFF << 24, 1 << 31])
    elif cause == "rsvd":
        d.ctrl |= 1 << b.rng.randrange(4, 24)
    elif cause == "len0":
        d.len = 0
    elif cause == "lenbig":
        d.len = b.rng.randrange(1 << b.lw, 1 << 32) if b.lw < 32 else 0
    elif cause == "streams":
        d.ctrl |= 6
    elif cause == "next_align":
        d.next = (d.next & ~0x3F) | (b.rng.randrange(1, 32) << 1)
    elif cause == "data":
        d.data_err = b.rng.randint(1, 6)
    elif cause == "wb":
        d.wb_err = b.rng.choice([1, 2])
    elif cause == "data_wb":         # both: the failed write-back wins
        d.data_err = b.rng.randint(1, 6)
        d.wb_err = b.rng.choice([1, 2])


CAUSES = ["fetch", "magic", "rsvd", "len0", "lenbig", "streams", "next_align", "data", "wb", "data_wb"]


async def halt_and_recover(b, chain_first, note):
    ch = full_chain(b, chain_first)
    await b.set_cur_desc(chain_first)
    b.run = 1
    err0 = b.irq["err"]
    await b.until(lambda s: s["state"] == ST_HALTED, what=f"halt ({note})")
    await b.idle_cycles(3)
    b.expect_halt(ch, note)
    assert b.irq["err"] == err0 + 1, f"{note}: ERR interrupt count"
    # RUN on a halted channel is ignored
    await b.idle_cycles(5)
    assert b.s["state"] == ST_HALTED
    cur = b.s["cur_desc"]
    b.run = 0
    await b.reset_channel()
    assert (b.s["state"], b.s["err_code"], b.s["completed"], b.s["cur_desc"]) == (ST_IDLE, 0, 0, cur), \
        f"{note}: after RESET {b.s}"
    return ch


@cocotb.test()
async def test_halt_causes(dut):
    """Every halt cause at a random position of a chain; then RESET, fix, retry from ERR_DESC."""
    b = await setup(dut, 4)
    for cause in CAUSES * 2:
        b.stall = b.rng.choice([0.0, 0.3, 0.6])
        n = b.rng.randint(1, 6)
        chain = b.make_chain(n)
        k = b.rng.randrange(n)
        # (next_align on the last one: a misaligned NEXT instead of EOC)
        inject(b, chain, k, cause)
        await halt_and_recover(b, chain[0], f"{cause} at {k}/{n}")
        # fix the cause in memory and retry from the failed descriptor
        d = b.mem[chain[k]]
        d.fetch_err, d.data_err, d.wb_err = None, 0, 0
        d.ctrl, d.len = MAGIC | (d.ctrl & 0xF & ~0x6), max(1, d.len & ((1 << b.lw) - 1))
        if cause == "next_align":
            d.next = chain[k + 1] if k + 1 < n else 1
        rest = b.chain_from(chain[k])
        n0 = len(b.started)
        await run_chain(b, [chain[k]])
        assert b.started[n0:] == rest, f"{cause}: retry did not run the chain from ERR_DESC"
        b.expect_end_of_chain(rest)
        await b.stop()


@cocotb.test()
async def test_misaligned_cur_desc(dut):
    """CUR_DESC with bits 5:1 set: halts with DESC_ALIGN at once, without fetching."""
    b = await setup(dut, 5)
    for _ in range(3):
        a = b.alloc() | (b.rng.randrange(1, 32) << 1) | b.rng.randrange(2)
        nf = len(b.fetched)
        await b.set_cur_desc(a)
        b.run = 1
        await b.until(lambda s: s["state"] == ST_HALTED, what="halt")
        await b.idle_cycles(2)
        assert (b.s["err_code"], b.s["err_desc"]) == (E_DESC_ALIGN, a & ~1), f"misaligned CUR_DESC {a:#x}: {b.s}"
        assert b.s["cur_desc"] == a & ~1
        assert len(b.fetched) == nf, "fetched for a misaligned CUR_DESC"
        b.run = 0
        await b.reset_channel()


@cocotb.test()
async def test_errors_chain_order(dut):
    """Several errors in one chain (fetched-ahead errors, write-back and data errors together):
    the first in chain order is reported, whatever failed first in time."""
    b = await setup(dut, 6)
    trials = 30
    ahead_first = 0     # trials where the later descriptor's error was seen before the earlier write-back
    for i in range(trials):
        b.stall = b.rng.choice([0.0, 0.3, 0.6])
        n = b.rng.randint(2, 7)
        chain = b.make_chain(n)
        k = b.rng.randrange(n - 1)
        if i % 2 == 0:
            # the brief's case: write-back error on k, error on the fetched-ahead k+1
            inject(b, chain, k, "wb")
            inject(b, chain, k + 1, b.rng.choice(["fetch", "magic", "len0", "next_align", "data", "wb"]))
        else:
            inject(b, chain, k, b.rng.choice(CAUSES))
            for j in range(k + 1, n):
                if b.rng.random() < 0.6:
                    inject(b, chain, j, b.rng.choice(CAUSES))
        await halt_and_recover(b, chain[0], f"trial {i}")
        if i % 2 == 0 and b.fetch_done_at.get(chain[k + 1], 1 << 40) < b.wb_at.get(chain[k], 0):
            ahead_first += 1
    cocotb.log.info(f"{ahead_first} of {trials // 2} trials: the error of descriptor k+1 was fetched "
                    f"before k's failed write-back")
    assert ahead_first > 0, "coverage: never had the fetched-ahead error before the earlier write-back error"


@cocotb.test()
async def test_coalescing(dut):
    """COAL_COUNT/COAL_TIMEOUT with flagged and unflagged descriptors; flush at end/stop/halt."""
    b = await setup(dut, 7)
    for i in range(12):
        b.stall = b.rng.choice([0.0, 0.3, 0.6])
        b.coal_count = b.rng.choice([0, 1, 2, 3, 5]) if i % 2 else b.rng.choice([3, 5])
        b.coal_timeout = b.rng.choice([0, 3, 10, 40]) if i % 2 else b.rng.choice([1, 2, 5])
        b.sts_lat = 8 if i % 2 else 40     # slow datapath: the timeout fires between completions
        chain = b.make_chain(b.rng.randint(1, 12))
        ev = b.irq["done"]
        if i % 3 == 2:
            inject(b, chain, len(chain) - 1, "data")
            inject(b, chain, len(chain) - 1, "wb")
            await halt_and_recover(b, chain[0], f"coalescing halt {i}")
        else:
            await run_chain(b, chain)
            b.expect_end_of_chain(chain)
            flagged = sum(b.mem[a].ctrl & 1 for a in chain)
            if flagged:
                assert b.irq["done"] > ev, "no DONE interrupt for flagged completions"
            await b.stop()
        await b.idle_cycles(60)   # any timeout elapses (checked by the monitor)
    b.sts_lat = 8
    cocotb.log.info(f"{b.timeout_pulses} DONE interrupts from COAL_TIMEOUT")
    assert b.timeout_pulses > 0, "coverage: no DONE interrupt from COAL_TIMEOUT"


@cocotb.test()
async def test_relink_error(dut):
    """A failed re-read of the last descriptor's NEXT (doorbell or RUN at the end of the chain):
    ERR_DESC is that last descriptor, CUR_DESC = ERR_DESC | 1; after RESET the chain goes on."""
    b = await setup(dut, 8)
    chain = b.make_chain(2)
    await run_chain(b, chain)
    for i in range(8):
        b.stall = b.rng.choice([0.0, 0.3, 0.6])
        last = chain[-1]
        linked = b.rng.random() < 0.5
        if linked:
            more = b.make_chain(b.rng.randint(1, 3))
            b.link(last, more[0])
        # the error on a beat up to NEXT's when linked (a later beat: test_bug_relink_late_error)
        nb = 0 if b.dw >= 64 else 64 // b.dw - 1
        beat = b.rng.randrange(nb + 1 if linked else b.beats)
        code = b.rng.choice([1, 2])
        b.mem[last].fetch_err = (beat, code)
        note = f"relink error on beat {beat}, linked {linked}"
        if i % 2:
            await b.stop()
            b.run = 1
        else:
            b.pulse("doorbell")
        err0 = b.irq["err"]
        await b.until(lambda s: s["state"] == ST_HALTED, what=f"halt ({note})")
        await b.idle_cycles(3)
        s = b.s
        want = (E_FETCH_SLVERR if code == 1 else E_FETCH_DECERR, last, last | 1)
        assert (s["err_code"], s["err_desc"], s["cur_desc"]) == want, \
            f"{note}: ERR_CODE/ERR_DESC/CUR_DESC {s['err_code']}/{s['err_desc']:#x}/{s['cur_desc']:#x}, " \
            f"expected {want[0]}/{want[1]:#x}/{want[2]:#x}"
        assert s["completed"] == b.completed and b.irq["err"] == err0 + 1
        b.run = 0
        b.mem[last].fetch_err = None
        await b.reset_channel()
        assert b.s["cur_desc"] == last | 1, f"{note}: CUR_DESC after RESET {b.s['cur_desc']:#x}"
        # resume: follows the NEXT of the last descriptor (not running it again)
        b.run = 1
        await b.wait_end()
        if linked:
            chain += more
        b.expect_end_of_chain(chain)


@cocotb.test()
async def test_bug_relink_late_error(dut):
    """Regression test of a fixed bug: the re-read of the last descriptor's NEXT after a doorbell
    finds a link, but a later beat of that read (after NEXT's) answers SLVERR/DECERR. Expected
    (descriptors.md): HALTED, FETCH_*, ERR_DESC = last, CUR_DESC = last | 1, and resuming after
    RESET runs the appended descriptors. The bug: the channel took the NEXT it read and fetched
    ahead along the appended chain before it halted, so CUR_DESC pointed past descriptors that
    never ran (fixed: a relink's NEXT is only taken once its whole read arrived without error).
    (DATA_WIDTH >= 256: one beat, the case cannot happen.)"""
    b = await setup(dut, 9)
    if b.beats == 1:
        return
    chain = b.make_chain(2)
    await run_chain(b, chain)
    failures = []
    for i in range(6):
        b.stall = b.rng.choice([0.0, 0.3])
        last = chain[-1]
        more = b.make_chain(b.rng.randint(1, 3))
        b.link(last, more[0])
        nb = 0 if b.dw >= 64 else 64 // b.dw - 1
        beat = b.rng.randrange(nb + 1, b.beats)
        b.mem[last].fetch_err = (beat, 1)
        b.pulse("doorbell")
        await b.until(lambda s: s["state"] == ST_HALTED, what="halt")
        await b.idle_cycles(3)
        s = b.s
        assert (s["err_code"], s["err_desc"]) == (E_FETCH_SLVERR, last)
        b.run = 0
        b.mem[last].fetch_err = None
        cd = s["cur_desc"]
        if cd != last | 1:
            skipped = more[:more.index(cd & ~1) + (cd & 1)] if cd & ~1 in more else "?"
            failures.append(f"error on beat {beat}: CUR_DESC {cd:#x}, expected {last | 1:#x}; resuming there "
                            f"skips {[hex(x) for x in skipped] if skipped != '?' else skipped} of the "
                            f"appended {[hex(x) for x in more]}")
        await b.reset_channel()
        # resume where the chain really is (CUR_DESC = last | 1), so the next rounds start clean
        await b.set_cur_desc(last | 1)
        b.run = 1
        await b.wait_end()
        chain += more
        b.expect_end_of_chain(chain)
    assert not failures, "relink late-beat error: CUR_DESC after the halt / resume:\n" + "\n".join(failures)


@cocotb.test()
async def test_bug_wb_backlog(dut):
    """Regression test of a fixed bug: more statuses waiting for their write-back than
    2^CMD_DEPTH_LOG2 (dma_frontend allows 2^CMD_DEPTH_LOG2 in its write-back queue plus 4 waiting
    for B, so a slow B channel gets there). The channel's wb_q FIFO was only 2^CMD_DEPTH_LOG2 deep
    and dropped entries, so later write-backs were matched with the wrong descriptor (fixed: it
    holds every write-back the front end can have pending). Expected: ERR_DESC/ERR_CODE of the
    failing descriptor, as with a fast B."""
    b = await setup(dut, 10, stall=0.0)
    failures = []
    for i in range(6):
        b.wb_max = b.cmd_depth + 4       # as many as dma_frontend lets through
        b.wb_lat = 60                    # slow write-back responses, fast datapath
        b.sts_lat = 2
        n = 10
        chain = b.make_chain(n)
        k = b.rng.randrange(b.cmd_depth + 1, n)
        inject(b, chain, k, b.rng.choice(["data", "wb"]))
        ch = full_chain(b, chain[0])
        await b.set_cur_desc(chain[0])
        b.run = 1
        await b.until(lambda s: s["state"] == ST_HALTED, what="halt")
        await b.idle_cycles(3)
        code, edesc, cur = b.predict_halt(ch)
        got = (b.s["err_code"], b.s["err_desc"])
        if got != (code, edesc):
            failures.append(f"error on descriptor {k} of {n} ({edesc:#x}, code {code}), {b.wb_peak} write-backs "
                            f"pending at most: ERR_CODE/ERR_DESC {got[0]}/{got[1]:#x}")
        b.run = 0
        await b.reset_channel()
        b.wb_peak = 0
    assert not failures, ("write-back backlog > 2^CMD_DEPTH_LOG2 (wb_q overflow): wrong ERR_DESC/ERR_CODE:\n"
                          + "\n".join(failures))
