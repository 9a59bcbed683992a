# SPDX-License-Identifier: Apache-2.0
"""Datapath benchmarks (cocotb side): clock cycles for memory-to-memory copies.

Utilization = bytes / (cycles x bytes per beat), cycles from the first command
accepted (cmd_valid && cmd_ready) to the last status (sts_valid && sts_ready; the
bench holds sts_ready high); for a single command (single_*) that is its latency.
All the commands of a scenario are offered back to back. Every run is also
checked byte for byte.
Results go to the JSON file named by $BENCH_OUT.
"""
from __future__ import annotations

import json
import os

import cocotb
from cocotb.triggers import RisingEdge

from dmatb.datapath_env import Command, DatapathEnv
from dmatb.scoreboard import MemoryScoreboard

MEM_SIZE = 1 << 20
SCENARIOS = {
    # name: (list of (src, dst, len), read latency)
    "m2m_64k_aligned":   ([(0x00000, 0x80000, 65536)], 0),
    "m2m_64k_unaligned": ([(0x00003, 0x8000F, 65536)], 0),
    "m2m_4k_aligned":    ([(0x00000, 0x80000, 4096)], 0),
    "m2m_b2b32_64":      ([(i * 64, 0x80000 + i * 64, 64) for i in range(32)], 0),
    "m2m_64k_lat32":     ([(0x00000, 0x80000, 65536)], 32),
    # short commands: per-command overhead and the latency of one command
    "b2b32_8":           ([(i * 8, 0x80000 + i * 8, 8) for i in range(32)], 0),
    "single_8":          ([(0x00000, 0x80000, 8)], 0),
    "single_64":         ([(0x00000, 0x80000, 64)], 0),
    "m2m_b2b32_64_lat32": ([(i * 64, 0x80000 + i * 64, 64) for i in range(32)], 32),
}


async def run_scenario(dut, name):
    commands, read_latency = SCENARIOS[name]
    env = DatapathEnv(dut, mem_size=MEM_SIZE, read_latency=read_latency)
    await env.start()
    sb = MemoryScoreboard(env.mem)
    for i, (src, dst, length) in enumerate(commands):
        data = bytes((src + k * 7 + i) & 0xFF for k in range(length))
        env.mem.write(src, data)
        sb.expect_write(src, data)
        sb.expect_write(dst, data)
    for i, (src, dst, length) in enumerate(commands):
        env.submit(Command(src, dst, length, tag=i))
    statuses = await env.wait_statuses(len(commands))
    assert all(s.error == 0 for s in statuses), statuses
    for _ in range(4):
        await RisingEdge(dut.clk)
    sb.check()
    env.finish()
    nbytes = sum(c[2] for c in commands)
    cycles = statuses[-1].cycle - env.first_accept_cycle
    return {"scenario": name, "bytes": nbytes, "cycles": cycles,
            "utilization": round(nbytes / (cycles * env.bytes_per_beat), 4)}


@cocotb.test()
@cocotb.parametrize(name=list(SCENARIOS))
async def datapath_benchmark(dut, name):
    # one cocotb test per scenario: each starts from reset with fresh models
    result = await run_scenario(dut, name)
    dut._log.info("%s", result)
    with open(os.environ["BENCH_OUT"], "a") as f:
        f.write(json.dumps(result) + "\n")
