# SPDX-License-Identifier: Apache-2.0
"""Self-tests of the verification library (tb/dmatb): checkers, memory model, scoreboard.

pytest runs the cocotb tests below on tb/hdl/tb_axi_probe.v (every AXI signal is an
input driven from Python), plus pure-Python scoreboard tests.
"""
from __future__ import annotations

import os
import random
from pathlib import Path

import cocotb
import pytest
from cocotb.clock import Clock
from cocotb.triggers import ReadOnly, RisingEdge
from cocotb.types import Logic, LogicArray
from cocotb.utils import get_sim_time

from dmatb.axi_checker import AxiChecker, AxiLiteChecker, AxiProtocolError, AxiStreamChecker
from dmatb.memory import DECERR, OKAY, SLVERR, AxiMemory, set_stream_backpressure
from dmatb.scoreboard import MemoryScoreboard, ScoreboardError

TB_DIR = Path(__file__).resolve().parent
PROBE = TB_DIR / "hdl" / "tb_axi_probe.v"
PERIOD = 10  # ns
DW = 64      # probe DATA_WIDTH


# ============================================================================ helpers
def cyc() -> int:
    return int(get_sim_time("ns") // PERIOD)


def four_state() -> bool:
    """Verilator is two-state: X/Z cannot be driven, so X rules are only tested on Icarus."""
    return "verilator" not in cocotb.SIM_NAME.lower()


def xval(sig):
    return Logic("X") if len(sig) == 1 else LogicArray("X" * len(sig))


async def setup(dut):
    """Clock, all probe inputs 0, reset pulse."""
    Clock(dut.clk, PERIOD, unit="ns").start()
    for name in dir(dut):
        if name.startswith(("m_axi_", "s_axil_", "s_axis_")):
            getattr(dut, name).value = 0
    dut.rst.value = 1
    for _ in range(3):
        await RisingEdge(dut.clk)
    dut.rst.value = 0
    await RisingEdge(dut.clk)


async def drive(dut, prefix="m_axi_", n=1, **sigs):
    """Set signals (names without prefix), then let n clock edges pass."""
    for k, v in sigs.items():
        sig = getattr(dut, prefix + k)
        sig.value = xval(sig) if isinstance(v, str) and v.upper() == "X" else v
    for _ in range(n):
        await RisingEdge(dut.clk)


def expect_violation(chk, text):
    hits = [v for v in chk.violations if text in v]
    assert hits, f"expected a violation containing {text!r}, got {chk.violations}"
    return hits[0]


async def settle(dut, n=2):
    for _ in range(n):
        await RisingEdge(dut.clk)


def cocotbext():
    from cocotbext.axi import AxiBus
    return AxiBus


# ============================================================================ legal traffic
@cocotb.test()
async def legal_random_traffic_is_clean(dut):
    """cocotbext-axi masters/RAMs with back-pressure on all channels: zero violations."""
    from cocotbext.axi import (AxiBus, AxiLiteBus, AxiLiteMaster, AxiLiteRam, AxiMaster, AxiStreamBus,
                               AxiStreamFrame, AxiStreamSink, AxiStreamSource)

    await setup(dut)
    chk = AxiChecker(dut, "m_axi", dut.clk, dut.rst)
    lchk = AxiLiteChecker(dut, "s_axil", dut.clk, dut.rst)
    schk = AxiStreamChecker(dut, "s_axis", dut.clk, dut.rst)
    master = AxiMaster(AxiBus.from_prefix(dut, "m_axi"), dut.clk, dut.rst)
    mem = AxiMemory(AxiBus.from_prefix(dut, "m_axi"), dut.clk, dut.rst, size=1 << 16,
                    read_latency=3, write_latency=4)
    mem.set_backpressure(seed=1, aw=0.3, w=0.3, b=0.3, ar=0.3, r=0.3)
    lmaster = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk, dut.rst)
    lram = AxiLiteRam(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk, dut.rst, size=1 << 12)
    src = AxiStreamSource(AxiStreamBus.from_prefix(dut, "s_axis"), dut.clk, dut.rst)
    sink = AxiStreamSink(AxiStreamBus.from_prefix(dut, "s_axis"), dut.clk, dut.rst)
    set_stream_backpressure(src, 0.3, 2)
    set_stream_backpressure(sink, 0.3, 3)
    await settle(dut)

    rng = random.Random(7)

    async def worker(k):
        base = k * 0x4000
        for _ in range(6):
            off = rng.randrange(0, 0x3000)
            n = rng.randrange(1, 600)
            data = bytes(rng.randrange(256) for _ in range(n))
            size = rng.choice([None, None, 0, 1, 2])
            wr = await master.write(base + off, data, size=size)
            assert wr.resp == 0
            rd = await master.read(base + off, n, size=size)
            assert rd.resp == 0 and rd.data == data, f"read back mismatch at {base + off:#x}"
            assert mem.read(base + off, n) == data

    async def lite():
        for i in range(8):
            await lmaster.write_dword(4 * i, 0x1000 + i)
        for i in range(8):
            assert await lmaster.read_dword(4 * i) == 0x1000 + i

    async def stream():
        frames = [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40))) for _ in range(10)]
        for f in frames:
            await src.send(AxiStreamFrame(f))
        for f in frames:
            rx = await sink.recv()
            assert bytes(rx.tdata) == f

    tasks = [cocotb.start_soon(worker(k)) for k in range(3)] + [cocotb.start_soon(lite()), cocotb.start_soon(stream())]
    for t in tasks:
        await t
    await settle(dut, 10)
    for c in (chk, lchk, schk):
        c.assert_idle()
        assert not c.violations
    assert chk.stats["AW"] > 10 and chk.stats["R"] > 100, chk.stats
    assert chk.stats["W"] == mem.stats["w"] and chk.stats["R"] == mem.stats["r"]
    assert chk.stalls["AW"] > 0 and chk.stalls["W"] > 0 and chk.stalls["AR"] > 0  # back-pressure applied
    assert lchk.stats["B"] == 8 and lchk.stats["R"] == 8
    assert schk.packets == 10
    dut._log.info("AXI stats %s stalls %s mem %s", chk.stats, chk.stalls, mem.stats)


