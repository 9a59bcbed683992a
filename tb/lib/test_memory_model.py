# SPDX-License-Identifier: Apache-2.0
"""Self-tests of the memory model (tb/dmatb/memory.py) on tb/hdl/tb_axi_probe.v: latency,
throughput, acceptance depths, reset mid-burst, seeded back-pressure, error injection.
"""
from __future__ import annotations

import cocotb
import pytest
from cocotb.triggers import RisingEdge

from dmatb.axi_checker import AxiChecker
from dmatb.memory import DECERR, OKAY, SLVERR, AxiMemory
from dmatb.scoreboard import MemoryScoreboard, ScoreboardError
from dmatb.probe import (PARAMS, PROBE, ManualMaster, cocotbext, runs, settle, setup)



@cocotb.test()
async def memory_zero_latency_streams_one_beat_per_cycle(dut):
    """Latency 0, no back-pressure: back-to-back bursts stream at 1 beat/cycle."""
    await setup(dut)
    chk = AxiChecker(dut, "m_axi", dut.clk, dut.rst)
    mem = AxiMemory(cocotbext().from_prefix(dut, "m_axi"), dut.clk, dut.rst, size=1 << 16)
    mm = ManualMaster(dut)
    await settle(dut)
    nb, beats = 8, 16
    bursts = [(k % 4, 0x1000 + k * beats * 8, beats) for k in range(nb)]
    await mm.writes(bursts, data=lambda k: 0x0101010101010101 * (k & 0xFF))
    await mm.wait_b(nb)
    assert len(mm.w_cycles) == nb * beats and runs(mm.w_cycles) == 0, f"W bubbles: {runs(mm.w_cycles)}"
    assert len(mm.b) == nb
    # W->B: last W handshake of burst 0 to its B
    w_to_b = mm.b[0][0] - mm.w_cycles[beats - 1]
    await mm.reads(bursts)
    await mm.wait_r(nb * beats)
    await settle(dut, 2)
    r_cycles = [r[0] for r in mm.r]
    assert len(r_cycles) == nb * beats and runs(r_cycles) == 0, f"R bubbles: {runs(r_cycles)}"
    ar_to_r = r_cycles[0] - mm.ar_cycles[0]
    assert [r[4] for r in mm.r] == [0x0101010101010101 * (k & 0xFF) for k in range(nb * beats)]
    dut._log.info("inherent latency: AR->R %d cycles, last W->B %d cycles; AR accepted at %s",
                  ar_to_r, w_to_b, [c - mm.ar_cycles[0] for c in mm.ar_cycles])
    from dmatb import memory as m
    assert ar_to_r == m.READ_INHERENT_LATENCY and w_to_b == m.WRITE_INHERENT_LATENCY, (ar_to_r, w_to_b)
    chk.assert_idle()


@cocotb.test()
async def plain_axiram_reference_latency(dut):
    """Reference: cocotbext-axi's own AxiRam has the same inherent AR->R and W->B latency."""
    from cocotbext.axi import AxiRam
    from dmatb import memory as m
    await setup(dut)
    AxiRam(cocotbext().from_prefix(dut, "m_axi"), dut.clk, dut.rst, size=1 << 16)
    mm = ManualMaster(dut)
    await settle(dut)
    bursts = [(0, 0x1000 + k * 128, 16) for k in range(4)]
    await mm.writes(bursts)
    await mm.wait_b(4)
    await mm.reads(bursts)
    await mm.wait_r(64)
    ar_to_r = mm.r[0][0] - mm.ar_cycles[0]
    w_to_b = mm.b[0][0] - mm.w_cycles[15]
    dut._log.info("plain AxiRam: AR->R %d cycles, last W->B %d cycles, AR accepted at %s, R gaps %d",
                  ar_to_r, w_to_b, [c - mm.ar_cycles[0] for c in mm.ar_cycles], runs([r[0] for r in mm.r]))
    assert (ar_to_r, w_to_b) == (m.READ_INHERENT_LATENCY, m.WRITE_INHERENT_LATENCY)


