# SPDX-License-Identifier: Apache-2.0
"""cocotb tests of the IOMMU's own interrupts sent as MSIs (fctl.WSI = 0, msi_cfg_tbl,
icvec), delivered into an IMSIC model (tb/dmatb/imsic.py) on the IOMMU's memory port.

Each test programs the interrupt set-up with the Python driver's register writes
(busdma.riscv_iommu.msi_setup_writes), makes the fault queue or the command queue raise
ipsr.fip / ipsr.cip and checks the messages: identity (the entry's data) at the entry's
address, one 4-byte write (AWSIZE 2), sent after the record or completion write it
reports, held while masked and sent once on unmasking, never retried after an error
response (which leaves a cause-273 fault record instead), and none in wire mode.
Protocol checkers watch every AXI interface; memory is checked byte for byte.
"""
from __future__ import annotations

import random

import cocotb
import pytest
from busdma import riscv_iommu as spec
from busdma import riscv_iommu_regs as IR
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge

CONFIGS = [(64, 16), (128, 4)]   # (DATA_WIDTH, TLB_ENTRIES)


@pytest.mark.parametrize("data_width,tlb", CONFIGS, ids=[f"dw{d}-tlb{t}" for d, t in CONFIGS])
def test_iommu_msi(data_width, tlb):
    from dmatb.runner import run_cocotb

    run_cocotb("dma_iommu", "test_iommu_msi", {"DATA_WIDTH": data_width, "TLB_ENTRIES": tlb})


MEM_SIZE = 64 << 20
TABLES = (0x0100000, 0x0200000)   # table pages (and fence completion flags)
IMSIC_BASE = 0x3000000            # interrupt files of 4 harts
BAD = 0x3800000                   # a page whose writes answer SLVERR
SLVERR = 2
CQ_ID, FQ_ID = 5, 9               # identities: command-queue and fault-queue vectors


