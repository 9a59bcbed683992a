# SPDX-License-Identifier: Apache-2.0
"""bus_space(9): mappings, handles, multi/region/set/copy operations and
barriers, synchronous and asynchronous, against a register-file model."""

import asyncio
import errno

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import busdma
from busdma import (BUS_SPACE_BARRIER_READ, BUS_SPACE_BARRIER_WRITE, BUS_SPACE_MAP_LINEAR,
                    AsyncBusSpace, AsyncTransportAdapter, BusSpace, BusSpaceError,
                    RegisterFileModel)


def misuse(fn, *args, code=errno.EINVAL):
    with pytest.raises(BusSpaceError) as exc:
        fn(*args)
    assert exc.value.errno == code
    assert isinstance(exc.value, ValueError) and isinstance(exc.value, OSError)


@pytest.fixture
def regs():
    return RegisterFileModel()


@pytest.fixture
def bst(regs):
    return BusSpace(regs, base=0x1000_0000, size=0x10_0000)


# --- Mappings ---------------------------------------------------------------

def test_map_gives_a_bounds_checked_handle(bst, regs):
    h = busdma.bus_space_map(bst, 0x1000_2000, 0x100, BUS_SPACE_MAP_LINEAR)
    assert int(h) == 0x1000_2000 and h.size == 0x100 and h.mapped
    busdma.bus_space_write_4(bst, h, 0xFC, 0xA5A5A5A5)
    assert regs.accesses[-1] == ("write", 0x1000_20FC, 4, 0xA5A5A5A5)
    assert busdma.bus_space_read_4(bst, h, 0xFC) == 0xA5A5A5A5
    misuse(busdma.bus_space_read_4, bst, h, 0x100)          # past the end
    misuse(busdma.bus_space_read_8, bst, h, 0xF8 + 8)
    misuse(busdma.bus_space_write_2, bst, h, 0x101, 0)      # misaligned
    misuse(busdma.bus_space_read_4, bst, h, -4)
    accesses = len(regs.accesses)
    misuse(busdma.bus_space_write_1, bst, h, 0, 0x100)      # value does not fit
    assert len(regs.accesses) == accesses                   # nothing reached the bus


def test_map_arguments_are_checked(bst):
    misuse(busdma.bus_space_map, bst, 0x0FFF_F000, 0x2000, 0)   # below the window
    misuse(busdma.bus_space_map, bst, 0x100F_F000, 0x2000, 0)   # runs past it
    misuse(busdma.bus_space_map, bst, 0x1000_0000, 0, 0)
    misuse(busdma.bus_space_map, bst, 0x1000_0000, 0x10, 0x80)  # unknown flag


def test_unmap_and_subregions(bst):
    h = busdma.bus_space_map(bst, 0x1000_0000, 0x1000, 0)
    sub = busdma.bus_space_subregion(bst, h, 0x800, 0x100)
    assert int(sub) == 0x1000_0800
    busdma.bus_space_write_4(bst, sub, 0xFC, 1)
    misuse(busdma.bus_space_write_4, bst, sub, 0x100, 1)
    misuse(busdma.bus_space_subregion, bst, h, 0xF00, 0x101)
    misuse(busdma.bus_space_subregion, bst, h, -1, 1)
    misuse(busdma.bus_space_subregion, bst, sub, 0, 0x101)
    assert int(busdma.bus_space_subregion(bst, sub, 0x10, 0x10)) == 0x1000_0810
    misuse(busdma.bus_space_unmap, bst, sub, 0x100)         # subregions go with the parent
    misuse(busdma.bus_space_unmap, bst, h, 0x800)           # not the mapped size
    busdma.bus_space_unmap(bst, h, 0x1000)
    assert not h.mapped and not sub.mapped
    misuse(busdma.bus_space_read_4, bst, h, 0)
    misuse(busdma.bus_space_read_4, bst, sub, 0)
    misuse(busdma.bus_space_subregion, bst, h, 0, 4)
    misuse(busdma.bus_space_unmap, bst, h, 0x1000)          # twice
    other = BusSpace(RegisterFileModel())
    h2 = other.map(0, 0x10)
    misuse(busdma.bus_space_read_4, bst, h2, 0)             # another tag's handle
    misuse(busdma.bus_space_unmap, bst, h2, 0x10)
    misuse(busdma.bus_space_read_4, bst, "0x1000", 0)


