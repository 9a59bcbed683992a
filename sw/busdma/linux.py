# SPDX-License-Identifier: Apache-2.0
"""The Linux DMA API (Documentation/core-api/dma-api.rst) over busdma's core.

A ``Device`` stands for ``struct device``: its DMA masks and ``dma_parms``
(maximum segment size, segment boundary mask).  Each mapping is a core map
on a core tag built from them, so segment building, bouncing and IOVA
allocation are the very code the FreeBSD and NetBSD interfaces use.

* On the ``BouncePlatform`` streaming mappings bounce as swiotlb does: a
  buffer the device cannot reach as a whole is copied into contiguous slots
  of the platform's swiotlb pool (the tag flags the platform's
  ``md_swiotlb_flags()`` names: ``BUS_DMA_SWIOTLB``).
* On the ``IommuPlatform`` mappings get IOVAs; scatterlist entries that meet
  at page boundaries share one IOVA range and are merged into one DMA
  segment as ``max_segment_size`` and ``segment_boundary_mask`` allow.

Functions keep Linux's names and argument order; out-parameters
(``dma_handle``) become return values.  Errors are Linux's: 0 or ``-EIO``
from the mask setters, ``DMA_MAPPING_ERROR`` from the map functions, 0 from
``dma_map_sg``, ``None`` from ``dma_alloc_coherent``.  Misuse that Linux's
DMA-API debugging reports (unmapping what was not mapped, a size or direction
that differs from the mapping's, syncing outside a mapping, a bad direction)
raises ``BusDmaError(EINVAL)``.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from typing import Any

from . import constants as _c
from . import core
from .constants import PAGE_MASK, PAGE_SIZE
from .core import BusDmaError, Platform
from .memory import KvaBuffer

DMA_BIDIRECTIONAL = 0
DMA_TO_DEVICE = 1
DMA_FROM_DEVICE = 2
DMA_NONE = 3
DMA_MAPPING_ERROR = (1 << 64) - 1          # (dma_addr_t)~0

# Allocation flags: accepted by dma_alloc_coherent, no effect (nothing sleeps here).
GFP_KERNEL = 0xCC0
GFP_ATOMIC = 0x820
GFP_DMA32 = 0x04

__all__ = [
    "DMA_BIDIRECTIONAL", "DMA_TO_DEVICE", "DMA_FROM_DEVICE", "DMA_NONE", "DMA_MAPPING_ERROR",
    "GFP_KERNEL", "GFP_ATOMIC", "GFP_DMA32", "DMA_BIT_MASK", "Device", "Scatterlist",
    "sg_init_table", "sg_set_buf", "sg_set_page", "sg_dma_address", "sg_dma_len",
    "dma_set_mask", "dma_set_coherent_mask", "dma_set_mask_and_coherent",
    "dma_set_max_seg_size", "dma_get_max_seg_size", "dma_set_seg_boundary",
    "dma_get_seg_boundary", "dma_alloc_coherent", "dma_free_coherent", "dma_map_single",
    "dma_unmap_single", "dma_map_page", "dma_unmap_page", "dma_map_sg", "dma_unmap_sg",
    "dma_mapping_error", "dma_sync_single_for_cpu", "dma_sync_single_for_device",
    "dma_sync_single_range_for_cpu", "dma_sync_single_range_for_device",
    "dma_sync_sg_for_cpu", "dma_sync_sg_for_device",
]


def DMA_BIT_MASK(n: int) -> int:
    """All ones in the low ``n`` bits (``n`` from 0 to 64)."""
    if not isinstance(n, int) or not 0 <= n <= 64:
        raise ValueError("DMA_BIT_MASK takes 0 to 64 bits")
    return (1 << n) - 1


def _einval(message: str) -> BusDmaError:
    return BusDmaError(errno.EINVAL, message)


_FOR_DEVICE = {DMA_TO_DEVICE: _c.BUS_DMASYNC_PREWRITE, DMA_FROM_DEVICE: _c.BUS_DMASYNC_PREREAD,
               DMA_BIDIRECTIONAL: _c.BUS_DMASYNC_PREREAD | _c.BUS_DMASYNC_PREWRITE}
_FOR_CPU = {DMA_TO_DEVICE: _c.BUS_DMASYNC_POSTWRITE, DMA_FROM_DEVICE: _c.BUS_DMASYNC_POSTREAD,
            DMA_BIDIRECTIONAL: _c.BUS_DMASYNC_POSTREAD | _c.BUS_DMASYNC_POSTWRITE}


def _check_dir(direction: Any) -> int:
    if direction not in _FOR_DEVICE:
        raise _einval(f"bad DMA direction {direction!r} (DMA_NONE cannot be mapped)")
    return direction


@dataclass
class _Mapping:
    kind: str                 # "single", "page", "sg", "coherent"
    tag: core.DmaTag
    map: core.DmaMap
    size: int
    direction: int
    dma_addr: int
    cpu_addr: Any = None


class Device:
    """``struct device`` for DMA: device ``device_id`` of ``platform``.

    Starts as Linux starts a PCI device: ``dma_mask`` and
    ``coherent_dma_mask`` 32 bits, ``max_segment_size`` 64 KiB,
    ``segment_boundary_mask`` 0xFFFFFFFF."""

    def __init__(self, platform: Platform, device_id: int = 0, *, name: str | None = None):
        if not isinstance(platform, Platform):
            raise _einval("not a busdma platform")
        self.platform = platform
        self.device_id = device_id
        self.name = name or f"dev{device_id}"
        self.root = platform.bus_get_dma_tag(device_id)
        self.dma_mask = DMA_BIT_MASK(32)
        self.coherent_dma_mask = DMA_BIT_MASK(32)
        self.max_segment_size = 0x10000
        self.segment_boundary_mask = 0xFFFFFFFF
        self._tags: dict[tuple, core.DmaTag] = {}
        self._mappings: dict[int, list[_Mapping]] = {}  # dma address -> single/page/coherent
        self._sg: dict[int, tuple[list, int, _Mapping]] = {}   # id(sg[0]) -> (sg, nents, m)

    def __repr__(self) -> str:
        return f"Device({self.name}, dma_mask={self.dma_mask:#x})"

    def _tag(self, kind: str, alignment: int = 1, maxsize: int = _c.BUS_SPACE_MAXSIZE) -> core.DmaTag:
        """The core tag for a kind of mapping under the current parameters."""
        swiotlb = self.platform.md_swiotlb_flags()
        if kind == "coherent":
            key = (kind, self.coherent_dma_mask, alignment, maxsize)
            args = (alignment, 0, self.coherent_dma_mask, maxsize, 1, maxsize, 0)
        elif kind == "sg":
            boundary = self.segment_boundary_mask + 1
            boundary = 0 if boundary > _c.BUS_SPACE_MAXADDR else boundary
            key = (kind, self.dma_mask, self.max_segment_size, boundary)
            args = (1, boundary, self.dma_mask, _c.BUS_SPACE_MAXSIZE,
                    _c.BUS_SPACE_UNRESTRICTED, self.max_segment_size, swiotlb)
        else:     # single and page: one contiguous DMA range, no segment limits
            key = (kind, self.dma_mask)
            args = (1, 0, self.dma_mask, _c.BUS_SPACE_MAXSIZE, 1, _c.BUS_SPACE_MAXSIZE, swiotlb)
        tag = self._tags.get(key)
        if tag is None:
            alignment, boundary, lowaddr, maxsize, nsegments, maxsegsz, flags = args
            tag = core.bus_dma_tag_create(self.root, alignment, boundary, lowaddr,
                                          _c.BUS_SPACE_MAXADDR, None, None, maxsize, nsegments,
                                          maxsegsz, flags, None, None)
            self._tags[key] = tag
        return tag


def _check_dev(dev: Any) -> Device:
    if not isinstance(dev, Device):
        raise _einval("not a Device")
    return dev


# --- Masks and parameters -----------------------------------------------------

def _mask_ok(dev: Device, mask: Any) -> bool:
    return (isinstance(mask, int) and 0 < mask <= DMA_BIT_MASK(64)
            and dev.platform.md_dma_mask_supported(mask))


def dma_set_mask(dev: Device, mask: int) -> int:
    """Limit streaming DMA addresses to ``mask``; 0, or -EIO if the platform cannot."""
    dev = _check_dev(dev)
    if not _mask_ok(dev, mask):
        return -errno.EIO
    dev.dma_mask = mask
    return 0


def dma_set_coherent_mask(dev: Device, mask: int) -> int:
    """Limit coherent allocations to ``mask``; 0, or -EIO if the platform cannot."""
    dev = _check_dev(dev)
    if not _mask_ok(dev, mask):
        return -errno.EIO
    dev.coherent_dma_mask = mask
    return 0


def dma_set_mask_and_coherent(dev: Device, mask: int) -> int:
    """Both masks at once; 0, or -EIO (and neither mask changes)."""
    rc = dma_set_mask(dev, mask)
    if rc == 0:
        dma_set_coherent_mask(dev, mask)
    return rc


def dma_set_max_seg_size(dev: Device, size: int) -> int:
    dev = _check_dev(dev)
    if not isinstance(size, int) or size <= 0:
        raise _einval("max_segment_size must be positive")
    dev.max_segment_size = size
    return 0


def dma_get_max_seg_size(dev: Device) -> int:
    return _check_dev(dev).max_segment_size


def dma_set_seg_boundary(dev: Device, mask: int) -> None:
    """``mask`` + 1 must be a power of 2 (segments do not cross multiples of it)."""
    dev = _check_dev(dev)
    if not isinstance(mask, int) or mask < PAGE_MASK or mask > DMA_BIT_MASK(64) \
            or (mask + 1) & mask:
        raise _einval("the segment boundary mask must be 2**n - 1, at least PAGE_SIZE - 1")
    dev.segment_boundary_mask = mask


def dma_get_seg_boundary(dev: Device) -> int:
    return _check_dev(dev).segment_boundary_mask


# --- Coherent memory ----------------------------------------------------------

def dma_alloc_coherent(dev: Device, size: int, gfp: int = GFP_KERNEL) -> tuple[KvaBuffer | None, int]:
    """Zeroed memory the device and the CPU see alike; returns
    ``(cpu_addr, dma_handle)``, or ``(None, DMA_MAPPING_ERROR)`` if it cannot
    be had.  ``dma_handle`` is aligned to the smallest power-of-2 number of
    pages that holds ``size`` and lies within ``coherent_dma_mask``."""
    dev = _check_dev(dev)
    if not isinstance(size, int) or size <= 0:
        raise _einval("size must be positive")
    if not isinstance(gfp, int):
        raise _einval("gfp must be an int")
    pages = -(-size // PAGE_SIZE)
    span = PAGE_SIZE << (pages - 1).bit_length()
    tag = dev._tag("coherent", alignment=span, maxsize=span)
    try:
        buf, dmamap = core.bus_dmamem_alloc(tag, _c.BUS_DMA_NOWAIT | _c.BUS_DMA_ZERO
                                            | _c.BUS_DMA_COHERENT)
    except BusDmaError:
        return None, DMA_MAPPING_ERROR
    segs = []
    rc = core.bus_dmamap_load(tag, dmamap, buf, span, lambda a, s, n, e: segs.append((s, e)),
                              None, _c.BUS_DMA_NOWAIT)
    if rc or segs[0][1]:
        core.bus_dmamem_free(tag, buf, dmamap)
        return None, DMA_MAPPING_ERROR
    dma_handle = segs[0][0][0].ds_addr
    cpu_addr = buf.slice(0, size)
    dev._mappings.setdefault(dma_handle, []).append(
        _Mapping("coherent", tag, dmamap, size, DMA_BIDIRECTIONAL, dma_handle, (cpu_addr, buf)))
    return cpu_addr, dma_handle


def dma_free_coherent(dev: Device, size: int, cpu_addr: KvaBuffer, dma_handle: int) -> None:
    dev = _check_dev(dev)
    m = next((m for m in dev._mappings.get(dma_handle, ())
              if m.kind == "coherent" and m.cpu_addr[0] is cpu_addr), None)
    if m is None:
        raise _einval("cpu_addr/dma_handle do not come from dma_alloc_coherent on this device")
    if size != m.size:
        raise _einval(f"size {size!r} is not the allocated size {m.size:#x}")
    core.bus_dmamap_unload(m.tag, m.map)
    core.bus_dmamem_free(m.tag, m.cpu_addr[1], m.map)
    _forget(dev, m)


# --- Streaming mappings ---------------------------------------------------------

def _contiguous(source: Any) -> bool:
    return len(source.fragments()) <= 1


def _map_one(dev: Device, kind: str, source: Any, direction: int) -> int:
    tag = dev._tag(kind)
    dmamap = core.bus_dmamap_create(tag, 0)
    segs: list = []
    rc = core._load_sources(tag, dmamap, [source], lambda a, s, n, e: segs.append((s, e)),
                            None, _c.BUS_DMA_NOWAIT)
    if rc or segs[0][1]:
        core.bus_dmamap_destroy(tag, dmamap)
        return DMA_MAPPING_ERROR
    addr = segs[0][0][0].ds_addr
    core.bus_dmamap_sync(tag, dmamap, _FOR_DEVICE[direction])
    dev._mappings.setdefault(addr, []).append(
        _Mapping(kind, tag, dmamap, len(source), direction, addr))
    return addr


def _forget(dev: Device, m: _Mapping) -> None:
    entries = dev._mappings[m.dma_addr]
    entries.remove(m)
    if not entries:
        del dev._mappings[m.dma_addr]


def dma_map_single(dev: Device, cpu_addr: KvaBuffer, size: int, direction: int) -> int:
    """Map ``size`` bytes of a physically contiguous buffer for one transfer in
    ``direction``; returns the DMA address or ``DMA_MAPPING_ERROR``.

    The buffer must be physically contiguous (Linux forbids vmalloc memory
    here); the mapping is synced for the device."""
    dev = _check_dev(dev)
    direction = _check_dir(direction)
    if not isinstance(cpu_addr, KvaBuffer):
        raise _einval("cpu_addr must be a KvaBuffer")
    if not isinstance(size, int) or not 0 < size <= len(cpu_addr):
        raise _einval("size must be positive and within the buffer")
    source = cpu_addr.slice(0, size)
    if not _contiguous(source):
        raise _einval("the buffer is not physically contiguous (vmalloc-like memory "
                      "cannot be mapped with dma_map_single)")
    return _map_one(dev, "single", source, direction)


def dma_map_page(dev: Device, page: int, offset: int, size: int, direction: int) -> int:
    """Map ``size`` bytes at ``offset`` into the physical page ``page`` (the
    range may run on into the following, physically contiguous pages)."""
    dev = _check_dev(dev)
    direction = _check_dir(direction)
    if not isinstance(page, int) or page & PAGE_MASK:
        raise _einval("page must be a page-aligned physical address")
    if not isinstance(offset, int) or not isinstance(size, int) or offset < 0 or size <= 0:
        raise _einval("bad offset or size")
    source = core._phys_source(dev.root, page + offset, size)
    return _map_one(dev, "page", source, direction)


def _unmap(dev: Device, addr: int, size: int, direction: int, kind: str, what: str) -> None:
    direction = _check_dir(direction)
    candidates = [m for m in dev._mappings.get(addr, ()) if m.kind == kind]
    if not candidates:
        raise _einval(f"{what}: {addr!r} is not a DMA address mapped on {dev.name}")
    m = next((m for m in reversed(candidates) if m.size == size and m.direction == direction),
             None)
    if m is None:
        raise _einval(f"{what}: size/direction {size!r}/{direction} differ from the "
                      f"mapping's {candidates[-1].size:#x}/{candidates[-1].direction}")
    core.bus_dmamap_sync(m.tag, m.map, _FOR_CPU[direction])
    core.bus_dmamap_unload(m.tag, m.map)
    core.bus_dmamap_destroy(m.tag, m.map)
    _forget(dev, m)


def dma_unmap_single(dev: Device, addr: int, size: int, direction: int) -> None:
    """Sync for the CPU and release; size and direction must be the mapping's."""
    _unmap(_check_dev(dev), addr, size, direction, "single", "dma_unmap_single")


