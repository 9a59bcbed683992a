# SPDX-License-Identifier: Apache-2.0
"""System tests of dma_top: the engine's data and descriptor traffic translated by
the IOMMU (device ID = channel) on one memory port.

Descriptors and buffers live at IOVAs mapped through per-channel Sv39 tables over
scrambled physical pages; the engine sees an IOMMU fault as a bus error in the
descriptor status; a forged descriptor writes nothing and leaves a fault record.
"""
from __future__ import annotations

import struct

import cocotb
import pytest
from busdma import riscv_iommu_regs as IR

from dmatb.engine_bench import Bench, make_bench


@pytest.mark.parametrize("data_width", [64])
def test_top(data_width):
    from dmatb.runner import run_cocotb

    run_cocotb("dma_top", "test_top", {"DATA_WIDTH": data_width})


IOMMU_PAGE = IR.IOMMU_DMA_TOP_BASE
TABLES = (0x780000, 0x7F0000)       # inside the 8 MiB test memory, above the data areas


async def iommu_for(b: Bench, mode: int):
    from dmatb.iommu_ctl import IommuCtl
    from dmatb.iommu_tables import IommuTables

    tables = IommuTables(b.env.mem, *TABLES)
    ctl = IommuCtl(b.env.axil, b.env.dut.clk, tables, base=IOMMU_PAGE)
    await ctl.enable_queues()
    b.sb.allow_any(TABLES[0], TABLES[1] - TABLES[0])   # tables, queues (checked explicitly)
    if mode is not None:
        await ctl.set_mode(mode)
    return ctl


@cocotb.test()
async def bare_mode_chains(dut):
    """IOMMU in Bare mode: chains on every channel run as without an IOMMU; CAP1
    advertises the IOMMU."""
    from dmaengine import regs as R

    b = await make_bench(dut)
    cap1 = await b.env.read_reg(R.DMA_REG_CAP1)
    assert cap1 >> 24 & 1, "CAP1.IOMMU must be set on dma_top"
    await iommu_for(b, mode=1)
    first = {}
    for ch in range(b.env.num_channels):
        first[ch] = b.chain(ch, [b.copy_desc(b.rng.choice([1, 64, 1000, 5000])) for _ in range(6)])[0]
    for ch, a in first.items():
        await b.env.start_channel(ch, a)
    for ch in first:
        await b.env.wait_completed(ch, 6)
    b.check()


@cocotb.test()
async def shallow_read_acceptance_no_deadlock(dut):
    """The integrator's reproduction: a memory that takes only 3 read bursts at a time
    (2 buffered + 1 returning data; it stops taking ARs while R is blocked) and
    handles writes independently. Two channels each run a chain of 14 copies of 1 to
    3000 bytes in Bare mode, then again in 1LVL (Bare first stage) under random
    stalls; every descriptor completes (this hung after ~1200 cycles when a read
    waiting for ARREADY held the IOMMU's request pipeline in front of a write)."""
    from dmaengine import regs as R

    b = await make_bench(dut, depths=(3, 16))
    env = b.env
    ctl = await iommu_for(b, mode=1)
    done = {0: 0, 1: 0}

    async def run_chains():
        first = {}
        for ch in (0, 1):
            first[ch] = b.chain(ch, [b.copy_desc(b.rng.randint(1, 3000)) for _ in range(14)])[0]
        for ch, a in first.items():
            await env.start_channel(ch, a)
        for ch in first:
            done[ch] += 14
            await env.wait_completed(ch, done[ch], timeout_cycles=60_000)
        for ch in first:                             # stop at the end of the chain
            await env.ch_write(ch, R.DMA_CH_CTRL, 0)
            await env.wait_state(ch, R.DMA_STATE_IDLE)
    await run_chains()
    # 1LVL, each channel's device context with a Bare first stage, random stalls
    for ch in (0, 1):
        ctl.tables.set_dc(ch, root=None)
    await ctl.set_mode(2)
    env.mem.set_backpressure(seed=b.rng.randrange(1 << 30), aw=0.2, w=0.2, b=0.2, ar=0.3, r=0.3)
    await run_chains()
    assert await ctl.faults() == []
    b.check()


@cocotb.test()
async def off_mode_blocks_everything(dut):
    """Off (reset state): the first descriptor fetch faults, the channel halts with a
    fetch error, a cause-256 record names the channel, and memory is untouched."""
    from dmaengine import regs as R
    from dmatb.iommu_tables import CAUSE_ALL_OFF, TTYP_READ

    b = await make_bench(dut)
    ctl = await iommu_for(b, mode=None)
    from dmaengine.descriptor import Descriptor

    # the destination is not declared: the scoreboard requires it unchanged
    descs = [Descriptor(src=b.alloc("src_next", 0x400000, 100), dst=b.alloc("dst_next", 0x780000, 100), length=100)]
    addrs = [b.alloc_desc()]
    b.env.write_chain(addrs, descs)
    b.sb.expect_write(addrs[0], descs[0].pack())
    await b.env.start_channel(2, addrs[0])
    st = await b.env.wait_state(2, R.DMA_STATE_HALTED)
    assert st[2] == R.DMA_ERR_FETCH_SLVERR
    recs = await ctl.faults()
    assert [(r.cause, r.ttyp, r.did, r.iova) for r in recs] == [(CAUSE_ALL_OFF, TTYP_READ, 2, addrs[0])]
    b.check()


