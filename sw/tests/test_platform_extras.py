# SPDX-License-Identifier: Apache-2.0
"""Platform additions: allocator ranges, IOVA sharing of page-meeting buffers,
the swiotlb pool, and the machine-dependent questions the facades ask."""

import pytest

import busdma
from busdma import PAGE_SIZE
from busdma.bounce import BUS_DMA_SWIOTLB, IO_TLB_SEGSIZE, IO_TLB_SIZE, Swiotlb

HIGH = 0x1_0000_0000


def test_allocator_min_addr(dma):
    memory = busdma.PhysicalMemory(1 << 30)
    a = memory.allocator
    assert a.alloc_page(min_addr=0x10000, max_addr=0x10FFF) == 0x10000
    with pytest.raises(busdma.OutOfMemory):
        a.alloc_page(min_addr=0x10000, max_addr=0x10FFF)
    pages = a.alloc_pages(3, min_addr=0x20000, max_addr=0x22FFF)
    assert sorted(pages) == [0x20000, 0x21000, 0x22000]
    with pytest.raises(busdma.OutOfMemory):
        a.alloc_pages(2, min_addr=0x30000, max_addr=0x30FFF)
    assert a.alloc_contig(0x2000, min_addr=0x40001, max_addr=0x43FFF) == 0x42000
    with pytest.raises(busdma.OutOfMemory):
        a.alloc_contig(0x3000, min_addr=0x40001, max_addr=0x43FFF)   # 0x41000.. is too small
    shuffled = busdma.PhysicalMemory(1 << 30, shuffle=True, seed=4).allocator
    assert all(0x100000 <= p <= 0x1FF000 for p in
               shuffled.alloc_pages(20, min_addr=0x100000, max_addr=0x1FFFFF))


def test_iommu_buffers_meeting_at_page_boundaries_share_an_iova_range(iommu_platform, dma):
    tag = dma.make_tag(iommu_platform.bus_get_dma_tag(2))
    first = iommu_platform.memory.buffer([HIGH + 0x5000], 0x800)         # ends at a page end
    second = iommu_platform.memory.buffer([0x900000, HIGH + 0x9000])     # whole pages
    third = iommu_platform.memory.buffer([0xA00000], 0, 0x100)           # starts a page...
    fourth = iommu_platform.memory.buffer([0xB00000], 0x10, 0x10)        # ...this one does not
    for buf, seed in ((first, 1), (second, 2), (third, 3), (fourth, 4)):
        buf.write(0, dma.pattern(len(buf), seed=seed))
    dmamap = busdma.bus_dmamap_create(tag, 0)
    got = []
    uio = busdma.Uio([first, second, third, fourth])
    assert busdma.bus_dmamap_load_uio(tag, dmamap, uio, lambda a, s, n, m, e: got.append(s),
                                      None, 0) == 0
    segs = got[0]
    assert [s.ds_len for s in segs] == [0x800 + 0x2000 + 0x100, 0x10]
    assert dma.iommu_device_bytes(iommu_platform, 2, segs) == b"".join(
        b.read() for b in (first, second, third, fourth))
    stats = iommu_platform.stats()
    assert stats.iova_ranges == 2 and stats.mapped_pages == 1 + 2 + 1 + 1
    busdma.bus_dmamap_unload(tag, dmamap)
    assert iommu_platform.stats().mapped_pages == 0
    iommu_platform.poll()
    assert iommu_platform.stats().iova_ranges == 0


def test_swiotlb_pool_slots():
    memory = busdma.PhysicalMemory(1 << 30)
    pool = Swiotlb(memory, 1, 0xFFFFFFFF)
    assert pool.size == IO_TLB_SIZE * IO_TLB_SEGSIZE and pool.nslots == IO_TLB_SEGSIZE
    assert pool.end <= 0xFFFFFFFF and pool.base % PAGE_SIZE == 0
    a = pool.alloc(0x10)
    b = pool.alloc(PAGE_SIZE)                       # a page or more: page-aligned
    assert a == pool.base and b == pool.base + PAGE_SIZE and pool.used_slots == 3
    c = pool.alloc(0x900, boundary=0x1000)           # must not cross a 4 KiB multiple
    assert c // 0x1000 == (c + 0x8FF) // 0x1000 and c == pool.base + 0x2000
    assert pool.alloc(IO_TLB_SIZE * IO_TLB_SEGSIZE + 1) is None
    assert pool.alloc(0x2000, boundary=0x1000) is None
    pool.free(b, PAGE_SIZE)
    assert pool.alloc(0x800) == pool.base + IO_TLB_SIZE
    assert pool.alloc(IO_TLB_SIZE * IO_TLB_SEGSIZE) is None    # no whole segment is free


def test_swiotlb_tag_flag_on_the_freebsd_api(dma):
    """BUS_DMA_SWIOTLB (BUS_DMA_BUS1) works with the FreeBSD functions too: the
    buffer is bounced as a whole into one contiguous run."""
    platform = busdma.BouncePlatform(memory_size=8 * dma.GiB)
    tag = dma.make_tag(platform.bus_get_dma_tag(), lowaddr=busdma.BUS_SPACE_MAXADDR_32BIT,
                       nsegments=1, flags=BUS_DMA_SWIOTLB)
    buf = platform.memory.buffer([HIGH + 0x3000, HIGH + 0x1000], 0x40, 0x1800)
    buf.write(0, dma.pattern(0x1800))
    dmamap = busdma.bus_dmamap_create(tag, 0)
    result = dma.load(tag, dmamap, buf)
    assert result.error == 0 and len(result.segs) == 1
    assert platform.stats().total_bpages == 0                 # no bounce zone was used
    busdma.bus_dmamap_sync(tag, dmamap, busdma.BUS_DMASYNC_PREWRITE)
    assert dma.device_bytes(platform.memory, result.segs) == buf.read()
    assert platform.stats().bounced_bytes == 0x1800
    busdma.bus_dmamap_unload(tag, dmamap)
    assert platform.swiotlb.used_slots == 0


def test_dma_mask_support_questions(dma):
    bounce = busdma.BouncePlatform(memory_size=1 << 30)
    assert bounce.md_dma_mask_supported(0xFFFFFF) and not bounce.md_dma_mask_supported(0xFFFFFE)
    small = busdma.BouncePlatform(memory_size=1 << 20)
    assert small.md_dma_mask_supported((1 << 20) - 1)         # all of a small memory
    iommu = busdma.IommuPlatform(memory_size=1 << 30, iova_base=0x10000)
    assert iommu.md_dma_mask_supported(0x10FFF) and not iommu.md_dma_mask_supported(0x10FFE)
    assert bounce.md_raw_alloc_range(0x1000, 0xFFFF) == (0x1000, 0xFFFF)
    assert bounce.md_swiotlb_flags() == BUS_DMA_SWIOTLB and iommu.md_swiotlb_flags() == 0
    assert iommu.md_raw_alloc_range(0x1000, 0xFFFF) == (0, (1 << 30) - 1)