def test_alloc_finds_free_aligned_room(bst):
    h = bst.map(0x1000_0000, 0x3000)
    bpa, a = busdma.bus_space_alloc(bst, 0x1000_0000, 0x1000_FFFF, 0x1000, 0x2000, 0, 0)
    assert bpa == 0x1000_4000 and int(a) == bpa        # above the mapping, 8 KiB-aligned
    bpa2, b = busdma.bus_space_alloc(bst, 0x1000_0000, 0x1000_FFFF, 0x1800, 0x800, 0x2000, 0)
    assert bpa2 == 0x1000_6000                          # after a, not crossing 8 KiB
    misuse(busdma.bus_space_alloc, bst, 0x1000_0000, 0x1000_2FFF, 0x10, 1, 0, 0, code=errno.ENOMEM)
    misuse(busdma.bus_space_alloc, bst, 0, 0x100, 0x10, 3, 0, 0)
    misuse(busdma.bus_space_unmap, bst, a, 0x1000)      # allocated: bus_space_free
    busdma.bus_space_free(bst, a, 0x1000)
    misuse(busdma.bus_space_free, bst, h, 0x3000)       # mapped: bus_space_unmap
    assert bst.alloc(0x1000_0000, 0x1000_FFFF, 0x1000, 0x2000, 0)[0] == 0x1000_4000


def test_plain_int_handles_still_work(regs):
    space = BusSpace(regs)
    space.write_4(0x2000, 8, 7)
    assert busdma.bus_space_read_4(space, 0x2000, 8) == 7
    misuse(space.read_4, 0x2000, 2)


# --- Multi, region, set, copy -------------------------------------------------

def test_multi_accesses_hit_one_register(bst, regs):
    h = bst.map(0x1000_0000, 0x100)
    fifo = iter(range(100, 200))
    regs.on_read(0x1000_0010, lambda width: next(fifo))
    out = [0] * 5
    busdma.bus_space_read_multi_4(bst, h, 0x10, out, 4)
    assert out == [100, 101, 102, 103, 0]
    pushed = []
    regs.on_write(0x1000_0020, lambda v, w: pushed.append((v, w)))
    busdma.bus_space_write_multi_2(bst, h, 0x20, [1, 2, 3, 4], 3)
    busdma.bus_space_set_multi_2(bst, h, 0x20, 0xBEEF, 2)
    assert pushed == [(1, 2), (2, 2), (3, 2), (0xBEEF, 2), (0xBEEF, 2)]
    assert bst.read_multi_1(h, 0x30, 3) == [0, 0, 0]
    misuse(busdma.bus_space_read_multi_4, bst, h, 0x10, [0], 2)      # datap too short
    misuse(busdma.bus_space_write_multi_4, bst, h, 0x10, [1], 2)
    misuse(busdma.bus_space_write_multi_1, bst, h, 0x10, [256], 1)
    misuse(busdma.bus_space_set_multi_4, bst, h, 0x10, 1, -1)
    misuse(busdma.bus_space_read_multi_4, bst, h, 0x100, [0], 1)
    busdma.bus_space_write_multi_4(bst, h, 0x100, [], 0)               # nothing to access


