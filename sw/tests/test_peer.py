# SPDX-License-Identifier: Apache-2.0
"""Peer-to-peer DMA (docs/busdma.md, *Peer-to-peer DMA*): a peer device's memory
window is loaded like memory, never bounced; a tag that cannot reach it fails the
load with EINVAL and leaves the map usable; on the IOMMU platform it is mapped into
the device's IOVA space; syncs copy nothing of it."""

import errno

import pytest

import busdma
from busdma import (BUS_DMA_NOWAIT, BUS_DMASYNC_POSTREAD, BUS_DMASYNC_POSTWRITE,
                    BUS_DMASYNC_PREREAD, BUS_DMASYNC_PREWRITE,
                    BUS_SPACE_MAXADDR_32BIT, BUS_SPACE_UNRESTRICTED, PAGE_SIZE, BusDmaError)
from busdma import netbsd
from busdma import riscv_iommu as spec
from busdma.bounce import BUS_DMA_SWIOTLB

GPU_BASE = 0x80_0000_0000          # 512 GiB: far above the 8 GiB of host memory
GPU_SIZE = 16 << 20
ALL_SYNCS = (BUS_DMASYNC_PREWRITE, BUS_DMASYNC_PREREAD | BUS_DMASYNC_PREWRITE,
             BUS_DMASYNC_POSTREAD, BUS_DMASYNC_POSTWRITE | BUS_DMASYNC_POSTREAD)


def einval(fn, *args):
    with pytest.raises(BusDmaError) as exc:
        fn(*args)
    assert exc.value.errno == errno.EINVAL
    return exc.value


@pytest.fixture
def gpu(platform):
    return platform.register_peer_window(GPU_BASE, GPU_SIZE, "gpu0")


def bounce_idle(platform, copied=(0, 0)):
    """No bounce page held, no swiotlb slot used, and no copies made beyond
    ``copied`` (total_bounced, bounced_bytes) from earlier host-memory loads."""
    st = platform.stats()
    assert st.active_bpages == st.reserved_bpages == 0
    assert st.free_bpages == st.total_bpages
    assert (st.total_bounced, st.bounced_bytes) == copied
    assert platform.swiotlb is None or platform.swiotlb.used_slots == 0


# --- registration ------------------------------------------------------------

def test_register_and_look_up(platform, gpu):
    assert (gpu.base, gpu.size, gpu.end, gpu.owner) == (GPU_BASE, GPU_SIZE, GPU_BASE + GPU_SIZE - 1,
                                                        "gpu0")
    assert platform.peer_windows == [gpu]
    assert platform.peer_window_at(GPU_BASE + 5) is gpu
    assert platform.peer_window_at(GPU_BASE + GPU_SIZE) is None
    assert platform.peer_window_at(0x1000) is None
    gpu.write(0x10, b"vram")
    assert gpu.read(0x10, 4) == b"vram" and bytes(gpu.mem[0x10:0x14]) == b"vram"
    assert gpu.buffer(0x10, 4).read() == b"vram"


@pytest.mark.parametrize("base, size", [
    (GPU_BASE + 0x10, PAGE_SIZE),          # not page-aligned
    (GPU_BASE, 0x1800),                    # not whole pages
    (GPU_BASE, 0),
    (0x1_0000_0000, PAGE_SIZE),            # inside host memory (8 GiB)
    ((8 << 30) - PAGE_SIZE, 2 * PAGE_SIZE),  # runs into host memory's last page
    (GPU_BASE + GPU_SIZE - PAGE_SIZE, 2 * PAGE_SIZE),   # overlaps gpu0
    ((1 << 64) - PAGE_SIZE, 2 * PAGE_SIZE),             # leaves the bus
])
def test_register_rejects_bad_windows(platform, gpu, base, size):
    einval(platform.register_peer_window, base, size, "bad")
    assert platform.peer_windows == [gpu]


def test_register_rejects_small_backing_memory(platform):
    einval(lambda: platform.register_peer_window(GPU_BASE, 2 * PAGE_SIZE, "x",
                                                 mem=bytearray(PAGE_SIZE)))