# ============================================================================ manual master
class ManualMaster:
    """Drives the master side of m_axi by hand at full rate and records handshake cycles."""

    def __init__(self, dut):
        self.dut = dut
        self.ar_cycles, self.aw_cycles, self.w_cycles = [], [], []
        self.r, self.b = [], []  # (cycle, id, resp, last, data) / (cycle, id, resp)
        dut.m_axi_rready.value = 1
        dut.m_axi_bready.value = 1
        cocotb.start_soon(self._mon())

    async def _mon(self):
        d = self.dut
        while True:
            await RisingEdge(d.clk)
            if d.m_axi_rvalid.value == 1 and d.m_axi_rready.value == 1:
                self.r.append((cyc(), int(d.m_axi_rid.value), int(d.m_axi_rresp.value),
                               int(d.m_axi_rlast.value), int(d.m_axi_rdata.value)))
            if d.m_axi_bvalid.value == 1 and d.m_axi_bready.value == 1:
                self.b.append((cyc(), int(d.m_axi_bid.value), int(d.m_axi_bresp.value)))

    async def wait_r(self, n, limit=2000):
        for _ in range(limit):
            if len(self.r) >= n:
                return
            await RisingEdge(self.dut.clk)
        raise AssertionError(f"only {len(self.r)} of {n} R beats")

    async def wait_b(self, n, limit=2000):
        for _ in range(limit):
            if len(self.b) >= n:
                return
            await RisingEdge(self.dut.clk)
        raise AssertionError(f"only {len(self.b)} of {n} B responses")

    async def _issue(self, ch, items, record):
        d = self.dut
        for it in items:
            for k, v in it.items():
                getattr(d, f"m_axi_{ch}{k}").value = v
            getattr(d, f"m_axi_{ch}valid").value = 1
            while True:
                await RisingEdge(d.clk)
                if getattr(d, f"m_axi_{ch}ready").value == 1:
                    record.append(cyc())
                    break
        getattr(d, f"m_axi_{ch}valid").value = 0

    async def reads(self, bursts, size=3):
        """bursts: list of (id, addr, beats)."""
        await self._issue("ar", [dict(id=i, addr=a, len=n - 1, size=size, burst=1) for i, a, n in bursts],
                          self.ar_cycles)

    async def writes(self, bursts, data=lambda k: k, size=3):
        aw = cocotb.start_soon(self._issue(
            "aw", [dict(id=i, addr=a, len=n - 1, size=size, burst=1) for i, a, n in bursts], self.aw_cycles))
        beats = []
        k = 0
        for i, a, n in bursts:
            for j in range(n):
                beats.append(dict(data=data(k), strb=0xFF, last=int(j == n - 1)))
                k += 1
        await self._issue("w", beats, self.w_cycles)
        await aw


