# SPDX-License-Identifier: Apache-2.0
"""pyuvm environment for random system tests of the engine through its driver.

    DmaItem            one request: kind, channel, length, page offsets, above/below the
                       DMA limit (bounced or not), scattered or contiguous pages, fault
    RandomRequestSeq   N random items (optionally with a fault rate)
    FaultSeq           one item per error class (read/write x SLVERR/DECERR, and status
                       write-back x SLVERR/DECERR where the descriptor port is separate)
    ChainOrderSeq      several failing requests back to back on one channel, so that
                       later ones are in flight when an earlier one fails
    DmaAgent           sequencer + DriverAgentDriver: builds the buffers, injects faults
                       (AxiMemory.inject_error on the device addresses; write-back faults
                       on a descriptor's STATUS through WritebackFaults), submits through
                       dmaengine.driver, publishes a DmaResult per completion
    MemScoreboard      destination bytes exact, guard bytes untouched, status and byte
                       count as expected; memory->stream blocks in order
    check_halt         every halt the driver recovered from (drv.halt_log) against the
                       injected faults: ERR_DESC is the first failing descriptor in chain
                       order, every failed write-back is identified
    DmaCoverage        functional coverage bins, report()
    DmaEnv             all of the above; the test's run_phase fills the holder
                       (ConfigDB "SYS") with the SystemEnv and the driver
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

import cocotb
from cocotb.triggers import ClockCycles, Event
from pyuvm import (ConfigDB, uvm_agent, uvm_analysis_port, uvm_component, uvm_driver, uvm_env,
                   uvm_sequence, uvm_sequence_item, uvm_sequencer, uvm_subscriber)

from dmaengine import regs as R
from dmaengine.descriptor import OFF_STATUS, STATUS_DONE, STATUS_ERR_MASK
from dmaengine.driver import STREAM, DmaRequest
from dmatb.memory import DECERR, SLVERR

GUARD = 32
FAULTS = {("read", "slverr"): R.DMA_ERR_RD_SLVERR, ("read", "decerr"): R.DMA_ERR_RD_DECERR,
          ("write", "slverr"): R.DMA_ERR_WR_SLVERR, ("write", "decerr"): R.DMA_ERR_WR_DECERR}
# the STATUS write-back of one of the request's descriptors fails (dma_engine only: the
# descriptor port is separate, so the fault can be put on exactly that write)
WB_FAULTS = {("writeback", "slverr"): R.DMA_ERR_WB_SLVERR, ("writeback", "decerr"): R.DMA_ERR_WB_DECERR}
ALL_FAULTS = {**FAULTS, **WB_FAULTS}
M2S_CHANNEL, S2M_CHANNEL = 1, 2      # the stream ports are shared: one channel per direction
FAULT_CHANNELS = (0, 3)              # channels that carry memory copies only


@dataclass
class SysHolder:
    sysenv: object = None
    driver: object = None
    max_outstanding: int = 24
    wb_faults: object = None         # WritebackFaults, when the engine has m_axi_sg


class DmaItem(uvm_sequence_item):
    def __init__(self, name="dma_item"):
        super().__init__(name)
        self.kind = "m2m"
        self.channel = 0
        self.length = 1
        self.src_off = 0
        self.dst_off = 0
        self.src_high = False
        self.dst_high = False
        self.contiguous = False
        self.fault = None            # (on, resp) or None
        self.wb_piece = None         # write-back fault: the failing descriptor's piece index

    def randomize_with(self, rng: random.Random, fault_rate: float = 0.0, classes=FAULTS):
        self.channel = rng.randrange(4)
        self.kind = "m2m"
        if self.channel == M2S_CHANNEL and rng.random() < 0.4:
            self.kind = "m2s"
        if self.channel == S2M_CHANNEL and rng.random() < 0.4:
            self.kind = "s2m"
        r = rng.random()
        if r < 0.08:
            self.length = rng.choice([1, 2, 3, 4095, 4096, 4097, 8192])
        elif r < 0.45:
            self.length = rng.randint(1, 256)
        elif r < 0.85:
            self.length = rng.randint(257, 4096)
        elif r < 0.98:
            self.length = rng.randint(4097, 16384)
        else:
            self.length = rng.randint(16385, 65536)
        pick_off = lambda: rng.choice([0, rng.randrange(0, 4096, 64), rng.randrange(4096)])
        self.src_off, self.dst_off = pick_off(), pick_off()
        self.src_high, self.dst_high = rng.random() < 0.6, rng.random() < 0.6
        self.contiguous = rng.random() < 0.2
        self.fault = None
        if fault_rate and rng.random() < fault_rate:
            self.make_fault(rng, rng.choice(list(classes)))
        return self

    def make_fault(self, rng, which):
        self.kind = "m2m"
        self.channel = rng.choice(FAULT_CHANNELS)
        self.fault = which
        # the faulty side is not bounced, so its device address is the physical one
        if which[0] == "read":
            self.src_high = False
        elif which[0] == "write":
            self.dst_high = False

    def __str__(self):
        return (f"{self.kind} ch{self.channel} len {self.length} off {self.src_off}/{self.dst_off} "
                f"high {self.src_high:d}/{self.dst_high:d} fault {self.fault}")


class RandomRequestSeq(uvm_sequence):
    def __init__(self, name="random_requests", count=100, seed=0, fault_rate=0.0, classes=FAULTS):
        super().__init__(name)
        self.count, self.rng, self.fault_rate, self.classes = count, random.Random(seed), fault_rate, classes

    async def body(self):
        for i in range(self.count):
            item = DmaItem(f"req{i}")
            await self.start_item(item)
            item.randomize_with(self.rng, self.fault_rate, self.classes)
            await self.finish_item(item)


class FaultSeq(uvm_sequence):
    """One faulty request per error class, each among a few good ones."""

    def __init__(self, name="faults", seed=0, classes=FAULTS):
        super().__init__(name)
        self.rng = random.Random(seed)
        self.classes = classes

    async def body(self):
        for which in self.classes:
            for j in range(4):
                item = DmaItem(f"fault_{which[0]}_{which[1]}_{j}")
                await self.start_item(item)
                item.randomize_with(self.rng)
                if j == 1:
                    item.make_fault(self.rng, which)
                await self.finish_item(item)


class ChainOrderSeq(uvm_sequence):
    """Failing requests back to back on one channel, good ones mixed in. Even rounds: a
    long request with a read or write fault first (it fails late, so the requests
    behind it are already in flight), then short ones with write-back and data faults.
    Odd rounds: a short request whose write-back fails first, short data faults right
    behind it (with slow write responses on the descriptor port, their errors come
    before its write-back response). Only the first failing descriptor in chain order
    may be ERR_DESC; the later ones' failures must be identifiable (check_halt)."""

    def __init__(self, name="chain_order", seed=0, rounds=4, classes=FAULTS):
        super().__init__(name)
        self.rng = random.Random(seed)
        self.rounds = rounds
        self.classes = classes

    async def body(self):
        rng = self.rng
        data = [c for c in self.classes if c[0] != "writeback"]
        wb = [c for c in self.classes if c[0] == "writeback"]
        for r in range(self.rounds):
            channel = FAULT_CHANNELS[r % len(FAULT_CHANNELS)]
            if r % 2 == 0:
                plan = [("long", rng.choice(data))] + [("short", f) for f in
                                                       [rng.choice(wb or data), None, rng.choice(data),
                                                        rng.choice(wb or data), None]]
            else:
                plan = [("short", f) for f in [rng.choice(wb or data), rng.choice(data), None,
                                               rng.choice(data), rng.choice(wb or data), None]]
            for j, (size, which) in enumerate(plan):
                item = DmaItem(f"chain_order{r}_{j}")
                await self.start_item(item)
                item.randomize_with(rng)
                item.kind, item.channel = "m2m", channel
                item.length = rng.randint(6000, 9000) if size == "long" else rng.randint(16, 200)
                if which:
                    item.make_fault(rng, which)
                    item.channel = channel
                await self.finish_item(item)


