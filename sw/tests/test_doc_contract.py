# SPDX-License-Identifier: Apache-2.0
"""docs/busdma.md (and bus_dma(9) where the doc is silent) as executable checks.

Each test states one promise of the contract; the ones marked "audit" failed
before the code or the doc was corrected."""

import errno
import threading

import pytest

import busdma
from busdma import (BUS_DMA_LOCK, BUS_DMA_NOWAIT, BUS_DMA_UNLOCK, BUS_DMA_ZERO,
                    BUS_DMASYNC_POSTREAD, BUS_DMASYNC_POSTWRITE, BUS_DMASYNC_PREREAD,
                    BUS_DMASYNC_PREWRITE, BUS_SPACE_MAXADDR, BUS_SPACE_MAXADDR_32BIT,
                    BUS_SPACE_UNRESTRICTED, PAGE_SIZE)

HIGH = 0x1_0000_0000  # above 4 GiB: a 32-bit tag bounces it


def tag_create(parent, alignment=1, boundary=0, lowaddr=BUS_SPACE_MAXADDR,
               highaddr=BUS_SPACE_MAXADDR, filtfunc=None, filtfuncarg=None,
               maxsize=0x10000, nsegments=BUS_SPACE_UNRESTRICTED, maxsegsz=0x10000,
               flags=0, lockfunc=None, lockfuncarg=None):
    return busdma.bus_dma_tag_create(parent, alignment, boundary, lowaddr, highaddr, filtfunc,
                                     filtfuncarg, maxsize, nsegments, maxsegsz, flags,
                                     lockfunc, lockfuncarg)


def einval(fn, *args, **kwargs):
    with pytest.raises(busdma.BusDmaError) as exc:
        fn(*args, **kwargs)
    assert exc.value.errno == errno.EINVAL
    return exc.value


# --- Constants and helpers -------------------------------------------------

def test_constant_values():
    assert (busdma.PAGE_SIZE, busdma.PAGE_SHIFT, busdma.PAGE_MASK) == (4096, 12, 4095)
    assert busdma.BUS_SPACE_MAXADDR == busdma.BUS_SPACE_MAXSIZE == 0xFFFFFFFFFFFFFFFF
    assert busdma.BUS_SPACE_MAXADDR_32BIT == busdma.BUS_SPACE_MAXSIZE_32BIT == 0xFFFFFFFF
    assert busdma.BUS_SPACE_MAXADDR_24BIT == busdma.BUS_SPACE_MAXSIZE_24BIT == 0xFFFFFF
    assert busdma.BUS_SPACE_UNRESTRICTED == ~0 == -1
    assert [busdma.BUS_DMA_WAITOK, busdma.BUS_DMA_NOWAIT, busdma.BUS_DMA_ALLOCNOW,
            busdma.BUS_DMA_COHERENT, busdma.BUS_DMA_ZERO] == [0, 1, 2, 4, 8]
    assert [busdma.BUS_DMA_BUS1, busdma.BUS_DMA_BUS2, busdma.BUS_DMA_BUS3,
            busdma.BUS_DMA_BUS4] == [0x10, 0x20, 0x40, 0x80]
    assert [busdma.BUS_DMA_NOWRITE, busdma.BUS_DMA_NOCACHE,
            busdma.BUS_DMA_LOAD_MBUF] == [0x100, 0x200, 0x400]
    assert (BUS_DMA_LOCK, BUS_DMA_UNLOCK) == (1, 2)
    assert [BUS_DMASYNC_PREREAD, BUS_DMASYNC_POSTREAD, BUS_DMASYNC_PREWRITE,
            BUS_DMASYNC_POSTWRITE] == [1, 2, 4, 8]
    assert (busdma.BUS_SPACE_BARRIER_READ, busdma.BUS_SPACE_BARRIER_WRITE) == (1, 2)
    assert [busdma.UIO_READ, busdma.UIO_WRITE, busdma.UIO_USERSPACE,
            busdma.UIO_SYSSPACE] == [0, 1, 0, 1]