def dma_unmap_page(dev: Device, addr: int, size: int, direction: int) -> None:
    _unmap(_check_dev(dev), addr, size, direction, "page", "dma_unmap_page")


def dma_mapping_error(dev: Device, dma_addr: int) -> int:
    """-ENOMEM if ``dma_addr`` is the error value a map function returned, else 0."""
    _check_dev(dev)
    return -errno.ENOMEM if dma_addr == DMA_MAPPING_ERROR else 0


def _sync_single(dev: Device, addr: int, offset: int, size: int, direction: int,
                 ops: dict, what: str) -> None:
    dev = _check_dev(dev)
    direction = _check_dir(direction)
    m = next((m for entries in dev._mappings.values() for m in reversed(entries)
              if m.kind in ("single", "page") and m.dma_addr <= addr < m.dma_addr + m.size),
             None)
    if m is None:
        raise _einval(f"{what}: {addr!r} is not inside a streaming mapping of {dev.name}")
    start = addr - m.dma_addr + offset
    if not isinstance(size, int) or size <= 0 or offset < 0 or start + size > m.size:
        raise _einval(f"{what}: {size!r} bytes at {start:#x} run outside the mapping")
    if direction != m.direction:
        raise _einval(f"{what}: direction {direction} differs from the mapping's {m.direction}")
    m.tag.platform.md_sync_range(m.tag, m.map, ops[direction], start, size)