def test_unregister(platform, root, gpu, dma):
    tag = dma.make_tag(root)
    dmamap = busdma.bus_dmamap_create(tag, 0)
    result = dma.LoadResult()
    assert busdma.bus_dmamap_load_phys(tag, dmamap, GPU_BASE, 0x100, result.callback, None, 0) == 0
    assert gpu.map_count == 1
    with pytest.raises(BusDmaError) as exc:
        platform.unregister_peer_window(gpu)
    assert exc.value.errno == errno.EBUSY
    busdma.bus_dmamap_unload(tag, dmamap)
    assert gpu.map_count == 0
    platform.unregister_peer_window(gpu)
    assert platform.peer_windows == [] and not gpu.registered
    einval(platform.unregister_peer_window, gpu)
    # gone: its addresses are outside memory again, its old buffers are refused
    einval(busdma.bus_dmamap_load_phys, tag, dmamap, GPU_BASE, 0x100, result.callback, None, 0)
    einval(busdma.bus_dmamap_load, tag, dmamap, gpu.buffer(0, 0x100), 0x100, result.callback,
           None, 0)
    assert len(result.calls) == 1


def test_window_of_another_platform_is_refused(root, dma):
    other = busdma.BouncePlatform(memory_size=1 << 30)
    window = other.register_peer_window(GPU_BASE, GPU_SIZE, "elsewhere")
    tag = dma.make_tag(root)
    dmamap = busdma.bus_dmamap_create(tag, 0)
    einval(busdma.bus_dmamap_load, tag, dmamap, window.buffer(0, 64), 64, lambda *a: None, None, 0)


# --- bounce platform: direct loads --------------------------------------------

def test_direct_load_phys_and_buffer(platform, root, gpu, dma):
    """A 64-bit tag reaches the window: segments are the window's own bus
    addresses, split by boundary and maxsegsz as for memory; no bounce page."""
    tag = dma.make_tag(root, boundary=0x4000, maxsegsz=0x3000, maxsize=0x10000)
    dmamap = busdma.bus_dmamap_create(tag, 0)
    for load in ("phys", "buffer"):
        result = dma.LoadResult()
        if load == "phys":
            rc = busdma.bus_dmamap_load_phys(tag, dmamap, GPU_BASE + 0x3F00, 0x8000,
                                             result.callback, "arg", BUS_DMA_NOWAIT)
        else:
            rc = busdma.bus_dmamap_load(tag, dmamap, gpu.buffer(0x3F00, 0x9000), 0x8000,
                                        result.callback, "arg", BUS_DMA_NOWAIT)
        assert rc == 0 and result.error == 0
        assert result.pairs() == [(GPU_BASE + 0x3F00, 0x100), (GPU_BASE + 0x4000, 0x3000),
                                  (GPU_BASE + 0x7000, 0x1000), (GPU_BASE + 0x8000, 0x3000),
                                  (GPU_BASE + 0xB000, 0xF00)]
        dma.assert_segments_obey(tag, result.segs, 0x8000)
        assert dmamap.dm_mapsize == 0x8000 and gpu.map_count == 1
        bounce_idle(platform)
        busdma.bus_dmamap_unload(tag, dmamap)
        assert gpu.map_count == 0


def test_memdesc_ccb_and_plist_take_windows(platform, root, gpu, dma):
    tag = dma.make_tag(root)
    dmamap = busdma.bus_dmamap_create(tag, 0)
    loads = [
        lambda cb: busdma.bus_dmamap_load_mem(tag, dmamap, busdma.memdesc_paddr(GPU_BASE + 8, 0x20),
                                              cb, None, 0),
        lambda cb: busdma.bus_dmamap_load_ccb(
            tag, dmamap, busdma.Ccb(GPU_BASE + 8, 0x20, flags=busdma.CAM_DIR_IN | busdma.CAM_DATA_PADDR),
            cb, None, 0),
        lambda cb: busdma.bus_dmamap_load_mem(
            tag, dmamap, busdma.memdesc_plist([(GPU_BASE + 8, 0x18), (GPU_BASE + 0x20, 8)], 2),
            cb, None, 0),
        lambda cb: busdma.bus_dmamap_load_ccb(
            tag, dmamap, busdma.Ccb([busdma.DmaSegment(GPU_BASE + 8, 0x10), (GPU_BASE + 0x18, 0x10)],
                                    0x20, flags=busdma.CAM_DIR_OUT | busdma.CAM_DATA_SG_PADDR),
            cb, None, 0),
    ]
    for load in loads:
        result = dma.LoadResult()
        assert load(result.callback) == 0
        assert result.pairs() == [(GPU_BASE + 8, 0x20)]
        busdma.bus_dmamap_unload(tag, dmamap)
    bounce_idle(platform)


