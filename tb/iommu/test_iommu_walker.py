# SPDX-License-Identifier: Apache-2.0
"""cocotb tests of dma_iommu_walker (the IOMMU's device-context reader and Sv39
walker), collected by pytest.

Device contexts and page tables are built with dmatb.iommu_tables in a sparse
memory; a model of the walk port (random acknowledge delay and read latency,
errors injected at chosen addresses) answers the walker's reads. Each walk is
checked against the references in dmatb.iommu_tables: the addresses read in
order, and the outcome -- a leaf (level, PPN, G/R/W/D, handed out with `fill`
the cycle after `leaf`), a device context (dc_load with its fields) or the exact
fault cause (held until `done`). Also checked: the port rules (one read at a
time, walk_addr stable until walk_ack), `ptw` high for exactly the cycles of an
Sv39 walk, and that the request inputs are latched at the start (they are
scrambled during the walk). Random tests (seed from cocotb: RANDOM_SEED=<seed>)
walk random tables with random flags.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

import cocotb
import pytest
from cocotb.triggers import ReadOnly, RisingEdge

CONFIGS = [4, 2]          # USER_WIDTH


@pytest.mark.parametrize("uw", CONFIGS, ids=[f"uw{u}" for u in CONFIGS])
def test_iommu_walker(uw):
    from dmatb.runner import run_cocotb

    run_cocotb("dma_iommu_walker", "test_iommu_walker", {"USER_WIDTH": uw})


TABLES = (0x100000, 0x800000)
M44 = (1 << 44) - 1


@dataclass
class Outcome:
    addrs: list = field(default_factory=list)
    leafs: list = field(default_factory=list)       # cycles with `leaf`
    fills: list = field(default_factory=list)       # (cycle, g, lvl, ppn, r, w, d, did, vpn)
    dc_loads: list = field(default_factory=list)    # (cycle, bare, dtf, ppn, pscid, did)
    fault: tuple | None = None                      # (cause, cause_dc) at the end
    start: int = 0
    last_resp: int = 0
    ptw_cycles: int = 0


class Env:
    def __init__(self, dut, seed_offset=0):
        from cocotb.clock import Clock
        from dmatb.iommu_tables import IommuTables, SparseMemory

        self.dut = dut
        self.rng = random.Random(cocotb.RANDOM_SEED + seed_offset)
        self.uw = int(dut.USER_WIDTH.value)
        self.mem = SparseMemory()
        self.t = IommuTables(self.mem, *TABLES)
        self.cycle = 0
        self.err_addrs = set()
        self.p_ack = 0.7
        self.max_lat = 4
        Clock(dut.clk, 10, unit="ns").start()

    def drive(self, **kw):
        for k, v in kw.items():
            getattr(self.dut, k).value = int(v)

    async def reset(self):
        self.drive(rst=1, ddt_ppn=self.t.ddt >> 12, req_did=0, req_vpn=0, req_w=0, req_dc=0, req_root=0,
                   done=0, start_dc=0, start_ptw=0, walk_ack=0, walk_resp=0, walk_data=0, walk_err=0)
        for _ in range(3):
            await RisingEdge(self.dut.clk)
        self.drive(rst=0)
        self.cycle = 0

    def scramble(self):
        r = self.rng
        self.drive(req_did=r.randrange(1 << self.uw), req_vpn=r.randrange(1 << 27), req_w=r.randrange(2),
                   req_dc=r.randrange(2), req_root=r.randrange(1 << 44))

    async def walk(self, *, dc: bool, did: int = 0, vpn: int = 0, write: bool = False, root: int = 0,
                   done_delay: int | None = None) -> Outcome:
        """One walk from idle to idle: start it, answer its reads, drop a fault with
        `done` after `done_delay` cycles (random if None)."""
        d, r = self.dut, self.rng
        out = Outcome()
        pending = None              # (addr, due cycle)
        held = None                 # walk_addr while walk_req waits for walk_ack
        started = False
        ended_at = None
        done_at = None
        fault_seen = None
        # a cycle or two idle first, with the request scrambled and then set
        for _ in range(r.randrange(3)):
            self.scramble()
            await RisingEdge(d.clk)
            self.cycle += 1
        while True:
            if not started:
                self.drive(req_did=did, req_vpn=vpn, req_w=int(write), req_dc=int(dc), req_root=root >> 12,
                           start_dc=int(dc), start_ptw=int(not dc))
                out.start = self.cycle
            else:
                self.drive(start_dc=0, start_ptw=0)
                self.scramble()               # the walker must have taken the request at the start
            self.drive(done=int(done_at is not None and self.cycle == done_at))
            ack = r.random() < self.p_ack
            self.drive(walk_ack=int(ack))
            if pending is not None and pending[1] == self.cycle:
                addr = pending[0]
                self.drive(walk_resp=1, walk_data=self.t.read_u64(addr), walk_err=int(addr in self.err_addrs))
                out.last_resp = self.cycle
                pending = None
            else:
                self.drive(walk_resp=0, walk_data=r.randrange(1 << 64), walk_err=r.randrange(2))
            await ReadOnly()
            req = int(d.walk_req.value)
            idle = int(d.idle.value)
            if int(d.ptw.value):
                out.ptw_cycles += 1
            if int(d.leaf.value):
                out.leafs.append(self.cycle)
            if int(d.fill.value):
                out.fills.append((self.cycle, int(d.fill_g.value), int(d.fill_lvl.value), int(d.fill_ppn.value),
                                  int(d.fill_r.value), int(d.fill_w.value), int(d.fill_d.value),
                                  int(d.wk_did.value), int(d.wk_vpn.value)))
            if int(d.dc_load.value):
                out.dc_loads.append((self.cycle, int(d.dc_bare.value), int(d.dc_dtf.value), int(d.dc_ppn.value),
                                     int(d.dc_pscid.value), int(d.wk_did.value)))
            if req:
                addr = int(d.walk_addr.value)
                assert pending is None, f"cycle {self.cycle}: a new read while one is outstanding"
                assert held is None or held == addr, \
                    f"cycle {self.cycle}: walk_addr changed from {held:#x} to {addr:#x} before walk_ack"
                if ack:
                    out.addrs.append(addr)
                    pending = (addr, self.cycle + r.randint(1, self.max_lat))
                    held = None
                else:
                    held = addr
            else:
                assert held is None, f"cycle {self.cycle}: walk_req dropped before walk_ack"
            fault = int(d.fault.value)
            if started and ended_at is None and idle:
                ended_at = self.cycle
                assert not req and pending is None, "idle with a read outstanding"
                if fault:
                    fault_seen = (int(d.cause.value), int(d.cause_dc.value))
                    out.fault = fault_seen
                    done_at = self.cycle + 1 + (r.randrange(4) if done_delay is None else done_delay)
                else:
                    done_at = self.cycle + 1 + r.randrange(2)
            elif started and ended_at is None:
                assert not idle or self.cycle == out.start
                assert not fault, f"cycle {self.cycle}: fault raised before the walk ended"
            elif ended_at is not None:
                if self.cycle <= done_at:
                    assert (fault, (int(d.cause.value), int(d.cause_dc.value)) if fault else None) == \
                        (int(fault_seen is not None), fault_seen), f"cycle {self.cycle}: fault not held until done"
                else:
                    assert not fault, f"cycle {self.cycle}: fault still set after done"
                assert idle, "the walker left idle without a start"
            elif not started:
                assert idle, "not idle before the start"
            await RisingEdge(d.clk)
            self.cycle += 1
            started = True
            if ended_at is not None and self.cycle > done_at + 1:
                break
            assert self.cycle - out.start < 500, "the walk hung"
        self.drive(done=0)
        return out

    # ---------------------------------------------------------------- checks
    async def check_ptw(self, root: int, iova: int, write: bool, did: int = 1):
        from dmatb.iommu_tables import leaf_pa, leaf_permits

        ref = self.t.walk_leaf(root, iova, write, self.err_addrs)
        vpn = iova >> 12 & ((1 << 27) - 1)
        out = await self.walk(dc=False, did=did, vpn=vpn, write=write, root=root)
        what = f"Sv39 walk of {iova:#x} ({'write' if write else 'read'})"
        assert out.addrs == ref.addrs, f"{what}: read {[hex(a) for a in out.addrs]}, " \
                                       f"expected {[hex(a) for a in ref.addrs]}"
        assert out.ptw_cycles == out.last_resp - out.start, \
            f"{what}: ptw high {out.ptw_cycles} cycles, the walk took {out.last_resp - out.start}"
        assert not out.dc_loads
        if ref.cause is not None:
            assert out.fault == (ref.cause, 0), f"{what}: fault {out.fault}, expected cause {ref.cause}"
            assert not out.leafs and not out.fills, f"{what}: a leaf for a faulting walk"
            return ref
        assert out.fault is None, f"{what}: fault {out.fault}, expected leaf at level {ref.level}"
        pte = ref.pte
        assert out.leafs == [out.last_resp], f"{what}: leaf in cycles {out.leafs}, expected {[out.last_resp]}"
        want = (out.last_resp + 1, pte >> 5 & 1, ref.level, pte >> 10 & M44, pte >> 1 & 1, pte >> 2 & 1,
                pte >> 7 & 1, did, vpn)
        assert out.fills == [want], f"{what}: fill {out.fills}, expected {[want]}"
        # the whole translation (walk + the translation unit's permission check) agrees
        # with the reference walk
        canon = iova | ((1 << 64) - (1 << 39) if iova >> 38 & 1 else 0)      # bits 63:39 = bit 38
        pa, cause = self.t.walk(root, canon, write)
        if leaf_permits(pte, write):
            assert (pa, cause) == (leaf_pa(pte, ref.level, iova), None)
        else:
            assert pa is None and cause == (15 if write else 13)
        return ref

    async def check_dc(self, did: int, err_word: int | None = None):
        from dmatb.iommu_tables import check_dc

        base = self.t.dc_addr(did)
        self.err_addrs = {base + 8 * err_word} if err_word is not None else set()
        ref = check_dc(*self.t.dc_words(did), err_word=err_word)
        out = await self.walk(dc=True, did=did)
        self.err_addrs = set()
        what = f"device context {did} {[hex(w) for w in self.t.dc_words(did)]} (read error on {err_word})"
        assert out.addrs == [base + 8 * k for k in range(ref.words_read)], \
            f"{what}: read {[hex(a) for a in out.addrs]}"
        assert out.ptw_cycles == 0 and not out.leafs and not out.fills
        if ref.cause is not None:
            assert out.fault == (ref.cause, 1), f"{what}: fault {out.fault}, expected cause {ref.cause}"
            assert not out.dc_loads
        else:
            assert out.fault is None, f"{what}: fault {out.fault}"
            want = (out.last_resp + 1, int(ref.bare), int(ref.dtf), ref.ppn, ref.pscid, did)
            assert out.dc_loads == [want], f"{what}: dc_load {out.dc_loads}, expected {[want]}"
        return ref


@cocotb.test()
async def leaf_sizes(dut):
    """4 KiB, 2 MiB and 1 GiB leaves, reads and writes, every R/W/D/G combination
    (the walker hands any good leaf out; permissions are the translation unit's)."""
    env = Env(dut)
    await env.reset()
    t = env.t
    root = t.new_root()
    cases = []
    for lvl, iova, pa, r, w, dd, g, x in [(0, 0x0012345000, 0x0ABCD000, 1, 1, 1, 0, 0),
                                          (1, 0x0040200000, 0x1FE00000, 1, 0, 0, 0, 0),
                                          (2, 0x3FC0000000, 0xC0000000, 1, 1, 0, 1, 0),
                                          (0, 0x7FFFFFF000, 0x5000, 0, 0, 0, 0, 1),
                                          (1, 0x0000400000, 0x400000, 1, 1, 1, 1, 1)]:
        t.map(root, iova, pa, lvl, r=bool(r), w=bool(w), d=bool(dd), g=bool(g), x=bool(x))
        cases.append((lvl, iova))
    for lvl, iova in cases:
        size = 1 << (12 + 9 * lvl)
        for off in (0, 8, size - 8):
            for write in (False, True):
                ref = await env.check_ptw(root, iova + off, write)
                assert ref.level == lvl and ref.cause is None
    # every R/W/D/G combination on one 4 KiB page
    for flags in range(16):
        r, w, dd, g = flags & 1, flags >> 1 & 1, flags >> 2 & 1, flags >> 3 & 1
        if w and not r:
            continue
        t.map(root, 0x5000000, 0x9000, 0, r=bool(r), w=bool(w), d=bool(dd), g=bool(g), x=not r)
        for write in (False, True):
            await env.check_ptw(root, 0x5000123, write)


@cocotb.test()
async def page_and_access_faults(dut):
    """Every fault cause of a walk, for reads (13, 5) and writes (15, 7)."""
    from busdma import riscv_iommu as spec

    env = Env(dut, 1)
    await env.reset()
    t = env.t
    iova = 0x12345678

    def fresh(level=0, **flags):
        root = t.new_root()
        t.map(root, iova, 0x40000000 if level else 0x7000, level, **flags)
        slots = []
        table = root
        for lvl in (2, 1, 0):
            slot = t._pte_addr(table, iova, lvl)
            slots.append(slot)
            pte = t.read_u64(slot)
            if lvl == level:
                break
            table = spec.pte_paddr(pte)
        return root, slots          # slots[i]: the PTE read at level 2 - i

    def patch(slot, set_bits=0, clear_bits=0):
        t.write_u64(slot, (t.read_u64(slot) | set_bits) & ~clear_bits)

    cases = []
    for lvl_i in range(3):
        cases.append((f"V = 0 at level {2 - lvl_i}", lvl_i, 0, spec.PTE_V))
    cases += [
        ("W without R (leaf)", 2, spec.PTE_W, spec.PTE_R),
        ("W without R (pointer)", 0, spec.PTE_W, 0),
        ("reserved bit 54", 2, 1 << 54, 0), ("PBMT (bit 61)", 2, 1 << 61, 0), ("N (bit 63)", 1, 1 << 63, 0),
        ("pointer with U", 0, spec.PTE_U, 0), ("pointer with A", 1, spec.PTE_A, 0),
        ("pointer with D", 0, spec.PTE_D, 0),
        ("leaf U = 0", 2, 0, spec.PTE_U), ("leaf A = 0", 2, 0, spec.PTE_A),
        ("pointer at level 0", 2, 0, spec.PTE_R | spec.PTE_W | spec.PTE_X | spec.PTE_U | spec.PTE_A | spec.PTE_D),
    ]
    for write in (False, True):
        page = 15 if write else 13
        for name, lvl_i, set_bits, clear_bits in cases:
            root, slots = fresh()
            patch(slots[lvl_i], set_bits, clear_bits)
            ref = await env.check_ptw(root, iova, write)
            assert ref.cause == page, f"{name}: the reference says {ref.cause}"
            dut._log.info("%s %s: cause %d", "write" if write else "read", name, ref.cause)
        # misaligned superpages
        # (PPN bit 0 and the highest bit that must be 0: 8 for 2 MiB, 17 for 1 GiB)
        for level, pa in ((1, 0x40001000), (1, 0x40100000), (2, 0x40200000), (2, 0x80001000), (2, 0x60000000)):
            root = t.new_root()
            t.map(root, iova, pa, level)
            ref = await env.check_ptw(root, iova, write)
            assert ref.cause == page, f"misaligned level {level}: the reference says {ref.cause}"
        # access faults: the PTE of each level cannot be read
        for lvl_i in range(3):
            root, slots = fresh()
            env.err_addrs = {slots[lvl_i]}
            ref = await env.check_ptw(root, iova, write)
            assert ref.cause == (7 if write else 5) and len(ref.addrs) == lvl_i + 1
            env.err_addrs = set()
    # a fault is held until `done`, however late
    root, slots = fresh()
    patch(slots[0], 0, spec.PTE_V)
    out = await env.walk(dc=False, vpn=iova >> 12, root=root, done_delay=20)
    assert out.fault == (13, 0)


@cocotb.test()
async def device_contexts(dut):
    """Good contexts (Sv39, Bare, PDTV, DTF), tc.V = 0 (258), every misconfiguration
    (259) and a read error on each doubleword (257)."""
    env = Env(dut, 2)
    await env.reset()
    t = env.t
    ndev = 1 << env.uw
    did = ndev - 1
    root = t.new_root()
    good = [dict(root=root, pscid=0xABCDE), dict(root=None, pscid=3), dict(root=root, dtf=True),
            dict(root=None, tc_extra=1 << 5), dict(root=None, tc_extra=1 << 5 | 1 << 9),
            dict(root=root, tc_extra=0xFF << 24)]            # custom tc bits 31:24 are ignored
    for kw in good:
        t.set_dc(did, **kw)
        ref = await env.check_dc(did)
        assert ref.cause is None, f"{kw}: the reference refuses it ({ref.cause})"
    t.set_dc(did, root=root, valid=False)
    assert (await env.check_dc(did)).cause == 258
    bad = [dict(tc_extra=1 << b) for b in (1, 2, 3, 6, 7, 8, 10, 11, 12, 23, 32, 63)]
    bad += [dict(tc_extra=1 << 9),                                   # DPE without PDTV
            dict(iohgatp=8 << 60), dict(iohgatp=1 << 63),
            dict(ta_extra=1), dict(ta_extra=1 << 11), dict(ta_extra=1 << 32), dict(ta_extra=1 << 63),
            dict(fsc_extra=1 << 44), dict(fsc_extra=1 << 59),
            dict(root=None, fsc_extra=9 << 60), dict(root=None, fsc_extra=1 << 60),
            dict(root=root, tc_extra=1 << 5)]                        # PDTV with fsc.MODE Sv39
    for kw in bad:
        kw.setdefault("root", root)
        t.set_dc(did, **kw)
        ref = await env.check_dc(did)
        assert ref.cause == 259, f"{kw}: the reference says {ref.cause}"
    t.set_dc(did, root=root)
    for w in range(4):
        assert (await env.check_dc(did, err_word=w)).cause == 257
    # every device's context sits at ddt + did * 32
    for d in range(ndev):
        t.set_dc(d, root=root if d & 1 else None, pscid=d * 3)
        await env.check_dc(d)


@cocotb.test()
async def random_walks(dut):
    """Random tables (random leaf sizes, flags and corrupted PTEs), random device
    contexts, random latencies and acknowledge delays, against the references."""
    from busdma import riscv_iommu as spec

    env = Env(dut, 3)
    await env.reset()
    t, rng = env.t, env.rng
    ndev = 1 << env.uw
    counts = {}
    for round_ in range(6):
        env.p_ack = rng.choice((0.3, 0.7, 1.0))
        env.max_lat = rng.choice((1, 3, 8))
        root = t.new_root()
        iovas = []
        for _ in range(12):
            level = rng.choice((0, 0, 0, 1, 2))
            size = 1 << (12 + 9 * level)
            iova = rng.randrange(1 << 39) & ~(size - 1)
            pa = rng.randrange(1 << 40) & ~(size - 1)
            if rng.random() < 0.1:
                pa |= 1 << 12                                        # misaligned superpage (or not)
            flags = dict(r=rng.random() < 0.9, w=rng.random() < 0.6, u=rng.random() < 0.9,
                         a=rng.random() < 0.9, d=rng.random() < 0.7, g=rng.random() < 0.2,
                         v=rng.random() < 0.95, x=rng.random() < 0.1)
            t.map(root, iova, pa, level, **flags)
            if rng.random() < 0.1:                                   # corrupt a PTE on the way
                slot = t._pte_addr(root, iova, 2)
                t.write_u64(slot, t.read_u64(slot) ^ (1 << rng.choice((0, 1, 2, 4, 6, 7, 55))))
            iovas.append(iova | rng.randrange(size) & ~7)
        for _ in range(40):
            iova = rng.choice(iovas) if rng.random() < 0.85 else rng.randrange(1 << 39)
            write = rng.random() < 0.5
            env.err_addrs = set()
            if rng.random() < 0.05:
                env.err_addrs = {rng.choice(t.walk_leaf(root, iova, write).addrs)}
            ref = await env.check_ptw(root, iova, write, did=rng.randrange(ndev))
            key = f"level {ref.level}" if ref.cause is None else f"cause {ref.cause}"
            counts[key] = counts.get(key, 0) + 1
        env.err_addrs = set()
        for _ in range(8):
            did = rng.randrange(ndev)
            kw = dict(root=root if rng.random() < 0.7 else None, pscid=rng.randrange(1 << 20),
                      valid=rng.random() < 0.9, dtf=rng.random() < 0.3)
            if rng.random() < 0.3:
                kw["tc_extra"] = 1 << rng.choice((1, 5, 9, 12, 24, 40))
            if rng.random() < 0.1:
                kw["ta_extra"] = 1 << rng.randrange(64)
            if rng.random() < 0.1:
                kw["fsc_extra"] = 1 << rng.randrange(44, 64)
            t.set_dc(did, **kw)
            ref = await env.check_dc(did, err_word=rng.randrange(4) if rng.random() < 0.1 else None)
            key = "dc ok" if ref.cause is None else f"dc cause {ref.cause}"
            counts[key] = counts.get(key, 0) + 1
    dut._log.info("random walks: %s", dict(sorted(counts.items())))
    assert counts.get("level 0", 0) and counts.get("dc ok", 0)
