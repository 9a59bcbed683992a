# SPDX-License-Identifier: Apache-2.0
"""cocotb tests of dma_iommu_dc_cache (the IOMMU's per-device context cache),
collected by pytest.

A Python model holds one entry per device ID: a write makes it valid with the
context's fields from the next cycle on; IODIR.INVAL_DDT (one DID, or all)
compares in the cycle of the command and clears in the next, after any write
of that cycle. Both read ports are compared with the model in every cycle
(fields only while the entry is valid). Directed tests pin the invalidation
forms and their timing against writes; a random test (seed from cocotb:
RANDOM_SEED=<seed>) mixes writes, invalidations and reads.
"""
from __future__ import annotations

import random

import cocotb
import pytest
from cocotb.triggers import ReadOnly, RisingEdge

CONFIGS = [1, 2, 4]       # USER_WIDTH


@pytest.mark.parametrize("uw", CONFIGS, ids=[f"uw{u}" for u in CONFIGS])
def test_iommu_dc_cache(uw):
    from dmatb.runner import run_cocotb

    run_cocotb("dma_iommu_dc_cache", "test_iommu_dc_cache", {"USER_WIDTH": uw})


INPUTS = dict(wr=0, wr_did=0, wr_bare=0, wr_dtf=0, wr_ppn=0, wr_pscid=0, inv=0, inv_dv=0, inv_did=0,
              rd_did=0, rd2_did=0)


class DcModel:
    def __init__(self, ndev):
        self.ndev = ndev
        self.reset()

    def reset(self):
        self.e = [dict(v=False, bare=0, dtf=0, ppn=0, pscid=0) for _ in range(self.ndev)]
        self.inv_d = False
        self.kill = [False] * self.ndev

    def clock(self, i, rst):
        if rst:
            self.reset()
            return
        new = [dict(e) for e in self.e]
        if i["wr"]:
            new[i["wr_did"]] = dict(v=True, bare=i["wr_bare"], dtf=i["wr_dtf"], ppn=i["wr_ppn"], pscid=i["wr_pscid"])
        if self.inv_d:
            for d in range(self.ndev):
                if self.kill[d]:
                    new[d]["v"] = False
        self.kill = [not i["inv_dv"] or i["inv_did"] == d for d in range(self.ndev)]
        self.inv_d = bool(i["inv"])
        self.e = new


class Env:
    def __init__(self, dut):
        from cocotb.clock import Clock
        self.dut = dut
        self.ndev = 1 << int(dut.USER_WIDTH.value)
        self.model = DcModel(self.ndev)
        self.cycle = 0
        Clock(dut.clk, 10, unit="ns").start()

    async def reset(self):
        for _ in range(3):
            await self.step(rst=1)

    async def step(self, rst=0, **inp):
        """One cycle; returns what the read ports showed: ((v, bare, dtf, ppn), pscid2)."""
        full = dict(INPUTS)
        full.update(inp)
        self.dut.rst.value = rst
        for k, v in full.items():
            getattr(self.dut, k).value = int(v)
        await ReadOnly()
        out = None if rst else self.check(full)
        await RisingEdge(self.dut.clk)
        self.model.clock(full, bool(rst))
        self.cycle += 1
        return out

    def check(self, i):
        d = self.dut
        e = self.model.e[i["rd_did"]]
        v = int(d.rd_v.value)
        assert v == int(e["v"]), f"cycle {self.cycle}: DID {i['rd_did']} valid {v}, model {int(e['v'])}"
        got = (v, int(d.rd_bare.value), int(d.rd_dtf.value), int(d.rd_ppn.value))
        if v:
            want = (1, e["bare"], e["dtf"], e["ppn"])
            assert got == want, f"cycle {self.cycle}: DID {i['rd_did']} (v, bare, dtf, ppn) {got}, model {want}"
        e2 = self.model.e[i["rd2_did"]]
        p2 = int(d.rd2_pscid.value)
        if e2["v"]:
            assert p2 == e2["pscid"], f"cycle {self.cycle}: DID {i['rd2_did']} PSCID {p2:#x}, model {e2['pscid']:#x}"
        return got, p2

    async def write(self, did, bare=0, dtf=0, ppn=None, pscid=None, **extra):
        ppn = (did * 0x1234567 + 5) & ((1 << 44) - 1) if ppn is None else ppn
        pscid = (did * 0x777 + 1) & 0xFFFFF if pscid is None else pscid
        await self.step(wr=1, wr_did=did, wr_bare=bare, wr_dtf=dtf, wr_ppn=ppn, wr_pscid=pscid, **extra)

    async def valid(self, did):
        out = await self.step(rd_did=did, rd2_did=did)
        return bool(out[0][0])


