# SPDX-License-Identifier: Apache-2.0
"""Utilization against transfer size through the whole engine (dma_top), IOMMU off
(Bare) and on (1LVL, Sv39, 4 KiB pages, IOTLB warmed by a first run): one descriptor
per point, cycles from CTRL.RUN to the status write-back. Records carry "series" and
"size" for bench/plot_utilization.py; appended to $BENCH_OUT."""
from __future__ import annotations

import json
import os

import cocotb

from bench_iommu import DESC_IOVA, DESC_PA, DST_IOVA, DST_PA, SRC_IOVA, SRC_PA, setup, timed_copy
from bench_sweep import SIZES
from busdma import riscv_iommu as spec


@cocotb.test()
@cocotb.parametrize(iommu=[False, True], size=SIZES)
async def iommu_sweep(dut, iommu, size):
    env, ctl, data, Descriptor = await setup(dut)
    data = data[:size]
    if iommu:
        t = ctl.tables
        root = t.new_root()
        t.set_dc(0, root=root, pscid=1)
        for i in range((size + 4095) // 4096):
            t.map(root, SRC_IOVA + i * 4096, SRC_PA + i * 4096)
            t.map(root, DST_IOVA + i * 4096, DST_PA + i * 4096)
        t.map(root, DESC_IOVA, DESC_PA)
        src, dst, desc = SRC_IOVA, DST_IOVA, DESC_IOVA
        await ctl.set_mode(2)
    else:
        src, dst, desc = SRC_PA, DST_PA, DESC_PA
        await ctl.set_mode(1)
    env.mem.write(DESC_PA, Descriptor(src=src, dst=dst, length=size).pack())
    await timed_copy(env, desc)                    # warms the IOTLB (and everything else)
    env.mem.write(DESC_PA + 0x20, bytes(8))
    env.mem.write(DST_PA, bytes(size))
    cycles = await timed_copy(env, desc)
    assert env.mem.read(DST_PA, size) == data
    assert await ctl.faults() == []
    series = "IOMMU on (warm)" if iommu else "IOMMU off"
    record = {"scenario": f"sweep_{'iommu' if iommu else 'bare'}_{size}", "bytes": size, "cycles": cycles,
              "utilization": round(size / (cycles * env.bytes_per_beat), 4), "series": series, "size": size}
    with open(os.environ["BENCH_OUT"], "a") as f:
        f.write(json.dumps(record) + "\n")