def dma_sync_single_for_cpu(dev: Device, addr: int, size: int, direction: int) -> None:
    """Give ``size`` bytes from ``addr`` (inside a single/page mapping) back to the CPU."""
    _sync_single(dev, addr, 0, size, direction, _FOR_CPU, "dma_sync_single_for_cpu")


def dma_sync_single_for_device(dev: Device, addr: int, size: int, direction: int) -> None:
    """Hand ``size`` bytes from ``addr`` (inside a single/page mapping) to the device."""
    _sync_single(dev, addr, 0, size, direction, _FOR_DEVICE, "dma_sync_single_for_device")


def dma_sync_single_range_for_cpu(dev: Device, addr: int, offset: int, size: int,
                                  direction: int) -> None:
    _sync_single(dev, addr, offset, size, direction, _FOR_CPU, "dma_sync_single_range_for_cpu")


def dma_sync_single_range_for_device(dev: Device, addr: int, offset: int, size: int,
                                     direction: int) -> None:
    _sync_single(dev, addr, offset, size, direction, _FOR_DEVICE,
                 "dma_sync_single_range_for_device")


# --- Scatterlists ------------------------------------------------------------------

class Scatterlist:
    """``struct scatterlist``: a physically contiguous piece of memory
    (``buf``, ``length`` bytes) and, once mapped, ``dma_address`` and
    ``dma_length``."""

    def __init__(self, buf: Any = None, length: int = 0):
        self.buf = buf
        self.length = length
        self.dma_address = DMA_MAPPING_ERROR
        self.dma_length = 0

    def __repr__(self) -> str:
        return (f"Scatterlist(length={self.length:#x}, dma_address={self.dma_address:#x}, "
                f"dma_length={self.dma_length:#x})")


