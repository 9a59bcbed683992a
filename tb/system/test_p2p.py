# SPDX-License-Identifier: Apache-2.0
"""Peer-to-peer DMA through the engine: storage -> GPU memory -> NIC, system RAM
never touched by data.

The system (tb/dmatb/p2p.py): an AXI4 interconnect decodes the engine's memory
port(s) to system RAM (busdma's PhysicalMemory, 8 GiB at 0) and to a peer device's
memory window ("GPU memory", 16 MiB at 0x80_0000_0000) registered with busdma
(Platform.register_peer_window). The unmodified engine driver (sw/dmaengine) loads
the window's buffers (PeerWindow.buffer) with bus_dmamap_load like any buffer.

    p2p_storage_gpu_nic       a storage-like s_axis source writes random blocks straight
                              into the window, then the window's blocks go out on m_axis
                              (NIC-like sink) in another order. Scoreboard: the window
                              image (blocks and every byte between them) and the NIC's
                              packets; the interconnect counts: RAM served zero data bytes
                              (descriptors and status write-backs did go to RAM), the
                              window was written exactly the blocks' bytes and read only
                              the blocks' beats. A control transfer from RAM shows the
                              counter does count RAM data. Both platforms: dma_engine on
                              the bounce platform (a 64-bit engine: the window's bus
                              addresses go into the descriptors as they are, no bounce
                              page) and dma_top on the IOMMU platform with a 32-bit DMA
                              limit (IOVAs below 4 GiB translate to the window at 512 GiB).
    p2p_unreachable_window    dma_engine, bounce platform, a driver limited to 32 bits:
                              loading the window fails with EINVAL before anything is held
                              (device memory is never bounced), the map still works, the
                              window sees no traffic.

Random sizes and offsets come from the cocotb seed, which the runner prints; replay with
RANDOM_SEED=<seed>.
"""
from __future__ import annotations

import errno

import cocotb
import pytest
from cocotb.triggers import ClockCycles

ENGINE_PARAMS = {"DATA_WIDTH": 64, "NUM_CHANNELS": 4, "CMD_DEPTH_LOG2": 2}   # as test_driver.py
TOP_PARAMS = {"DATA_WIDTH": 64}                                           # as test_driver_iommu.py
S2M_CH, M2S_CH = 2, 1        # one channel drains s_axis, one feeds m_axis (stream order)


def test_p2p_bounce():
    from dmatb.runner import run_cocotb

    run_cocotb("dma_engine", "test_p2p", ENGINE_PARAMS,
               extra_env={"COCOTB_TEST_FILTER": "p2p_storage_gpu_nic|p2p_unreachable_window"})


def test_p2p_iommu():
    from dmatb.runner import run_cocotb

    run_cocotb("dma_top", "test_p2p", TOP_PARAMS,
               extra_env={"COCOTB_TEST_FILTER": "p2p_storage_gpu_nic"})


# ----------------------------------------------------------------------------- helpers

def beat_envelope(off: int, n: int, beat: int) -> tuple[int, int]:
    """The beat-aligned span a read of [off, off + n) may touch."""
    return off // beat * beat, -(-(off + n) // beat) * beat


def blocks_layout(rng, count: int, span: int):
    """`count` random block sizes and non-overlapping offsets (any alignment) in [0, span)."""
    sizes = [rng.choice([1, 7, 64, 100, 1500, 4095, 4096, 4097]) if rng.random() < 0.3
             else rng.randint(1, 16_000) for _ in range(count)]
    offs, cur = [], rng.randrange(0, 4096)
    for size in sizes:
        offs.append(cur)
        cur += size + rng.choice([0, rng.randrange(1, 64), rng.randrange(64, 8192)])
    assert cur <= span
    return sizes, offs


async def run(drv, reqs):
    """Submit the requests, wait for all; each must succeed with every byte moved."""
    results = []

    def done(req, status, nbytes):
        results.append((req, status, nbytes, list(req.pieces)))
    for r in reqs:
        r.callback = done
        await drv.submit(r)
    await drv.drain()
    assert len(results) == len(reqs)
    for req, status, nbytes, _ in results:
        assert status == 0 and nbytes == req.length, (req.kind, req.length, status, nbytes)
    return results