def runs(cycles):
    """Number of gaps in a sorted list of cycle numbers."""
    return sum(1 for a, b in zip(cycles, cycles[1:]) if b != a + 1)


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


# ============================================================================ checker: directed violations
def new_checker(dut, cls=AxiChecker, prefix="m_axi", **kw):
    """A recording (non-raising) checker. Its task samples from the next clock edge on,
    so tests let one edge pass (settle) before driving traffic."""
    return cls(dut, prefix, dut.clk, dut.rst, raise_on_violation=False, **kw)


@cocotb.test()
async def axi_4k_crossing_size_and_burst_rules(dut):
    await setup(dut)
    chk = new_checker(dut)
    await settle(dut, 1)
    await drive(dut, arid=0, araddr=0xFF8, arlen=1, arsize=3, arburst=1, arvalid=1, arready=1)
    await drive(dut, arvalid=0)
    await settle(dut)
    m = expect_violation(chk, "INCR burst crosses a 4 KiB boundary")
    assert "araddr=0xff8" in m and "last byte 0x1007" in m
    n = len(chk.violations)
    # exactly up to the boundary is legal (unaligned start, 16 beats of 8 B ending at 0xfff)
    await drive(dut, araddr=0xF83, arlen=15, arvalid=1)
    await drive(dut, arvalid=0)
    await settle(dut)
    assert len(chk.violations) == n, chk.violations[n:]
    await drive(dut, awid=0, awaddr=0x100, awlen=0, awsize=4, awburst=1, awvalid=1, awready=1)
    await drive(dut, awvalid=0)
    expect_violation(chk, "awsize wider than the data bus")
    await drive(dut, araddr=0x0, arlen=16, arsize=3, arburst=0, arvalid=1)
    await drive(dut, arvalid=0)
    expect_violation(chk, "FIXED/WRAP burst longer than 16 beats")
    await drive(dut, araddr=0x0, arlen=2, arburst=2, arvalid=1)
    await drive(dut, arvalid=0)
    expect_violation(chk, "WRAP burst length not 2, 4, 8 or 16")
    await drive(dut, araddr=0x0, arlen=0, arburst=3, arvalid=1)
    await drive(dut, arvalid=0)
    expect_violation(chk, "reserved burst type")
    await settle(dut)
    assert chk.stats["AR"] == 5 and chk.stats["AW"] == 1


