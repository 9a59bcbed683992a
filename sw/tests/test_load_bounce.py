# SPDX-License-Identifier: Apache-2.0
"""Directed load/sync/unload vectors on the bounce platform."""

import errno
import threading

import pytest

import busdma
from busdma import (BUS_DMA_LOCK, BUS_DMA_NOWAIT, BUS_DMA_UNLOCK, BUS_DMASYNC_POSTREAD,
                    BUS_DMASYNC_POSTWRITE, BUS_DMASYNC_PREREAD, BUS_DMASYNC_PREWRITE,
                    BUS_SPACE_MAXADDR, BUS_SPACE_MAXADDR_32BIT, BusDmaError, PAGE_SIZE)

HIGH = 0x1_0000_0000  # above 4 GiB


def load_pairs(dma, platform, tag, pages, offset, length, flags=0):
    buf = platform.memory.buffer(pages, offset, length)
    dmamap = busdma.bus_dmamap_create(tag, 0)
    result = dma.load(tag, dmamap, buf, flags)
    assert result.returned == 0 and result.error == 0
    return result.pairs()


@pytest.mark.parametrize("tag_args, pages, offset, length, expected", [
    pytest.param({}, [0x10000, 0x11000, 0x12000], 0, 0x3000, [(0x10000, 0x3000)],
                 id="contiguous-pages-coalesce"),
    pytest.param({}, [0x10000, 0x20000, 0x21000], 0x800, 0x2000,
                 [(0x10800, 0x800), (0x20000, 0x1800)], id="discontiguous"),
    pytest.param({"boundary": 0x2000}, [0x11000, 0x12000, 0x13000], 0, 0x3000,
                 [(0x11000, 0x1000), (0x12000, 0x2000)], id="boundary-splits-contiguous-run"),
    pytest.param({"boundary": 0x800}, [0x10000, 0x11000], 0x400, 0x1000,
                 [(0x10400, 0x400), (0x10800, 0x800), (0x11000, 0x400)], id="sub-page-boundary"),
    pytest.param({"maxsegsz": 0x2000}, [0x10000, 0x11000, 0x12000], 0, 0x3000,
                 [(0x10000, 0x2000), (0x12000, 0x1000)], id="maxsegsz"),
    pytest.param({"maxsegsz": 0x1800}, [0x10000, 0x11000], 0, 0x2000,
                 [(0x10000, 0x1000), (0x11000, 0x1000)], id="maxsegsz-not-page-multiple"),
    pytest.param({"maxsegsz": 0x300}, [0x10000], 0, 0x800,
                 [(0x10000, 0x300), (0x10300, 0x300), (0x10600, 0x200)], id="sub-page-maxsegsz"),
    pytest.param({}, [0x10000, 0x30000], 0x123, 0x1000,
                 [(0x10123, 0xEDD), (0x30000, 0x123)], id="unaligned-start"),
    pytest.param({"lowaddr": BUS_SPACE_MAXADDR_32BIT}, [0x30000, 0x31000], 0, 0x2000,
                 [(0x30000, 0x2000)], id="below-window-no-bounce"),
])
def test_segment_vectors(platform, root, dma, tag_args, pages, offset, length, expected):
    tag = dma.make_tag(root, **tag_args)
    assert load_pairs(dma, platform, tag, pages, offset, length) == expected
    assert platform.stats().active_bpages == 0


def test_too_many_segments_gives_efbig_through_the_callback(platform, root, dma):
    tag = dma.make_tag(root, nsegments=2)
    buf = platform.memory.buffer([0x10000, 0x20000, 0x30000])
    dmamap = busdma.bus_dmamap_create(tag, 0)
    result = dma.load(tag, dmamap, buf)
    assert result.returned == 0
    assert result.calls == [("arg", [], 0, errno.EFBIG)]
    assert not dmamap.loaded
    # The map is reusable, e.g. after the driver shortens the buffer.
    assert dma.load(tag, dmamap, buf, buflen=0x2000).error == 0


def test_buflen_over_maxsize_is_einval_without_callback(platform, root, dma):
    tag = dma.make_tag(root, maxsize=0x1000)
    buf = platform.memory.buffer([0x10000, 0x11000])
    dmamap = busdma.bus_dmamap_create(tag, 0)
    result = dma.LoadResult()
    with pytest.raises(BusDmaError) as info:
        busdma.bus_dmamap_load(tag, dmamap, buf, 0x1001, result.callback, None, 0)
    assert info.value.errno == errno.EINVAL
    assert result.calls == []