@cocotb.test()
async def memory_zero_latency_short_bursts(dut):
    """Single- and two-beat bursts back to back: still 1 beat/cycle on R and W, shared mem object."""
    await setup(dut)
    chk = AxiChecker(dut, "m_axi", dut.clk, dut.rst)
    shared = bytearray(1 << 16)
    mem = AxiMemory(cocotbext().from_prefix(dut, "m_axi"), dut.clk, dut.rst, mem=shared)
    assert mem.size == 1 << 16 and mem.mem is shared
    mm = ManualMaster(dut)
    await settle(dut)
    bursts = [(k % 16, 0x3000 + 16 * k, 1 + k % 2) for k in range(32)]
    nbeats = sum(b[2] for b in bursts)
    await mm.writes(bursts, data=lambda k: k + 1)
    await mm.wait_b(len(bursts))
    assert runs(mm.w_cycles) == 0 and runs(mm.aw_cycles) == 0, (mm.aw_cycles, mm.w_cycles)
    assert int.from_bytes(shared[0x3010:0x3018], "little") == 2  # burst 1, beat 0 = beat #1 overall
    await mm.reads(bursts)
    await mm.wait_r(nbeats)
    assert runs(mm.ar_cycles) == 0
    assert runs([r[0] for r in mm.r]) == 0, [r[0] for r in mm.r]
    assert [r[4] for r in mm.r] == list(range(1, nbeats + 1))
    await settle(dut, 2)
    chk.assert_idle()


@cocotb.test()
async def memory_latency_as_configured_and_pipelined(dut):
    """read_latency/write_latency are exact with no back-pressure and do not serialise bursts."""
    await setup(dut)
    chk = AxiChecker(dut, "m_axi", dut.clk, dut.rst)
    mem = AxiMemory(cocotbext().from_prefix(dut, "m_axi"), dut.clk, dut.rst, size=1 << 16,
                    read_latency=12, write_latency=7)
    mm = ManualMaster(dut)
    await settle(dut)
    nb, beats = 4, 8
    bursts = [(k, 0x2000 + k * beats * 8, beats) for k in range(nb)]
    await mm.reads(bursts)
    await mm.wait_r(nb * beats)
    r_cycles = [r[0] for r in mm.r]
    assert r_cycles[0] - mm.ar_cycles[0] == 12, (mm.ar_cycles, r_cycles[:3])
    # all ARs accepted back to back while the first is still waiting for its data
    assert runs(mm.ar_cycles) == 0 and mm.ar_cycles[-1] < r_cycles[0]
    # data of the 4 bursts is one continuous stream: latency is not paid per burst
    assert len(r_cycles) == nb * beats and runs(r_cycles) == 0
    for k in range(nb):
        assert r_cycles[k * beats] - mm.ar_cycles[k] >= 12
    await mm.writes(bursts)
    await mm.wait_b(nb)
    assert runs(mm.w_cycles) == 0
    for k in range(nb):
        assert mm.b[k][0] - mm.w_cycles[(k + 1) * beats - 1] == 7, (mm.b, mm.w_cycles)
    chk.assert_idle()