class WritebackFaults:
    """Write-back fault injection on the descriptor port (AxiMemory of m_axi_sg): the
    STATUS write of one descriptor of each registered request answers SLVERR/DECERR,
    wherever the driver puts that descriptor in its ring (the fault moves with the
    request when it is resubmitted after a halt). Hooks the driver's ring linking."""

    def __init__(self, drv, sg_mem):
        self.drv, self.mem = drv, sg_mem
        self.victims: dict[int, list] = {}        # id(req) -> [req, item, resp, entry]
        orig = drv._link_ready

        def link_ready(ch):
            writes = orig(ch)
            for v in self.victims.values():
                req, item, resp, entry = v
                if req.channel != ch.idx or not req.slots:
                    continue
                if item.wb_piece is None:
                    item.wb_piece = len(req.slots) - 1      # the request's last descriptor
                addr = drv._slot_addr(ch, req.slots[item.wb_piece]) + OFF_STATUS
                if entry is None or entry[0] != addr:
                    self._drop(v)
                    v[3] = (addr, addr + 8, SLVERR if resp == "slverr" else DECERR, "write")
                    self.mem.errors.append(v[3])
            return writes

        drv._link_ready = link_ready

    def _drop(self, v):
        if v[3] is not None and v[3] in self.mem.errors:
            self.mem.errors.remove(v[3])
        v[3] = None

    def add(self, req, item, resp):
        self.victims[id(req)] = [req, item, resp, None]

    def remove(self, req):
        v = self.victims.pop(id(req), None)
        if v is not None:
            self._drop(v)


