# SPDX-License-Identifier: Apache-2.0
"""Machine-independent bus_dma(9): tags, maps, segment building and deferral.

This is the part FreeBSD keeps in sys/kern/subr_bus_dma.c and
sys/x86/x86/busdma_machdep.c.  What a segment address *means* (a physical
address, possibly of a bounce page, or an IOVA) is decided by the platform:
a ``Platform`` subclass implements the machine-dependent hooks below.
"""

from __future__ import annotations

import errno
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .constants import (
    BIO_UNMAPPED, BIO_VLIST, BUS_DMA_COHERENT, BUS_DMA_LOCK, BUS_DMA_NOCACHE,
    BUS_DMA_NOWAIT, BUS_DMA_UNLOCK, BUS_DMASYNC_POSTREAD, BUS_DMASYNC_POSTWRITE,
    BUS_DMASYNC_PREREAD, BUS_DMASYNC_PREWRITE, BUS_SPACE_MAXADDR, BUS_SPACE_MAXSIZE,
    BUS_SPACE_UNRESTRICTED, CAM_DATA_BIO, CAM_DATA_MASK, CAM_DATA_PADDR, CAM_DATA_SG,
    CAM_DATA_SG_PADDR, CAM_DATA_VADDR, CAM_DIR_MASK, CAM_DIR_NONE, CAM_DIR_OUT,
    MEMDESC_BIO, MEMDESC_CCB, MEMDESC_MBUF, MEMDESC_PADDR, MEMDESC_PLIST, MEMDESC_UIO,
    MEMDESC_VADDR, MEMDESC_VLIST, MEMDESC_VMPAGES, PAGE_MASK, PAGE_SIZE, UIO_SYSSPACE,
    UIO_WRITE, XPT_ATA_IO, XPT_CONT_TARGET_IO, XPT_NVME_ADMIN, XPT_NVME_IO, XPT_SCSI_IO,
    powerof2, trunc_page,
)
from .memory import KvaBuffer, PhysicalMemory, PhysRange
from .peer import PeerRange, PeerWindow

FilterFunc = Callable[[Any, int], int]
LockFunc = Callable[[Any, int], None]
Callback = Callable[[Any, list, int, int], None]
Callback2 = Callable[[Any, list, int, int, int], None]

_ALL_SYNC_OPS = (BUS_DMASYNC_PREREAD | BUS_DMASYNC_POSTREAD |
                 BUS_DMASYNC_PREWRITE | BUS_DMASYNC_POSTWRITE)


class BusDmaError(OSError):
    """An error a C bus_dma function would return; ``.errno`` holds the code."""

    def __init__(self, code: int, message: str = ""):
        super().__init__(code, message or errno.errorcode.get(code, str(code)))


class BusDmaPanic(RuntimeError):
    """A driver error FreeBSD answers with panic(9), e.g. dflt_lock being called."""


def busdma_lock_mutex(arg: threading.Lock | threading.RLock, op: int) -> None:
    """The stock lockfunc: ``arg`` is the driver's mutex (a threading lock)."""
    if op == BUS_DMA_LOCK:
        arg.acquire()
    elif op == BUS_DMA_UNLOCK:
        arg.release()
    else:
        raise BusDmaPanic(f"unknown operation {op:#x} for busdma_lock_mutex")


def bus_dma_dflt_lock(arg: Any, op: int) -> None:
    """Put into tags created without a lockfunc; such tags must never defer."""
    raise BusDmaPanic("driver error: busdma dflt_lock called")


@dataclass
class DmaSegment:
    """``bus_dma_segment_t``: a device-visible address and a length."""
    ds_addr: int
    ds_len: int

    def __repr__(self) -> str:
        return f"DmaSegment(ds_addr={self.ds_addr:#x}, ds_len={self.ds_len:#x})"


class PacketHeader:
    def __init__(self, mbuf: Mbuf, length: int | None):
        self._mbuf = mbuf
        self._length = length

    @property
    def len(self) -> int:
        if self._length is not None:
            return self._length
        return sum(m.m_len for m in self._mbuf)


class Mbuf:
    """An mbuf (chain head or link): ``m_data`` is a ``KvaBuffer`` of ``m_len`` bytes.

    ``m_pkthdr.len`` is the chain's total length unless ``pkthdr_len`` is given.
    """

    def __init__(self, m_data: KvaBuffer, m_next: Mbuf | None = None, *,
                 pkthdr_len: int | None = None):
        self.m_data = m_data
        self.m_len = m_data.length
        self.m_next = m_next
        self.m_pkthdr = PacketHeader(self, pkthdr_len)

    @classmethod
    def chain(cls, buffers: Sequence[KvaBuffer]) -> Mbuf:
        head = None
        for buf in reversed(buffers):
            head = cls(buf, head)
        if head is None:
            raise ValueError("an mbuf chain needs at least one buffer")
        return head

    def __iter__(self):
        m = self
        while m is not None:
            yield m
            m = m.m_next


class Uio:
    """A ``struct uio`` over kernel buffers (``uio_segflg`` UIO_SYSSPACE).

    ``uio_resid`` defaults to the total length of ``uio_iov``.
    """

    def __init__(self, uio_iov: Sequence[KvaBuffer], uio_resid: int | None = None, *,
                 uio_rw: int = UIO_WRITE, uio_segflg: int = UIO_SYSSPACE):
        self.uio_iov = list(uio_iov)
        self.uio_iovcnt = len(self.uio_iov)
        self.uio_resid = sum(len(b) for b in self.uio_iov) if uio_resid is None else uio_resid
        self.uio_rw = uio_rw
        self.uio_segflg = uio_segflg


def _page_array(memory: PhysicalMemory, ma: Sequence[int], tlen: int, ma_offs: int) -> KvaBuffer:
    """The ``tlen`` bytes starting ``ma_offs`` into the first of the pages ``ma``."""
    if isinstance(ma, (str, bytes)) or not isinstance(ma, Sequence):
        raise BusDmaError(errno.EINVAL, "a page array is a sequence of page addresses")
    if not 0 <= ma_offs < PAGE_SIZE:
        raise BusDmaError(errno.EINVAL, f"page offset {ma_offs:#x} is not inside a page")
    if tlen < 0 or ma_offs + tlen > len(ma) * PAGE_SIZE:
        raise BusDmaError(errno.EINVAL, f"{tlen:#x} bytes at offset {ma_offs:#x} need more "
                          f"than the {len(ma)} page(s) given")
    try:
        return KvaBuffer(memory, list(ma), ma_offs, tlen)
    except (TypeError, ValueError) as exc:
        raise BusDmaError(errno.EINVAL, f"bad page array: {exc}") from None


