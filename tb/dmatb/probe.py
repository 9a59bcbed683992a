# SPDX-License-Identifier: Apache-2.0
"""Helpers for the verification library's self-tests (tb/lib/): they run on
tb/hdl/tb_axi_probe.v, a top level whose every AXI signal is an input driven from Python."""
from __future__ import annotations

from pathlib import Path

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import RisingEdge
from cocotb.types import Logic, LogicArray
from cocotb.utils import get_sim_time

from dmatb.axi_checker import AxiChecker

PROBE = Path(__file__).resolve().parents[1] / "hdl" / "tb_axi_probe.v"
PERIOD = 10  # ns
DW = 64      # probe DATA_WIDTH
PARAMS = {"DATA_WIDTH": DW, "ADDR_WIDTH": 32, "ID_WIDTH": 4}


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


# ============================================================================ checker: directed violations
def new_checker(dut, cls=AxiChecker, prefix="m_axi", **kw):
    """A recording (non-raising) checker. Its task samples from the next clock edge on,
    so tests let one edge pass (settle) before driving traffic."""
    return cls(dut, prefix, dut.clk, dut.rst, raise_on_violation=False, **kw)


async def setup_reset(dut):
    """Idle all signals and pulse reset (clears checker state)."""
    for name in dir(dut):
        if name.startswith(("m_axi_", "s_axil_", "s_axis_")) and name.endswith(("valid", "last")):
            getattr(dut, name).value = 0
    dut.rst.value = 1
    await settle(dut, 2)
    dut.rst.value = 0
    await settle(dut, 1)