def test_window_bounce(platform, root, dma):
    tag = dma.make_tag(root, lowaddr=BUS_SPACE_MAXADDR_32BIT)
    buf = platform.memory.buffer([HIGH, 0x20000], 0, 0x2000)
    buf.write(0, dma.pattern(0x2000))
    dmamap = busdma.bus_dmamap_create(tag, 0)
    result = dma.load(tag, dmamap, buf)
    (bounce_addr, bounce_len), low = result.pairs()
    assert bounce_addr <= BUS_SPACE_MAXADDR_32BIT - PAGE_SIZE + 1 and bounce_addr % PAGE_SIZE == 0
    assert bounce_len == 0x1000 and low == (0x20000, 0x1000)
    assert platform.stats().active_bpages == 1
    busdma.bus_dmamap_sync(tag, dmamap, BUS_DMASYNC_PREWRITE)
    assert dma.device_bytes(platform.memory, result.segs) == buf.read()
    dma.assert_segments_obey(tag, result.segs, 0x2000)


def test_filter_decides_inside_the_window(platform, root, dma):
    calls = []

    def reject_odd_pages(arg, paddr):
        calls.append((arg, paddr))
        return (paddr >> 12) & 1

    tag = dma.make_tag(root, lowaddr=0xFFFFF, highaddr=0x1FFFFF, filtfunc=reject_odd_pages,
                       filtfuncarg="farg", maxsize=0x3000)
    pairs = load_pairs(dma, platform, tag, [0x100000, 0x101000, 0x300000], 0, 0x3000)
    assert pairs[0] == (0x100000, 0x1000)
    assert pairs[1][0] <= 0xFF000 and pairs[1][1] == 0x1000  # bounced below lowaddr
    assert pairs[2] == (0x300000, 0x1000)                    # above highaddr: outside the window
    # Consulted (once when counting bounce pages, once when loading) only inside the window.
    assert set(calls) == {("farg", 0x100000), ("farg", 0x101000)}


def test_misaligned_start_is_bounced_to_an_aligned_page(platform, root, dma):
    tag = dma.make_tag(root, alignment=16)
    buf = platform.memory.buffer([0x10000, 0x11000], 0x8, 0x1000)
    buf.write(0, dma.pattern(0x1000))
    dmamap = busdma.bus_dmamap_create(tag, 0)
    result = dma.load(tag, dmamap, buf)
    [(addr, length)] = result.pairs()
    assert addr % PAGE_SIZE == 0 and length == 0x1000
    busdma.bus_dmamap_sync(tag, dmamap, BUS_DMASYNC_PREWRITE)
    assert dma.device_bytes(platform.memory, result.segs) == buf.read()


def test_alignment_bigger_than_a_page_uses_aligned_bounce_pages(platform, root, dma):
    tag = dma.make_tag(root, alignment=0x4000)
    buf = platform.memory.buffer([0x11000, 0x12000], 0, 0x2000)
    dmamap = busdma.bus_dmamap_create(tag, 0)
    result = dma.load(tag, dmamap, buf)
    assert len(result.segs) == 2
    dma.assert_segments_obey(tag, result.segs, 0x2000)


def test_load_phys_bounces_the_part_in_the_window(platform, root, dma):
    tag = dma.make_tag(root, lowaddr=0x11FFF, maxsize=0x3000)
    dmamap = busdma.bus_dmamap_create(tag, 0)
    result = dma.LoadResult()
    assert busdma.bus_dmamap_load_phys(tag, dmamap, 0x10800, 0x2000, result.callback, 7, 0) == 0
    (first, second) = result.pairs()
    assert first == (0x10800, 0x1800)
    assert second[0] + second[1] <= 0x12000 and second[1] == 0x800
    assert result.calls[0][0] == 7


