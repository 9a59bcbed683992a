# SPDX-License-Identifier: Apache-2.0
"""End-to-end tests of the engine's driver (sw/dmaengine/driver.py) on busdma's
bounce platform: 8 GiB of memory, the engine may only reach the low 4 GiB.

The driver is written only against busdma and bus_space; here bus_space is an
AXI4-Lite master on the RTL's register port and the engine's two AXI4 master
ports read and write busdma's PhysicalMemory. An address monitor on both ports
proves no burst ever leaves the tag's window.
"""
from __future__ import annotations

import errno

import cocotb
import pytest
from cocotb.triggers import ClockCycles

PARAMS = {"DATA_WIDTH": 64, "NUM_CHANNELS": 4, "CMD_DEPTH_LOG2": 2}


def test_driver():
    from dmatb.runner import run_cocotb

    run_cocotb("dma_engine", "test_driver", PARAMS)


# ----------------------------------------------------------------------------- helpers

from dmatb.workload import Workload


async def setup(dut, use_irq=True, **kw):
    from dmatb.uvm.system import SystemEnv

    env = SystemEnv(dut, "bounce")
    await env.start()
    drv = await env.attach_driver(use_irq=use_irq, **kw)
    dut._log.info("seed %d; engine %s", env.seed, drv.caps)
    return env, drv


# ----------------------------------------------------------------------------- tests

@cocotb.test()
async def end_to_end_bounce(dut):
    """Many requests of every kind and size on all channels; buffers above and below
    4 GiB over scattered pages; data exact, guards intact, no address >= 4 GiB."""
    env, drv = await setup(dut)
    w = Workload(env, drv)
    rng = w.rng
    sizes = [1, 2, 7, 8, 63, 64, 100, 1500, 4095, 4096, 4097, 5000, 12345, 40000]
    reqs = []
    for i in range(160):
        ch = rng.randrange(4)
        kind = "m2m"
        if ch == 1 and rng.random() < 0.5:
            kind = "m2s"          # one channel feeds the device stream (packets stay in order)
        if ch == 2 and rng.random() < 0.5:
            kind = "s2m"          # one channel drains the device stream
        reqs.append(w.request(kind, ch, rng.choice(sizes)))
    # all four corners of bouncing at least once
    for sh, dh in ((True, True), (True, False), (False, True), (False, False)):
        reqs.append(w.request("m2m", 0, 5000, src_high=sh, dst_high=dh))
    for r in reqs:
        await drv.submit(r)
        if rng.random() < 0.1:
            await ClockCycles(dut.clk, rng.randrange(1, 400))
    await drv.drain()
    await ClockCycles(dut.clk, 20)
    assert not w.failures, "\n".join(w.failures[:20])
    assert len(w.done) == len(reqs)
    assert env.sink.collect() == w.m2s_expected
    stats = env.platform.stats()
    dut._log.info("driver %s; bounce %s; monitors: %s", drv.stats, stats,
                  [(m.name, m.bursts, hex(m.max_addr)) for m in env.monitors])
    assert stats.bounced_bytes > 0 and stats.total_bounced > 0
    assert all(m.bursts > 0 for m in env.monitors)
    assert stats.active_bpages == 0
    env.finish()
    await drv.detach()


@cocotb.test()
async def polling_mode_and_detach_busy(dut):
    """Polling mode; detach raises EBUSY while a request is in flight, then succeeds (and
    leaves GCTRL.BME = 0, GSTATUS.QUIESCENT = 1); attach had set BME."""
    import busdma

    from dmaengine import regs as R

    env, drv = await setup(dut, use_irq=False)
    assert await drv._rd(R.DMA_REG_GCTRL) & R.DMA_GCTRL_BME_MASK, "attach sets GCTRL.BME"
    w = Workload(env, drv)
    big = w.request("m2m", 3, 200_000)
    await drv.submit(big)
    small = [w.request("m2m", c, w.rng.choice([10, 3000, 9000])) for c in range(4)]
    for r in small:
        await drv.submit(r)
    try:
        await drv.detach()
    except busdma.BusDmaError as e:
        assert e.errno == errno.EBUSY
    else:
        raise AssertionError("detach with requests in flight did not raise EBUSY")
    await drv.drain()
    assert not w.failures, w.failures
    assert len(w.done) == 5 and drv.stats.interrupts == 0 and drv.stats.polls > 0
    await drv.detach()
    # detach leaves bus mastering off and the engine quiescent
    assert not await drv._rd(R.DMA_REG_GCTRL) & R.DMA_GCTRL_BME_MASK, "detach clears GCTRL.BME"
    assert await drv._rd(R.DMA_REG_GSTATUS) & R.DMA_GSTATUS_QUIESCENT_MASK
    assert env.platform.memory.allocator.pages_in_use > 0   # the test's own buffers
    env.finish()


