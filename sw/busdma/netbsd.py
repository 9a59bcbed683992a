# SPDX-License-Identifier: Apache-2.0
"""NetBSD's bus_dma(9) over busdma's machine-independent core.

NetBSD puts the transfer limits (size, segment count and size, boundary) on
the map, not on the tag, loads synchronously (no callbacks, no deferral) and
syncs a byte range of a map.  Here every NetBSD map owns a private core tag
below its NetBSD tag's core tag, so segment building, bouncing and IOVA
mapping are the very code the FreeBSD functions use, on either platform.

Names, argument order and flag values are NetBSD's (they differ from
FreeBSD's: import this module's constants, not the package's, for NetBSD
code).  Out-parameters become return values.
"""

from __future__ import annotations

import errno
from typing import Any

from . import constants as _freebsd
from . import core
from .constants import (
    BUS_SPACE_MAXADDR, BUS_SPACE_MAXSIZE, BUS_SPACE_UNRESTRICTED, PAGE_MASK, PAGE_SHIFT,
    PAGE_SIZE, powerof2, round_page, trunc_page,
)
from .core import BusDmaError, DmaSegment, Mbuf, Platform, Uio
from .memory import KvaBuffer, OutOfMemory

# Flags (sys/bus.h).  Only BUS_DMA_NOWAIT/WAITOK and BUS_DMA_ALLOCNOW change
# what happens here; the rest are hints, accepted.
BUS_DMA_WAITOK = 0x000
BUS_DMA_NOWAIT = 0x001
BUS_DMA_ALLOCNOW = 0x002
BUS_DMA_COHERENT = 0x004
BUS_DMA_STREAMING = 0x008
BUS_DMA_BUS1 = 0x010
BUS_DMA_BUS2 = 0x020
BUS_DMA_BUS3 = 0x040
BUS_DMA_BUS4 = 0x080
BUS_DMA_READ = 0x100
BUS_DMA_WRITE = 0x200
BUS_DMA_NOCACHE = 0x400
BUS_DMA_PREFETCHABLE = 0x800
_ALL_FLAGS = 0xFFF

BUS_DMASYNC_PREREAD = 0x01
BUS_DMASYNC_POSTREAD = 0x02
BUS_DMASYNC_PREWRITE = 0x04
BUS_DMASYNC_POSTWRITE = 0x08
_PRE = BUS_DMASYNC_PREREAD | BUS_DMASYNC_PREWRITE
_POST = BUS_DMASYNC_POSTREAD | BUS_DMASYNC_POSTWRITE

# Memory protections for bus_dmamem_mmap (uvm's VM_PROT_*).
VM_PROT_NONE = 0x00
VM_PROT_READ = 0x01
VM_PROT_WRITE = 0x02
VM_PROT_EXECUTE = 0x04
_ALL_PROT = VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXECUTE

__all__ = [
    "BUS_DMA_WAITOK", "BUS_DMA_NOWAIT", "BUS_DMA_ALLOCNOW", "BUS_DMA_COHERENT",
    "BUS_DMA_STREAMING", "BUS_DMA_BUS1", "BUS_DMA_BUS2", "BUS_DMA_BUS3", "BUS_DMA_BUS4",
    "BUS_DMA_READ", "BUS_DMA_WRITE", "BUS_DMA_NOCACHE", "BUS_DMA_PREFETCHABLE",
    "BUS_DMASYNC_PREREAD", "BUS_DMASYNC_POSTREAD", "BUS_DMASYNC_PREWRITE",
    "BUS_DMASYNC_POSTWRITE", "VM_PROT_NONE", "VM_PROT_READ", "VM_PROT_WRITE",
    "VM_PROT_EXECUTE", "DmaSegment", "NetbsdDmaTag", "NetbsdDmaMap", "dma_tag",
    "bus_dmamap_create", "bus_dmamap_destroy", "bus_dmamap_load", "bus_dmamap_load_mbuf",
    "bus_dmamap_load_uio", "bus_dmamap_load_raw", "bus_dmamap_unload", "bus_dmamap_sync",
    "bus_dmamem_alloc", "bus_dmamem_free", "bus_dmamem_map", "bus_dmamem_unmap",
    "bus_dmamem_mmap", "bus_dmatag_subregion", "bus_dmatag_destroy",
]


def _einval(message: str) -> BusDmaError:
    return BusDmaError(errno.EINVAL, message)