class Env:
    async def start(self, dut, backpressure=False):
        import logging

        from cocotbext.axi import AxiBus, AxiLiteBus, AxiLiteMaster, AxiMaster
        from dmatb.axi_checker import AxiChecker, AxiLiteChecker
        from dmatb.imsic import Imsic
        from dmatb.iommu_ctl import IommuCtl
        from dmatb.iommu_tables import IommuTables
        from dmatb.memory import AxiMemory
        from dmatb.scoreboard import MemoryScoreboard

        self.dut = dut
        self.rng = random.Random(cocotb.RANDOM_SEED)
        cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
        self.mem = AxiMemory(AxiBus.from_prefix(dut, "m_axi"), dut.clk, dut.rst, size=MEM_SIZE)
        self.tw_mem = AxiMemory(AxiBus.from_prefix(dut, "m_axi_tw"), dut.clk, dut.rst, mem=self.mem.mem)
        self.imsic = Imsic(IMSIC_BASE, harts=4).attach(self.tw_mem)     # before reset: sees every AW
        self.up = AxiMaster(AxiBus.from_prefix(dut, "s_axi"), dut.clk, dut.rst)
        self.regs = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk, dut.rst)
        for bfm in (self.mem.read_if, self.mem.write_if, self.tw_mem.read_if, self.tw_mem.write_if,
                    self.up.read_if, self.up.write_if, self.regs.read_if, self.regs.write_if):
            bfm.log.setLevel(logging.WARNING)
        self.checkers = [AxiChecker(dut, "s_axi", dut.clk, dut.rst), AxiChecker(dut, "m_axi", dut.clk, dut.rst),
                         AxiChecker(dut, "m_axi_tw", dut.clk, dut.rst),
                         AxiLiteChecker(dut, "s_axil", dut.clk, dut.rst)]
        if backpressure:
            seed = self.rng.randrange(1 << 30)
            dut._log.info("back-pressure seed %d", seed)
            self.tw_mem.set_backpressure(seed=seed, aw=0.3, w=0.3, b=0.3, ar=0.3, r=0.3)
            self.tw_mem.set_latency(read=self.rng.choice([0, 8]), write=self.rng.choice([0, 8]))
        dut.rst.value = 1
        for _ in range(4):
            await RisingEdge(dut.clk)
        dut.rst.value = 0
        await RisingEdge(dut.clk)
        self.tables = IommuTables(self.mem, *TABLES)
        self.ctl = IommuCtl(self.regs, dut.clk, self.tables)
        self.wr32, self.rd32, self.wr64, self.rd64 = self.ctl.wr32, self.ctl.rd32, self.ctl.wr64, self.ctl.rd64
        self.sb = MemoryScoreboard(self.mem)
        self.sb.allow_any(TABLES[0], TABLES[1] - TABLES[0])
        self.tw_mem.inject_error(BAD, BAD + 0x1000, kind="slverr", on="write")
        self.cycle = 0
        self.watch = []                     # (cycle, "cip"/"fip" set) and (cycle, "aw", addr, size)
        cocotb.start_soon(self._watch())
        return self

    async def _watch(self):
        """Cycle of each 0 -> 1 of ipsr.cip / ipsr.fip and of each AW on the IOMMU's port."""
        d = self.dut
        prev = {"cip": 0, "fip": 0}
        aw_seen = None
        while True:
            await RisingEdge(d.clk)
            self.cycle += 1
            for b in ("cip", "fip"):
                v = int(getattr(d.regs, b).value)
                if v and not prev[b]:
                    self.watch.append((self.cycle, b))
                prev[b] = v
            if int(d.m_axi_tw_awvalid.value):
                aw = (int(d.m_axi_tw_awaddr.value), int(d.m_axi_tw_awsize.value))
                if aw_seen != aw:
                    self.watch.append((self.cycle, "awvalid", *aw))   # first cycle of each AW
                aw_seen = aw if not int(d.m_axi_tw_awready.value) else None
                if int(d.m_axi_tw_awready.value):
                    self.watch.append((self.cycle, "aw", *aw))
            else:
                aw_seen = None

    def first_aw_valid_after(self, cycle, addr):
        """Cycles from `cycle` to the first cycle AWVALID is high with `addr`."""
        return next(c for c, *rest in self.watch if c >= cycle and rest[0] == "awvalid" and rest[1] == addr) - cycle

    async def apply(self, writes):
        """Register writes of the driver: (offset, value, size)."""
        for off, value, size in writes:
            await (self.wr64 if size == 8 else self.wr32)(off, value)

    async def msi_mode(self, vectors=None, civ=0, fiv=1, masked=()):
        """Queues off, MSI set-up (the driver's writes), queues on again."""
        vectors = vectors or {0: (self.imsic.addr(0), CQ_ID), 1: (self.imsic.addr(1), FQ_ID)}
        await self.wr32(IR.IOMMU_REG_CQCSR, 0)
        await self.wr32(IR.IOMMU_REG_FQCSR, 0)
        await self.apply(spec.msi_setup_writes(vectors, civ, fiv, masked))
        await self.ctl.enable_queues()
        assert await self.rd32(IR.IOMMU_REG_FCTL) == 0
        assert await self.rd32(IR.IOMMU_REG_ICVEC) == spec.icvec_value(civ, fiv)

    async def fault(self, did=1, iova=0x5000):
        """A device read while ddtp is Off: refused, one fault record (cause 256)."""
        resp, _ = await self.dev_read(did, iova)
        assert resp == SLVERR

    async def dev_read(self, did, iova, n=8):
        resp = await self.up.read(iova, n, user=did)
        return int(resp.resp), bytes(resp.data)

    async def fence(self, wsi=True, flag=None, data=0xF1A6):
        """IOFENCE.C (WSI bit set: raises fence_w_ip, hence ipsr.cip) writing `data` at `flag`."""
        self.ctl.cq.push(spec.iofence_c(flag, data)[0] | (1 << 11 if wsi else 0), spec.iofence_c(flag, data)[1])
        await self.wr32(IR.IOMMU_REG_CQT, self.ctl.cq.tail)

    async def clear_ipsr(self):
        await self.wr32(IR.IOMMU_REG_CQCSR, (1 << 11) | (1 << 10) | (1 << 8) | 0x3)   # fence_w_ip etc.
        await self.wr32(IR.IOMMU_REG_IPSR, 0x3)

    def check(self):
        assert self.imsic.bad_writes == [], self.imsic.bad_writes
        self.sb.check()
        for c in self.checkers:
            c.assert_clean()


def assert_msi(m, hart, identity):
    assert (m.hart, m.identity) == (hart, identity), m
    assert m.awsize == 2 and m.awid == 0, f"an MSI is one 4-byte write: {m}"


# ----------------------------------------------------------------------------- tests

