# SPDX-License-Identifier: Apache-2.0
"""The C driver (sw/c, docs/c-driver.md) against the RTL.

The library is compiled as a shared object (tb/dmatb/cdriver.py) and driven from cocotb
through ctypes: its platform layer's register accesses are AXI4-Lite transactions on the
RTL's register port and its memory is the simulated RAM the AXI4 memory models serve.
Protocol checkers watch every AXI interface (dmatb.engine_env.EngineEnv); a byte-exact
scoreboard of the whole memory (dmatb.scoreboard) checks every destination byte and
that nothing else changed.

dma_engine:
    engine_probe_and_bad_arguments  probe, caps; return codes for every bad argument
    engine_random_mix               seeded random mix of mem->mem, mem->stream and stream->mem
                                    at random alignments and lengths, split into several
                                    descriptors, appended while running; polling, then
                                    interrupts with coalescing
    engine_errors_and_recovery      injected read and write errors (SLVERR, DECERR) among
                                    requests in flight: per-request status, the rest completes;
                                    restart from the failing descriptor once the cause is fixed
    engine_stop_resume              stop with work queued, submit while stopped, resume
dma_top (IOMMU at 0x1000):
    top_iommu_bare_and_1lvl         Bare, then 1LVL with a device context and Sv39 table per
                                    channel (4 KiB pages over scrambled frames and a 2 MiB page);
                                    the C page tables agree with the reference walk
    top_iommu_faults                an unmapped access faults into the fault-queue callback and
                                    the channel recovers; unmap + IOTINVAL.VMA + IOFENCE.C makes a
                                    stale IOVA fault (without the invalidation the IOTLB keeps it)
"""
from __future__ import annotations

import ctypes
import random
import struct
from pathlib import Path

import cocotb
from cocotb.triggers import ClockCycles

HERE = Path(__file__).resolve().parent
ENGINE_PARAMS = {"DATA_WIDTH": 64, "NUM_CHANNELS": 4}
TOP_PARAMS = {"DATA_WIDTH": 64}


def _run(top, params, prefix):
    from dmatb.cdriver import build_library
    from dmatb.runner import run_cocotb

    lib = build_library()
    run_cocotb(top, "test_c_driver", params, test_dir=HERE,
               extra_env={"OBDMA_LIB": str(lib), "COCOTB_TEST_FILTER": prefix})


def test_c_driver_engine():
    _run("dma_engine", ENGINE_PARAMS, "engine_")


def test_c_driver_top():
    _run("dma_top", TOP_PARAMS, "top_iommu")


# ----------------------------------------------------------------------------- bench

MEM_SIZE = 8 << 20
RING_BASE = 0x10000          # channel c's ring at RING_BASE + c * RING_STRIDE
RING_STRIDE = 0x4000
NSLOTS = 64
DATA_BASE = 0x100000


class Bench:
    """EngineEnv + C driver + scoreboard + request bookkeeping."""

    def __init__(self, env, drv, sb, rng):
        self.env, self.drv, self.sb, self.rng = env, drv, sb, rng
        self.next_addr = DATA_BASE
        self.next_idx = 0
        self.expect = {}          # idx -> dict(kind, length, dst, data, status)
        self.m2s_expected = []
        self.s2m = {}             # idx -> data

    def alloc(self, length, limit=None):
        limit = limit or len(self.env.mem.mem)
        base = (self.next_addr + 63) & ~63
        addr = base + self.rng.randrange(64)
        self.next_addr = addr + length + 64
        assert self.next_addr < limit, "test memory exhausted"
        return addr

    def new_idx(self):
        self.next_idx += 1
        return self.next_idx

    async def request(self, ch, kind, length, status=0, src=None, dst=None):
        """Submit one request with fresh data; declare what memory must hold afterwards."""
        from cocotbext.axi import AxiStreamFrame
        from dmatb.cdriver import KIND_M2M, KIND_M2S, KIND_S2M

        idx = self.new_idx()
        data = self.rng.randbytes(length)
        if kind != KIND_S2M:
            src = self.alloc(length) if src is None else src
            self.env.mem.write(src, data)
            self.sb.expect_write(src, data)
        if kind != KIND_M2S:
            dst = self.alloc(length) if dst is None else dst
            if status == 0:
                self.sb.expect_write(dst, data)
            else:
                self.sb.allow_partial(dst, length, data)
        if kind == KIND_M2S:
            self.m2s_expected.append(data)
        if kind == KIND_S2M:
            self.env.s_axis.send_nowait(AxiStreamFrame(data))
        self.expect[idx] = dict(ch=ch, kind=kind, length=length, src=src, dst=dst, data=data, status=status)
        rc = await self.drv.submit(ch, idx, kind, src or 0, dst or 0, length)
        assert rc == 0, f"submit {idx}: {rc} {self.drv.strerror(rc)}"
        return idx

    def check_done(self, idxs=None):
        failures = []
        for idx in (idxs or self.expect):
            e = self.expect[idx]
            got = self.drv.done.get(idx)
            if got is None:
                failures.append(f"request {idx}: not completed")
                continue
            status, nbytes, eop, _ = got
            if status != e["status"]:
                failures.append(f"request {idx} ({e['kind']}, {e['length']} bytes): status {status}, "
                                f"expected {e['status']}")
            elif status == 0 and nbytes != e["length"]:
                failures.append(f"request {idx}: {nbytes} bytes, expected {e['length']}")
        assert not failures, "\n".join(failures[:20])

    def check_streams(self):
        got = []
        while not self.env.m_axis.empty():
            got.append(bytes(self.env.m_axis.recv_nowait().tdata))
        assert got == self.m2s_expected, f"m_axis: {len(got)} packets, expected {len(self.m2s_expected)}"

    def finish(self):
        self.sb.check()
        assert not self.drv.bus_errors, self.drv.bus_errors
        self.env.finish()