class Bio:
    """A ``struct bio`` as bus_dmamap_load_bio sees it.

    * mapped (default): ``bio_data`` is a ``KvaBuffer``; ``bio_bcount``
      (default ``len(bio_data)``) bytes are mapped;
    * ``BIO_UNMAPPED`` in ``bio_flags``: ``bio_ma`` is a page array (physical
      page addresses), the data starts ``bio_ma_offset`` bytes into its first
      page and is ``bio_bcount`` bytes long;
    * ``BIO_VLIST``: ``bio_data`` is a list of ``KvaBuffer`` (virtual
      segments), ``bio_ma_n`` of them are used (default all), starting
      ``bio_ma_offset`` bytes into the first, ``bio_bcount`` bytes in all.
    """

    def __init__(self, bio_data: Any = None, bio_bcount: int | None = None, *,
                 bio_flags: int = 0, bio_ma: Sequence[int] | None = None,
                 bio_ma_offset: int = 0, bio_ma_n: int | None = None):
        self.bio_data = bio_data
        self.bio_flags = bio_flags
        self.bio_ma = bio_ma
        self.bio_ma_offset = bio_ma_offset
        if bio_ma_n is None:
            if bio_flags & BIO_VLIST and isinstance(bio_data, Sequence):
                bio_ma_n = len(bio_data)
            elif bio_ma is not None:
                bio_ma_n = len(bio_ma)
            else:
                bio_ma_n = 0
        self.bio_ma_n = bio_ma_n
        if bio_bcount is None:
            if bio_flags & (BIO_UNMAPPED | BIO_VLIST):
                raise ValueError("unmapped and vlist bios need bio_bcount")
            bio_bcount = len(bio_data) if bio_data is not None else 0
        self.bio_bcount = bio_bcount

    @classmethod
    def unmapped(cls, bio_ma: Sequence[int], bio_ma_offset: int, bio_bcount: int) -> Bio:
        """A ``BIO_UNMAPPED`` bio over a page array."""
        return cls(None, bio_bcount, bio_flags=BIO_UNMAPPED, bio_ma=bio_ma,
                   bio_ma_offset=bio_ma_offset)


class CcbHeader:
    """``struct ccb_hdr``: the function code and the flags (direction, data kind)."""

    def __init__(self, func_code: int, flags: int):
        self.func_code = func_code
        self.flags = flags


class CcbIo:
    """The data fields common to ``ccb_scsiio``, ``ccb_ataio`` and ``ccb_nvmeio``."""

    def __init__(self, data_ptr: Any, dxfer_len: int, sglist_cnt: int):
        self.data_ptr = data_ptr
        self.dxfer_len = dxfer_len
        self.sglist_cnt = sglist_cnt


class Ccb:
    """A CAM control block (``union ccb``) as bus_dmamap_load_ccb sees it.

    ``flags & CAM_DATA_MASK`` says what ``data_ptr`` is: ``CAM_DATA_VADDR`` a
    ``KvaBuffer``; ``CAM_DATA_PADDR`` a physical address (int);
    ``CAM_DATA_SG`` a list of ``KvaBuffer`` (virtual S/G segments);
    ``CAM_DATA_SG_PADDR`` a list of physical segments (``DmaSegment`` or
    ``(paddr, length)``); ``CAM_DATA_BIO`` a ``Bio``.  ``sglist_cnt`` is the
    number of list entries used (default: the whole list).  ``ccb_h`` and
    ``csio``/``ctio``/``ataio``/``nvmeio`` (one shared object) hold the fields.
    """

    def __init__(self, data_ptr: Any = None, dxfer_len: int | None = None, *,
                 flags: int = CAM_DIR_OUT | CAM_DATA_VADDR, func_code: int = XPT_SCSI_IO,
                 sglist_cnt: int | None = None):
        if sglist_cnt is None:
            sglist_cnt = (len(data_ptr) if flags & CAM_DATA_MASK in (CAM_DATA_SG, CAM_DATA_SG_PADDR)
                          and isinstance(data_ptr, Sequence) else 0)
        if dxfer_len is None:
            kind = flags & CAM_DATA_MASK
            if kind == CAM_DATA_VADDR and data_ptr is not None:
                dxfer_len = len(data_ptr)
            elif kind == CAM_DATA_SG and isinstance(data_ptr, Sequence):
                dxfer_len = sum(len(b) for b in data_ptr[:sglist_cnt])
            elif kind == CAM_DATA_BIO and isinstance(data_ptr, Bio):
                dxfer_len = data_ptr.bio_bcount
            else:
                dxfer_len = 0
        self.ccb_h = CcbHeader(func_code, flags)
        self.csio = self.ctio = self.ataio = self.nvmeio = CcbIo(data_ptr, dxfer_len, sglist_cnt)


@dataclass
class Memdesc:
    """``struct memdesc``: one of the memory kinds, built by the ``memdesc_*`` functions."""
    md_type: int
    data: Any
    md_len: int = 0       # bytes for VADDR, PADDR and VMPAGES
    md_nseg: int = 0      # list entries for VLIST and PLIST
    md_offset: int = 0    # page offset for VMPAGES


def memdesc_vaddr(vaddr: KvaBuffer, length: int) -> Memdesc:
    return Memdesc(MEMDESC_VADDR, vaddr, md_len=length)


def memdesc_paddr(paddr: int, length: int) -> Memdesc:
    return Memdesc(MEMDESC_PADDR, paddr, md_len=length)


def memdesc_vlist(vlist: Sequence[KvaBuffer], sglist_cnt: int) -> Memdesc:
    return Memdesc(MEMDESC_VLIST, vlist, md_nseg=sglist_cnt)


def memdesc_plist(plist: Sequence[Any], sglist_cnt: int) -> Memdesc:
    return Memdesc(MEMDESC_PLIST, plist, md_nseg=sglist_cnt)


def memdesc_bio(bio: Bio) -> Memdesc:
    return Memdesc(MEMDESC_BIO, bio)


def memdesc_uio(uio: Uio) -> Memdesc:
    return Memdesc(MEMDESC_UIO, uio)


def memdesc_mbuf(mbuf: Mbuf) -> Memdesc:
    return Memdesc(MEMDESC_MBUF, mbuf)


def memdesc_ccb(ccb: Ccb) -> Memdesc:
    return Memdesc(MEMDESC_CCB, ccb)


def memdesc_vmpages(ma: Sequence[int], length: int, ma_offs: int) -> Memdesc:
    return Memdesc(MEMDESC_VMPAGES, ma, md_len=length, md_offset=ma_offs)


