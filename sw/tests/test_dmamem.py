# SPDX-License-Identifier: Apache-2.0
"""bus_dmamem_alloc / bus_dmamem_free."""

import errno

import pytest

import busdma
from busdma import (BUS_DMA_COHERENT, BUS_DMA_NOWAIT, BUS_DMA_WAITOK, BUS_DMA_ZERO,
                    BUS_SPACE_MAXADDR_24BIT, BUS_SPACE_MAXADDR_32BIT, BusDmaError, PAGE_SIZE)


def alloc_and_load(dma, tag, flags=0):
    vaddr, dmamap = busdma.bus_dmamem_alloc(tag, flags)
    assert len(vaddr) == tag.maxsize and not dmamap.loaded
    result = dma.load(tag, dmamap, vaddr)
    assert result.returned == 0 and result.error == 0
    return vaddr, dmamap, result.segs


@pytest.mark.parametrize("tag_args", [
    dict(maxsize=0x100, alignment=0x100, lowaddr=BUS_SPACE_MAXADDR_24BIT),
    dict(maxsize=0x4000, nsegments=1, maxsegsz=0x4000, lowaddr=BUS_SPACE_MAXADDR_32BIT),
    dict(maxsize=0x4000, nsegments=4, maxsegsz=PAGE_SIZE),
    dict(maxsize=0x2000, alignment=0x10000, nsegments=1, maxsegsz=0x2000),
    dict(maxsize=0x3000, boundary=0x4000, nsegments=1, maxsegsz=0x3000),
    dict(maxsize=0x2000, boundary=0x800, nsegments=4),
])
def test_dmamem_satisfies_its_tag_without_bouncing(platform, root, dma, tag_args):
    tag = dma.make_tag(root, **tag_args)
    vaddr, dmamap, segs = alloc_and_load(dma, tag, BUS_DMA_WAITOK)
    dma.assert_segments_obey(tag, segs, tag.maxsize)
    assert platform.stats().active_bpages == 0
    vaddr.write(0, dma.pattern(tag.maxsize))
    assert dma.device_bytes(platform.memory, segs) == dma.pattern(tag.maxsize)
    busdma.bus_dmamap_unload(tag, dmamap)
    busdma.bus_dmamem_free(tag, vaddr, dmamap)
    busdma.bus_dma_tag_destroy(tag)


def test_zero_flag_clears_recycled_memory(platform, root, dma):
    tag = dma.make_tag(root, maxsize=PAGE_SIZE, lowaddr=BUS_SPACE_MAXADDR_32BIT)
    vaddr, dmamap = busdma.bus_dmamem_alloc(tag, 0)
    vaddr.write(0, b"\xAA" * PAGE_SIZE)
    busdma.bus_dmamem_free(tag, vaddr, dmamap)
    again, dmamap = busdma.bus_dmamem_alloc(tag, BUS_DMA_ZERO | BUS_DMA_COHERENT)
    assert again.pages == vaddr.pages  # the allocator hands the same page back
    assert again.read() == bytes(PAGE_SIZE)
    assert dmamap.coherent


def test_impossible_constraints_give_enomem(platform, root, dma):
    tag = dma.make_tag(root, maxsize=0x4000, nsegments=1, maxsegsz=0x1000)
    with pytest.raises(BusDmaError) as info:
        busdma.bus_dmamem_alloc(tag, BUS_DMA_NOWAIT)
    assert info.value.errno == errno.ENOMEM


def test_out_of_low_memory_gives_enomem(root, dma):
    platform = busdma.BouncePlatform(memory_size=32 * PAGE_SIZE)
    tag = dma.make_tag(platform.bus_get_dma_tag(), maxsize=64 * PAGE_SIZE)
    with pytest.raises(BusDmaError) as info:
        busdma.bus_dmamem_alloc(tag, BUS_DMA_NOWAIT)
    assert info.value.errno == errno.ENOMEM


def test_free_unloads_a_loaded_map(platform, root, dma):
    tag = dma.make_tag(root, maxsize=PAGE_SIZE)
    vaddr, dmamap, _ = alloc_and_load(dma, tag)
    busdma.bus_dmamem_free(tag, vaddr, dmamap)
    assert tag.map_count == 0 and not platform.memory.allocator.is_allocated(vaddr.pages[0])


def test_dmamem_on_the_iommu_platform(iommu_platform, dma):
    root = iommu_platform.bus_get_dma_tag(1)
    tag = dma.make_tag(root, maxsize=0x5000, nsegments=1, maxsegsz=0x5000, alignment=0x8000,
                       lowaddr=BUS_SPACE_MAXADDR_32BIT)
    vaddr, dmamap, segs = alloc_and_load(dma, tag, BUS_DMA_ZERO)
    dma.assert_segments_obey(tag, segs, 0x5000)
    vaddr.write(0, dma.pattern(0x5000))
    assert dma.iommu_device_bytes(iommu_platform, 1, segs) == dma.pattern(0x5000)