async def make_bench(dut, mem_size=MEM_SIZE, nslots=NSLOTS, setup_rings=True):
    from dmatb.cdriver import CDriver
    from dmatb.engine_env import EngineEnv
    from dmatb.scoreboard import MemoryScoreboard

    env = EngineEnv(dut, mem_size=mem_size, bus_master=False)   # obdma_init sets GCTRL.BME
    await env.start()
    rng = random.Random(env.seed)
    dut._log.info("seed %d (replay: RANDOM_SEED=%d)", env.seed, env.regression_seed)
    env.mem.write(0, rng.randbytes(mem_size))       # noise: a stray write shows up
    drv = CDriver(env)
    caps = await drv.init()
    dut._log.info("C driver: %s", caps)
    if setup_rings:
        for ch in range(caps["num_channels"]):
            assert await drv.chan_setup(ch, RING_BASE + ch * RING_STRIDE, nslots) == 0
    sb = MemoryScoreboard(env.mem)
    sb.allow_any(RING_BASE, RING_STRIDE * 8)         # descriptors: checked by the driver's results
    return Bench(env, drv, sb, rng)


# ----------------------------------------------------------------------------- dma_engine

@cocotb.test()
async def engine_probe_and_bad_arguments(dut):
    """Probe reads ID/VERSION/CAP0/CAP1; every bad argument is a return code, nothing
    reaches the engine, and a good request still completes afterwards."""
    from dmaengine import regs as R
    from dmatb import cdriver as C

    b = await make_bench(dut)
    drv, env = b.drv, b.env
    caps = drv.caps()
    assert caps["id"] == R.DMA_ID_VALUE and caps["version"] == R.DMA_VERSION_VALUE
    assert caps["num_channels"] == 4 and caps["beat_bytes"] == 8 and caps["len_width"] == 32
    assert caps["iommu"] == 0
    cap0 = await env.read_reg(R.DMA_REG_CAP0)
    assert caps["addr_width"] == cap0 >> 16 & 0xFF
    dev = drv.dev
    assert await env.read_reg(R.DMA_REG_GCTRL) & R.DMA_GCTRL_BME_MASK, "obdma_init sets GCTRL.BME"

    # channel out of range, everywhere
    assert await drv.chan_setup(4, RING_BASE, 16) == C.ECHAN
    assert await drv.chan_setup(99, RING_BASE, 16) == C.ECHAN
    assert await drv.submit(4, 1, C.KIND_M2M, 0x100000, 0x200000, 10) == C.ECHAN
    assert await drv.call("obdma_stop", dev, 7) == C.ECHAN
    assert await drv.call("obdma_irq_handler", dev, 5) == C.ECHAN
    assert await drv.call("obdma_chan_irq", dev, 4, True, 1, 0) == C.ECHAN
    # ring memory: misaligned (CPU pointer or bus address), bad slot counts, NULL
    assert await drv.chan_setup(0, RING_BASE + 8, 16) == C.EALIGN
    assert await drv.chan_setup(0, RING_BASE + 32, 16) == C.EALIGN
    assert await drv.chan_setup(0, RING_BASE, 16, bus=0x20010) == C.EALIGN
    assert await drv.chan_setup(0, RING_BASE, 24) == C.EINVAL
    assert await drv.chan_setup(0, RING_BASE, 1) == C.EINVAL
    assert await drv.call("sim_chan_setup_ptr", 0, None, 16) == C.EINVAL
    assert await drv.call("sim_chan_setup_ptr", 0, 0x1000, 16) == C.EFAULT   # not memory the platform knows
    # requests: zero length, bad kind, NULL, larger than the ring, address overflow
    assert await drv.submit(0, 1, C.KIND_M2M, 0x100000, 0x200000, 0) == C.EINVAL
    assert await drv.submit(0, 1, 7, 0x100000, 0x200000, 10) == C.EINVAL
    assert await drv.call("sim_submit_null", 0) == C.EINVAL
    assert await drv.submit(0, 1, C.KIND_M2M, (1 << 64) - 4, 0x200000, 10) == C.EINVAL
    assert await drv.check("obdma_set_max_segment", dev, 64) == 0
    assert await drv.submit(0, 1, C.KIND_M2M, 0x100000, 0x200000, 64 * (NSLOTS - 1) + 1) == C.E2BIG
    assert await drv.call("obdma_set_max_segment", dev, 0) == C.EINVAL
    assert await drv.call("obdma_set_max_segment", dev, 1 << 32) == C.EINVAL
    assert await drv.call("obdma_chan_irq", dev, 0, True, 256, 0) == C.EINVAL
    assert await drv.call("obdma_poll", None) == C.EINVAL
    assert drv.strerror(C.E2BIG).startswith("request needs")
    # nothing was started
    assert all([(await drv.state(c)) == (R.DMA_STATE_IDLE, 0) for c in range(4)])
    assert drv.done == {}
    # the largest request the ring holds: NSLOTS - 1 descriptors of 64 bytes
    idx = await b.request(0, C.KIND_M2M, 64 * (NSLOTS - 1))
    # a request in flight cannot be submitted again
    assert await drv.call("sim_submit", 0, idx, C.KIND_M2M, 0x100000, 0x200000, 10, 0) == C.EBUSY
    await drv.wait_done([idx])
    b.check_done()
    st = drv.stats()
    assert st["descriptors"] == NSLOTS - 1 and st["completed"] == 1, st
    b.finish()