@cocotb.test()
async def axi_wlast_rules(dut):
    await setup(dut)
    chk = new_checker(dut)
    await settle(dut, 1)
    dut.m_axi_wready.value = 1
    dut.m_axi_awready.value = 1
    # early WLAST: AW len 3, WLAST on beat 2
    await drive(dut, awid=1, awaddr=0x0, awlen=3, awsize=3, awburst=1, awvalid=1)
    await drive(dut, awvalid=0, wvalid=1, wstrb=0xFF, wdata=1, wlast=0)
    await drive(dut, wlast=1)
    await drive(dut, wvalid=0, wlast=0)
    await settle(dut)
    m = expect_violation(chk, "WLAST early")
    assert "beat 2 of 4" in m, m
    await setup_reset(dut)
    # missing WLAST: AW len 1, two beats without WLAST
    chk.violations.clear()
    await drive(dut, awid=2, awlen=1, awvalid=1)
    await drive(dut, awvalid=0, wvalid=1, wlast=0, n=2)
    await drive(dut, wvalid=0)
    await settle(dut)
    m = expect_violation(chk, "WLAST missing on the last beat")
    assert "beat 2 of 2" in m, m
    await setup_reset(dut)
    # W before AW, legal: 2 beats then AW len 1 -> clean, B allowed afterwards
    chk.violations.clear()
    await drive(dut, wvalid=1, wlast=0)
    await drive(dut, wlast=1)
    await drive(dut, wvalid=0, wlast=0, awid=3, awlen=1, awvalid=1)
    await drive(dut, awvalid=0, bid=3, bresp=0, bvalid=1, bready=1)
    await drive(dut, bvalid=0)
    await settle(dut)
    assert not chk.violations, chk.violations
    chk.assert_idle()
    # W before AW, too many beats: 3 beats with WLAST then AW len 1
    await drive(dut, wvalid=1, wlast=0, n=2)
    await drive(dut, wlast=1)
    await drive(dut, wvalid=0, wlast=0, awid=4, awlen=1, awvalid=1)
    await drive(dut, awvalid=0)
    await settle(dut)
    m = expect_violation(chk, "more W beats than announced")
    assert "beat 3" in m, m
    await setup_reset(dut)
    # W before AW, open burst already past the AW length without WLAST
    chk.violations.clear()
    await drive(dut, wvalid=1, wlast=0, n=2)
    await drive(dut, wvalid=0, awid=5, awlen=1, awvalid=1)
    await drive(dut, awvalid=0)
    await settle(dut)
    expect_violation(chk, "WLAST missing on the last beat")
    await setup_reset(dut)
    # more W beats than announced after AW (WLAST never on the right beat)
    chk.violations.clear()
    await drive(dut, awid=6, awlen=0, awvalid=1)
    await drive(dut, awvalid=0, wvalid=1, wlast=0)
    await drive(dut, wvalid=0)
    await settle(dut)
    expect_violation(chk, "WLAST missing on the last beat")


async def setup_reset(dut):
    """Idle all signals and pulse reset (clears checker state)."""
    for name in dir(dut):
        if name.startswith(("m_axi_", "s_axil_", "s_axis_")) and name.endswith(("valid", "last")):
            getattr(dut, name).value = 0
    dut.rst.value = 1
    await settle(dut, 2)
    dut.rst.value = 0
    await settle(dut, 1)


@cocotb.test()
async def axi_rlast_and_response_without_request(dut):
    await setup(dut)
    chk = new_checker(dut)
    await settle(dut, 1)
    dut.m_axi_arready.value = 1
    dut.m_axi_rready.value = 1
    dut.m_axi_bready.value = 1
    # RLAST early on burst of ID 2 (4 beats), interleaved legal burst on ID 1 (2 beats)
    await drive(dut, arid=2, araddr=0x0, arlen=3, arsize=3, arburst=1, arvalid=1)
    await drive(dut, arid=1, arlen=1)
    await drive(dut, arvalid=0, rvalid=1, rid=2, rlast=0, rresp=0, rdata=0)
    await drive(dut, rid=1, rlast=0)
    await drive(dut, rid=1, rlast=1)
    assert not chk.violations, chk.violations   # interleaving across IDs is legal
    await drive(dut, rid=2, rlast=1)
    await drive(dut, rvalid=0, rlast=0)
    await settle(dut)
    m = expect_violation(chk, "RLAST early")
    assert "beat 2 of 4" in m and "RID=0x2" in m, m
    # RLAST missing
    chk.violations.clear()
    await drive(dut, arid=3, arlen=0, arvalid=1)
    await drive(dut, arvalid=0, rvalid=1, rid=3, rlast=0)
    await drive(dut, rvalid=0)
    await settle(dut)
    expect_violation(chk, "RLAST missing on the last beat")
    # R without request
    chk.violations.clear()
    await drive(dut, rvalid=1, rid=7, rlast=1)
    await drive(dut, rvalid=0)
    await settle(dut)
    m = expect_violation(chk, "response without request")
    assert "R:" in m or " R" in m
    # B without request; and B for a write whose W data is not complete yet
    chk.violations.clear()
    await drive(dut, bvalid=1, bid=5, bresp=0)
    await drive(dut, bvalid=0)
    await settle(dut)
    expect_violation(chk, "response without request")
    chk.violations.clear()
    dut.m_axi_awready.value = 1
    await drive(dut, awid=5, awaddr=0, awlen=0, awsize=3, awburst=1, awvalid=1)
    await drive(dut, awvalid=0, bvalid=1, bid=5)
    await drive(dut, bvalid=0)
    await settle(dut)
    expect_violation(chk, "response without request")
    # hung transfer: an AR never answered
    await setup_reset(dut)
    chk.violations.clear()
    await drive(dut, arid=4, araddr=0x40, arlen=3, arvalid=1)
    await drive(dut, arvalid=0)
    await settle(dut)
    assert chk.outstanding()
    with pytest.raises(AxiProtocolError, match="read ARID=0x4 addr=0x40: 0/4"):
        chk.assert_idle()


