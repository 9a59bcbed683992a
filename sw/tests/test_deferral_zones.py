# SPDX-License-Identifier: Apache-2.0
"""Deferred loads wait per bounce zone (per IOMMU domain): a load whose zone
has free pages never waits behind a load of another zone."""

import errno

import busdma
from busdma import (BUS_DMA_LOCK, BUS_DMA_UNLOCK, BUS_SPACE_MAXADDR_24BIT,
                    BUS_SPACE_MAXADDR_32BIT, PAGE_SIZE)

HIGH = 0x1_0000_0000


def _lock_log(events):
    def lockfunc(arg, op):
        events.append((arg, {BUS_DMA_LOCK: "lock", BUS_DMA_UNLOCK: "unlock"}[op]))
    return lockfunc


def test_a_waiter_of_one_zone_does_not_block_another_zone(dma):
    """A 24-bit and a 32-bit tag, one bounce page each, both zones busy.  The
    24-bit waiter is queued first.  Freeing the 32-bit zone's page must complete
    the 32-bit waiter at once: with one global FIFO it stays stuck behind the
    24-bit waiter, and a driver that frees the 24-bit map only after the 32-bit
    transfer finished deadlocks."""
    platform = busdma.BouncePlatform(max_bounce_pages=1)
    root = platform.bus_get_dma_tag()
    events = []
    lockfunc = _lock_log(events)
    tag32 = dma.make_tag(root, lowaddr=BUS_SPACE_MAXADDR_32BIT, maxsize=PAGE_SIZE,
                         lockfunc=lockfunc, lockfuncarg="sc32")
    tag24 = dma.make_tag(root, lowaddr=BUS_SPACE_MAXADDR_24BIT, maxsize=PAGE_SIZE,
                         lockfunc=lockfunc, lockfuncarg="sc24")
    b1, b2 = busdma.bus_dmamap_create(tag32, 0), busdma.bus_dmamap_create(tag32, 0)
    a1, a2 = busdma.bus_dmamap_create(tag24, 0), busdma.bus_dmamap_create(tag24, 0)
    # The 32-bit zone first: a 24-bit zone would also serve the 32-bit tag
    # (zones are shared as in FreeBSD).
    assert len(platform.zones) == 2
    assert [z.total_bpages for z in platform.zones] == [1, 1]
    bufs = [platform.memory.buffer([HIGH + i * PAGE_SIZE]) for i in range(4)]

    def callback(name, segs, nseg, error):
        events.append((name, nseg, error))

    assert busdma.bus_dmamap_load(tag24, a1, bufs[0], PAGE_SIZE, callback, "a1", 0) == 0
    assert busdma.bus_dmamap_load(tag32, b1, bufs[1], PAGE_SIZE, callback, "b1", 0) == 0
    assert busdma.bus_dmamap_load(tag24, a2, bufs[2], PAGE_SIZE, callback, "a2", 0) == errno.EINPROGRESS
    assert busdma.bus_dmamap_load(tag32, b2, bufs[3], PAGE_SIZE, callback, "b2", 0) == errno.EINPROGRESS
    del events[:]
    busdma.bus_dmamap_unload(tag32, b1)
    assert events == [("sc32", "lock"), ("b2", 1, 0), ("sc32", "unlock")]
    assert b2.loaded and not a2.loaded
    busdma.bus_dmamap_unload(tag24, a1)
    assert events[3:] == [("sc24", "lock"), ("a2", 1, 0), ("sc24", "unlock")]
    assert a2.loaded
    assert a2.dm_segs[0].ds_addr + PAGE_SIZE - 1 <= BUS_SPACE_MAXADDR_24BIT