SIZES = [1, 2, 3, 7, 8, 9, 15, 63, 64, 65, 100, 255, 256, 257, 1000, 1500, 2047, 2048, 2049, 4095, 4096, 4097,
         6000]


@cocotb.test()
async def engine_random_mix(dut):
    """Seeded random mix on all four channels: mem->mem everywhere, mem->stream on channel 1
    and stream->mem on channel 2 (the stream ports are shared: one channel each keeps the
    packet order), random alignments and lengths, 2 KiB descriptors (longer requests are
    split), appended while the channels run (doorbell protocol). First by polling, then
    from the interrupt handler with coalescing (COAL_COUNT 3 + timeout on channel 0)."""
    from dmatb import cdriver as C

    b = await make_bench(dut)
    drv, env, rng = b.drv, b.env, b.rng
    await drv.check("obdma_set_max_segment", drv.dev, 2048)
    for phase in ("poll", "irq"):
        if phase == "irq":
            for ch in range(4):
                await drv.chan_irq(ch, True, coal_count=3 if ch == 0 else 1, coal_timeout=300 if ch == 0 else 0)
            drv.start_irq_loop()
        idxs = []
        for _ in range(36):
            ch = rng.randrange(4)
            kind = C.KIND_M2M
            if ch == 1 and rng.random() < 0.5:
                kind = C.KIND_M2S
            if ch == 2 and rng.random() < 0.5:
                kind = C.KIND_S2M
            idxs.append(await b.request(ch, kind, rng.choice(SIZES)))
            if rng.random() < 0.3:
                await ClockCycles(dut.clk, rng.randrange(1, 300))    # let the channels run, then append
            if phase == "poll" and rng.random() < 0.25:
                await drv.poll()
        await drv.wait_done(idxs, mode=phase)
        drv.stop_irq_loop()
        b.check_done(idxs)
        for idx in idxs:
            if b.expect[idx]["kind"] == C.KIND_S2M:
                assert drv.done[idx][2], f"stream->mem request {idx}: packet end not reported"
        st = drv.stats()
        dut._log.info("%s phase: stats %s, platform %s", phase, st, drv.counters())
    assert st["doorbells"] > 0, "no request was appended to a running chain"
    assert st["interrupts"] > 0 and st["descriptors"] > st["submitted"], st
    assert drv.counters()["wmb"] > 0 and drv.counters()["rmb"] > 0
    b.check_streams()
    b.finish()


