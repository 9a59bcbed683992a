# SPDX-License-Identifier: Apache-2.0
"""IOMMU benchmarks (cocotb side), in clock cycles.

On dma_top (engine + IOMMU), one 64 KiB copy, one descriptor, 4 KiB pages:
  iommu_64k_bare       ddtp Bare: the reference
  iommu_64k_warm       1LVL, Sv39, the same copy again with a warm IOTLB
  iommu_walks_4k/2m    page walks (IOTLB misses) for one cold copy with 4 KiB / 2 MiB pages
Cycles from CTRL.RUN taking effect to the descriptor's status write-back (B).
On dma_iommu alone (module `miss` below), the cycles one IOTLB miss adds to a read
burst at memory read latency 0 and 32 (tables read through m_axi_tw).
Records are appended to the JSON-lines file named by $BENCH_OUT.
"""
from __future__ import annotations

import json
import os

import cocotb
from cocotb.triggers import RisingEdge

from busdma import riscv_iommu as spec
from busdma import riscv_iommu_regs as IR

COPY = 64 * 1024
SRC_IOVA, DST_IOVA, DESC_IOVA = 0x10_0000_0000, 0x20_0000_0000, 0x30_0000_0000
SRC_PA, DST_PA, DESC_PA = 0x200000, 0x400000, 0x600000
TABLES = (0x700000, 0x7F0000)


def record(name, nbytes, cycles, beat_bytes, **extra):
    r = {"scenario": name, "bytes": nbytes, "cycles": cycles,
         "utilization": round(nbytes / (cycles * beat_bytes), 4) if nbytes else None}
    r.update(extra)
    with open(os.environ["BENCH_OUT"], "a") as f:
        f.write(json.dumps(r) + "\n")
    return r


async def timed_copy(env, start_desc):
    """Run one descriptor on channel 0; cycles from RUN to its write-back B."""
    from dmaengine import regs as R

    dut = env.dut
    marks = {"start": None, "end": None}

    async def watch():
        while marks["end"] is None:
            await RisingEdge(dut.clk)
            if marks["start"] is None and int(dut.engine.frontend.ch_run.value) & 1:
                marks["start"] = env.cycle
            if int(dut.engine.m_axi_sg_bvalid.value) and int(dut.engine.m_axi_sg_bready.value):
                marks["end"] = env.cycle

    await env.ch_write(0, R.DMA_CH_CTRL, 0)
    await env.wait_state(0, R.DMA_STATE_IDLE)
    await env.ch_write(0, R.DMA_CH_CTRL, R.DMA_CH_CTRL_RESET_MASK)
    await env.set_cur_desc(0, start_desc)
    task = cocotb.start_soon(watch())
    await env.ch_write(0, R.DMA_CH_CTRL, R.DMA_CH_CTRL_RUN_MASK)
    await env.wait_completed(0, 1, poll=20)
    await task
    return marks["end"] - marks["start"]


async def setup(dut):
    from dmaengine.descriptor import Descriptor
    from dmatb.engine_env import EngineEnv
    from dmatb.iommu_ctl import IommuCtl
    from dmatb.iommu_tables import IommuTables

    env = EngineEnv(dut, mem_size=8 << 20, depths=(16, 16), sg_depths=(16, 16))   # a deep memory, as before
    await env.start()
    data = bytes((i * 7 + 3) & 0xFF for i in range(COPY))
    env.mem.write(SRC_PA, data)
    tables = IommuTables(env.mem, *TABLES)
    ctl = IommuCtl(env.axil, dut.clk, tables, base=0x1000)
    await ctl.enable_queues()
    return env, ctl, data, Descriptor


@cocotb.test()
async def warm_vs_bare(dut):
    env, ctl, data, Descriptor = await setup(dut)
    t = ctl.tables
    # Bare: physical addresses in the descriptor
    env.mem.write(DESC_PA, Descriptor(src=SRC_PA, dst=DST_PA, length=COPY).pack())
    await ctl.set_mode(1)
    bare = await timed_copy(env, DESC_PA)
    assert env.mem.read(DST_PA, COPY) == data
    record("iommu_64k_bare", COPY, bare, env.bytes_per_beat)
    # 1LVL: IOVAs over 4 KiB pages
    root = t.new_root()
    t.set_dc(0, root=root, pscid=1)
    for i in range(COPY // 4096):
        t.map(root, SRC_IOVA + i * 4096, SRC_PA + i * 4096)
        t.map(root, DST_IOVA + i * 4096, DST_PA + i * 4096)
    t.map(root, DESC_IOVA, DESC_PA)
    env.mem.write(DESC_PA, Descriptor(src=SRC_IOVA, dst=DST_IOVA, length=COPY).pack())
    env.mem.write(DST_PA, bytes(COPY))
    await ctl.set_mode(2)
    await ctl.command(*spec.iotinval_vma())
    await ctl.command(*spec.iodir_inval_ddt())
    miss0 = await ctl.rd64(IR.IOMMU_REG_CNT_MISS)
    cold = await timed_copy(env, DESC_IOVA)
    walks_4k = await ctl.rd64(IR.IOMMU_REG_CNT_MISS) - miss0
    env.mem.write(DESC_PA + 0x20, bytes(8))
    miss1 = await ctl.rd64(IR.IOMMU_REG_CNT_MISS)
    warm = await timed_copy(env, DESC_IOVA)
    warm_misses = await ctl.rd64(IR.IOMMU_REG_CNT_MISS) - miss1
    assert env.mem.read(DST_PA, COPY) == data
    assert await ctl.faults() == []
    record("iommu_64k_warm", COPY, warm, env.bytes_per_beat, bare_cycles=bare,
           ratio_to_bare=round(bare / warm, 4), misses=warm_misses, tlb_entries=int(dut.TLB_ENTRIES.value))
    record("iommu_64k_cold", COPY, cold, env.bytes_per_beat, walks=walks_4k)
    record("iommu_walks_4k", 0, cold, env.bytes_per_beat, walks=walks_4k)
    # 2 MiB pages: source, destination and descriptor each in one superpage
    root2 = t.new_root()
    t.set_dc(0, root=root2, pscid=2)
    t.map(root2, SRC_IOVA, SRC_PA, level=1)        # the physical areas are 2 MiB aligned
    t.map(root2, DST_IOVA, DST_PA, level=1)
    t.map(root2, DESC_IOVA, DESC_PA, level=1)
    env.mem.write(DESC_PA, Descriptor(src=SRC_IOVA, dst=DST_IOVA, length=COPY).pack())
    await ctl.command(*spec.iodir_inval_ddt())
    await ctl.command(*spec.iotinval_vma())
    env.mem.write(DST_PA, bytes(COPY))
    miss2 = await ctl.rd64(IR.IOMMU_REG_CNT_MISS)
    cycles_2m = await timed_copy(env, DESC_IOVA)
    walks_2m = await ctl.rd64(IR.IOMMU_REG_CNT_MISS) - miss2
    assert env.mem.read(DST_PA, COPY) == data
    record("iommu_walks_2m", 0, cycles_2m, env.bytes_per_beat, walks=walks_2m)