def test_iommu_waiters_wait_per_device_domain(dma):
    """The same on the IOMMU platform: each device has its own IOVA space, so a
    device whose space was freed does not wait behind another device's waiter."""
    # Room for exactly one page mapping plus its guard page per device.
    platform = busdma.IommuPlatform(memory_size=1 << 30, iova_base=0x10000,
                                    iova_limit=0x10000 + 2 * PAGE_SIZE)
    events = []
    lockfunc = _lock_log(events)
    tags = {d: dma.make_tag(platform.bus_get_dma_tag(d), maxsize=PAGE_SIZE,
                            lockfunc=lockfunc, lockfuncarg=f"dev{d}") for d in (1, 2)}
    maps = {(d, i): busdma.bus_dmamap_create(tags[d], 0) for d in (1, 2) for i in (1, 2)}
    bufs = iter(platform.memory.alloc_buffer(PAGE_SIZE) for _ in range(4))

    def callback(name, segs, nseg, error):
        events.append((name, nseg, error))

    def load(d, i):
        return busdma.bus_dmamap_load(tags[d], maps[d, i], next(bufs), PAGE_SIZE, callback,
                                      f"d{d}m{i}", 0)

    assert load(1, 1) == 0 and load(2, 1) == 0
    assert load(1, 2) == errno.EINPROGRESS and load(2, 2) == errno.EINPROGRESS
    del events[:]
    busdma.bus_dmamap_unload(tags[2], maps[2, 1])
    assert events == [("dev2", "lock"), ("d2m2", 1, 0), ("dev2", "unlock")]
    assert not maps[1, 2].loaded
    busdma.bus_dmamap_unload(tags[1], maps[1, 1])
    assert events[3:] == [("dev1", "lock"), ("d1m2", 1, 0), ("dev1", "unlock")]


def test_fifo_within_a_zone_and_a_callback_that_unloads(dma):
    """Within one zone waiters complete oldest first, even when a deferred
    callback unloads another map (which re-enters the deferral machinery)."""
    platform = busdma.BouncePlatform(max_bounce_pages=2)
    root = platform.bus_get_dma_tag()
    order = []
    tag = dma.make_tag(root, lowaddr=BUS_SPACE_MAXADDR_32BIT, maxsize=2 * PAGE_SIZE,
                       lockfunc=lambda arg, op: None)
    maps = [busdma.bus_dmamap_create(tag, 0) for _ in range(5)]
    zone = platform.zones[0]
    assert zone.total_bpages == 2
    bufs = [platform.memory.buffer([HIGH + i * 0x10000]) for i in range(5)]

    def callback(name, segs, nseg, error):
        order.append(name)
        if name == "m2":      # a deferred callback frees m0's page at once
            busdma.bus_dmamap_unload(tag, maps[0])

    for i in range(5):
        assert busdma.bus_dmamap_load(tag, maps[i], bufs[i], PAGE_SIZE, callback, f"m{i}",
                                      0) == (0 if i < 2 else errno.EINPROGRESS)
    assert platform.waiting_maps(zone) == maps[2:]
    busdma.bus_dmamap_unload(tag, maps[1])   # m2 fits; its callback frees a page for m3
    assert order == ["m0", "m1", "m2", "m3"]
    assert platform.waiting_maps(zone) == [maps[4]]
    busdma.bus_dmamap_unload(tag, maps[2])
    assert order[-1] == "m4" and maps[4].loaded
    assert platform.waiting_maps(zone) == []


def test_cancelling_the_head_lets_the_next_waiter_of_the_zone_run(dma):
    platform = busdma.BouncePlatform(max_bounce_pages=2)
    root = platform.bus_get_dma_tag()
    tag = dma.make_tag(root, lowaddr=BUS_SPACE_MAXADDR_32BIT, maxsize=3 * PAGE_SIZE,
                       lockfunc=lambda arg, op: None)
    first, big, small = (busdma.bus_dmamap_create(tag, 0) for _ in range(3))
    zone = platform.zones[0]
    assert zone.total_bpages == 2
    one = platform.memory.buffer([HIGH])
    three = platform.memory.buffer([HIGH + 0x10000 + i * PAGE_SIZE for i in range(3)])
    done = []
    assert dma.load(tag, first, one).returned == 0
    # The head needs more pages than the zone has: it holds the free page.
    assert busdma.bus_dmamap_load(tag, big, three, 3 * PAGE_SIZE,
                                  lambda *a: done.append("big"), None, 0) == errno.EINPROGRESS
    assert zone.free_bpages == 0 and zone.reserved_bpages == 1
    assert busdma.bus_dmamap_load(tag, small, platform.memory.buffer([HIGH + 0x20000]),
                                  PAGE_SIZE, lambda *a: done.append("small"), None,
                                  0) == errno.EINPROGRESS
    busdma.bus_dmamap_unload(tag, big)        # cancel: its reserved page goes to "small"
    assert done == ["small"] and small.loaded
    assert zone.reserved_bpages == 0 and zone.active_bpages == 2


# --- A model of per-zone deferral -------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