def test_powerof2_is_freebsds_macro():
    """audit: sys/param.h's powerof2(x) is ((((x)-1)&(x))==0), true for 0."""
    assert busdma.powerof2(0)
    assert busdma.powerof2(1) and busdma.powerof2(4096)
    assert not busdma.powerof2(3) and not busdma.powerof2(0x3000)
    assert busdma.trunc_page(0x1FFF) == 0x1000 and busdma.round_page(0x1001) == 0x2000
    assert busdma.round_page(0x1000) == 0x1000


def test_alignment_zero_is_still_einval():
    root = busdma.BouncePlatform(memory_size=1 << 30).bus_get_dma_tag()
    einval(tag_create, root, 0)


def test_error_classes():
    assert issubclass(busdma.BusDmaError, OSError)
    assert issubclass(busdma.BusDmaPanic, RuntimeError)
    assert busdma.BusDmaError(errno.EBUSY).errno == errno.EBUSY


# --- Tags -------------------------------------------------------------------

@pytest.fixture
def plat():
    return busdma.BouncePlatform(memory_size=8 << 30)


@pytest.fixture
def root(plat):
    return plat.bus_get_dma_tag()


def test_root_tag_is_per_device_and_permanent(plat, root):
    assert plat.bus_get_dma_tag(0) is root
    assert plat.bus_get_dma_tag(3) is not root
    einval(busdma.bus_dma_tag_destroy, root)


@pytest.mark.parametrize("kwargs", [
    dict(alignment=3), dict(boundary=0x1800), dict(boundary=-4096), dict(maxsegsz=0),
    dict(maxsize=0), dict(nsegments=0), dict(nsegments=-2)])
def test_tag_create_einval(root, kwargs):
    einval(tag_create, root, **kwargs)
    assert root.child_count == 0


def test_tag_inheritance(root):
    def filt(arg, paddr):
        return 1

    parent = tag_create(root, alignment=8, boundary=0x10000, lowaddr=BUS_SPACE_MAXADDR_32BIT,
                        highaddr=0x2_0000_0000, filtfunc=filt, filtfuncarg="p")
    child = tag_create(parent, alignment=4, boundary=0x2000, lowaddr=0x00FF_FFFF,
                       highaddr=0x1_0000_0000, maxsize=0x4000, nsegments=3, maxsegsz=0x8000)
    assert child.alignment == 8
    assert child.boundary == 0x2000
    assert child.maxsegsz == 0x2000          # clamped by the (inherited) boundary
    assert child.lowaddr == 0x00FF_FFFF
    assert child.highaddr == 0x2_0000_0FFF
    assert child.filter is filt and child.filterarg == "p"
    assert (child.maxsize, child.nsegments) == (0x4000, 3)
    below_root = tag_create(root, lowaddr=0x1234, highaddr=0x5678)
    assert (below_root.lowaddr, below_root.highaddr) == (0x1FFF, 0x5FFF)
    assert below_root.alignment == 1 and below_root.boundary == 0


def test_tag_destroy_ebusy_and_lockfunc_default(root):
    tag = tag_create(root, lockfuncarg="ignored")
    assert tag.lockfunc is busdma.bus_dma_dflt_lock and tag.lockfuncarg is None
    child = tag_create(tag)
    with pytest.raises(busdma.BusDmaError) as exc:
        busdma.bus_dma_tag_destroy(tag)
    assert exc.value.errno == errno.EBUSY
    busdma.bus_dma_tag_destroy(child)
    m = busdma.bus_dmamap_create(tag, 0)
    with pytest.raises(busdma.BusDmaError) as exc:
        busdma.bus_dma_tag_destroy(tag)
    assert exc.value.errno == errno.EBUSY
    busdma.bus_dmamap_destroy(tag, m)
    assert busdma.bus_dma_tag_destroy(tag) is None
    einval(busdma.bus_dma_tag_destroy, tag)
    einval(busdma.bus_dmamap_create, tag)


def test_lock_helpers():
    with pytest.raises(busdma.BusDmaPanic):
        busdma.bus_dma_dflt_lock(None, BUS_DMA_LOCK)
    mtx = threading.Lock()
    busdma.busdma_lock_mutex(mtx, BUS_DMA_LOCK)
    assert mtx.locked()
    busdma.busdma_lock_mutex(mtx, BUS_DMA_UNLOCK)
    assert not mtx.locked()
    with pytest.raises(busdma.BusDmaPanic):
        busdma.busdma_lock_mutex(mtx, 3)