@cocotb.test()
async def axi_handshake_and_x_rules(dut):
    await setup(dut)
    chk = new_checker(dut)
    await settle(dut, 1)
    # VALID dropped before handshake
    await drive(dut, arid=0, araddr=0x80, arlen=0, arsize=3, arburst=1, arvalid=1, arready=0, n=2)
    await drive(dut, arvalid=0)
    await settle(dut)
    m = expect_violation(chk, "VALID dropped before handshake")
    assert "AR" in m and "araddr=0x80" in m, m
    # payload changed while VALID and not READY
    chk.violations.clear()
    await drive(dut, awid=0, awaddr=0x100, awlen=0, awsize=3, awburst=1, awvalid=1, awready=0)
    await drive(dut, awaddr=0x140)
    await drive(dut, awready=1)
    await drive(dut, awvalid=0, awready=0)
    await settle(dut)
    m = expect_violation(chk, "payload changed while VALID and not READY")
    assert "awaddr: 0x100 -> 0x140" in m, m
    if not four_state():
        return
    # X on VALID and on READY
    chk.violations.clear()
    await drive(dut, wvalid="X")
    await drive(dut, wvalid=0, bready="X")
    await drive(dut, bready=0)
    await settle(dut)
    expect_violation(chk, "X/Z on VALID")
    expect_violation(chk, "X/Z on READY")
    # X on payload while VALID
    chk.violations.clear()
    await drive(dut, araddr="X", arvalid=1, arready=1)
    await drive(dut, arvalid=0, araddr=0)
    await settle(dut)
    expect_violation(chk, "X/Z on araddr while VALID")
    # WDATA: X in a disabled lane is fine, in an enabled lane it is not
    await setup_reset(dut)
    chk.violations.clear()
    dut.m_axi_awready.value = 1
    await drive(dut, awid=0, awaddr=0x0, awlen=1, awsize=3, awburst=1, awvalid=1)
    dut.m_axi_awvalid.value = 0
    await drive(dut, wvalid=1, wready=1, wstrb=0x0F, wlast=0,
                wdata=LogicArray("X" * 32 + "01" * 16))
    assert not chk.violations, chk.violations
    await drive(dut, wstrb=0x1F, wlast=1)
    await drive(dut, wvalid=0, wlast=0)
    await settle(dut)
    m = expect_violation(chk, "X/Z on wdata in enabled byte lanes [4]")
    assert len(chk.violations) == 1, chk.violations
    # nothing is checked during reset
    chk.violations.clear()
    dut.rst.value = 1
    await drive(dut, arvalid="X", awvalid=1, awaddr="X", n=3)
    await drive(dut, arvalid=0, awvalid=0)
    dut.rst.value = 0
    await settle(dut)
    assert not chk.violations, chk.violations


@cocotb.test(expect_error=AxiProtocolError)
async def violation_raises_and_fails_the_test(dut):
    """Default raise_on_violation=True: the checker task's exception ends and fails the test
    (expect_error turns that expected failure into a pass)."""
    await setup(dut)
    AxiChecker(dut, "m_axi", dut.clk, dut.rst)
    await settle(dut, 1)
    await drive(dut, arid=0, araddr=0xFF8, arlen=1, arsize=3, arburst=1, arvalid=1, arready=1)
    await drive(dut, arvalid=0)
    await settle(dut, 5)
    # not reached: the checker raised and cocotb ended the test
    raise RuntimeError("checker did not end the test")