def test_mbuf_chain_and_callback2(platform, root, dma):
    tag = dma.make_tag(root)
    first = platform.memory.buffer([0x40000], 0x10, 0x100)
    second = platform.memory.buffer([0x50000], 0, 0x200)
    chain = busdma.Mbuf.chain([first, second])
    dmamap = busdma.bus_dmamap_create(tag, 0)
    result = dma.LoadResult()
    assert busdma.bus_dmamap_load_mbuf(tag, dmamap, chain, result.callback2, "a", 0) == 0
    assert result.calls == [("a", [busdma.DmaSegment(0x40010, 0x100),
                                   busdma.DmaSegment(0x50000, 0x200)], 2, 0x300, 0)]
    assert dmamap.dm_mapsize == 0x300


def test_mbuf_sg_returns_segments(platform, root, dma):
    tag = dma.make_tag(root, nsegments=1)
    pkt = busdma.Mbuf(platform.memory.buffer([0x40000, 0x41000], 0x80, 0x1000))
    dmamap = busdma.bus_dmamap_create(tag, 0)
    segs, nsegs = busdma.bus_dmamap_load_mbuf_sg(tag, dmamap, pkt, 0)
    assert nsegs == 1 and segs == [busdma.DmaSegment(0x40080, 0x1000)]
    busdma.bus_dmamap_unload(tag, dmamap)
    split = busdma.Mbuf.chain([platform.memory.buffer([0x60000], 0, 0x10),
                               platform.memory.buffer([0x70000], 0, 0x10)])
    with pytest.raises(BusDmaError) as info:
        busdma.bus_dmamap_load_mbuf_sg(tag, dmamap, split, 0)
    assert info.value.errno == errno.EFBIG


def test_mbuf_efbig_is_returned_and_delivered(platform, root, dma):
    tag = dma.make_tag(root, nsegments=1)
    chain = busdma.Mbuf.chain([platform.memory.buffer([0x60000], 0, 0x10),
                               platform.memory.buffer([0x70000], 0, 0x10)])
    dmamap = busdma.bus_dmamap_create(tag, 0)
    result = dma.LoadResult()
    assert busdma.bus_dmamap_load_mbuf(tag, dmamap, chain, result.callback2, None, 0) == errno.EFBIG
    assert result.calls == [(None, [], 0, 0, errno.EFBIG)]


def test_uio_maps_uio_resid_bytes(platform, root, dma):
    tag = dma.make_tag(root)
    iov = [platform.memory.buffer([0x40000], 0, 0x100), platform.memory.buffer([0x50000], 0, 0x100)]
    uio = busdma.Uio(iov, uio_resid=0x180)
    dmamap = busdma.bus_dmamap_create(tag, 0)
    result = dma.LoadResult()
    assert busdma.bus_dmamap_load_uio(tag, dmamap, uio, result.callback2, None, 0) == 0
    assert result.calls == [(None, [busdma.DmaSegment(0x40000, 0x100),
                                    busdma.DmaSegment(0x50000, 0x80)], 2, 0x180, 0)]


@pytest.fixture
def bounced(platform, root, dma):
    """A loaded map whose only segment is a bounce page."""
    tag = dma.make_tag(root, lowaddr=BUS_SPACE_MAXADDR_32BIT)
    buf = platform.memory.buffer([HIGH], 0x100, 0x200)
    buf.write(0, dma.pattern(0x200, seed=1))
    dmamap = busdma.bus_dmamap_create(tag, 0)
    [seg] = dma.load(tag, dmamap, buf).segs
    return tag, dmamap, buf, seg


def test_prewrite_copies_into_the_bounce_page(platform, dma, bounced):
    tag, dmamap, buf, seg = bounced
    assert platform.memory.read(seg.ds_addr, seg.ds_len) != buf.read()
    busdma.bus_dmamap_sync(tag, dmamap, BUS_DMASYNC_PREREAD)
    assert platform.memory.read(seg.ds_addr, seg.ds_len) != buf.read()
    busdma.bus_dmamap_sync(tag, dmamap, BUS_DMASYNC_PREWRITE)
    assert platform.memory.read(seg.ds_addr, seg.ds_len) == buf.read()
    assert platform.stats().bounced_bytes == 0x200


def test_postread_copies_back_to_the_client(platform, dma, bounced):
    tag, dmamap, buf, seg = bounced
    platform.memory.write(seg.ds_addr, dma.pattern(0x200, seed=9))  # the device writes
    busdma.bus_dmamap_sync(tag, dmamap, BUS_DMASYNC_POSTWRITE)
    assert buf.read() == dma.pattern(0x200, seed=1)
    busdma.bus_dmamap_sync(tag, dmamap, BUS_DMASYNC_POSTREAD)
    assert buf.read() == dma.pattern(0x200, seed=9)


