# SPDX-License-Identifier: Apache-2.0
"""Hypothesis properties: for random tags and buffers, every load obeys its tag
and maps exactly the client's bytes, in order."""

import errno

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import busdma
from busdma import (BUS_DMASYNC_POSTREAD, BUS_DMASYNC_PREWRITE, BUS_SPACE_MAXADDR,
                    BUS_SPACE_MAXADDR_32BIT, BUS_SPACE_UNRESTRICTED, PAGE_SIZE)

FAST = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

LOW_WINDOW = 0x7FFFFFF  # 128 MiB: a device with 27 address bits
PAGE_POOL = ([0x100000 + i * PAGE_SIZE for i in range(12)]           # low, contiguous run
             + [0x5000000 + i * 0x3000 for i in range(6)]            # low, scattered
             + [0x20000000 + i * PAGE_SIZE for i in range(6)]        # above LOW_WINDOW
             + [0x1_0000_0000 + i * PAGE_SIZE for i in range(10)])   # above 4 GiB


def reject_every_third_page(arg, paddr):
    return 1 if (paddr >> 12) % 3 == 0 else 0


@st.composite
def tag_args(draw, max_alignment=2 * PAGE_SIZE):
    alignment = 1 << draw(st.integers(0, max_alignment.bit_length() - 1))
    args = dict(
        alignment=alignment,
        boundary=draw(st.sampled_from([0, 0x800, 0x1000, 0x2000, 0x4000, 0x10000])),
        lowaddr=draw(st.sampled_from([BUS_SPACE_MAXADDR, BUS_SPACE_MAXADDR_32BIT, LOW_WINDOW])),
        maxsegsz=draw(st.integers(0x200, 0x10000)),
        nsegments=draw(st.sampled_from([BUS_SPACE_UNRESTRICTED, 1, 2, 3, 5, 8, 16])),
        maxsize=1 << 20,
    )
    if draw(st.booleans()):
        args["filtfunc"] = reject_every_third_page
    return args


@st.composite
def buffers(draw):
    pages = draw(st.lists(st.sampled_from(PAGE_POOL), min_size=1, max_size=8, unique=True))
    if draw(st.booleans()):  # keep a physically contiguous run now and then
        start = draw(st.integers(0, 7))
        pages = PAGE_POOL[start:start + len(pages)]
    offset = draw(st.integers(0, PAGE_SIZE - 1))
    length = draw(st.integers(1, len(pages) * PAGE_SIZE - offset))
    return pages, offset, length


def make_child(dma, root, parent_args, child_args):
    parent = dma.make_tag(root, **parent_args) if parent_args else root
    return dma.make_tag(parent, **child_args)


@FAST
@given(args=tag_args(), parent_args=st.one_of(st.none(), tag_args()), layout=buffers())
def test_bounce_loads_obey_the_tag_and_cover_the_buffer(dma, args, parent_args, layout):
    platform = busdma.BouncePlatform(memory_size=8 * dma.GiB)
    tag = make_child(dma, platform.bus_get_dma_tag(), parent_args, args)
    pages, offset, length = layout
    buf = platform.memory.buffer(pages, offset, length)
    buf.write(0, dma.pattern(length, seed=3))
    dmamap = busdma.bus_dmamap_create(tag, 0)
    result = dma.load(tag, dmamap, buf)
    assert result.returned == 0
    event(f"error {result.error}, bounced {platform.stats().active_bpages > 0}")
    if result.error == errno.EFBIG:
        assert tag.nsegments != BUS_SPACE_UNRESTRICTED
        assert not dmamap.loaded and platform.stats().active_bpages == 0
        return
    assert result.error == 0
    segs = result.segs
    dma.assert_segments_obey(tag, segs, length)
    busdma.bus_dmamap_sync(tag, dmamap, BUS_DMASYNC_PREWRITE)
    assert dma.device_bytes(platform.memory, segs) == buf.read()
    # The device writes every segment; POSTREAD brings it all back, in order.
    written = dma.pattern(length, seed=11)
    position = 0
    for seg in segs:
        platform.memory.write(seg.ds_addr, written[position:position + seg.ds_len])
        position += seg.ds_len
    busdma.bus_dmamap_sync(tag, dmamap, BUS_DMASYNC_POSTREAD)
    assert buf.read() == written
    busdma.bus_dmamap_unload(tag, dmamap)
    assert platform.stats().active_bpages == 0


@FAST
@given(args=tag_args(max_alignment=4 * PAGE_SIZE), maxsize=st.integers(1, 6 * PAGE_SIZE))
def test_dmamem_alloc_obeys_its_tag(dma, args, maxsize):
    platform = busdma.BouncePlatform(memory_size=8 * dma.GiB)
    args = {**args, "maxsize": maxsize}
    args.pop("filtfunc", None)
    tag = dma.make_tag(platform.bus_get_dma_tag(), **args)
    try:
        vaddr, dmamap = busdma.bus_dmamem_alloc(tag, busdma.BUS_DMA_ZERO)
    except busdma.BusDmaError as exc:
        event("ENOMEM")
        # Only a segment limit, or limits that split contiguous memory at
        # misaligned places, can make a tag unsatisfiable.
        assert exc.errno == errno.ENOMEM
        assert (tag.nsegments != BUS_SPACE_UNRESTRICTED or tag.maxsegsz % tag.alignment
                or 0 < tag.boundary < tag.alignment)
        return
    result = dma.load(tag, dmamap, vaddr)
    assert result.error == 0
    dma.assert_segments_obey(tag, result.segs, maxsize)
    assert platform.stats().active_bpages == 0  # nothing needed bouncing
    assert vaddr.read() == bytes(maxsize)


@FAST
@given(args=tag_args(max_alignment=PAGE_SIZE), layout=buffers(), device_id=st.integers(0, 127))
def test_iommu_tables_translate_every_segment(dma, args, layout, device_id):
    pages, offset, length = layout
    alignment = args["alignment"]
    # An IOMMU cannot move data within a page: keep the start and the
    # segment-size limits compatible with the alignment.
    offset -= offset % alignment
    length = max(alignment, length - length % alignment)
    args = {**args, "maxsegsz": max(alignment, args["maxsegsz"] - args["maxsegsz"] % alignment)}
    if args["boundary"]:
        args["boundary"] = max(args["boundary"], alignment)
    platform = busdma.IommuPlatform(memory_size=8 * dma.GiB)
    tag = dma.make_tag(platform.bus_get_dma_tag(device_id), **args)
    buf = platform.memory.buffer(pages, offset, length)
    buf.write(0, dma.pattern(length, seed=5))
    dmamap = busdma.bus_dmamap_create(tag, 0)
    result = dma.load(tag, dmamap, buf)
    event(f"error {result.error}")
    if result.error == errno.EFBIG:
        assert tag.nsegments != BUS_SPACE_UNRESTRICTED
        assert platform.stats().mapped_pages == 0
        return
    assert result.error == 0
    dma.assert_segments_obey(tag, result.segs, length)
    assert dma.iommu_device_bytes(platform, device_id, result.segs) == buf.read()
    busdma.bus_dmamap_unload(tag, dmamap)
    assert platform.stats().iova_ranges == 0
    for seg in result.segs:
        try:
            platform.hw.translate(device_id, seg.ds_addr)
        except busdma.IommuFault:
            continue
        raise AssertionError(f"IOVA {seg.ds_addr:#x} still translates after unload")
