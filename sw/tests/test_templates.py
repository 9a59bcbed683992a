# SPDX-License-Identifier: Apache-2.0
"""FreeBSD 13's tag templates give exactly the tags bus_dma_tag_create gives."""

import errno
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import busdma
from busdma import (BD_ALIGNMENT, BD_BOUNDARY, BD_FLAGS, BD_HIGHADDR, BD_LOCKFUNC,
                    BD_LOCKFUNCARG, BD_LOWADDR, BD_MAXSEGSIZE, BD_MAXSIZE, BD_NSEGMENTS,
                    BD_PARENT, BUS_DMA_ALLOCNOW, BUS_SPACE_MAXADDR, BUS_SPACE_MAXADDR_24BIT,
                    BUS_SPACE_MAXADDR_32BIT, BUS_SPACE_MAXSIZE, BUS_SPACE_UNRESTRICTED, PAGE_SIZE,
                    BusDmaTemplate)

ATTRS = ("parent", "platform", "device_id", "alignment", "boundary", "lowaddr", "highaddr",
         "filter", "filterarg", "filter_parent", "maxsize", "nsegments", "maxsegsz", "flags",
         "lockfunc", "lockfuncarg", "map_count", "child_count", "destroyed", "is_root")


def same_tag(a, b):
    assert {n: getattr(a, n) for n in ATTRS} == {n: getattr(b, n) for n in ATTRS}
    assert a.md == b.md          # the platform's view (could it bounce, its zone)


def test_init_gives_the_unconstrained_tag(root):
    t = busdma.bus_dma_template_init(BusDmaTemplate(), root)
    assert (t.parent, t.alignment, t.boundary, t.lowaddr, t.highaddr, t.maxsize, t.nsegments,
            t.maxsegsize, t.flags, t.lockfunc, t.lockfuncarg) == (
        root, 1, 0, BUS_SPACE_MAXADDR, BUS_SPACE_MAXADDR, BUS_SPACE_MAXSIZE,
        BUS_SPACE_UNRESTRICTED, BUS_SPACE_MAXSIZE, 0, None, None)
    same_tag(busdma.bus_dma_template_tag(t),
             busdma.bus_dma_tag_create(root, 1, 0, BUS_SPACE_MAXADDR, BUS_SPACE_MAXADDR, None,
                                       None, BUS_SPACE_MAXSIZE, BUS_SPACE_UNRESTRICTED,
                                       BUS_SPACE_MAXSIZE, 0, None, None))


def test_init_resets_a_used_template(root, platform):
    t = BusDmaTemplate()
    busdma.BUS_DMA_TEMPLATE_FILL(t, BD_ALIGNMENT(64), BD_MAXSIZE(8))
    other = platform.bus_get_dma_tag(5)
    assert busdma.bus_dma_template_init(t, other) is t
    assert (t.parent, t.alignment, t.maxsize) == (other, 1, BUS_SPACE_MAXSIZE)


def test_fill_sets_every_parameter(root, dma):
    parent = dma.make_tag(root, alignment=16, boundary=0x10000, lowaddr=BUS_SPACE_MAXADDR_32BIT)
    mutex = threading.Lock()
    t = busdma.bus_dma_template_init(BusDmaTemplate(), root)
    kv = [BD_PARENT(parent), BD_ALIGNMENT(8), BD_BOUNDARY(0x1000), BD_LOWADDR(0xFFFFFF),
          BD_HIGHADDR(BUS_SPACE_MAXADDR), BD_MAXSIZE(0x3000), BD_NSEGMENTS(3),
          BD_MAXSEGSIZE(0x2000), BD_FLAGS(0), BD_LOCKFUNC(busdma.busdma_lock_mutex),
          BD_LOCKFUNCARG(mutex)]
    busdma.bus_dma_template_fill(t, kv, len(kv))
    assert (t.parent, t.alignment, t.boundary, t.lowaddr, t.maxsize, t.nsegments, t.maxsegsize,
            t.lockfunc, t.lockfuncarg) == (parent, 8, 0x1000, 0xFFFFFF, 0x3000, 3, 0x2000,
                                           busdma.busdma_lock_mutex, mutex)
    tag = busdma.bus_dma_template_tag(t)
    same_tag(tag, dma.make_tag(parent, alignment=8, boundary=0x1000, lowaddr=0xFFFFFF,
                               maxsize=0x3000, nsegments=3, maxsegsz=0x2000,
                               lockfunc=busdma.busdma_lock_mutex, lockfuncarg=mutex))
    # The effective constraints are inherited as bus_dma_tag_create does it.
    assert (tag.alignment, tag.boundary, tag.maxsegsz) == (16, 0x1000, 0x1000)


def test_fill_uses_the_first_count_parameters_and_later_ones_win(root):
    t = busdma.bus_dma_template_init(BusDmaTemplate(), root)
    busdma.bus_dma_template_fill(t, [BD_MAXSIZE(1), BD_MAXSIZE(2), BD_NSEGMENTS(4)], 2)
    assert (t.maxsize, t.nsegments) == (2, BUS_SPACE_UNRESTRICTED)


@pytest.mark.parametrize("kv, count", [
    ([BD_MAXSIZE(1), busdma.BusDmaParam(99, 0)], 2),   # unknown id
    ([BD_MAXSIZE(1), ("maxsize", 1)], 2),               # not a parameter
    ([BD_MAXSIZE(1)], 2),                               # count beyond the list
    ([BD_MAXSIZE(1)], -1),
])
def test_fill_rejects_bad_parameters_and_changes_nothing(root, kv, count):
    t = busdma.bus_dma_template_init(BusDmaTemplate(), root)
    with pytest.raises(busdma.BusDmaError) as exc:
        busdma.bus_dma_template_fill(t, kv, count)
    assert exc.value.errno == errno.EINVAL
    assert t == busdma.bus_dma_template_init(BusDmaTemplate(), root)