def check_halt(rec, fault_of) -> list[str]:
    """Check one HaltRecord of the driver against the injected faults. fault_of(request,
    piece) is the error code that descriptor must fail with (0: none). docs/descriptors.md:
    ERR_DESC/ERR_CODE name the first descriptor in chain order that failed; everything
    before it completed without error; the descriptors after it up to CUR_DESC were
    started and completed with their own STATUS, except those whose write-back failed
    (DONE = 0); the ones from CUR_DESC on were not started (STATUS 0)."""
    wb = set(WB_FAULTS.values())
    where = f"halt of channel {rec.channel} ({R.ERROR_NAMES.get(rec.code, rec.code)} at {rec.err_desc:#x})"
    addrs = [d.addr for d in rec.chain]
    if rec.err_desc not in addrs:
        return [f"{where}: ERR_DESC is not in the channel's chain"]
    k = addrs.index(rec.err_desc)
    out = []
    for i, d in enumerate(rec.chain):
        f = fault_of(d.request, d.piece)
        done, err = bool(d.status & STATUS_DONE), d.status & STATUS_ERR_MASK
        tag = f"{where}: descriptor #{i - k:+d} ({d.addr:#x}, piece {d.piece})"
        if i < k:
            if f or not d.started or not done or err:
                out.append(f"{tag} before ERR_DESC: fault {f}, started {d.started}, STATUS {d.status:#x}")
        elif i == k:
            if not d.started or f != rec.code:
                out.append(f"{tag} is ERR_DESC but its fault is {f}, started {d.started}")
            elif done != (f not in wb) or (done and err != f):
                out.append(f"{tag}: ERR_DESC with STATUS {d.status:#x}")
        elif d.started:
            if f in wb:
                if done:
                    out.append(f"{tag}: its write-back failed but STATUS reads {d.status:#x}")
            elif not done or err != f:
                out.append(f"{tag}: started, fault {f}, STATUS {d.status:#x}")
        elif d.status or d.nbytes:
            out.append(f"{tag}: not started but STATUS {d.status:#x} BYTES {d.nbytes}")
    want = [d.addr for d in rec.chain[k:] if d.started and fault_of(d.request, d.piece) in wb]
    if rec.wb_failed != want:
        out.append(f"{where}: failed write-backs found {[hex(a) for a in rec.wb_failed]}, "
                   f"injected {[hex(a) for a in want]}")
    return out


@dataclass
class DmaResult:
    item: DmaItem
    status: int
    nbytes: int
    expected_status: int
    data: bytes = b""            # source data
    dst_image: bytes = b""       # destination with guards, read at completion
    dst_noise: bytes = b""
    descriptors: int = 0
    retries: int = 0
    src_pages: int = 0
    dst_pages: int = 0