class NetbsdDmaTag:
    """``bus_dma_tag_t``: a device's DMA view, possibly limited to a subregion.

    ``min_addr``/``max_addr`` bound the DMA addresses (``max_addr`` as the
    core tag's ``lowaddr``: memory above it is bounced, or IOVAs stay below
    it); ``min_addr`` only restricts ``bus_dmamem_alloc``, as on NetBSD/x86.
    """

    def __init__(self, platform: Platform, core_tag: core.DmaTag, min_addr: int,
                 max_addr: int, parent: NetbsdDmaTag | None):
        self.platform = platform
        self.core_tag = core_tag
        self.min_addr = min_addr
        self.max_addr = max_addr
        self.parent = parent
        self.map_count = 0
        self.subregion_count = 0
        self.destroyed = False
        self._dmamem: dict[tuple[tuple[int, int], ...], list[int]] = {}
        self._kvas: dict[int, tuple[KvaBuffer, int, tuple]] = {}

    def __repr__(self) -> str:
        return f"NetbsdDmaTag(min_addr={self.min_addr:#x}, max_addr={self.max_addr:#x})"


class NetbsdDmaMap:
    """``bus_dmamap_t`` with NetBSD's public fields.

    ``dm_maxsegsz`` may be lowered by the driver before a load (never above
    the value given to bus_dmamap_create); unload restores it.  ``dm_segs``
    (a fresh list of ``DmaSegment``), ``dm_nsegs`` and ``dm_mapsize`` describe
    the current mapping.  ``_dm_size``, ``_dm_segcnt``, ``_dm_maxmaxsegsz``,
    ``_dm_boundary`` and ``_dm_flags`` are the creation arguments.
    """

    def __init__(self, tag: NetbsdDmaTag, size: int, nsegments: int, maxsegsz: int,
                 boundary: int, flags: int, core_tag: core.DmaTag, core_map: core.DmaMap):
        self.tag = tag
        self._dm_size = size
        self._dm_segcnt = nsegments
        self._dm_maxmaxsegsz = maxsegsz
        self._dm_boundary = boundary
        self._dm_flags = flags
        self.dm_maxsegsz = maxsegsz
        self.core_tag = core_tag
        self.core_map = core_map
        self.destroyed = False

    @property
    def dm_segs(self) -> list[DmaSegment]:
        return self.core_map.dm_segs

    @property
    def dm_nsegs(self) -> int:
        return self.core_map.dm_nsegs

    @property
    def dm_mapsize(self) -> int:
        return self.core_map.dm_mapsize

    @property
    def loaded(self) -> bool:
        return self.core_map.loaded


def dma_tag(platform: Platform, device_id: int = 0) -> NetbsdDmaTag:
    """The tag a bus hands to a device's driver (NetBSD's ``pa->pa_dmat``): no limits."""
    if not isinstance(platform, Platform):
        raise _einval("not a busdma platform")
    return NetbsdDmaTag(platform, platform.bus_get_dma_tag(device_id), 0, BUS_SPACE_MAXADDR,
                        None)


def _check_tag(tag: Any) -> NetbsdDmaTag:
    if not isinstance(tag, NetbsdDmaTag):
        raise _einval("not a NetBSD DMA tag")
    if tag.destroyed:
        raise _einval("DMA tag has been destroyed")
    return tag


def _check_map(tag: Any, dmam: Any) -> tuple[NetbsdDmaTag, NetbsdDmaMap]:
    tag = _check_tag(tag)
    if not isinstance(dmam, NetbsdDmaMap):
        raise _einval("not a NetBSD DMA map")
    if dmam.destroyed:
        raise _einval("DMA map has been destroyed")
    if dmam.tag is not tag:
        raise _einval("DMA map belongs to another tag")
    return tag, dmam


def _check_flags(flags: Any) -> int:
    if not isinstance(flags, int) or flags & ~_ALL_FLAGS or flags < 0:
        raise _einval(f"bad bus_dma flags {flags!r}")
    return flags


# --- Tags -------------------------------------------------------------------