def sg_init_table(nents: int) -> list[Scatterlist]:
    return [Scatterlist() for _ in range(nents)]


def sg_set_buf(sg: Scatterlist, buf: KvaBuffer, buflen: int) -> None:
    """Point ``sg`` at the first ``buflen`` bytes of ``buf`` (physically contiguous)."""
    if not isinstance(buf, KvaBuffer) or not 0 < buflen <= len(buf):
        raise _einval("sg_set_buf needs a KvaBuffer and a length within it")
    sg.buf, sg.length = buf.slice(0, buflen), buflen


def sg_set_page(sg: Scatterlist, page: int, len: int, offset: int) -> None:
    """Point ``sg`` at ``len`` bytes from ``offset`` into the physical page ``page``."""
    if not isinstance(page, int) or page & PAGE_MASK or offset < 0 or len <= 0:
        raise _einval("sg_set_page needs a page address, an offset and a positive length")
    sg.buf, sg.length = ("page", page + offset), len


def sg_dma_address(sg: Scatterlist) -> int:
    return sg.dma_address


def sg_dma_len(sg: Scatterlist) -> int:
    return sg.dma_length


def _sg_sources(dev: Device, sg: list, nents: int) -> list:
    if not isinstance(sg, list) or not isinstance(nents, int) or not 0 < nents <= len(sg):
        raise _einval("nents must be positive and within the scatterlist")
    sources = []
    for entry in sg[:nents]:
        if not isinstance(entry, Scatterlist) or entry.buf is None or entry.length <= 0:
            raise _einval("every entry needs sg_set_buf or sg_set_page")
        if isinstance(entry.buf, KvaBuffer):
            source = entry.buf.slice(0, entry.length)
        else:
            source = core._phys_source(dev.root, entry.buf[1], entry.length)
        if not _contiguous(source):
            raise _einval("a scatterlist entry must be physically contiguous")
        if entry.length > dev.max_segment_size:
            raise _einval(f"a {entry.length:#x}-byte entry is longer than the device's "
                          f"max_segment_size {dev.max_segment_size:#x}")
        start, mask = source.paddr(0), dev.segment_boundary_mask
        if start & ~mask != (start + entry.length - 1) & ~mask:
            raise _einval("a scatterlist entry crosses the device's segment boundary")
        sources.append(source)
    return sources


