# SPDX-License-Identifier: Apache-2.0
"""Peer-to-peer DMA: a peer device's memory window (e.g. a GPU's memory behind a
BAR) registered with a platform, so that another device can DMA to and from it
directly.

A window lies outside host memory.  Its bytes are the peer device's, not RAM:
they can be reached only by the bus, so a load of a window is never bounced
(there is no page to copy through), and syncing it copies nothing.  On the
bounce platform a tag that cannot reach the window as it is makes the load fail
with EINVAL; on the IOMMU platform the window's pages are mapped into the
device's IOVA space like any other memory.

    gpu = platform.register_peer_window(0x80_0000_0000, 16 << 20, "gpu0")
    bus_dmamap_load_phys(tag, map, gpu.base + 0x1000, 0x4000, callback, arg, flags)
    bus_dmamap_load(tag, map, gpu.buffer(0x1000, 0x4000), 0x4000, callback, arg, flags)
"""

from __future__ import annotations

import mmap
from typing import Any

__all__ = ["PeerWindow", "PeerRange"]


class PeerWindow:
    """A peer device's memory window: ``size`` bytes at bus address ``base``,
    owned by the device named ``owner``.

    Made by ``Platform.register_peer_window``.  ``mem`` holds the window's
    bytes (an anonymous mmap of ``size`` bytes unless one was given): the
    peer device's memory, which a test bench's interconnect serves to the bus.
    """

    def __init__(self, platform: Any, base: int, size: int, owner: str, mem: Any = None):
        self.platform = platform
        self.base = base
        self.size = size
        self.owner = owner
        self.mem = mem if mem is not None else mmap.mmap(-1, size)
        self.registered = True
        self.map_count = 0        # maps loaded from the window (or with a deferred load)

    @property
    def end(self) -> int:
        """The last byte address of the window."""
        return self.base + self.size - 1

    def __repr__(self) -> str:
        return f"PeerWindow({self.owner!r}, base={self.base:#x}, size={self.size:#x})"

    def contains(self, paddr: int, length: int = 1) -> bool:
        """Does ``[paddr, paddr + length)`` lie inside the window?"""
        return self.base <= paddr and paddr + max(length, 1) - 1 <= self.end

    def read(self, offset: int, length: int) -> bytes:
        """CPU access through the window's mapping (as a driver reads a mapped BAR)."""
        if offset < 0 or length < 0 or offset + length > self.size:
            raise ValueError(f"{offset:#x}+{length:#x} is outside {self!r}")
        return bytes(self.mem[offset:offset + length])

    def write(self, offset: int, data: bytes) -> None:
        data = bytes(data)
        if offset < 0 or offset + len(data) > self.size:
            raise ValueError(f"{offset:#x}+{len(data):#x} is outside {self!r}")
        self.mem[offset:offset + len(data)] = data

    def buffer(self, offset: int = 0, length: int | None = None) -> PeerRange:
        """The CPU's mapping of ``length`` bytes of the window from ``offset``
        (what FreeBSD's pmap_mapdev gives for a BAR): ``bus_dmamap_load`` takes
        it as it takes a ``KvaBuffer``."""
        if length is None:
            length = self.size - offset
        if offset < 0 or length < 0 or offset + length > self.size:
            raise ValueError(f"{offset:#x}+{length:#x} is outside {self!r}")
        return PeerRange(self, self.base + offset, length)


class PeerRange:
    """``length`` bytes of a peer window from bus address ``base``: the source
    type of a load from a window (physically contiguous, like ``PhysRange``)."""

    def __init__(self, window: PeerWindow, paddr: int, length: int):
        if length < 0 or not window.contains(paddr, length):
            raise ValueError(f"{paddr:#x}+{length:#x} is outside {window!r}")
        self.window = window
        self.base = paddr
        self.length = length

    def __len__(self) -> int:
        return self.length

    def __repr__(self) -> str:
        return f"PeerRange({self.window.owner!r}, {self.base:#x}, length={self.length:#x})"

    def paddr(self, voff: int) -> int:
        return self.base + voff

    def fragments(self, voff: int = 0, length: int | None = None) -> list[tuple[int, int]]:
        if length is None:
            length = self.length - voff
        if voff < 0 or length < 0 or voff + length > self.length:
            raise ValueError("range is outside the peer range")
        return [(self.base + voff, length)] if length else []

    def read(self, voff: int = 0, length: int | None = None) -> bytes:
        if length is None:
            length = self.length - voff
        if voff < 0 or length < 0 or voff + length > self.length:
            raise ValueError("range is outside the peer range")
        return self.window.read(self.base - self.window.base + voff, length)

    def write(self, voff: int, data: bytes) -> None:
        data = bytes(data)
        if voff < 0 or voff + len(data) > self.length:
            raise ValueError("range is outside the peer range")
        self.window.write(self.base - self.window.base + voff, data)

    def slice(self, voff: int, length: int) -> PeerRange:
        if voff < 0 or length < 0 or voff + length > self.length:
            raise ValueError("slice is outside the peer range")
        return PeerRange(self.window, self.base + voff, length)
