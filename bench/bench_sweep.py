# SPDX-License-Identifier: Apache-2.0
"""Datapath utilization sweep (cocotb side): one memory-to-memory copy per
(series, size), sizes 64 B .. 64 KiB, for the series of SERIES.

Each record (one JSON line appended to $BENCH_OUT) is
    {"scenario", "bytes", "cycles", "utilization", "series", "size",
     "src_offset", "dst_offset", "read_latency"}
with cycles from the command accepted to its status and
utilization = bytes / (cycles x bytes per beat), as in bench_datapath.py.
bench/plot_utilization.py runs this module and plots the records; other
series (e.g. IOMMU on/off) can be added with the same record format.
"""
from __future__ import annotations

import json
import os

import cocotb
from cocotb.triggers import RisingEdge

from dmatb.datapath_env import Command, DatapathEnv
from dmatb.scoreboard import MemoryScoreboard

MEM_SIZE = 1 << 20
SRC_BASE, DST_BASE = 0x00000, 0x80000
# powers of two from 64 B to 64 KiB, and a few sizes in between
SIZES = sorted({1 << k for k in range(6, 17)} | {96, 1536, 24576})
# series name: (source offset, destination offset, read latency in cycles)
SERIES = {
    "aligned lat0": (0, 0, 0),
    "unaligned lat0": (3, 15, 0),
    "aligned lat32": (0, 0, 32),
    "unaligned lat32": (3, 15, 32),
}
if os.environ.get("SWEEP_SIZES"):  # e.g. SWEEP_SIZES=64,4096 for a quick run
    SIZES = [int(s) for s in os.environ["SWEEP_SIZES"].split(",")]


async def run_point(dut, series: str, size: int) -> dict:
    src_off, dst_off, read_latency = SERIES[series]
    env = DatapathEnv(dut, mem_size=MEM_SIZE, read_latency=read_latency)
    await env.start()
    sb = MemoryScoreboard(env.mem)
    src, dst = SRC_BASE + src_off, DST_BASE + dst_off
    data = bytes((src + k * 7) & 0xFF for k in range(size))
    env.mem.write(src, data)
    sb.expect_write(src, data)
    sb.expect_write(dst, data)
    env.submit(Command(src, dst, size, tag=1))
    (status,) = await env.wait_statuses(1)
    assert status.error == 0, status
    for _ in range(4):
        await RisingEdge(dut.clk)
    sb.check()
    env.finish()
    cycles = status.cycle - env.first_accept_cycle
    return {"scenario": f"sweep_{series.replace(' ', '_')}_{size}", "bytes": size, "cycles": cycles,
            "utilization": round(size / (cycles * env.bytes_per_beat), 4),
            "series": series, "size": size, "src_offset": src_off, "dst_offset": dst_off,
            "read_latency": read_latency}


@cocotb.test()
@cocotb.parametrize(series=list(SERIES), size=SIZES)
async def datapath_sweep(dut, series, size):
    # one cocotb test per point: each starts from reset with fresh models
    result = await run_point(dut, series, size)
    dut._log.info("%s", result)
    with open(os.environ["BENCH_OUT"], "a") as f:
        f.write(json.dumps(result) + "\n")