@cocotb.test()
async def engine_errors_and_recovery(dut):
    """Injected errors among requests in flight on channel 0 (channel 1 runs alongside):
    a read SLVERR and a write DECERR each fail only their request, with the engine's
    code; the halt is reported with the failing descriptor; everything else completes
    byte-exact. Then the halt handler fixes the cause and asks for a retry: the request
    restarts from the failing descriptor (piece 2 of 4) and completes whole. Last, a
    read error handled from the interrupt handler (IRQ_STATUS.ERR) on channel 3."""
    from dmaengine import regs as R
    from dmatb import cdriver as C

    b = await make_bench(dut)
    drv, env, rng = b.drv, b.env, b.rng
    await drv.check("obdma_set_max_segment", drv.dev, 1024)
    await drv.set_halt_handler(0)            # report (no retry)
    ring0 = RING_BASE

    # --- report: one read error, one write error, good requests around them
    idxs, bad = [], {}
    plan = ["ok", "ok", "rd", "ok", "wr", "ok", "ok"]
    for what in plan:
        n = rng.choice([700, 1500, 3000])
        src, dst = b.alloc(n), b.alloc(n)
        if what == "rd":
            off = rng.randrange(n)
            env.mem.inject_error(src + off, src + off + 1, "slverr", on="read")
        if what == "wr":
            off = rng.randrange(n)
            env.mem.inject_error(dst + off, dst + off + 1, "decerr", on="write")
        status = {"ok": 0, "rd": R.DMA_ERR_RD_SLVERR, "wr": R.DMA_ERR_WR_DECERR}[what]
        idx = await b.request(0, C.KIND_M2M, n, status=status, src=src, dst=dst)
        idxs.append(idx)
        if what != "ok":
            bad[idx] = status
        idxs.append(await b.request(1, C.KIND_M2M, rng.choice(SIZES)))
    await drv.wait_done(idxs)
    b.check_done(idxs)
    halts = [h for h in drv.halts if h["channel"] == 0]
    # the first bad request halts the channel; the other one halts it again, unless it
    # had been started before that halt: then its own STATUS carries its error
    assert halts and halts[0]["failed"] == list(bad)[0] and halts[0]["code"] == list(bad.values())[0], halts
    assert all(bad.get(h["failed"]) == h["code"] for h in halts), halts
    for h in halts:
        assert ring0 <= h["err_desc"] < ring0 + NSLOTS * 64 and h["err_desc"] % 64 == 0, h
    env.mem.clear_errors()

    # --- retry from the failing descriptor, once the handler fixed the cause
    fixed = []

    def fix_and_retry(info):
        fixed.append(info)
        env.mem.clear_errors()
        return True

    await drv.set_halt_handler(0, fix_and_retry)
    n = 4000
    src, dst = b.alloc(n), b.alloc(n)
    env.mem.inject_error(src + 2048 + 100, src + 2048 + 101, "slverr", on="read")   # in piece 2
    r1 = await b.request(0, C.KIND_M2M, n, src=src, dst=dst)
    n2 = 2500
    src2, dst2 = b.alloc(n2), b.alloc(n2)
    r2 = await b.request(0, C.KIND_M2M, n2, src=src2, dst=dst2)
    await drv.wait_done([r1, r2])
    assert len(fixed) == 1 and fixed[0]["failed"] == r1 and fixed[0]["failed_piece"] == 2, fixed
    assert drv.done[r1][0] == 0 and drv.done[r1][1] == n and drv.done[r1][3] == 1, drv.done[r1]
    env.mem.inject_error(dst2 + 1500, dst2 + 1501, "slverr", on="write")    # piece 1 of 3
    r3 = await b.request(0, C.KIND_M2M, n2, src=src2, dst=dst2)
    await drv.wait_done([r3])
    assert len(fixed) == 2 and fixed[1]["failed_piece"] == 1 and fixed[1]["code"] == R.DMA_ERR_WR_SLVERR
    assert drv.done[r3][:2] == (0, n2), drv.done[r3]
    b.check_done([r1, r2, r3])

    # --- interrupt mode: the handler sees IRQ_STATUS.ERR and recovers
    await drv.chan_irq(3, True, coal_count=2)
    drv.start_irq_loop()
    irq_idxs = []
    for what in ("ok", "rd", "ok", "ok"):
        n = rng.choice([200, 2000])
        src, dst = b.alloc(n), b.alloc(n)
        if what == "rd":
            env.mem.inject_error(src, src + n, "decerr", on="read")
        irq_idxs.append(await b.request(3, C.KIND_M2M, n, status=R.DMA_ERR_RD_DECERR if what == "rd" else 0,
                                        src=src, dst=dst))
    await drv.wait_done(irq_idxs, mode="irq")
    drv.stop_irq_loop()
    env.mem.clear_errors()
    b.check_done()
    st = drv.stats()
    assert st["halts"] >= 4 and st["failed"] == 3 and st["retries"] >= 2, st
    # recovered: waiting at the end of the chain, or IDLE after a reset with nothing to resubmit
    assert all([(await drv.state(c)) in ((R.DMA_STATE_RUNNING, 0), (R.DMA_STATE_IDLE, 0)) for c in (0, 3)])
    b.finish()