def test_region_accesses_walk_the_registers(bst, regs):
    h = bst.map(0x1000_0000, 0x40)
    busdma.bus_space_write_region_4(bst, h, 0x8, [0x11111111, 0x22222222, 0x33333333], 3)
    assert [a[1] for a in regs.accesses[-3:]] == [0x1000_0008, 0x1000_000C, 0x1000_0010]
    out = bytearray(4)
    busdma.bus_space_read_region_1(bst, h, 0xC, out, 4)
    assert bytes(out) == b"\x22\x22\x22\x22"
    busdma.bus_space_set_region_8(bst, h, 0x20, 0x0102030405060708, 4)
    assert bst.read_region_8(h, 0x20, 4) == [0x0102030405060708] * 4
    misuse(busdma.bus_space_set_region_8, bst, h, 0x28, 0, 4)          # one past the end
    misuse(busdma.bus_space_write_region_4, bst, h, 0x2, [0], 1)
    busdma.bus_space_copy_region_4(bst, h, 0x8, h, 0x30, 3)
    assert bst.read_region_4(h, 0x30, 3) == [0x11111111, 0x22222222, 0x33333333]
    misuse(busdma.bus_space_copy_region_4, bst, h, 0x8, h, 0x38, 3)


def test_copy_region_is_memmove_when_regions_overlap(bst):
    h = bst.map(0x1000_0000, 0x40)
    bst.write_region_2(h, 0, list(range(1, 9)), 8)
    busdma.bus_space_copy_region_2(bst, h, 0, h, 4, 6)         # forward overlap
    assert bst.read_region_2(h, 0, 8) == [1, 2, 1, 2, 3, 4, 5, 6]
    busdma.bus_space_copy_region_2(bst, h, 4, h, 0, 6)         # backward overlap
    assert bst.read_region_2(h, 0, 8) == [1, 2, 3, 4, 5, 6, 5, 6]
    other = bst.map(0x1000_1000, 0x10)
    busdma.bus_space_copy_region_8(bst, h, 0, other, 8, 1)     # between handles
    assert other.mapped and bst.read_8(other, 8) == bst.read_8(h, 0)


def test_barrier_flags_and_range(bst):
    calls = []
    bst.transport.barrier = lambda: calls.append(1)
    h = bst.map(0x1000_0000, 0x100)
    busdma.bus_space_barrier(bst, h, 0, 0x100, BUS_SPACE_BARRIER_READ | BUS_SPACE_BARRIER_WRITE)
    busdma.bus_space_barrier(bst, h, 0x80, 0, 0)
    assert calls == [1, 1]
    misuse(busdma.bus_space_barrier, bst, h, 0, 0x101, BUS_SPACE_BARRIER_WRITE)
    misuse(busdma.bus_space_barrier, bst, h, 0, 4, 4)
    busdma.bus_space_unmap(bst, h, 0x100)
    misuse(busdma.bus_space_barrier, bst, h, 0, 4, BUS_SPACE_BARRIER_READ)


def test_async_forms(regs):
    space = AsyncBusSpace(AsyncTransportAdapter(regs), base=0, size=1 << 20)
    barriers = []

    async def barrier():
        barriers.append(1)
    space.transport.barrier = barrier

    async def driver():
        h = busdma.bus_space_map(space, 0x4000, 0x40, 0)
        await busdma.bus_space_write_region_4(space, h, 0, [5, 6, 7], 3)
        await busdma.bus_space_copy_region_4(space, h, 0, h, 4, 3)
        await busdma.bus_space_set_region_1(space, h, 0x20, 0xAA, 2)
        await busdma.bus_space_set_multi_1(space, h, 0x30, 0x55, 2)
        await busdma.bus_space_write_multi_8(space, h, 0x38, [9, 10], 2)
        out = [0] * 4
        await busdma.bus_space_read_region_4(space, h, 0, out, 4)
        multi = [0, 0]
        await busdma.bus_space_read_multi_8(space, h, 0x38, multi, 2)
        await busdma.bus_space_barrier(space, h, 0, 0x40, BUS_SPACE_BARRIER_WRITE)
        sub = busdma.bus_space_subregion(space, h, 0x20, 2)
        half = await space.read_2(sub, 0)
        with pytest.raises(BusSpaceError):
            await space.read_4(sub, 0)
        busdma.bus_space_unmap(space, h, 0x40)
        with pytest.raises(BusSpaceError):
            await busdma.bus_space_read_1(space, h, 0)
        return out, multi, half, await space.read_multi_1(0x4000, 0x30, 1)

    out, multi, half, last = asyncio.run(driver())
    assert out == [5, 5, 6, 7] and multi == [10, 10] and half == 0xAAAA and last == [0x55]
    assert barriers == [1]