@cocotb.test(skip=True)
async def demo_violation_fails(dut):
    """Run only by test_checker_violation_fails_pytest: a violation must fail the run."""
    await setup(dut)
    AxiChecker(dut, "m_axi", dut.clk, dut.rst)
    await settle(dut, 1)
    await drive(dut, awid=0, awaddr=0xFF8, awlen=1, awsize=3, awburst=1, awvalid=1, awready=1)
    await drive(dut, awvalid=0)
    await settle(dut, 5)


@cocotb.test()
async def assert_clean_reports_recorded_violations(dut):
    await setup(dut)
    chk = new_checker(dut)
    await settle(dut, 1)
    chk.assert_clean()
    await drive(dut, bvalid=1, bready=1, bid=1)
    await drive(dut, bvalid=0)
    await settle(dut)
    with pytest.raises(AxiProtocolError, match="response without request"):
        chk.assert_clean()


@cocotb.test()
async def axil_rules(dut):
    await setup(dut)
    chk = new_checker(dut, AxiLiteChecker, "s_axil")
    await settle(dut, 1)
    p = "s_axil_"
    await drive(dut, p, bvalid=1, bready=1, bresp=0)
    await drive(dut, p, bvalid=0)
    await settle(dut)
    expect_violation(chk, "B: response without request")
    chk.violations.clear()
    # legal write: AW and W then B
    await drive(dut, p, awaddr=0x10, awvalid=1, awready=1, wdata=5, wstrb=0xF, wvalid=1, wready=1)
    await drive(dut, p, awvalid=0, wvalid=0, bvalid=1)
    await drive(dut, p, bvalid=0)
    await settle(dut)
    assert not chk.violations, chk.violations
    await drive(dut, p, rvalid=1, rready=1, rdata=1)
    await drive(dut, p, rvalid=0)
    expect_violation(chk, "R: response without request")
    chk.violations.clear()
    await drive(dut, p, arvalid=1, arready=0, araddr=4)
    await drive(dut, p, arvalid=0)
    await settle(dut)
    expect_violation(chk, "VALID dropped before handshake")
    chk.violations.clear()
    if four_state():
        await drive(dut, p, wvalid="X")
        await drive(dut, p, wvalid=0)
    await drive(dut, p, awvalid=1, awready=0, awaddr=8)
    await drive(dut, p, awaddr=12)
    await drive(dut, p, awvalid=0)
    await settle(dut)
    if four_state():
        expect_violation(chk, "X/Z on VALID")
    expect_violation(chk, "payload changed")


@cocotb.test()
async def axis_rules(dut):
    await setup(dut)
    chk = new_checker(dut, AxiStreamChecker, "s_axis")
    packed = new_checker(dut, AxiStreamChecker, "s_axis", packed=True)
    await settle(dut, 1)
    p = "s_axis_"
    # X on a lane with TKEEP clear: fine; TKEEP not all ones mid-packet: fine unless packed
    await drive(dut, p, tvalid=1, tready=1, tkeep=0x3, tlast=0, tdata=LogicArray("X" * 16 + "1" * 16))
    await drive(dut, p, tkeep=0xF, tlast=1, tdata=0x12345678)
    await drive(dut, p, tvalid=0, tlast=0)
    await settle(dut)
    assert not chk.violations, chk.violations
    expect_violation(packed, "TKEEP not all ones on a beat without TLAST")
    packed.stop()
    assert chk.packets == 1 and chk.beats == 2
    if four_state():
        await drive(dut, p, tvalid=1, tready=1, tkeep=0x4, tlast=1, tdata=LogicArray("1" * 8 + "X" * 24))
        await drive(dut, p, tvalid=0)
        await settle(dut)
        expect_violation(chk, "X/Z on tdata in enabled byte lanes [2]")
    chk.violations.clear()
    await drive(dut, p, tvalid=1, tready=0, tkeep=0xF, tdata=1)
    await drive(dut, p, tdata=2)
    await drive(dut, p, tvalid=0)
    await settle(dut)
    expect_violation(chk, "payload changed while VALID and not READY")
    expect_violation(chk, "VALID dropped before handshake")


