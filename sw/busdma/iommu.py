# SPDX-License-Identifier: Apache-2.0
"""IOMMU platform: devices see IOVAs that a RISC-V IOMMU translates.

Each device (root tag) gets a device context in a 1-level device directory
and its own Sv39 page table, all in host memory in the spec's formats.  A load
allocates IOVA space (with a guard gap after every mapping) below the tag's
``lowaddr``, maps the buffer's pages there and hands out IOVA segments; sync
copies nothing.  Unload clears the PTEs and queues IOTINVAL.VMA + IOFENCE.C;
the IOVA range is reused only once the fence has written its completion word
(strict invalidation).

The hardware is reached only through ``IommuHw.write_reg``/``read_reg``.
Command completion is observed in host memory, never by polling registers, so
``write_reg`` may be fire-and-forget (e.g. an AXI4-Lite write scheduled in a
cocotb coroutine): call ``IommuPlatform.poll()`` once the hardware has had
time to run the queue.
"""

from __future__ import annotations

import bisect
import errno
from dataclasses import dataclass, field
from typing import Protocol

from .bus_space import BusSpace
from .constants import BUS_DMA_ZERO, PAGE_MASK, PAGE_SIZE, round_page, trunc_page
from .core import BusDmaError, BusDmaPanic, DmaMap, DmaTag, Platform, SegmentBuilder, \
    _SegmentOverflow, plan_chunks
from .memory import KvaBuffer, OutOfMemory, PhysicalMemory
from . import riscv_iommu as spec


class IommuHw(Protocol):
    """Register access to an IOMMU.  Writes must take effect in call order."""

    def write_reg(self, offset: int, value: int, size: int) -> None: ...

    def read_reg(self, offset: int, size: int) -> int: ...


class BusSpaceIommuHw:
    """``IommuHw`` over a bus_space mapping of the IOMMU's register page."""

    def __init__(self, space: BusSpace, handle: int):
        self.space = space
        self.handle = handle

    def write_reg(self, offset: int, value: int, size: int) -> None:
        self.space.write(size, self.handle, offset, value)

    def read_reg(self, offset: int, size: int) -> int:
        return self.space.read(size, self.handle, offset)