class DriverAgentDriver(uvm_driver):
    def build_phase(self):
        self.ap = uvm_analysis_port("ap", self)
        self.holder: SysHolder = ConfigDB().get(self, "", "SYS")
        self.outstanding = 0
        self.credit = Event()
        self.issued = 0
        self.m2s_expected: list[bytes] = []
        self.requests: dict[int, tuple] = {}      # id(req) -> (req, item)

    def fault_of(self, req, piece) -> int:
        """The error code descriptor `piece` of `req` must fail with (0: none)."""
        item = self.requests[id(req)][1]
        if item.fault is None:
            return 0
        if item.fault[0] == "writeback":
            return WB_FAULTS[item.fault] if piece == item.wb_piece else 0
        return FAULTS[item.fault]

    async def run_phase(self):
        while True:
            item = await self.seq_item_port.get_next_item()
            while self.outstanding >= self.holder.max_outstanding:
                self.credit.clear()
                await self.credit.wait()
            await self.issue(item)
            self.seq_item_port.item_done()

    def _buffer(self, length, off, high, contiguous):
        env = self.holder.sysenv
        outer = env.alloc_buffer(length + 2 * GUARD, high=high, offset=(off - GUARD) % 4096,
                                 contiguous=contiguous)
        return outer, outer.slice(GUARD, length)

    async def issue(self, item: DmaItem):
        env, drv = self.holder.sysenv, self.holder.driver
        rng = env.rng
        data = rng.randbytes(item.length)
        src = dst = STREAM
        src_outer = dst_outer = None
        noise = b""
        if item.kind != "s2m":
            src_outer, src = self._buffer(item.length, item.src_off, item.src_high, item.contiguous)
            src.write(0, data)
        if item.kind != "m2s":
            dst_outer, dst = self._buffer(item.length, item.dst_off, item.dst_high, item.contiguous)
            noise = rng.randbytes(len(dst_outer))
            dst_outer.write(0, noise)
        if item.kind == "m2s":
            self.m2s_expected.append(data)
        if item.kind == "s2m":
            env.source.send(data)
        expected = 0
        fault_ranges = []
        wbf = self.holder.wb_faults
        if item.fault and item.fault[0] != "writeback":
            on, resp = item.fault
            target = src if on == "read" else dst
            for paddr, n in target.fragments():
                env.mem.errors.append((paddr, paddr + n, SLVERR if resp == "slverr" else DECERR, on))
                fault_ranges.append(env.mem.errors[-1])
            expected = FAULTS[item.fault]
        elif item.fault:
            assert wbf is not None, "write-back faults need the engine's own descriptor port"
            expected = WB_FAULTS[item.fault]

        def done(req, status, nbytes):
            for e in fault_ranges:
                env.mem.errors.remove(e)
            if wbf is not None:
                wbf.remove(req)
            res = DmaResult(item, status, nbytes, expected, data,
                            dst_outer.read() if dst_outer is not None else b"", noise,
                            len(req.pieces), req.retries,
                            len(src_outer.pages) if src_outer else 0,
                            len(dst_outer.pages) if dst_outer else 0)
            for b in (src_outer, dst_outer):
                if b is not None:
                    env.free_buffer(b)
            self.outstanding -= 1
            self.credit.set()
            self.ap.write(res)

        self.outstanding += 1
        self.issued += 1
        req = DmaRequest(src=src, dst=dst, channel=item.channel, callback=done)
        self.requests[id(req)] = (req, item)
        if item.fault and item.fault[0] == "writeback":
            wbf.add(req, item, item.fault[1])
        await drv.submit(req)


class DmaAgent(uvm_agent):
    def build_phase(self):
        self.seqr = uvm_sequencer("seqr", self)
        self.driver = DriverAgentDriver("driver", self)

    def connect_phase(self):
        self.driver.seq_item_port.connect(self.seqr.seq_item_export)


class MemScoreboard(uvm_subscriber):
    def build_phase(self):
        self.checked = 0
        self.mismatches: list[str] = []
        self.bytes = 0

    def write(self, r: DmaResult):
        self.checked += 1
        it = r.item
        if r.status != r.expected_status:
            self.mismatches.append(f"{it}: status {r.status}, expected {r.expected_status}")
            return
        if r.status:
            return
        if r.nbytes != it.length:
            self.mismatches.append(f"{it}: {r.nbytes} bytes moved")
        if it.kind != "m2s":
            want = r.dst_noise[:GUARD] + r.data + r.dst_noise[GUARD + it.length:]
            if r.dst_image != want:
                bad = next(i for i in range(len(want)) if r.dst_image[i] != want[i])
                where = "guard" if not GUARD <= bad < GUARD + it.length else "data"
                self.mismatches.append(f"{it}: {where} byte {bad - GUARD} differs")
        self.bytes += r.nbytes

    def check_blocks(self, got: list[bytes], expected: list[bytes]):
        if got != expected:
            self.mismatches.append(f"m_axis blocks: {len(got)} received, {len(expected)} expected, "
                                   f"first difference at #{next((i for i, (a, b) in enumerate(zip(got, expected)) if a != b), min(len(got), len(expected)))}")


def _size_bin(n):
    for lim, name in ((8, "1-8"), (64, "9-64"), (4095, "65-4095"), (4096, "4096"), (16384, "4097-16K")):
        if n <= lim:
            return name
    return ">16K"