def test_unload_does_not_sync_and_frees_bounce_pages(platform, dma, bounced):
    tag, dmamap, buf, seg = bounced
    platform.memory.write(seg.ds_addr, dma.pattern(0x200, seed=9))
    busdma.bus_dmamap_unload(tag, dmamap)
    assert buf.read() == dma.pattern(0x200, seed=1)
    stats = platform.stats()
    assert stats.active_bpages == 0 and stats.free_bpages == stats.total_bpages


def test_deferred_loads_complete_in_fifo_order_under_the_lock(dma):
    platform = busdma.BouncePlatform(max_bounce_pages=2)
    root = platform.bus_get_dma_tag()
    events = []

    def lockfunc(arg, op):
        events.append((arg, {BUS_DMA_LOCK: "lock", BUS_DMA_UNLOCK: "unlock"}[op]))

    tag = dma.make_tag(root, lowaddr=BUS_SPACE_MAXADDR_32BIT, maxsize=2 * PAGE_SIZE,
                       lockfunc=lockfunc, lockfuncarg="softc")
    maps = [busdma.bus_dmamap_create(tag, 0) for _ in range(3)]
    assert platform.stats().total_bpages == 2
    bufs = [platform.memory.buffer([HIGH + 0x10000 * i, HIGH + 0x10000 * i + 0x1000])
            for i in range(3)]

    def callback(name, segs, nseg, error):
        events.append((name, sum(s.ds_len for s in segs), error))

    assert busdma.bus_dmamap_load(tag, maps[0], bufs[0], 0x2000, callback, "A", 0) == 0
    assert busdma.bus_dmamap_load(tag, maps[1], bufs[1], 0x1000, callback, "B", 0) == errno.EINPROGRESS
    assert busdma.bus_dmamap_load(tag, maps[2], bufs[2], 0x2000, callback, "C", 0) == errno.EINPROGRESS
    assert platform.stats().total_deferred == 2
    assert events == [("A", 0x2000, 0)]
    busdma.bus_dmamap_unload(tag, maps[0])
    assert events[1:] == [("softc", "lock"), ("B", 0x1000, 0), ("softc", "unlock")]
    assert maps[1].loaded and not maps[2].loaded
    busdma.bus_dmamap_unload(tag, maps[1])
    assert events[4:] == [("softc", "lock"), ("C", 0x2000, 0), ("softc", "unlock")]
    assert maps[2].dm_mapsize == 0x2000


def test_nowait_gives_enomem_when_the_pool_is_short(dma):
    platform = busdma.BouncePlatform(max_bounce_pages=1)
    root = platform.bus_get_dma_tag()
    tag = dma.make_tag(root, lowaddr=BUS_SPACE_MAXADDR_32BIT, maxsize=2 * PAGE_SIZE)
    dmamap = busdma.bus_dmamap_create(tag, 0)
    buf = platform.memory.buffer([HIGH, HIGH + 0x2000])
    result = dma.load(tag, dmamap, buf, BUS_DMA_NOWAIT)
    assert result.returned == errno.ENOMEM
    assert result.calls == [("arg", [], 0, errno.ENOMEM)]
    assert not dmamap.loaded and platform.stats().reserved_bpages == 0
    # mbuf loads imply BUS_DMA_NOWAIT: no deferral either.
    chain = busdma.Mbuf(buf)
    got = dma.LoadResult()
    assert busdma.bus_dmamap_load_mbuf(tag, dmamap, chain, got.callback2, None, 0) == errno.ENOMEM


def test_deferral_without_lockfunc_panics_like_dflt_lock(dma):
    platform = busdma.BouncePlatform(max_bounce_pages=1)
    root = platform.bus_get_dma_tag()
    tag = dma.make_tag(root, lowaddr=BUS_SPACE_MAXADDR_32BIT, maxsize=PAGE_SIZE)
    first, second = busdma.bus_dmamap_create(tag, 0), busdma.bus_dmamap_create(tag, 0)
    assert dma.load(tag, first, platform.memory.buffer([HIGH])).returned == 0
    assert dma.load(tag, second, platform.memory.buffer([HIGH + 0x1000])).returned == errno.EINPROGRESS
    with pytest.raises(busdma.BusDmaPanic):
        busdma.bus_dmamap_unload(tag, first)


