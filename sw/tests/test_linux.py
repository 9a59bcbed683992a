# SPDX-License-Identifier: Apache-2.0
"""busdma.linux: the Linux DMA API over the core, swiotlb-like on the bounce
platform, IOVAs on the IOMMU platform."""

import errno

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import busdma
from busdma import PAGE_SIZE
from busdma import linux as L

HIGH = 0x1_0000_0000
FAST = settings(max_examples=100, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def einval(fn, *args):
    with pytest.raises(busdma.BusDmaError) as exc:
        fn(*args)
    assert exc.value.errno == errno.EINVAL


@pytest.fixture
def dev(platform):
    return L.Device(platform, 0)


def test_constants_and_defaults(dev):
    assert (L.DMA_BIDIRECTIONAL, L.DMA_TO_DEVICE, L.DMA_FROM_DEVICE, L.DMA_NONE) == (0, 1, 2, 3)
    assert L.DMA_MAPPING_ERROR == (1 << 64) - 1
    assert L.DMA_BIT_MASK(32) == 0xFFFFFFFF and L.DMA_BIT_MASK(64) == (1 << 64) - 1
    assert L.DMA_BIT_MASK(0) == 0
    with pytest.raises(ValueError):
        L.DMA_BIT_MASK(65)
    assert dev.dma_mask == dev.coherent_dma_mask == 0xFFFFFFFF
    assert L.dma_get_max_seg_size(dev) == 0x10000 and L.dma_get_seg_boundary(dev) == 0xFFFFFFFF


def test_masks_the_platform_cannot_honour_fail_with_eio(dev, iommu_platform):
    assert L.dma_set_mask_and_coherent(dev, L.DMA_BIT_MASK(64)) == 0
    assert dev.dma_mask == dev.coherent_dma_mask == L.DMA_BIT_MASK(64)
    assert L.dma_set_mask(dev, L.DMA_BIT_MASK(24)) == 0           # ZONE_DMA still works
    for mask in (L.DMA_BIT_MASK(23), 0, 1 << 64, -1, "32"):
        assert L.dma_set_mask(dev, mask) == -errno.EIO
        assert L.dma_set_coherent_mask(dev, mask) == -errno.EIO
    assert L.dma_set_mask_and_coherent(dev, L.DMA_BIT_MASK(20)) == -errno.EIO
    assert dev.dma_mask == L.DMA_BIT_MASK(24) and dev.coherent_dma_mask == L.DMA_BIT_MASK(64)
    idev = L.Device(iommu_platform, 4)
    assert L.dma_set_mask(idev, L.DMA_BIT_MASK(20)) == 0            # IOVAs fit below 1 MiB
    assert L.dma_set_mask(idev, 0x10FFF) == 0                       # one page at iova_base
    assert L.dma_set_mask(idev, 0x10FFE) == -errno.EIO
    assert L.dma_set_mask(idev, L.DMA_BIT_MASK(16)) == -errno.EIO


def test_seg_parameters(dev):
    assert L.dma_set_max_seg_size(dev, 0x2000) == 0 and L.dma_get_max_seg_size(dev) == 0x2000
    L.dma_set_seg_boundary(dev, 0x3FFF)
    assert L.dma_get_seg_boundary(dev) == 0x3FFF
    for bad in (0x3000, 0x7FF, -1):
        einval(L.dma_set_seg_boundary, dev, bad)
    einval(L.dma_set_max_seg_size, dev, 0)


# --- Single mappings on the bounce platform (swiotlb) --------------------------

def test_map_single_within_the_mask_is_direct(platform, dev, dma):
    buf = platform.memory.buffer([0x300000, 0x301000], 0x20, 0x1800)
    addr = L.dma_map_single(dev, buf, 0x1800, L.DMA_TO_DEVICE)
    assert addr == 0x300020 and L.dma_mapping_error(dev, addr) == 0
    assert platform.swiotlb is None or platform.swiotlb.used_slots == 0
    L.dma_unmap_single(dev, addr, 0x1800, L.DMA_TO_DEVICE)


def test_map_single_above_the_mask_bounces_contiguously(platform, dev, dma):
    buf = platform.memory.buffer([HIGH + 0x7000, HIGH + 0x8000, HIGH + 0x9000], 0x123, 0x2500)
    buf.write(0, dma.pattern(0x2500, seed=3))
    addr = L.dma_map_single(dev, buf, 0x2500, L.DMA_TO_DEVICE)      # copied at map time
    assert addr != L.DMA_MAPPING_ERROR and addr + 0x2500 - 1 <= dev.dma_mask
    assert addr % PAGE_SIZE == 0                                    # a page or more: aligned
    assert platform.memory.read(addr, 0x2500) == buf.read()
    assert platform.swiotlb.used_slots == -(-0x2500 // busdma.bounce.IO_TLB_SIZE)
    L.dma_unmap_single(dev, addr, 0x2500, L.DMA_TO_DEVICE)
    assert platform.swiotlb.used_slots == 0

    small = platform.memory.buffer([HIGH + 0xA000], 0x10, 0x100)
    small.write(0, b"\x00" * 0x100)
    addr = L.dma_map_single(dev, small, 0x100, L.DMA_FROM_DEVICE)
    platform.memory.write(addr, b"\x5A" * 0x100)                     # the device writes
    assert small.read() == b"\x00" * 0x100
    L.dma_unmap_single(dev, addr, 0x100, L.DMA_FROM_DEVICE)         # copied back at unmap
    assert small.read() == b"\x5A" * 0x100


def test_partial_sync_copies_only_the_range(platform, dev, dma):
    buf = platform.memory.buffer([HIGH + 0x20000], 0, 0x800)
    addr = L.dma_map_single(dev, buf, 0x800, L.DMA_BIDIRECTIONAL)
    platform.memory.write(addr, b"\x11" * 0x800)
    buf.write(0, b"\x00" * 0x800)
    before = platform.stats().bounced_bytes
    L.dma_sync_single_for_cpu(dev, addr + 0x100, 0x80, L.DMA_BIDIRECTIONAL)
    assert buf.read() == b"\x00" * 0x100 + b"\x11" * 0x80 + b"\x00" * 0x680
    assert platform.stats().bounced_bytes - before == 0x80
    L.dma_sync_single_range_for_cpu(dev, addr, 0x200, 0x10, L.DMA_BIDIRECTIONAL)
    assert buf.read(0x200, 0x10) == b"\x11" * 0x10
    buf.write(0x7F0, b"\x22" * 0x10)
    L.dma_sync_single_range_for_device(dev, addr, 0x7F0, 0x10, L.DMA_BIDIRECTIONAL)
    assert platform.memory.read(addr + 0x7E0, 0x20) == b"\x11" * 0x10 + b"\x22" * 0x10
    L.dma_sync_single_for_device(dev, addr, 0x800, L.DMA_BIDIRECTIONAL)
    assert platform.memory.read(addr, 0x800) == buf.read()
    einval(L.dma_sync_single_for_cpu, dev, addr + 0x7F0, 0x11, L.DMA_BIDIRECTIONAL)
    einval(L.dma_sync_single_for_cpu, dev, addr, 0x10, L.DMA_FROM_DEVICE)   # other direction
    einval(L.dma_sync_single_for_cpu, dev, addr + 0x800, 1, L.DMA_BIDIRECTIONAL)
    einval(L.dma_sync_single_for_device, dev, addr, 0, L.DMA_BIDIRECTIONAL)
    L.dma_unmap_single(dev, addr, 0x800, L.DMA_BIDIRECTIONAL)


def test_map_single_misuse(platform, dev):
    scattered = platform.memory.buffer([0x400000, 0x402000])
    einval(L.dma_map_single, dev, scattered, 0x2000, L.DMA_TO_DEVICE)   # vmalloc-like
    assert L.dma_map_single(dev, scattered, 0x1000, L.DMA_TO_DEVICE) == 0x400000
    einval(L.dma_map_single, dev, scattered, 0, L.DMA_TO_DEVICE)
    einval(L.dma_map_single, dev, scattered, 0x10, L.DMA_NONE)
    einval(L.dma_map_single, dev, b"bytes", 0x10, L.DMA_TO_DEVICE)
    einval(L.dma_unmap_single, dev, 0x400000, 0x800, L.DMA_TO_DEVICE)    # other size
    einval(L.dma_unmap_single, dev, 0x400000, 0x1000, L.DMA_FROM_DEVICE)  # other direction
    einval(L.dma_unmap_single, dev, 0x400100, 0x1000, L.DMA_TO_DEVICE)   # not the address
    einval(L.dma_unmap_page, dev, 0x400000, 0x1000, L.DMA_TO_DEVICE)     # not a page mapping
    L.dma_unmap_single(dev, 0x400000, 0x1000, L.DMA_TO_DEVICE)
    einval(L.dma_unmap_single, dev, 0x400000, 0x1000, L.DMA_TO_DEVICE)   # twice


def test_the_same_buffer_mapped_twice(platform, dev):
    buf = platform.memory.buffer([0x410000])
    a = L.dma_map_single(dev, buf, 0x100, L.DMA_TO_DEVICE)
    b = L.dma_map_single(dev, buf, 0x200, L.DMA_TO_DEVICE)
    assert a == b == 0x410000
    L.dma_unmap_single(dev, a, 0x100, L.DMA_TO_DEVICE)
    L.dma_unmap_single(dev, b, 0x200, L.DMA_TO_DEVICE)


def test_swiotlb_full_is_a_mapping_error(dma):
    platform = busdma.BouncePlatform(swiotlb_size=256 * 1024)
    dev = L.Device(platform)
    bufs = [platform.memory.buffer([HIGH + 0x100000 * i + j * PAGE_SIZE for j in range(16)])
            for i in range(5)]
    addrs = [L.dma_map_single(dev, b, 0xF000, L.DMA_TO_DEVICE) for b in bufs]
    assert addrs[:4].count(L.DMA_MAPPING_ERROR) == 0       # 4 x 60 KiB fit in 256 KiB
    assert addrs[4] == L.DMA_MAPPING_ERROR and L.dma_mapping_error(dev, addrs[4]) == -errno.ENOMEM
    big = platform.memory.buffer([HIGH + 0x800000 + j * PAGE_SIZE for j in range(65)])
    L.dma_unmap_single(dev, addrs[0], 0xF000, L.DMA_TO_DEVICE)
    assert L.dma_map_single(dev, big, 65 * PAGE_SIZE, L.DMA_TO_DEVICE) == L.DMA_MAPPING_ERROR
    assert platform.swiotlb.used_slots == 3 * 30


def test_a_24_bit_device_cannot_use_the_32_bit_swiotlb(platform, dev):
    assert L.dma_set_mask(dev, L.DMA_BIT_MASK(24)) == 0
    high = platform.memory.buffer([0x2000000])
    assert L.dma_map_single(dev, high, 0x100, L.DMA_TO_DEVICE) == L.DMA_MAPPING_ERROR
    low = platform.memory.buffer([0x200000])
    assert L.dma_map_single(dev, low, 0x100, L.DMA_TO_DEVICE) == 0x200000


def test_map_page(platform, dev):
    platform.memory.allocator.claim([HIGH + 0x30000, HIGH + 0x31000])
    platform.memory.write(HIGH + 0x30F00, b"\x33" * 0x200)
    addr = L.dma_map_page(dev, HIGH + 0x30000, 0xF00, 0x200, L.DMA_TO_DEVICE)
    assert addr <= 0xFFFFFFFF and platform.memory.read(addr, 0x200) == b"\x33" * 0x200
    L.dma_sync_single_for_cpu(dev, addr, 0x200, L.DMA_TO_DEVICE)
    L.dma_unmap_page(dev, addr, 0x200, L.DMA_TO_DEVICE)
    einval(L.dma_map_page, dev, HIGH + 0x30010, 0, 0x10, L.DMA_TO_DEVICE)
    einval(L.dma_map_page, dev, HIGH + 0x30000, 0, 0, L.DMA_TO_DEVICE)
    einval(L.dma_map_page, dev, 1 << 40, 0, 0x10, L.DMA_TO_DEVICE)


# --- Coherent memory -------------------------------------------------------------

@pytest.mark.parametrize("use_iommu", [False, True])
def test_alloc_coherent(use_iommu, dma):
    platform = busdma.IommuPlatform(memory_size=8 * dma.GiB) if use_iommu else \
        busdma.BouncePlatform(memory_size=8 * dma.GiB)
    dev = L.Device(platform, 2)
    cpu, handle = L.dma_alloc_coherent(dev, 0x2100, L.GFP_KERNEL)
    assert len(cpu) == 0x2100 and cpu.read() == bytes(0x2100)
    assert handle % 0x4000 == 0 and handle + 0x2100 - 1 <= dev.coherent_dma_mask
    cpu.write(0, b"ring")
    if use_iommu:
        assert platform.hw.dma_read(2, handle, 4) == b"ring"
        assert platform.hw.dma_read(2, handle + 0x2000, 0x100) == bytes(0x100)
    else:
        assert platform.memory.read(handle, 4) == b"ring"
    einval(L.dma_free_coherent, dev, 0x2000, cpu, handle)
    einval(L.dma_free_coherent, dev, 0x2100, cpu.slice(0, 0x2100), handle)
    L.dma_free_coherent(dev, 0x2100, cpu, handle)
    einval(L.dma_free_coherent, dev, 0x2100, cpu, handle)
    einval(L.dma_alloc_coherent, dev, 0)


def test_alloc_coherent_failure_is_none(dma):
    platform = busdma.BouncePlatform(memory_size=1 << 30)
    dev = L.Device(platform)
    assert L.dma_set_coherent_mask(dev, L.DMA_BIT_MASK(24)) == 0
    assert L.dma_alloc_coherent(dev, 32 << 20) == (None, L.DMA_MAPPING_ERROR)


# --- Scatterlists -------------------------------------------------------------------

def test_map_sg_merges_as_the_parameters_allow(platform, dev, dma):
    sg = L.sg_init_table(5)
    pages = [0x500000, 0x501000, 0x502000, 0x503000, 0x505000]
    for entry, page in zip(sg, pages):
        L.sg_set_buf(entry, platform.memory.buffer([page]), PAGE_SIZE)
    assert L.dma_set_max_seg_size(dev, 0x3000) == 0
    L.dma_set_seg_boundary(dev, 0x1FFF)                   # no segment crosses 8 KiB
    count = L.dma_map_sg(dev, sg, 5, L.DMA_TO_DEVICE)
    got = [(L.sg_dma_address(e), L.sg_dma_len(e)) for e in sg[:count]]
    assert got == [(0x500000, 0x2000), (0x502000, 0x2000), (0x505000, 0x1000)]
    assert all(L.sg_dma_len(e) == 0 for e in sg[count:])
    einval(L.dma_map_sg, dev, sg, 5, L.DMA_TO_DEVICE)     # already mapped
    einval(L.dma_unmap_sg, dev, sg, count, L.DMA_TO_DEVICE)   # nents, not the count
    einval(L.dma_sync_sg_for_cpu, dev, sg, 5, L.DMA_FROM_DEVICE)
    L.dma_unmap_sg(dev, sg, 5, L.DMA_TO_DEVICE)
    einval(L.dma_unmap_sg, dev, sg, 5, L.DMA_TO_DEVICE)


def test_sg_bounce_and_sync(platform, dev, dma):
    sg = L.sg_init_table(3)
    L.sg_set_buf(sg[0], platform.memory.buffer([0x600000], 0x100, 0x200), 0x200)
    L.sg_set_buf(sg[1], platform.memory.buffer([HIGH + 0x40000]), 0x800)
    L.sg_set_page(sg[2], HIGH + 0x41000, 0x300, 0x10)
    platform.memory.allocator.claim([HIGH + 0x41000])
    count = L.dma_map_sg(dev, sg, 3, L.DMA_FROM_DEVICE)
    # The two bounced entries may land in adjacent slots and merge.
    assert count in (2, 3)
    segs = [(L.sg_dma_address(e), L.sg_dma_len(e)) for e in sg[:count]]
    assert all(a + n - 1 <= 0xFFFFFFFF for a, n in segs) and segs[0] == (0x600100, 0x200)
    device_data = b"\x40" * 0x200 + b"\x41" * 0x800 + b"\x42" * 0x300
    pos = 0
    for addr, n in segs:                                  # the device writes every segment
        platform.memory.write(addr, device_data[pos:pos + n])
        pos += n
    L.dma_sync_sg_for_cpu(dev, sg, 3, L.DMA_FROM_DEVICE)
    assert sg[1].buf.read() == b"\x41" * 0x800
    assert platform.memory.read(HIGH + 0x41010, 0x300) == b"\x42" * 0x300
    assert sg[0].buf.read() == b"\x40" * 0x200             # direct: the device wrote it
    L.dma_sync_sg_for_device(dev, sg, 3, L.DMA_FROM_DEVICE)
    L.dma_unmap_sg(dev, sg, 3, L.DMA_FROM_DEVICE)
    assert platform.swiotlb.used_slots == 0
    einval(L.dma_map_sg, dev, sg, 4, L.DMA_FROM_DEVICE)
    einval(L.dma_map_sg, dev, L.sg_init_table(1), 1, L.DMA_FROM_DEVICE)   # entry not set


def test_map_sg_rejects_entries_the_device_cannot_take(platform, dev):
    assert L.dma_set_max_seg_size(dev, 0x800) == 0
    sg = L.sg_init_table(1)
    L.sg_set_buf(sg[0], platform.memory.buffer([0x620000]), 0x801)
    einval(L.dma_map_sg, dev, sg, 1, L.DMA_TO_DEVICE)
    assert L.dma_set_max_seg_size(dev, 0x10000) == 0
    L.dma_set_seg_boundary(dev, 0xFFF)
    L.sg_set_buf(sg[0], platform.memory.buffer([0x630000, 0x631000], 0x800), 0x1000)
    einval(L.dma_map_sg, dev, sg, 1, L.DMA_TO_DEVICE)
    L.dma_set_seg_boundary(dev, 0x1FFF)
    assert L.dma_map_sg(dev, sg, 1, L.DMA_TO_DEVICE) == 1


ENTRY_PAGES = ([0x700000 + i * PAGE_SIZE for i in range(8)]
               + [HIGH + 0x200000 + i * PAGE_SIZE for i in range(4)])


@FAST
@given(layout=st.lists(st.tuples(st.sampled_from(ENTRY_PAGES), st.integers(0, PAGE_SIZE - 1),
                                 st.integers(1, PAGE_SIZE)), min_size=1, max_size=6,
                       unique_by=lambda t: t[0]),
       max_seg=st.sampled_from([0x200, 0x1000, 0x1800, 0x10000]),
       boundary=st.sampled_from([0xFFF, 0x1FFF, 0xFFFFFFFF]), use_iommu=st.booleans())
def test_map_sg_obeys_the_device_and_carries_the_data(dma, layout, max_seg, boundary, use_iommu):
    platform = busdma.IommuPlatform(memory_size=8 * dma.GiB) if use_iommu else \
        busdma.BouncePlatform(memory_size=8 * dma.GiB)
    dev = L.Device(platform, 1)
    L.dma_set_max_seg_size(dev, max_seg)
    L.dma_set_seg_boundary(dev, boundary)
    sg = L.sg_init_table(len(layout))
    expected = b""
    for i, (entry, (page, offset, length)) in enumerate(zip(sg, layout)):
        length = min(length, PAGE_SIZE - offset, max_seg)   # entries obey the device
        buf = busdma.KvaBuffer(platform.memory, [page], offset, length)
        buf.write(0, dma.pattern(length, seed=i + 1))
        L.sg_set_buf(entry, buf, length)
        expected += buf.read()
    count = L.dma_map_sg(dev, sg, len(sg), L.DMA_TO_DEVICE)
    event(f"{count} of {len(sg)} segments, iommu {use_iommu}")
    assert 0 < count <= len(sg)
    segs = [(L.sg_dma_address(e), L.sg_dma_len(e)) for e in sg[:count]]
    assert all(L.sg_dma_len(e) == 0 for e in sg[count:])
    assert sum(n for _, n in segs) == len(expected)
    for addr, n in segs:
        assert 0 < n <= max_seg
        assert addr // (boundary + 1) == (addr + n - 1) // (boundary + 1)
        assert addr + n - 1 <= dev.dma_mask
    if use_iommu:
        seen = b"".join(platform.hw.dma_read(1, a, n) for a, n in segs)
    else:
        seen = b"".join(platform.memory.read(a, n) for a, n in segs)
    assert seen == expected
    L.dma_unmap_sg(dev, sg, len(sg), L.DMA_TO_DEVICE)
    if use_iommu:
        assert platform.stats().mapped_pages == 0
    else:
        assert platform.swiotlb is None or platform.swiotlb.used_slots == 0


# --- The IOMMU platform ---------------------------------------------------------------

def test_iommu_map_single_gives_an_iova_and_unmap_invalidates(iommu_platform, dma):
    dev = L.Device(iommu_platform, 6)
    buf = iommu_platform.memory.buffer([HIGH + 0x50000, HIGH + 0x51000], 0x30, 0x1800)
    buf.write(0, dma.pattern(0x1800, seed=8))
    addr = L.dma_map_single(dev, buf, 0x1800, L.DMA_BIDIRECTIONAL)
    assert addr < HIGH and addr & PAGE_SIZE - 1 == 0x30
    assert iommu_platform.hw.dma_read(6, addr, 0x1800) == buf.read()
    L.dma_sync_single_for_cpu(dev, addr, 0x1800, L.DMA_BIDIRECTIONAL)
    L.dma_unmap_single(dev, addr, 0x1800, L.DMA_BIDIRECTIONAL)
    with pytest.raises(busdma.IommuFault):
        iommu_platform.hw.translate(6, addr)
