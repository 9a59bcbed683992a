# SPDX-License-Identifier: Apache-2.0
"""bus_dmamap_load_ma, _bio, _ccb and _mem, and FreeBSD 13's tag templates.

Every new load is checked against the load it is documented to be equivalent
to (bus_dmamap_load of a KvaBuffer over the same pages, bus_dmamap_load_phys),
against every tag limit, and against the bytes a device sees."""

import errno

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import busdma
from busdma import (BIO_UNMAPPED, BIO_VLIST, BUS_DMA_NOWAIT, BUS_DMASYNC_POSTREAD,
                    BUS_DMASYNC_PREWRITE, BUS_SPACE_MAXADDR, BUS_SPACE_MAXADDR_32BIT,
                    BUS_SPACE_UNRESTRICTED, CAM_DATA_BIO, CAM_DATA_PADDR, CAM_DATA_SG,
                    CAM_DATA_SG_PADDR, CAM_DATA_VADDR, CAM_DIR_IN, CAM_DIR_NONE, CAM_DIR_OUT,
                    PAGE_SIZE, XPT_ATA_IO, XPT_NVME_IO, XPT_SCSI_IO, Bio, Ccb, DmaSegment)

HIGH = 0x1_0000_0000
FAST = settings(max_examples=120, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def einval(fn, *args):
    with pytest.raises(busdma.BusDmaError) as exc:
        fn(*args)
    assert exc.value.errno == errno.EINVAL


class Got:
    def __init__(self):
        self.calls = []

    def __call__(self, arg, segs, nseg, error):
        self.calls.append((arg, [(s.ds_addr, s.ds_len) for s in segs], nseg, error))


def bounce_pages(platform):
    return {page.paddr for zone in platform.zones for page in zone.free_list}


def norm(platform, segs):
    """Segments with bounce-page addresses replaced by "bounce": which bounce
    page a load gets depends on the loads before it.  Call with no map loaded."""
    pages = bounce_pages(platform)
    return [("bounce" if addr & ~(PAGE_SIZE - 1) in pages else addr, n) for addr, n in segs]


def reference(platform, tag, buffers):
    """Segments (normalized by ``norm``) and error that bus_dmamap_load_uio
    gives for the same buffers: the reference loader for a list of virtual
    buffers, on a fresh map, unloaded again.  Call with no map loaded."""
    dmamap = busdma.bus_dmamap_create(tag, 0)
    got = []
    rc = busdma.bus_dmamap_load_uio(tag, dmamap, busdma.Uio(buffers),
                                    lambda a, s, n, m, e: got.append((s, e)), None, 0)
    segs, error = got[0]
    if rc == 0:
        busdma.bus_dmamap_unload(tag, dmamap)
    busdma.bus_dmamap_destroy(tag, dmamap)
    return norm(platform, [(s.ds_addr, s.ds_len) for s in segs]), error


@pytest.fixture
def tag32(root, dma):
    return dma.make_tag(root, lowaddr=BUS_SPACE_MAXADDR_32BIT, maxsize=1 << 20, maxsegsz=0x3000)


# --- bus_dmamap_load_ma -----------------------------------------------------

def test_load_ma_maps_a_page_array_from_an_offset(platform, tag32, dma):
    pages = [HIGH + 0x5000, 0x200000, 0x201000]          # one page to bounce, two direct
    platform.memory.allocator.claim(pages)
    buf = busdma.KvaBuffer(platform.memory, pages, 0x234, 0x2000)
    buf.write(0, dma.pattern(0x2000, seed=2))
    dmamap = busdma.bus_dmamap_create(tag32, 0)
    got = Got()
    assert busdma.bus_dmamap_load_ma(tag32, dmamap, pages, 0x2000, 0x234, got, "ma", 0) == 0
    arg, segs, nseg, error = got.calls[0]
    assert (arg, nseg, error) == ("ma", len(segs), 0)
    # The page above 4 GiB was bounced; the two low pages were coalesced.
    assert segs[1:] == [(0x200000, 0x1000), (0x201000, 0x234)] or segs[1] == (0x200000, 0x1234)
    assert sum(n for _, n in segs) == 0x2000 and dmamap.dm_mapsize == 0x2000
    busdma.bus_dmamap_sync(tag32, dmamap, BUS_DMASYNC_PREWRITE)
    assert dma.device_bytes(platform.memory, dmamap.dm_segs) == buf.read()
    busdma.bus_dmamap_unload(tag32, dmamap)
    assert norm(platform, segs) == reference(platform, tag32, [buf])[0]


@pytest.mark.parametrize("ma, tlen, offs", [
    ([0x200000], 0x1000, 0x1000),        # offset not inside the first page
    ([0x200000], 0x1000, -1),
    ([0x200000], 0x1001, 0),             # needs a second page
    ([0x200010], 0x10, 0),               # not a page address
    ([1 << 40], 0x10, 0),                # outside memory
    ("abc", 1, 0),                       # not a page array
])
def test_load_ma_rejects_bad_page_arrays(tag32, ma, tlen, offs):
    dmamap = busdma.bus_dmamap_create(tag32, 0)
    got = Got()
    einval(busdma.bus_dmamap_load_ma, tag32, dmamap, ma, tlen, offs, got, None, 0)
    assert got.calls == [] and not dmamap.loaded


# --- bus_dmamap_load_bio ----------------------------------------------------

def test_load_bio_mapped_unmapped_and_vlist(platform, tag32, dma):
    data = platform.memory.buffer([HIGH, 0x300000], 0x80, 0x1800)
    dmamap = busdma.bus_dmamap_create(tag32, 0)
    expected = reference(platform, tag32, [data.slice(0, 0x1000)])[0]

    got = Got()
    assert busdma.bus_dmamap_load_bio(tag32, dmamap, Bio(data, 0x1000), got, None, 0) == 0
    assert dmamap.dm_mapsize == 0x1000
    busdma.bus_dmamap_unload(tag32, dmamap)
    assert norm(platform, got.calls[0][1]) == expected

    unmapped = Bio.unmapped([HIGH, 0x300000], 0x80, 0x1000)
    assert unmapped.bio_flags == BIO_UNMAPPED and unmapped.bio_ma_n == 2
    got = Got()
    assert busdma.bus_dmamap_load_bio(tag32, dmamap, unmapped, got, None, 0) == 0
    busdma.bus_dmamap_unload(tag32, dmamap)
    assert norm(platform, got.calls[0][1]) == expected

    parts = [platform.memory.buffer([0x310000], 0, 0x100),
             platform.memory.buffer([0x320000], 0x40, 0x200),
             platform.memory.buffer([0x330000], 0, 0x300)]
    vlist = Bio(parts, 0x250, bio_flags=BIO_VLIST, bio_ma_offset=0x10)
    got = Got()
    assert busdma.bus_dmamap_load_bio(tag32, dmamap, vlist, got, None, 0) == 0
    assert got.calls[0][1] == [(0x310010, 0xF0), (0x320040, 0x160)]
    busdma.bus_dmamap_unload(tag32, dmamap)


def test_load_bio_rejects_bad_bios(platform, tag32):
    data = platform.memory.buffer([0x400000], 0, 0x100)
    dmamap = busdma.bus_dmamap_create(tag32, 0)
    got = Got()
    einval(busdma.bus_dmamap_load_bio, tag32, dmamap, Bio(data, 0x101), got, None, 0)
    einval(busdma.bus_dmamap_load_bio, tag32, dmamap, "bio", got, None, 0)
    einval(busdma.bus_dmamap_load_bio, tag32, dmamap,
           Bio(None, 0x100, bio_flags=BIO_UNMAPPED), got, None, 0)          # no bio_ma
    einval(busdma.bus_dmamap_load_bio, tag32, dmamap,
           Bio([data], 0x200, bio_flags=BIO_VLIST), got, None, 0)           # list too short
    einval(busdma.bus_dmamap_load_bio, tag32, dmamap,
           Bio([data], 0x10, bio_flags=BIO_VLIST, bio_ma_offset=0x100), got, None, 0)
    with pytest.raises(ValueError):
        Bio(None, bio_flags=BIO_UNMAPPED, bio_ma=[0x400000])                # no bio_bcount
    assert got.calls == []


def test_bio_load_is_deferred_and_completes(dma):
    platform = busdma.BouncePlatform(max_bounce_pages=1)
    tag = dma.make_tag(platform.bus_get_dma_tag(), lowaddr=BUS_SPACE_MAXADDR_32BIT,
                       maxsize=PAGE_SIZE, lockfunc=lambda a, op: None)
    first, second = busdma.bus_dmamap_create(tag, 0), busdma.bus_dmamap_create(tag, 0)
    got = Got()
    assert busdma.bus_dmamap_load_bio(tag, first, Bio.unmapped([HIGH], 0, PAGE_SIZE),
                                      got, "1", 0) == 0
    assert busdma.bus_dmamap_load_bio(tag, second, Bio.unmapped([HIGH + PAGE_SIZE], 0, 0x10),
                                      got, "2", 0) == errno.EINPROGRESS
    assert busdma.bus_dmamap_load_bio(tag, busdma.bus_dmamap_create(tag, 0),
                                      Bio.unmapped([HIGH + 0x2000], 0, 0x10), got, "3",
                                      BUS_DMA_NOWAIT) == errno.ENOMEM
    busdma.bus_dmamap_unload(tag, first)
    assert [c[0] for c in got.calls] == ["1", "3", "2"] and second.dm_mapsize == 0x10


# --- bus_dmamap_load_ccb ----------------------------------------------------

@pytest.fixture
def ccb_data(platform):
    low = platform.memory.buffer([0x500000, 0x502000], 0x100, 0x1800)
    high = platform.memory.buffer([HIGH + 0x40000], 0, 0x800)
    return low, high


def test_load_ccb_every_data_kind(platform, tag32, ccb_data):
    low, high = ccb_data
    dmamap = busdma.bus_dmamap_create(tag32, 0)
    cases = [
        (Ccb(low, 0x1000, flags=CAM_DIR_OUT | CAM_DATA_VADDR), [low.slice(0, 0x1000)]),
        (Ccb(0x500100, 0x200, flags=CAM_DIR_IN | CAM_DATA_PADDR, func_code=XPT_ATA_IO),
         [busdma.PhysRange(platform.memory, 0x500100, 0x200)]),
        (Ccb([low, high], 0x1900, flags=CAM_DIR_OUT | CAM_DATA_SG), [low, high.slice(0, 0x100)]),
        (Ccb([DmaSegment(0x500100, 0x100), (0x502000, 0x80)], 0x180,
             flags=CAM_DIR_IN | CAM_DATA_SG_PADDR, func_code=XPT_NVME_IO),
         [busdma.PhysRange(platform.memory, 0x500100, 0x100),
          busdma.PhysRange(platform.memory, 0x502000, 0x80)]),
        (Ccb(Bio(high, 0x400), flags=CAM_DIR_IN | CAM_DATA_BIO), [high.slice(0, 0x400)]),
    ]
    for ccb, sources in cases:
        got = Got()
        assert busdma.bus_dmamap_load_ccb(tag32, dmamap, ccb, got, "ccb", 0) == 0
        assert dmamap.dm_mapsize == sum(s.length for s in sources)
        busdma.bus_dmamap_unload(tag32, dmamap)
        assert norm(platform, got.calls[0][1]) == reference(
            platform, tag32, [as_kva(s) for s in sources])[0]


def as_kva(source):
    """A physical range as the equivalent virtual buffer over its pages."""
    if isinstance(source, busdma.KvaBuffer):
        return source
    first = source.base & ~(PAGE_SIZE - 1)
    pages = range(first, source.base + source.length, PAGE_SIZE)
    return busdma.KvaBuffer(source.memory, list(pages), source.base - first, source.length)


def test_load_ccb_without_data_direction_touches_nothing(tag32, ccb_data):
    low, _ = ccb_data
    dmamap = busdma.bus_dmamap_create(tag32, 0)
    got = Got()
    assert busdma.bus_dmamap_load_ccb(tag32, dmamap, Ccb(low, flags=CAM_DIR_NONE), got, 7, 0) == 0
    assert got.calls == [(7, [], 0, 0)]
    assert not dmamap.loaded
    einval(busdma.bus_dmamap_unload, tag32, dmamap)


def test_load_ccb_misuse(tag32, ccb_data):
    low, high = ccb_data
    dmamap = busdma.bus_dmamap_create(tag32, 0)
    got = Got()
    for ccb in (Ccb(low, func_code=0x02),                                   # XPT_GDEV_TYPE
                Ccb(low, flags=CAM_DIR_OUT | 0x00200010),                   # no such kind
                Ccb(low, 0x1801),                                           # beyond the buffer
                Ccb([low], flags=CAM_DIR_OUT | CAM_DATA_SG, func_code=XPT_ATA_IO),
                Ccb([low, high], 0x2001, flags=CAM_DIR_OUT | CAM_DATA_SG),  # list too short
                Ccb([low], flags=CAM_DIR_OUT | CAM_DATA_SG, sglist_cnt=2),
                Ccb([(0x500000, 1 << 40)], flags=CAM_DIR_OUT | CAM_DATA_SG_PADDR),
                Ccb("x", 1, flags=CAM_DIR_OUT | CAM_DATA_BIO)):
        einval(busdma.bus_dmamap_load_ccb, tag32, dmamap, ccb, got, None, 0)
    einval(busdma.bus_dmamap_load_ccb, tag32, dmamap, "ccb", got, None, 0)
    assert got.calls == [] and not dmamap.loaded


def test_ccb_fields_are_cam_like(ccb_data):
    low, high = ccb_data
    ccb = Ccb([low, high], flags=CAM_DIR_OUT | CAM_DATA_SG)
    assert ccb.ccb_h.func_code == XPT_SCSI_IO and ccb.ccb_h.flags == CAM_DIR_OUT | CAM_DATA_SG
    assert ccb.csio is ccb.ataio is ccb.nvmeio is ccb.ctio
    assert (ccb.csio.sglist_cnt, ccb.csio.dxfer_len) == (2, 0x2000)
    assert Ccb(low).csio.dxfer_len == 0x1800 and Ccb(low).ccb_h.flags == CAM_DIR_OUT


# --- bus_dmamap_load_mem ----------------------------------------------------

def test_load_mem_every_kind_matches_its_loader(platform, tag32, ccb_data):
    low, high = ccb_data
    dmamap = busdma.bus_dmamap_create(tag32, 0)

    def segs_of(fn, *args):
        got = Got()
        assert fn(tag32, dmamap, *args, got, None, 0) == 0
        busdma.bus_dmamap_unload(tag32, dmamap)
        return norm(platform, got.calls[0][1])

    def mem(md):
        return segs_of(busdma.bus_dmamap_load_mem, md)

    assert mem(busdma.memdesc_vaddr(low, 0x1000)) == segs_of(busdma.bus_dmamap_load, low, 0x1000)
    assert mem(busdma.memdesc_paddr(0x500100, 0x300)) == segs_of(busdma.bus_dmamap_load_phys,
                                                                 0x500100, 0x300)
    assert mem(busdma.memdesc_vlist([low, high], 2)) == reference(platform, tag32, [low, high])[0]
    assert mem(busdma.memdesc_vlist([low, high], 1)) == reference(platform, tag32, [low])[0]
    assert mem(busdma.memdesc_plist([(0x500100, 0x10)], 1)) == [(0x500100, 0x10)]
    bio = Bio(high, 0x300)
    assert mem(busdma.memdesc_bio(bio)) == segs_of(busdma.bus_dmamap_load_bio, bio)
    uio = busdma.Uio([low, high], 0x1900)
    assert mem(busdma.memdesc_uio(uio)) == reference(platform, tag32,
                                                     [low, high.slice(0, 0x100)])[0]
    chain = busdma.Mbuf.chain([high, low])
    assert mem(busdma.memdesc_mbuf(chain)) == reference(platform, tag32, [high, low])[0]
    ccb = Ccb([low, high], 0x10, flags=CAM_DIR_OUT | CAM_DATA_SG)
    assert mem(busdma.memdesc_ccb(ccb)) == segs_of(busdma.bus_dmamap_load_ccb, ccb)
    assert mem(busdma.memdesc_vmpages([0x500000, 0x502000], 0x1800, 0x100)) == segs_of(
        busdma.bus_dmamap_load_ma, [0x500000, 0x502000], 0x1800, 0x100)
    got = Got()
    einval(busdma.bus_dmamap_load_mem, tag32, dmamap, busdma.Memdesc(99, None), got, None, 0)
    einval(busdma.bus_dmamap_load_mem, tag32, dmamap, ("vaddr", low), got, None, 0)
    assert got.calls == []


def test_load_mem_of_a_uio_may_defer_unlike_load_uio(dma):
    """bus_dmamap_load_mem follows bus_dmamap_load's protocol for every kind."""
    platform = busdma.BouncePlatform(max_bounce_pages=1)
    tag = dma.make_tag(platform.bus_get_dma_tag(), lowaddr=BUS_SPACE_MAXADDR_32BIT,
                       maxsize=PAGE_SIZE, lockfunc=lambda a, op: None)
    first, second = busdma.bus_dmamap_create(tag, 0), busdma.bus_dmamap_create(tag, 0)
    busy = platform.memory.buffer([HIGH])
    assert dma.load(tag, first, busy).returned == 0
    got = Got()
    uio = busdma.Uio([platform.memory.buffer([HIGH + PAGE_SIZE])])
    assert busdma.bus_dmamap_load_mem(tag, second, busdma.memdesc_uio(uio), got, None,
                                      0) == errno.EINPROGRESS
    busdma.bus_dmamap_unload(tag, first)
    assert got.calls[0][2:] == (1, 0)


# --- Properties: every new load obeys every tag limit -----------------------

PAGE_POOL = ([0x100000 + i * PAGE_SIZE for i in range(8)]
             + [0x5000000 + i * 0x3000 for i in range(4)]
             + [HIGH + i * PAGE_SIZE for i in range(8)])


@st.composite
def tags_and_pages(draw):
    alignment = 1 << draw(st.integers(0, 12))
    args = dict(alignment=alignment,
                boundary=draw(st.sampled_from([0, 0x800, 0x1000, 0x4000])),
                lowaddr=draw(st.sampled_from([BUS_SPACE_MAXADDR, BUS_SPACE_MAXADDR_32BIT])),
                maxsegsz=draw(st.integers(0x200, 0x6000)),
                nsegments=draw(st.sampled_from([BUS_SPACE_UNRESTRICTED, 2, 4, 16])),
                maxsize=1 << 20)
    pages = draw(st.lists(st.sampled_from(PAGE_POOL), min_size=1, max_size=5, unique=True))
    offset = draw(st.integers(0, PAGE_SIZE - 1))
    length = draw(st.integers(0, len(pages) * PAGE_SIZE - offset))
    kind = draw(st.sampled_from(["ma", "bio", "ccb_sg", "mem_vmpages", "ccb_bio"]))
    split = draw(st.integers(0, length))
    return args, pages, offset, length, kind, split


@FAST
@given(case=tags_and_pages())
def test_new_loads_obey_the_tag_and_carry_the_data(dma, case):
    args, pages, offset, length, kind, split = case
    platform = busdma.BouncePlatform(memory_size=8 * dma.GiB)
    tag = dma.make_tag(platform.bus_get_dma_tag(), **args)
    whole = platform.memory.buffer(pages, offset, length)
    whole.write(0, dma.pattern(length, seed=9))
    dmamap = busdma.bus_dmamap_create(tag, 0)
    got = Got()
    if kind == "ma":
        rc = busdma.bus_dmamap_load_ma(tag, dmamap, pages, length, offset, got, None, 0)
    elif kind == "bio":
        rc = busdma.bus_dmamap_load_bio(tag, dmamap, Bio.unmapped(pages, offset, length),
                                        got, None, 0)
    elif kind == "ccb_bio":
        ccb = Ccb(Bio(whole), flags=CAM_DIR_OUT | CAM_DATA_BIO)
        rc = busdma.bus_dmamap_load_ccb(tag, dmamap, ccb, got, None, 0)
    elif kind == "ccb_sg":
        parts = [p for p in (whole.slice(0, split), whole.slice(split, length - split)) if len(p)]
        ccb = Ccb(parts, length, flags=CAM_DIR_OUT | CAM_DATA_SG)
        rc = busdma.bus_dmamap_load_ccb(tag, dmamap, ccb, got, None, 0)
    else:
        md = busdma.memdesc_vmpages(pages, length, offset)
        rc = busdma.bus_dmamap_load_mem(tag, dmamap, md, got, None, 0)
    assert rc == 0
    _, segs, nseg, error = got.calls[0]
    event(f"{kind} error {error}")
    # The reference: bus_dmamap_load_uio of the same bytes on an identical,
    # fresh platform (so that it gets the very same bounce pages).
    twin = busdma.BouncePlatform(memory_size=8 * dma.GiB)
    twin_tag = dma.make_tag(twin.bus_get_dma_tag(), **args)
    twin_whole = twin.memory.buffer(pages, offset, length)
    twin_map = busdma.bus_dmamap_create(twin_tag, 0)
    parts = [(0, length)] if kind != "ccb_sg" else [(0, split), (split, length - split)]
    uio = busdma.Uio([twin_whole.slice(a, n) for a, n in parts if n])
    ref = []
    busdma.bus_dmamap_load_uio(twin_tag, twin_map, uio, lambda a, sg, n, m, e: ref.append(
        ([(x.ds_addr, x.ds_len) for x in sg], e)), None, 0)
    assert (segs, error) == ref[0]
    if error:
        assert error == errno.EFBIG and not dmamap.loaded
        return
    dma.assert_segments_obey(tag, dmamap.dm_segs, length)
    busdma.bus_dmamap_sync(tag, dmamap, BUS_DMASYNC_PREWRITE)
    assert dma.device_bytes(platform.memory, dmamap.dm_segs) == whole.read()
    position = 0
    back = dma.pattern(length, seed=4)
    for seg in dmamap.dm_segs:
        platform.memory.write(seg.ds_addr, back[position:position + seg.ds_len])
        position += seg.ds_len
    busdma.bus_dmamap_sync(tag, dmamap, BUS_DMASYNC_POSTREAD)
    assert whole.read() == back
    busdma.bus_dmamap_unload(tag, dmamap)
    assert platform.stats().active_bpages == 0


def test_new_loads_on_the_iommu_platform(iommu_platform, dma):
    tag = dma.make_tag(iommu_platform.bus_get_dma_tag(3), maxsize=1 << 20)
    pages = [HIGH + 0x9000, 0x700000, HIGH + 0x3000]
    iommu_platform.memory.allocator.claim(pages)
    whole = busdma.KvaBuffer(iommu_platform.memory, pages, 0x10, 0x2100)
    whole.write(0, dma.pattern(0x2100, seed=6))
    dmamap = busdma.bus_dmamap_create(tag, 0)
    got = Got()
    assert busdma.bus_dmamap_load_ma(tag, dmamap, pages, 0x2100, 0x10, got, None, 0) == 0
    assert got.calls[0][2] == 1      # one IOVA-contiguous segment
    assert dma.iommu_device_bytes(iommu_platform, 3, dmamap.dm_segs) == whole.read()
    busdma.bus_dmamap_unload(tag, dmamap)