def test_template_tag_errors_are_bus_dma_tag_creates(root):
    t = busdma.bus_dma_template_init(BusDmaTemplate(), None)
    for params in ([], [BD_PARENT(root), BD_ALIGNMENT(3)], [BD_PARENT(root), BD_MAXSIZE(0)],
                   [BD_PARENT(root), BD_NSEGMENTS(0)], [BD_PARENT(root), BD_BOUNDARY(0x1800)]):
        busdma.BUS_DMA_TEMPLATE_FILL(t, *params)
        with pytest.raises(busdma.BusDmaError) as exc:
            busdma.bus_dma_template_tag(t)
        assert exc.value.errno == errno.EINVAL
    with pytest.raises(busdma.BusDmaError):
        busdma.bus_dma_template_tag("template")
    with pytest.raises(busdma.BusDmaError):
        busdma.bus_dma_template_init(None, root)


def test_clone_reproduces_a_tag(root, dma):
    mutex = threading.Lock()
    parent = dma.make_tag(root, alignment=4, lowaddr=BUS_SPACE_MAXADDR_32BIT, boundary=0x4000)
    original = dma.make_tag(parent, alignment=64, boundary=0x8000, lowaddr=0x7FFFFFF,
                            maxsize=0x9000, nsegments=5, maxsegsz=0x6000, flags=0,
                            lockfunc=busdma.busdma_lock_mutex, lockfuncarg=mutex)
    t = BusDmaTemplate()
    busdma.bus_dma_template_clone(t, original)
    assert t.parent is parent and t.maxsegsize == original.maxsegsz
    same_tag(busdma.bus_dma_template_tag(t), original)
    busdma.BUS_DMA_TEMPLATE_FILL(t, BD_MAXSIZE(0x1000))
    assert busdma.bus_dma_template_tag(t).maxsize == 0x1000
    with pytest.raises(busdma.BusDmaError):
        busdma.bus_dma_template_clone(t, root)           # root tags were not created
    original.destroy()
    with pytest.raises(busdma.BusDmaError):
        busdma.bus_dma_template_clone(t, original)


def test_template_allocnow_sizes_the_zone_like_tag_create(dma):
    sizes = []
    for use_template in (False, True):
        platform = busdma.BouncePlatform(memory_size=1 << 33)
        root = platform.bus_get_dma_tag()
        if use_template:
            t = busdma.bus_dma_template_init(BusDmaTemplate(), root)
            busdma.BUS_DMA_TEMPLATE_FILL(t, BD_LOWADDR(BUS_SPACE_MAXADDR_24BIT),
                                         BD_MAXSIZE(5 * PAGE_SIZE), BD_FLAGS(BUS_DMA_ALLOCNOW))
            busdma.bus_dma_template_tag(t)
        else:
            dma.make_tag(root, lowaddr=BUS_SPACE_MAXADDR_24BIT, maxsize=5 * PAGE_SIZE,
                         flags=BUS_DMA_ALLOCNOW)
        sizes.append([(z.lowaddr, z.total_bpages) for z in platform.zones])
    assert sizes[0] == sizes[1] == [(BUS_SPACE_MAXADDR_24BIT, 6)]


tag_arguments = st.fixed_dictionaries(dict(
    alignment=st.sampled_from([1, 2, 64, PAGE_SIZE, 4 * PAGE_SIZE]),
    boundary=st.sampled_from([0, 0x1000, 0x10000, 1 << 32]),
    lowaddr=st.sampled_from([BUS_SPACE_MAXADDR, BUS_SPACE_MAXADDR_32BIT, 0xFFFFFF, 0x12345]),
    highaddr=st.sampled_from([BUS_SPACE_MAXADDR, BUS_SPACE_MAXADDR_32BIT, 0x1FFFFFFFF]),
    maxsize=st.integers(1, 1 << 24),
    nsegments=st.sampled_from([BUS_SPACE_UNRESTRICTED, 1, 7, 64]),
    maxsegsz=st.integers(1, 1 << 20),
    flags=st.sampled_from([0, busdma.BUS_DMA_COHERENT]),
))


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(args=tag_arguments, parent_args=st.one_of(st.none(), tag_arguments),
       use_clone=st.booleans())
def test_templates_equal_tag_create_for_any_arguments(dma, args, parent_args, use_clone):
    platform = busdma.BouncePlatform(memory_size=1 << 33)
    root = platform.bus_get_dma_tag()
    parent = dma.make_tag(root, **parent_args) if parent_args else root
    expected = dma.make_tag(parent, **args)
    t = busdma.bus_dma_template_init(BusDmaTemplate(), parent)
    if use_clone:
        busdma.bus_dma_template_clone(t, expected)
    else:
        busdma.BUS_DMA_TEMPLATE_FILL(
            t, BD_ALIGNMENT(args["alignment"]), BD_BOUNDARY(args["boundary"]),
            BD_LOWADDR(args["lowaddr"]), BD_HIGHADDR(args["highaddr"]),
            BD_MAXSIZE(args["maxsize"]), BD_NSEGMENTS(args["nsegments"]),
            BD_MAXSEGSIZE(args["maxsegsz"]), BD_FLAGS(args["flags"]))
    got = busdma.bus_dma_template_tag(t)
    expected_attrs = {n: getattr(expected, n) for n in ATTRS}
    expected_attrs["child_count"] = 0
    assert {n: getattr(got, n) for n in ATTRS} == expected_attrs
    assert got.md == expected.md