@cocotb.test()
async def engine_stop_resume(dut):
    """obdma_stop with work queued: the channel goes IDLE, requests submitted while it is
    stopped do not run; obdma_resume runs them all. A channel reset cancels what it holds
    (ECANCELED, nothing written) and the channel works afterwards."""
    from dmaengine import regs as R
    from dmatb import cdriver as C

    b = await make_bench(dut)
    drv, env, rng = b.drv, b.env, b.rng
    first = [await b.request(2, C.KIND_M2M, 3000) for _ in range(4)]
    await drv.check("obdma_stop", drv.dev, 2)
    assert (await drv.state(2))[0] == R.DMA_STATE_IDLE
    more = [await b.request(2, C.KIND_M2M, rng.choice(SIZES)) for _ in range(3)]
    before = dict(drv.done)
    await ClockCycles(dut.clk, 3000)
    await drv.poll()
    assert not any(i in drv.done for i in more) and (await drv.state(2))[0] == R.DMA_STATE_IDLE
    dut._log.info("stopped with %d of the first %d done", len([i for i in first if i in before]), len(first))
    await drv.check("obdma_resume", drv.dev, 2)
    await drv.wait_done(first + more)
    b.check_done(first + more)
    # stop, submit, reset: cancelled without running
    await drv.check("obdma_stop", drv.dev, 2)
    cancelled = []
    for _ in range(2):
        idx = b.new_idx()
        src, dst = b.alloc(500), b.alloc(500)
        assert await drv.submit(2, idx, C.KIND_M2M, src, dst, 500) == 0
        cancelled.append(idx)
    await drv.check("obdma_chan_reset", drv.dev, 2)
    assert [drv.done[i][0] for i in cancelled] == [C.ECANCELED] * 2
    assert await drv.call("obdma_chan_outstanding", drv.dev, 2) == 0
    last = await b.request(2, C.KIND_M2M, 5000)
    await drv.wait_done([last])
    b.check_done([last])
    # quiesce: bus mastering off, GSTATUS.QUIESCENT; a request then waits until it is on again
    assert await drv.call("obdma_quiesce", drv.dev) == 0
    assert await env.read_reg(R.DMA_REG_GSTATUS) & R.DMA_GSTATUS_QUIESCENT_MASK
    before = await env.ch_read(1, R.DMA_CH_COMPLETED)
    held = await b.request(1, C.KIND_M2M, 3000)
    await env.cycles(300)
    assert await env.ch_read(1, R.DMA_CH_COMPLETED) == before, "a descriptor ran with BME = 0"
    assert await drv.call("obdma_bus_master", drv.dev, True) == 0
    await drv.wait_done([held])
    b.check_done([last, held])
    b.finish()


# ----------------------------------------------------------------------------- dma_top

TOP_MEM = 16 << 20
IOMMU_AREA = 0x700000        # ddt, cq, fq, fence, page-table pool (physical)
DDT, CQ, FQ, FENCE, POOL, POOL_PAGES = 0x700000, 0x701000, 0x702000, 0x703000, 0x704000, 96
FRAMES = (0x100000, 0x700000)     # 4 KiB frames for the channels' buffers, handed out shuffled
BIG_PA = 0x800000            # a 2 MiB frame (2 MiB aligned)
IOVA_RING = 0x10_0000_0000   # the same IOVA in every channel's own address space
IOVA_DATA = 0x30_0000_0000
IOVA_BIG = 0x20_0000_0000    # 2 MiB page (channel 0)
PROT_RW = 0x3