def bus_dmatag_subregion(tag: NetbsdDmaTag, min_addr: int, max_addr: int,
                         flags: int) -> NetbsdDmaTag:
    """A new tag whose DMA addresses lie in [min_addr, max_addr] (intersected
    with ``tag``'s range); returns it (NetBSD's ``*newtag``)."""
    tag = _check_tag(tag)
    _check_flags(flags)
    if not isinstance(min_addr, int) or not isinstance(max_addr, int) \
            or not 0 <= min_addr <= max_addr:
        raise _einval(f"bad subregion [{min_addr!r}, {max_addr!r}]")
    lo, hi = max(tag.min_addr, min_addr), min(tag.max_addr, max_addr)
    if lo > hi:
        raise _einval("the subregion does not overlap the tag's range")
    core_tag = core.bus_dma_tag_create(tag.core_tag, 1, 0, hi, BUS_SPACE_MAXADDR, None, None,
                                       BUS_SPACE_MAXSIZE, BUS_SPACE_UNRESTRICTED,
                                       BUS_SPACE_MAXSIZE, 0, None, None)
    tag.subregion_count += 1
    return NetbsdDmaTag(tag.platform, core_tag, lo, hi, tag)


def bus_dmatag_destroy(tag: NetbsdDmaTag) -> None:
    """Destroy a tag made by bus_dmatag_subregion.

    EBUSY while it has maps, subregions or DMA memory; EINVAL for the bus's
    own tag (from ``dma_tag``), which is not the driver's to free."""
    tag = _check_tag(tag)
    if tag.parent is None:
        raise _einval("the bus's tag is not the driver's to destroy")
    if tag.map_count or tag.subregion_count or tag._dmamem:
        raise BusDmaError(errno.EBUSY, "tag still has maps, subregions or DMA memory")
    core.bus_dma_tag_destroy(tag.core_tag)
    tag.destroyed = True
    tag.parent.subregion_count -= 1


# --- Maps -------------------------------------------------------------------

def bus_dmamap_create(tag: NetbsdDmaTag, size: int, nsegments: int, maxsegsz: int,
                      boundary: int, flags: int) -> NetbsdDmaMap:
    """A map for transfers of at most ``size`` bytes in at most ``nsegments``
    segments of at most ``maxsegsz`` bytes, none crossing ``boundary``."""
    tag = _check_tag(tag)
    flags = _check_flags(flags)
    for name, value in (("size", size), ("nsegments", nsegments), ("maxsegsz", maxsegsz)):
        if not isinstance(value, int) or value <= 0:
            raise _einval(f"{name} must be a positive int")
    if not isinstance(boundary, int) or boundary < 0 or (boundary and not powerof2(boundary)):
        raise _einval("boundary must be 0 or a power of 2")
    core_flags = _freebsd.BUS_DMA_ALLOCNOW if flags & BUS_DMA_ALLOCNOW else 0
    core_tag = core.bus_dma_tag_create(tag.core_tag, 1, boundary, tag.max_addr,
                                       BUS_SPACE_MAXADDR, None, None, size, nsegments,
                                       maxsegsz, core_flags, None, None)
    try:
        core_map = core.bus_dmamap_create(core_tag, 0)
    except BaseException:
        core.bus_dma_tag_destroy(core_tag)
        raise
    tag.map_count += 1
    return NetbsdDmaMap(tag, size, nsegments, maxsegsz, boundary, flags, core_tag, core_map)


def bus_dmamap_destroy(tag: NetbsdDmaTag, dmam: NetbsdDmaMap) -> None:
    """Destroy an unloaded map (EBUSY if it is loaded)."""
    tag, dmam = _check_map(tag, dmam)
    if dmam.core_map.state != "unloaded":
        raise BusDmaError(errno.EBUSY, "map is still loaded")
    core.bus_dmamap_destroy(dmam.core_tag, dmam.core_map)
    core.bus_dma_tag_destroy(dmam.core_tag)
    dmam.destroyed = True
    tag.map_count -= 1