class ZoneModel:
    """FreeBSD's rule, per zone: a load takes what is free; a load that is
    short waits at the tail holding what it took; freed pages go to the head."""

    def __init__(self, cap):
        self.free = cap
        self.queue = []       # [name, need, reserved]

    def load(self, name, need, completed):
        take = min(self.free, need)
        self.free -= take
        if take == need:
            completed.append(name)
            return True
        self.queue.append([name, need, take])
        return False

    def release(self, pages, completed):
        self.free += pages
        while self.queue:
            head = self.queue[0]
            take = min(self.free, head[1] - head[2])
            self.free -= take
            head[2] += take
            if head[2] < head[1]:
                return
            self.queue.pop(0)
            completed.append(head[0])

    def cancel(self, name, completed):
        entry = next(e for e in self.queue if e[0] == name)
        self.queue.remove(entry)
        self.release(entry[2], completed)


operations = st.lists(st.tuples(st.sampled_from(["load", "unload"]),
                                st.sampled_from(["z32", "z24"]),
                                st.integers(1, 2), st.integers(0, 63)),
                      min_size=1, max_size=40)


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=operations)
def test_deferral_matches_the_per_zone_model(dma, operations):
    """Random loads and unloads (of loaded and of waiting maps) on two zones:
    completions, their order, free and reserved pages match the model after
    every step, and unloading everything leaves nothing waiting."""
    platform = busdma.BouncePlatform(max_bounce_pages=3)
    root = platform.bus_get_dma_tag()
    tags = {"z32": dma.make_tag(root, lowaddr=BUS_SPACE_MAXADDR_32BIT, maxsize=2 * PAGE_SIZE,
                                lockfunc=lambda a, op: None),
            "z24": dma.make_tag(root, lowaddr=BUS_SPACE_MAXADDR_24BIT, maxsize=2 * PAGE_SIZE,
                                lockfunc=lambda a, op: None)}
    # Creating maps sizes the zones to their cap (the 32-bit zone first, so
    # the 24-bit zone does not serve it).
    for z in ("z32", "z32", "z24", "z24"):
        busdma.bus_dmamap_create(tags[z], 0)
    zones = {"z32": platform.zones[0], "z24": platform.zones[1]}
    assert zones["z32"].lowaddr == BUS_SPACE_MAXADDR_32BIT
    models = {z: ZoneModel(zones[z].total_bpages) for z in zones}
    assert all(zones[z].total_bpages == 3 for z in zones)

    completed_model, completed_real = [], []
    live = []                  # (name, zone, map, model-state) of maps not unloaded
    next_page = iter(range(HIGH, HIGH + (1 << 30), 2 * PAGE_SIZE))

    def callback(name, segs, nseg, error):
        assert error == 0
        completed_real.append(name)

    for n, (op, z, npages, pick) in enumerate(operations):
        if op == "load":
            name = f"{z}#{n}"
            dmamap = busdma.bus_dmamap_create(tags[z], 0)
            base = next(next_page)
            buf = platform.memory.buffer([base + i * PAGE_SIZE for i in range(npages)])
            rc = busdma.bus_dmamap_load(tags[z], dmamap, buf, npages * PAGE_SIZE, callback,
                                        name, 0)
            loaded_now = models[z].load(name, npages, completed_model)
            assert rc == (0 if loaded_now else errno.EINPROGRESS)
            live.append((name, z, dmamap, npages))
        elif live:
            name, z, dmamap, npages = live.pop(pick % len(live))
            if dmamap.loaded:
                models[z].release(npages, completed_model)
            else:
                models[z].cancel(name, completed_model)
            busdma.bus_dmamap_unload(tags[z], dmamap)
        assert completed_real == completed_model
        for zname, zone in zones.items():
            model = models[zname]
            assert zone.free_bpages == model.free
            assert zone.reserved_bpages == sum(e[2] for e in model.queue)
            assert [m for m in platform.waiting_maps(zone)] == [
                next(d for nm, _, d, _ in live if nm == e[0]) for e in model.queue]
            if model.queue:
                assert zone.free_bpages == 0   # free pages always go to the head

    for _ in range(10 * len(live) + 1):  # unload loaded maps: every waiter completes
        if not live:
            break
        name, z, dmamap, npages = live.pop(0)
        if dmamap.loaded:
            busdma.bus_dmamap_unload(tags[z], dmamap)
        else:
            live.append((name, z, dmamap, npages))
    assert not live
    assert all(platform.waiting_maps(zone) == [] for zone in zones.values())
    assert platform.stats().active_bpages == platform.stats().reserved_bpages == 0