@cocotb.test()
async def write_read_invalidate(dut):
    """Writes are read back on both ports; INVAL_DDT with DV clears only that DID (a DID
    beyond the table clears none), without DV all of them."""
    env = Env(dut)
    await env.reset()
    n = env.ndev
    for did in range(n):
        assert not await env.valid(did), "valid after reset"
        await env.write(did, bare=did & 1, dtf=did >> 1 & 1)
    for did in range(n):
        out = await env.step(rd_did=did, rd2_did=(did + 1) % n)
        assert out[0][0] == 1
    victim = n - 1
    await env.step(inv=1, inv_dv=1, inv_did=victim)
    await env.step()
    await env.step()
    for did in range(n):
        assert await env.valid(did) == (did != victim), f"DID {did} after INVAL_DDT DID {victim}"
    await env.step(inv=1, inv_dv=1, inv_did=n + 3)        # no such device: nothing changes
    await env.step()
    await env.step()
    for did in range(n):
        assert await env.valid(did) == (did != victim)
    await env.step(inv=1, inv_dv=0, inv_did=0)
    await env.step()
    await env.step()
    for did in range(n):
        assert not await env.valid(did), f"DID {did} valid after INVAL_DDT (all)"


@cocotb.test()
async def invalidation_timing(dut):
    """A write in the cycle of the command or the next is cleared by it (the
    invalidation wins); a write two cycles after the command stays."""
    env = Env(dut)
    await env.reset()
    for delay, survives in ((0, False), (1, False), (2, True)):
        await env.reset()
        await env.write(0)
        steps = [dict(inv=1, inv_dv=1, inv_did=0), {}, {}]
        for k, s in enumerate(steps):
            if k == delay:
                await env.write(0, ppn=0xABC, **s)
            else:
                await env.step(**s)
        await env.step()
        assert await env.valid(0) == survives, f"write {delay} cycle(s) after the command"
    # reads see a write the next cycle
    await env.reset()
    await env.write(0, ppn=0x1234, rd_did=0)
    out = await env.step(rd_did=0)
    assert out[0] == (1, 0, 0, 0x1234)


@cocotb.test()
async def random_mix(dut):
    """Random writes, invalidations (one DID, all, unknown DIDs) and reads against the model."""
    env = Env(dut)
    await env.reset()
    rng = random.Random(cocotb.RANDOM_SEED)
    n = env.ndev
    valid_seen = 0
    for cycle in range(3000):
        inp = dict(wr=int(rng.random() < 0.3), wr_did=rng.randrange(n), wr_bare=rng.randrange(2),
                   wr_dtf=rng.randrange(2), wr_ppn=rng.randrange(1 << 44), wr_pscid=rng.randrange(1 << 20),
                   inv=int(rng.random() < 0.08), inv_dv=int(rng.random() < 0.8),
                   inv_did=rng.randrange(n) if rng.random() < 0.9 else rng.randrange(1 << 24),
                   rd_did=rng.randrange(n), rd2_did=rng.randrange(n))
        out = await env.step(**inp)
        valid_seen += out[0][0]
    dut._log.info("random mix: %d reads of a valid entry", valid_seen)
    assert valid_seen > 300