@cocotb.test()
async def fault_queue_msi(dut):
    """A fault record raises ipsr.fip: one MSI with the fault-queue vector's identity to
    its hart, sent once the record is in memory; the wire stays low. Under random
    back-pressure on the IOMMU's port. The cost (ipsr.fip set to the MSI's AW) is logged."""
    env = await Env().start(dut, backpressure=True)
    await env.msi_mode()
    seen = {}

    def on_msi(m):          # what memory holds when the message lands
        from dmatb.iommu_tables import FaultRecord
        seen[len(env.imsic.msis)] = [FaultRecord.unpack(env.mem.read(env.ctl.fq.base, 32))]
    env.imsic.on_msi = on_msi
    await env.fault(did=3, iova=0x7000)
    m = await env.imsic.wait_for(1, FQ_ID, timeout_cycles=500)
    assert_msi(m, 1, FQ_ID)
    (rec,) = seen[1]
    assert (rec.cause, rec.did, rec.iova) == (256, 3, 0x7000), f"record not complete before its MSI: {rec}"
    assert int(dut.irq.value) == 0, "no wire interrupt in MSI mode"
    assert await env.rd32(IR.IOMMU_REG_IPSR) & 2
    # more records while fip is pending: no further message (MSIs are edge-triggered)
    await env.fault(did=3, iova=0x8000)
    await ClockCycles(dut.clk, 100)
    assert len(env.imsic.msis) == 1, env.imsic.msis
    # clear fip: the next record sends the next message
    await env.wr32(IR.IOMMU_REG_IPSR, 2)
    await env.fault(did=2, iova=0x9000)
    await env.imsic.wait_count(2, timeout_cycles=500)
    assert_msi(env.imsic.msis[1], 1, FQ_ID)
    assert env.imsic.claim(1) == FQ_ID and env.imsic.pending(0) == []
    recs = await env.ctl.faults()
    assert [(r.cause, r.iova) for r in recs] == [(256, 0x7000), (256, 0x8000), (256, 0x9000)], recs
    fip_set = [c for c, *r in env.watch if r == ["fip"]]
    costs = [env.first_aw_valid_after(c, env.imsic.addr(1)) for c in (fip_set[0], fip_set[-1])]
    dut._log.info("ipsr.fip set -> the MSI's AWVALID: %s cycles (back-pressure on)", costs)
    env.check()


@cocotb.test()
async def command_queue_msi(dut):
    """IOFENCE.C with WSI = 1 raises fence_w_ip and ipsr.cip: an MSI with the command
    queue's identity, after the fence's completion write; an illegal command after cip
    is cleared sends another. Measures the cost with the port idle."""
    env = await Env().start(dut)
    await env.msi_mode(civ=2, fiv=1, vectors={1: (env.imsic.addr(1), FQ_ID), 2: (env.imsic.addr(2), CQ_ID)})
    flag = env.tables.alloc_page()
    seen = []
    env.imsic.on_msi = lambda m: seen.append(env.mem.read(flag, 4))
    await env.fence(flag=flag, data=0xC0DE)
    m = await env.imsic.wait_for(2, CQ_ID, timeout_cycles=500)
    assert_msi(m, 2, CQ_ID)
    assert seen == [(0xC0DE).to_bytes(4, "little")], "the completion write must land before the MSI"
    assert await env.rd32(IR.IOMMU_REG_CQCSR) >> 11 & 1 and await env.rd32(IR.IOMMU_REG_IPSR) & 1
    (cip_set,) = [c for c, *r in env.watch if r == ["cip"]]
    cost = env.first_aw_valid_after(cip_set, env.imsic.addr(2))
    dut._log.info("ipsr.cip set -> the MSI's AWVALID: %d cycles (port idle)", cost)
    assert cost == 2, cost
    # an illegal command with cip cleared: cmd_ill sets cip again, one more message
    await env.clear_ipsr()
    env.ctl.cq.push(0x7F)
    await env.wr32(IR.IOMMU_REG_CQT, env.ctl.cq.tail)
    await env.imsic.wait_count(2, timeout_cycles=500)
    assert_msi(env.imsic.msis[1], 2, CQ_ID)
    assert await env.rd32(IR.IOMMU_REG_CQCSR) >> 10 & 1
    await ClockCycles(dut.clk, 100)
    assert len(env.imsic.msis) == 2 and env.imsic.pending(1) == []
    env.check()