@cocotb.test()
async def error_recovery(dut):
    """A read error on one request's source: that request reports RD_SLVERR (and a
    write error WR_DECERR on another), the other requests complete, the channel works
    again afterwards."""
    from dmaengine import regs as R

    env, drv = await setup(dut)
    w = Workload(env, drv)
    for code, on, kind in ((R.DMA_ERR_RD_SLVERR, "read", "slverr"), (R.DMA_ERR_WR_DECERR, "write", "decerr")):
        before = [w.request("m2m", 0, n) for n in (3000, 64, 9000)]
        # the victim's buffers are below 4 GiB (not bounced): the device address is the physical one
        bad = w.request("m2m", 0, 6000, src_high=False, dst_high=False, expect_status=code)
        target = bad.src if on == "read" else bad.dst
        for paddr, n in target.fragments():
            env.mem.inject_error(paddr, paddr + n, kind=kind, on=on)
        after = [w.request("m2m", 0, n) for n in (5000, 1, 70000, 300)]
        others = [w.request("m2m", 1, 8000) for _ in range(3)]
        for r in before + [bad] + after + others:
            await drv.submit(r)
        await drv.drain()
        env.mem.clear_errors()
        assert bad.status == code, f"victim status {bad.status}"
        assert not w.failures, "\n".join(w.failures)
    assert drv.stats.halts == 2
    dut._log.info("driver %s", drv.stats)
    # the channel is usable again
    again = [w.request("m2m", 0, n) for n in (100, 20000)]
    for r in again:
        await drv.submit(r)
    await drv.drain()
    assert not w.failures and all(r.status == 0 for r in again)
    state, _, err = await drv.channel_state(0)
    assert err == 0 and state == R.DMA_STATE_RUNNING
    env.finish()
    await drv.detach()


