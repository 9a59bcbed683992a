# SPDX-License-Identifier: Apache-2.0
"""cocotb tests of dma_iommu_iotlb (the IOMMU's IOTLB), collected by pytest.

Every cycle the module's outputs are compared with a cycle-accurate Python
model (TlbModel below, written from the behaviour docs/iommu.md and the
module header describe: registered tag match, lowest-numbered match wins,
round-robin fill, IOTINVAL.VMA forms with G entries, PSCID match per device
context). On top of that, directed tests drive the module the way the
translation unit does and assert the architectural outcome themselves: hits and
misses at every page size, permissions, replacement order, every IOTINVAL.VMA
form, and no aliasing across device IDs or PSCIDs. A random test (seed from
cocotb: RANDOM_SEED=<seed>) drives arbitrary mixes of lookups, fills, context
loads and invalidations against the model.
"""
from __future__ import annotations

import random

import cocotb
import pytest
from cocotb.triggers import ReadOnly, RisingEdge

CONFIGS = [
    # (TLB_ENTRIES, USER_WIDTH)
    (1, 4),
    (4, 4),
    (16, 4),
    (5, 2),
]


@pytest.mark.parametrize("entries,uw", CONFIGS, ids=[f"tlb{t}-uw{u}" for t, u in CONFIGS])
def test_iommu_iotlb(entries, uw):
    from dmatb.runner import run_cocotb

    run_cocotb("dma_iommu_iotlb", "test_iommu_iotlb", {"TLB_ENTRIES": entries, "USER_WIDTH": uw})


INPUTS = dict(lk_load=0, lk_did=0, lk_vpn=0, lk_w=0, lk_repok=0,
              fill=0, fill_did=0, fill_pscid=0, fill_vpn=0, fill_g=0, fill_lvl=0, fill_ppn=0,
              fill_r=0, fill_w=0, fill_d=0,
              ctx_load=0, ctx_did=0, ctx_pscid=0,
              inv_vma=0, inv_pscv=0, inv_pscid=0, inv_av=0, inv_vpn=0)


def vpn_match(entry_vpn: int, vpn: int, lvl: int) -> bool:
    """Does the page of an entry of level `lvl` (0 4 KiB, 1 2 MiB, 2 1 GiB) hold `vpn`?"""
    shift = 9 * min(lvl, 2)
    return entry_vpn >> shift == vpn >> shift


class Entry:
    __slots__ = ("v", "did", "pscid", "pok", "g", "vpn", "lvl", "ppn", "r", "w", "d")

    def __init__(self):
        self.v = self.pok = self.g = self.r = self.w = self.d = False
        self.did = self.pscid = self.vpn = self.lvl = self.ppn = 0

    def copy(self):
        e = Entry()
        for s in self.__slots__:
            setattr(e, s, getattr(self, s))
        return e


