# SPDX-License-Identifier: Apache-2.0
"""The engine's driver on busdma's IommuPlatform driving the REAL IOMMU (dma_top).

The same DmaEngineDriver code as on the bounce platform (tb/system/test_driver.py); busdma's
IommuPlatform programs the RTL IOMMU through its register page at 0x1000 of the
AXI4-Lite port (tb/dmatb/uvm/system.py AsyncIommuHw): ddtp 1LVL, one base-format device
context per channel (device id = channel = AxUSER), Sv39 tables, the command queue,
IOTINVAL.VMA + IOFENCE.C on every unload (strict mode). The test bench adds a fault
queue. MappedPagesMonitor checks every physical burst on m_axi against the pages
busdma has mapped at that moment.

    end_to_end_iommu_rtl        many requests of all kinds/sizes on all channels
    forged_descriptors_fault    descriptors pointing outside the channel's mappings
                                (another device's page, an unmapped IOVA): nothing is
                                written, fault records name cause/DID/IOVA, the driver
                                reports the error and the channel recovers
    use_after_unload_faults     DMA to an IOVA after its unload (strict invalidation done)
"""
from __future__ import annotations

import asyncio
import errno

import cocotb
import pytest
import pyuvm
from cocotb.triggers import ClockCycles

from dmatb.workload import Workload
from dmatb.uvm.regression import RegressionTest

PARAMS = {"DATA_WIDTH": 64}

CAUSE_READ_PAGE, CAUSE_WRITE_PAGE = 13, 15
TTYP_READ, TTYP_WRITE = 2, 3


def test_driver_iommu():
    from dmatb.runner import run_cocotb

    run_cocotb("dma_top", "test_driver_iommu", PARAMS,
               extra_env={"COCOTB_TEST_FILTER": "end_to_end_iommu_rtl|forged_descriptors_fault|"
                                                "use_after_unload_faults"})


def test_driver_iommu_uvm():
    """The pyuvm regression (tb/dmatb/uvm/regression.py) on dma_top with the IOMMU platform:
    REQUESTS (default 200) random requests + one faulty request per memory error class,
    scoreboard, coverage with IOTLB hit/miss bins from the IOMMU's counters."""
    import os
    import tempfile
    from pathlib import Path

    from dmatb.runner import run_cocotb

    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.txt"
        try:
            run_cocotb("dma_top", "test_driver_iommu", PARAMS,
                       extra_env={"COCOTB_TEST_FILTER": "IommuRegression",
                                  "REQUESTS": os.environ.get("REQUESTS", "200"),
                                  "UVM_REPORT": str(report)})
        finally:
            if report.exists():
                print(report.read_text())


def test_axi_lite_transport_raises_eio():
    """busdma's AxiLiteTransport: SLVERR/DECERR responses raise OSError(EIO)."""
    import busdma

    class Resp:
        def __init__(self, data=b"", resp=0):
            self.data, self.resp = data, resp

    class Master:
        async def read(self, addr, n):
            return Resp(bytes(n), 2 if addr >= 0x100 else 0)

        async def write(self, addr, data):
            return Resp(resp=3 if addr >= 0x100 else 0)

    space = busdma.AsyncBusSpace(busdma.AxiLiteTransport(Master()))

    async def run():
        assert await space.read_4(0, 0x10) == 0
        await space.write_4(0, 0x10, 1)
        for coro in (space.read_4(0, 0x100), space.write_4(0, 0x104, 1)):
            with pytest.raises(OSError) as e:
                await coro
            assert e.value.errno == errno.EIO
    asyncio.run(run())


# ----------------------------------------------------------------------------- helpers

async def setup(dut, use_irq=True, **kw):
    from dmatb.uvm.system import SystemEnv

    env = SystemEnv(dut, "iommu_rtl")
    await env.start()
    drv = await env.attach_driver(use_irq=use_irq, **kw)
    dut._log.info("seed %d; engine %s", env.seed, drv.caps)
    assert drv.caps.iommu
    return env, drv


