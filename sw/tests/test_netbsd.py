# SPDX-License-Identifier: Apache-2.0
"""busdma.netbsd: NetBSD's bus_dma(9) names, arguments and semantics over the
same core and platforms."""

import errno

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import busdma
from busdma import PAGE_SIZE, DmaSegment
from busdma import netbsd as nb

HIGH = 0x1_0000_0000
FAST = settings(max_examples=120, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def raises(code, fn, *args):
    with pytest.raises(busdma.BusDmaError) as exc:
        fn(*args)
    assert exc.value.errno == code


@pytest.fixture
def tag(platform):
    return nb.dma_tag(platform)


@pytest.fixture
def tag32(tag):
    return nb.bus_dmatag_subregion(tag, 0, 0xFFFFFFFF, nb.BUS_DMA_NOWAIT)


def obeys_map(dmam, segs, total, max_addr=busdma.BUS_SPACE_MAXADDR):
    assert sum(s.ds_len for s in segs) == total
    assert len(segs) <= dmam._dm_segcnt
    for s in segs:
        assert 0 < s.ds_len <= dmam._dm_maxmaxsegsz
        if dmam._dm_boundary:
            b = dmam._dm_boundary
            assert s.ds_addr // b == (s.ds_addr + s.ds_len - 1) // b
        assert s.ds_addr + s.ds_len - 1 <= max_addr | (PAGE_SIZE - 1)


def test_flag_and_op_values_are_netbsds():
    assert [nb.BUS_DMA_WAITOK, nb.BUS_DMA_NOWAIT, nb.BUS_DMA_ALLOCNOW, nb.BUS_DMA_COHERENT,
            nb.BUS_DMA_STREAMING, nb.BUS_DMA_BUS1, nb.BUS_DMA_BUS2, nb.BUS_DMA_BUS3,
            nb.BUS_DMA_BUS4, nb.BUS_DMA_READ, nb.BUS_DMA_WRITE, nb.BUS_DMA_NOCACHE,
            nb.BUS_DMA_PREFETCHABLE] == [0, 1, 2, 4, 8, 0x10, 0x20, 0x40, 0x80, 0x100, 0x200,
                                         0x400, 0x800]
    assert [nb.BUS_DMASYNC_PREREAD, nb.BUS_DMASYNC_POSTREAD, nb.BUS_DMASYNC_PREWRITE,
            nb.BUS_DMASYNC_POSTWRITE] == [1, 2, 4, 8]
    assert (nb.VM_PROT_READ, nb.VM_PROT_WRITE, nb.VM_PROT_EXECUTE) == (1, 2, 4)


# --- Maps and loads ----------------------------------------------------------

@pytest.mark.parametrize("args", [
    (0, 1, 0x1000, 0, 0), (0x1000, 0, 0x1000, 0, 0), (0x1000, 1, 0, 0, 0),
    (0x1000, 1, 0x1000, 0x1800, 0), (0x1000, 1, 0x1000, 0, 0x1000), (0x1000, 1, 0x1000, -1, 0),
])
def test_create_rejects_bad_arguments(tag, args):
    raises(errno.EINVAL, nb.bus_dmamap_create, tag, *args)


def test_load_gives_netbsd_fields_and_bounces_above_the_subregion(platform, tag32, dma):
    dmam = nb.bus_dmamap_create(tag32, 0x4000, 4, 0x1000, 0, nb.BUS_DMA_WAITOK)
    assert (dmam._dm_size, dmam._dm_segcnt, dmam.dm_maxsegsz, dmam._dm_boundary) == (
        0x4000, 4, 0x1000, 0)
    assert (dmam.dm_nsegs, dmam.dm_mapsize, dmam.dm_segs) == (0, 0, [])
    buf = platform.memory.buffer([HIGH, 0x200000, 0x201000], 0x100, 0x2800)
    buf.write(0, dma.pattern(0x2800))
    assert nb.bus_dmamap_load(tag32, dmam, buf, 0x2800, None, nb.BUS_DMA_NOWAIT) == 0
    # The page above 4 GiB is bounced; 0x1000 + 0x900 would exceed maxsegsz.
    assert dmam.dm_mapsize == 0x2800 and dmam.dm_nsegs == len(dmam.dm_segs) == 3
    obeys_map(dmam, dmam.dm_segs, 0x2800, 0xFFFFFFFF)
    assert dmam.dm_segs[0].ds_len == 0xF00 and dmam.dm_segs[0].ds_addr < HIGH
    assert [(s.ds_addr, s.ds_len) for s in dmam.dm_segs[1:]] == [
        (0x200000, 0x1000), (0x201000, 0x900)]
    nb.bus_dmamap_sync(tag32, dmam, 0, 0x2800, nb.BUS_DMASYNC_PREWRITE)
    assert dma.device_bytes(platform.memory, dmam.dm_segs) == buf.read()
    nb.bus_dmamap_unload(tag32, dmam)
    assert dmam.dm_nsegs == 0 and platform.stats().active_bpages == 0
    nb.bus_dmamap_destroy(tag32, dmam)


def test_load_errors(tag32, platform):
    dmam = nb.bus_dmamap_create(tag32, 0x2000, 1, 0x2000, 0, 0)
    buf = platform.memory.buffer([0x300000, 0x302000])
    raises(errno.EINVAL, nb.bus_dmamap_load, tag32, dmam, buf, 0x2001, None, 0)   # > buf
    big = platform.memory.buffer([0x310000, 0x311000, 0x312000])
    raises(errno.EINVAL, nb.bus_dmamap_load, tag32, dmam, big, 0x2001, None, 0)   # > size
    raises(errno.EINVAL, nb.bus_dmamap_load, tag32, dmam, buf, 0x10, object(), 0)  # an lwp
    raises(errno.EINVAL, nb.bus_dmamap_load, tag32, dmam, buf, 0x10, None, 0x1000)  # flags
    # Two discontiguous pages in one segment: EFBIG returned, map unloaded.
    assert nb.bus_dmamap_load(tag32, dmam, buf, 0x2000, None, 0) == errno.EFBIG
    assert not dmam.loaded and dmam.dm_nsegs == 0
    raises(errno.EINVAL, nb.bus_dmamap_unload, tag32, dmam)
    assert nb.bus_dmamap_load(tag32, dmam, buf, 0x1000, None, 0) == 0
    raises(errno.EINVAL, nb.bus_dmamap_load, tag32, dmam, buf, 0x10, None, 0)     # loaded
    raises(errno.EBUSY, nb.bus_dmamap_destroy, tag32, dmam)
    other = nb.dma_tag(platform)
    raises(errno.EINVAL, nb.bus_dmamap_unload, other, dmam)                        # foreign


@pytest.mark.parametrize("flags", [nb.BUS_DMA_NOWAIT, nb.BUS_DMA_WAITOK])
def test_no_bounce_pages_is_enomem_even_with_waitok(flags, dma):
    platform = busdma.BouncePlatform(max_bounce_pages=1)
    tag32 = nb.bus_dmatag_subregion(nb.dma_tag(platform), 0, 0xFFFFFFFF, 0)
    first = nb.bus_dmamap_create(tag32, PAGE_SIZE, 1, PAGE_SIZE, 0, 0)
    second = nb.bus_dmamap_create(tag32, PAGE_SIZE, 1, PAGE_SIZE, 0, 0)
    assert nb.bus_dmamap_load(tag32, first, platform.memory.buffer([HIGH]), 16, None, 0) == 0
    assert nb.bus_dmamap_load(tag32, second, platform.memory.buffer([HIGH + PAGE_SIZE]), 16,
                              None, flags) == errno.ENOMEM
    assert not second.loaded and platform.stats().reserved_bpages == 0
    assert platform.stats().total_deferred == 0


def test_dm_maxsegsz_can_be_lowered_for_one_load(tag, platform):
    dmam = nb.bus_dmamap_create(tag, 0x4000, 8, 0x4000, 0, 0)
    buf = platform.memory.buffer([0x400000 + i * PAGE_SIZE for i in range(4)])
    dmam.dm_maxsegsz = 0x1000
    assert nb.bus_dmamap_load(tag, dmam, buf, 0x4000, None, 0) == 0
    assert [s.ds_len for s in dmam.dm_segs] == [0x1000] * 4
    nb.bus_dmamap_unload(tag, dmam)
    assert dmam.dm_maxsegsz == 0x4000
    assert nb.bus_dmamap_load(tag, dmam, buf, 0x4000, None, 0) == 0
    assert [(s.ds_addr, s.ds_len) for s in dmam.dm_segs] == [(0x400000, 0x4000)]
    nb.bus_dmamap_unload(tag, dmam)
    dmam.dm_maxsegsz = 0x8000
    raises(errno.EINVAL, nb.bus_dmamap_load, tag, dmam, buf, 0x10, None, 0)


def test_boundary_splits_segments(tag, platform):
    dmam = nb.bus_dmamap_create(tag, 0x4000, 8, 0x4000, 0x2000, 0)
    buf = platform.memory.buffer([0x401000 + i * PAGE_SIZE for i in range(4)], 0x800, 0x3000)
    assert nb.bus_dmamap_load(tag, dmam, buf, 0x3000, None, 0) == 0
    assert [(s.ds_addr, s.ds_len) for s in dmam.dm_segs] == [
        (0x401800, 0x800), (0x402000, 0x2000), (0x404000, 0x800)]


def test_load_mbuf_uio_raw(tag32, platform, dma):
    dmam = nb.bus_dmamap_create(tag32, 0x4000, 8, 0x4000, 0, 0)
    parts = [platform.memory.buffer([0x500000], 0, 0x300), platform.memory.buffer([HIGH], 0, 0x200)]
    chain = busdma.Mbuf.chain(parts)
    assert nb.bus_dmamap_load_mbuf(tag32, dmam, chain, 0) == 0
    assert dmam.dm_mapsize == 0x500 and dmam.dm_segs[0] == DmaSegment(0x500000, 0x300)
    nb.bus_dmamap_unload(tag32, dmam)
    raises(errno.EINVAL, nb.bus_dmamap_load_mbuf, tag32, dmam,
           busdma.Mbuf(parts[0], pkthdr_len=0x10), 0)
    uio = busdma.Uio(parts, 0x400)
    assert nb.bus_dmamap_load_uio(tag32, dmam, uio, 0) == 0 and dmam.dm_mapsize == 0x400
    nb.bus_dmamap_unload(tag32, dmam)
    segs, rsegs = nb.bus_dmamem_alloc(tag32, 0x3000, PAGE_SIZE, 0, 3, nb.BUS_DMA_NOWAIT)
    assert nb.bus_dmamap_load_raw(tag32, dmam, segs, rsegs, 0x2100, 0) == 0
    assert dmam.dm_mapsize == 0x2100 and platform.stats().active_bpages == 0
    covered = []
    for s in segs:
        covered += range(s.ds_addr, s.ds_addr + s.ds_len, PAGE_SIZE)
    assert all(trunc in covered for s in dmam.dm_segs
               for trunc in range(s.ds_addr & ~0xFFF, s.ds_addr + s.ds_len, PAGE_SIZE))
    nb.bus_dmamap_unload(tag32, dmam)
    raises(errno.EINVAL, nb.bus_dmamap_load_raw, tag32, dmam, segs, rsegs, 0x3001, 0)
    raises(errno.EINVAL, nb.bus_dmamap_load_raw, tag32, dmam, segs, rsegs + 1, 0x10, 0)
    raises(errno.EINVAL, nb.bus_dmamap_load_raw, tag32, dmam, [(0, 1)], 1, 1, 0)


# --- Sync of a range ----------------------------------------------------------

def test_sync_errors(tag32, platform):
    dmam = nb.bus_dmamap_create(tag32, 0x2000, 2, 0x2000, 0, 0)
    buf = platform.memory.buffer([HIGH])
    raises(errno.EINVAL, nb.bus_dmamap_sync, tag32, dmam, 0, 1, nb.BUS_DMASYNC_PREWRITE)  # unloaded
    assert nb.bus_dmamap_load(tag32, dmam, buf, 0x800, None, 0) == 0
    for offset, length, ops in [(0x800, 1, nb.BUS_DMASYNC_PREWRITE),       # offset at the end
                                (0, 0, nb.BUS_DMASYNC_PREWRITE),           # zero length
                                (0x7FF, 2, nb.BUS_DMASYNC_PREWRITE),       # runs past the end
                                (-1, 1, nb.BUS_DMASYNC_PREWRITE),
                                (0, 1, 0), (0, 1, 0x10),
                                (0, 1, nb.BUS_DMASYNC_PREWRITE | nb.BUS_DMASYNC_POSTREAD)]:
        raises(errno.EINVAL, nb.bus_dmamap_sync, tag32, dmam, offset, length, ops)
    nb.bus_dmamap_sync(tag32, dmam, 0, 0x800, nb.BUS_DMASYNC_PREREAD | nb.BUS_DMASYNC_PREWRITE)
    nb.bus_dmamap_sync(tag32, dmam, 0, 0x800, nb.BUS_DMASYNC_POSTREAD | nb.BUS_DMASYNC_POSTWRITE)


PAGES = [HIGH + 0x10000 + i * PAGE_SIZE for i in range(3)] + [0x600000, 0x602000]


@FAST
@given(pages=st.lists(st.sampled_from(PAGES), min_size=1, max_size=4, unique=True),
       data=st.data())
def test_sync_touches_only_the_range(dma, pages, data):
    """Bounce copies in both directions are limited to [offset, offset + len):
    every other byte of the bounce pages and of the client buffer keeps its
    sentinel, and the copy counters count exactly the bounced bytes in range."""
    platform = busdma.BouncePlatform(memory_size=8 * dma.GiB)
    tag32 = nb.bus_dmatag_subregion(nb.dma_tag(platform), 0, 0xFFFFFFFF, 0)
    first_offset = data.draw(st.integers(0, PAGE_SIZE - 1))
    length = data.draw(st.integers(1, len(pages) * PAGE_SIZE - first_offset))
    buf = platform.memory.buffer(pages, first_offset, length)
    dmam = nb.bus_dmamap_create(tag32, 1 << 16, 64, 1 << 16, 0, 0)
    assert nb.bus_dmamap_load(tag32, dmam, buf, length, None, 0) == 0
    segs = dmam.dm_segs
    bounce_pages = {b.page.paddr for b in dmam.core_map.md.bounces}
    bounced = [(pos, s) for pos, s in _positions(segs) if s.ds_addr & ~0xFFF in bounce_pages]
    offset = data.draw(st.integers(0, length - 1))
    count = data.draw(st.integers(1, length - offset))
    in_range = set(range(offset, offset + count))
    bounced_bytes = {p for pos, s in bounced for p in range(pos, pos + s.ds_len)}
    event(f"{len(bounced)} bounced segment(s)")

    def device_view():
        return b"".join(platform.memory.read(s.ds_addr, s.ds_len) for s in segs)

    # PREWRITE: fill the bounce pages with a sentinel, the client with data.
    for _, s in bounced:
        platform.memory.write(s.ds_addr, b"\xEE" * s.ds_len)
    client = dma.pattern(length, seed=7)
    buf.write(0, client)
    before = platform.stats()
    nb.bus_dmamap_sync(tag32, dmam, offset, count, nb.BUS_DMASYNC_PREWRITE)
    seen = device_view()
    for i in range(length):
        if i in bounced_bytes and i not in in_range:
            assert seen[i] == 0xEE, i
        else:
            assert seen[i] == client[i], i
    copied = len(bounced_bytes & in_range)
    assert platform.stats().bounced_bytes - before.bounced_bytes == copied
    assert platform.stats().total_bounced - before.total_bounced == (1 if copied else 0)

    # POSTREAD: the device wrote everything; only the range reaches the client.
    written = dma.pattern(length, seed=13)
    pos = 0
    for s in segs:
        platform.memory.write(s.ds_addr, written[pos:pos + s.ds_len])
        pos += s.ds_len
    buf.write(0, b"\x55" * length)
    nb.bus_dmamap_sync(tag32, dmam, offset, count, nb.BUS_DMASYNC_POSTREAD)
    back = buf.read()
    for i in range(length):
        if i in bounced_bytes:
            assert back[i] == (written[i] if i in in_range else 0x55), i
        else:
            assert back[i] == 0x55, i     # direct pages: the device wrote the client itself
    nb.bus_dmamap_unload(tag32, dmam)


def _positions(segs):
    pos = 0
    for s in segs:
        yield pos, s
        pos += s.ds_len


# --- DMA-safe memory -----------------------------------------------------------

def test_dmamem_alloc_obeys_its_arguments(platform):
    tag = nb.dma_tag(platform)
    low = nb.bus_dmatag_subregion(tag, 0x1000_0000, 0x1FFF_FFFF, 0)
    segs, rsegs = nb.bus_dmamem_alloc(low, 0x5001, 0x4000, 0x8000, 1, nb.BUS_DMA_WAITOK)
    assert rsegs == 1 and segs[0].ds_len == 0x6000 and segs[0].ds_addr % 0x4000 == 0
    assert 0x1000_0000 <= segs[0].ds_addr and segs[0].ds_addr + 0x6000 - 1 <= 0x1FFF_FFFF
    assert segs[0].ds_addr // 0x8000 == (segs[0].ds_addr + 0x5FFF) // 0x8000
    many, n = nb.bus_dmamem_alloc(low, 0x10000, PAGE_SIZE, 0x2000, 16, 0)
    assert n == len(many) and sum(s.ds_len for s in many) == 0x10000
    assert all(s.ds_addr // 0x2000 == (s.ds_addr + s.ds_len - 1) // 0x2000 for s in many)
    raises(errno.ENOMEM, nb.bus_dmamem_alloc, low, 0x4000, PAGE_SIZE, 0x2000, 1, 0)
    raises(errno.ENOMEM, nb.bus_dmamem_alloc, low, 0x2000_0000, PAGE_SIZE, 0, 1, 0)
    for bad in [(0, 1, 0, 1), (0x1000, 3, 0, 1), (0x1000, 1, 0x3000, 1), (0x1000, 1, 0, 0)]:
        raises(errno.EINVAL, nb.bus_dmamem_alloc, low, *bad, 0)
    raises(errno.EBUSY, nb.bus_dmatag_destroy, low)
    nb.bus_dmamem_free(low, segs, rsegs)
    nb.bus_dmamem_free(low, many, n)
    raises(errno.EINVAL, nb.bus_dmamem_free, low, segs, rsegs)       # already freed
    nb.bus_dmatag_destroy(low)


def test_dmamem_map_unmap_mmap(platform, tag32, dma):
    segs, rsegs = nb.bus_dmamem_alloc(tag32, 0x3000, PAGE_SIZE, 0, 3, 0)
    kva = nb.bus_dmamem_map(tag32, segs, rsegs, 0x2800, nb.BUS_DMA_COHERENT)
    assert len(kva) == 0x2800
    kva.write(0x10, b"netbsd")
    pages = [p for s in segs for p in range(s.ds_addr, s.ds_addr + s.ds_len, PAGE_SIZE)]
    assert platform.memory.read(pages[0] + 0x10, 6) == b"netbsd"
    assert [nb.bus_dmamem_mmap(tag32, segs, rsegs, off, nb.VM_PROT_READ | nb.VM_PROT_WRITE, 0)
            for off in (0, 0x1000, 0x2000)] == [p >> 12 for p in pages]
    assert nb.bus_dmamem_mmap(tag32, segs, rsegs, 0x3000, nb.VM_PROT_READ, 0) == -1
    raises(errno.EINVAL, nb.bus_dmamem_mmap, tag32, segs, rsegs, 0x800, nb.VM_PROT_READ, 0)
    raises(errno.EINVAL, nb.bus_dmamem_mmap, tag32, segs, rsegs, 0, 0x8, 0)
    raises(errno.EINVAL, nb.bus_dmamem_map, tag32, segs, rsegs, 0x3001, 0)
    raises(errno.EBUSY, nb.bus_dmamem_free, tag32, segs, rsegs)
    raises(errno.EINVAL, nb.bus_dmamem_unmap, tag32, kva, 0x3000)       # not the mapped size
    # The usual NetBSD pattern: map, then load the kva to get DMA addresses.
    dmam = nb.bus_dmamap_create(tag32, 0x3000, 3, 0x3000, 0, 0)
    assert nb.bus_dmamap_load(tag32, dmam, kva, 0x2800, None, 0) == 0
    assert platform.stats().active_bpages == 0
    nb.bus_dmamap_unload(tag32, dmam)
    nb.bus_dmamem_unmap(tag32, kva, 0x2800)
    raises(errno.EINVAL, nb.bus_dmamem_unmap, tag32, kva, 0x2800)
    nb.bus_dmamem_free(tag32, segs, rsegs)


def test_subregion_and_destroy(platform, tag):
    raises(errno.EINVAL, nb.bus_dmatag_subregion, tag, 0x2000, 0x1000, 0)
    sub = nb.bus_dmatag_subregion(tag, 0x1000, 0xFFFFFFFF, 0)
    subsub = nb.bus_dmatag_subregion(sub, 0, 0xFFFFFF, 0)
    assert (subsub.min_addr, subsub.max_addr) == (0x1000, 0xFFFFFF)
    raises(errno.EINVAL, nb.bus_dmatag_subregion, subsub, 0x1000000, 0x2000000, 0)
    raises(errno.EBUSY, nb.bus_dmatag_destroy, sub)
    dmam = nb.bus_dmamap_create(subsub, 0x1000, 1, 0x1000, 0, 0)
    raises(errno.EBUSY, nb.bus_dmatag_destroy, subsub)
    nb.bus_dmamap_destroy(subsub, dmam)
    raises(errno.EINVAL, nb.bus_dmamap_destroy, subsub, dmam)
    nb.bus_dmatag_destroy(subsub)
    nb.bus_dmatag_destroy(sub)
    raises(errno.EINVAL, nb.bus_dmatag_destroy, sub)
    raises(errno.EINVAL, nb.bus_dmatag_destroy, tag)
    raises(errno.EINVAL, nb.bus_dmamap_create, sub, 0x1000, 1, 0x1000, 0, 0)


def test_iommu_platform_gives_iovas_below_the_subregion(iommu_platform, dma):
    tag = nb.dma_tag(iommu_platform, device_id=9)
    sub = nb.bus_dmatag_subregion(tag, 0, 0xFFFFFFFF, 0)
    segs, rsegs = nb.bus_dmamem_alloc(sub, 0x2000, PAGE_SIZE, 0, 2, 0)
    dmam = nb.bus_dmamap_create(sub, 0x4000, 1, 0x4000, 0, 0)
    kva = nb.bus_dmamem_map(sub, segs, rsegs, 0x2000, 0)
    kva.write(0, dma.pattern(0x2000, seed=2))
    assert nb.bus_dmamap_load_raw(sub, dmam, segs, rsegs, 0x2000, 0) == 0
    assert dmam.dm_nsegs == 1 and dmam.dm_segs[0].ds_addr + 0x1FFF <= 0xFFFFFFFF
    assert dma.iommu_device_bytes(iommu_platform, 9, dmam.dm_segs) == kva.read()
    nb.bus_dmamap_sync(sub, dmam, 0, 0x2000, nb.BUS_DMASYNC_PREWRITE)
    nb.bus_dmamap_unload(sub, dmam)
    assert iommu_platform.stats().mapped_pages == 0


@FAST
@given(size=st.integers(1, 0x6000), nsegments=st.integers(1, 6),
       maxsegsz=st.integers(0x100, 0x6000), boundary=st.sampled_from([0, 0x800, 0x1000, 0x4000]),
       pages=st.lists(st.sampled_from(PAGES), min_size=1, max_size=4, unique=True),
       offset=st.integers(0, PAGE_SIZE - 1), data=st.data())
def test_netbsd_loads_obey_the_map(dma, size, nsegments, maxsegsz, boundary, pages, offset, data):
    platform = busdma.BouncePlatform(memory_size=8 * dma.GiB)
    tag32 = nb.bus_dmatag_subregion(nb.dma_tag(platform), 0, 0xFFFFFFFF, 0)
    dmam = nb.bus_dmamap_create(tag32, size, nsegments, maxsegsz, boundary, 0)
    length = data.draw(st.integers(0, min(size, len(pages) * PAGE_SIZE - offset)))
    buf = platform.memory.buffer(pages, offset, length)
    buf.write(0, dma.pattern(length, seed=1))
    rc = nb.bus_dmamap_load(tag32, dmam, buf, length, None, 0)
    event(f"rc {rc}")
    if rc:
        # EFBIG: too many segments; ENOMEM: more bounce pages than the pool
        # has (sized as FreeBSD does it: maxsize // PAGE_SIZE per map).
        assert rc in (errno.EFBIG, errno.ENOMEM)
        assert not dmam.loaded and platform.stats().active_bpages == 0
        assert platform.stats().reserved_bpages == 0
        return
    obeys_map(dmam, dmam.dm_segs, length, 0xFFFFFFFF)
    if length:
        nb.bus_dmamap_sync(tag32, dmam, 0, length, nb.BUS_DMASYNC_PREWRITE)
    assert dma.device_bytes(platform.memory, dmam.dm_segs) == buf.read()
    nb.bus_dmamap_unload(tag32, dmam)