async def map_identity_scrambled(ctl, root, iova_base, phys_pages):
    """Map consecutive IOVA pages from iova_base onto the given physical pages."""
    for i, pa in enumerate(phys_pages):
        ctl.tables.map(root, iova_base + i * 4096, pa)


@cocotb.test()
async def translated_chains_and_forged_descriptor(dut):
    """1LVL with one device context per channel: descriptors, sources and destinations
    at IOVAs over scrambled physical pages; a forged descriptor pointing outside the
    channel's mappings writes nothing, halts the channel with WR_SLVERR, and leaves
    a cause-15 fault record with the channel as device ID."""
    from dmaengine import regs as R
    from dmaengine.descriptor import Descriptor
    from dmatb.iommu_tables import CAUSE_WRITE_PAGE, TTYP_WRITE

    b = await make_bench(dut)
    env, rng = b.env, b.rng
    ctl = await iommu_for(b, mode=None)
    t = ctl.tables
    # physical pages for descriptors, sources and destinations, shuffled
    phys = [0x200000 + i * 4096 for i in range(0x300)]
    rng.shuffle(phys)
    roots = {}
    for ch in range(2):
        roots[ch] = t.new_root()
        t.set_dc(ch, root=roots[ch], pscid=ch + 1)
    await ctl.set_mode(2)

    IOVA_DESC, IOVA_SRC, IOVA_DST = 0x10_0000_0000, 0x20_0000_0000, 0x30_0000_0000
    for ch in range(2):
        base = ch * 0x100
        await map_identity_scrambled(ctl, roots[ch], IOVA_DESC, phys[base:base + 4])
        await map_identity_scrambled(ctl, roots[ch], IOVA_SRC, phys[base + 4:base + 64])
        await map_identity_scrambled(ctl, roots[ch], IOVA_DST, phys[base + 64:base + 128])

    def pa_of(ch, iova):
        pa, cause = t.walk(roots[ch], iova, False)
        assert cause is None
        return pa

    counts = {}
    for ch in range(2):
        descs, desc_iovas = [], []
        src_off = dst_off = 0
        for i in range(12):
            n = rng.choice([1, 100, 3000, 9000])
            data = rng.randbytes(n)
            s_iova, d_iova = IOVA_SRC + src_off, IOVA_DST + dst_off + rng.randrange(8)
            # write the source through the page tables, expect the destination likewise
            _scatter(env.mem, b.sb, ch, pa_of, s_iova, data, expect=False)
            _scatter(env.mem, b.sb, ch, pa_of, d_iova, data, expect=True)
            descs.append(Descriptor(src=s_iova, dst=d_iova, length=n))
            desc_iovas.append(IOVA_DESC + i * 64)
            src_off += n + 64
            dst_off += n + 64
        for i, (d, a) in enumerate(zip(descs, desc_iovas)):
            d.next = desc_iovas[i + 1] if i + 1 < len(descs) else 1
            raw = d.pack()
            env.mem.write(pa_of(ch, a), raw)
            b.sb.expect_write(pa_of(ch, a), raw)
            b.sb.expect_write(pa_of(ch, a) + 0x20, struct.pack("<II", 1 << 31, d.length))
        counts[ch] = len(descs)
        await env.start_channel(ch, desc_iovas[0])
    for ch in range(2):
        await env.wait_completed(ch, counts[ch], timeout_cycles=500_000)
    assert await ctl.faults() == []
    hits = await ctl.rd64(IR.IOMMU_REG_CNT_HIT)
    assert hits > 0

    # forged: channel 1 writes to an IOVA only channel 0 has mapped
    forged_iova = IOVA_SRC + 0x8000 + 0x10_0000
    ctl.tables.map(roots[0], forged_iova, phys[0x2F0])
    d = Descriptor(src=IOVA_SRC, dst=forged_iova, length=256)
    a = IOVA_DESC + 40 * 64
    env.mem.write(pa_of(1, a), d.pack())
    b.sb.expect_write(pa_of(1, a), d.pack())
    b.sb.allow_any(pa_of(1, a) + 0x20, 8)
    await env.ch_write(1, R.DMA_CH_CTRL, 0)
    await env.wait_state(1, R.DMA_STATE_IDLE)
    await env.start_channel(1, a)
    st = await env.wait_state(1, R.DMA_STATE_HALTED)
    assert st[2] == R.DMA_ERR_WR_SLVERR, st
    recs = await ctl.faults()
    assert recs and all((r.cause, r.ttyp, r.did) == (CAUSE_WRITE_PAGE, TTYP_WRITE, 1) for r in recs), recs
    assert recs[0].iova == forged_iova
    b.check()


def _scatter(mem, sb, ch, pa_of, iova, data, expect):
    """Write (or expect) `data` at `iova` of channel ch, page by page."""
    off = 0
    while off < len(data):
        va = iova + off
        chunk = min(len(data) - off, 4096 - (va & 4095))
        pa = pa_of(ch, va)
        if expect:
            sb.expect_write(pa, data[off:off + chunk])
        else:
            mem.write(pa, data[off:off + chunk])
            sb.expect_write(pa, data[off:off + chunk])
        off += chunk