class TlbModel:
    """Cycle-accurate reference of dma_iommu_iotlb's ports."""

    def __init__(self, n: int):
        self.n = n
        self.reset()
        self.pok_new = [False] * n

    def reset(self):
        self.e = [Entry() for _ in range(self.n)]
        self.next = 0
        self.p_tag = [False] * self.n
        self.p_pok = [False] * self.n
        self.p_perm = [False] * self.n
        self.inv_d = False
        self.kill = [False] * self.n

    def lookup_result(self):
        """(hit, perm, lvl, ppn) shown now: the first entry whose registered tag and
        PSCID match hold (its level and PPN as the entry holds them now)."""
        for k in range(self.n):
            if self.p_tag[k] and self.p_pok[k]:
                return True, self.p_perm[k], self.e[k].lvl, self.e[k].ppn
        return False, None, None, None

    def clock(self, i: dict, rst: bool):
        cur = self.e
        # registered every cycle, reset or not: the PSCID match of each entry for the context
        # on ctx_did / ctx_pscid
        pok_new = [(e.pscid == i["ctx_pscid"]) if e.did == i["ctx_did"] else e.pok for e in cur]
        if rst:
            self.reset()
            self.pok_new = pok_new
            return
        new = [e.copy() for e in cur]
        if i["ctx_load"]:
            for k in range(self.n):
                new[k].pok = self.pok_new[k]
        if i["fill"]:
            e = new[self.next]
            e.v, e.pok = True, True
            e.did, e.pscid, e.g, e.vpn = i["fill_did"], i["fill_pscid"], bool(i["fill_g"]), i["fill_vpn"]
            e.lvl, e.ppn = i["fill_lvl"], i["fill_ppn"]
            e.r, e.w, e.d = bool(i["fill_r"]), bool(i["fill_w"]), bool(i["fill_d"])
            self.next = (self.next + 1) % self.n
        if self.inv_d:
            for k in range(self.n):
                if self.kill[k]:
                    new[k].v = False
        # IOTINVAL.VMA: compared now, cleared at the next edge
        self.kill = [(not i["inv_pscv"] or (e.pscid == i["inv_pscid"] and not e.g))
                     and (not i["inv_av"] or vpn_match(e.vpn, i["inv_vpn"], e.lvl)) for e in cur]
        self.inv_d = bool(i["inv_vma"])
        if i["lk_load"]:
            self.p_tag = [e.v and e.did == i["lk_did"] and vpn_match(e.vpn, i["lk_vpn"], e.lvl) for e in cur]
            self.p_pok = [e.pok for e in cur]
            self.p_perm = [(e.w and e.d) if i["lk_w"] else e.r for e in cur]
        elif i["lk_repok"]:
            self.p_pok = list(self.pok_new)
        self.pok_new = pok_new
        self.e = new


class Env:
    def __init__(self, dut):
        self.dut = dut
        self.n = int(dut.TLB_ENTRIES.value)
        self.uw = int(dut.USER_WIDTH.value)
        self.model = TlbModel(self.n)
        self.cycle = 0
        self.hits = self.misses = 0
        self.clock = None

    async def reset(self):
        from cocotb.clock import Clock
        if self.clock is None:
            self.clock = Clock(self.dut.clk, 10, unit="ns")
            self.clock.start()
        for _ in range(3):
            await self.step(rst=1)

    async def step(self, rst: int = 0, **inp):
        """One clock cycle with these inputs (the rest idle). The outputs of the cycle
        are checked against the model and returned: (hit, perm, lvl, ppn), the last
        three None on a miss."""
        full = dict(INPUTS)
        full.update(inp)
        self.dut.rst.value = rst
        for name, v in full.items():
            getattr(self.dut, name).value = int(v)
        await ReadOnly()
        out = self.check() if not rst else (False, None, None, None)
        await RisingEdge(self.dut.clk)
        self.model.clock(full, bool(rst))
        self.cycle += 1
        return out

    def check(self):
        d = self.dut
        want = self.model.lookup_result()
        hit = int(d.hit.value)
        assert hit == int(want[0]), f"cycle {self.cycle}: hit {hit}, model {int(want[0])}"
        if not hit:
            return False, None, None, None
        got = (int(d.hit_perm.value), int(d.hit_lvl.value), int(d.hit_ppn.value))
        exp = (int(want[1]), want[2], want[3])
        assert got == exp, f"cycle {self.cycle}: (perm, lvl, ppn) {got}, model {exp}"
        return True, bool(got[0]), got[1], got[2]

    # ---- the translation unit's ways of using it
    async def fill(self, did, pscid, vpn, lvl=0, ppn=None, r=1, w=1, d=1, g=0):
        ppn = ppn if ppn is not None else (vpn * 7 + 0x123) & ((1 << 44) - 1)
        await self.step(fill=1, fill_did=did, fill_pscid=pscid, fill_vpn=vpn, fill_lvl=lvl, fill_ppn=ppn,
                        fill_r=r, fill_w=w, fill_d=d, fill_g=g)
        return ppn

    async def lookup(self, did, vpn, write=False):
        """Load a lookup, then read the selection the next cycle: (hit, perm, lvl, ppn)."""
        await self.step(lk_load=1, lk_did=did, lk_vpn=vpn, lk_w=int(write))
        res = await self.step()
        hit = res[0]
        if hit:
            self.hits += 1
        else:
            self.misses += 1
        return res

    async def ctx(self, did, pscid, lookup=None):
        """A device context (did, pscid) is loaded: its fields settle, then ctx_load.
        With `lookup` = (did, vpn, write): that lookup is in flight and is selected again
        (lk_repok) in the cycle of the load, like the request whose context was read."""
        if lookup is not None:
            await self.step(lk_load=1, lk_did=lookup[0], lk_vpn=lookup[1], lk_w=int(lookup[2]))
        await self.step(ctx_did=did, ctx_pscid=pscid)
        await self.step(ctx_did=did, ctx_pscid=pscid, ctx_load=1, lk_repok=int(lookup is not None))
        return await self.step()     # the selection of the lookup in flight, if any

    async def inv(self, pscid=None, vpn=None):
        await self.step(inv_vma=1, inv_pscv=int(pscid is not None), inv_pscid=pscid or 0,
                        inv_av=int(vpn is not None), inv_vpn=vpn or 0)
        await self.step()        # the entries are cleared at the end of this cycle
        await self.step()