# --- Loads ------------------------------------------------------------------

def test_load_returns_zero_and_calls_back(plat, root):
    tag = tag_create(root, lowaddr=BUS_SPACE_MAXADDR_32BIT, nsegments=4)
    m = busdma.bus_dmamap_create(tag)
    buf = plat.memory.buffer([HIGH + 0x5000], 0x10, 0x100)
    calls = []
    ret = busdma.bus_dmamap_load(tag, m, buf, 0x100,
                                 lambda *a: calls.append(a), "ARG", 0)
    assert ret == 0
    (arg, segs, nseg, error), = calls
    assert (arg, nseg, error) == ("ARG", 1, 0)
    assert isinstance(segs[0], busdma.DmaSegment)
    assert segs[0].ds_len == 0x100 and segs[0].ds_addr + 0xFF <= BUS_SPACE_MAXADDR_32BIT
    assert m.loaded and m.dm_nsegs == 1 and m.dm_mapsize == 0x100
    assert m.dm_segs == segs and m.dm_segs is not m.dm_segs
    einval(busdma.bus_dmamap_load, tag, m, buf, 0x100, lambda *a: None, None, 0)
    busdma.bus_dmamap_unload(tag, m)
    assert (m.dm_segs, m.dm_nsegs, m.dm_mapsize, m.loaded) == ([], 0, 0, False)
    einval(busdma.bus_dmamap_unload, tag, m)
    einval(busdma.bus_dmamap_sync, tag, m, BUS_DMASYNC_PREWRITE)


def test_zero_length_loads_succeed_without_segments(plat, root):
    tag = tag_create(root, nsegments=1)
    m = busdma.bus_dmamap_create(tag)
    buf = plat.memory.alloc_buffer(0x100)
    calls = []
    assert busdma.bus_dmamap_load(tag, m, buf, 0, lambda *a: calls.append(a), 1, 0) == 0
    assert calls == [(1, [], 0, 0)]
    busdma.bus_dmamap_unload(tag, m)
    assert busdma.bus_dmamap_load_phys(tag, m, 0x10000, 0, lambda *a: calls.append(a), 2, 0) == 0
    assert calls[-1] == (2, [], 0, 0)


def test_efbig_goes_to_the_callback(plat, root):
    tag = tag_create(root, nsegments=1, maxsize=0x2000)
    m = busdma.bus_dmamap_create(tag)
    buf = plat.memory.buffer([0x100000, 0x300000], 0xF00, 0x200)
    calls = []
    assert busdma.bus_dmamap_load(tag, m, buf, 0x200, lambda *a: calls.append(a), "a", 0) == 0
    assert calls == [("a", [], 0, errno.EFBIG)]
    assert not m.loaded
    einval(busdma.bus_dmamap_unload, tag, m)
    with pytest.raises(busdma.BusDmaError) as exc:
        busdma.bus_dmamap_load_mbuf_sg(tag, m, busdma.Mbuf(buf), 0)
    assert exc.value.errno == errno.EFBIG
    got = []
    mb = busdma.Mbuf(buf)
    assert busdma.bus_dmamap_load_mbuf(tag, m, mb, lambda *a: got.append(a), "b", 0) == errno.EFBIG
    assert got == [("b", [], 0, 0, errno.EFBIG)]


