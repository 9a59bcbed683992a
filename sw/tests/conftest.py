# SPDX-License-Identifier: Apache-2.0
"""Shared helpers for the busdma tests."""

from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest

import busdma

GiB = 1 << 30


@dataclass
class LoadResult:
    """What a load returned and what its callback(s) received."""
    returned: int | None = None
    calls: list = field(default_factory=list)

    def callback(self, arg, segs, nseg, error):
        self.calls.append((arg, list(segs), nseg, error))

    def callback2(self, arg, segs, nseg, mapsize, error):
        self.calls.append((arg, list(segs), nseg, mapsize, error))

    @property
    def segs(self):
        return self.calls[-1][1]

    @property
    def error(self):
        return self.calls[-1][-1]

    def pairs(self):
        return [(s.ds_addr, s.ds_len) for s in self.segs]


def load(tag, dmamap, buf, flags=0, buflen=None):
    result = LoadResult()
    result.returned = busdma.bus_dmamap_load(tag, dmamap, buf, len(buf) if buflen is None else buflen,
                                             result.callback, "arg", flags)
    return result


def make_tag(parent, alignment=1, boundary=0, lowaddr=busdma.BUS_SPACE_MAXADDR,
             highaddr=busdma.BUS_SPACE_MAXADDR, filtfunc=None, filtfuncarg=None,
             maxsize=1 << 20, nsegments=busdma.BUS_SPACE_UNRESTRICTED,
             maxsegsz=1 << 20, flags=0, lockfunc=None, lockfuncarg=None):
    return busdma.bus_dma_tag_create(parent, alignment, boundary, lowaddr, highaddr, filtfunc,
                                     filtfuncarg, maxsize, nsegments, maxsegsz, flags,
                                     lockfunc, lockfuncarg)


def pattern(length, seed=1):
    return bytes((i * 7 + seed) & 0xFF for i in range(length))


def device_bytes(memory, segs):
    """The bytes a device reads from physical segments, in order."""
    return b"".join(memory.read(s.ds_addr, s.ds_len) for s in segs)


def iommu_device_bytes(platform, device_id, segs):
    return b"".join(platform.hw.dma_read(device_id, s.ds_addr, s.ds_len) for s in segs)


def assert_segments_obey(tag, segs, total):
    """Every rule a tag imposes on the segments of a successful load."""
    assert sum(s.ds_len for s in segs) == total
    if tag.nsegments != busdma.BUS_SPACE_UNRESTRICTED:
        assert len(segs) <= tag.nsegments
    for s in segs:
        assert s.ds_len > 0
        assert s.ds_len <= tag.maxsegsz
        assert s.ds_addr % tag.alignment == 0
        end = s.ds_addr + s.ds_len - 1
        if tag.boundary:
            assert s.ds_addr // tag.boundary == end // tag.boundary
        # No byte of a segment may lie in an exclusion window, unless the
        # filter function of that window's tag accepted the page.
        for page in range(s.ds_addr & ~(busdma.PAGE_SIZE - 1), end + 1, busdma.PAGE_SIZE):
            addr = max(page, s.ds_addr)
            owner = tag
            while owner is not None:
                if owner.lowaddr < addr <= owner.highaddr:
                    assert owner.filter is not None and owner.filter(owner.filterarg, addr) == 0
                owner = owner.parent


@pytest.fixture
def platform():
    return busdma.BouncePlatform(memory_size=8 * GiB)


@pytest.fixture
def root(platform):
    return platform.bus_get_dma_tag()


@pytest.fixture
def iommu_platform():
    return busdma.IommuPlatform(memory_size=8 * GiB)


@pytest.fixture(scope="session")
def dma():
    """The helpers above; test modules cannot import conftest under
    --import-mode=importlib, so they receive them through this fixture."""
    return SimpleNamespace(GiB=GiB, LoadResult=LoadResult, load=load, make_tag=make_tag,
                           pattern=pattern, device_bytes=device_bytes,
                           iommu_device_bytes=iommu_device_bytes,
                           assert_segments_obey=assert_segments_obey)
