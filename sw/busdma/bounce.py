# SPDX-License-Identifier: Apache-2.0
"""Bounce-buffer platform: devices see physical addresses, and memory a device
cannot reach is copied through bounce pages (FreeBSD's busdma_bounce.c)."""

from __future__ import annotations

import errno
from collections import deque
from dataclasses import dataclass, field

from .constants import (
    BUS_DMA_ALLOCNOW, BUS_DMA_BUS1, BUS_DMA_ZERO, BUS_DMASYNC_POSTREAD, BUS_DMASYNC_PREWRITE,
    BUS_SPACE_MAXADDR_32BIT, PAGE_SIZE,
)
from .core import BusDmaError, DmaMap, DmaTag, Platform, SegmentBuilder, _SegmentOverflow, plan_chunks
from .memory import KvaBuffer, OutOfMemory, PhysicalMemory, PhysRange
from .peer import PeerRange

# Tag flag (one of the bus-specific BUS_DMA_BUS1..4): bounce every buffer that
# the device cannot reach as a whole into physically contiguous slots of the
# platform's swiotlb pool, as Linux's swiotlb does, instead of page by page
# into bounce-zone pages.
BUS_DMA_SWIOTLB = BUS_DMA_BUS1
IO_TLB_SHIFT = 11
IO_TLB_SIZE = 1 << IO_TLB_SHIFT     # bytes per slot
IO_TLB_SEGSIZE = 128                # slots per segment: no mapping crosses one


@dataclass
class BouncePage:
    paddr: int
    zone: BounceZone


@dataclass(eq=False)
class BounceZone:
    """Bounce pages at or below ``lowaddr``, aligned to ``alignment``; shared by
    every tag whose constraints they satisfy."""
    lowaddr: int
    alignment: int
    free_list: deque[BouncePage] = field(default_factory=deque)
    total_bpages: int = 0
    free_bpages: int = 0
    reserved_bpages: int = 0
    active_bpages: int = 0
    total_bounced: int = 0
    bounced_bytes: int = 0
    total_deferred: int = 0
    map_count: int = 0