def test_load_misuse_is_einval_and_never_calls_back(plat, root):
    tag = tag_create(root, maxsize=0x1000)
    other = tag_create(root)
    m = busdma.bus_dmamap_create(tag)
    buf = plat.memory.alloc_buffer(0x2000)
    foreign = busdma.BouncePlatform(memory_size=1 << 30).memory.alloc_buffer(0x10)
    calls = []

    def cb(*a):
        calls.append(a)
    einval(busdma.bus_dmamap_load, tag, m, buf, 0x1001, cb, None, 0)       # > maxsize
    einval(busdma.bus_dmamap_load, tag, m, buf.slice(0, 0x10), 0x11, cb, None, 0)
    einval(busdma.bus_dmamap_load, other, m, buf, 0x10, cb, None, 0)       # foreign map
    einval(busdma.bus_dmamap_load, tag, m, foreign, 0x10, cb, None, 0)     # foreign memory
    einval(busdma.bus_dmamap_load, tag, m, buf, 0x10, None, None, 0)       # no callback
    einval(busdma.bus_dmamap_load, None, m, buf, 0x10, cb, None, 0)
    einval(busdma.bus_dmamap_load_mbuf, tag, m, busdma.Mbuf(buf.slice(0, 0x10),
                                                            pkthdr_len=0x1001), cb, None, 0)
    assert calls == []
    assert not m.loaded


@pytest.mark.parametrize("op", [0, 0x10, BUS_DMASYNC_PREWRITE | 0x20])
def test_sync_bad_op_is_einval(plat, root, op):
    tag = tag_create(root)
    m = busdma.bus_dmamap_create(tag)
    assert busdma.bus_dmamap_load(tag, m, plat.memory.alloc_buffer(0x10), 0x10,
                                  lambda *a: None, None, 0) == 0
    einval(busdma.bus_dmamap_sync, tag, m, op)


def test_uio_negative_resid_is_einval(plat, root):
    """audit: a negative uio_resid used to load 0 bytes and report mapsize -1."""
    tag = tag_create(root)
    m = busdma.bus_dmamap_create(tag)
    calls = []
    uio = busdma.Uio([plat.memory.alloc_buffer(0x100)], -1)
    einval(busdma.bus_dmamap_load_uio, tag, m, uio, lambda *a: calls.append(a), None, 0)
    assert calls == [] and not m.loaded


def test_uio_and_mbuf_callback2(plat, root):
    tag = tag_create(root)
    m = busdma.bus_dmamap_create(tag)
    a, b = plat.memory.alloc_buffer(0x300), plat.memory.alloc_buffer(0x200)
    got = []
    uio = busdma.Uio([a, b], 0x400)
    assert busdma.bus_dmamap_load_uio(tag, m, uio, lambda *x: got.append(x), "u", 0) == 0
    arg, segs, nseg, mapsize, error = got[-1]
    assert (arg, nseg, mapsize, error) == ("u", len(segs), 0x400, 0)
    assert sum(s.ds_len for s in segs) == 0x400
    busdma.bus_dmamap_unload(tag, m)
    einval(busdma.bus_dmamap_load_uio, tag, m, busdma.Uio([a], 0x301), lambda *x: None, None, 0)
    einval(busdma.bus_dmamap_load_uio, tag, m,
           busdma.Uio([a], uio_segflg=busdma.UIO_USERSPACE), lambda *x: None, None, 0)
    chain = busdma.Mbuf.chain([a, plat.memory.alloc_buffer(0x10).slice(0, 0), b])
    assert chain.m_pkthdr.len == 0x500
    assert busdma.bus_dmamap_load_mbuf(tag, m, chain, lambda *x: got.append(x), "m", 0) == 0
    assert got[-1][0] == "m" and got[-1][3:] == (0x500, 0)
    busdma.bus_dmamap_unload(tag, m)
    segs, nsegs = busdma.bus_dmamap_load_mbuf_sg(tag, m, chain, 0)
    assert nsegs == len(segs) and sum(s.ds_len for s in segs) == 0x500