class TopBench(Bench):
    """Bench on dma_top: per-channel Sv39 domains built by the C library; buffers are
    IOVAs over shuffled physical frames; data is written and expected page by page."""

    def __init__(self, *a):
        super().__init__(*a)
        frames = list(range(FRAMES[0], FRAMES[1], 4096))
        self.rng.shuffle(frames)
        self.frames = frames
        self.pages = {}             # (ch, iova page) -> pa
        self.iova_next = {}         # ch -> next free IOVA
        self.translate_ch = None    # set in 1LVL mode

    def map_pages(self, ch, iova, length):
        for page in range(iova & ~0xFFF, iova + length, 4096):
            if (ch, page) not in self.pages:
                pa = self.frames.pop()
                self.drv.direct("obdma_iommu_map", self.drv.domain(ch), page, pa, 4096, PROT_RW)
                self.pages[(ch, page)] = pa

    def pa(self, ch, iova):
        if iova >= IOVA_BIG and iova < IOVA_BIG + (2 << 20) and ch == 0:
            return BIG_PA + iova - IOVA_BIG
        return self.pages[(ch, iova & ~0xFFF)] + (iova & 0xFFF)

    def mapped(self, ch, iova):
        return (ch, iova & ~0xFFF) in self.pages or (ch == 0 and IOVA_BIG <= iova < IOVA_BIG + (2 << 20))

    def own_page(self, ch):
        """A whole IOVA page of channel ch that no other buffer shares (mapped)."""
        base = self.iova_next.get(ch, IOVA_DATA)
        page = (base + 0xFFF) & ~0xFFF
        self.iova_next[ch] = page + 4096
        self.map_pages(ch, page, 4096)
        return page

    def unmapped(self, ch, page):
        self.pages.pop((ch, page), None)

    def alloc_iova(self, ch, length):
        base = self.iova_next.get(ch, IOVA_DATA)
        iova = ((base + 63) & ~63) + self.rng.randrange(64)
        self.iova_next[ch] = iova + length + 64
        self.map_pages(ch, iova, length)
        return iova

    def scatter(self, ch, iova, data, expect_only=False, partial=False):
        off = 0
        while off < len(data):
            va = iova + off
            chunk = min(len(data) - off, 4096 - (va & 0xFFF))
            pa = self.pa(ch, va)
            piece = data[off:off + chunk]
            if partial:
                self.sb.allow_partial(pa, chunk, piece)
            else:
                if not expect_only:
                    self.env.mem.write(pa, piece)
                self.sb.expect_write(pa, piece)
            off += chunk

    async def iova_request(self, ch, kind, length, status=0, src=None, dst=None):
        """As Bench.request, with IOVAs of channel ch."""
        from cocotbext.axi import AxiStreamFrame
        from dmatb.cdriver import KIND_M2S, KIND_S2M

        idx = self.new_idx()
        data = self.rng.randbytes(length)
        if kind != KIND_S2M:
            src = self.alloc_iova(ch, length) if src is None else src
            if self.mapped(ch, src):
                self.scatter(ch, src, data)
        if kind != KIND_M2S:
            dst = self.alloc_iova(ch, length) if dst is None else dst
            if status == 0:
                self.scatter(ch, dst, data, expect_only=True)
        if kind == KIND_M2S:
            self.m2s_expected.append(data)
        if kind == KIND_S2M:
            self.env.s_axis.send_nowait(AxiStreamFrame(data))
        self.expect[idx] = dict(ch=ch, kind=kind, length=length, src=src, dst=dst, data=data, status=status)
        rc = await self.drv.submit(ch, idx, kind, src or 0, dst or 0, length)
        assert rc == 0, f"submit {idx}: {rc} {self.drv.strerror(rc)}"
        return idx


async def make_top_bench(dut, channels=4):
    from dmatb.cdriver import CDriver
    from dmatb.engine_env import EngineEnv
    from dmatb.scoreboard import MemoryScoreboard

    env = EngineEnv(dut, mem_size=TOP_MEM, bus_master=False)   # obdma_init sets GCTRL.BME
    await env.start()
    rng = random.Random(env.seed)
    dut._log.info("seed %d (replay: RANDOM_SEED=%d)", env.seed, env.regression_seed)
    env.mem.write(0, rng.randbytes(TOP_MEM))
    drv = CDriver(env)
    caps = await drv.init()
    assert caps["iommu"] == 1, caps
    await drv.iommu_init(DDT, CQ, 6, FQ, 5, FENCE, POOL, POOL_PAGES)
    sb = MemoryScoreboard(env.mem)
    sb.allow_any(RING_BASE, RING_STRIDE * 8)
    sb.allow_any(IOMMU_AREA, FRAMES[1] - IOMMU_AREA + 0x100000)    # tables and queues: checked below
    b = TopBench(env, drv, sb, rng)
    return b


async def enter_1lvl(b, channels=4):
    """1LVL: a domain per channel (PSCID = channel + 1), its ring at IOVA_RING, attached
    as the device context of device ID = channel."""
    drv = b.drv
    await drv.check("obdma_iommu_set_mode", drv.iommu, 2)
    for ch in range(channels):
        dom = drv.domain(ch)
        await drv.check("obdma_iommu_domain_init", drv.iommu, dom, ch + 1)
        ring_pa = RING_BASE + ch * RING_STRIDE
        drv.direct("obdma_iommu_map", dom, IOVA_RING, ring_pa, 4096, PROT_RW)
        assert await drv.chan_setup(ch, ring_pa, NSLOTS, bus=IOVA_RING) == 0
        await drv.check("obdma_iommu_attach", drv.iommu, ch, dom)


def check_tables(b, channels):
    """The C page tables agree with the reference Sv39 walk (dmatb.iommu_tables) and with
    the C library's own translate, for every page mapped."""
    from dmatb.iommu_tables import IommuTables

    ref = object.__new__(IommuTables)    # only the walk: reads the same memory
    ref.mem = b.env.mem
    for (ch, page), pa in b.pages.items():
        root = b.drv.lib.sim_domain_root(ch)
        for write in (False, True):
            assert ref.walk(root, page + 0x123, write) == (pa + 0x123, None), (ch, hex(page))
        assert b.drv.translate(ch, page + 5) == pa + 5
    for ch in range(channels):
        assert b.drv.translate(ch, IOVA_RING) == RING_BASE + ch * RING_STRIDE