@cocotb.test()
async def masked_vector_sends_once_unmasked(dut):
    """A masked vector holds its message: nothing while masked (however many causes
    came), exactly one message when unmasked, none on masking and unmasking again."""
    env = await Env().start(dut)
    await env.msi_mode(masked=(1,))
    await env.fault(iova=0x1000)
    await ClockCycles(dut.clk, 100)
    assert env.imsic.msis == []
    await env.wr32(IR.IOMMU_REG_IPSR, 2)           # a second 0 -> 1 of fip while still masked
    await env.fault(iova=0x2000)
    await ClockCycles(dut.clk, 100)
    assert env.imsic.msis == []
    # the command queue's vector is not masked: its message goes at once
    await env.fence()
    await env.imsic.wait_for(0, CQ_ID, timeout_cycles=500)
    assert len(env.imsic.msis) == 1
    o_data = spec.msi_cfg_offsets(1)[2]
    assert await env.rd32(o_data) == 1
    await env.apply([(o_data, 0, 4)])               # unmask
    await env.imsic.wait_for(1, FQ_ID, timeout_cycles=200)
    await ClockCycles(dut.clk, 200)
    assert [m.identity for m in env.imsic.msis] == [CQ_ID, FQ_ID], env.imsic.msis
    await env.wr32(o_data, 1)
    await env.wr32(o_data, 0)
    await ClockCycles(dut.clk, 100)
    assert len(env.imsic.msis) == 2, "nothing was pending: no message"
    await env.ctl.faults()
    env.check()


@cocotb.test()
async def msi_error_is_a_fault_record(dut):
    """An MSI answered SLVERR is not retried: it leaves a fault record "IOMMU MSI write
    access fault" (cause 273, TTYP 0, iotval the MSI address), whose fip message goes
    out on its own vector; with every vector failing, two attempts and two records, then
    silence (fip stays pending, so no further message)."""
    env = await Env().start(dut)
    bad = BAD + 0x40
    await env.msi_mode(vectors={0: (bad, CQ_ID), 1: (env.imsic.addr(1), FQ_ID)})
    errs0 = env.tw_mem.stats["b_err"]
    await env.fence()
    m = await env.imsic.wait_for(1, FQ_ID, timeout_cycles=1000)
    assert_msi(m, 1, FQ_ID)
    recs = await env.ctl.faults()
    assert [(r.cause, r.ttyp, r.did, r.iova) for r in recs] == [(spec.CAUSE_MSI_WRITE_FAULT, 0, 0, bad)], recs
    assert env.tw_mem.stats["b_err"] - errs0 == 1
    # every vector failing
    await env.clear_ipsr()
    await env.apply([(spec.msi_cfg_offsets(1)[0], BAD + 0x80, 8)])
    await env.fence()
    await ClockCycles(dut.clk, 1500)
    recs = await env.ctl.faults()
    assert [(r.cause, r.iova) for r in recs] == [(273, bad), (273, BAD + 0x80)], recs
    assert env.tw_mem.stats["b_err"] - errs0 == 3, "each message is tried once"
    assert await env.rd32(IR.IOMMU_REG_IPSR) == 3
    assert len(env.imsic.msis) == 1
    env.check()


@cocotb.test()
async def wire_mode_and_registers(dut):
    """Reset state is wire-signalled: with the table programmed and unmasked, a fault
    raises irq and sends nothing. In MSI mode the wire stays low; back in wire mode a
    pending bit drives it again. Register behaviour: icvec WARL (a vector beyond the
    table is ignored, pmiv/piv read 0), msi_addr bits 1:0 and 63:56 read 0, entries
    masked after reset. An entry at an address with bit 2 set writes the upper word
    of its 8 bytes and nothing else."""
    env = await Env().start(dut)
    for v in range(spec.MSI_VECTORS):
        a, d, c = spec.msi_cfg_offsets(v)
        assert (await env.rd64(a), await env.rd32(d), await env.rd32(c)) == (0, 0, 1)
    await env.wr32(IR.IOMMU_REG_ICVEC, 0x3321)
    assert await env.rd32(IR.IOMMU_REG_ICVEC) == 0x21
    await env.wr32(IR.IOMMU_REG_ICVEC, 0x0035)          # civ 5: beyond a 4-entry table, kept
    civ = 5 if spec.MSI_VECTORS > 5 else 1
    assert await env.rd32(IR.IOMMU_REG_ICVEC) == 0x30 | civ
    await env.wr64(spec.msi_cfg_offsets(3)[0], 0xFFFF_FFFF_FFFF_FFFF)
    assert await env.rd64(spec.msi_cfg_offsets(3)[0]) == 0x00FF_FFFF_FFFF_FFFC
    # wire mode (the reset value) with everything programmed
    await env.apply(spec.msi_setup_writes({0: (env.imsic.addr(0), CQ_ID), 1: (env.imsic.addr(1), FQ_ID)})[:-1])
    assert await env.rd32(IR.IOMMU_REG_FCTL) == spec.FCTL_WSI
    await env.ctl.enable_queues()
    await env.fault()
    await ClockCycles(dut.clk, 60)
    assert int(dut.irq.value) == 1 and env.imsic.msis == []
    await env.apply([(IR.IOMMU_REG_FCTL, 0, 4)])
    assert int(dut.irq.value) == 0, "the wire is not used in MSI mode"
    await ClockCycles(dut.clk, 60)
    assert env.imsic.msis == [], "a bit already pending sends no message"
    await env.apply(spec.wsi_setup_writes())
    assert int(dut.irq.value) == 1
    await env.wr32(IR.IOMMU_REG_IPSR, 2)
    assert int(dut.irq.value) == 0
    # upper word of a beat: vector 2 at an address with bit 2 set, in plain memory
    target = 0x0500000 + 8 * env.rng.randrange(64) + 4
    word = env.rng.randrange(1, 1 << 32)
    await env.wr32(IR.IOMMU_REG_CQCSR, 0)
    await env.apply(spec.msi_setup_writes({2: (target, word)}, civ=2, fiv=2))
    await env.ctl.enable_queues()
    env.sb.expect_write(target, word.to_bytes(4, "little"))
    await env.fence()
    await ClockCycles(dut.clk, 200)
    aws = [r for c, *r in env.watch if r[0] == "aw" and r[1] == target]
    assert aws == [["aw", target, 2]], aws
    await env.ctl.faults()
    env.check()