def test_range_must_stay_inside_the_window(root, gpu, dma):
    tag = dma.make_tag(root)
    dmamap = busdma.bus_dmamap_create(tag, 0)
    einval(busdma.bus_dmamap_load_phys, tag, dmamap, gpu.end - 0xF, 0x20, lambda *a: None, None, 0)
    einval(busdma.bus_dmamap_load_phys, tag, dmamap, GPU_BASE - 0x10, 0x20, lambda *a: None, None, 0)
    with pytest.raises(ValueError):
        gpu.buffer(GPU_SIZE - 0x10, 0x20)
    assert gpu.map_count == 0 and not dmamap.loaded


def test_efbig_releases_the_window(platform, root, gpu, dma):
    tag = dma.make_tag(root, nsegments=1, maxsegsz=PAGE_SIZE)
    dmamap = busdma.bus_dmamap_create(tag, 0)
    result = dma.LoadResult()
    assert busdma.bus_dmamap_load_phys(tag, dmamap, GPU_BASE, 3 * PAGE_SIZE, result.callback,
                                       None, 0) == 0
    assert result.error == errno.EFBIG and not dmamap.loaded and gpu.map_count == 0
    bounce_idle(platform)


# --- bounce platform: refusals -----------------------------------------------

def refused(platform, tag, gpu, dma, offset=0, length=0x3000):
    """Both load forms fail with EINVAL, the callback never runs, nothing is held,
    and the same map then loads host memory normally."""
    dmamap = busdma.bus_dmamap_create(tag, 0)
    result = dma.LoadResult()
    exc = einval(busdma.bus_dmamap_load_phys, tag, dmamap, GPU_BASE + offset, length,
                 result.callback, None, 0)
    einval(busdma.bus_dmamap_load, tag, dmamap, gpu.buffer(offset, length), length,
           result.callback, None, BUS_DMA_NOWAIT)
    assert result.calls == [] and not dmamap.loaded and dmamap.dm_nsegs == 0
    assert gpu.map_count == 0
    bounce_idle(platform)
    # the map is still good: host memory above 4 GiB loads (bounced if need be)
    buf = platform.memory.buffer([0x1_4000_0000], 0, 0x800)
    buf.write(0, dma.pattern(0x800))
    assert dma.load(tag, dmamap, buf).error == 0 and dmamap.loaded
    busdma.bus_dmamap_sync(tag, dmamap, BUS_DMASYNC_PREWRITE)
    assert dma.device_bytes(platform.memory, dmamap.dm_segs) == buf.read()
    busdma.bus_dmamap_unload(tag, dmamap)
    busdma.bus_dmamap_destroy(tag, dmamap)
    return exc


def test_32bit_tag_cannot_reach_the_window(platform, root, gpu, dma):
    tag = dma.make_tag(root, lowaddr=BUS_SPACE_MAXADDR_32BIT)
    exc = refused(platform, tag, gpu, dma)
    message = str(exc)
    assert "gpu0" in message and "never bounced" in message and "exclusion window" in message


def test_lowaddr_below_the_window_but_above_memory(platform, root, gpu, dma):
    """A tag that reaches all of host memory (so it could never bounce) but not the
    window: still EINVAL, never a bounce."""
    tag = dma.make_tag(root, lowaddr=(64 << 30) - 1)
    refused(platform, tag, gpu, dma)


def test_window_partly_beyond_lowaddr(platform, root, gpu, dma):
    """Only the part of the range past lowaddr would bounce: the whole load fails."""
    tag = dma.make_tag(root, lowaddr=GPU_BASE + 0x1FFF)
    refused(platform, tag, gpu, dma, offset=0x1000, length=0x3000)
    result = dma.LoadResult()
    dmamap = busdma.bus_dmamap_create(tag, 0)
    assert busdma.bus_dmamap_load_phys(tag, dmamap, GPU_BASE, 0x2000, result.callback, None, 0) == 0
    assert result.pairs() == [(GPU_BASE, 0x2000)]


def test_misaligned_window_address(platform, root, gpu, dma):
    tag = dma.make_tag(root, alignment=64)
    exc = refused(platform, tag, gpu, dma, offset=0x10, length=0x100)
    assert "alignment 0x40" in str(exc)