# ============================================================================ pytest entry points
PARAMS = {"DATA_WIDTH": DW, "ADDR_WIDTH": 32, "ID_WIDTH": 4}


def test_dmatb_library():
    """All cocotb self-tests above, on the probe top."""
    from dmatb.runner import run_cocotb
    run_cocotb("tb_axi_probe", test_module="test_dmatb", parameters=PARAMS, sources=[PROBE], test_dir=TB_DIR)


def test_checker_violation_fails_pytest():
    """Without expect_error, a checker violation makes the cocotb run (and pytest) fail."""
    from dmatb.runner import run_cocotb
    with pytest.raises(SystemExit):
        run_cocotb("tb_axi_probe", test_module="test_dmatb", parameters=PARAMS, sources=[PROBE],
                   test_dir=TB_DIR, testcase="demo_violation_fails")


# ---------------------------------------------------------------------------- scoreboard (pure Python)
def _mem(n=1 << 20, seed=1):
    rng = random.Random(seed)
    return bytearray(rng.randbytes(n))


def test_scoreboard_clean_copy():
    mem = _mem()
    sb = MemoryScoreboard(mem)
    sb.expect_copy(0x80000, 0x10000, 5000)
    mem[0x80000:0x80000 + 5000] = mem[0x10000:0x10000 + 5000]
    sb.check()
    sb.expect_write(0x100, b"abc")
    with pytest.raises(ScoreboardError, match="3 in destinations"):
        sb.check()


def test_scoreboard_catches_guard_and_destination_bytes():
    mem = _mem()
    sb = MemoryScoreboard(mem)
    data = bytes(range(256)) * 4
    sb.expect_write(0x40000, data)
    mem[0x40000:0x40400] = data
    mem[0x40400] ^= 0xFF  # one byte past the destination
    with pytest.raises(ScoreboardError) as e:
        sb.check()
    msg = str(e.value)
    assert "0x00040400..0x00040400 (1 B, outside destinations)" in msg, msg
    mem[0x40400] ^= 0xFF
    mem[0x40010] = 0xEE  # wrong byte inside the destination
    with pytest.raises(ScoreboardError) as e:
        sb.check()
    assert "0x00040010..0x00040010 (1 B, destination): expected 10 | actual ee" in str(e.value), str(e.value)
    mem[0x40010] = 0x10
    sb.check()
    mem[0xFFFFF] ^= 1  # far away from any destination: still caught (whole-memory mode)
    with pytest.raises(ScoreboardError, match="0x000fffff"):
        sb.check()


def test_scoreboard_partial_and_regions():
    mem = _mem()
    sb = MemoryScoreboard(mem)
    sb.allow_partial(0x2000, 64, data=b"\x00" * 64)
    mem[0x2000:0x2010] = b"\x00" * 16  # first 16 bytes written, rest old
    sb.check()
    mem[0x2020] = mem[0x2020] ^ 0x5A if mem[0x2020] ^ 0x5A else 0x77  # neither old nor new
    with pytest.raises(ScoreboardError):
        sb.check()
    # region mode: guard bands around destinations
    mem2 = _mem(1 << 22, seed=2)
    sb2 = MemoryScoreboard(mem2, regions=[], guard=4096)
    sb2.expect_write(0x200000, b"\x01" * 100)
    mem2[0x200000:0x200064] = b"\x01" * 100
    mem2[0x300000] ^= 1  # untracked
    sb2.check()
    mem2[0x200064 + 4000] ^= 1  # inside the guard band
    with pytest.raises(ScoreboardError, match="outside destinations"):
        sb2.check()


def test_scoreboard_speed_several_mib():
    import time
    mem = _mem(8 << 20)
    t = time.perf_counter()
    sb = MemoryScoreboard(mem)
    for k in range(64):
        sb.expect_copy(0x400000 + k * 0x10000, 0x10000 * k, 0x8000)
        mem[0x400000 + k * 0x10000:0x400000 + k * 0x10000 + 0x8000] = mem[0x10000 * k:0x10000 * k + 0x8000]
    sb.check()
    assert time.perf_counter() - t < 2.0