def test_deferral_fifo_with_lockfunc(root):
    plat = busdma.BouncePlatform(memory_size=8 << 30, max_bounce_pages=2)
    root = plat.bus_get_dma_tag()
    log = []
    tag = tag_create(root, lowaddr=BUS_SPACE_MAXADDR_32BIT, maxsize=0x2000,
                     lockfunc=lambda arg, op: log.append(("lock", arg, op)), lockfuncarg="L")
    maps = [busdma.bus_dmamap_create(tag) for _ in range(3)]
    bufs = [plat.memory.buffer([HIGH + i * 0x10000, HIGH + i * 0x10000 + 0x1000])
            for i in range(3)]

    def cb(arg, segs, nseg, error):
        log.append(("cb", arg, nseg, error))
    rets = [busdma.bus_dmamap_load(tag, maps[i], bufs[i], 0x2000, cb, i, 0) for i in range(3)]
    assert rets == [0, errno.EINPROGRESS, errno.EINPROGRESS]
    assert log == [("cb", 0, log[0][2], 0)]
    assert not maps[1].loaded
    einval(busdma.bus_dmamap_load, tag, maps[1], bufs[1], 0x10, cb, None, 0)
    einval(busdma.bus_dmamap_sync, tag, maps[1], BUS_DMASYNC_PREWRITE)
    with pytest.raises(busdma.BusDmaError) as exc:
        busdma.bus_dmamap_destroy(tag, maps[1])
    assert exc.value.errno == errno.EBUSY
    assert plat.stats().total_deferred == 2
    # NOWAIT while short: ENOMEM, callback told, map unloaded.
    extra = busdma.bus_dmamap_create(tag)
    assert busdma.bus_dmamap_load(tag, extra, plat.memory.buffer([HIGH + 0x80000]), 0x10,
                                  cb, "nw", BUS_DMA_NOWAIT) == errno.ENOMEM
    assert log[-1] == ("cb", "nw", 0, errno.ENOMEM) and not extra.loaded
    del log[:]
    busdma.bus_dmamap_unload(tag, maps[0])
    assert log[0] == ("lock", "L", BUS_DMA_LOCK) and log[1][:2] == ("cb", 1)
    assert log[2] == ("lock", "L", BUS_DMA_UNLOCK) and len(log) == 3
    assert maps[1].loaded
    busdma.bus_dmamap_unload(tag, maps[2])       # cancels the pending load
    busdma.bus_dmamap_unload(tag, maps[1])
    assert len(log) == 3


def test_bounce_sync_directions(plat, root):
    tag = tag_create(root, lowaddr=BUS_SPACE_MAXADDR_32BIT)
    m = busdma.bus_dmamap_create(tag)
    buf = plat.memory.buffer([HIGH + 0x20000], 0, 0x100)
    buf.write(0, b"A" * 0x100)
    segs = []
    busdma.bus_dmamap_load(tag, m, buf, 0x100, lambda a, s, n, e: segs.extend(s), None, 0)
    bounce = segs[0].ds_addr
    assert bounce != buf.paddr(0)
    busdma.bus_dmamap_sync(tag, m, BUS_DMASYNC_PREREAD)
    assert plat.memory.read(bounce, 0x100) != b"A" * 0x100
    busdma.bus_dmamap_sync(tag, m, BUS_DMASYNC_PREWRITE)
    assert plat.memory.read(bounce, 0x100) == b"A" * 0x100
    plat.memory.write(bounce, b"B" * 0x100)          # the device writes
    busdma.bus_dmamap_sync(tag, m, BUS_DMASYNC_POSTWRITE)
    assert buf.read() == b"A" * 0x100
    busdma.bus_dmamap_sync(tag, m, BUS_DMASYNC_POSTREAD)
    assert buf.read() == b"B" * 0x100
    before = plat.stats().total_bounced
    busdma.bus_dmamap_sync(tag, m, BUS_DMASYNC_PREWRITE | BUS_DMASYNC_POSTREAD)
    # Each copying direction counts, as FreeBSD's total_bounced does.
    assert plat.stats().total_bounced == before + 2
    busdma.bus_dmamap_unload(tag, m)
    assert plat.stats().active_bpages == 0


# --- Maps and DMA memory ----------------------------------------------------