class DmaTag:
    """``bus_dma_tag_t``.  Attributes hold the effective (inherited) constraints."""

    def __init__(self, platform: Platform, parent: DmaTag | None, alignment: int,
                 boundary: int, lowaddr: int, highaddr: int, filtfunc: FilterFunc | None,
                 filtfuncarg: Any, maxsize: int, nsegments: int, maxsegsz: int, flags: int,
                 lockfunc: LockFunc | None, lockfuncarg: Any, device_id: int | None = None):
        self.platform = platform
        self.parent = parent
        self.alignment = alignment
        self.boundary = boundary
        # The window is made of whole pages, as FreeBSD's common_bus_dma_tag_create does.
        self.lowaddr = trunc_page(lowaddr) + PAGE_SIZE - 1
        self.highaddr = trunc_page(highaddr) + PAGE_SIZE - 1
        self.filter = filtfunc
        self.filterarg = filtfuncarg
        self.maxsize = maxsize
        self.nsegments = nsegments
        self.maxsegsz = maxsegsz
        self.flags = flags
        self.lockfunc = lockfunc if lockfunc is not None else bus_dma_dflt_lock
        self.lockfuncarg = lockfuncarg if lockfunc is not None else None
        self.device_id = device_id
        # Next tag whose window/filter still has to be consulted (FreeBSD
        # short-circuits parents whose constraints the child absorbed).
        self.filter_parent = parent
        self.map_count = 0
        self.child_count = 0
        self.destroyed = False
        self.is_root = parent is None
        if parent is not None:
            self.device_id = parent.device_id
        # The root tag stands for FreeBSD's NULL parent: nothing to inherit.
        if parent is not None and not parent.is_root:
            self.lowaddr = min(parent.lowaddr, self.lowaddr)
            self.highaddr = max(parent.highaddr, self.highaddr)
            self.alignment = max(parent.alignment, self.alignment)
            if self.boundary == 0:
                self.boundary = parent.boundary
            elif parent.boundary != 0:
                self.boundary = min(parent.boundary, self.boundary)
            if self.filter is None:
                self.filter = parent.filter
                self.filterarg = parent.filterarg
                self.filter_parent = parent.filter_parent
        elif parent is not None:
            self.filter_parent = None
        if self.boundary and self.boundary < self.maxsegsz:
            self.maxsegsz = self.boundary
        self.md: Any = None  # machine-dependent state, owned by the platform

    def __repr__(self) -> str:
        return (f"DmaTag(alignment={self.alignment:#x}, boundary={self.boundary:#x}, "
                f"lowaddr={self.lowaddr:#x}, highaddr={self.highaddr:#x}, "
                f"maxsize={self.maxsize:#x}, nsegments={self.nsegments}, "
                f"maxsegsz={self.maxsegsz:#x})")

    def run_filter(self, paddr: int, check_alignment: bool = True) -> bool:
        """True when ``paddr`` cannot be used directly by the device.

        An address misaligned for a tag in the chain (checked only where it
        would start a segment) must be bounced; one in a tag's exclusion window
        must be bounced unless that tag's filter function accepts it (returns 0).
        """
        tag: DmaTag | None = self
        while tag is not None:
            if check_alignment and paddr & (tag.alignment - 1):
                return True
            if (tag.lowaddr < paddr <= tag.highaddr
                    and (tag.filter is None or tag.filter(tag.filterarg, paddr) != 0)):
                return True
            tag = tag.filter_parent
        return False

    def segments_limited(self) -> bool:
        return self.nsegments != BUS_SPACE_UNRESTRICTED

    # Pythonic wrappers around the bus_dma(9) functions.
    def create_child(self, alignment: int = 1, boundary: int = 0,
                     lowaddr: int = BUS_SPACE_MAXADDR, highaddr: int = BUS_SPACE_MAXADDR,
                     filtfunc: FilterFunc | None = None, filtfuncarg: Any = None,
                     maxsize: int = BUS_SPACE_MAXSIZE, nsegments: int = BUS_SPACE_UNRESTRICTED,
                     maxsegsz: int = BUS_SPACE_MAXSIZE, flags: int = 0,
                     lockfunc: LockFunc | None = None, lockfuncarg: Any = None) -> DmaTag:
        return bus_dma_tag_create(self, alignment, boundary, lowaddr, highaddr, filtfunc,
                                  filtfuncarg, maxsize, nsegments, maxsegsz, flags,
                                  lockfunc, lockfuncarg)

    def destroy(self) -> None:
        bus_dma_tag_destroy(self)

    def create_map(self, flags: int = 0) -> DmaMap:
        return bus_dmamap_create(self, flags)

    def alloc(self, flags: int = 0) -> tuple[KvaBuffer, DmaMap]:
        return bus_dmamem_alloc(self, flags)


_UNLOADED, _DEFERRED, _LOADED = "unloaded", "deferred", "loaded"


class DmaMap:
    """``bus_dmamap_t``, with NetBSD-style read access to the current mapping."""

    def __init__(self, tag: DmaTag, dmamem: KvaBuffer | None = None):
        self.tag = tag
        self.state = _UNLOADED
        self.destroyed = False
        self.dmamem = dmamem
        self.coherent = False
        self._segs: list[DmaSegment] = []
        self._mapsize = 0
        self._deferred: _Request | None = None
        self._wait_channel: Any = None
        self._peer_windows: list[PeerWindow] = []   # windows the current load maps
        self.md: Any = None  # machine-dependent state, owned by the platform

    @property
    def loaded(self) -> bool:
        return self.state == _LOADED

    @property
    def dm_segs(self) -> list[DmaSegment]:
        return [DmaSegment(s.ds_addr, s.ds_len) for s in self._segs]

    @property
    def dm_nsegs(self) -> int:
        return len(self._segs)

    @property
    def dm_mapsize(self) -> int:
        return self._mapsize

    def load(self, buf: KvaBuffer, buflen: int, callback: Callback, callback_arg: Any = None,
             flags: int = 0) -> int:
        return bus_dmamap_load(self.tag, self, buf, buflen, callback, callback_arg, flags)

    def unload(self) -> None:
        bus_dmamap_unload(self.tag, self)

    def sync(self, op: int) -> None:
        bus_dmamap_sync(self.tag, self, op)

    def destroy(self) -> None:
        bus_dmamap_destroy(self.tag, self)


@dataclass
class _Request:
    """A load in progress: what to map and whom to tell."""
    sources: list[KvaBuffer | PhysRange | PeerRange]
    flags: int
    callback: Callback
    callback_arg: Any