def _load(tag: NetbsdDmaTag, dmam: NetbsdDmaMap, sources: list, total: int, flags: int) -> int:
    """Load ``sources`` synchronously; 0, ENOMEM or EFBIG (map left unloaded)."""
    _check_flags(flags)
    if total > dmam._dm_size:
        raise _einval(f"{total:#x} bytes exceed the map's size {dmam._dm_size:#x}")
    if not isinstance(dmam.dm_maxsegsz, int) or not 0 < dmam.dm_maxsegsz <= dmam._dm_maxmaxsegsz:
        raise _einval("dm_maxsegsz must lie in (0, the maxsegsz of bus_dmamap_create]")
    core_tag = dmam.core_tag
    core_tag.maxsegsz = dmam.dm_maxsegsz
    if core_tag.boundary and core_tag.boundary < core_tag.maxsegsz:
        core_tag.maxsegsz = core_tag.boundary
    core_tag_checked, core_map = core._begin_load(core_tag, dmam.core_map, sources, _no_callback)
    error, _, _ = core_tag.platform.start_load(
        core_tag_checked, core_map, core._Request(sources, _freebsd.BUS_DMA_NOWAIT, None, None))
    if error:
        dmam.dm_maxsegsz = dmam._dm_maxmaxsegsz
    return error


def _no_callback(*args: Any) -> None:
    pass


def bus_dmamap_load(tag: NetbsdDmaTag, dmam: NetbsdDmaMap, buf: KvaBuffer, buflen: int,
                    l: Any, flags: int) -> int:
    """Map ``buflen`` bytes of the kernel buffer ``buf``; returns 0, ENOMEM or EFBIG.

    ``l`` (the lwp of a user-space buffer) must be None: kernel buffers only."""
    tag, dmam = _check_map(tag, dmam)
    if l is not None:
        raise _einval("user-space buffers (an lwp) are not supported")
    source = core._buffer_source(buf, buflen)
    return _load(tag, dmam, [source], buflen, flags)


def bus_dmamap_load_mbuf(tag: NetbsdDmaTag, dmam: NetbsdDmaMap, chain: Mbuf, flags: int) -> int:
    """Map an mbuf chain (its ``m_pkthdr.len`` bytes); returns 0, ENOMEM or EFBIG."""
    tag, dmam = _check_map(tag, dmam)
    sources = core._mbuf_sources(chain)
    if chain.m_pkthdr.len != sum(len(s) for s in sources):
        raise _einval("m_pkthdr.len is not the length of the chain")
    return _load(tag, dmam, sources, chain.m_pkthdr.len, flags)


def bus_dmamap_load_uio(tag: NetbsdDmaTag, dmam: NetbsdDmaMap, uio: Uio, flags: int) -> int:
    """Map the first ``uio_resid`` bytes of a kernel uio; returns 0, ENOMEM or EFBIG."""
    tag, dmam = _check_map(tag, dmam)
    sources = core._uio_sources(uio)
    return _load(tag, dmam, sources, uio.uio_resid, flags)


def _segment_pairs(segs: Any, nsegs: Any) -> list[tuple[int, int]]:
    if isinstance(segs, (str, bytes)) or not hasattr(segs, "__len__"):
        raise _einval("segs must be a list of DmaSegment")
    if not isinstance(nsegs, int) or not 0 < nsegs <= len(segs):
        raise _einval(f"nsegs {nsegs!r} does not fit {len(segs)} segment(s)")
    pairs = []
    for seg in list(segs)[:nsegs]:
        if not isinstance(seg, DmaSegment):
            raise _einval("segs must be a list of DmaSegment")
        pairs.append((seg.ds_addr, seg.ds_len))
    return pairs


def bus_dmamap_load_raw(tag: NetbsdDmaTag, dmam: NetbsdDmaMap, segs: list[DmaSegment],
                        nsegs: int, size: int, flags: int) -> int:
    """Map the first ``size`` bytes of memory from bus_dmamem_alloc, given by
    its (physical) segments; returns 0, ENOMEM or EFBIG."""
    tag, dmam = _check_map(tag, dmam)
    pairs = _segment_pairs(segs, nsegs)
    if not isinstance(size, int) or size < 0 or size > sum(n for _, n in pairs):
        raise _einval("size must lie within the segments")
    sources, left = [], size
    for addr, length in pairs:
        take = min(left, length)
        if take:
            sources.append(core._phys_source(dmam.core_tag, addr, take))
        left -= take
    return _load(tag, dmam, sources, size, flags)


def bus_dmamap_unload(tag: NetbsdDmaTag, dmam: NetbsdDmaMap) -> None:
    """Release the mapping; ``dm_maxsegsz`` goes back to its creation value."""
    tag, dmam = _check_map(tag, dmam)
    core.bus_dmamap_unload(dmam.core_tag, dmam.core_map)
    dmam.dm_maxsegsz = dmam._dm_maxmaxsegsz