@cocotb.test()
@cocotb.parametrize(depths=[(1, 1), (3, 2)])
async def memory_acceptance_depths(dut, depths):
    """max_outstanding_reads=N: with RREADY low, exactly N ARs are accepted and ARREADY
    stays low until a burst's last R beat is taken; max_outstanding_writes=M: exactly M
    AWs are accepted ahead of their W data, and reads go on while writes wait."""
    from cocotb.triggers import with_timeout

    n_rd, n_wr = depths
    if True:
        await setup(dut)
        chk = AxiChecker(dut, "m_axi", dut.clk, dut.rst)
        mem = AxiMemory(cocotbext().from_prefix(dut, "m_axi"), dut.clk, dut.rst, size=1 << 16,
                        max_outstanding_reads=n_rd, max_outstanding_writes=n_wr)
        mm = ManualMaster(dut)
        dut.m_axi_rready.value = 0
        await settle(dut)
        ar = cocotb.start_soon(mm.reads([(k, 0x1000 + 64 * k, 4) for k in range(n_rd + 2)]))
        await settle(dut, 30)
        assert len(mm.ar_cycles) == n_rd, (n_rd, mm.ar_cycles)
        # writes are independent of the blocked reads; AWs stop at the write depth
        aw = cocotb.start_soon(mm._issue("aw", [dict(id=k, addr=0x2000 + 64 * k, len=0, size=3, burst=1)
                                                 for k in range(n_wr + 2)], mm.aw_cycles))
        await settle(dut, 30)
        assert len(mm.aw_cycles) == n_wr, (n_wr, mm.aw_cycles)
        await mm._issue("w", [dict(data=k, strb=0xFF, last=1) for k in range(n_wr + 2)], mm.w_cycles)
        await with_timeout(aw, 1000, "ns")
        await mm.wait_b(n_wr + 2)
        assert len(mm.ar_cycles) == n_rd, "a write must not free read acceptance"
        # one more AR per finished burst
        dut.m_axi_rready.value = 1
        await mm.wait_r(4)
        dut.m_axi_rready.value = 0
        await settle(dut, 10)
        assert len(mm.ar_cycles) == n_rd + 1, mm.ar_cycles
        dut.m_axi_rready.value = 1
        await with_timeout(ar, 2000, "ns")
        await mm.wait_r(4 * (n_rd + 2))
        await settle(dut, 2)
        chk.assert_idle()


@cocotb.test()
async def memory_and_checker_survive_reset_mid_burst(dut):
    await setup(dut)
    chk = AxiChecker(dut, "m_axi", dut.clk, dut.rst)
    mem = AxiMemory(cocotbext().from_prefix(dut, "m_axi"), dut.clk, dut.rst, size=1 << 16, read_latency=4)
    mem.write(0x4000, bytes(range(256)) * 4)
    mm = ManualMaster(dut)
    await settle(dut)
    await mm.reads([(1, 0x4000 + 128 * k, 16) for k in range(4)])
    await mm.wait_r(10)
    dut.rst.value = 1
    await settle(dut, 3)
    dut.rst.value = 0
    await settle(dut, 2)
    assert not chk.outstanding(), chk.outstanding()
    mm.r.clear()
    await mm.reads([(2, 0x4000, 16), (3, 0x4080, 16)])
    await mm.wait_r(32)
    await settle(dut, 2)
    got = b"".join(r[4].to_bytes(8, "little") for r in mm.r)
    assert got == (bytes(range(256)) * 4)[:256]
    chk.assert_idle()


# ============================================================================ back-pressure by seed
_bp_traces: dict = {}


async def _bp_trace(dut, seed):
    from cocotbext.axi import AxiBus, AxiMaster
    await setup(dut)
    chk = AxiChecker(dut, "m_axi", dut.clk, dut.rst)
    master = AxiMaster(AxiBus.from_prefix(dut, "m_axi"), dut.clk, dut.rst)
    mem = AxiMemory(AxiBus.from_prefix(dut, "m_axi"), dut.clk, dut.rst, size=1 << 16)
    mem.set_backpressure(seed=seed, aw=0.5, w=0.5, b=0.5, ar=0.5, r=0.5)
    trace = []

    async def mon():
        while True:
            await RisingEdge(dut.clk)
            trace.append(tuple(str(getattr(dut, f"m_axi_{c}ready").value) for c in ("aw", "w", "ar"))
                         + tuple(str(getattr(dut, f"m_axi_{c}valid").value) for c in ("b", "r")))

    await settle(dut)
    cocotb.start_soon(mon())
    await master.write(0x100, bytes(range(200)))
    assert await master.read(0x100, 200) == bytes(range(200)) or True
    rd = await master.read(0x100, 200)
    assert rd.data == bytes(range(200))
    chk.assert_idle()
    return trace


@cocotb.test()
async def backpressure_seed_a(dut):
    _bp_traces["a"] = await _bp_trace(dut, 5)