class SegmentBuilder:
    """Turns device-visible chunks into segments: coalesces contiguous chunks,
    never crosses ``boundary``, never exceeds ``maxsegsz`` or ``nsegments``."""

    def __init__(self, tag: DmaTag):
        self.tag = tag
        self.segs: list[DmaSegment] = []

    def add(self, addr: int, size: int) -> int:
        """Add a chunk; return how many bytes were taken (0: out of segments)."""
        boundary = self.tag.boundary
        if boundary and addr // boundary != (addr + size - 1) // boundary:
            size = boundary - (addr & (boundary - 1))
        last = self.segs[-1] if self.segs else None
        if (last is not None and last.ds_addr + last.ds_len == addr
                and last.ds_len + size <= self.tag.maxsegsz
                and (not boundary or last.ds_addr // boundary == (addr + size - 1) // boundary)):
            last.ds_len += size
            return size
        if self.tag.segments_limited() and len(self.segs) >= self.tag.nsegments:
            return 0
        self.segs.append(DmaSegment(addr, size))
        return size


@dataclass
class Chunk:
    """A piece of client memory that becomes (part of) one segment."""
    source: KvaBuffer | PhysRange
    voff: int
    addr: int
    size: int
    needs_bounce: bool
    loff: int = 0     # offset of the chunk in the whole load (all sources)


def plan_chunks(tag: DmaTag, sources: Sequence[KvaBuffer | PhysRange]):
    """Walk the client memory page by page the way FreeBSD's load loops do.

    A chunk never leaves its page unless it is bounced, in which case it is
    rounded up to the tag's alignment (within one bounce page) so that the
    next chunk starts aligned.  Alignment is demanded only of chunks that
    start a segment; one that extends the segment before it is checked
    against the window and filter only.  Chunks are pre-clipped at
    ``boundary`` (a bounce page starts page-aligned), so counting bounce
    pages and building segments see the very same chunks.
    """
    boundary = tag.boundary
    seg_start = seg_end = seg_len = None  # the segment the last direct chunk is in
    base = 0                              # load offset of the current source
    for source in sources:
        voff = 0
        while voff < source.length:
            addr = source.paddr(voff)
            max_size = min(source.length - voff, tag.maxsegsz)
            size = min(PAGE_SIZE - (addr & PAGE_MASK), max_size)
            if boundary:
                size = min(size, boundary - (addr & (boundary - 1)))
            extends = (seg_end == addr and seg_len + size <= tag.maxsegsz
                       and (not boundary or seg_start // boundary == (addr + size - 1) // boundary))
            needs_bounce = tag.run_filter(addr, check_alignment=not extends)
            if needs_bounce:
                size = min(-(-(PAGE_SIZE - (addr & PAGE_MASK)) // tag.alignment) * tag.alignment,
                           PAGE_SIZE, max_size, boundary or PAGE_SIZE)
                seg_end = None
            elif extends:
                seg_len += size
                seg_end += size
            else:
                seg_start, seg_len, seg_end = addr, size, addr + size
            yield Chunk(source, voff, addr, size, needs_bounce, base + voff)
            voff += size
        base += source.length


class _SegmentOverflow(Exception):
    """More than ``nsegments`` segments would be needed (EFBIG)."""


class Platform:
    """The machine: host memory, root tags, and the machine-dependent hooks.

    Subclasses implement ``md_*``; everything else is machine independent.
    """

    def __init__(self, memory: PhysicalMemory):
        self.memory = memory
        # One FIFO of waiting maps per wait channel (a bounce zone, an IOMMU
        # domain), as current FreeBSD keeps one waiting list per bounce zone.
        self._waiting: dict[Any, deque[DmaMap]] = {}
        # Channels whose resources grew since their queue was last worked on.
        self._woken: dict[Any, None] = {}
        self._running_deferred = False
        self._root_tags: dict[int, DmaTag] = {}
        self._peer_windows: list[PeerWindow] = []

    # Peer-to-peer: other devices' memory windows.
    def register_peer_window(self, base: int, size: int, owner: str, *,
                             mem: Any = None) -> PeerWindow:
        """Make ``size`` bytes of a peer device's memory at bus address ``base``
        (e.g. a BAR) loadable for DMA; ``owner`` names the device.  The window
        must be page-aligned and overlap neither host memory nor another window."""
        if not isinstance(base, int) or not isinstance(size, int) or size <= 0:
            raise _einval("a peer window is an int base and a positive int size")
        if base & PAGE_MASK or size & PAGE_MASK:
            raise _einval(f"peer window {base:#x}+{size:#x} is not made of whole pages")
        if base < self.memory.size or base + size - 1 > BUS_SPACE_MAXADDR:
            raise _einval(f"peer window {base:#x}+{size:#x} overlaps host memory "
                          f"[0, {self.memory.size:#x}) or leaves the bus")
        for other in self._peer_windows:
            if base <= other.end and other.base <= base + size - 1:
                raise _einval(f"peer window {base:#x}+{size:#x} overlaps {other!r}")
        if mem is not None and len(mem) < size:
            raise _einval(f"the window's memory holds {len(mem):#x} bytes, not {size:#x}")
        window = PeerWindow(self, base, size, str(owner), mem)
        self._peer_windows.append(window)
        return window

    def unregister_peer_window(self, window: PeerWindow) -> None:
        """Withdraw a window (the peer went away); EBUSY while maps hold it."""
        if not isinstance(window, PeerWindow) or window not in self._peer_windows:
            raise _einval("not a peer window registered with this platform")
        if window.map_count:
            raise BusDmaError(errno.EBUSY, f"{window.map_count} map(s) still hold {window!r}")
        self._peer_windows.remove(window)
        window.registered = False

    @property
    def peer_windows(self) -> list[PeerWindow]:
        return list(self._peer_windows)

    def peer_window_at(self, paddr: int) -> PeerWindow | None:
        """The registered window holding bus address ``paddr``, if any."""
        return next((w for w in self._peer_windows if w.contains(paddr)), None)

    def _hold_peers(self, dmamap: DmaMap, sources: list) -> None:
        windows = []
        for source in sources:
            if isinstance(source, PeerRange) and source.window not in windows:
                windows.append(source.window)
        for window in windows:
            window.map_count += 1
        dmamap._peer_windows = windows

    @staticmethod
    def _release_peers(dmamap: DmaMap) -> None:
        for window in dmamap._peer_windows:
            window.map_count -= 1
        dmamap._peer_windows = []

    def bus_get_dma_tag(self, device_id: int = 0) -> DmaTag:
        """The unrestricted root tag a device's tags descend from."""
        tag = self._root_tags.get(device_id)
        if tag is None:
            tag = DmaTag(self, None, 1, 0, BUS_SPACE_MAXADDR, BUS_SPACE_MAXADDR, None, None,
                         BUS_SPACE_MAXSIZE, BUS_SPACE_UNRESTRICTED, BUS_SPACE_MAXSIZE, 0,
                         None, None, device_id)
            self.md_root_tag_created(tag)
            self._root_tags[device_id] = tag
        return tag

    # Machine-dependent hooks.
    def md_root_tag_created(self, tag: DmaTag) -> None:
        pass

    def md_tag_create(self, tag: DmaTag) -> None:
        """Set up ``tag.md``; honour BUS_DMA_ALLOCNOW or raise ENOMEM."""

    def md_map_create(self, tag: DmaTag, dmamap: DmaMap, for_dmamem: bool) -> None:
        """Set up ``dmamap.md``; raise ENOMEM if resources cannot be had."""

    def md_map_destroy(self, tag: DmaTag, dmamap: DmaMap) -> None:
        pass

    def md_reserve(self, tag: DmaTag, dmamap: DmaMap, sources: list, wait: bool) -> bool:
        """Hold what loading ``sources`` needs.  With ``wait`` a partial hold
        may be kept (the map is queued); without it, hold all or nothing."""
        raise NotImplementedError

    def md_load(self, tag: DmaTag, dmamap: DmaMap, sources: list,
                builder: SegmentBuilder) -> None:
        """Fill ``builder`` using the held resources; raise _SegmentOverflow."""
        raise NotImplementedError

    def md_unload(self, tag: DmaTag, dmamap: DmaMap) -> None:
        """Release everything held or used by the map."""
        raise NotImplementedError

    def md_sync(self, tag: DmaTag, dmamap: DmaMap, op: int) -> None:
        """Synchronize the whole mapping."""
        self.md_sync_range(tag, dmamap, op, 0, dmamap.dm_mapsize)

    def md_sync_range(self, tag: DmaTag, dmamap: DmaMap, op: int, offset: int,
                      length: int) -> None:
        """Synchronize bytes [offset, offset + length) of the mapping (offsets
        into the loaded data, all sources one after the other)."""
        raise NotImplementedError

    def md_check_peer_load(self, tag: DmaTag, sources: list) -> None:
        """Raise EINVAL if loading ``sources`` would bounce bytes of a peer
        window (device memory cannot be copied through a bounce page)."""

    def md_swiotlb_flags(self) -> int:
        """Tag flags that make this platform bounce whole buffers into
        contiguous memory, as Linux's swiotlb (0: it never has to)."""
        return 0

    def md_dma_mask_supported(self, mask: int) -> bool:
        """Can devices be limited to DMA addresses at or below ``mask``?"""
        return True

    def md_raw_alloc_range(self, min_addr: int, max_addr: int) -> tuple[int, int]:
        """The physical range memory for DMA addresses in [min_addr, max_addr]
        must come from (for NetBSD's bus_dmamem_alloc)."""
        return min_addr, max_addr

    def md_dmamem_alloc(self, tag: DmaTag, flags: int) -> KvaBuffer:
        raise NotImplementedError

    def md_dmamem_free(self, tag: DmaTag, buf: KvaBuffer) -> None:
        raise NotImplementedError

    def md_note_deferred(self, tag: DmaTag) -> None:
        pass

    def md_wait_channel(self, tag: DmaTag) -> Any:
        """The resource pool a deferred load of ``tag`` waits for (hashable).

        Loads waiting on one channel complete in FIFO order; loads of
        different channels never wait for each other."""
        return None

    def resources_freed(self, channel: Any) -> None:
        """Called by the platform when ``channel`` gained resources; the next
        ``run_deferred`` works through that channel's waiting maps."""
        if channel in self._waiting:
            self._woken[channel] = None

    # Machine-independent load machinery.
    def start_load(self, tag: DmaTag, dmamap: DmaMap, request: _Request) -> tuple[int, list, int]:
        """Reserve and map; return (error, segments, nsegs) or EINPROGRESS."""
        nowait = bool(request.flags & BUS_DMA_NOWAIT)
        if any(isinstance(s, PeerRange) for s in request.sources):
            self.md_check_peer_load(tag, request.sources)   # before anything is held
        self._hold_peers(dmamap, request.sources)
        try:
            reserved = self.md_reserve(tag, dmamap, request.sources, wait=not nowait)
        except BaseException:
            self._release_peers(dmamap)
            raise
        if not reserved:
            if nowait:
                self.md_unload(tag, dmamap)
                self._release_peers(dmamap)
                return errno.ENOMEM, [], 0
            dmamap.state = _DEFERRED
            dmamap._deferred = request
            channel = self.md_wait_channel(tag)
            dmamap._wait_channel = channel
            self._waiting.setdefault(channel, deque()).append(dmamap)
            self.md_note_deferred(tag)
            return errno.EINPROGRESS, [], 0
        return self._finish_load(tag, dmamap, request)

    def _finish_load(self, tag: DmaTag, dmamap: DmaMap, request: _Request) -> tuple[int, list, int]:
        builder = SegmentBuilder(tag)
        try:
            self.md_load(tag, dmamap, request.sources, builder)
        except _SegmentOverflow:
            self.md_unload(tag, dmamap)
            self._release_peers(dmamap)
            dmamap.state = _UNLOADED
            return errno.EFBIG, [], 0
        except BaseException:
            self.md_unload(tag, dmamap)
            self._release_peers(dmamap)
            dmamap.state = _UNLOADED
            raise
        dmamap.state = _LOADED
        dmamap._segs = builder.segs
        dmamap._mapsize = sum(len(s) for s in request.sources)
        return 0, dmamap.dm_segs, len(builder.segs)

    def cancel_deferred(self, dmamap: DmaMap) -> None:
        channel = dmamap._wait_channel
        queue = self._waiting[channel]
        queue.remove(dmamap)
        if not queue:
            del self._waiting[channel]
            self._woken.pop(channel, None)
        else:
            # What the cancelled map had reserved is released by md_unload,
            # which wakes the channel; its next waiter may fit now.
            self._woken[channel] = None
        dmamap._deferred = None
        dmamap._wait_channel = None

    def waiting_maps(self, channel: Any = None) -> list[DmaMap]:
        """The maps waiting on ``channel``, oldest first."""
        return list(self._waiting.get(channel, ()))

    def run_deferred(self) -> None:
        """Complete waiting loads of every woken channel, oldest first within
        the channel, while that channel's resources suffice.

        Called after anything releases resources (unload, invalidation
        completion).  The driver's lockfunc is held around each callback.  A
        channel's head that still does not fit keeps what it has reserved and
        stops only its own channel.
        """
        if self._running_deferred:
            return  # a callback unloaded a map; the outer loop picks up the rest
        self._running_deferred = True
        try:
            while self._woken:
                channel = next(iter(self._woken))
                del self._woken[channel]
                self._run_channel(channel)
        finally:
            self._running_deferred = False

    def _run_channel(self, channel: Any) -> None:
        queue = self._waiting.get(channel)
        while queue:
            dmamap = queue[0]
            tag = dmamap.tag
            request = dmamap._deferred
            if not self.md_reserve(tag, dmamap, request.sources, wait=True):
                return
            tag.lockfunc(tag.lockfuncarg, BUS_DMA_LOCK)
            queue.popleft()
            if not queue:
                del self._waiting[channel]
                self._woken.pop(channel, None)
            dmamap._deferred = None
            dmamap._wait_channel = None
            try:
                error, segs, nsegs = self._finish_load(tag, dmamap, request)
                request.callback(request.callback_arg, segs, nsegs, error)
            finally:
                tag.lockfunc(tag.lockfuncarg, BUS_DMA_UNLOCK)
            queue = self._waiting.get(channel)


# ---------------------------------------------------------------------------
# The bus_dma(9) functions.

def _einval(message: str) -> BusDmaError:
    return BusDmaError(errno.EINVAL, message)


def _check_tag(dmat: Any) -> DmaTag:
    if not isinstance(dmat, DmaTag):
        raise _einval("not a DMA tag")
    if dmat.destroyed:
        raise _einval("DMA tag has been destroyed")
    return dmat


def _check_map(dmat: Any, dmamap: Any) -> tuple[DmaTag, DmaMap]:
    tag = _check_tag(dmat)
    if not isinstance(dmamap, DmaMap):
        raise _einval("not a DMA map")
    if dmamap.destroyed:
        raise _einval("DMA map has been destroyed")
    if dmamap.tag is not tag:
        raise _einval("DMA map belongs to another tag")
    return tag, dmamap


def bus_dma_tag_create(parent: DmaTag, alignment: int, boundary: int, lowaddr: int,
                       highaddr: int, filtfunc: FilterFunc | None, filtfuncarg: Any,
                       maxsize: int, nsegments: int, maxsegsz: int, flags: int,
                       lockfunc: LockFunc | None, lockfuncarg: Any) -> DmaTag:
    """Create a tag below ``parent`` (a tag, ultimately from ``bus_get_dma_tag``)."""
    parent = _check_tag(parent)
    if alignment <= 0 or not powerof2(alignment):
        raise _einval("alignment must be a power of 2")
    if boundary != 0 and not powerof2(boundary):
        raise _einval("boundary must be 0 or a power of 2")
    if maxsegsz <= 0 or maxsize <= 0:
        raise _einval("maxsegsz and maxsize must be positive")
    if nsegments != BUS_SPACE_UNRESTRICTED and nsegments <= 0:
        raise _einval("nsegments must be positive or BUS_SPACE_UNRESTRICTED")
    tag = DmaTag(parent.platform, parent, alignment, boundary, lowaddr, highaddr, filtfunc,
                 filtfuncarg, maxsize, nsegments, maxsegsz, flags, lockfunc, lockfuncarg)
    parent.platform.md_tag_create(tag)
    parent.child_count += 1
    return tag


def bus_dma_tag_destroy(dmat: DmaTag) -> None:
    """Destroy a tag; EBUSY while it has maps or child tags."""
    tag = _check_tag(dmat)
    if tag.is_root:
        raise _einval("root tags belong to the platform")
    if tag.map_count:
        raise BusDmaError(errno.EBUSY, f"tag still has {tag.map_count} map(s)")
    if tag.child_count:
        raise BusDmaError(errno.EBUSY, f"tag still has {tag.child_count} child tag(s)")
    tag.destroyed = True
    tag.parent.child_count -= 1


def bus_dmamap_create(dmat: DmaTag, flags: int = 0) -> DmaMap:
    tag = _check_tag(dmat)
    dmamap = DmaMap(tag)
    tag.platform.md_map_create(tag, dmamap, for_dmamem=False)
    tag.map_count += 1
    return dmamap


def bus_dmamap_destroy(dmat: DmaTag, map: DmaMap) -> None:
    tag, dmamap = _check_map(dmat, map)
    if dmamap.dmamem is not None:
        raise _einval("maps from bus_dmamem_alloc are released by bus_dmamem_free")
    if dmamap.state != _UNLOADED:
        raise BusDmaError(errno.EBUSY, "map is still loaded")
    tag.platform.md_map_destroy(tag, dmamap)
    dmamap.destroyed = True
    tag.map_count -= 1


def _begin_load(dmat: DmaTag, map: DmaMap, sources: list, callback: Any) -> tuple[DmaTag, DmaMap]:
    tag, dmamap = _check_map(dmat, map)
    if not callable(callback):
        raise _einval("callback is not callable")
    if dmamap.state != _UNLOADED:
        raise _einval(f"map is {dmamap.state}; unload it first")
    for source in sources:
        if isinstance(source, PeerRange):
            if source.window.platform is not tag.platform or not source.window.registered:
                raise _einval(f"{source.window!r} is not registered with this platform")
        elif source.memory is not tag.platform.memory:
            raise _einval("buffer lives in another platform's memory")
    total = sum(len(s) for s in sources)
    if total > tag.maxsize:
        raise _einval(f"{total:#x} bytes exceed the tag's maxsize {tag.maxsize:#x}")
    return tag, dmamap


def _buffer_source(buf: Any, buflen: int, peer_ok: bool = False) -> KvaBuffer | PeerRange:
    """``buflen`` bytes of a buffer; with ``peer_ok`` also of a peer window's
    mapping (``PeerWindow.buffer``), which only the FreeBSD functions take."""
    if not isinstance(buf, KvaBuffer) and not (peer_ok and isinstance(buf, PeerRange)):
        raise _einval("buf must be a KvaBuffer" + (" or a peer window's buffer" if peer_ok else ""))
    if buflen < 0 or buflen > buf.length:
        raise _einval("buflen exceeds the buffer")
    return buf.slice(0, buflen)


def _load_with_callback(tag: DmaTag, dmamap: DmaMap, sources: list, callback: Callback,
                        callback_arg: Any, flags: int) -> int:
    request = _Request(sources, flags, callback, callback_arg)
    error, segs, nsegs = tag.platform.start_load(tag, dmamap, request)
    if error == errno.EINPROGRESS:
        return error
    callback(callback_arg, segs, nsegs, error)
    # Only ENOMEM is passed up; EFBIG reaches the driver through the callback.
    return errno.ENOMEM if error == errno.ENOMEM else 0


def bus_dmamap_load(dmat: DmaTag, map: DmaMap, buf: KvaBuffer, buflen: int,
                    callback: Callback, callback_arg: Any, flags: int) -> int:
    """Map ``buflen`` bytes of ``buf``; returns 0, EINPROGRESS or ENOMEM."""
    sources = [_buffer_source(buf, buflen, peer_ok=True)]
    tag, dmamap = _begin_load(dmat, map, sources, callback)
    return _load_with_callback(tag, dmamap, sources, callback, callback_arg, flags)


def bus_dmamap_load_phys(dmat: DmaTag, map: DmaMap, paddr: int, buflen: int,
                         callback: Callback, callback_arg: Any, flags: int) -> int:
    """Map the physical range [paddr, paddr + buflen) of host memory or of a
    registered peer window; same protocol as bus_dmamap_load."""
    tag = _check_tag(dmat)
    sources = [_phys_source(tag, paddr, buflen, peer_ok=True)]
    tag, dmamap = _begin_load(dmat, map, sources, callback)
    return _load_with_callback(tag, dmamap, sources, callback, callback_arg, flags)


def _mbuf_sources(m0: Any) -> list[KvaBuffer]:
    if not isinstance(m0, Mbuf):
        raise _einval("not an mbuf")
    return [m.m_data for m in m0 if m.m_len > 0]


def _load_nowait(tag: DmaTag, dmamap: DmaMap, sources: list, flags: int) -> tuple[int, list, int]:
    request = _Request(sources, flags | BUS_DMA_NOWAIT, None, None)
    return tag.platform.start_load(tag, dmamap, request)


def bus_dmamap_load_mbuf(dmat: DmaTag, map: DmaMap, mbuf: Mbuf, callback2: Callback2,
                         callback_arg: Any, flags: int) -> int:
    """Map an mbuf chain (implies BUS_DMA_NOWAIT); returns the callback's error."""
    sources = _mbuf_sources(mbuf)
    tag, dmamap = _begin_load(dmat, map, sources, callback2)
    if mbuf.m_pkthdr.len > tag.maxsize:
        raise _einval("packet exceeds the tag's maxsize")
    error, segs, nsegs = _load_nowait(tag, dmamap, sources, flags)
    mapsize = 0 if error else mbuf.m_pkthdr.len
    callback2(callback_arg, segs, nsegs, mapsize, error)
    return error


def bus_dmamap_load_mbuf_sg(dmat: DmaTag, map: DmaMap, mbuf: Mbuf,
                            flags: int) -> tuple[list[DmaSegment], int]:
    """Map an mbuf chain without a callback; returns (segs, nsegs) or raises."""
    sources = _mbuf_sources(mbuf)
    tag, dmamap = _begin_load(dmat, map, sources, _no_callback)
    if mbuf.m_pkthdr.len > tag.maxsize:
        raise _einval("packet exceeds the tag's maxsize")
    error, segs, nsegs = _load_nowait(tag, dmamap, sources, flags)
    if error:
        raise BusDmaError(error)
    return segs, nsegs


def _no_callback(*args: Any) -> None:
    pass


def _uio_sources(uio: Any) -> list[KvaBuffer]:
    if not isinstance(uio, Uio):
        raise _einval("not a uio")
    if uio.uio_segflg != UIO_SYSSPACE:
        raise _einval("only UIO_SYSSPACE uios are supported")
    if uio.uio_resid < 0:
        raise _einval("uio_resid is negative")
    sources = []
    resid = uio.uio_resid
    for iov in uio.uio_iov:
        take = min(resid, len(iov))
        if take > 0:
            sources.append(_buffer_source(iov, take))
        resid -= take
    if resid > 0:
        raise _einval("uio_resid exceeds the iovecs")
    return sources


def bus_dmamap_load_uio(dmat: DmaTag, map: DmaMap, uio: Uio, callback2: Callback2,
                        callback_arg: Any, flags: int) -> int:
    """Map the first ``uio_resid`` bytes of ``uio_iov`` (implies BUS_DMA_NOWAIT)."""
    sources = _uio_sources(uio)
    tag, dmamap = _begin_load(dmat, map, sources, callback2)
    error, segs, nsegs = _load_nowait(tag, dmamap, sources, flags)
    mapsize = 0 if error else uio.uio_resid
    callback2(callback_arg, segs, nsegs, mapsize, error)
    return error


def _phys_source(tag: DmaTag, paddr: Any, length: Any, peer_ok: bool = False) -> PhysRange | PeerRange:
    """A physical range of host memory or, with ``peer_ok`` (the FreeBSD
    functions), of a registered peer window; it may not straddle the two."""
    if not isinstance(paddr, int) or not isinstance(length, int):
        raise _einval("a physical range is an int address and an int length")
    window = tag.platform.peer_window_at(paddr) if peer_ok else None
    if window is not None:
        if length < 0 or not window.contains(paddr, length):
            raise _einval(f"physical range {paddr:#x}+{length:#x} runs out of {window!r}")
        return PeerRange(window, paddr, length)
    try:
        return PhysRange(tag.platform.memory, paddr, length)
    except ValueError as exc:
        raise _einval(str(exc)) from None


def _list_entries(entries: Any, count: int, what: str) -> list:
    if isinstance(entries, (str, bytes)) or not isinstance(entries, Sequence):
        raise _einval(f"a {what} list must be a sequence")
    if not isinstance(count, int) or count < 0 or count > len(entries):
        raise _einval(f"sglist_cnt {count!r} does not fit a list of {len(entries)} entries")
    return list(entries[:count])


def _vlist_sources(vlist: Any, count: int, offset: int, length: int | None) -> list[KvaBuffer]:
    """Up to ``length`` bytes (all if None) of virtual segments, from ``offset``
    into the first one (FreeBSD's _bus_dmamap_load_vlist)."""
    sources = []
    entries = _list_entries(vlist, count, "virtual segment")
    for entry in entries:
        if not isinstance(entry, KvaBuffer):
            raise _einval("a virtual segment must be a KvaBuffer")
        if len(entry) == 0:
            raise _einval("a virtual segment has length zero")
    if not isinstance(offset, int) or offset < 0 or offset >= (len(entries[0]) if entries else 1):
        raise _einval("the offset must lie inside the first segment")
    remaining = length
    for entry in entries:
        if remaining == 0:
            break
        take = len(entry) - offset
        if remaining is not None:
            take = min(take, remaining)
            remaining -= take
        sources.append(entry.slice(offset, take))
        offset = 0
    if remaining:
        raise _einval(f"the list is {remaining:#x} bytes short of the transfer length")
    return sources


def _plist_sources(tag: DmaTag, plist: Any, count: int) -> list[PhysRange | PeerRange]:
    """Every entry of a list of physical segments (FreeBSD's _bus_dmamap_load_plist)."""
    sources = []
    for entry in _list_entries(plist, count, "physical segment"):
        if isinstance(entry, DmaSegment):
            paddr, length = entry.ds_addr, entry.ds_len
        elif isinstance(entry, tuple) and len(entry) == 2:
            paddr, length = entry
        else:
            raise _einval("a physical segment is a DmaSegment or a (paddr, length) pair")
        if length:
            sources.append(_phys_source(tag, paddr, length, peer_ok=True))
    return sources


def _bio_sources(tag: DmaTag, bio: Any) -> list:
    if not isinstance(bio, Bio):
        raise _einval("not a bio")
    if not isinstance(bio.bio_bcount, int) or bio.bio_bcount < 0:
        raise _einval("bio_bcount must be a non-negative int")
    if bio.bio_flags & BIO_VLIST:
        return _vlist_sources(bio.bio_data, bio.bio_ma_n, bio.bio_ma_offset, bio.bio_bcount)
    if bio.bio_flags & BIO_UNMAPPED:
        if bio.bio_ma is None:
            raise _einval("an unmapped bio needs bio_ma")
        return [_page_array(tag.platform.memory, bio.bio_ma, bio.bio_bcount, bio.bio_ma_offset)]
    return [_buffer_source(bio.bio_data, bio.bio_bcount)]


_CCB_FUNC_CODES = (XPT_SCSI_IO, XPT_CONT_TARGET_IO, XPT_ATA_IO, XPT_NVME_IO, XPT_NVME_ADMIN)


def _ccb_sources(tag: DmaTag, ccb: Any) -> list:
    """FreeBSD's _bus_dmamap_load_ccb: the data of a CCB by its CAM_DATA kind."""
    if not isinstance(ccb, Ccb):
        raise _einval("not a ccb")
    func_code, flags = ccb.ccb_h.func_code, ccb.ccb_h.flags
    if func_code not in _CCB_FUNC_CODES:
        raise _einval(f"CCB function code {func_code:#x} carries no data")
    io = ccb.csio
    data_ptr, dxfer_len, sglist_cnt = io.data_ptr, io.dxfer_len, io.sglist_cnt
    if not isinstance(dxfer_len, int) or dxfer_len < 0:
        raise _einval("dxfer_len must be a non-negative int")
    kind = flags & CAM_DATA_MASK
    if func_code == XPT_ATA_IO and kind in (CAM_DATA_SG, CAM_DATA_SG_PADDR):
        raise _einval("XPT_ATA_IO CCBs have no S/G list")
    if kind == CAM_DATA_VADDR:
        return [_buffer_source(data_ptr, dxfer_len)]
    if kind == CAM_DATA_PADDR:
        return [_phys_source(tag, data_ptr, dxfer_len, peer_ok=True)]
    if kind == CAM_DATA_SG:
        return _vlist_sources(data_ptr, sglist_cnt, 0, dxfer_len)
    if kind == CAM_DATA_SG_PADDR:
        return _plist_sources(tag, data_ptr, sglist_cnt)
    if kind == CAM_DATA_BIO:
        return _bio_sources(tag, data_ptr)
    raise _einval(f"CCB data kind {kind:#x} is not one of the CAM_DATA_* kinds")


def _load_sources(dmat: DmaTag, map: DmaMap, sources: list, callback: Callback,
                  callback_arg: Any, flags: int) -> int:
    tag, dmamap = _begin_load(dmat, map, sources, callback)
    return _load_with_callback(tag, dmamap, sources, callback, callback_arg, flags)


def bus_dmamap_load_ma(dmat: DmaTag, map: DmaMap, ma: Sequence[int], tlen: int, ma_offs: int,
                       callback: Callback, callback_arg: Any, flags: int) -> int:
    """Map ``tlen`` bytes of the page array ``ma`` starting ``ma_offs`` into
    its first page; same protocol as bus_dmamap_load."""
    tag = _check_tag(dmat)
    sources = [_page_array(tag.platform.memory, ma, tlen, ma_offs)]
    return _load_sources(tag, map, sources, callback, callback_arg, flags)


def bus_dmamap_load_bio(dmat: DmaTag, map: DmaMap, bio: Bio, callback: Callback,
                        callback_arg: Any, flags: int) -> int:
    """Map a bio (mapped, BIO_UNMAPPED or BIO_VLIST); same protocol as bus_dmamap_load."""
    tag = _check_tag(dmat)
    return _load_sources(tag, map, _bio_sources(tag, bio), callback, callback_arg, flags)


def bus_dmamap_load_ccb(dmat: DmaTag, map: DmaMap, ccb: Ccb, callback: Callback,
                        callback_arg: Any, flags: int) -> int:
    """Map a CCB's data by its CAM_DATA_* kind; same protocol as bus_dmamap_load.

    A CCB with CAM_DIR_NONE moves no data: the callback gets no segments and
    the map is left as it is (unloaded), as in FreeBSD."""
    tag, dmamap = _check_map(dmat, map)
    if not isinstance(ccb, Ccb):
        raise _einval("not a ccb")
    if not callable(callback):
        raise _einval("callback is not callable")
    if ccb.ccb_h.flags & CAM_DIR_MASK == CAM_DIR_NONE:
        callback(callback_arg, [], 0, 0)
        return 0
    return _load_sources(tag, dmamap, _ccb_sources(tag, ccb), callback, callback_arg, flags)


def bus_dmamap_load_mem(dmat: DmaTag, map: DmaMap, mem: Memdesc, callback: Callback,
                        callback_arg: Any, flags: int) -> int:
    """Map a memory descriptor of any MEMDESC_* kind; same protocol as bus_dmamap_load."""
    tag = _check_tag(dmat)
    if not isinstance(mem, Memdesc):
        raise _einval("not a memdesc")
    kind = mem.md_type
    if kind == MEMDESC_VADDR:
        sources = [_buffer_source(mem.data, mem.md_len)]
    elif kind == MEMDESC_PADDR:
        sources = [_phys_source(tag, mem.data, mem.md_len, peer_ok=True)]
    elif kind == MEMDESC_VLIST:
        sources = _vlist_sources(mem.data, mem.md_nseg, 0, None)
    elif kind == MEMDESC_PLIST:
        sources = _plist_sources(tag, mem.data, mem.md_nseg)
    elif kind == MEMDESC_BIO:
        sources = _bio_sources(tag, mem.data)
    elif kind == MEMDESC_UIO:
        sources = _uio_sources(mem.data)
    elif kind == MEMDESC_MBUF:
        sources = _mbuf_sources(mem.data)
    elif kind == MEMDESC_CCB:
        sources = _ccb_sources(tag, mem.data)
    elif kind == MEMDESC_VMPAGES:
        sources = [_page_array(tag.platform.memory, mem.data, mem.md_len, mem.md_offset)]
    else:
        raise _einval(f"unknown memdesc type {kind!r}")
    return _load_sources(tag, map, sources, callback, callback_arg, flags)


def bus_dmamap_unload(dmat: DmaTag, map: DmaMap) -> None:
    """Release the mapping (no implicit sync); a deferred load is cancelled."""
    tag, dmamap = _check_map(dmat, map)
    if dmamap.state == _UNLOADED:
        raise _einval("map is not loaded")
    platform = tag.platform
    if dmamap.state == _DEFERRED:
        platform.cancel_deferred(dmamap)
    platform.md_unload(tag, dmamap)
    platform._release_peers(dmamap)
    dmamap.state = _UNLOADED
    dmamap._segs = []
    dmamap._mapsize = 0
    platform.run_deferred()


def bus_dmamap_sync(dmat: DmaTag, map: DmaMap, op: int) -> None:
    tag, dmamap = _check_map(dmat, map)
    if op == 0 or op & ~_ALL_SYNC_OPS:
        raise _einval(f"bad sync operation {op:#x}")
    if dmamap.state != _LOADED:
        raise _einval("map is not loaded")
    tag.platform.md_sync(tag, dmamap, op)


def bus_dmamem_alloc(dmat: DmaTag, flags: int) -> tuple[KvaBuffer, DmaMap]:
    """Allocate ``maxsize`` bytes the device can reach as they are; returns (vaddr, map).

    The map is not loaded: load ``vaddr`` into it with bus_dmamap_load.
    """
    tag = _check_tag(dmat)
    buf = tag.platform.md_dmamem_alloc(tag, flags)
    dmamap = DmaMap(tag, dmamem=buf)
    dmamap.coherent = bool(flags & (BUS_DMA_COHERENT | BUS_DMA_NOCACHE))
    tag.platform.md_map_create(tag, dmamap, for_dmamem=True)
    tag.map_count += 1
    return buf, dmamap


def bus_dmamem_free(dmat: DmaTag, vaddr: KvaBuffer, map: DmaMap) -> None:
    """Free memory from bus_dmamem_alloc; a still-loaded map is unloaded first."""
    tag, dmamap = _check_map(dmat, map)
    if dmamap.dmamem is None or dmamap.dmamem is not vaddr:
        raise _einval("vaddr and map do not come from the same bus_dmamem_alloc")
    if dmamap.state != _UNLOADED:
        bus_dmamap_unload(tag, dmamap)
    tag.platform.md_map_destroy(tag, dmamap)
    tag.platform.md_dmamem_free(tag, vaddr)
    dmamap.destroyed = True
    tag.map_count -= 1