def dma_map_sg(dev: Device, sg: list[Scatterlist], nents: int, direction: int) -> int:
    """Map the first ``nents`` entries; returns the number of DMA segments
    (written to ``dma_address``/``dma_length`` of the first entries; the
    rest get ``dma_length`` 0), or 0 on failure.  Segments never exceed
    ``max_segment_size`` nor cross the segment boundary."""
    dev = _check_dev(dev)
    direction = _check_dir(direction)
    sources = _sg_sources(dev, sg, nents)
    if id(sg[0]) in dev._sg:
        raise _einval("the scatterlist is already mapped")
    tag = dev._tag("sg")
    dmamap = core.bus_dmamap_create(tag, 0)
    got: list = []
    rc = core._load_sources(tag, dmamap, sources, lambda a, s, n, e: got.append((s, e)),
                            None, _c.BUS_DMA_NOWAIT)
    if rc or got[0][1]:
        core.bus_dmamap_destroy(tag, dmamap)
        return 0
    segs = got[0][0]
    core.bus_dmamap_sync(tag, dmamap, _FOR_DEVICE[direction])
    for i, entry in enumerate(sg[:nents]):
        if i < len(segs):
            entry.dma_address, entry.dma_length = segs[i].ds_addr, segs[i].ds_len
        else:
            entry.dma_address, entry.dma_length = DMA_MAPPING_ERROR, 0
    m = _Mapping("sg", tag, dmamap, sum(len(s) for s in sources), direction, segs[0].ds_addr)
    dev._sg[id(sg[0])] = (sg, nents, m)
    return len(segs)