def test_unload_cancels_a_deferred_load(dma):
    platform = busdma.BouncePlatform(max_bounce_pages=1)
    root = platform.bus_get_dma_tag()
    tag = dma.make_tag(root, lowaddr=BUS_SPACE_MAXADDR_32BIT, maxsize=PAGE_SIZE)
    first, second = busdma.bus_dmamap_create(tag, 0), busdma.bus_dmamap_create(tag, 0)
    dma.load(tag, first, platform.memory.buffer([HIGH]))
    waiting = dma.load(tag, second, platform.memory.buffer([HIGH + 0x1000]))
    busdma.bus_dmamap_unload(tag, second)
    busdma.bus_dmamap_unload(tag, first)
    assert waiting.calls == [] and platform.stats().free_bpages == 1


def test_busdma_lock_mutex_takes_and_releases_the_mutex():
    mutex = threading.Lock()
    busdma.busdma_lock_mutex(mutex, BUS_DMA_LOCK)
    assert mutex.locked()
    busdma.busdma_lock_mutex(mutex, BUS_DMA_UNLOCK)
    assert not mutex.locked()


def test_netbsd_style_map_fields(platform, root, dma):
    tag = dma.make_tag(root)
    dmamap = busdma.bus_dmamap_create(tag, 0)
    dma.load(tag, dmamap, platform.memory.buffer([0x10000, 0x30000], 0x10, 0x1800))
    assert dmamap.dm_nsegs == 2 and dmamap.dm_mapsize == 0x1800
    assert [(s.ds_addr, s.ds_len) for s in dmamap.dm_segs] == [(0x10010, 0xFF0), (0x30000, 0x810)]
    busdma.bus_dmamap_unload(tag, dmamap)
    assert dmamap.dm_nsegs == 0 and dmamap.dm_mapsize == 0 and dmamap.dm_segs == []


class TestMisuse:
    @pytest.fixture
    def setup(self, platform, root, dma):
        tag = dma.make_tag(root)
        dmamap = busdma.bus_dmamap_create(tag, 0)
        buf = platform.memory.buffer([0x10000])
        return tag, dmamap, buf

    def expect(self, code, fn, *args):
        with pytest.raises(BusDmaError) as info:
            fn(*args)
        assert info.value.errno == code

    def test_destroy_loaded_map_is_ebusy(self, dma, setup):
        tag, dmamap, buf = setup
        dma.load(tag, dmamap, buf)
        self.expect(errno.EBUSY, busdma.bus_dmamap_destroy, tag, dmamap)

    def test_double_unload(self, dma, setup):
        tag, dmamap, buf = setup
        dma.load(tag, dmamap, buf)
        busdma.bus_dmamap_unload(tag, dmamap)
        self.expect(errno.EINVAL, busdma.bus_dmamap_unload, tag, dmamap)

    def test_sync_of_unloaded_map(self, setup):
        tag, dmamap, buf = setup
        self.expect(errno.EINVAL, busdma.bus_dmamap_sync, tag, dmamap, BUS_DMASYNC_PREWRITE)

    def test_bad_sync_op(self, dma, setup):
        tag, dmamap, buf = setup
        dma.load(tag, dmamap, buf)
        self.expect(errno.EINVAL, busdma.bus_dmamap_sync, tag, dmamap, 0x10)

    def test_load_into_loaded_map(self, dma, setup):
        tag, dmamap, buf = setup
        dma.load(tag, dmamap, buf)
        self.expect(errno.EINVAL, busdma.bus_dmamap_load, tag, dmamap, buf, 16,
                    dma.LoadResult().callback, None, 0)

    def test_map_of_another_tag(self, root, dma, setup):
        tag, dmamap, buf = setup
        other = dma.make_tag(root)
        self.expect(errno.EINVAL, busdma.bus_dmamap_load, other, dmamap, buf, 16,
                    dma.LoadResult().callback, None, 0)
        self.expect(errno.EINVAL, busdma.bus_dmamap_destroy, other, dmamap)

    def test_destroyed_map(self, setup):
        tag, dmamap, buf = setup
        busdma.bus_dmamap_destroy(tag, dmamap)
        self.expect(errno.EINVAL, busdma.bus_dmamap_destroy, tag, dmamap)

    def test_buffer_of_another_platform(self, dma, setup):
        tag, dmamap, buf = setup
        foreign = busdma.BouncePlatform(memory_size=1 << 20).memory.buffer([0x10000])
        self.expect(errno.EINVAL, busdma.bus_dmamap_load, tag, dmamap, foreign, 16,
                    dma.LoadResult().callback, None, 0)

    def test_dmamem_map_cannot_be_destroyed_directly(self, root, dma):
        tag = dma.make_tag(root, maxsize=PAGE_SIZE)
        vaddr, dmamap = busdma.bus_dmamem_alloc(tag, 0)
        self.expect(errno.EINVAL, busdma.bus_dmamap_destroy, tag, dmamap)
        self.expect(errno.EINVAL, busdma.bus_dmamem_free, tag, busdma.KvaBuffer(
            vaddr.memory, vaddr.pages), dmamap)
        busdma.bus_dmamem_free(tag, vaddr, dmamap)