def test_maxsegsz_split_at_a_misaligned_place(platform, root, gpu, dma):
    """maxsegsz 0x30 with alignment 64: the second segment would start at 0x30."""
    tag = dma.make_tag(root, alignment=64, maxsegsz=0x30)
    assert "alignment 0x40" in str(refused(platform, tag, gpu, dma, offset=0, length=0x60))
    ok = dma.make_tag(root, alignment=64, maxsegsz=0x40)
    dmamap = busdma.bus_dmamap_create(ok, 0)
    result = dma.LoadResult()
    assert busdma.bus_dmamap_load_phys(ok, dmamap, GPU_BASE, 0x60, result.callback, None, 0) == 0
    assert result.pairs() == [(GPU_BASE, 0x40), (GPU_BASE + 0x40, 0x20)]


def test_filter_decides_about_the_window(platform, root, gpu, dma):
    rejecting = dma.make_tag(root, lowaddr=BUS_SPACE_MAXADDR_32BIT, filtfunc=lambda arg, p: 1)
    assert "filter" in str(refused(platform, rejecting, gpu, dma))
    copied = platform.stats().total_bounced, platform.stats().bounced_bytes
    accepting = dma.make_tag(root, lowaddr=BUS_SPACE_MAXADDR_32BIT,
                             filtfunc=lambda arg, p: 0 if gpu.contains(p) else 1)
    dmamap = busdma.bus_dmamap_create(accepting, 0)
    result = dma.LoadResult()
    assert busdma.bus_dmamap_load_phys(accepting, dmamap, GPU_BASE, 0x3000, result.callback,
                                       None, 0) == 0
    assert result.pairs() == [(GPU_BASE, 0x3000)]
    busdma.bus_dmamap_sync(accepting, dmamap, BUS_DMASYNC_PREWRITE | BUS_DMASYNC_PREREAD)
    bounce_idle(platform, copied)


def test_parent_window_applies(platform, root, gpu, dma):
    parent = dma.make_tag(root, lowaddr=BUS_SPACE_MAXADDR_32BIT)
    child = dma.make_tag(parent)
    refused(platform, child, gpu, dma)


def test_swiotlb_tag_never_bounces_the_window(platform, root, gpu, dma):
    tag = dma.make_tag(root, lowaddr=BUS_SPACE_MAXADDR_32BIT, flags=BUS_DMA_SWIOTLB)
    refused(platform, tag, gpu, dma)
    copied = platform.stats().total_bounced, platform.stats().bounced_bytes
    reaching = dma.make_tag(root, flags=BUS_DMA_SWIOTLB)
    dmamap = busdma.bus_dmamap_create(reaching, 0)
    result = dma.LoadResult()
    assert busdma.bus_dmamap_load(reaching, dmamap, gpu.buffer(0, 0x3000), 0x3000,
                                  result.callback, None, 0) == 0
    assert result.pairs() == [(GPU_BASE, 0x3000)]
    busdma.bus_dmamap_sync(reaching, dmamap, BUS_DMASYNC_PREWRITE)
    bounce_idle(platform, copied)


def test_mixed_load_fails_whole_and_holds_nothing(platform, root, gpu, dma):
    """A physical list with host memory that would bounce and a window part that
    cannot be reached: EINVAL before any bounce page is reserved."""
    tag = dma.make_tag(root, lowaddr=BUS_SPACE_MAXADDR_32BIT, nsegments=BUS_SPACE_UNRESTRICTED)
    dmamap = busdma.bus_dmamap_create(tag, 0)
    platform.memory.allocator.claim([0x1_2000_0000])
    md = busdma.memdesc_plist([(0x1_2000_0000, 0x1000), (GPU_BASE, 0x1000)], 2)
    einval(busdma.bus_dmamap_load_mem, tag, dmamap, md, lambda *a: None, None, 0)
    assert not dmamap.loaded and gpu.map_count == 0
    bounce_idle(platform)


