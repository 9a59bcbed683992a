# SPDX-License-Identifier: Apache-2.0
"""Scatter-gather front end benchmarks (cocotb side): descriptors fetched from memory.

Utilization = payload bytes / (cycles x bytes per beat), cycles from the write that
starts the channel(s) (CTRL.RUN taking effect) to the last status write-back
(its B handshake on m_axi_sg). Every run is checked byte for byte, statuses included.
Results are appended to the JSON-lines file named by $BENCH_OUT.
"""
from __future__ import annotations

import json
import os

import cocotb
from cocotb.triggers import RisingEdge

from dmaengine import regs as R
from dmaengine.descriptor import Descriptor
from dmatb.engine_env import EngineEnv
from dmatb.scoreboard import MemoryScoreboard

SCENARIOS = {
    # name: (channels, descriptors per channel, bytes per descriptor)
    "sg_chain32_64": (1, 32, 64),
    "sg_chain32_4k": (1, 32, 4096),
    "sg_4ch_4k": (4, 8, 4096),
    "sg_chain32_8": (1, 32, 8),           # short descriptors: the per-descriptor overhead
}


async def watch(env, marks):
    """Record the cycles of interest: run rising, data ARs, write-back Bs."""
    dut = env.dut
    prev_run = 0
    while True:
        await RisingEdge(dut.clk)
        run = int(dut.frontend.ch_run.value)
        if run and not prev_run and marks["start"] is None:
            marks["start"] = env.cycle
        prev_run = run
        if int(dut.m_axi_arvalid.value) and int(dut.m_axi_arready.value) and marks["first_ar"] is None:
            marks["first_ar"] = env.cycle
        if int(dut.m_axi_sg_bvalid.value) and int(dut.m_axi_sg_bready.value):
            marks["wb"].append(env.cycle)


async def run_scenario(dut, name):
    channels, count, size = SCENARIOS[name]
    env = EngineEnv(dut, mem_size=4 << 20, depths=(16, 16), sg_depths=(16, 16))   # a deep memory, as before
    await env.start()
    sb = MemoryScoreboard(env.mem)
    firsts = []
    desc_addr, src, dst = 0x0, 0x100000, 0x200000
    for ch in range(channels):
        addrs, descs = [], []
        for i in range(count):
            data = bytes((src + 3 * k + i) & 0xFF for k in range(size))
            env.mem.write(src, data)
            sb.expect_write(src, data)
            sb.expect_write(dst, data)
            descs.append(Descriptor(src=src, dst=dst, length=size))
            addrs.append(desc_addr)
            desc_addr += 64
            src += size
            dst += size
        env.write_chain(addrs, descs)
        for a, d in zip(addrs, descs):
            sb.expect_write(a, d.pack())
            sb.expect_write(a + 0x20, (1 << 31).to_bytes(4, "little") + size.to_bytes(4, "little"))
        firsts.append(addrs[0])
        await env.set_cur_desc(ch, addrs[0])
    marks = {"start": None, "first_ar": None, "wb": []}
    cocotb.start_soon(watch(env, marks))
    for ch in range(channels):
        await env.ch_write(ch, R.DMA_CH_CTRL, R.DMA_CH_CTRL_RUN_MASK)
    for ch in range(channels):
        await env.wait_completed(ch, count, poll=20)
    await env.cycles(10)
    sb.check()
    env.finish()
    assert len(marks["wb"]) == channels * count
    cycles = marks["wb"][-1] - marks["start"]
    payload = channels * count * size
    gaps = [b - a for a, b in zip(marks["wb"], marks["wb"][1:])]
    return {"scenario": name, "bytes": payload, "cycles": cycles,
            "utilization": round(payload / (cycles * env.bytes_per_beat), 4),
            "doorbell_to_first_read_cycles": marks["first_ar"] - marks["start"],
            "cycles_between_descriptors": round(sum(gaps) / len(gaps), 2) if gaps else None}


@cocotb.test()
@cocotb.parametrize(name=list(SCENARIOS))
async def frontend_benchmark(dut, name):
    result = await run_scenario(dut, name)
    dut._log.info("%s", result)
    with open(os.environ["BENCH_OUT"], "a") as f:
        f.write(json.dumps(result) + "\n")