class Swiotlb:
    """A physically contiguous pool of ``IO_TLB_SIZE`` slots, grouped in
    segments of ``IO_TLB_SEGSIZE`` slots; a mapping takes contiguous slots
    inside one segment (so at most 256 KiB), page-aligned when it is a page
    or more."""

    def __init__(self, memory: PhysicalMemory, size: int, max_addr: int):
        segment = IO_TLB_SIZE * IO_TLB_SEGSIZE
        size = max(segment, -(-size // segment) * segment)
        try:
            self.base = memory.allocator.alloc_contig(size, max_addr=max_addr)
        except OutOfMemory:
            raise BusDmaError(errno.ENOMEM, "no memory for the swiotlb pool") from None
        self.size = size
        self.nslots = size // IO_TLB_SIZE
        self._used = [False] * self.nslots
        self.used_slots = 0
        self.total_bounced = 0
        self.bounced_bytes = 0

    @property
    def end(self) -> int:
        """The last byte of the pool."""
        return self.base + self.size - 1

    def alloc(self, length: int, boundary: int = 0) -> int | None:
        """Slots for ``length`` bytes whose address range does not cross a
        multiple of ``boundary`` (the device's segment boundary), or None."""
        count = -(-length // IO_TLB_SIZE)
        if count > IO_TLB_SEGSIZE or (boundary and length > boundary):
            return None
        step = PAGE_SIZE // IO_TLB_SIZE if length >= PAGE_SIZE else 1
        index = 0
        while index + count <= self.nslots:
            if index // IO_TLB_SEGSIZE != (index + count - 1) // IO_TLB_SEGSIZE:
                index = (index // IO_TLB_SEGSIZE + 1) * IO_TLB_SEGSIZE
                continue
            start = self.base + index * IO_TLB_SIZE
            if boundary and start // boundary != (start + length - 1) // boundary:
                index = -(-(((start // boundary + 1) * boundary - self.base) // IO_TLB_SIZE)
                          // step) * step
                continue
            busy = next((i for i in range(index + count - 1, index - 1, -1) if self._used[i]), None)
            if busy is None:
                for i in range(index, index + count):
                    self._used[i] = True
                self.used_slots += count
                return self.base + index * IO_TLB_SIZE
            index = -(-(busy + 1) // step) * step
        return None

    def free(self, paddr: int, length: int) -> None:
        index = (paddr - self.base) // IO_TLB_SIZE
        count = -(-length // IO_TLB_SIZE)
        for i in range(index, index + count):
            assert self._used[i], "swiotlb slot freed twice"
            self._used[i] = False
        self.used_slots -= count


@dataclass
class BounceStats:
    """Totals over all bounce zones."""
    total_bpages: int
    free_bpages: int
    reserved_bpages: int
    active_bpages: int
    total_bounced: int
    bounced_bytes: int
    total_deferred: int


@dataclass
class _TagState:
    could_bounce: bool
    zone: BounceZone | None = None
    min_alloc_done: bool = False


@dataclass
class _Bounce:
    page: BouncePage
    source: object
    voff: int
    size: int
    loff: int        # offset of the bounced bytes in the whole load


@dataclass
class _TlbBounce:
    """A whole source copied through contiguous swiotlb slots."""
    paddr: int
    source: object
    loff: int
    length: int


@dataclass
class _MapState:
    counted: bool = False
    pages_needed: int = 0
    pages_reserved: int = 0
    bounces: list[_Bounce] = field(default_factory=list)
    tlb: dict[int, _TlbBounce] = field(default_factory=dict)   # source index -> slots


class BouncePlatform(Platform):
    """A machine without an IOMMU.

    ``bounce_below``: bounce pages are allocated at or below this address (in
    addition to each tag's own ``lowaddr``).  ``max_bounce_pages``: cap on the
    pages of one bounce zone (FreeBSD's MAX_BPAGES).
    """

    def __init__(self, memory: PhysicalMemory | None = None, *, memory_size: int = 8 << 30,
                 bounce_below: int = BUS_SPACE_MAXADDR_32BIT, max_bounce_pages: int = 8192,
                 swiotlb_size: int = 1 << 20, shuffle: bool = False, seed: int | None = None):
        super().__init__(memory if memory is not None else
                         PhysicalMemory(memory_size, shuffle=shuffle, seed=seed))
        self.bounce_below = bounce_below
        self.max_bounce_pages = max_bounce_pages
        self.swiotlb_size = swiotlb_size
        self.swiotlb: Swiotlb | None = None   # created by the first BUS_DMA_SWIOTLB load
        self.zones: list[BounceZone] = []

    def stats(self) -> BounceStats:
        totals = [sum(getattr(z, name) for z in self.zones) for name in (
            "total_bpages", "free_bpages", "reserved_bpages", "active_bpages",
            "total_bounced", "bounced_bytes", "total_deferred")]
        if self.swiotlb is not None:
            totals[4] += self.swiotlb.total_bounced
            totals[5] += self.swiotlb.bounced_bytes
        return BounceStats(*totals)

    def _swiotlb(self) -> Swiotlb:
        if self.swiotlb is None:
            self.swiotlb = Swiotlb(self.memory, self.swiotlb_size, self.bounce_below)
        return self.swiotlb

    def md_swiotlb_flags(self) -> int:
        return BUS_DMA_SWIOTLB

    def md_dma_mask_supported(self, mask: int) -> bool:
        """As Linux's dma-direct on x86: the mask must cover 24-bit (ZONE_DMA)
        memory, or all of memory if there is less."""
        return mask >= min((1 << 24) - 1, self.memory.size - 1)

    # Bounce pool management.
    def _zone_for(self, tag: DmaTag) -> BounceZone:
        state: _TagState = tag.md
        if state.zone is None:
            state.zone = next((z for z in self.zones if tag.alignment <= z.alignment
                               and tag.lowaddr >= z.lowaddr), None)
        if state.zone is None:
            state.zone = BounceZone(tag.lowaddr, max(tag.alignment, PAGE_SIZE))
            self.zones.append(state.zone)
        return state.zone

    def _add_pages(self, zone: BounceZone, count: int) -> int:
        added = 0
        for _ in range(count):
            try:
                paddr = self.memory.allocator.alloc_page(
                    max_addr=min(zone.lowaddr, self.bounce_below), alignment=zone.alignment)
            except OutOfMemory:
                break
            zone.free_list.append(BouncePage(paddr, zone))
            zone.total_bpages += 1
            zone.free_bpages += 1
            added += 1
        if added:
            self.resources_freed(zone)
        return added

    def _zone_page_cap(self, tag: DmaTag) -> int:
        if tag.alignment > 1:
            return self.max_bounce_pages
        pages_above_lowaddr = self.memory.size // PAGE_SIZE - (tag.lowaddr + 1) // PAGE_SIZE
        return min(self.max_bounce_pages, max(pages_above_lowaddr, 0))

    # Machine-dependent hooks.
    def md_root_tag_created(self, tag: DmaTag) -> None:
        tag.md = _TagState(could_bounce=False)

    def md_tag_create(self, tag: DmaTag) -> None:
        parent_state: _TagState = tag.parent.md
        could_bounce = (tag.filter is not None or parent_state.could_bounce
                        or tag.lowaddr < self.memory.size - 1 or tag.alignment > 1)
        tag.md = _TagState(could_bounce)
        if could_bounce and tag.flags & BUS_DMA_ALLOCNOW and not tag.flags & BUS_DMA_SWIOTLB:
            zone = self._zone_for(tag)
            # Enough for one load of maxsize bytes starting anywhere in a page.
            chunk = min(PAGE_SIZE, tag.maxsegsz, tag.boundary or PAGE_SIZE)
            wanted = -(-tag.maxsize // chunk) + 1
            if wanted > self.max_bounce_pages:
                raise BusDmaError(errno.ENOMEM, "ALLOCNOW needs more than max_bounce_pages")
            missing = wanted - zone.total_bpages
            if missing > 0 and self._add_pages(zone, missing) < missing:
                raise BusDmaError(errno.ENOMEM, "cannot allocate bounce pages")
            tag.md.min_alloc_done = True

    def md_map_create(self, tag: DmaTag, dmamap: DmaMap, for_dmamem: bool) -> None:
        dmamap.md = _MapState()
        state: _TagState = tag.md
        if not state.could_bounce or tag.flags & BUS_DMA_SWIOTLB:
            return
        zone = self._zone_for(tag)
        if not for_dmamem:
            cap = self._zone_page_cap(tag)
            if not state.min_alloc_done or (zone.map_count > 0 and zone.total_bpages < cap):
                pages = min(max(tag.maxsize // PAGE_SIZE, 1), cap - zone.total_bpages)
                if pages > 0 and self._add_pages(zone, pages) < pages and not state.min_alloc_done:
                    raise BusDmaError(errno.ENOMEM, "cannot allocate bounce pages")
                state.min_alloc_done = True
        zone.map_count += 1

    def md_map_destroy(self, tag: DmaTag, dmamap: DmaMap) -> None:
        if tag.md.zone is not None:
            tag.md.zone.map_count -= 1

    def md_check_peer_load(self, tag: DmaTag, sources: list) -> None:
        """A peer window is never bounced: EINVAL if any chunk of one would be.

        The chunks are those the load would build (whole load, or each source
        on its own for swiotlb tags), so the answer is exactly "would bounce"."""
        if tag.flags & BUS_DMA_SWIOTLB:
            plans = [plan_chunks(tag, [s]) for s in sources if isinstance(s, PeerRange)]
        else:
            plans = [plan_chunks(tag, sources)]
        for plan in plans:
            for chunk in plan:
                if chunk.needs_bounce and isinstance(chunk.source, PeerRange):
                    raise BusDmaError(errno.EINVAL, _unreachable_peer(tag, chunk))

    def md_reserve(self, tag: DmaTag, dmamap: DmaMap, sources: list, wait: bool) -> bool:
        state: _MapState = dmamap.md
        if not tag.md.could_bounce:
            return True
        if tag.flags & BUS_DMA_SWIOTLB:
            return self._reserve_swiotlb(tag, state, sources)
        if not state.counted:
            state.pages_needed = sum(c.needs_bounce for c in plan_chunks(tag, sources))
            state.counted = True
        zone = self._zone_for(tag)
        take = min(zone.free_bpages, state.pages_needed - state.pages_reserved)
        if not wait and state.pages_reserved + take < state.pages_needed:
            return False
        zone.free_bpages -= take
        zone.reserved_bpages += take
        state.pages_reserved += take
        return state.pages_reserved == state.pages_needed

    def _reserve_swiotlb(self, tag: DmaTag, state: _MapState, sources: list) -> bool:
        """All or nothing: slots for every source the device cannot use as it is."""
        if state.tlb or state.counted:
            return True
        pool = self._swiotlb()
        loff = 0
        for index, source in enumerate(sources):
            if source.length and any(c.needs_bounce for c in plan_chunks(tag, [source])):
                paddr = (pool.alloc(source.length, tag.boundary)
                         if pool.end <= tag.lowaddr else None)
                if paddr is None or tag.run_filter(paddr):
                    if paddr is not None:
                        pool.free(paddr, source.length)
                    for held in state.tlb.values():
                        pool.free(held.paddr, held.length)
                    state.tlb = {}
                    return False
                state.tlb[index] = _TlbBounce(paddr, source, loff, source.length)
            loff += source.length
        state.counted = True
        return True

    def md_load(self, tag: DmaTag, dmamap: DmaMap, sources: list, builder: SegmentBuilder) -> None:
        state: _MapState = dmamap.md
        if tag.flags & BUS_DMA_SWIOTLB and tag.md.could_bounce:
            # Each source on its own (Linux checks each buffer as a whole).
            for index, source in enumerate(sources):
                held = state.tlb.get(index)
                target = source if held is None else PhysRange(self.memory, held.paddr,
                                                               held.length)
                for chunk in plan_chunks(tag, [target]):
                    assert not chunk.needs_bounce, "md_reserve bounces every source that needs it"
                    if builder.add(chunk.addr, chunk.size) != chunk.size:
                        raise _SegmentOverflow
            return
        for chunk in plan_chunks(tag, sources):
            addr = chunk.addr
            if chunk.needs_bounce:
                addr = self._take_bounce_page(tag, state, chunk)
            if builder.add(addr, chunk.size) != chunk.size:
                raise _SegmentOverflow

    def _take_bounce_page(self, tag: DmaTag, state: _MapState, chunk) -> int:
        zone = tag.md.zone
        page = zone.free_list.popleft()
        state.pages_needed -= 1
        state.pages_reserved -= 1
        zone.reserved_bpages -= 1
        zone.active_bpages += 1
        state.bounces.append(_Bounce(page, chunk.source, chunk.voff, chunk.size, chunk.loff))
        return page.paddr

    def md_unload(self, tag: DmaTag, dmamap: DmaMap) -> None:
        state: _MapState = dmamap.md
        for bounce in state.bounces:
            zone = bounce.page.zone
            zone.free_list.appendleft(bounce.page)
            zone.active_bpages -= 1
            zone.free_bpages += 1
            self.resources_freed(zone)
        if state.pages_reserved:
            zone = tag.md.zone
            zone.reserved_bpages -= state.pages_reserved
            zone.free_bpages += state.pages_reserved
            self.resources_freed(zone)
        if state.tlb:
            for held in state.tlb.values():
                self.swiotlb.free(held.paddr, held.length)
            self.resources_freed(self.swiotlb)
        dmamap.md = _MapState()

    def md_note_deferred(self, tag: DmaTag) -> None:
        self._zone_for(tag).total_deferred += 1

    def md_wait_channel(self, tag: DmaTag) -> BounceZone | Swiotlb:
        """Loads wait per bounce zone, as in current FreeBSD (swiotlb tags on the pool)."""
        if tag.flags & BUS_DMA_SWIOTLB:
            return self._swiotlb()
        return self._zone_for(tag)

    def md_sync_range(self, tag: DmaTag, dmamap: DmaMap, op: int, offset: int,
                      length: int) -> None:
        """Copy only the bounced bytes inside [offset, offset + length)."""
        if dmamap.md.tlb:
            self._sync_swiotlb(dmamap.md, op, offset, length)
            return
        bounces = dmamap.md.bounces
        if not bounces:
            return
        zone = tag.md.zone
        end = offset + length
        pieces = []
        for b in bounces:
            lo, hi = max(offset, b.loff), min(end, b.loff + b.size)
            if lo < hi:
                pieces.append((b, lo - b.loff, hi - lo))
        if not pieces:
            return
        if op & BUS_DMASYNC_PREWRITE:
            for b, skip, n in pieces:
                self.memory.write(b.page.paddr + skip, b.source.read(b.voff + skip, n))
                zone.bounced_bytes += n
            zone.total_bounced += 1
        if op & BUS_DMASYNC_POSTREAD:
            for b, skip, n in pieces:
                b.source.write(b.voff + skip, self.memory.read(b.page.paddr + skip, n))
                zone.bounced_bytes += n
            zone.total_bounced += 1

    def _sync_swiotlb(self, state: _MapState, op: int, offset: int, length: int) -> None:
        pool = self.swiotlb
        end = offset + length
        pieces = []
        for held in state.tlb.values():
            lo, hi = max(offset, held.loff), min(end, held.loff + held.length)
            if lo < hi:
                pieces.append((held, lo - held.loff, hi - lo))
        if not pieces:
            return
        if op & BUS_DMASYNC_PREWRITE:
            for held, skip, n in pieces:
                self.memory.write(held.paddr + skip, held.source.read(skip, n))
                pool.bounced_bytes += n
            pool.total_bounced += 1
        if op & BUS_DMASYNC_POSTREAD:
            for held, skip, n in pieces:
                held.source.write(skip, self.memory.read(held.paddr + skip, n))
                pool.bounced_bytes += n
            pool.total_bounced += 1

    def md_dmamem_alloc(self, tag: DmaTag, flags: int) -> KvaBuffer:
        size = tag.maxsize
        npages = -(-size // PAGE_SIZE)
        allocator = self.memory.allocator
        scatter_ok = (tag.alignment <= PAGE_SIZE and tag.boundary % PAGE_SIZE == 0
                      and (not tag.segments_limited()
                           or tag.nsegments >= -(-size // min(tag.maxsegsz, PAGE_SIZE))))
        try:
            if scatter_ok:
                pages = allocator.alloc_pages(npages, max_addr=tag.lowaddr)
            else:
                start = allocator.alloc_contig(size, max_addr=tag.lowaddr,
                                               alignment=tag.alignment, boundary=tag.boundary)
                pages = [start + i * PAGE_SIZE for i in range(npages)]
        except OutOfMemory:
            raise BusDmaError(errno.ENOMEM, "no memory satisfies the tag") from None
        buf = KvaBuffer(self.memory, pages, 0, size)
        if not loads_without_bouncing(tag, buf):
            allocator.free(pages)
            raise BusDmaError(errno.ENOMEM, "the tag's segment limits cannot map maxsize bytes")
        if flags & BUS_DMA_ZERO:
            buf.write(0, bytes(size))
        return buf

    def md_dmamem_free(self, tag: DmaTag, buf: KvaBuffer) -> None:
        self.memory.allocator.free(buf.pages)


def _unreachable_peer(tag: DmaTag, chunk) -> str:
    """Why a chunk of a peer window would need a bounce page, for the EINVAL message."""
    window = chunk.source.window
    where = (f"bus address {chunk.addr:#x} of peer window {window.owner!r} "
             f"({window.base:#x}-{window.end:#x})")
    reason = None
    owner = tag
    while owner is not None and reason is None:
        if owner.lowaddr < chunk.addr <= owner.highaddr and (
                owner.filter is None or owner.filter(owner.filterarg, chunk.addr) != 0):
            reason = (f"lies in the tag's exclusion window ({owner.lowaddr:#x}, "
                      f"{owner.highaddr:#x}]" + (" and its filter rejects it"
                                                 if owner.filter is not None else ""))
        owner = owner.filter_parent
    if reason is None:
        reason = f"would start a segment misaligned for the tag's alignment {tag.alignment:#x}"
    return (f"{where} {reason}: the device cannot reach it, and device memory is never "
            f"bounced")


def loads_without_bouncing(tag: DmaTag, buf: KvaBuffer) -> bool:
    """Would ``buf`` load into ``tag``'s segments as it is?"""
    builder = SegmentBuilder(tag)
    for chunk in plan_chunks(tag, [buf]):
        if chunk.needs_bounce or builder.add(chunk.addr, chunk.size) != chunk.size:
            return False
    return True