def test_deferred_load_holds_the_window(dma):
    """A load of bounced host memory and a window (accepted by the filter) waits for a
    bounce page like any load; the window counts it as held until it is unloaded,
    whether it completed or was cancelled."""
    import threading

    platform = busdma.BouncePlatform(memory_size=8 << 30, max_bounce_pages=1)
    gpu = platform.register_peer_window(GPU_BASE, GPU_SIZE, "gpu0")
    tag = dma.make_tag(platform.bus_get_dma_tag(), lowaddr=BUS_SPACE_MAXADDR_32BIT,
                       filtfunc=lambda arg, p: 0 if gpu.contains(p) else 1, maxsize=0x2000,
                       lockfunc=busdma.busdma_lock_mutex, lockfuncarg=threading.Lock())
    first, second = busdma.bus_dmamap_create(tag, 0), busdma.bus_dmamap_create(tag, 0)
    assert platform.stats().total_bpages == 1
    high = platform.memory.buffer([0x1_2000_0000], 0, 0x800)
    assert dma.load(tag, first, high).error == 0                  # takes the only bounce page
    md = busdma.memdesc_plist([(0x1_3000_0000, 0x800), (GPU_BASE, 0x1000)], 2)
    for cancel in (False, True):
        result = dma.LoadResult()
        assert busdma.bus_dmamap_load_mem(tag, second, md, result.callback, None, 0) == errno.EINPROGRESS
        assert gpu.map_count == 1 and result.calls == []
        if cancel:
            busdma.bus_dmamap_unload(tag, second)                  # cancels the deferred load
            assert gpu.map_count == 0 and result.calls == []
            continue
        busdma.bus_dmamap_unload(tag, first)                       # its page goes to the waiter
        assert result.error == 0 and result.segs[-1] == busdma.DmaSegment(GPU_BASE, 0x1000)
        assert gpu.map_count == 1
        busdma.bus_dmamap_unload(tag, second)
        assert gpu.map_count == 0
        assert dma.load(tag, first, high).error == 0


# --- sync ---------------------------------------------------------------------

def test_sync_copies_nothing_of_the_window(platform, root, gpu, dma):
    """A load of host memory that bounces and of the window (accepted by the filter):
    every sync copies exactly the host bytes; the window is neither read into a
    bounce page nor written."""
    tag = dma.make_tag(root, lowaddr=BUS_SPACE_MAXADDR_32BIT,
                       filtfunc=lambda arg, p: 0 if gpu.contains(p) else 1)
    dmamap = busdma.bus_dmamap_create(tag, 0)
    image = dma.pattern(0x2000, seed=9)
    gpu.write(0x1000, image)
    host = platform.memory.buffer([0x1_2000_0000], 0, 0x800)
    host.write(0, dma.pattern(0x800, seed=3))
    md = busdma.memdesc_plist([(0x1_2000_0000, 0x800), (GPU_BASE + 0x1000, 0x2000)], 2)
    result = dma.LoadResult()
    assert busdma.bus_dmamap_load_mem(tag, dmamap, md, result.callback, None, 0) == 0
    segs = result.segs
    assert segs[-1] == busdma.DmaSegment(GPU_BASE + 0x1000, 0x2000)    # the window as it is
    assert segs[0].ds_addr <= BUS_SPACE_MAXADDR_32BIT                  # host memory bounced
    assert platform.stats().active_bpages == 1
    copied = 0
    for op in ALL_SYNCS:
        gpu.write(0x1000, image)
        busdma.bus_dmamap_sync(tag, dmamap, op)
        if op & (BUS_DMASYNC_PREWRITE | BUS_DMASYNC_POSTREAD):
            copied += 0x800
        assert platform.stats().bounced_bytes == copied
        assert gpu.read(0x1000, 0x2000) == image
    busdma.bus_dmamap_unload(tag, dmamap)


def test_sync_of_a_window_load_is_a_no_op(platform, root, gpu, dma):
    tag = dma.make_tag(root)
    dmamap = busdma.bus_dmamap_create(tag, 0)
    image = dma.pattern(0x5000, seed=5)
    gpu.write(0, image)
    pages_before = platform.memory.allocator.pages_in_use
    result = dma.LoadResult()
    assert busdma.bus_dmamap_load(tag, dmamap, gpu.buffer(0, 0x5000), 0x5000, result.callback,
                                  None, 0) == 0
    for op in ALL_SYNCS:
        busdma.bus_dmamap_sync(tag, dmamap, op)
    assert gpu.read(0, 0x5000) == image
    assert platform.memory.allocator.pages_in_use == pages_before
    bounce_idle(platform)
    busdma.bus_dmamap_unload(tag, dmamap)


# --- IOMMU platform -------------------------------------------------------------