def _find_sg(dev: Device, sg: Any, nents: Any, direction: int, what: str) -> _Mapping:
    direction = _check_dir(direction)
    entry = dev._sg.get(id(sg[0])) if isinstance(sg, list) and sg else None
    if entry is None or entry[0] is not sg:
        raise _einval(f"{what}: the scatterlist is not mapped on {dev.name}")
    if nents != entry[1]:
        raise _einval(f"{what}: nents must be the value given to dma_map_sg ({entry[1]})")
    if direction != entry[2].direction:
        raise _einval(f"{what}: direction differs from the mapping's")
    return entry[2]


def dma_unmap_sg(dev: Device, sg: list[Scatterlist], nents: int, direction: int) -> None:
    """Sync for the CPU and release; ``nents`` is the value given to dma_map_sg."""
    dev = _check_dev(dev)
    m = _find_sg(dev, sg, nents, direction, "dma_unmap_sg")
    core.bus_dmamap_sync(m.tag, m.map, _FOR_CPU[direction])
    core.bus_dmamap_unload(m.tag, m.map)
    core.bus_dmamap_destroy(m.tag, m.map)
    del dev._sg[id(sg[0])]
    for entry in sg[:nents]:
        entry.dma_address, entry.dma_length = DMA_MAPPING_ERROR, 0


def dma_sync_sg_for_cpu(dev: Device, sg: list[Scatterlist], nents: int, direction: int) -> None:
    dev = _check_dev(dev)
    m = _find_sg(dev, sg, nents, direction, "dma_sync_sg_for_cpu")
    core.bus_dmamap_sync(m.tag, m.map, _FOR_CPU[direction])


def dma_sync_sg_for_device(dev: Device, sg: list[Scatterlist], nents: int,
                           direction: int) -> None:
    dev = _check_dev(dev)
    m = _find_sg(dev, sg, nents, direction, "dma_sync_sg_for_device")
    core.bus_dmamap_sync(m.tag, m.map, _FOR_DEVICE[direction])
