# SPDX-License-Identifier: Apache-2.0
"""cocotb tests of dma_iommu, the RISC-V IOMMU subset between the engine and memory.

The test drives the IOMMU's upstream port like the DMA engine would (an AxiMaster
with AxUSER = device ID), programs it through its register page, builds device
contexts and Sv39 tables in memory with dmatb.iommu_tables, and checks every access
against a reference walk: data lands at the translated address, faults answer
SLVERR with nothing reaching memory, and each fault record is exact.
Protocol checkers watch all three interfaces; memory is checked byte for byte.
"""
from __future__ import annotations

import random

import cocotb
import pytest
from busdma import riscv_iommu_regs as IR
from cocotb.clock import Clock
from cocotb.triggers import RisingEdge

CONFIGS = [(64, 16), (128, 4)]   # (DATA_WIDTH, TLB_ENTRIES)


@pytest.mark.parametrize("data_width,tlb", CONFIGS, ids=[f"dw{d}-tlb{t}" for d, t in CONFIGS])
def test_iommu(data_width, tlb):
    from dmatb.runner import run_cocotb

    run_cocotb("dma_iommu", "test_iommu", {"DATA_WIDTH": data_width, "TLB_ENTRIES": tlb})


MEM_SIZE = 64 << 20
TABLES = (0x0100000, 0x0200000)   # table pages
DATA_LO = 0x0400000               # physical pages handed out for mappings
OKAY, SLVERR = 0, 2


class Env:
    async def start(self, dut):
        import logging

        from cocotbext.axi import AxiBus, AxiLiteBus, AxiLiteMaster, AxiMaster
        from dmatb.axi_checker import AxiChecker, AxiLiteChecker
        from dmatb.iommu_ctl import IommuCtl
        from dmatb.iommu_tables import IommuTables
        from dmatb.memory import AxiMemory
        from dmatb.scoreboard import MemoryScoreboard

        self.dut = dut
        self.rng = random.Random(cocotb.RANDOM_SEED)
        self.tlb_entries = int(dut.TLB_ENTRIES.value) if hasattr(dut, "TLB_ENTRIES") else 16
        cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
        self.mem = AxiMemory(AxiBus.from_prefix(dut, "m_axi"), dut.clk, dut.rst, size=MEM_SIZE)
        # the IOMMU's own table and queue accesses use their own port (dma_iommu.v says why)
        self.tw_mem = AxiMemory(AxiBus.from_prefix(dut, "m_axi_tw"), dut.clk, dut.rst, mem=self.mem.mem)
        self.up = AxiMaster(AxiBus.from_prefix(dut, "s_axi"), dut.clk, dut.rst)
        self.regs = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk, dut.rst)
        for bfm in (self.mem.read_if, self.mem.write_if, self.tw_mem.read_if, self.tw_mem.write_if,
                    self.up.read_if, self.up.write_if,
                    self.regs.read_if, self.regs.write_if):
            bfm.log.setLevel(logging.WARNING)
        self.checkers = [AxiChecker(dut, "s_axi", dut.clk, dut.rst), AxiChecker(dut, "m_axi", dut.clk, dut.rst),
                         AxiChecker(dut, "m_axi_tw", dut.clk, dut.rst),
                         AxiLiteChecker(dut, "s_axil", dut.clk, dut.rst)]
        dut.rst.value = 1
        for _ in range(4):
            await RisingEdge(dut.clk)
        dut.rst.value = 0
        await RisingEdge(dut.clk)
        self.mem.write(0, self.rng.randbytes(8 << 20))      # noise where data goes
        self.tables = IommuTables(self.mem, *TABLES)
        self.ctl = IommuCtl(self.regs, dut.clk, self.tables)
        self.cq, self.fq = self.ctl.cq, self.ctl.fq
        self.sb = MemoryScoreboard(self.mem)
        # the test writes tables there itself and checks fault records and fence flags
        # explicitly; every data byte elsewhere is compared
        self.sb.allow_any(TABLES[0], TABLES[1] - TABLES[0])
        self.next_page = DATA_LO
        await self.ctl.enable_queues()
        self.wr32, self.rd32, self.wr64, self.rd64 = self.ctl.wr32, self.ctl.rd32, self.ctl.wr64, self.ctl.rd64
        self.set_mode, self.faults, self.command = self.ctl.set_mode, self.ctl.faults, self.ctl.command
        return self

    # ------------------------------------------------------------ memory
    def alloc(self, size):
        base = (self.next_page + size - 1) & ~(size - 1)
        self.next_page = base + size
        assert self.next_page <= MEM_SIZE
        return base

    # ------------------------------------------------------------ device accesses
    async def dev_write(self, did, iova, data):
        resp = await self.up.write(iova, data, user=did)
        return int(resp.resp)

    async def dev_read(self, did, iova, n):
        resp = await self.up.read(iova, n, user=did)
        return int(resp.resp), bytes(resp.data)

    def check(self):
        self.sb.check()
        for c in self.checkers:
            c.assert_clean()