def bus_dmamap_sync(tag: NetbsdDmaTag, dmam: NetbsdDmaMap, offset: int, len: int,
                    ops: int) -> None:
    """Synchronize bytes [offset, offset + len) of the mapping.

    On the bounce platform PREWRITE copies the bounced bytes of that range
    to the bounce pages and POSTREAD copies them back; nothing outside the
    range is touched.  EINVAL for ops of 0, unknown bits or PRE mixed with
    POST, an unloaded map, ``offset >= dm_mapsize``, ``len == 0`` or a range
    past ``dm_mapsize``."""
    tag, dmam = _check_map(tag, dmam)
    if not isinstance(ops, int) or ops <= 0 or ops & ~(_PRE | _POST):
        raise _einval(f"bad sync operations {ops!r}")
    if ops & _PRE and ops & _POST:
        raise _einval("PRE and POST operations cannot be mixed in one call")
    if not dmam.loaded:
        raise _einval("map is not loaded")
    mapsize = dmam.dm_mapsize
    if not isinstance(offset, int) or not 0 <= offset < mapsize:
        raise _einval(f"offset {offset!r} is outside the mapping ({mapsize:#x} bytes)")
    if not isinstance(len, int) or len <= 0 or offset + len > mapsize:
        raise _einval(f"length {len!r} at offset {offset:#x} is outside the mapping "
                      f"({mapsize:#x} bytes)")
    core_ops = 0
    for netbsd_op, core_op in ((BUS_DMASYNC_PREREAD, _freebsd.BUS_DMASYNC_PREREAD),
                               (BUS_DMASYNC_POSTREAD, _freebsd.BUS_DMASYNC_POSTREAD),
                               (BUS_DMASYNC_PREWRITE, _freebsd.BUS_DMASYNC_PREWRITE),
                               (BUS_DMASYNC_POSTWRITE, _freebsd.BUS_DMASYNC_POSTWRITE)):
        if ops & netbsd_op:
            core_ops |= core_op
    dmam.core_tag.platform.md_sync_range(dmam.core_tag, dmam.core_map, core_ops, offset, len)


# --- DMA-safe memory --------------------------------------------------------

def _runs(pages: list[int], size: int, boundary: int) -> list[tuple[int, int]]:
    """Physically contiguous runs of the first ``size`` bytes of ``pages``,
    split at ``boundary`` multiples."""
    runs: list[list[int]] = []
    left = size
    for page in pages:
        n = min(PAGE_SIZE, left)
        if runs and runs[-1][0] + runs[-1][1] == page:
            runs[-1][1] += n
        else:
            runs.append([page, n])
        left -= n
    if not boundary:
        return [(a, n) for a, n in runs]
    out = []
    for addr, n in runs:
        while n:
            take = min(n, boundary - (addr & (boundary - 1)))
            out.append((addr, take))
            addr += take
            n -= take
    return out


def bus_dmamem_alloc(tag: NetbsdDmaTag, size: int, alignment: int, boundary: int, nsegs: int,
                     flags: int) -> tuple[list[DmaSegment], int]:
    """Allocate ``round_page(size)`` bytes of DMA-safe memory; returns
    ``(segs, rsegs)``: at most ``nsegs`` physical segments, the first aligned
    to ``alignment``, none crossing ``boundary``, all within the tag's range
    (on the IOMMU platform any physical memory: loading it gives the IOVAs).

    EINVAL for bad arguments; ENOMEM if the memory cannot be had (WAITOK
    cannot wait here)."""
    tag = _check_tag(tag)
    _check_flags(flags)
    if not isinstance(size, int) or size <= 0:
        raise _einval("size must be positive")
    if not isinstance(alignment, int) or alignment <= 0 or not powerof2(alignment):
        raise _einval("alignment must be a power of 2")
    if not isinstance(boundary, int) or boundary < 0 or (boundary and not powerof2(boundary)):
        raise _einval("boundary must be 0 or a power of 2")
    if not isinstance(nsegs, int) or nsegs <= 0:
        raise _einval("nsegs must be positive")
    size = round_page(size)
    npages = size // PAGE_SIZE
    lo, hi = tag.platform.md_raw_alloc_range(tag.min_addr, tag.max_addr)
    allocator = tag.platform.memory.allocator
    runs = pages = None
    if alignment <= PAGE_SIZE and nsegs > 1:
        try:
            pages = allocator.alloc_pages(npages, max_addr=hi, min_addr=lo)
        except OutOfMemory:
            pages = None
        if pages is not None:
            runs = _runs(pages, size, boundary)
            if len(runs) > nsegs:
                allocator.free(pages)
                pages = runs = None
    if pages is None:
        try:
            start = allocator.alloc_contig(size, max_addr=hi, min_addr=lo,
                                           alignment=max(alignment, PAGE_SIZE),
                                           boundary=boundary if boundary >= PAGE_SIZE else 0)
        except OutOfMemory:
            raise BusDmaError(errno.ENOMEM, "no memory satisfies the request") from None
        pages = [start + i * PAGE_SIZE for i in range(npages)]
        runs = _runs(pages, size, boundary)
        if len(runs) > nsegs:
            allocator.free(pages)
            raise BusDmaError(errno.ENOMEM, f"the memory needs {len(runs)} segments, "
                              f"more than nsegs={nsegs}")
    segs = [DmaSegment(a, n) for a, n in runs]
    tag._dmamem[tuple(runs)] = pages
    return segs, len(segs)


