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
    _run("dma_top", TOP_PARAMS, "top_")


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

    def alloc(self, length, limit=MEM_SIZE):
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

    env = EngineEnv(dut, mem_size=mem_size)
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
    assert await drv.check("obdma_set_max_segment", dev, 1000) == 0
    assert await drv.submit(0, 1, C.KIND_M2M, 0x100000, 0x200000, 1000 * (NSLOTS - 1) + 1) == C.E2BIG
    assert await drv.call("obdma_set_max_segment", dev, 0) == C.EINVAL
    assert await drv.call("obdma_set_max_segment", dev, 1 << 32) == C.EINVAL
    assert await drv.call("obdma_chan_irq", dev, 0, True, 256, 0) == C.EINVAL
    assert await drv.call("obdma_poll", None) == C.EINVAL
    assert drv.strerror(C.E2BIG).startswith("request needs")
    # nothing was started
    assert all([(await drv.state(c)) == (R.DMA_STATE_IDLE, 0) for c in range(4)])
    assert drv.done == {}
    # the largest request the ring holds: NSLOTS - 1 descriptors of 1000 bytes
    idx = await b.request(0, C.KIND_M2M, 1000 * (NSLOTS - 1))
    # a request in flight cannot be submitted again
    assert await drv.call("sim_submit", 0, idx, C.KIND_M2M, 0x100000, 0x200000, 10, 0) == C.EBUSY
    await drv.wait_done([idx])
    b.check_done()
    st = drv.stats()
    assert st["descriptors"] == NSLOTS - 1 and st["completed"] == 1, st
    b.finish()