# --- Property: region and multi semantics against a byte model -----------------

WINDOW = 0x80
op = st.one_of(
    st.tuples(st.just("write_region"), st.sampled_from([1, 2, 4, 8]), st.integers(0, WINDOW),
              st.lists(st.integers(0, (1 << 64) - 1), max_size=6)),
    st.tuples(st.just("read_region"), st.sampled_from([1, 2, 4, 8]), st.integers(0, WINDOW),
              st.integers(0, 6)),
    st.tuples(st.just("set_region"), st.sampled_from([1, 2, 4, 8]), st.integers(0, WINDOW),
              st.tuples(st.integers(0, (1 << 64) - 1), st.integers(0, 6))),
    st.tuples(st.just("write_multi"), st.sampled_from([1, 2, 4, 8]), st.integers(0, WINDOW),
              st.lists(st.integers(0, (1 << 64) - 1), max_size=4)),
    st.tuples(st.just("copy_region"), st.sampled_from([1, 2, 4, 8]), st.integers(0, WINDOW),
              st.tuples(st.integers(0, WINDOW), st.integers(0, 6))),
)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(ops=st.lists(op, max_size=25), use_async=st.booleans())
def test_operations_match_a_byte_model(ops, use_async):
    regs = RegisterFileModel()
    sync = BusSpace(regs)
    space = AsyncBusSpace(AsyncTransportAdapter(regs)) if use_async else sync
    handle = space.map(0x8000, WINDOW)
    model = bytearray(WINDOW)

    def run(coro_or_value):
        return asyncio.run(coro_or_value) if use_async else coro_or_value

    def fits(offset, width, span):
        return offset % width == 0 and offset + span <= WINDOW

    for name, width, offset, arg in ops:
        mask = (1 << 8 * width) - 1
        if name == "write_region":
            values = [v & mask for v in arg]
            span = width * len(values)
            call = lambda: space.write_region(width, handle, offset, values, len(values))  # noqa: E731
        elif name == "read_region":
            span = width * arg
            call = lambda: space.read_region(width, handle, offset, arg)  # noqa: E731
        elif name == "set_region":
            value, count = arg[0] & mask, arg[1]
            span = width * count
            call = lambda: space.set_region(width, handle, offset, value, count)  # noqa: E731
        elif name == "write_multi":
            values = [v & mask for v in arg]
            span = width if values else 0
            call = lambda: space.write_multi(width, handle, offset, values, len(values))  # noqa: E731
        else:
            src, count = arg
            span = width * count
            call = lambda: space.copy_region(width, handle, src, handle, offset, count)  # noqa: E731
        ok = fits(offset, width, span) and (name != "copy_region" or fits(arg[0], width, span))
        if not ok:
            before = len(regs.accesses)
            with pytest.raises(BusSpaceError):
                run(call())
            assert len(regs.accesses) == before
            continue
        result = run(call())
        if name == "write_region":
            for i, v in enumerate(values):
                model[offset + i * width:offset + (i + 1) * width] = v.to_bytes(width, "little")
        elif name == "read_region":
            assert result == [int.from_bytes(model[offset + i * width:offset + (i + 1) * width],
                                             "little") for i in range(arg)]
        elif name == "set_region":
            model[offset:offset + span] = value.to_bytes(width, "little") * count
        elif name == "write_multi":
            if values:
                model[offset:offset + width] = values[-1].to_bytes(width, "little")
        else:
            model[offset:offset + span] = model[src:src + span]
        assert bytes(regs._bytes.get(0x8000 + i, 0) for i in range(WINDOW)) == bytes(model)
