# SPDX-License-Identifier: Apache-2.0
"""Cycles one IOTLB miss adds to a read burst through dma_iommu (cocotb side):
the same 8-beat read timed with a hit and right after invalidating its page, at
memory read latency 0 and 32 (on both the data and the table-walk port); and what
a hit adds over Bare mode (the same read untranslated)."""
from __future__ import annotations

import logging

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import RisingEdge

from bench_iommu import record
from busdma import riscv_iommu as spec


async def timed_read(dut, up, iova, cycle):
    start = cycle[0]
    resp = await up.read(iova, 64, user=0)
    assert int(resp.resp) == 0
    return cycle[0] - start


@cocotb.test()
@cocotb.parametrize(lat=[0, 32])
async def miss_cost(dut, lat):
    from cocotbext.axi import AxiBus, AxiLiteBus, AxiLiteMaster, AxiMaster
    from dmatb.iommu_ctl import IommuCtl
    from dmatb.iommu_tables import IommuTables
    from dmatb.memory import AxiMemory

    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    mem = AxiMemory(AxiBus.from_prefix(dut, "m_axi"), dut.clk, dut.rst, size=8 << 20, read_latency=lat)
    tw = AxiMemory(AxiBus.from_prefix(dut, "m_axi_tw"), dut.clk, dut.rst, mem=mem.mem, read_latency=lat)
    up = AxiMaster(AxiBus.from_prefix(dut, "s_axi"), dut.clk, dut.rst)
    regs = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk, dut.rst)
    for bfm in (mem.read_if, mem.write_if, tw.read_if, tw.write_if, up.read_if, up.write_if,
                regs.read_if, regs.write_if):
        bfm.log.setLevel(logging.WARNING)
    dut.rst.value = 1
    for _ in range(4):
        await RisingEdge(dut.clk)
    dut.rst.value = 0
    cycle = [0]

    async def count():
        while True:
            await RisingEdge(dut.clk)
            cycle[0] += 1
    cocotb.start_soon(count())
    t = IommuTables(mem, 0x100000, 0x200000)
    ctl = IommuCtl(regs, dut.clk, t)
    await ctl.enable_queues()
    root = t.new_root()
    t.set_dc(0, root=root, pscid=1)
    t.map(root, 0x5000_0000, 0x300000)
    await ctl.set_mode(2)
    await timed_read(dut, up, 0x5000_0000, cycle)          # warms the device context and the IOTLB
    hit = await timed_read(dut, up, 0x5000_0000, cycle)
    await ctl.command(*spec.iotinval_vma())
    miss = await timed_read(dut, up, 0x5000_0000, cycle)
    added = miss - hit
    record(f"iommu_miss_cost_lat{lat}", 0, added, 8, hit_cycles=hit, miss_cycles=miss,
           target_cycles=3 * (lat + 4))
    dut._log.info("latency %d: hit %d, miss %d, added %d (target <= %d)", lat, hit, miss, added, 3 * (lat + 4))
    # the IOMMU's own latency on a hit: cycles from the request's AR handshake on s_axi to
    # the translated AR leaving on m_axi (Bare takes the same pipeline)
    ar_in, ar_out = [], []

    async def watch_ar():
        while True:
            await RisingEdge(dut.clk)
            if int(dut.s_axi_arvalid.value) and int(dut.s_axi_arready.value):
                ar_in.append(cycle[0])
            if int(dut.m_axi_arvalid.value) and int(dut.m_axi_arready.value):
                ar_out.append(cycle[0])
    mon = cocotb.start_soon(watch_ar())
    await ctl.command(*spec.iotinval_vma())
    await timed_read(dut, up, 0x5000_0000, cycle)          # warm again
    ar_in.clear(), ar_out.clear()
    await timed_read(dut, up, 0x5000_0000, cycle)
    hit_lat = ar_out[-1] - ar_in[-1]
    await ctl.set_mode(1)
    await timed_read(dut, up, 0x300000, cycle)
    ar_in.clear(), ar_out.clear()
    bare = await timed_read(dut, up, 0x300000, cycle)
    bare_lat = ar_out[-1] - ar_in[-1]
    mon.cancel()
    # `iotlb_hit_latency` (the timing issue's name) at latency 0, `iotlb_hit_latency_lat32` at 32
    record("iotlb_hit_latency" + (f"_lat{lat}" if lat else ""), 0, hit_lat, 8, bare_latency=bare_lat,
           hit_read_cycles=hit, bare_read_cycles=bare)
    dut._log.info("latency %d: s_axi AR -> m_axi AR %d cycles on a hit, %d in Bare", lat, hit_lat, bare_lat)