@cocotb.test()
async def error_recovery_chain_order(dut):
    """Failing requests in flight together on one channel: a status write-back fault
    (on a request's last descriptor, m_axi_sg), read and write faults, good requests in
    between, in two orders. Every request gets its own status (the failing ones their
    own error code, the others 0 with exact data), and at every halt the driver's record
    (drv.halt_log) names the first failing descriptor in chain order as ERR_DESC and
    identifies every failed write-back (tb/dmatb/uvm/env.py check_halt); the driver restarts
    the channel at the right place (the good requests behind a failure complete)."""
    from types import SimpleNamespace

    from dmaengine import regs as R
    from dmatb.uvm.env import WritebackFaults, check_halt

    env, drv = await setup(dut)
    w = Workload(env, drv)
    wbf = WritebackFaults(drv, env.sg_mem)
    faults = {}                     # id(req) -> item-like (fault, wb_piece)
    env.sg_mem.set_latency(write=300)        # write-back responses come late

    def fault_of(req, piece):
        it = faults.get(id(req))
        if it is None:
            return 0
        if it.fault[0] == "writeback":
            return it.code if piece == it.wb_piece else 0
        return it.code

    plans = [
        # write-back fault first, a read fault right behind it (in flight when it fails)
        [("writeback", "slverr", 3000), (None, None, 64), ("read", "slverr", 200), (None, None, 5000),
         ("writeback", "decerr", 100), (None, None, 300)],
        # a long request that fails late: everything behind it is in flight
        [("read", "decerr", 9000), ("writeback", "slverr", 64), (None, None, 64), ("write", "slverr", 100),
         ("writeback", "decerr", 9000), (None, None, 64)],
    ]
    codes = {("read", "slverr"): R.DMA_ERR_RD_SLVERR, ("read", "decerr"): R.DMA_ERR_RD_DECERR,
             ("write", "slverr"): R.DMA_ERR_WR_SLVERR, ("writeback", "slverr"): R.DMA_ERR_WB_SLVERR,
             ("writeback", "decerr"): R.DMA_ERR_WB_DECERR}
    for plan in plans:
        reqs = []
        for on, resp, n in plan:
            code = codes[(on, resp)] if on else 0
            r = w.request("m2m", 0, n, src_high=False, dst_high=False, expect_status=code)
            if on == "writeback":
                it = SimpleNamespace(fault=(on, resp), code=code, wb_piece=None)
                wbf.add(r, it, resp)
                faults[id(r)] = it
            elif on:
                target = r.src if on == "read" else r.dst
                for paddr, m in target.fragments():
                    env.mem.inject_error(paddr, paddr + m, kind=resp, on=on)
                faults[id(r)] = SimpleNamespace(fault=(on, resp), code=code, wb_piece=None)
            reqs.append(r)
        halts0 = len(drv.halt_log)
        for r in reqs:
            await drv.submit(r)
        await drv.drain()
        env.mem.clear_errors()
        for r in reqs:
            wbf.remove(r)
        assert not w.failures, "\n".join(w.failures)
        assert [r.status for r in reqs] == [codes[(on, resp)] if on else 0 for on, resp, _ in plan]
        recs = drv.halt_log[halts0:]
        assert recs, "no halt"
        assert recs[0].failed is reqs[0], "the first halt must name the first failing request"
        bad = [m for rec in recs for m in check_halt(rec, fault_of)]
        assert not bad, "\n".join(bad)
        dut._log.info("plan: %d halts; ERR_DESC codes %s; failed write-backs identified %s",
                      len(recs), [R.ERROR_NAMES[rec.code] for rec in recs],
                      [len(rec.wb_failed) for rec in recs])
    # the channel is usable again
    again = [w.request("m2m", 0, n) for n in (100, 20000)]
    for r in again:
        await drv.submit(r)
    await drv.drain()
    assert not w.failures and all(r.status == 0 for r in again)
    env.finish()
    await drv.detach()


@cocotb.test()
async def nic_receive_ring(dut):
    """NIC-like receiver: packets arrive on s_axis; the driver keeps a ring of mapped
    2 KiB receive buffers (above 4 GiB: bounced) on channel 2 and refills it."""
    from dmatb.uvm.devices import NicReceiver

    env, drv = await setup(dut)
    nic = NicReceiver(env, drv, channel=2, nbufs=8, bufsize=2048)
    await nic.start()
    sent = []
    for i in range(60):
        pkt = env.rng.randbytes(env.rng.choice([60, 64, 333, 1024, 1500, 2048]))
        sent.append(pkt)
        env.source.send(pkt)
        if env.rng.random() < 0.2:
            await ClockCycles(dut.clk, env.rng.randrange(50, 500))
    for _ in range(2000):
        if len(nic.received) >= len(sent):
            break
        await ClockCycles(dut.clk, 50)
    assert nic.received == sent
    assert nic.refills >= len(sent)
    await nic.stop()
    env.finish()
    await drv.detach()


@cocotb.test()
async def iommu_platform_python_model(dut):
    """The same driver code on busdma's IommuPlatform: the engine sees IOVAs, which the
    memory models translate through busdma's RiscvIommuModel (the IOMMU RTL is not
    wired yet; every access uses device context 0, see tb/dmatb/uvm/system.py)."""
    from dmatb.uvm.system import SystemEnv

    env = SystemEnv(dut, "iommu")
    await env.start()
    drv = await env.attach_driver(use_irq=True)
    w = Workload(env, drv)
    reqs = []
    for i in range(24):
        # IOMMU maps pages: the busdma IOMMU platform needs page-offset-aligned
        # segment starts only for alignment > 1; the data tags use alignment 1
        reqs.append(w.request("m2m", i % 4, w.rng.choice([1, 100, 4096, 5000, 20000])))
    for r in reqs:
        await drv.submit(r)
    await drv.drain()
    assert not w.failures, "\n".join(w.failures)
    st = env.platform.stats()
    dut._log.info("driver %s; iommu %s; %d translations", drv.stats, st, env.translations)
    assert env.translations > 0 and st.commands_submitted > 0
    env.finish()
    await drv.detach()