def test_iommu_maps_the_window_like_memory(iommu_platform, dma):
    gpu = iommu_platform.register_peer_window(GPU_BASE, GPU_SIZE, "gpu0")
    # a 32-bit device: its IOVAs stay below 4 GiB, the window is far above
    tag = dma.make_tag(iommu_platform.bus_get_dma_tag(4), lowaddr=BUS_SPACE_MAXADDR_32BIT,
                       nsegments=4)
    dmamap = busdma.bus_dmamap_create(tag, 0)
    result = dma.LoadResult()
    assert busdma.bus_dmamap_load(tag, dmamap, gpu.buffer(0x2010, 0x3000), 0x3000,
                                  result.callback, None, 0) == 0
    assert result.error == 0 and len(result.segs) == 1
    seg = result.segs[0]
    assert seg.ds_addr + seg.ds_len - 1 <= BUS_SPACE_MAXADDR_32BIT and seg.ds_addr & 0xFFF == 0x010
    hw = iommu_platform.hw
    for off in (0, 0xFF0, 0x1000, 0x2FFF):
        assert hw.translate(4, seg.ds_addr + off, write=True) == GPU_BASE + 0x2010 + off
    assert iommu_platform.stats().mapped_pages == 4 and gpu.map_count == 1
    for op in ALL_SYNCS:
        busdma.bus_dmamap_sync(tag, dmamap, op)
    busdma.bus_dmamap_unload(tag, dmamap)
    assert gpu.map_count == 0 and iommu_platform.stats().mapped_pages == 0
    with pytest.raises(spec.IommuFault):
        hw.translate(4, seg.ds_addr)
    # load_phys as well, next to host memory in one list
    buf = iommu_platform.memory.alloc_buffer(0x1000)
    md = busdma.memdesc_plist([(buf.paddr(0), 0x1000), (GPU_BASE, 0x1000)], 2)
    result = dma.LoadResult()
    assert busdma.bus_dmamap_load_mem(tag, dmamap, md, result.callback, None, 0) == 0
    assert result.error == 0 and len(result.segs) == 1       # one IOVA run over both
    iova = result.segs[0].ds_addr
    assert hw.translate(4, iova) == buf.paddr(0)
    assert hw.translate(4, iova + 0x1000) == GPU_BASE
    busdma.bus_dmamap_unload(tag, dmamap)


def test_iommu_window_must_fit_56_bit_physical_addresses(iommu_platform):
    einval(iommu_platform.register_peer_window, (1 << 56) - PAGE_SIZE, 2 * PAGE_SIZE, "far")
    assert iommu_platform.register_peer_window((1 << 56) - PAGE_SIZE, PAGE_SIZE, "top").end == \
        (1 << 56) - 1


def test_iommu_still_refuses_misaligned_segments(iommu_platform, dma):
    gpu = iommu_platform.register_peer_window(GPU_BASE, GPU_SIZE, "gpu0")
    tag = dma.make_tag(iommu_platform.bus_get_dma_tag(1), alignment=64)
    dmamap = busdma.bus_dmamap_create(tag, 0)
    einval(busdma.bus_dmamap_load, tag, dmamap, gpu.buffer(0x10, 0x100), 0x100, lambda *a: None,
           None, 0)
    assert gpu.map_count == 0 and iommu_platform.stats().iova_ranges == 0


# --- the other APIs do not take windows ----------------------------------------

def test_netbsd_and_linux_facades_refuse_windows(platform, gpu):
    from busdma import linux

    dmat = netbsd.dma_tag(platform)
    dmam = netbsd.bus_dmamap_create(dmat, 0x1000, 1, 0x1000, 0, 0)
    einval(netbsd.bus_dmamap_load, dmat, dmam, gpu.buffer(0, 0x100), 0x100, None, 0)
    dev = linux.Device(platform, 0)
    assert linux.dma_set_mask(dev, linux.DMA_BIT_MASK(64)) == 0
    einval(linux.dma_map_page, dev, GPU_BASE, 0, 0x100, linux.DMA_TO_DEVICE)
    assert gpu.map_count == 0


# --- the demo -------------------------------------------------------------------

def test_p2p_demo_runs(capsys):
    """examples/p2p_demo.py (documented in docs/busdma.md) runs and says what it shows."""
    import pathlib
    import runpy

    demo = pathlib.Path(__file__).resolve().parents[2] / "examples" / "p2p_demo.py"
    runpy.run_path(str(demo), run_name="__main__")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("BouncePlatform: 64-bit device: segment DmaSegment(ds_addr=0x8000001000")
    assert lines[1].startswith("BouncePlatform: 32-bit device: EINVAL:") and "never bounced" in lines[1]
    assert all(line.startswith("IommuPlatform:") and line.endswith("bus address 0x8000001000 (the window)")
               for line in lines[2:])
