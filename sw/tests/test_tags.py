# SPDX-License-Identifier: Apache-2.0
"""Tag creation, inheritance and destruction."""

import errno

import pytest

import busdma
from busdma import (BUS_DMA_ALLOCNOW, BUS_SPACE_MAXADDR, BUS_SPACE_MAXADDR_24BIT,
                    BUS_SPACE_MAXADDR_32BIT, BusDmaError, PAGE_SIZE)


@pytest.mark.parametrize("kwargs", [
    dict(alignment=0), dict(alignment=3), dict(alignment=0x1800),
    dict(boundary=0x3000), dict(boundary=5), dict(maxsegsz=0), dict(maxsize=0), dict(nsegments=0),
])
def test_invalid_arguments_raise_einval(root, dma, kwargs):
    with pytest.raises(BusDmaError) as info:
        dma.make_tag(root, **kwargs)
    assert info.value.errno == errno.EINVAL


def test_parent_must_be_a_tag(dma):
    with pytest.raises(BusDmaError) as info:
        dma.make_tag(None)
    assert info.value.errno == errno.EINVAL


def test_window_is_rounded_to_whole_pages(root, dma):
    tag = dma.make_tag(root, lowaddr=0x12345, highaddr=0x20001)
    assert tag.lowaddr == 0x12FFF
    assert tag.highaddr == 0x20FFF


def test_boundary_clamps_maxsegsz(root, dma):
    tag = dma.make_tag(root, boundary=0x1000, maxsegsz=0x10000)
    assert tag.maxsegsz == 0x1000


def test_child_inherits_parent_restrictions(root, dma):
    parent = dma.make_tag(root, alignment=8, boundary=0x10000, lowaddr=BUS_SPACE_MAXADDR_32BIT,
                          highaddr=0x1_FFFF_FFFF)
    child = dma.make_tag(parent, alignment=2, boundary=0, lowaddr=BUS_SPACE_MAXADDR,
                         highaddr=BUS_SPACE_MAXADDR_24BIT, maxsegsz=0x40000)
    assert child.lowaddr == BUS_SPACE_MAXADDR_32BIT       # the smaller
    assert child.highaddr == 0x1_FFFF_FFFF                # the larger
    assert child.boundary == 0x10000                      # inherited
    assert child.alignment == 8                           # the stricter
    assert child.maxsegsz == 0x10000                      # clamped by the inherited boundary
    grandchild = dma.make_tag(child, boundary=0x4000)
    assert grandchild.boundary == 0x4000                  # the smaller non-zero one
    wider = dma.make_tag(child, boundary=0x100000)
    assert wider.boundary == 0x10000


def test_filters_chain_through_parents(root, dma):
    seen = []

    def parent_filter(arg, paddr):
        seen.append(("parent", paddr))
        return 1

    def child_filter(arg, paddr):
        seen.append(("child", paddr))
        return 0  # the child's device can reach it, the parent bridge decides

    parent = dma.make_tag(root, lowaddr=0xFFFFF, highaddr=0x1FFFFF, filtfunc=parent_filter,
                          maxsize=PAGE_SIZE)
    inherits = dma.make_tag(parent)
    assert inherits.filter is parent_filter
    own = dma.make_tag(parent, filtfunc=child_filter, lowaddr=0xFFFFF, highaddr=0x1FFFFF)
    assert own.run_filter(0x150000) is True
    assert seen == [("child", 0x150000), ("parent", 0x150000)]
    assert own.run_filter(0x50000) is False


def test_destroy_busy_with_maps_and_children(root, dma):
    parent = dma.make_tag(root)
    child = dma.make_tag(parent)
    dmamap = busdma.bus_dmamap_create(child, 0)
    for tag in (parent, child):
        with pytest.raises(BusDmaError) as info:
            busdma.bus_dma_tag_destroy(tag)
        assert info.value.errno == errno.EBUSY
    busdma.bus_dmamap_destroy(child, dmamap)
    busdma.bus_dma_tag_destroy(child)
    busdma.bus_dma_tag_destroy(parent)
    with pytest.raises(BusDmaError) as info:
        busdma.bus_dmamap_create(parent, 0)
    assert info.value.errno == errno.EINVAL


def test_root_tag_cannot_be_destroyed(root):
    with pytest.raises(BusDmaError) as info:
        busdma.bus_dma_tag_destroy(root)
    assert info.value.errno == errno.EINVAL


def test_allocnow_reserves_bounce_pages(platform, root, dma):
    dma.make_tag(root, lowaddr=BUS_SPACE_MAXADDR_32BIT, maxsize=4 * PAGE_SIZE,
                 flags=BUS_DMA_ALLOCNOW)
    assert platform.stats().total_bpages >= 5


def test_allocnow_without_memory_raises_enomem(dma):
    platform = busdma.BouncePlatform(memory_size=64 * PAGE_SIZE, max_bounce_pages=8192)
    root = platform.bus_get_dma_tag()
    with pytest.raises(BusDmaError) as info:
        dma.make_tag(root, lowaddr=16 * PAGE_SIZE - 1, maxsize=64 * PAGE_SIZE,
                     flags=BUS_DMA_ALLOCNOW)
    assert info.value.errno == errno.ENOMEM


def test_pythonic_methods_wrap_the_functions(root):
    tag = root.create_child(alignment=4, maxsize=PAGE_SIZE, nsegments=1, maxsegsz=PAGE_SIZE)
    dmamap = tag.create_map()
    dmamap.destroy()
    tag.destroy()
    assert tag.destroyed