@cocotb.test()
async def top_iommu_bare_and_1lvl(dut):
    """Bare mode: the engine's addresses are physical. Then 1LVL: every channel has its
    own Sv39 domain built by the C library (4 KiB pages over shuffled frames, a 2 MiB
    page on channel 0) and its ring at the same IOVA; a random mix of all three kinds
    on all channels is byte-exact, no fault is recorded, the IOTLB is used, and the
    page tables agree with the reference walk."""
    from busdma import riscv_iommu_regs as IR
    from dmatb import cdriver as C

    b = await make_top_bench(dut)
    drv, env, rng = b.drv, b.env, b.rng
    # --- Bare
    await drv.check("obdma_iommu_set_mode", drv.iommu, 1)
    for ch in range(4):
        assert await drv.chan_setup(ch, RING_BASE + ch * RING_STRIDE, NSLOTS) == 0
    b.next_addr = BIG_PA          # physical buffers in the area the 2 MiB page uses later
    bare = [await b.request(ch, C.KIND_M2M, rng.choice(SIZES)) for ch in range(4) for _ in range(3)]
    await drv.wait_done(bare)
    b.check_done(bare)
    # --- 1LVL
    await enter_1lvl(b)
    drv.direct("obdma_iommu_map", drv.domain(0), IOVA_BIG, BIG_PA, 2 << 20, PROT_RW)
    assert drv.translate(0, IOVA_BIG + 0x12345) == BIG_PA + 0x12345
    await drv.check("obdma_set_max_segment", drv.dev, 3000)
    idxs = []
    for _ in range(28):
        ch = rng.randrange(4)
        kind = C.KIND_M2M
        if ch == 1 and rng.random() < 0.4:
            kind = C.KIND_M2S
        if ch == 2 and rng.random() < 0.4:
            kind = C.KIND_S2M
        idxs.append(await b.iova_request(ch, kind, rng.choice(SIZES)))
        if rng.random() < 0.3:
            await ClockCycles(dut.clk, rng.randrange(1, 200))
    # channel 0 through the 2 MiB page: long copies across many 4 KiB boundaries
    # each copy has its own source and destination window: the bench writes a source when it
    # submits, so a later source overlapping an earlier one would change data not yet copied
    for k in range(2):
        n = rng.randrange(5000, 9000)
        src = IOVA_BIG + k * 0x40000 + rng.randrange(0, 0x38000)
        dst = IOVA_BIG + 0x100000 + k * 0x40000 + rng.randrange(0, 0x38000)
        idxs.append(await b.iova_request(0, C.KIND_M2M, n, src=src, dst=dst))
    await drv.wait_done(idxs)
    b.check_done(idxs)
    assert await drv.fault_drain() == 0 and drv.faults == []
    hits = await env.read_reg(IR.IOMMU_DMA_TOP_BASE + IR.IOMMU_REG_CNT_HIT)
    misses = await env.read_reg(IR.IOMMU_DMA_TOP_BASE + IR.IOMMU_REG_CNT_MISS)
    dut._log.info("IOTLB hits %d, misses %d; stats %s", hits, misses, drv.stats())
    assert hits > 0 and misses > 0
    check_tables(b, 4)
    b.check_streams()
    b.finish()