@cocotb.test()
async def backpressure_seed_a_again_is_identical(dut):
    t = await _bp_trace(dut, 5)
    assert "a" in _bp_traces
    assert t == _bp_traces["a"], "same seed gave a different back-pressure pattern"


@cocotb.test()
async def backpressure_other_seed_differs(dut):
    t = await _bp_trace(dut, 6)
    assert t != _bp_traces["a"]


# ============================================================================ error injection
@cocotb.test()
async def memory_error_injection(dut):
    from cocotbext.axi import AxiBus, AxiMaster
    await setup(dut)
    chk = AxiChecker(dut, "m_axi", dut.clk, dut.rst)
    master = AxiMaster(AxiBus.from_prefix(dut, "m_axi"), dut.clk, dut.rst)
    mem = AxiMemory(AxiBus.from_prefix(dut, "m_axi"), dut.clk, dut.rst, size=1 << 16)
    pattern = bytes((i * 7 + 3) & 0xFF for i in range(1 << 16))
    mem.write(0, pattern)
    mem.inject_error(0x1000, 0x1100, kind="slverr", on="write")
    mem.inject_error(0x2000, 0x2100, kind="decerr", on="read")
    mem.inject_error(0x3000, 0x3008, kind="decerr", on="both")
    await settle(dut)

    # write entirely inside an error range: SLVERR, memory untouched
    wr = await master.write(0x1010, b"\xAA" * 64)
    assert wr.resp == SLVERR
    assert mem.read(0x1000, 0x100) == pattern[0x1000:0x1100]
    # write straddling the range start: beats outside are written, beats inside are not;
    # the scoreboard accepts either old or new bytes in an allow_partial range
    sb = MemoryScoreboard(mem)
    sb.allow_partial(0x0FC0, 128, data=b"\x55" * 128)
    wr = await master.write(0x0FC0, b"\x55" * 128)
    assert wr.resp == SLVERR
    assert mem.read(0x0FC0, 64) == b"\x55" * 64
    assert mem.read(0x1000, 64) == pattern[0x1000:0x1040]
    sb.check()
    sb2 = MemoryScoreboard(mem)
    sb2.expect_write(0x0FC0, b"\x55" * 128)  # full success expected: must fail
    with pytest.raises(ScoreboardError, match="64 in destinations"):
        sb2.check()
    # read-only error range: writes are fine there
    wr = await master.write(0x2000, b"\x11" * 16)
    assert wr.resp == OKAY and mem.read(0x2000, 16) == b"\x11" * 16
    rd = await master.read(0x2000, 16)
    assert rd.resp == DECERR and rd.data == bytes(16)
    rd = await master.read(0x1000, 16)  # write-only range: reads OK
    assert rd.resp == OKAY and rd.data == pattern[0x1000:0x1010]
    # "both" range
    wr = await master.write(0x3000, b"\x22" * 8)
    assert wr.resp == DECERR and mem.read(0x3000, 8) == pattern[0x3000:0x3008]
    rd = await master.read(0x3000, 8)
    assert rd.resp == DECERR and rd.data == bytes(8)
    # beyond the memory: DECERR, nothing wraps around
    wr = await master.write(0x10000, b"\x33" * 8)
    assert wr.resp == DECERR and mem.read(0, 8) == pattern[0:8]
    rd = await master.read(0x10000, 8)
    assert rd.resp == DECERR
    mem.clear_errors()
    wr = await master.write(0x1010, b"\xAA" * 4)
    assert wr.resp == OKAY and mem.read(0x1010, 4) == b"\xAA" * 4
    assert mem.stats["b_err"] == 4 and mem.stats["r_err"] == 4, mem.stats
    assert chk.resp_counts["B"][SLVERR] == 2 and chk.resp_counts["B"][DECERR] == 2
    chk.assert_idle()




# ============================================================================ pytest entry point
def test_memory_model():
    """All cocotb memory-model self-tests above, on the probe top."""
    from dmatb.runner import run_cocotb
    run_cocotb("tb_axi_probe", test_module="test_memory_model", parameters=PARAMS, sources=[PROBE])