async def expect_ok(env, did, iova, pa, n):
    """A write then a read through the IOMMU at iova land at pa."""
    data = env.rng.randbytes(n)
    assert await env.dev_write(did, iova, data) == OKAY, f"write {iova:#x} failed"
    env.sb.expect_write(pa, data)
    resp, got = await env.dev_read(did, iova, n)
    assert resp == OKAY and got == data, f"read back at {iova:#x} (pa {pa:#x}) differs"


async def expect_fault(env, did, iova, write, cause, n=16):
    """The access is refused (SLVERR, nothing written) and leaves this fault record."""
    from dmatb.iommu_tables import TTYP_READ, TTYP_WRITE

    if write:
        assert await env.dev_write(did, iova, env.rng.randbytes(n)) == SLVERR
    else:
        resp, got = await env.dev_read(did, iova, n)
        assert resp == SLVERR and got == bytes(n), "a faulting read must return SLVERR and zero data"
    recs = await env.faults()
    assert len(recs) == 1, f"expected one fault record, got {recs}"
    r = recs[0]
    beat = env.up.read_if.byte_lanes
    # iotval is the request's address, which the master may align to its beat
    assert (r.cause, r.ttyp, r.did) == (cause, TTYP_WRITE if write else TTYP_READ, did) \
        and r.iova & ~(beat - 1) == iova & ~(beat - 1), \
        f"fault record {r}, expected cause={cause} write={write} did={did} iova={iova:#x}"


# ----------------------------------------------------------------------------- tests

@cocotb.test()
async def off_and_bare(dut):
    """Off (the reset mode) blocks everything with cause 256; Bare passes addresses
    through; capabilities advertise only what is built; interrupts are wire-signalled
    after reset."""
    from dmatb.iommu_tables import CAUSE_ALL_OFF

    env = await Env().start(dut)
    caps = await env.rd64(0x00)
    assert caps & 0xFF == 0x10 and caps >> 9 & 1 == 1 and (caps >> 28) & 3 == 2, f"capabilities {caps:#x}"
    assert caps & ~((0xFF) | (1 << 9) | (3 << 28) | (0x3F << 32)) == 0, "only Sv39 and IGS = both are built"
    assert await env.rd32(IR.IOMMU_REG_FCTL) == IR.IOMMU_FCTL_WSI_MASK, "fctl resets to wire-signalled"
    assert await env.rd64(0x10) & 0xF == 0, "ddtp resets to Off"
    for write in (False, True):
        await expect_fault(env, 3, 0x5000 + 64 * write, write, CAUSE_ALL_OFF)
    await env.set_mode(1)   # Bare
    pa = env.alloc(4096)
    await expect_ok(env, 2, pa + 100, pa + 100, 300)
    await env.wr64(0x10, (env.tables.ddt >> 12) << 10 | 7)   # WARL: an unsupported mode is ignored
    assert await env.rd64(0x10) & 0xF == 1
    env.check()