def test_dmamem_alloc_free(plat, root):
    tag = tag_create(root, lowaddr=BUS_SPACE_MAXADDR_32BIT, maxsize=3 * PAGE_SIZE,
                     nsegments=1, maxsegsz=3 * PAGE_SIZE)
    vaddr, m = busdma.bus_dmamem_alloc(tag, BUS_DMA_ZERO | busdma.BUS_DMA_COHERENT)
    assert isinstance(vaddr, busdma.KvaBuffer) and vaddr.offset == 0
    assert len(vaddr) == 3 * PAGE_SIZE and vaddr.read() == bytes(3 * PAGE_SIZE)
    assert m.coherent and not m.loaded and m.tag is tag and tag.map_count == 1
    assert all(p + PAGE_SIZE - 1 <= BUS_SPACE_MAXADDR_32BIT for p in vaddr.pages)
    calls = []
    assert m.load(vaddr, len(vaddr), lambda *a: calls.append(a)) == 0
    assert calls[0][2:] == (1, 0) and plat.stats().active_bpages == 0
    einval(busdma.bus_dmamap_destroy, tag, m)
    einval(busdma.bus_dmamem_free, tag, plat.memory.alloc_buffer(0x10), m)
    assert busdma.bus_dmamem_free(tag, vaddr, m) is None      # unloads too
    assert tag.map_count == 0
    einval(busdma.bus_dmamem_free, tag, vaddr, m)
    v2, m2 = busdma.bus_dmamem_alloc(tag, 0)
    assert not m2.coherent
    busdma.bus_dmamem_free(tag, v2, m2)


def test_dmamem_alloc_enomem(root):
    tag = tag_create(root, lowaddr=BUS_SPACE_MAXADDR_32BIT, maxsize=1 << 33)
    with pytest.raises(busdma.BusDmaError) as exc:
        busdma.bus_dmamem_alloc(tag, BUS_DMA_NOWAIT)
    assert exc.value.errno == errno.ENOMEM


def test_filter_sees_only_window_addresses(plat, root):
    seen = []

    def filt(arg, paddr):
        seen.append((arg, paddr))
        return 0 if paddr < 0x1_8000_0000 else 1
    tag = tag_create(root, lowaddr=BUS_SPACE_MAXADDR_32BIT, filtfunc=filt, filtfuncarg="f")
    m = busdma.bus_dmamap_create(tag)
    buf = plat.memory.buffer([0x1000_0000, 0x1_2000_0000, 0x1_9000_0000], 0x800, 0x2000)
    segs = []
    assert busdma.bus_dmamap_load(tag, m, buf, len(buf), lambda a, s, n, e: segs.extend(s),
                                  None, 0) == 0
    assert seen and all(arg == "f" and paddr > BUS_SPACE_MAXADDR_32BIT for arg, paddr in seen)
    assert segs[0].ds_addr == 0x1000_0800                  # below the window: used as is
    assert segs[1].ds_addr == 0x1_2000_0000                # accepted by the filter
    assert segs[2].ds_addr + segs[2].ds_len - 1 <= BUS_SPACE_MAXADDR_32BIT   # bounced


def test_iommu_deferral_and_misalignment():
    plat = busdma.IommuPlatform(memory_size=1 << 32, iova_limit=0x10000 + 0x8000,
                                guard_pages=0)
    log = []
    tag = plat.bus_get_dma_tag(5).create_child(
        maxsize=0x4000, lockfunc=lambda a, op: log.append(op), lockfuncarg=None)
    maps = [tag.create_map() for _ in range(3)]
    bufs = [plat.memory.alloc_buffer(0x4000) for _ in range(3)]
    rets = [m.load(b, 0x4000, lambda a, s, n, e: log.append((a, n, e)), i)
            for i, (m, b) in enumerate(zip(maps, bufs))]
    assert rets == [0, 0, errno.EINPROGRESS]
    assert plat.stats().total_deferred == 1
    extra = tag.create_map()
    assert extra.load(plat.memory.alloc_buffer(0x10), 0x10,
                      lambda a, s, n, e: log.append(("nw", e)), None,
                      BUS_DMA_NOWAIT) == errno.ENOMEM
    assert log[-1] == ("nw", errno.ENOMEM)
    maps[0].unload()
    plat.poll()
    assert log[-3:] == [BUS_DMA_LOCK, (2, 1, 0), BUS_DMA_UNLOCK]
    aligned = plat.bus_get_dma_tag(5).create_child(alignment=0x2000, maxsize=0x4000)
    m = aligned.create_map()
    einval(m.load, plat.memory.alloc_buffer(0x100, offset=0x80), 0x100, lambda *a: None)
    assert not m.loaded