@cocotb.test()
async def top_iommu_faults(dut):
    """1LVL on two channels. An unmapped destination (write) and an unmapped source
    (read) each fail their request with WR_SLVERR / RD_SLVERR, write nothing, and their
    fault records reach the fault-queue callback (cause 15 / 13, device ID = channel,
    the IOVA); the channel recovers. A stale IOVA: after unmap alone the IOTLB still
    translates it; after IOTINVAL.VMA + IOFENCE.C (and after obdma_iommu_unmap_sync)
    it faults."""
    from dmaengine import regs as R
    from dmatb import cdriver as C
    from dmatb.iommu_tables import CAUSE_READ_PAGE, CAUSE_WRITE_PAGE, TTYP_READ, TTYP_WRITE

    b = await make_top_bench(dut)
    drv, env, rng = b.drv, b.env, b.rng
    await enter_1lvl(b, channels=2)
    await drv.set_halt_handler(1)

    # --- unmapped destination, then unmapped source, on channel 1
    ok1 = await b.iova_request(1, C.KIND_M2M, 1000)
    hole = 0x31_0000_0000 + 0x5000 + 24
    wr_bad = await b.iova_request(1, C.KIND_M2M, 300, status=R.DMA_ERR_WR_SLVERR, dst=hole)
    ok2 = await b.iova_request(1, C.KIND_M2M, 700)
    await drv.wait_done([ok1, wr_bad, ok2])
    b.check_done([ok1, wr_bad, ok2])
    assert await drv.fault_drain() >= 1
    assert drv.faults and all((f["cause"], f["ttyp"], f["did"]) == (CAUSE_WRITE_PAGE, TTYP_WRITE, 1)
                              for f in drv.faults), drv.faults
    assert drv.faults[0]["iova"] == hole & ~7, drv.faults
    drv.faults.clear()
    rd_bad = await b.iova_request(1, C.KIND_M2M, 64, status=R.DMA_ERR_RD_SLVERR, src=hole + 0x10000)
    await drv.wait_done([rd_bad])
    ok3 = await b.iova_request(1, C.KIND_M2M, 2000)    # the channel works after the halt
    await drv.wait_done([ok3])
    b.check_done([rd_bad, ok3])
    # drained from the interrupt handler this time (irq_iommu: fault-queue interrupt)
    assert int(dut.irq_iommu.value) == 1
    assert await drv.check("sim_iommu_irq", drv._cb_fault) >= 1
    assert [(f["cause"], f["ttyp"], f["did"], f["iova"]) for f in drv.faults][:1] == [
        (CAUSE_READ_PAGE, TTYP_READ, 1, (hole + 0x10000) & ~7)], drv.faults
    await ClockCycles(dut.clk, 2)
    assert int(dut.irq_iommu.value) == 0
    drv.faults.clear()

    # --- stale IOVA on channel 0: a source page that gets unmapped
    dom = drv.domain(0)
    n = 512
    src = b.own_page(0)
    first = await b.iova_request(0, C.KIND_M2M, n, src=src)
    await drv.wait_done([first])
    drv.direct("obdma_iommu_unmap", dom, src, 4096)            # the PTE only: no invalidation
    assert drv.translate(0, src) is None
    stale_pa = b.pa(0, src)
    # the IOTLB still holds the translation (docs/iommu.md: the specification's caching model)
    stale_ok = await b.iova_request(0, C.KIND_M2M, n, src=src)
    await drv.wait_done([stale_ok])
    b.check_done([first, stale_ok])
    b.unmapped(0, src)
    await drv.check("obdma_iommu_inval_vma", drv.iommu, dom, True, src)
    await drv.check("obdma_iommu_fence", drv.iommu)
    await drv.set_halt_handler(0)
    stale = await b.iova_request(0, C.KIND_M2M, n, status=R.DMA_ERR_RD_SLVERR, src=src)
    await drv.wait_done([stale])
    b.check_done([stale])
    await drv.fault_drain()
    assert [(f["cause"], f["did"]) for f in drv.faults] == [(CAUSE_READ_PAGE, 0)] and \
        drv.faults[0]["iova"] == src, drv.faults
    drv.faults.clear()
    # a destination unmapped with obdma_iommu_unmap_sync (unmap + IOTINVAL.VMA + IOFENCE.C)
    dst = b.own_page(0) + rng.randrange(4096 - n)
    warm = await b.iova_request(0, C.KIND_M2M, n, dst=dst)
    await drv.wait_done([warm])
    await drv.check("obdma_iommu_unmap_sync", dom, dst & ~0xFFF, 4096)
    b.unmapped(0, dst & ~0xFFF)
    gone = await b.iova_request(0, C.KIND_M2M, n, status=R.DMA_ERR_WR_SLVERR, dst=dst)
    await drv.wait_done([gone])
    b.check_done()
    await drv.fault_drain()
    assert drv.faults and all((f["cause"], f["did"]) == (CAUSE_WRITE_PAGE, 0) for f in drv.faults), drv.faults
    assert drv.faults[0]["iova"] == dst & ~7
    # bad arguments of the IOMMU API
    assert stale_pa not in b.frames     # (the frame stays allocated: nothing else may use it)
    assert drv.lib.obdma_iommu_map(dom, src + 1, 0x100000, 4096, PROT_RW) == C.EINVAL     # misaligned
    assert drv.lib.obdma_iommu_map(dom, src, 0x100000, 8192, PROT_RW) == C.EINVAL          # bad size
    assert drv.lib.obdma_iommu_map(dom, src, 0x100000, 4096, 0x2) == C.EINVAL              # write-only
    assert drv.lib.obdma_iommu_map(dom, 1 << 40, 0x100000, 4096, PROT_RW) == C.EINVAL      # not canonical
    assert drv.lib.obdma_iommu_map(dom, IOVA_RING, 0x100000, 4096, PROT_RW) == C.EEXIST
    assert drv.lib.obdma_iommu_unmap(dom, src, 4096) == C.ENOENT
    assert await drv.call("obdma_iommu_attach", drv.iommu, 200, dom) == C.EINVAL
    b.finish()