async def nic_packets(sysm, count: int, cycles: int = 20_000):
    for _ in range(cycles // 50):
        if len(sysm.nic.collect()) >= count:
            break
        await ClockCycles(sysm.dut.clk, 50)
    return sysm.nic.collect()


# ----------------------------------------------------------------------------- tests

@cocotb.test()
async def p2p_storage_gpu_nic(dut):
    import busdma
    from dmaengine.driver import STREAM, DmaRequest
    from dmatb.interconnect import merge_ranges
    from dmatb.memory import set_stream_backpressure
    from dmatb.p2p import PEER_BASE, PEER_OWNER, P2pSystem

    top = hasattr(dut, "m_axi_tw_awvalid")
    sysm = P2pSystem(dut, "iommu_rtl" if top else "bounce")
    await sysm.start()
    # bounce platform: a 64-bit engine reaches the window as it is; IOMMU platform: a
    # device limited to 32-bit DMA addresses reaches it through its IOVA space
    lowaddr = busdma.BUS_SPACE_MAXADDR_32BIT if top else busdma.BUS_SPACE_MAXADDR
    drv = await sysm.attach_driver(lowaddr)
    rng, gpu, beat = sysm.rng, sysm.gpu, drv.caps.beat_bytes
    # random pauses on the interconnect's data port and on both devices' streams
    sysm.ports["m_axi"].set_backpressure(seed=sysm.seed, aw=0.1, w=0.2, b=0.1, ar=0.1, r=0.2)
    set_stream_backpressure(sysm.storage.source, 0.2, f"{sysm.seed}/storage")
    set_stream_backpressure(sysm.nic.sink, 0.2, f"{sysm.seed}/nic")
    dut._log.info("%s; platform %s; peer window %r", sysm.seed_note(), sysm.platform_name, gpu)

    span = 1 << 20
    image = bytearray(rng.randbytes(span))          # the reference of the window's first MiB
    gpu.write(0, image)
    sizes, offs = blocks_layout(rng, rng.randint(5, 10), span)
    blocks = [rng.randbytes(n) for n in sizes]
    total = sum(sizes)
    dut._log.info("blocks (offset, size): %s", [(hex(o), n) for o, n in zip(offs, sizes)])

    # 1. storage -> GPU memory: the storage device streams each block, the engine
    #    writes it into the window
    for blk in blocks:
        sysm.storage.send(blk)
    results = await run(drv, [DmaRequest(src=STREAM, dst=gpu.buffer(o, n), channel=S2M_CH)
                              for o, n in zip(offs, sizes)])
    for off, blk in zip(offs, blocks):
        image[off:off + len(blk)] = blk
    got = gpu.read(0, span)
    if got != bytes(image):
        bad = next(i for i in range(span) if got[i] != image[i])
        raise AssertionError(f"window byte {bad:#x} differs (blocks and the bytes around them)")
    for req, _, _, pieces in results:
        assert req.packet_end, "each block is one frame: TLAST at its last byte"
        if top:
            assert all(d + n - 1 <= busdma.BUS_SPACE_MAXADDR_32BIT for _, d, n in pieces), \
                "IOVAs must honour the 32-bit limit"
        else:   # the descriptors carry the window's own bus addresses: nothing bounced
            expect = req.dst.base
            for _, d, n in pieces:
                assert d == expect, (hex(d), hex(expect))
                expect += n
    assert sysm.data_bytes("ram") == 0, sysm.counters()
    assert sysm.data_bytes(PEER_OWNER, "write") == total, sysm.counters()
    assert sysm.data_bytes(PEER_OWNER, "read") == 0, sysm.counters()
    assert sysm.touched(PEER_OWNER, "write") == merge_ranges((o, o + n) for o, n in zip(offs, sizes))

    # 2. GPU memory -> NIC: the window's blocks go out as packets, in another order
    order = list(range(len(blocks)))
    rng.shuffle(order)
    results = await run(drv, [DmaRequest(src=gpu.buffer(offs[i], sizes[i]), dst=STREAM,
                                         channel=M2S_CH) for i in order])
    for req, _, _, pieces in results:
        if top:
            assert all(a + n - 1 <= busdma.BUS_SPACE_MAXADDR_32BIT for a, _, n in pieces)
        else:
            assert [a for a, _, _ in pieces] == [req.src.base + sum(n for _, _, n in pieces[:k])
                                                 for k in range(len(pieces))]
    packets = await nic_packets(sysm, len(order))
    assert packets == [blocks[i] for i in order], "NIC packets differ from the window's blocks"
    reads = sysm.touched(PEER_OWNER, "read")
    allowed = merge_ranges(beat_envelope(o, n, beat) for o, n in zip(offs, sizes))
    for o, n in zip(offs, sizes):
        assert any(lo <= o and o + n <= hi for lo, hi in reads), f"block at {o:#x} not read whole"
    for lo, hi in reads:
        assert any(a <= lo and hi <= b for a, b in allowed), \
            f"read {lo:#x}..{hi:#x} outside the blocks' beats"
    peer_read = sysm.data_bytes(PEER_OWNER, "read")
    # each block's beats once (two blocks may share a beat: it is read for each)
    most = sum(hi - lo for lo, hi in (beat_envelope(o, n, beat) for o, n in zip(offs, sizes)))
    assert total <= peer_read <= most, (total, peer_read, most)

    # the claim: system RAM saw zero data bytes; descriptors and status write-backs
    # did go to RAM (and none to the window)
    counters = sysm.counters()
    dut._log.info("interconnect counters after the peer-to-peer transfers: %s", counters)
    assert sysm.data_bytes("ram") == 0, counters
    assert sysm.data_bytes(PEER_OWNER, "write") == total, counters
    assert sysm.desc_bytes("ram", "read") > 0 and sysm.desc_bytes("ram", "write") > 0, counters
    assert sysm.desc_bytes(PEER_OWNER) == 0, counters
    if top:
        assert sysm.ports["m_axi_tw"].bytes("ram", "iommu", "read") > 0, "no IOMMU table walk?"
    else:
        st = sysm.platform.stats()
        assert st.bounced_bytes == 0 and st.active_bpages == 0, st

    # control: one packet from a RAM buffer -- the same counters see its bytes
    pkt = rng.randbytes(rng.randint(100, 3000))
    ram_buf = sysm.memory.alloc_buffer(len(pkt), rng.randrange(0, 4096))
    ram_buf.write(0, pkt)
    await run(drv, [DmaRequest(src=ram_buf, dst=STREAM, channel=M2S_CH)])
    packets = await nic_packets(sysm, len(order) + 1)
    assert packets[-1] == pkt
    assert len(pkt) <= sysm.data_bytes("ram", "read") <= len(pkt) + 2 * beat
    assert sysm.data_bytes("ram", "write") == 0

    if top:
        await sysm.settle()
        assert await sysm.fault_queue.records() == []
        st = sysm.platform.stats()
        assert st.pending_invalidations == 0
        assert st.mapped_pages == sum(len(c.desc_buf.pages) for c in drv.channels), st
    assert gpu.map_count == 0
    dut._log.info("peer-to-peer: %d bytes storage -> %s -> NIC with 0 RAM data bytes; then "
                  "%d RAM data bytes for the %d-byte control packet", total, PEER_OWNER,
                  sysm.data_bytes("ram"), len(pkt))
    sysm.finish()
    await sysm.detach_driver()


@cocotb.test()
async def p2p_unreachable_window(dut):
    """Bounce platform, an engine limited to 32 bits: its tags cannot reach the window."""
    import busdma
    from dmaengine.driver import STREAM, DmaRequest
    from dmatb.p2p import PEER_BASE, PEER_OWNER, P2pSystem

    sysm = P2pSystem(dut, "bounce")
    await sysm.start()
    drv = await sysm.attach_driver(busdma.BUS_SPACE_MAXADDR_32BIT)
    rng, gpu = sysm.rng, sysm.gpu
    dut._log.info("%s", sysm.seed_note())
    tag = drv.channels[S2M_CH].data_tag
    dmamap = busdma.bus_dmamap_create(tag, 0)
    off, n = rng.randrange(0, 1 << 20), rng.randint(1, 20_000)
    calls = []

    def callback(arg, segs, nseg, error):
        calls.append((list(segs), error))
    for load in ("buffer", "phys"):
        with pytest.raises(busdma.BusDmaError) as exc:
            if load == "buffer":
                busdma.bus_dmamap_load(tag, dmamap, gpu.buffer(off, n), n, callback, None, 0)
            else:
                busdma.bus_dmamap_load_phys(tag, dmamap, PEER_BASE + off, n, callback, None, 0)
        assert exc.value.errno == errno.EINVAL
        assert PEER_OWNER in str(exc.value) and "never bounced" in str(exc.value)
        dut._log.info("load of %s: %s", load, exc.value)
    st = sysm.platform.stats()
    assert calls == [] and not dmamap.loaded and gpu.map_count == 0
    assert st.reserved_bpages == st.active_bpages == 0, st

    # the same map loads RAM above 4 GiB (bounced below 4 GiB) right after
    high = busdma.KvaBuffer(sysm.memory, [0x1_8000_0000 + 0x1000 * i for i in range(5)], 0x10, n)
    sysm.memory.allocator.claim(high.pages)
    assert busdma.bus_dmamap_load(tag, dmamap, high, n, callback, None, 0) == 0
    assert calls[-1][1] == 0
    assert all(s.ds_addr + s.ds_len - 1 <= busdma.BUS_SPACE_MAXADDR_32BIT for s in calls[-1][0])
    busdma.bus_dmamap_unload(tag, dmamap)
    busdma.bus_dmamap_destroy(tag, dmamap)

    # and the driver moves a storage block into that RAM (bounced); the window sees nothing
    blk = rng.randbytes(n)
    sysm.storage.send(blk)
    await run(drv, [DmaRequest(src=STREAM, dst=high, channel=S2M_CH)])
    assert high.read() == blk
    assert sysm.data_bytes(PEER_OWNER) == 0 and sysm.data_bytes("ram", "write") == n, sysm.counters()
    assert sysm.platform.stats().bounced_bytes >= n
    sysm.finish()
    await sysm.detach_driver()
