# SPDX-License-Identifier: Apache-2.0
"""cocotb tests of dma_burst_gen (the AR/AW legalizer), collected by pytest.

Random transfers (any address and length, seed from cocotb: RANDOM_SEED=<seed>)
are fed from a first-word-fall-through queue model; the bursts are checked
against a reference split: every burst is beat-aligned, 1..min(cap, MAX) beats,
never crosses 4 KiB, the bursts of a transfer cover exactly its beats in order,
bst_last marks the final one and bst_user is the transfer's. The AXI rules of an
address channel are checked too: bst_valid never drops and the payload never
changes before bst_ready (emit_ok and bst_ready are randomly withheld). With
trunc_en, transfers are cut short while a burst is offered (the write side of a
stream that ended early); transfers marked xfer_skip are popped without a burst.
"""
from __future__ import annotations

import random

import cocotb
import pytest
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge

CONFIGS = [
    # (ADDR_WIDTH, BYTES_LOG2, MAX_BURST_LEN, TAKE_AT_LAST)
    (64, 3, 256, 1),
    (64, 3, 16, 0),
    (32, 2, 256, 1),
    (64, 6, 256, 0),
]


@pytest.mark.parametrize("aw,bl,mbl,tal", CONFIGS, ids=[f"aw{a}-n{1 << b}-mbl{m}-tal{t}" for a, b, m, t in CONFIGS])
def test_burst_gen(aw, bl, mbl, tal):
    from dmatb.runner import run_cocotb

    run_cocotb("dma_burst_gen", "test_burst_gen", {"ADDR_WIDTH": aw, "BYTES_LOG2": bl, "MAX_BURST_LEN": mbl,
                                                   "TAKE_AT_LAST": tal, "USER_WIDTH": 8})