def test_segments_for_tag_at_bus_space_maxaddr(platform, root, dma):
    tag = dma.make_tag(root, lowaddr=BUS_SPACE_MAXADDR)
    assert load_pairs(dma, platform, tag, [HIGH], 0, 0x1000) == [(HIGH, 0x1000)]


def test_zero_length_load_has_no_segments(platform, root, dma):
    tag = dma.make_tag(root)
    dmamap = busdma.bus_dmamap_create(tag, 0)
    result = dma.load(tag, dmamap, platform.memory.buffer([0x10000]), buflen=0)
    assert result.calls == [("arg", [], 0, 0)] and dmamap.loaded


def test_buflen_beyond_the_buffer_and_user_uio_are_einval(platform, root, dma):
    tag = dma.make_tag(root)
    dmamap = busdma.bus_dmamap_create(tag, 0)
    buf = platform.memory.buffer([0x10000], 0, 0x100)
    with pytest.raises(BusDmaError) as info:
        dma.load(tag, dmamap, buf, buflen=0x101)
    assert info.value.errno == errno.EINVAL
    uio = busdma.Uio([buf], uio_segflg=busdma.UIO_USERSPACE)
    with pytest.raises(BusDmaError) as info:
        busdma.bus_dmamap_load_uio(tag, dmamap, uio, dma.LoadResult().callback2, None, 0)
    assert info.value.errno == errno.EINVAL


def test_allocnow_tag_never_defers_a_maxsize_load(dma):
    platform = busdma.BouncePlatform(max_bounce_pages=64)
    tag = dma.make_tag(platform.bus_get_dma_tag(), lowaddr=BUS_SPACE_MAXADDR_32BIT,
                       maxsize=4 * PAGE_SIZE, flags=busdma.BUS_DMA_ALLOCNOW)
    dmamap = busdma.bus_dmamap_create(tag, 0)
    buf = platform.memory.buffer([HIGH + i * 0x2000 for i in range(5)], 0x10, 4 * PAGE_SIZE)
    result = dma.load(tag, dmamap, buf)
    assert result.returned == 0 and result.error == 0 and len(result.segs) == 5


def test_24bit_device_bounces_below_16_mib(platform, root, dma):
    tag = dma.make_tag(root, lowaddr=busdma.BUS_SPACE_MAXADDR_24BIT, maxsize=0x2000)
    pairs = load_pairs(dma, platform, tag, [0x2000000, 0x10000], 0, 0x2000)
    assert pairs[0][0] + pairs[0][1] <= 0x1000000 and pairs[1] == (0x10000, 0x1000)


def test_tag_with_dmamem_outstanding_is_busy(platform, root, dma):
    tag = dma.make_tag(root, maxsize=PAGE_SIZE)
    vaddr, dmamap = busdma.bus_dmamem_alloc(tag, 0)
    with pytest.raises(BusDmaError) as info:
        busdma.bus_dma_tag_destroy(tag)
    assert info.value.errno == errno.EBUSY
    busdma.bus_dmamem_free(tag, vaddr, dmamap)
    busdma.bus_dma_tag_destroy(tag)