def _allocation(tag: NetbsdDmaTag, segs: Any, nsegs: Any) -> tuple[tuple[int, int], ...]:
    key = tuple(_segment_pairs(segs, nsegs))
    if key not in tag._dmamem:
        raise _einval("the segments are not one allocation of bus_dmamem_alloc on this tag")
    return key


def bus_dmamem_free(tag: NetbsdDmaTag, segs: list[DmaSegment], nsegs: int) -> None:
    """Free memory from bus_dmamem_alloc (all of its segments); EBUSY while mapped."""
    tag = _check_tag(tag)
    key = _allocation(tag, segs, nsegs)
    pages = tag._dmamem[key]
    if any(mapped_key == key for _, _, mapped_key in tag._kvas.values()):
        raise BusDmaError(errno.EBUSY, "the memory is still mapped (bus_dmamem_unmap it)")
    tag.platform.memory.allocator.free(pages)
    del tag._dmamem[key]




def bus_dmamem_map(tag: NetbsdDmaTag, segs: list[DmaSegment], nsegs: int, size: int,
                   flags: int) -> KvaBuffer:
    """Map ``size`` bytes of memory from bus_dmamem_alloc into "kernel virtual
    space": returns a ``KvaBuffer`` over its pages (NetBSD's ``*kvap``)."""
    tag = _check_tag(tag)
    _check_flags(flags)
    key = _allocation(tag, segs, nsegs)
    pages = tag._dmamem[key]
    if not isinstance(size, int) or not 0 < size <= len(pages) * PAGE_SIZE:
        raise _einval("size must be positive and within the memory")
    kva = KvaBuffer(tag.platform.memory, pages, 0, size)
    tag._kvas[id(kva)] = (kva, size, key)
    return kva


def bus_dmamem_unmap(tag: NetbsdDmaTag, kva: KvaBuffer, size: int) -> None:
    """Undo bus_dmamem_map; ``size`` must be the one mapped."""
    tag = _check_tag(tag)
    entry = tag._kvas.get(id(kva))
    if entry is None or entry[0] is not kva:
        raise _einval("kva does not come from bus_dmamem_map on this tag")
    if size != entry[1]:
        raise _einval(f"size {size!r} is not the mapped size {entry[1]:#x}")
    del tag._kvas[id(kva)]


def bus_dmamem_mmap(tag: NetbsdDmaTag, segs: list[DmaSegment], nsegs: int, off: int, prot: int,
                    flags: int) -> int:
    """The cookie mmap(2) needs for byte ``off`` of memory from bus_dmamem_alloc:
    its physical page number (``paddr >> PAGE_SHIFT``), or -1 if ``off`` is
    beyond the memory.  ``off`` must be page-aligned (EINVAL)."""
    tag = _check_tag(tag)
    _check_flags(flags)
    pages = tag._dmamem[_allocation(tag, segs, nsegs)]
    if not isinstance(prot, int) or prot & ~_ALL_PROT or prot < 0:
        raise _einval(f"bad protection {prot!r}")
    if not isinstance(off, int) or off < 0 or off & PAGE_MASK:
        raise _einval(f"offset {off!r} is not a page-aligned offset")
    index = off // PAGE_SIZE
    if index >= len(pages):
        return -1
    return trunc_page(pages[index]) >> PAGE_SHIFT