@cocotb.test()
async def random_mappings(dut):
    """Random 4 KiB, 2 MiB and 1 GiB mappings for several devices translate exactly;
    unmapped neighbours fault."""
    from dmatb.iommu_tables import CAUSE_READ_PAGE

    env = await Env().start(dut)
    t = env.tables
    roots = {}
    for did in range(4):
        roots[did] = t.new_root()
        t.set_dc(did, root=roots[did], pscid=10 + did)
    await env.set_mode(2)
    cases = []
    for i in range(24):
        did = env.rng.randrange(4)
        level = env.rng.choice([0, 0, 0, 1, 2])
        size = 1 << (12 + 9 * level)
        # each mapping in a gigabyte of its own, so that none overwrites another's tables
        iova = ((i + 1) << 30) | (env.rng.randrange(0, 1 << 30) & ~(size - 1))
        if level == 2:
            pa_base = 0      # the whole memory sits in the first GiB
        else:
            pa_base = env.alloc(size)
        t.map(roots[did], iova, pa_base, level)
        cases.append((did, iova, pa_base, size))
    for did, iova, pa_base, size in cases:
        off = env.rng.randrange(0, min(size, 1 << 20) - 512) & ~7 if size > 4096 else env.rng.randrange(0, 3000)
        if size == 1 << 30:
            off = env.rng.randrange(DATA_LO // 2, DATA_LO - 512)    # stay inside the memory model
        want, cause = t.walk(roots[did], iova + off, True)
        assert cause is None and want == pa_base + off
        await expect_ok(env, did, iova + off, pa_base + off, env.rng.choice([8, 64, 300]))
    # every translated request either hit at once or needed exactly one walk
    translated, hits, misses = (await env.rd64(IR.IOMMU_REG_CNT_TRANSLATE), await env.rd64(IR.IOMMU_REG_CNT_HIT),
                                 await env.rd64(IR.IOMMU_REG_CNT_MISS))
    assert translated == hits + misses and misses >= len(cases) and hits > 0, (translated, hits, misses)
    # an address nobody mapped, and a mapped IOVA seen from a device without it
    await expect_fault(env, 0, 0x7F_FFFF_0000, False, CAUSE_READ_PAGE)
    did, iova, _, _ = cases[0]
    other = (did + 1) % 4
    if t.walk(roots[other], iova, False)[1] is not None:
        await expect_fault(env, other, iova, False, CAUSE_READ_PAGE)
    env.check()


@cocotb.test()
async def fault_causes(dut):
    """Each fault with the specification's cause: unmapped, invalid PTE, write to a
    read-only page, A=0, D=0 on write, U=0, misaligned superpage, non-canonical IOVA,
    PTE read error, invalid / misconfigured / unreadable device context."""
    from dmatb import iommu_tables as it

    env = await Env().start(dut)
    t = env.tables
    root = t.new_root()
    t.set_dc(0, root=root, pscid=1)
    await env.set_mode(2)
    page = env.alloc(4096)

    cases = [
        # (description, map kwargs or None, write, cause)
        ("unmapped", None, False, it.CAUSE_READ_PAGE),
        ("invalid PTE W without R", dict(raw_flags=0x1 | 0x4 | 0x10 | 0x40 | 0x80), True, it.CAUSE_WRITE_PAGE),
        ("read-only page, write", dict(w=False), True, it.CAUSE_WRITE_PAGE),
        ("A=0", dict(a=False), False, it.CAUSE_READ_PAGE),
        ("D=0, write", dict(d=False), True, it.CAUSE_WRITE_PAGE),
        ("U=0", dict(u=False), False, it.CAUSE_READ_PAGE),
    ]
    for i, (what, kw, write, cause) in enumerate(cases):
        iova = 0x4000_0000 + i * 0x10000
        if kw is not None:
            t.map(root, iova, page, **kw)
        dut._log.info("fault case: %s", what)
        await expect_fault(env, 0, iova, write, cause)
    # D=0 and W=0 still allow reads
    for i in (2, 4):
        resp, _ = await env.dev_read(0, 0x4000_0000 + i * 0x10000, 16)
        assert resp == OKAY
    # misaligned superpage: a 2 MiB leaf whose PPN is not 2 MiB aligned
    t.map(root, 0x6000_0000, page + 4096, level=1)
    await expect_fault(env, 0, 0x6000_0000, False, it.CAUSE_READ_PAGE)
    # non-canonical IOVA (bits 63:39 must equal bit 38)
    await expect_fault(env, 0, 1 << 40, False, it.CAUSE_READ_PAGE)
    # a page-table page that cannot be read: access fault
    root2 = t.new_root()
    t.set_dc(1, root=root2, pscid=2)
    t.map(root2, 0x1234000, page)
    env.tw_mem.inject_error(root2, root2 + 4096, kind="slverr", on="read")
    await expect_fault(env, 1, 0x1234000, False, it.CAUSE_READ_ACCESS)
    await expect_fault(env, 1, 0x1234000, True, it.CAUSE_WRITE_ACCESS)
    env.tw_mem.clear_errors()
    # device contexts: not valid, misconfigured (each checked rule), unreadable
    t.set_dc(2, root=root, valid=False)
    await expect_fault(env, 2, 0x1000, False, it.CAUSE_DDT_INVALID)
    misconfigs = [dict(tc_extra=1 << 1), dict(tc_extra=1 << 3), dict(tc_extra=1 << 5, fsc_extra=1 << 60),
                  dict(tc_extra=1 << 8), dict(tc_extra=1 << 9), dict(tc_extra=1 << 10), dict(tc_extra=1 << 11),
                  dict(tc_extra=1 << 12), dict(iohgatp=8 << 60), dict(fsc_extra=1 << 44),
                  dict(fsc_extra=1 << 60), dict(ta_extra=1)]
    for kw in misconfigs:
        t.set_dc(3, root=root, **kw)
        await env.command(*__import__("busdma").riscv_iommu.iodir_inval_ddt(3))
        await expect_fault(env, 3, 0x1000, False, it.CAUSE_DDT_MISCONFIGURED)
    env.tw_mem.inject_error(t.ddt + 5 * 32, t.ddt + 6 * 32, kind="decerr", on="read")
    await expect_fault(env, 5, 0x1000, True, it.CAUSE_DDT_LOAD)
    env.tw_mem.clear_errors()
    # DTF: translation faults are not reported (the access still fails)
    t.set_dc(6, root=root, dtf=True)
    assert await env.dev_write(6, 0x9990000, bytes(8)) == SLVERR
    assert await env.faults() == []
    env.check()


@cocotb.test()
async def invalidation_and_fences(dut):
    """A removed mapping keeps working from the IOTLB until IOTINVAL.VMA + IOFENCE.C
    (the documented stale behaviour), and faults afterwards; invalidation by address,
    by PSCID and global; IODIR.INVAL_DDT; replacement when the IOTLB is full."""
    from busdma import riscv_iommu as spec
    from dmatb import iommu_tables as it

    env = await Env().start(dut)
    t = env.tables
    root = t.new_root()
    t.set_dc(0, root=root, pscid=7)
    await env.set_mode(2)
    pages = [env.alloc(4096) for _ in range(4)]
    iovas = [0x10_0000 + i * 0x1000 for i in range(4)]
    slots = [t.map(root, v, p) for v, p in zip(iovas, pages)]
    for v, p in zip(iovas, pages):
        await expect_ok(env, 0, v, p, 32)
    # unmap page 0 without invalidating: the stale translation is still used
    t.write_u64(slots[0], 0)
    await expect_ok(env, 0, iovas[0], pages[0], 32)
    # invalidate that address only
    await env.command(*spec.iotinval_vma(pscid=7, addr=iovas[0]))
    await expect_fault(env, 0, iovas[0], False, it.CAUSE_READ_PAGE)
    t.write_u64(slots[1], 0)
    await expect_ok(env, 0, iovas[1], pages[1], 8)            # still cached
    await env.command(*spec.iotinval_vma(pscid=8))            # another address space: no effect
    await expect_ok(env, 0, iovas[1], pages[1], 8)
    await env.command(*spec.iotinval_vma(pscid=7))
    await expect_fault(env, 0, iovas[1], True, it.CAUSE_WRITE_PAGE)
    t.write_u64(slots[2], 0)
    await env.command(*spec.iotinval_vma())                   # global
    await expect_fault(env, 0, iovas[2], False, it.CAUSE_READ_PAGE)
    # a device context change needs IODIR.INVAL_DDT
    t.set_dc(0, root=None)                                    # now first stage Bare
    await expect_ok(env, 0, iovas[3], pages[3], 8)            # old context still cached
    await env.command(*spec.iodir_inval_ddt(0))
    await expect_ok(env, 0, pages[3] + 64, pages[3] + 64, 8)  # identity now
    # replacement: more pages than IOTLB entries all translate, misses counted
    t.set_dc(0, root=root, pscid=7)
    await env.command(*spec.iodir_inval_ddt())
    many = env.tlb_entries + 8
    base_iova = 0x200_0000
    mapped = [(base_iova + i * 0x1000, env.alloc(4096)) for i in range(many)]
    for v, p in mapped:
        t.map(root, v, p)
    misses0 = await env.rd64(IR.IOMMU_REG_CNT_MISS)
    for _ in range(2):
        for v, p in mapped:
            await expect_ok(env, 0, v, p, 8)
    assert await env.rd64(IR.IOMMU_REG_CNT_MISS) - misses0 >= many, "every page must miss at least once"
    env.check()


@cocotb.test()
async def queues_and_interrupts(dut):
    """Illegal commands set cmd_ill and stop the queue; IOFENCE.C with WSI raises
    fence_w_ip, ipsr.cip and the interrupt line; a full fault queue sets fqof and
    drops records; fip follows new records."""
    from busdma import riscv_iommu as spec

    env = await Env().start(dut)
    await env.set_mode(0)
    # illegal opcode: cqh stays on it
    env.cq.push(0x7F)
    await env.wr32(0x24, env.cq.tail)
    for _ in range(200):
        await RisingEdge(dut.clk)
    csr = await env.rd32(0x48)
    assert csr >> 10 & 1, f"cmd_ill not set (cqcsr={csr:#x})"
    assert await env.rd32(0x20) == env.cq.tail - 1
    assert await env.rd32(0x54) & 1 and int(dut.irq.value) == 1
    # skip the bad command by re-enabling the queue (cqen 0 -> 1 restarts at 0)
    await env.wr32(0x48, 0x0)
    env.cq.tail = 0
    await env.wr32(0x24, 0)       # cqt = cqh = 0: the queue starts empty (else it re-reads the bad one)
    await env.wr32(0x54, 0x3)
    await env.wr32(0x48, 0x3)
    assert await env.rd32(0x48) >> 10 & 1 == 0
    # IOFENCE.C with WSI
    env.cq.push(spec.iofence_c()[0] | 1 << 11)
    await env.wr32(0x24, env.cq.tail)
    for _ in range(100):
        await RisingEdge(dut.clk)
    assert await env.rd32(0x48) >> 11 & 1, "fence_w_ip not set"
    assert await env.rd32(0x54) & 1
    await env.wr32(0x48, (1 << 11) | 0x3)
    await env.wr32(0x54, 0x1)
    assert await env.rd32(0x54) & 1 == 0 and int(dut.irq.value) == 0
    # fault queue of 2 entries holds one record: the second and third fault are dropped
    from dmatb.iommu_tables import FaultQueue
    small = FaultQueue(env.tables, log2_entries=1)
    await env.wr32(0x4C, 0)
    await env.wr64(0x28, small.fqb)
    await env.wr32(0x30, 0)
    await env.wr32(0x4C, 0x3)
    for i in range(3):
        resp, _ = await env.dev_read(1, 0x1000 * i, 8)
        assert resp == SLVERR
    assert await env.rd32(0x34) == 1
    assert await env.rd32(0x4C) >> 9 & 1, "fqof not set"
    assert await env.rd32(0x54) >> 1 & 1, "fip not set"
    recs = small.records(1)
    assert [r.iova for r in recs] == [0]
    env.check()


@cocotb.test()
async def backpressure_and_latency(dut):
    """Random translated traffic from four devices with random pauses and latency."""
    env = await Env().start(dut)
    t = env.tables
    seed = env.rng.randrange(1 << 30)
    env.mem.set_backpressure(seed=seed, aw=0.3, w=0.3, b=0.3, ar=0.3, r=0.3)
    env.tw_mem.set_backpressure(seed=seed + 1, aw=0.3, w=0.3, b=0.3, ar=0.3, r=0.3)
    env.mem.set_latency(read=env.rng.choice([0, 8, 32]))
    env.tw_mem.set_latency(read=env.rng.choice([0, 8, 32]))
    roots = [t.new_root() for _ in range(4)]
    for did, root in enumerate(roots):
        t.set_dc(did, root=root, pscid=did)
    await env.set_mode(2)
    maps = []
    for i in range(40):
        did = i % 4
        iova = 0x800_0000 + i * 0x3000
        pa = env.alloc(4096)
        t.map(roots[did], iova, pa)
        maps.append((did, iova, pa))
    for did, iova, pa in maps:
        off = env.rng.randrange(0, 3000)
        await expect_ok(env, did, iova + off, pa + off, env.rng.randint(1, 1000))
    env.check()


@cocotb.test()
async def device_isolation(dut):
    """Device contexts never alias in the IOTLB: two devices with the same PSCID and
    the same IOVA reach their own pages, and a device without the mapping faults even
    right after another device filled the IOTLB for that IOVA."""
    from dmatb.iommu_tables import CAUSE_WRITE_PAGE

    env = await Env().start(dut)
    t = env.tables
    roots = [t.new_root() for _ in range(3)]
    for did in range(3):
        t.set_dc(did, root=roots[did], pscid=5)          # same PSCID on purpose
    await env.set_mode(2)
    iova = 0x7_0000_0000
    pa0, pa1 = env.alloc(4096), env.alloc(4096)
    t.map(roots[0], iova, pa0)
    t.map(roots[1], iova, pa1)
    for _ in range(2):
        await expect_ok(env, 0, iova + 8, pa0 + 8, 64)
        await expect_ok(env, 1, iova + 8, pa1 + 8, 64)
        await expect_fault(env, 2, iova + 8, True, CAUSE_WRITE_PAGE)
    env.check()


@cocotb.test()
async def faulted_write_waiting_for_data(dut):
    """A faulted write whose W data has not come yet (a DMA engine sends it only once
    the read of its source has gone through) must not keep an IOTINVAL from running,
    and the command must not keep reads out meanwhile: the read is answered, then the
    write data goes by, the write gets SLVERR and the command completes. (Reproduces a
    hang of dma_top with a memory that accepts one request at a time: the command
    waited for the faulted write, and held the unit, so the engine's reads stayed out.)"""
    from busdma import riscv_iommu as spec
    from cocotb.triggers import ClockCycles
    from dmatb import iommu_tables as it

    env = await Env().start(dut)
    t = env.tables
    root = t.new_root()
    t.set_dc(0, root=root, pscid=3)
    await env.set_mode(2)
    page = env.alloc(4096)
    t.map(root, 0x40_0000, page)
    await expect_ok(env, 0, 0x40_0000, page, 64)          # warm
    # the write faults (nothing is mapped there); its W beats are held back
    w_ch = env.up.write_if.w_channel
    w_ch.pause = True
    wr = cocotb.start_soon(env.up.write(0x7700_0000, env.rng.randbytes(64), user=0))
    await ClockCycles(dut.clk, 40)
    cmd = cocotb.start_soon(env.command(*spec.iotinval_vma(pscid=3)))
    await ClockCycles(dut.clk, 40)
    rd = cocotb.start_soon(env.up.read(0x40_0000, 64, user=0))
    for _ in range(400):
        await RisingEdge(dut.clk)
        if rd.done():
            break
    assert rd.done(), "a read waited behind a faulted write that has no data yet"
    assert int(rd.result().resp) == OKAY
    w_ch.pause = False
    resp = await wr
    assert int(resp.resp) == SLVERR
    await cmd
    recs = await env.faults()
    assert len(recs) == 1 and recs[0].cause == it.CAUSE_WRITE_PAGE, recs
    env.check()