async def settle_invalidations(env, cycles=20_000):
    """Wait until every queued register write is done and every invalidation fence
    has written its completion word (strict mode: IOVAs free only then)."""
    for _ in range(cycles // 20):
        await env.iommu_hw.flush(env.dut.clk)
        env.platform.poll()
        if env.platform.stats().pending_invalidations == 0:
            return
        await ClockCycles(env.dut.clk, 20)
    raise AssertionError(f"invalidations still pending: {env.platform.stats()}")


def pte_of(env, channel, iova):
    """The leaf PTE of `iova` in the channel's (device's) Sv39 table (0: unmapped)."""
    from busdma import riscv_iommu as spec

    plat = env.platform
    table = plat._domains[channel].root_table
    for level in (2, 1):
        pte = plat.memory.read_u64(table + 8 * spec.sv39_index(iova, level))
        if not pte & spec.PTE_V:
            return 0
        table = spec.pte_paddr(pte)
    return plat.memory.read_u64(table + 8 * spec.sv39_index(iova, 0))


def forge(drv, victim, rewrite):
    """Back door: after busdma has loaded `victim`'s buffers and the driver has built
    its descriptor pieces, replace the pieces by rewrite(pieces) before they are written
    into the ring."""
    orig = drv._prepare

    def prepare(req):
        orig(req)
        if req is victim and req.pieces:
            req.pieces = rewrite(req)
    drv._prepare = prepare


async def expect_faults(env, channel, cause, ttyp, lo, hi):
    await ClockCycles(env.dut.clk, 50)
    recs = await env.fault_queue.records()
    assert recs, "no fault record"
    for r in recs:
        assert (r.cause, r.ttyp, r.did) == (cause, ttyp, channel), r
        assert lo <= r.iova < hi, f"fault IOVA {r.iova:#x} outside {lo:#x}..{hi:#x}"
    return recs


# ----------------------------------------------------------------------------- tests

@cocotb.test()
async def end_to_end_iommu_rtl(dut):
    """Many requests of every kind and size on all channels through the RTL IOMMU;
    buffers above and below 4 GiB over scattered pages; data and guards exact; every
    physical burst inside mapped pages; the fault queue empty; every unload invalidated."""
    env, drv = await setup(dut)
    w = Workload(env, drv)
    rng = w.rng
    sizes = [1, 2, 7, 8, 63, 64, 100, 1500, 4095, 4096, 4097, 5000, 12345, 40000]
    reqs = []
    for i in range(160):
        ch = rng.randrange(4)
        kind = "m2m"
        if ch == 1 and rng.random() < 0.5:
            kind = "m2s"
        if ch == 2 and rng.random() < 0.5:
            kind = "s2m"
        reqs.append(w.request(kind, ch, rng.choice(sizes)))
    for sh, dh in ((True, True), (True, False), (False, True), (False, False)):
        reqs.append(w.request("m2m", 0, 5000, src_high=sh, dst_high=dh))
    for r in reqs:
        await drv.submit(r)
        if rng.random() < 0.1:
            await ClockCycles(dut.clk, rng.randrange(1, 400))
    await drv.drain()
    await settle_invalidations(env)
    assert not w.failures, "\n".join(w.failures[:20])
    assert len(w.done) == len(reqs)
    assert env.sink.collect() == w.m2s_expected
    assert await env.fault_queue.records() == []
    assert await env.fault_queue.csr() & 0x300 == 0, "fault queue overflow/memory fault"
    st = env.platform.stats()
    ctr = await env.iommu_counters()
    mon = env.monitors[0]
    dut._log.info("driver %s; iommu %s; counters %s; m_axi %d bursts over %d pages, max %#x; "
                  "IOMMU register writes %d", drv.stats, st, ctr, mon.bursts, len(mon.pages_seen),
                  mon.max_addr, env.iommu_hw.writes)
    assert st.pending_invalidations == 0 and st.commands_submitted > len(reqs)
    # only the four descriptor rings stay mapped
    ring_pages = sum(len(c.desc_buf.pages) for c in drv.channels)
    assert st.mapped_pages == ring_pages, (st.mapped_pages, ring_pages)
    assert ctr["translations"] > 0 and ctr["iotlb_hits"] > 0 and ctr["iotlb_misses"] > 0
    assert mon.max_addr >= 1 << 32, "no physical access above 4 GiB: buffers were not placed high"
    env.finish()
    await drv.detach()


@cocotb.test()
async def forged_descriptors_fault(dut):
    """Descriptors forged to point outside the channel's mappings: (1) channel 1 writes
    to an IOVA only device 0 has mapped, (2) channel 3 reads from an IOVA nobody mapped.
    Zero bytes are written anywhere (the other device's page, the request's own
    destination), the fault queue holds records with the right cause, device ID and
    IOVA, the driver reports WR_SLVERR / RD_SLVERR and the channels work on."""
    import busdma
    from dmaengine import regs as R

    env, drv = await setup(dut)
    w = Workload(env, drv)

    # device 0's private buffer, loaded through a tag of device 0 with 16 MiB alignment:
    # its IOVA lies far above every IOVA the other channels' requests use, so no load
    # of channel 1 can map that IOVA while the forged request waits in the ring
    ch0 = drv.channels[0]
    private = env.alloc_buffer(8 * 4096, high=True)
    private_img = env.rng.randbytes(len(private))
    private.write(0, private_img)
    ptag = busdma.bus_dma_tag_create(ch0.parent, 1 << 24, 0, drv.lowaddr, busdma.BUS_SPACE_MAXADDR,
                                     None, None, len(private), 1, len(private), 0, None, None)
    pmap = busdma.bus_dmamap_create(ptag, 0)
    segs = []
    rc = busdma.bus_dmamap_load(ptag, pmap, private, len(private),
                                lambda a, s, n, e: segs.extend(s), None, busdma.BUS_DMA_NOWAIT)
    assert rc == 0 and len(segs) == 1 and segs[0].ds_addr >= 1 << 24
    target = segs[0].ds_addr + len(private) - 4096          # its last page (IOVA)
    assert pte_of(env, 0, target) & 1

    cases = [
        # (channel, side, forged IOVA, engine error, fault cause, ttyp)
        (1, "dst", target + 0x40, R.DMA_ERR_WR_SLVERR, CAUSE_WRITE_PAGE, TTYP_WRITE),
        (3, "src", 0x3F00_0000 + 0x123, R.DMA_ERR_RD_SLVERR, CAUSE_READ_PAGE, TTYP_READ),
    ]
    for ch, side, forged, code, cause, ttyp in cases:
        before = [w.request("m2m", ch, n) for n in (3000, 64, 9000)]
        bad = w.request("m2m", ch, 3000, expect_status=code)
        bad_dst_before = bad.dst.read()
        after = [w.request("m2m", ch, n) for n in (5000, 1, 70000, 300)]
        others = [w.request("m2m", 2, 8000) for _ in range(3)]

        def rewrite(req, side=side, forged=forged, ch=ch):
            # the forged IOVA must be outside this device's mappings right now
            assert not pte_of(env, ch, forged) & 1, "forged IOVA happens to be mapped"
            out, off = [], 0
            for s, d, n in req.pieces:
                if side == "dst":
                    d = forged + off
                else:
                    s = forged + off
                out.append((s, d, n))
                off += n
            return out
        forge(drv, bad, rewrite)
        aw_before = len(env.monitors[0].log)
        for r in before + [bad] + after + others:
            await drv.submit(r)
        await drv.drain()
        assert bad.status == code, f"forged request: status {bad.status}, expected {code}"
        assert not w.failures, "\n".join(w.failures)
        recs = await expect_faults(env, ch, cause, ttyp, forged & ~0xFFF, forged + 3000)
        dut._log.info("ch%d forged %s %#x: %d fault record(s), first IOVA %#x", ch, side, forged,
                      len(recs), recs[0].iova)
        assert bad.dst.read() == bad_dst_before, "the forged request wrote its own destination"
        assert private.read() == private_img, "another device's page was written"
        victim_pages = set(private.pages)
        hits = [b for b in env.monitors[0].log[aw_before:] if b[1] & ~0xFFF in victim_pages]
        assert not hits, f"bursts to device 0's pages: {hits[:4]}"
        state, _, err = await drv.channel_state(ch)
        assert err == 0 and state == R.DMA_STATE_RUNNING
    assert drv.stats.halts == len(cases)
    busdma.bus_dmamap_unload(ptag, pmap)
    busdma.bus_dmamap_destroy(ptag, pmap)
    busdma.bus_dma_tag_destroy(ptag)
    await settle_invalidations(env)
    assert await env.fault_queue.records() == []
    env.finish()
    await drv.detach()


@cocotb.test()
async def use_after_unload_faults(dut):
    """Strict invalidation: a request completes and is unloaded (IOTINVAL.VMA +
    IOFENCE.C); a descriptor forged with its old destination IOVA -- still in the IOTLB
    before the invalidation -- must fault: the old buffer is not written."""
    from dmaengine import regs as R

    env, drv = await setup(dut)
    w = Workload(env, drv)
    ch = 3
    olds = [w.request("m2m", ch, n) for n in (100, 4096, 6000, 300, 2000, 9000)]
    for r in olds:
        await drv.submit(r)
    await drv.drain()
    assert not w.failures, w.failures
    await settle_invalidations(env)
    stale = [(r, d, n) for r in olds for _, d, n in r.pieces]
    images = [(r, r.dst.read()) for r in olds]

    bad = w.request("m2m", ch, 64, expect_status=R.DMA_ERR_WR_SLVERR)
    chosen = []

    def rewrite(req):
        # the most recently used stale IOVA that this request's own loads did not reuse
        for r, d, n in reversed(stale):
            if not pte_of(env, ch, d) & 1:
                chosen.append(d)
                return [(s, d, nn) for (s, _, nn) in req.pieces]
        raise AssertionError("every stale IOVA was reused")
    forge(drv, bad, rewrite)
    # nothing else is loaded on this device until the forged request is done (a new
    # load could legitimately map the stale IOVA again)
    await drv.submit(bad)
    await drv.drain()
    assert bad.status == R.DMA_ERR_WR_SLVERR, bad.status
    follow = [w.request("m2m", ch, n) for n in (500, 5000)]
    for r in follow:
        await drv.submit(r)
    await drv.drain()
    assert not w.failures, w.failures
    d = chosen[0]
    recs = await expect_faults(env, ch, CAUSE_WRITE_PAGE, TTYP_WRITE, d & ~0xFFF, d + 64)
    dut._log.info("stale IOVA %#x: fault records %s", d, recs)
    for r, img in images:
        assert r.dst.read() == img, "an unloaded buffer was written"
    env.finish()
    await drv.detach()


@pyuvm.test()
class IommuRegression(RegressionTest):
    """REQUESTS random requests + memory faults through the RTL IOMMU (dma_top): the
    memory errors are injected on physical addresses behind the IOMMU, so they must not
    produce IOMMU fault records. Coverage: IOTLB hit and miss bins from the counters.
    (200 requests do not reach every size/placement bin: full coverage not required.)"""
    platform = "iommu_rtl"
    default_requests = 200
    require_full_coverage = False