class IovaAllocator:
    """First-fit IOVA ranges in [base, limit), each followed by guard pages."""

    def __init__(self, base: int, limit: int, guard_pages: int):
        self.base = base
        self.limit = limit
        self.guard = guard_pages * PAGE_SIZE
        self._starts: list[int] = []
        self._ends: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self._starts)

    def alloc(self, size: int, alignment: int, boundary: int, max_addr: int) -> int | None:
        """A range of ``size`` bytes starting on ``alignment`` that ends at or
        below ``max_addr`` and does not cross ``boundary`` if it fits in one
        block (a larger range starts on a boundary multiple instead)."""
        if boundary and size > boundary:
            alignment = max(alignment, boundary)
        top = min(self.limit, max_addr + 1)
        candidate = -(-self.base // alignment) * alignment
        index = 0
        while candidate + size <= top:
            if boundary and size <= boundary and candidate // boundary != (candidate + size - 1) // boundary:
                candidate = (candidate // boundary + 1) * boundary
                continue
            while index < len(self._starts) and self._ends[self._starts[index]] <= candidate:
                index += 1
            if index == len(self._starts) or candidate + size + self.guard <= self._starts[index]:
                bisect.insort(self._starts, candidate)
                self._ends[candidate] = candidate + size + self.guard
                return candidate
            end = self._ends[self._starts[index]]
            candidate = -(-end // alignment) * alignment
        return None

    def free(self, start: int) -> None:
        self._starts.remove(start)
        del self._ends[start]


@dataclass
class _Domain:
    """One device's translation context: its PSCID, page table and IOVA space."""
    device_id: int
    pscid: int
    root_table: int
    iovas: IovaAllocator


@dataclass
class _Mapping:
    source: object
    iova: int
    npages: int
    page_offset: int
    mapped: bool = False
    owner: bool = True    # the first mapping of an IOVA range allocates and frees it


@dataclass
class _MapState:
    mappings: list[_Mapping] = field(default_factory=list)


class _IovaRange:
    """Client bytes as the device sees them: contiguous from ``iova``."""

    def __init__(self, iova: int, length: int):
        self.iova = iova
        self.length = length

    def paddr(self, voff: int) -> int:
        return self.iova + voff


@dataclass
class IommuStats:
    mapped_pages: int
    iova_ranges: int
    pending_invalidations: int
    commands_submitted: int
    total_deferred: int


class IommuPlatform(Platform):
    """A machine whose devices sit behind a RISC-V IOMMU.

    ``hw`` defaults to a ``RiscvIommuModel`` over the same memory.  IOVAs are
    allocated in [iova_base, iova_limit) with ``guard_pages`` unmapped pages
    after each mapping.  The command queue has ``2**cq_log2_entries`` slots.
    """

    INVALIDATE_PAGES_INDIVIDUALLY = 16  # beyond this, flush the whole address space

    def __init__(self, memory: PhysicalMemory | None = None, *, hw: IommuHw | None = None,
                 memory_size: int = 8 << 30, iova_base: int = 0x10000,
                 iova_limit: int = 1 << (spec.SV39_VA_BITS - 1), guard_pages: int = 1,
                 cq_log2_entries: int = 6, shuffle: bool = False, seed: int | None = None):
        super().__init__(memory if memory is not None else
                         PhysicalMemory(memory_size, shuffle=shuffle, seed=seed))
        self.hw = hw if hw is not None else spec.RiscvIommuModel(self.memory)
        self.iova_base = iova_base
        self.iova_limit = iova_limit
        self.guard_pages = guard_pages
        self._domains: dict[int, _Domain] = {}
        self._pending_free: list[tuple[int, _Domain, int]] = []
        self._fence_seq = 0
        self._fence_done = 0
        self._fences_in_flight: list[tuple[int, int]] = []  # (seq, queue index after it)
        self.commands_submitted = 0
        self.total_deferred = 0
        self.mapped_pages = 0

        allocator = self.memory.allocator
        self.ddt = self._zeroed_page()
        self.cq_entries = 1 << cq_log2_entries
        cq_bytes = self.cq_entries * spec.CMD_SIZE
        self.cq = allocator.alloc_contig(cq_bytes, alignment=max(cq_bytes, PAGE_SIZE))
        self.memory.write(self.cq, bytes(round_page(cq_bytes)))
        self.completion_addr = self._zeroed_page()
        self._cq_tail = 0
        self._cq_head = 0

        self.hw.write_reg(spec.REG_DDTP, self._ppn_field(self.ddt) | spec.DDTP_MODE_1LVL, 8)
        self.hw.write_reg(spec.REG_CQB, self._ppn_field(self.cq) | (cq_log2_entries - 1), 8)
        self.hw.write_reg(spec.REG_CQT, 0, 4)
        self.hw.write_reg(spec.REG_CQCSR, spec.CQCSR_CQEN, 4)

    @staticmethod
    def _ppn_field(paddr: int) -> int:
        return (paddr >> 12) << spec.PPN_SHIFT

    def _zeroed_page(self) -> int:
        paddr = self.memory.allocator.alloc_page()
        self.memory.write(paddr, bytes(PAGE_SIZE))
        return paddr

    def stats(self) -> IommuStats:
        return IommuStats(self.mapped_pages, sum(len(d.iovas) for d in self._domains.values()),
                          len(self._pending_free), self.commands_submitted, self.total_deferred)

    # Command queue.
    def _submit(self, commands: list[tuple[int, int]]) -> int:
        """Queue ``commands`` and an IOFENCE.C after them; return the fence's
        sequence number, which the IOMMU writes to ``completion_addr``."""
        needed = len(commands) + 1
        if self._queue_space() < needed:
            self._reclaim()
        if self._queue_space() < needed:
            self._cq_head = self.hw.read_reg(spec.REG_CQH, 4)
        if self._queue_space() < needed:
            raise BusDmaPanic("IOMMU command queue is full")
        self._fence_seq = (self._fence_seq + 1) & 0xFFFFFFFF
        for dword0, dword1 in commands + [spec.iofence_c(self.completion_addr, self._fence_seq)]:
            slot = self.cq + self._cq_tail * spec.CMD_SIZE
            self.memory.write_u64(slot, dword0)
            self.memory.write_u64(slot + 8, dword1)
            self._cq_tail = (self._cq_tail + 1) % self.cq_entries
        self._fences_in_flight.append((self._fence_seq, self._cq_tail))
        self.commands_submitted += needed
        self.hw.write_reg(spec.REG_CQT, self._cq_tail, 4)
        return self._fence_seq

    def _queue_space(self) -> int:
        return self.cq_entries - 1 - (self._cq_tail - self._cq_head) % self.cq_entries

    def _fence_completed(self, seq: int) -> bool:
        return (self._fence_done - seq) & 0xFFFFFFFF < 1 << 31

    def _reclaim(self) -> None:
        """Release IOVA ranges whose invalidation fence has completed."""
        self._fence_done = self.memory.read_u32(self.completion_addr)
        while self._fences_in_flight and self._fence_completed(self._fences_in_flight[0][0]):
            self._cq_head = self._fences_in_flight.pop(0)[1]
        still_pending = []
        for seq, domain, iova in self._pending_free:
            if self._fence_completed(seq):
                domain.iovas.free(iova)
                self.resources_freed(domain.device_id)
            else:
                still_pending.append((seq, domain, iova))
        self._pending_free = still_pending

    def poll(self) -> None:
        """Take note of completed invalidations and run loads waiting for IOVA space."""
        self._reclaim()
        self.run_deferred()

    # Device contexts and page tables.
    def md_root_tag_created(self, tag: DmaTag) -> None:
        device_id = tag.device_id
        if not 0 <= device_id < spec.DDT_1LVL_DEVICES:
            raise ValueError(f"device_id must be below {spec.DDT_1LVL_DEVICES} (1-level DDT)")
        root_table = self._zeroed_page()
        domain = _Domain(device_id, device_id, root_table,
                         IovaAllocator(self.iova_base, self.iova_limit, self.guard_pages))
        self._domains[device_id] = domain
        dc = self.ddt + device_id * spec.DC_SIZE
        self.memory.write_u64(dc + 8, spec.IOHGATP_MODE_BARE << spec.ATP_MODE_SHIFT)
        self.memory.write_u64(dc + 16, domain.pscid << spec.TA_PSCID_SHIFT)
        self.memory.write_u64(dc + 24, spec.IOSATP_MODE_SV39 << spec.ATP_MODE_SHIFT
                              | root_table >> 12)
        self.memory.write_u64(dc, spec.DC_TC_V)
        self._submit([spec.iodir_inval_ddt(device_id)])
        self._reclaim()

    def _pte_slot(self, domain: _Domain, iova: int) -> int:
        table = domain.root_table
        for level in (2, 1):
            slot = table + 8 * spec.sv39_index(iova, level)
            pte = self.memory.read_u64(slot)
            if not pte & spec.PTE_V:
                next_table = self._zeroed_page()
                self.memory.write_u64(slot, spec.pointer_pte(next_table))
                table = next_table
            else:
                table = spec.pte_paddr(pte)
        return table + 8 * spec.sv39_index(iova, 0)

    def _domain(self, tag: DmaTag) -> _Domain:
        return self._domains[tag.device_id]

    # Machine-dependent hooks.
    def md_map_create(self, tag: DmaTag, dmamap: DmaMap, for_dmamem: bool) -> None:
        dmamap.md = _MapState()

    @staticmethod
    def _iova_groups(sources: list) -> list[list]:
        """Sources that meet at page boundaries (one ends at the end of a page,
        the next starts at the start of one) share an IOVA range, so that the
        device sees them as one contiguous run, as Linux's IOMMU DMA layer
        maps a scatterlist."""
        groups: list[list] = []
        for source in sources:
            if source.length == 0:
                continue
            starts_page = source.paddr(0) & PAGE_MASK == 0
            if groups and starts_page:
                last = groups[-1][-1]
                if (last.paddr(last.length - 1) + 1) & PAGE_MASK == 0:
                    groups[-1].append(source)
                    continue
            groups.append([source])
        return groups

    def md_reserve(self, tag: DmaTag, dmamap: DmaMap, sources: list, wait: bool) -> bool:
        state: _MapState = dmamap.md
        if state.mappings:
            return True
        groups = self._iova_groups(sources)
        layouts = [_IovaRange(g[0].paddr(0) & PAGE_MASK, sum(s.length for s in g))
                   for g in groups]
        if not self._layout_possible(tag, layouts):
            raise BusDmaError(errno.EINVAL, "a segment would start at an IOVA that violates the "
                              "tag's alignment, and an IOMMU cannot move data within a page")
        self._reclaim()
        domain = self._domain(tag)
        for group in groups:
            sizes = [(s.paddr(0) & PAGE_MASK, -(-((s.paddr(0) & PAGE_MASK) + s.length) // PAGE_SIZE))
                     for s in group]
            iova = domain.iovas.alloc(sum(n for _, n in sizes) * PAGE_SIZE,
                                      max(tag.alignment, PAGE_SIZE), tag.boundary,
                                      min(tag.lowaddr, self.iova_limit - 1))
            if iova is None:
                for mapping in state.mappings:
                    if mapping.owner:
                        domain.iovas.free(mapping.iova)
                state.mappings = []
                return False
            for index, (source, (page_offset, npages)) in enumerate(zip(group, sizes)):
                state.mappings.append(_Mapping(source, iova, npages, page_offset,
                                               owner=index == 0))
                iova += npages * PAGE_SIZE
        return True

    def md_load(self, tag: DmaTag, dmamap: DmaMap, sources: list, builder: SegmentBuilder) -> None:
        domain = self._domain(tag)
        ranges = []
        for mapping in dmamap.md.mappings:
            for index in range(mapping.npages):
                voff = max(0, index * PAGE_SIZE - mapping.page_offset)
                paddr = trunc_page(mapping.source.paddr(voff))
                self.memory.write_u64(self._pte_slot(domain, mapping.iova + index * PAGE_SIZE),
                                      spec.leaf_pte(paddr))
            mapping.mapped = True
            self.mapped_pages += mapping.npages
            if mapping.owner:
                ranges.append(_IovaRange(mapping.iova + mapping.page_offset, 0))
            ranges[-1].length += mapping.source.length
        for chunk in plan_chunks(tag, ranges):
            assert not chunk.needs_bounce, "md_reserve admits only alignable layouts"
            if builder.add(chunk.addr, chunk.size) != chunk.size:
                raise _SegmentOverflow

    def md_unload(self, tag: DmaTag, dmamap: DmaMap) -> None:
        domain = self._domain(tag)
        mappings = dmamap.md.mappings
        dmamap.md = _MapState()
        mapped = [m for m in mappings if m.mapped]
        for mapping in mappings:
            if not mapping.mapped and mapping.owner:
                domain.iovas.free(mapping.iova)
                self.resources_freed(domain.device_id)
        if not mapped:
            return
        commands = []
        pages = [m.iova + i * PAGE_SIZE for m in mapped for i in range(m.npages)]
        for iova in pages:
            self.memory.write_u64(self._pte_slot(domain, iova), 0)
        if len(pages) <= self.INVALIDATE_PAGES_INDIVIDUALLY:
            commands += [spec.iotinval_vma(domain.pscid, iova) for iova in pages]
        else:
            commands.append(spec.iotinval_vma(domain.pscid))
        self.mapped_pages -= len(pages)
        seq = self._submit(commands)
        self._pending_free += [(seq, domain, m.iova) for m in mapped if m.owner]
        self._reclaim()

    def md_sync_range(self, tag: DmaTag, dmamap: DmaMap, op: int, offset: int,
                      length: int) -> None:
        """Nothing to copy: the device reaches the client's own pages."""

    PHYS_ADDR_BITS = 56   # a leaf PTE holds a 44-bit PPN

    def register_peer_window(self, base: int, size: int, owner: str, *, mem=None):
        """As ``Platform.register_peer_window``; the window must also lie in the
        physical address space the IOMMU's page tables can point to."""
        if isinstance(base, int) and isinstance(size, int) and base + size > 1 << self.PHYS_ADDR_BITS:
            raise BusDmaError(errno.EINVAL, f"peer window {base:#x}+{size:#x} lies beyond the "
                              f"IOMMU's {self.PHYS_ADDR_BITS}-bit physical address space")
        return super().register_peer_window(base, size, owner, mem=mem)

    def md_dma_mask_supported(self, mask: int) -> bool:
        """A mask must leave room for at least one page of IOVA space."""
        return min(mask, self.iova_limit - 1) >= self.iova_base + PAGE_SIZE - 1

    def md_raw_alloc_range(self, min_addr: int, max_addr: int) -> tuple[int, int]:
        """DMA addresses are IOVAs: any physical page will do."""
        return 0, self.memory.size - 1

    def md_note_deferred(self, tag: DmaTag) -> None:
        self.total_deferred += 1

    def md_wait_channel(self, tag: DmaTag) -> int:
        """Loads wait per device: each device has its own IOVA space."""
        return tag.device_id

    def md_dmamem_alloc(self, tag: DmaTag, flags: int) -> KvaBuffer:
        size = tag.maxsize
        if not self._layout_possible(tag, [_IovaRange(0, size)], check_nsegments=True):
            raise BusDmaError(errno.ENOMEM, "the tag's segment limits cannot map maxsize bytes")
        try:
            pages = self.memory.allocator.alloc_pages(-(-size // PAGE_SIZE))
        except OutOfMemory:
            raise BusDmaError(errno.ENOMEM, "out of memory") from None
        buf = KvaBuffer(self.memory, pages, 0, size)
        if flags & BUS_DMA_ZERO:
            buf.write(0, bytes(size))
        return buf

    @staticmethod
    def _layout_possible(tag: DmaTag, ranges: list[_IovaRange],
                         check_nsegments: bool = False) -> bool:
        """Would buffers starting at these page offsets map without a
        misaligned segment start (and, if asked, within nsegments)?

        Real IOVA ranges start aligned to max(alignment, PAGE_SIZE) and either
        fit in one boundary block or start on a boundary multiple, so they
        split exactly like ranges at IOVA 0 plus the page offset.
        """
        builder = SegmentBuilder(tag)
        for iova_range in ranges:  # real ranges are never contiguous (guard pages)
            for chunk in plan_chunks(tag, [iova_range]):
                if chunk.needs_bounce:
                    return False
                if check_nsegments and builder.add(chunk.addr, chunk.size) != chunk.size:
                    return False
        return True

    def md_dmamem_free(self, tag: DmaTag, buf: KvaBuffer) -> None:
        self.memory.allocator.free(buf.pages)