class DmaCoverage(uvm_subscriber):
    """Functional coverage: each bin counts results. `required` bins must all be hit."""

    def build_phase(self):
        self.bins: dict[str, dict] = {}
        for kind in ("m2m", "m2s", "s2m"):
            self._declare("kind", kind)
        for b in ("src bounced", "src direct", "dst bounced", "dst direct"):
            self._declare("bounce", b)
        for kind, sides in (("m2m", ("bounced->bounced", "bounced->direct", "direct->bounced",
                                     "direct->direct")), ("m2s", ("bounced", "direct")),
                            ("s2m", ("bounced", "direct"))):
            for s in sides:
                self._declare("kind x bounce", f"{kind} {s}")
        for b in ("within a page", "crosses 1 page boundary", "crosses 2+ boundaries"):
            self._declare("page crossing", b)
        for b in ("1", "2-4", "5+"):
            self._declare("descriptors per request", b)
        for b in ("1-8", "9-64", "65-4095", "4096", "4097-16K", ">16K"):
            self._declare("size", b)
        for b in ("same", "different"):
            self._declare("src/dst byte lane", b)
        for c in range(4):
            self._declare("channel", str(c))
        for which in FAULTS:
            self._declare("error class", R.ERROR_NAMES[FAULTS[which]])
        # halts (drv.halt_log): what ERR_DESC was, and what failed after it in flight;
        # the regression makes the write-back bins required where it injects those
        self._declare("halt (ERR_DESC)", "data error")
        self._declare("halt (ERR_DESC)", "write-back error", required=False)
        self._declare("after ERR_DESC (started)", "data error", required=False)
        self._declare("after ERR_DESC (started)", "write-back failed", required=False)
        self._declare("recovery", "resubmitted after a halt", required=False)
        self._declare("IOTLB", "hit/miss: n/a (no IOMMU on this platform)", required=False)

    def _declare(self, group, name, required=True):
        self.bins.setdefault(group, {})[name] = [0, required]

    def _hit(self, group, name):
        self.bins[group][name][0] += 1

    def write(self, r: DmaResult):
        it = r.item
        self._hit("kind", it.kind)
        if it.kind != "s2m":
            self._hit("bounce", "src bounced" if it.src_high else "src direct")
        if it.kind != "m2s":
            self._hit("bounce", "dst bounced" if it.dst_high else "dst direct")
        b = lambda h: "bounced" if h else "direct"
        if it.kind == "m2m":
            self._hit("kind x bounce", f"m2m {b(it.src_high)}->{b(it.dst_high)}")
        elif it.kind == "m2s":
            self._hit("kind x bounce", f"m2s {b(it.src_high)}")
        else:
            self._hit("kind x bounce", f"s2m {b(it.dst_high)}")
        offs = [o for o, k in ((it.src_off, "s2m"), (it.dst_off, "m2s")) if it.kind != k]
        cross = max((o + it.length - 1) // 4096 for o in offs)
        self._hit("page crossing", "within a page" if cross == 0 else
                  "crosses 1 page boundary" if cross == 1 else "crosses 2+ boundaries")
        d = r.descriptors
        self._hit("descriptors per request", "1" if d <= 1 else "2-4" if d <= 4 else "5+")
        self._hit("size", _size_bin(it.length))
        if it.kind == "m2m":
            self._hit("src/dst byte lane", "same" if it.src_off % 8 == it.dst_off % 8 else "different")
        self._hit("channel", str(it.channel))
        if r.status and r.status == r.expected_status:
            self._hit("error class", R.ERROR_NAMES[r.status])
        if r.retries:
            self._hit("recovery", "resubmitted after a halt")

    def halt(self, rec, fault_of):
        """Coverage of one HaltRecord: what ERR_DESC was, and what was in flight after it."""
        wb = set(WB_FAULTS.values())
        self._hit("halt (ERR_DESC)", "write-back error" if rec.code in wb else "data error")
        addrs = [d.addr for d in rec.chain]
        k = addrs.index(rec.err_desc) if rec.err_desc in addrs else len(addrs)
        for d in rec.chain[k + 1:]:
            f = fault_of(d.request, d.piece)
            if d.started and f:
                self._hit("after ERR_DESC (started)", "write-back failed" if f in wb else "data error")

    def missing(self) -> list[str]:
        return [f"{g}: {n}" for g, bins in self.bins.items() for n, (c, req) in bins.items()
                if req and c == 0]

    def report(self) -> str:
        lines = ["functional coverage", "-" * 60]
        total = hit = 0
        for g, bins in self.bins.items():
            lines.append(f"{g}")
            for n, (c, req) in bins.items():
                if req:
                    total += 1
                    hit += c > 0
                mark = "" if c or not req else "   <-- MISSING"
                lines.append(f"    {n:<36} {c:>7}{mark}")
        lines.append("-" * 60)
        lines.append(f"required bins hit: {hit}/{total} ({100.0 * hit / max(total, 1):.1f}%)")
        return "\n".join(lines)


class DmaEnv(uvm_env):
    def build_phase(self):
        self.agent = DmaAgent("agent", self)
        self.scoreboard = MemScoreboard("scoreboard", self)
        self.coverage = DmaCoverage("coverage", self)

    def connect_phase(self):
        self.agent.driver.ap.connect(self.scoreboard.analysis_export)
        self.agent.driver.ap.connect(self.coverage.analysis_export)
