# SPDX-License-Identifier: Apache-2.0
"""cocotb tests of dma_fifo (first-word fall-through, registered flags, optional
output register), collected by pytest.

A random producer and consumer (the seed comes from cocotb: RANDOM_SEED=<seed>)
push and pop; a Python deque is the reference: every popped word must be the
oldest word pushed, nothing may be lost or duplicated, and the capacity and the
write-to-read latency are checked against the documented ones.
"""
from __future__ import annotations

import collections
import random

import cocotb
import pytest
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge

CONFIGS = [
    # (WIDTH, DEPTH_LOG2, OUT_REG)
    (8, 2, 0),
    (8, 2, 1),
    (13, 3, 0),
    (72, 6, 1),
]


@pytest.mark.parametrize("width,depth_log2,out_reg", CONFIGS,
                         ids=[f"w{w}-d{1 << d}-o{o}" for w, d, o in CONFIGS])
def test_fifo(width, depth_log2, out_reg):
    from dmatb.runner import run_cocotb

    run_cocotb("dma_fifo", "test_fifo", {"WIDTH": width, "DEPTH_LOG2": depth_log2, "OUT_REG": out_reg})


async def reset(dut):
    from cocotb.clock import Clock
    Clock(dut.clk, 10, unit="ns").start()
    dut.rst.value = 1
    dut.wr_en.value = 0
    dut.rd_en.value = 0
    dut.din.value = 0
    await ClockCycles(dut.clk, 3)
    dut.rst.value = 0
    await RisingEdge(dut.clk)


def params(dut):
    depth = 1 << int(dut.DEPTH_LOG2.value)
    out_reg = int(dut.OUT_REG.value)
    return depth, out_reg, (1 << len(dut.din)) - 1


@cocotb.test()
async def capacity_and_latency(dut):
    """Fills up to exactly DEPTH (+1 with the output register) words, shows the
    first word 1 (2) cycles after its write, and drains in order."""
    await reset(dut)
    depth, out_reg, mask = params(dut)
    assert int(dut.empty.value) == 1 and int(dut.full.value) == 0
    # write one word, count the cycles until it shows
    dut.din.value = 0x5A & mask
    dut.wr_en.value = 1
    await RisingEdge(dut.clk)
    dut.wr_en.value = 0
    cycles = 0
    while True:
        await ReadOnly()
        if int(dut.empty.value) == 0:
            break
        await RisingEdge(dut.clk)
        cycles += 1
        assert cycles < 5, "the word never showed"
    assert cycles == out_reg, f"word visible after {cycles + 1} cycles, expected {out_reg + 1}"
    assert int(dut.dout.value) == 0x5A & mask
    # fill until full
    await RisingEdge(dut.clk)
    accepted = 1
    dut.wr_en.value = 1
    while True:
        dut.din.value = (accepted * 37 + 1) & mask
        await ReadOnly()
        full = int(dut.full.value)
        await RisingEdge(dut.clk)
        if full:
            break
        accepted += 1
        assert accepted <= depth + 1, "full never came"
    dut.wr_en.value = 0
    assert accepted == depth + out_reg, f"capacity {accepted}, expected {depth + out_reg}"
    # drain
    got = []
    dut.rd_en.value = 1
    for _ in range(4 * depth):
        await ReadOnly()
        if not int(dut.empty.value):
            got.append(int(dut.dout.value))
        await RisingEdge(dut.clk)
    dut.rd_en.value = 0
    want = [0x5A & mask] + [(i * 37 + 1) & mask for i in range(1, accepted)]
    assert got == want, f"drained {got}, expected {want}"


@cocotb.test()
async def random_push_pop(dut):
    """5000 cycles of random pushes and pops (also when full / empty, which must be
    ignored) against a deque."""
    await reset(dut)
    depth, out_reg, mask = params(dut)
    rng = random.Random(cocotb.RANDOM_SEED)
    model = collections.deque()
    pushed = popped = 0
    for cycle in range(5000):
        phase = (cycle // 500) % 3          # fill-biased, drain-biased, balanced
        p_wr, p_rd = [(0.8, 0.3), (0.3, 0.8), (0.6, 0.6)][phase]
        wr, rd = rng.random() < p_wr, rng.random() < p_rd
        word = rng.randrange(mask + 1)
        dut.wr_en.value = int(wr)
        dut.rd_en.value = int(rd)
        dut.din.value = word
        await ReadOnly()
        full, empty = int(dut.full.value), int(dut.empty.value)
        held = len(model)
        if full:
            # full only when the words it holds fill the memory (and output register)
            assert held >= depth, f"cycle {cycle}: full with {held} words"
        if rd and not empty:
            assert model, f"cycle {cycle}: FIFO shows a word the model does not have"
            got = int(dut.dout.value)
            want = model.popleft()
            assert got == want, f"cycle {cycle}: popped {got:#x}, expected {want:#x}"
            popped += 1
        if wr and not full:
            model.append(word)
            pushed += 1
        assert len(model) <= depth + out_reg, f"cycle {cycle}: accepted beyond capacity"
        await RisingEdge(dut.clk)
    dut.wr_en.value = 0
    dut.rd_en.value = 1
    for _ in range(depth + 4):
        await ReadOnly()
        if not int(dut.empty.value):
            assert int(dut.dout.value) == model.popleft()
            popped += 1
        await RisingEdge(dut.clk)
    assert not model, f"{len(model)} words lost"
    dut._log.info("pushed %d, popped %d words", pushed, popped)