def did_pool(env):
    return min(4, 1 << env.uw)


async def expect_hit(env, did, vpn, ppn, lvl=0, write=False, perm=True):
    hit, p, l, pp = await env.lookup(did, vpn, write)
    assert hit, f"did {did} vpn {vpn:#x}: miss, expected a hit"
    assert (l, pp, p) == (lvl, ppn, perm), f"did {did} vpn {vpn:#x}: lvl {l} ppn {pp:#x} perm {p}, " \
                                           f"expected lvl {lvl} ppn {ppn:#x} perm {perm}"


async def expect_miss(env, did, vpn, write=False):
    hit, _, _, pp = await env.lookup(did, vpn, write)
    assert not hit, f"did {did} vpn {vpn:#x}: hit (ppn {pp:#x}), expected a miss"


@cocotb.test()
async def hits_misses_levels(dut):
    """4 KiB, 2 MiB and 1 GiB entries hit anywhere inside their page and nowhere else;
    R, W and D decide the permission of reads and writes."""
    env = Env(dut)
    await env.reset()
    n = env.n
    pages = [(0, 0x0012345), (1, 0x0A0B200), (2, 0x4C00000)]      # (lvl, vpn aligned to the level)
    for lvl, vpn in pages[:n]:
        ppn = await env.fill(1, 5, vpn, lvl)
        size = 1 << (9 * lvl)
        for off in sorted({0, size // 2, size - 1}):
            await expect_hit(env, 1, vpn + off, ppn, lvl)
        await expect_miss(env, 1, vpn + (1 << (9 * lvl)))
        await expect_miss(env, 1, vpn - 1)
        await expect_miss(env, 0, vpn)                   # another device
    # permissions: (r, w, d) -> (read ok, write ok)
    for r, w, d in [(1, 1, 1), (1, 0, 0), (1, 1, 0), (0, 0, 0), (1, 0, 1)]:
        await env.reset()
        vpn = 0x777
        ppn = await env.fill(2, 9, vpn, 0, r=r, w=w, d=d)
        await expect_hit(env, 2, vpn, ppn, write=False, perm=bool(r))
        await expect_hit(env, 2, vpn, ppn, write=True, perm=bool(w and d))


@cocotb.test()
async def replacement_round_robin(dut):
    """Fills go round robin: with every entry used, the next fill replaces the oldest."""
    env = Env(dut)
    await env.reset()
    n = env.n
    ppns = {}
    for k in range(n):
        ppns[k] = await env.fill(0, 3, 0x100 + k)
    for k in range(n):
        await expect_hit(env, 0, 0x100 + k, ppns[k])
    for extra in range(2 * n + 1):
        vpn = 0x200 + extra
        ppns_new = await env.fill(0, 3, vpn)
        victim = 0x100 + extra if extra < n else 0x200 + extra - n
        await expect_miss(env, 0, victim)
        await expect_hit(env, 0, vpn, ppns_new)
    # the lowest-numbered matching entry wins when several match (a 4 KiB page inside a
    # 2 MiB one): entry k (older) vs k+1
    if n >= 2:
        await env.reset()
        big = await env.fill(0, 3, 0x4000, 1)
        small = await env.fill(0, 3, 0x4005, 0)
        await expect_hit(env, 0, 0x4005, big, 1)
        await env.reset()
        small = await env.fill(0, 3, 0x4005, 0)
        big = await env.fill(0, 3, 0x4000, 1)
        await expect_hit(env, 0, 0x4005, small, 0)
        await expect_hit(env, 0, 0x4006, big, 1)


@cocotb.test()
async def iotinval_vma_forms(dut):
    """IOTINVAL.VMA: all; by PSCID (global entries stay); by address (the entry's page,
    of any size, contains it); both."""
    env = Env(dut)
    await env.reset()
    n = env.n
    # entries: (did, pscid, vpn, lvl, g)
    layout = [(0, 7, 0x1000, 0, 0), (1, 7, 0x2000, 0, 1), (0, 8, 0x3000, 0, 0), (1, 8, 0x1000, 0, 0),
              (0, 7, 0x40200, 1, 0), (0, 9, 0x8000000 - 0x40000, 2, 0), (2 % (1 << env.uw), 7, 0x1000, 0, 0),
              (0, 7, 0x1001, 0, 1)]

    async def load():
        await env.reset()
        kept = []     # in entry order (filled from entry 0 after the reset)
        for did, pscid, vpn, lvl, g in layout[-n:]:
            ppn = await env.fill(did, pscid, vpn, lvl, g=g)
            kept.append((did, pscid, vpn, lvl, g, ppn))
        return kept

    async def check(entries, killed):
        # each entry's page: the first live entry (lowest index) of that device holding it answers
        for did, _, vpn, _, _, _ in entries:
            live = [e for e in entries if e[0] == did and vpn_match(e[2], vpn, e[3]) and not killed(e)]
            if live:
                await expect_hit(env, did, vpn, live[0][5], live[0][3])
            else:
                await expect_miss(env, did, vpn)

    forms = [
        ("all", None, None, lambda e: True),
        ("pscid 7", 7, None, lambda e: e[1] == 7 and not e[4]),
        ("pscid 8", 8, None, lambda e: e[1] == 8 and not e[4]),
        ("addr 0x1000", None, 0x1000, lambda e: vpn_match(e[2], 0x1000, e[3])),
        ("addr in 2 MiB", None, 0x40333, lambda e: vpn_match(e[2], 0x40333, e[3])),
        ("addr in 1 GiB", None, 0x7FC1234, lambda e: vpn_match(e[2], 0x7FC1234, e[3])),
        ("pscid 7 + addr 0x1000", 7, 0x1000, lambda e: e[1] == 7 and not e[4] and vpn_match(e[2], 0x1000, e[3])),
        ("pscid 9 + addr 0x1001 (G)", 9, 0x1001, lambda e: e[1] == 9 and not e[4] and vpn_match(e[2], 0x1001, e[3])),
    ]
    for name, pscid, vpn, killed in forms:
        entries = await load()
        await env.inv(pscid=pscid, vpn=vpn)
        dut._log.info("IOTINVAL.VMA %s", name)
        await check(entries, killed)
    # an invalidation is seen by lookups loaded two cycles after the command, not before
    entries = await load()
    did, pscid, vpn, lvl, g, ppn = entries[0]
    await env.step(inv_vma=1)
    await env.step(lk_load=1, lk_did=did, lk_vpn=vpn)           # compared before the clear: the old entry
    r = await env.step(lk_load=1, lk_did=did, lk_vpn=vpn)
    assert r[0], "a lookup loaded the cycle after the command must still see the entry"
    r = await env.step()
    assert not r[0], "a lookup loaded two cycles after the command must miss"


@cocotb.test()
async def no_aliasing(dut):
    """Entries are tagged with the device ID and matched only under the PSCID of the
    device's current context: other devices and other PSCIDs never hit them; a context
    load affects only its device's entries, and the request in flight is selected again."""
    env = Env(dut)
    await env.reset()
    n = env.n
    ndid = did_pool(env)
    if ndid < 2 or n < 2:
        # one entry: the device and PSCID checks alone
        ppn = await env.fill(0, 4, 0x55)
        await expect_hit(env, 0, 0x55, ppn)
        await expect_miss(env, 1 % (1 << env.uw), 0x56)
        await env.ctx(0, 5)
        await expect_miss(env, 0, 0x55)
        await env.ctx(0, 4)
        await expect_hit(env, 0, 0x55, ppn)
        return
    # same VPN and PSCID in two devices: separate entries, no cross hits
    a = await env.fill(0, 4, 0x55)
    await expect_miss(env, 1, 0x55)
    b = await env.fill(1, 4, 0x55)
    await expect_hit(env, 0, 0x55, a)
    await expect_hit(env, 1, 0x55, b)
    # device 0 switches to PSCID 5: its entry stops matching, device 1's does not change
    await env.ctx(0, 5)
    await expect_miss(env, 0, 0x55)
    await expect_hit(env, 1, 0x55, b)
    # an entry filled under PSCID 5 hits; switching back to 4 revives the old one only
    if n >= 3:
        c = await env.fill(0, 5, 0x55)
        await expect_hit(env, 0, 0x55, c)
        await env.ctx(0, 4)
        await expect_hit(env, 0, 0x55, a)
        await env.ctx(0, 5)
        await expect_hit(env, 0, 0x55, c)
    # a lookup in flight while its device's context is loaded is selected again with the
    # new PSCID match (lk_repok), like a request whose context had to be read
    r = await env.ctx(1, 6, lookup=(1, 0x55, False))
    assert not r[0], "after its context changed PSCID the request must not hit"
    r = await env.ctx(1, 4, lookup=(1, 0x55, False))
    assert r[0] and r[3] == b, "back to its PSCID the request must hit its entry"


@cocotb.test()
async def random_mix(dut):
    """Random lookups, re-selections, fills, context loads and invalidations of every
    form, in any combination in one cycle, against the model."""
    env = Env(dut)
    await env.reset()
    rng = random.Random(cocotb.RANDOM_SEED)
    ndev = 1 << env.uw
    dids = [rng.randrange(ndev) for _ in range(3)]
    pscids = [rng.randrange(1 << 20) for _ in range(3)]
    vpns = [rng.randrange(1 << 27) for _ in range(6)]

    def a_vpn():
        v = rng.choice(vpns)
        k = rng.random()
        if k < 0.3:
            v ^= rng.randrange(1 << 9)            # same 2 MiB page
        elif k < 0.45:
            v ^= rng.randrange(1 << 18)           # same 1 GiB page
        elif k < 0.5:
            v = rng.randrange(1 << 27)
        return v

    for cycle in range(4000):
        phase = (cycle // 1000) % 4
        p_inv = (0.02, 0.1, 0.01, 0.05)[phase]
        inp = dict(
            lk_load=int(rng.random() < 0.5), lk_did=rng.choice(dids), lk_vpn=a_vpn(), lk_w=rng.randrange(2),
            lk_repok=int(rng.random() < 0.1),
            fill=int(rng.random() < (0.15, 0.3, 0.1, 0.15)[phase]), fill_did=rng.choice(dids),
            fill_pscid=rng.choice(pscids), fill_vpn=a_vpn(), fill_g=int(rng.random() < 0.2),
            fill_lvl=rng.choice((0, 0, 1, 2, 3)), fill_ppn=rng.randrange(1 << 44),
            fill_r=int(rng.random() < 0.8), fill_w=rng.randrange(2), fill_d=rng.randrange(2),
            ctx_load=int(rng.random() < 0.05), ctx_did=rng.choice(dids), ctx_pscid=rng.choice(pscids),
            inv_vma=int(rng.random() < p_inv), inv_pscv=rng.randrange(2), inv_pscid=rng.choice(pscids),
            inv_av=rng.randrange(2), inv_vpn=a_vpn(),
        )
        r = await env.step(**inp)
        if r[0]:
            env.hits += 1
        else:
            env.misses += 1
    dut._log.info("random mix: %d cycles showing a hit, %d not", env.hits, env.misses)
    assert env.hits > 50, "the random mix hardly ever hit: it tests little"
