# SPDX-License-Identifier: Apache-2.0
"""Host memory: sparse physical memory, page allocator, KVA buffers."""

import pytest

import busdma
from busdma import PAGE_SIZE, OutOfMemory, PhysicalMemory


def test_large_memory_is_sparse_and_shared_through_mem():
    memory = PhysicalMemory(8 << 30)
    memory.write(0x1_FFFF_FFF0, b"top of memory!!!")
    assert memory.mem[0x1_FFFF_FFF0:0x2_0000_0000] == b"top of memory!!!"
    memory.mem[0x1000:0x1004] = b"rtl!"  # what an AxiRam sharing .mem would do
    assert memory.read(0x1000, 4) == b"rtl!"
    with pytest.raises(ValueError):
        memory.read(0x1_FFFF_FFFF, 2)


def test_buffer_over_explicit_pages_with_offset_and_length():
    memory = PhysicalMemory(1 << 30)
    buf = memory.buffer([0x5000, 0x2000, 0x3000, 0x9000], offset=0xF00, length=0x1100)
    assert buf.pages == (0x5000, 0x2000)  # the last two pages hold no byte of the buffer
    assert buf.paddr(0) == 0x5F00 and buf.paddr(0x100) == 0x2000
    assert buf.fragments() == [(0x5F00, 0x100), (0x2000, 0x1000)]
    buf.write(0xF0, bytes(range(32)))
    assert memory.read(0x5FF0, 16) == bytes(range(16))
    assert memory.read(0x2000, 16) == bytes(range(16, 32))
    assert buf.slice(0x100, 0x10).read() == bytes(range(16, 32))
    with pytest.raises(ValueError):
        memory.buffer([0x2000])  # already claimed
    shared = memory.buffer([0x2000], claim=False)
    assert shared.read(0, 4) == bytes(range(16, 20))


def test_contiguous_pages_are_merged_in_fragments():
    memory = PhysicalMemory(1 << 30)
    buf = memory.buffer([0x10000, 0x11000, 0x20000])
    assert buf.fragments() == [(0x10000, 0x2000), (0x20000, 0x1000)]


def test_allocator_limits_alignment_boundary_and_exhaustion():
    memory = PhysicalMemory(64 * PAGE_SIZE)
    allocator = memory.allocator
    low = allocator.alloc_contig(3 * PAGE_SIZE, max_addr=16 * PAGE_SIZE - 1,
                                 alignment=4 * PAGE_SIZE)
    assert low % (4 * PAGE_SIZE) == 0 and low + 3 * PAGE_SIZE <= 16 * PAGE_SIZE
    crossing_free = allocator.alloc_contig(2 * PAGE_SIZE, boundary=8 * PAGE_SIZE)
    assert crossing_free // (8 * PAGE_SIZE) == (crossing_free + 2 * PAGE_SIZE - 1) // (8 * PAGE_SIZE)
    with pytest.raises(OutOfMemory):
        allocator.alloc_pages(100)
    assert allocator.pages_in_use == 5  # a failed request takes nothing
    allocator.free([low])
    assert not allocator.is_allocated(low)
    with pytest.raises(ValueError):
        allocator.free([low])


def test_shuffled_allocation_is_discontiguous_and_seeded():
    first = PhysicalMemory(1 << 30, shuffle=True, seed=7).alloc_buffer(16 * PAGE_SIZE)
    again = PhysicalMemory(1 << 30, shuffle=True, seed=7).alloc_buffer(16 * PAGE_SIZE)
    assert first.pages == again.pages
    assert len(first.fragments()) > 8


def test_phys_range_reads_and_writes():
    memory = PhysicalMemory(1 << 30)
    span = busdma.PhysRange(memory, 0x1234, 0x10)
    span.write(0, b"0123456789abcdef")
    assert span.read(4, 4) == b"4567" and span.fragments() == [(0x1234, 0x10)]


def test_alloc_and_free_buffer():
    memory = PhysicalMemory(1 << 30)
    buf = memory.alloc_buffer(0x1700, offset=0x900, max_addr=(16 << 20) - 1)
    assert len(buf.pages) == 2 and all(p < 16 << 20 for p in buf.pages)
    memory.free_buffer(buf)
    assert memory.allocator.pages_in_use == 0