# ----------------------------------------------------------------------------- the driver, without RTL

class _FakeHw:
    """Register page with the RTL's interrupt behaviour (IGS, WARL icvec), for the driver."""

    def __init__(self, igs=spec.IGS_BOTH):
        self.regs = {spec.REG_CAPABILITIES: igs << spec.CAPABILITIES_IGS_SHIFT, spec.REG_FCTL: spec.FCTL_WSI,
                     spec.REG_ICVEC: 0}
        self.log = []

    def write_reg(self, off, value, size):
        self.log.append((off, value, size))
        if off == spec.REG_ICVEC:
            old = self.regs[off]
            civ, fiv = value & 0xF, value >> 4 & 0xF
            value = (civ if civ < spec.MSI_VECTORS else old & 0xF) | (fiv if fiv < spec.MSI_VECTORS else old >> 4 & 0xF) << 4
        self.regs[off] = value

    def read_reg(self, off, size):
        return self.regs.get(off, 0)


def test_driver_configures_msi_and_wire():
    hw = _FakeHw()
    spec.configure_msi(hw, {0: (0x2800_0000, 3), 1: (0x2800_1000, 4)}, civ=0, fiv=1, masked=(1,))
    assert hw.log[-1] == (spec.REG_FCTL, 0, 4), "fctl.WSI is cleared last"
    a0, d0, c0 = spec.msi_cfg_offsets(0)
    a1, d1, c1 = spec.msi_cfg_offsets(1)
    assert (hw.regs[a0], hw.regs[d0], hw.regs[c0]) == (0x2800_0000, 3, 0)
    assert (hw.regs[a1], hw.regs[d1], hw.regs[c1]) == (0x2800_1000, 4, spec.MSI_VEC_CTL_M)
    assert hw.log.index((c0, spec.MSI_VEC_CTL_M, 4)) < hw.log.index((a0, 0x2800_0000, 8)), "masked while written"
    spec.set_msi_mask(hw, 1, False)
    assert hw.regs[c1] == 0
    spec.configure_wsi(hw)
    assert hw.regs[spec.REG_FCTL] == spec.FCTL_WSI
    with pytest.raises(ValueError, match="icvec"):
        spec.configure_msi(_FakeHw(), {0: (0x1000, 1), spec.MSI_VECTORS: (0x2000, 2)}, civ=spec.MSI_VECTORS, fiv=0)
    with pytest.raises(ValueError, match="wire-signalled"):
        spec.configure_msi(_FakeHw(spec.IGS_WSI), {0: (0x1000, 1)}, civ=0, fiv=0)
    with pytest.raises(ValueError, match="aligned"):
        spec.msi_setup_writes({0: (0x1002, 1)}, civ=0, fiv=0)
    with pytest.raises(ValueError, match="no"):
        spec.msi_setup_writes({0: (0x1000, 1)}, civ=0, fiv=1)
