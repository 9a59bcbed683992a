# SPDX-License-Identifier: Apache-2.0
"""Host memory: a sparse physical address space, a page allocator, and
kernel-virtual buffers made of arbitrary physical pages.

Physical memory is one anonymous ``mmap``: Linux allocates its pages only when
they are touched, so a machine with gigabytes of "RAM" costs what the test
actually writes.  The same object is exposed as ``.mem`` so that an RTL memory
model (cocotbext-axi's ``AxiRam(..., mem=memory.mem)``) sees the very bytes the
driver wrote.
"""

from __future__ import annotations

import mmap
import random
from collections.abc import Iterable, Sequence

from .constants import PAGE_MASK, PAGE_SIZE, round_page


class OutOfMemory(Exception):
    """The page allocator cannot satisfy a request."""


class PageAllocator:
    """Hands out physical pages of a ``PhysicalMemory``.

    By default pages are taken highest address first (below any limit the
    caller gives), leaving low memory to caller-chosen layouts; with ``shuffle=True``
    single pages come from random addresses, so that consecutive allocations
    are physically discontiguous (like a long-running kernel's free lists).
    """

    def __init__(self, size: int, *, shuffle: bool = False, seed: int | None = None,
                 reserved_low: int = PAGE_SIZE):
        self.npages = size // PAGE_SIZE
        self.shuffle = shuffle
        self._rng = random.Random(seed)
        self._used: set[int] = set()
        # Where the last top-down search for (limit, step) stopped: every
        # candidate above it is in use, so the next search resumes there.
        self._resume: dict[tuple[int, int], int] = {}
        # Page 0 stays unused so that physical address 0 never looks like NULL.
        self._first_page = round_page(reserved_low) // PAGE_SIZE

    @property
    def pages_in_use(self) -> int:
        return len(self._used)

    def is_allocated(self, paddr: int) -> bool:
        return paddr // PAGE_SIZE in self._used

    def claim(self, pages: Iterable[int]) -> None:
        """Mark specific page addresses as in use (for caller-chosen layouts)."""
        pfns = []
        for paddr in pages:
            if paddr & PAGE_MASK or not 0 <= paddr < self.npages * PAGE_SIZE:
                raise ValueError(f"{paddr:#x} is not a page address inside memory")
            pfn = paddr // PAGE_SIZE
            if pfn in self._used or pfn in pfns:
                raise ValueError(f"page {paddr:#x} is already in use")
            pfns.append(pfn)
        self._used.update(pfns)

    def free(self, pages: Iterable[int]) -> None:
        for paddr in pages:
            pfn = paddr // PAGE_SIZE
            if pfn not in self._used:
                raise ValueError(f"page {paddr:#x} is not allocated")
            self._used.remove(pfn)
            for key, resume in list(self._resume.items()):
                if pfn > resume:
                    del self._resume[key]

    def alloc_page(self, *, max_addr: int | None = None, alignment: int = PAGE_SIZE,
                   min_addr: int | None = None) -> int:
        return self.alloc_contig(PAGE_SIZE, max_addr=max_addr, alignment=alignment,
                                 min_addr=min_addr)

    def alloc_pages(self, count: int, *, max_addr: int | None = None,
                    min_addr: int | None = None) -> list[int]:
        """``count`` pages, not necessarily contiguous, each ending at or below
        ``max_addr`` and starting at or above ``min_addr``."""
        if count > self._limit_pfn(max_addr) - self._low_pfn(min_addr):
            raise OutOfMemory(f"{count} pages requested, fewer exist in the range")
        pages: list[int] = []
        try:
            for _ in range(count):
                pages.append(self._alloc_single(max_addr, min_addr))
        except OutOfMemory:
            self.free(pages)
            raise
        return pages

    def alloc_contig(self, size: int, *, max_addr: int | None = None,
                     alignment: int = PAGE_SIZE, boundary: int = 0,
                     min_addr: int | None = None) -> int:
        """A physically contiguous run of ``round_page(size)`` bytes that starts
        on ``alignment``, at or above ``min_addr``, ends at or below ``max_addr``
        and, when it fits inside one ``boundary`` block, does not cross a
        ``boundary`` multiple.  Taken from the top of the allowed range, like
        FreeBSD's contigmalloc."""
        npages = max(1, round_page(size) // PAGE_SIZE)
        step = max(alignment, PAGE_SIZE) // PAGE_SIZE
        limit_pfn = self._limit_pfn(max_addr)
        low_pfn = self._low_pfn(min_addr)
        pfn = (limit_pfn - npages) // step * step
        if npages == 1:
            pfn = min(pfn, self._resume.get((limit_pfn, step), pfn))
        while pfn >= low_pfn:
            start, end = pfn * PAGE_SIZE, (pfn + npages) * PAGE_SIZE
            if boundary and end - start <= boundary and start // boundary != (end - 1) // boundary:
                pfn = ((end - 1) // boundary * boundary - (end - start)) // PAGE_SIZE // step * step
                continue
            busy = next((p for p in range(pfn + npages - 1, pfn - 1, -1) if p in self._used), None)
            if busy is None:
                self._used.update(range(pfn, pfn + npages))
                if npages == 1:
                    self._resume[(limit_pfn, step)] = pfn
                return start
            pfn = (busy - npages) // step * step
        raise OutOfMemory(f"no {npages} contiguous pages below {max_addr!r}")

    def _limit_pfn(self, max_addr: int | None) -> int:
        if max_addr is None:
            return self.npages
        return min(self.npages, (max_addr + 1) // PAGE_SIZE)

    def _low_pfn(self, min_addr: int | None) -> int:
        if min_addr is None:
            return self._first_page
        return max(self._first_page, round_page(max(min_addr, 0)) // PAGE_SIZE)

    def _alloc_single(self, max_addr: int | None, min_addr: int | None = None) -> int:
        limit_pfn = self._limit_pfn(max_addr)
        low_pfn = self._low_pfn(min_addr)
        if limit_pfn <= low_pfn:
            raise OutOfMemory("no memory in the range")
        if self.shuffle:
            for _ in range(64):
                pfn = self._rng.randrange(low_pfn, limit_pfn)
                if pfn not in self._used:
                    self._used.add(pfn)
                    return pfn * PAGE_SIZE
        return self.alloc_contig(PAGE_SIZE, max_addr=max_addr, min_addr=min_addr)


class PhysicalMemory:
    """Byte-addressable physical memory of ``size`` bytes (default 8 GiB).

    ``read(paddr, n)`` and ``write(paddr, data)`` access it by physical
    address; ``mem`` is the underlying mmap for sharing with RTL models.
    """

    def __init__(self, size: int = 8 << 30, *, shuffle: bool = False, seed: int | None = None):
        if size <= 0 or size & PAGE_MASK:
            raise ValueError("memory size must be a positive multiple of PAGE_SIZE")
        self.size = size
        self.mem = mmap.mmap(-1, size)
        self.allocator = PageAllocator(size, shuffle=shuffle, seed=seed)

    def _check(self, paddr: int, length: int) -> None:
        if paddr < 0 or paddr + length > self.size:
            raise ValueError(f"physical range {paddr:#x}+{length:#x} is outside memory")

    def read(self, paddr: int, length: int) -> bytes:
        self._check(paddr, length)
        return self.mem[paddr:paddr + length]

    def write(self, paddr: int, data: bytes) -> None:
        self._check(paddr, len(data))
        self.mem[paddr:paddr + len(data)] = data

    def read_u64(self, paddr: int) -> int:
        return int.from_bytes(self.read(paddr, 8), "little")

    def write_u64(self, paddr: int, value: int) -> None:
        self.write(paddr, value.to_bytes(8, "little"))

    def read_u32(self, paddr: int) -> int:
        return int.from_bytes(self.read(paddr, 4), "little")

    def buffer(self, pages: Sequence[int], offset: int = 0, length: int | None = None,
               *, claim: bool = True) -> KvaBuffer:
        """A kernel-virtual buffer over exactly these physical pages, starting
        ``offset`` bytes into the first page.  The pages are claimed from the
        allocator unless ``claim=False`` (e.g. for two buffers sharing a page)."""
        buf = KvaBuffer(self, pages, offset, length)
        if claim:
            self.allocator.claim(buf.pages)
        return buf

    def alloc_buffer(self, length: int, offset: int = 0, *, max_addr: int | None = None) -> KvaBuffer:
        """A buffer over freshly allocated (possibly discontiguous) pages."""
        npages = max(1, round_page(offset + length) // PAGE_SIZE)
        pages = self.allocator.alloc_pages(npages, max_addr=max_addr)
        return KvaBuffer(self, pages, offset, length)

    def free_buffer(self, buf: KvaBuffer) -> None:
        self.allocator.free(buf.pages)


class KvaBuffer:
    """A virtually contiguous buffer: ``length`` bytes starting ``offset``
    bytes into the first of ``pages`` (physical page addresses, any order).

    It plays the role of a kernel virtual address: ``buf`` arguments of the
    bus_dma functions are ``KvaBuffer`` objects.
    """

    def __init__(self, memory: PhysicalMemory, pages: Sequence[int], offset: int = 0,
                 length: int | None = None):
        pages = tuple(pages)
        if not 0 <= offset < PAGE_SIZE:
            raise ValueError("offset must lie inside the first page")
        if length is None:
            length = len(pages) * PAGE_SIZE - offset
        if length < 0 or offset + length > len(pages) * PAGE_SIZE:
            raise ValueError("length runs past the last page")
        for paddr in pages:
            if paddr & PAGE_MASK or not 0 <= paddr < memory.size:
                raise ValueError(f"{paddr:#x} is not a page address inside memory")
        self.memory = memory
        self.pages = pages[:max(1, round_page(offset + length) // PAGE_SIZE)]
        self.offset = offset
        self.length = length

    def __len__(self) -> int:
        return self.length

    def __repr__(self) -> str:
        pages = ", ".join(f"{p:#x}" for p in self.pages)
        return f"KvaBuffer(pages=[{pages}], offset={self.offset:#x}, length={self.length:#x})"

    def paddr(self, voff: int) -> int:
        """Physical address of the byte ``voff`` bytes into the buffer."""
        if not 0 <= voff < max(self.length, 1):
            raise ValueError(f"offset {voff:#x} is outside the buffer")
        pos = self.offset + voff
        return self.pages[pos // PAGE_SIZE] + (pos & PAGE_MASK)

    def fragments(self, voff: int = 0, length: int | None = None) -> list[tuple[int, int]]:
        """The physical ``(paddr, len)`` runs holding ``length`` bytes from
        ``voff``; physically adjacent pages are merged."""
        if length is None:
            length = self.length - voff
        if voff < 0 or length < 0 or voff + length > self.length:
            raise ValueError("range is outside the buffer")
        runs: list[tuple[int, int]] = []
        while length:
            paddr = self.paddr(voff)
            size = min(length, PAGE_SIZE - (paddr & PAGE_MASK))
            if runs and runs[-1][0] + runs[-1][1] == paddr:
                runs[-1] = (runs[-1][0], runs[-1][1] + size)
            else:
                runs.append((paddr, size))
            voff += size
            length -= size
        return runs

    def read(self, voff: int = 0, length: int | None = None) -> bytes:
        return b"".join(self.memory.read(p, n) for p, n in self.fragments(voff, length))

    def write(self, voff: int, data: bytes) -> None:
        data = bytes(data)
        pos = 0
        for paddr, size in self.fragments(voff, len(data)):
            self.memory.write(paddr, data[pos:pos + size])
            pos += size

    def slice(self, voff: int, length: int) -> KvaBuffer:
        """A view of ``length`` bytes of this buffer starting at ``voff``."""
        if voff < 0 or length < 0 or voff + length > self.length:
            raise ValueError("slice is outside the buffer")
        pos = self.offset + voff
        first = pos // PAGE_SIZE
        return KvaBuffer(self.memory, self.pages[first:], pos & PAGE_MASK, length)


class PhysRange:
    """A physically contiguous range, the memory behind ``bus_dmamap_load_phys``."""

    def __init__(self, memory: PhysicalMemory, paddr: int, length: int):
        if paddr < 0 or length < 0 or paddr + length > memory.size:
            raise ValueError("physical range is outside memory")
        self.memory = memory
        self.base = paddr
        self.length = length

    def __len__(self) -> int:
        return self.length

    def paddr(self, voff: int) -> int:
        return self.base + voff

    def fragments(self, voff: int = 0, length: int | None = None) -> list[tuple[int, int]]:
        if length is None:
            length = self.length - voff
        return [(self.base + voff, length)] if length else []

    def read(self, voff: int = 0, length: int | None = None) -> bytes:
        if length is None:
            length = self.length - voff
        return self.memory.read(self.base + voff, length)

    def write(self, voff: int, data: bytes) -> None:
        self.memory.write(self.base + voff, bytes(data))