async def run(dut, n_xfers: int, trunc: bool):
    from cocotb.clock import Clock
    rng = random.Random(cocotb.RANDOM_SEED + (1 if trunc else 0))
    aw = len(dut.xfer_addr)
    nbytes = 1 << int(dut.BYTES_LOG2.value)
    mbl = int(dut.MAX_BURST_LEN.value)
    Clock(dut.clk, 10, unit="ns").start()
    dut.rst.value = 1
    for sig in (dut.xfer_valid, dut.xfer_skip, dut.trunc_en, dut.bst_ready, dut.emit_ok,
                dut.emit_ok_last, dut.xfer_fast_ok):
        sig.value = 0
    dut.cap_beats.value = mbl
    dut.trunc_beats.value = 0
    await ClockCycles(dut.clk, 3)
    dut.rst.value = 0

    xfers = []
    for i in range(n_xfers):
        kind = rng.random()
        length = (rng.randint(1, 64) if kind < 0.4 else rng.randint(1, 9000) if kind < 0.9
                  else rng.randint(9000, 70000))
        if rng.random() < 0.3:       # start just below a 4 KiB boundary
            addr = ((rng.randrange(1 << (aw - 13)) << 12) | 0xFFF) - rng.randrange(64)
        else:
            addr = rng.randrange((1 << aw) - 80000)
        xfers.append((addr, length, i & 0xFF, rng.random() < 0.1))   # 10%: dropped (xfer_skip)
    pending = list(xfers)
    got = {i: [] for i in range(n_xfers)}       # transfer -> bursts (beat address, beats, last, user)
    totals = {}                                  # transfer -> its beats after a cut
    current = -1                                 # index of the transfer being split
    offered = None                               # payload on offer since an earlier cycle
    cut_next = None                              # new total to cut the current transfer to
    done = 0
    cycle = 0
    prev = None                                  # last cycle's (emit_ok, emit_ok_last, valid, accepted)
    fast_bursts = 0
    while done < n_xfers:
        cycle += 1
        assert cycle < 400000, "legalizer hung"
        # drive this cycle's inputs
        dut.xfer_valid.value = int(bool(pending))
        if pending:
            a, ln, u, sk = pending[0]
            dut.xfer_addr.value, dut.xfer_len.value, dut.xfer_user.value = a, ln, u
            dut.xfer_skip.value = int(sk)
        emit_ok, emit_ok_last = int(rng.random() < 0.8), int(rng.random() < 0.7)
        dut.emit_ok.value = emit_ok
        dut.emit_ok_last.value = emit_ok_last
        dut.xfer_fast_ok.value = int(rng.random() < 0.8)
        if cut_next is not None:
            dut.trunc_en.value = 1
            dut.trunc_beats.value = cut_next
            dut.bst_ready.value = 0
        else:
            dut.trunc_en.value = 0
            dut.bst_ready.value = int(rng.random() < 0.6)
        await ReadOnly()
        valid = int(dut.bst_valid.value)
        ready = int(dut.bst_ready.value)
        take = int(dut.xfer_ready.value)
        accepted = int(valid and ready)              # (bst_ready is low during a cut)
        # a burst newly offered was allowed in the cycle before: by emit_ok_last if it
        # follows the burst accepted then without a gap, else by emit_ok
        if valid and prev is not None and (not prev[2] or prev[3]):
            if prev[3]:
                assert prev[1], "burst offered right after an accept without emit_ok_last"
                fast_bursts += 1
            else:
                assert prev[0], "burst offered without emit_ok in the cycle before"
        if valid:
            payload = (int(dut.bst_addr.value) // nbytes, int(dut.bst_len.value) + 1,
                       int(dut.bst_last.value), int(dut.bst_user.value))
            if offered is not None:
                assert payload == offered, f"payload changed while offered: {offered} -> {payload}"
            offered = payload
        else:
            assert offered is None, "bst_valid dropped before bst_ready"
        # the handshakes at the coming edge
        if cut_next is not None:
            assert valid, "cut planned while no burst is offered"
            totals[current] = cut_next
            offered = None            # the legalizer may retract an internal offer on a cut
            cut_next = None
        elif valid and ready:
            got[current].append(offered)
            if offered[2]:
                done += 1
            offered = None
        elif valid and trunc and current not in totals and rng.random() < 0.05:
            issued = sum(b for _, b, _, _ in got[current])
            addr, length, _, _ = xfers[current]
            full = -(-(addr % nbytes + length) // nbytes)
            if full - issued >= 1:
                cut_next = issued + rng.randint(1, full - issued)
        prev = (emit_ok, emit_ok_last, valid, accepted)
        if take:
            assert pending, "popped an empty queue"
            _, _, _, skipped = pending.pop(0)
            current += 1
            if skipped:
                done += 1
        await RisingEdge(dut.clk)

    # check every transfer's bursts
    for i, (addr, length, user, skipped) in enumerate(xfers):
        bursts = [(a, b, l, u) for a, b, l, u in got[i]]
        if skipped:
            assert not bursts, f"transfer {i} was to be dropped, has {len(bursts)} bursts"
            continue
        first = addr // nbytes
        full = -(-(addr % nbytes + length) // nbytes)
        total = totals.get(i, full)
        assert bursts, f"transfer {i} ({addr:#x}, {length}): no burst"
        beat = first
        for j, (b_addr, beats, last, b_user) in enumerate(bursts):
            assert b_addr == beat, f"transfer {i}: burst {j} at beat {b_addr:#x}, expected {beat:#x}"
            assert 1 <= beats <= mbl, f"transfer {i}: burst of {beats} beats"
            assert (b_addr * nbytes) // 4096 == ((b_addr + beats) * nbytes - 1) // 4096, \
                f"transfer {i}: burst {j} crosses 4 KiB"
            assert b_user == user, f"transfer {i}: user {b_user}, expected {user}"
            assert last == (j == len(bursts) - 1), f"transfer {i}: bst_last on burst {j} of {len(bursts)}"
            beat += beats
        assert beat - first == total, f"transfer {i}: {beat - first} beats, expected {total}"
    dut._log.info("%d transfers, %d bursts, %d cut, %d offered right after an accept", n_xfers,
                  sum(len(b) for b in got.values()), len(totals), fast_bursts)
    if int(dut.TAKE_AT_LAST.value):
        assert fast_bursts > 0, "no short transfer went out right after the burst before it"


@cocotb.test()
async def random_transfers(dut):
    await run(dut, 200, trunc=False)


@cocotb.test()
async def random_transfers_cut_short(dut):
    await run(dut, 150, trunc=True)
