# SPDX-License-Identifier: Apache-2.0
"""bus_space(9): tags, handles and register access over a transport.

A *transport* moves one register access: ``read(addr, width) -> int`` and
``write(addr, width, value)`` (optionally ``barrier()``).  ``BusSpace`` is the
bus_space tag over a synchronous transport; ``AsyncBusSpace`` offers the same
operations as coroutines over an asynchronous one, such as ``AxiLiteTransport``
around a cocotbext-axi ``AxiLiteMaster``.

Handles come from ``bus_space_map`` (or ``bus_space_alloc``/``subregion``)
and are bounds-checked: every access must lie inside the handle's region and
the handle must still be mapped.  A plain int is accepted as a handle too (the
base address of an unchecked window, as before handles existed); accesses
are then only checked for alignment.
"""

from __future__ import annotations

import errno
from collections.abc import Callable, MutableSequence, Sequence
from typing import Any, Protocol

from .constants import (
    BUS_SPACE_BARRIER_READ, BUS_SPACE_BARRIER_WRITE, BUS_SPACE_MAP_CACHEABLE,
    BUS_SPACE_MAP_LINEAR, BUS_SPACE_MAP_PREFETCHABLE,
)

_WIDTHS = (1, 2, 4, 8)
_MAP_FLAGS = BUS_SPACE_MAP_CACHEABLE | BUS_SPACE_MAP_LINEAR | BUS_SPACE_MAP_PREFETCHABLE
_BARRIER_FLAGS = BUS_SPACE_BARRIER_READ | BUS_SPACE_BARRIER_WRITE


class BusSpaceError(OSError, ValueError):
    """Misuse of bus_space: ``errno`` is EINVAL (bad argument, misaligned or
    out-of-range access, unmapped handle) or ENOMEM (bus_space_alloc found no
    room).  A ValueError too, as the original checks raised ValueError."""

    def __init__(self, message: str, code: int = errno.EINVAL):
        super().__init__(code, message)


class RegisterTransport(Protocol):
    def read(self, addr: int, width: int) -> int: ...

    def write(self, addr: int, width: int, value: int) -> None: ...


class AsyncRegisterTransport(Protocol):
    async def read(self, addr: int, width: int) -> int: ...

    async def write(self, addr: int, width: int, value: int) -> None: ...


def _check(width: int, addr: int, value: int | None = None) -> None:
    if width not in _WIDTHS:
        raise BusSpaceError(f"bus_space width must be 1, 2, 4 or 8, not {width}")
    if addr % width:
        raise BusSpaceError(f"{width}-byte access at {addr:#x} is misaligned")
    if value is not None and (not isinstance(value, int) or not 0 <= value < 1 << 8 * width):
        raise BusSpaceError(f"{value!r} does not fit in {width} bytes")


def _check_count(count: Any) -> int:
    if not isinstance(count, int) or count < 0:
        raise BusSpaceError(f"count must be a non-negative int, not {count!r}")
    return count


class BusSpaceHandle:
    """``bus_space_handle_t``: a mapped region ``[base, base + size)`` of a tag.

    ``int(handle)`` is its bus address.  A subregion shares its parent's
    mapping: unmapping the parent invalidates it."""

    def __init__(self, tag: _BusSpaceBase, base: int, size: int, parent: BusSpaceHandle | None,
                 allocated: bool = False):
        self.tag = tag
        self.base = base
        self.size = size
        self.parent = parent
        self.allocated = allocated
        self._unmapped = False

    @property
    def mapped(self) -> bool:
        handle: BusSpaceHandle | None = self
        while handle is not None:
            if handle._unmapped:
                return False
            handle = handle.parent
        return True

    def __index__(self) -> int:
        return self.base

    __int__ = __index__

    def __repr__(self) -> str:
        state = "" if self.mapped else ", unmapped"
        return f"BusSpaceHandle(base={self.base:#x}, size={self.size:#x}{state})"


class _BusSpaceBase:
    """What the synchronous and asynchronous tags share: the bus window,
    mappings, and the checks every access goes through."""

    def __init__(self, transport: Any, *, base: int = 0, size: int = 1 << 64):
        if base < 0 or size <= 0:
            raise BusSpaceError("the bus window needs base >= 0 and size > 0")
        self.transport = transport
        self.base = base
        self.size = size
        self._regions: list[BusSpaceHandle] = []   # mapped or allocated root handles

    # Mappings (no bus access: the same in both forms).
    def _check_range(self, addr: Any, size: Any) -> None:
        if not isinstance(addr, int) or not isinstance(size, int) or size <= 0:
            raise BusSpaceError(f"bad region {addr!r}+{size!r}")
        if addr < self.base or addr + size > self.base + self.size:
            raise BusSpaceError(f"region {addr:#x}+{size:#x} is outside the bus window "
                                f"{self.base:#x}+{self.size:#x}")

    def map(self, addr: int, size: int, flags: int = 0) -> BusSpaceHandle:
        """``bus_space_map``: a handle for ``size`` bytes at bus address ``addr``."""
        self._check_range(addr, size)
        if not isinstance(flags, int) or flags & ~_MAP_FLAGS:
            raise BusSpaceError(f"bad bus_space_map flags {flags!r}")
        handle = BusSpaceHandle(self, addr, size, None)
        self._regions.append(handle)
        return handle

    def _own_root(self, handle: Any, size: Any, what: str, allocated: bool) -> BusSpaceHandle:
        if not isinstance(handle, BusSpaceHandle) or handle.tag is not self:
            raise BusSpaceError(f"{what}: not a handle of this bus_space tag")
        if handle.parent is not None:
            raise BusSpaceError(f"{what}: a subregion is released with its parent")
        if not handle.mapped:
            raise BusSpaceError(f"{what}: the handle is not mapped (released twice?)")
        if handle.allocated != allocated:
            raise BusSpaceError(f"{what}: use bus_space_{'free' if handle.allocated else 'unmap'}")
        if size != handle.size:
            raise BusSpaceError(f"{what}: size {size!r} is not the mapped size {handle.size:#x}")
        return handle

    def unmap(self, handle: BusSpaceHandle, size: int) -> None:
        """``bus_space_unmap``: release a handle from ``map`` (and its subregions)."""
        handle = self._own_root(handle, size, "bus_space_unmap", allocated=False)
        handle._unmapped = True
        self._regions.remove(handle)

    def subregion(self, handle: BusSpaceHandle, offset: int, size: int) -> BusSpaceHandle:
        """``bus_space_subregion``: a handle for ``size`` bytes at ``offset`` in ``handle``."""
        if not isinstance(handle, BusSpaceHandle) or handle.tag is not self:
            raise BusSpaceError("bus_space_subregion needs a handle of this tag")
        if not handle.mapped:
            raise BusSpaceError("bus_space_subregion: the handle is not mapped")
        if (not isinstance(offset, int) or not isinstance(size, int) or offset < 0 or size <= 0
                or offset + size > handle.size):
            raise BusSpaceError(f"subregion {offset!r}+{size!r} is outside the handle's "
                                f"{handle.size:#x} bytes")
        return BusSpaceHandle(self, handle.base + offset, size, handle)

    def alloc(self, rstart: int, rend: int, size: int, alignment: int, boundary: int,
              flags: int = 0) -> tuple[int, BusSpaceHandle]:
        """``bus_space_alloc``: map ``size`` bytes somewhere in [rstart, rend]
        (``rend`` inclusive) that no other mapping uses, starting on
        ``alignment`` and not crossing ``boundary``; returns (bpa, handle).
        Raises ENOMEM if there is no such place."""
        for name, value in (("alignment", alignment), ("boundary", boundary)):
            if not isinstance(value, int) or value < 0 or (value and value & (value - 1)):
                raise BusSpaceError(f"{name} must be 0 or a power of 2")
        if not isinstance(flags, int) or flags & ~_MAP_FLAGS:
            raise BusSpaceError(f"bad bus_space_alloc flags {flags!r}")
        if not isinstance(size, int) or size <= 0 or not isinstance(rstart, int) \
                or not isinstance(rend, int) or rstart > rend:
            raise BusSpaceError("bad bus_space_alloc range or size")
        if boundary and size > boundary:
            raise BusSpaceError("size is larger than boundary", errno.ENOMEM)
        step = max(alignment, 1)
        lo = max(rstart, self.base)
        hi = min(rend, self.base + self.size - 1)
        addr = -(-lo // step) * step
        busy = sorted((h.base, h.base + h.size) for h in self._regions)
        while addr + size - 1 <= hi:
            if boundary and addr // boundary != (addr + size - 1) // boundary:
                addr = -(-((addr // boundary + 1) * boundary) // step) * step
                continue
            clash = next((end for start, end in busy if start < addr + size and addr < end), None)
            if clash is None:
                handle = BusSpaceHandle(self, addr, size, None, allocated=True)
                self._regions.append(handle)
                return addr, handle
            addr = -(-clash // step) * step
        raise BusSpaceError(f"no free {size:#x}-byte region in [{rstart:#x}, {rend:#x}]",
                            errno.ENOMEM)

    def free(self, handle: BusSpaceHandle, size: int) -> None:
        """``bus_space_free``: release a handle from ``alloc``."""
        handle = self._own_root(handle, size, "bus_space_free", allocated=True)
        handle._unmapped = True
        self._regions.remove(handle)

    # Address checks.
    def _addr(self, handle: Any, offset: Any, width: int, span: int) -> int:
        """The bus address of ``offset`` in ``handle`` for an access of
        ``width`` bytes covering ``span`` bytes from there."""
        if width not in _WIDTHS:
            raise BusSpaceError(f"bus_space width must be 1, 2, 4 or 8, not {width}")
        if not isinstance(offset, int) or offset < 0:
            raise BusSpaceError(f"bad offset {offset!r}")
        if isinstance(handle, BusSpaceHandle):
            if handle.tag is not self:
                raise BusSpaceError("the handle belongs to another bus_space tag")
            if not handle.mapped:
                raise BusSpaceError(f"{handle!r} is not mapped")
            if offset + max(span, width if span else 0) > handle.size:
                raise BusSpaceError(f"access of {span:#x} byte(s) at offset {offset:#x} is "
                                    f"outside the handle's {handle.size:#x} bytes")
            addr = handle.base + offset
        elif isinstance(handle, int) and not isinstance(handle, bool):
            addr = handle + offset
        else:
            raise BusSpaceError(f"{handle!r} is not a bus_space handle")
        if addr % width:
            raise BusSpaceError(f"{width}-byte access at {addr:#x} is misaligned")
        return addr

    @staticmethod
    def _values(width: int, datap: Any, count: int) -> list[int]:
        if isinstance(datap, str) or not (hasattr(datap, "__len__")
                                           and hasattr(datap, "__getitem__")):
            raise BusSpaceError("datap must be a sequence of values")
        if len(datap) < count:
            raise BusSpaceError(f"datap holds {len(datap)} values, fewer than count={count}")
        values = [datap[i] for i in range(count)]
        for value in values:
            _check(width, 0, value)
        return values

    @staticmethod
    def _check_out(datap: Any, count: int) -> None:
        if not hasattr(datap, "__setitem__") or len(datap) < count:
            raise BusSpaceError("datap must be a mutable sequence of at least count items")

    def _barrier_check(self, handle: Any, offset: Any, length: Any, flags: Any) -> None:
        if not isinstance(flags, int) or flags & ~_BARRIER_FLAGS or flags < 0:
            raise BusSpaceError(f"bad barrier flags {flags!r}")
        if not isinstance(length, int) or length < 0:
            raise BusSpaceError(f"bad barrier length {length!r}")
        self._addr(handle, offset, 1, length)


class BusSpace(_BusSpaceBase):
    """A bus_space tag over a synchronous ``RegisterTransport``.

    ``base``/``size`` give the bus window that ``map`` and ``alloc`` may use
    (default: the whole 64-bit space)."""

    def read(self, width: int, handle: Any, offset: int) -> int:
        return self.transport.read(self._addr(handle, offset, width, width), width)

    def write(self, width: int, handle: Any, offset: int, value: int) -> None:
        addr = self._addr(handle, offset, width, width)
        _check(width, addr, value)
        self.transport.write(addr, width, value)

    def read_multi(self, width: int, handle: Any, offset: int, count: int) -> list[int]:
        """``count`` reads of the same register."""
        count = _check_count(count)
        addr = self._addr(handle, offset, width, width if count else 0)
        return [self.transport.read(addr, width) for _ in range(count)]

    def write_multi(self, width: int, handle: Any, offset: int, datap: Sequence[int],
                    count: int) -> None:
        """``count`` writes of ``datap[0..count)`` to the same register."""
        count = _check_count(count)
        addr = self._addr(handle, offset, width, width if count else 0)
        for value in self._values(width, datap, count):
            self.transport.write(addr, width, value)

    def read_region(self, width: int, handle: Any, offset: int, count: int) -> list[int]:
        """``count`` values from consecutive registers ``offset, offset + width, ...``."""
        count = _check_count(count)
        addr = self._addr(handle, offset, width, width * count)
        return [self.transport.read(addr + i * width, width) for i in range(count)]

    def write_region(self, width: int, handle: Any, offset: int, datap: Sequence[int],
                     count: int) -> None:
        count = _check_count(count)
        addr = self._addr(handle, offset, width, width * count)
        for i, value in enumerate(self._values(width, datap, count)):
            self.transport.write(addr + i * width, width, value)

    def set_multi(self, width: int, handle: Any, offset: int, value: int, count: int) -> None:
        """``count`` writes of ``value`` to the same register."""
        count = _check_count(count)
        addr = self._addr(handle, offset, width, width if count else 0)
        _check(width, addr, value)
        for _ in range(count):
            self.transport.write(addr, width, value)

    def set_region(self, width: int, handle: Any, offset: int, value: int, count: int) -> None:
        """``value`` written to ``count`` consecutive registers."""
        count = _check_count(count)
        addr = self._addr(handle, offset, width, width * count)
        _check(width, addr, value)
        for i in range(count):
            self.transport.write(addr + i * width, width, value)

    def copy_region(self, width: int, h1: Any, o1: int, h2: Any, o2: int, count: int) -> None:
        """Copy ``count`` values from region 1 to region 2, each read followed
        by its write; overlapping regions are copied as memmove does."""
        count = _check_count(count)
        src = self._addr(h1, o1, width, width * count)
        dst = self._addr(h2, o2, width, width * count)
        order = range(count - 1, -1, -1) if src < dst < src + width * count else range(count)
        for i in order:
            self.transport.write(dst + i * width, width, self.transport.read(src + i * width, width))

    def barrier(self, handle: Any, offset: int, length: int, flags: int) -> None:
        """Order earlier accesses before later ones (the transport's own
        ``barrier()`` if it has one; a synchronous transport is ordered)."""
        self._barrier_check(handle, offset, length, flags)
        barrier = getattr(self.transport, "barrier", None)
        if barrier is not None:
            barrier()

    # Out-parameter forms used by the bus_space_read_multi/region_N functions.
    def read_multi_into(self, width: int, handle: Any, offset: int, datap: MutableSequence,
                        count: int) -> None:
        self._check_out(datap, _check_count(count))
        datap[:count] = self.read_multi(width, handle, offset, count)

    def read_region_into(self, width: int, handle: Any, offset: int, datap: MutableSequence,
                         count: int) -> None:
        self._check_out(datap, _check_count(count))
        datap[:count] = self.read_region(width, handle, offset, count)


class AsyncBusSpace(_BusSpaceBase):
    """The ``BusSpace`` operations as coroutines, over an ``AsyncRegisterTransport``.

    ``map``, ``unmap``, ``subregion``, ``alloc`` and ``free`` touch no
    register and stay plain methods."""

    async def read(self, width: int, handle: Any, offset: int) -> int:
        return await self.transport.read(self._addr(handle, offset, width, width), width)

    async def write(self, width: int, handle: Any, offset: int, value: int) -> None:
        addr = self._addr(handle, offset, width, width)
        _check(width, addr, value)
        await self.transport.write(addr, width, value)

    async def read_multi(self, width: int, handle: Any, offset: int, count: int) -> list[int]:
        count = _check_count(count)
        addr = self._addr(handle, offset, width, width if count else 0)
        return [await self.transport.read(addr, width) for _ in range(count)]

    async def write_multi(self, width: int, handle: Any, offset: int, datap: Sequence[int],
                          count: int) -> None:
        count = _check_count(count)
        addr = self._addr(handle, offset, width, width if count else 0)
        for value in self._values(width, datap, count):
            await self.transport.write(addr, width, value)

    async def read_region(self, width: int, handle: Any, offset: int, count: int) -> list[int]:
        count = _check_count(count)
        addr = self._addr(handle, offset, width, width * count)
        return [await self.transport.read(addr + i * width, width) for i in range(count)]

    async def write_region(self, width: int, handle: Any, offset: int, datap: Sequence[int],
                           count: int) -> None:
        count = _check_count(count)
        addr = self._addr(handle, offset, width, width * count)
        for i, value in enumerate(self._values(width, datap, count)):
            await self.transport.write(addr + i * width, width, value)

    async def set_multi(self, width: int, handle: Any, offset: int, value: int,
                        count: int) -> None:
        count = _check_count(count)
        addr = self._addr(handle, offset, width, width if count else 0)
        _check(width, addr, value)
        for _ in range(count):
            await self.transport.write(addr, width, value)

    async def set_region(self, width: int, handle: Any, offset: int, value: int,
                         count: int) -> None:
        count = _check_count(count)
        addr = self._addr(handle, offset, width, width * count)
        _check(width, addr, value)
        for i in range(count):
            await self.transport.write(addr + i * width, width, value)

    async def copy_region(self, width: int, h1: Any, o1: int, h2: Any, o2: int,
                          count: int) -> None:
        count = _check_count(count)
        src = self._addr(h1, o1, width, width * count)
        dst = self._addr(h2, o2, width, width * count)
        order = range(count - 1, -1, -1) if src < dst < src + width * count else range(count)
        for i in order:
            value = await self.transport.read(src + i * width, width)
            await self.transport.write(dst + i * width, width, value)

    async def barrier(self, handle: Any, offset: int, length: int, flags: int) -> None:
        self._barrier_check(handle, offset, length, flags)
        barrier = getattr(self.transport, "barrier", None)
        if barrier is not None:
            await barrier()

    async def read_multi_into(self, width: int, handle: Any, offset: int,
                              datap: MutableSequence, count: int) -> None:
        self._check_out(datap, _check_count(count))
        datap[:count] = await self.read_multi(width, handle, offset, count)

    async def read_region_into(self, width: int, handle: Any, offset: int,
                               datap: MutableSequence, count: int) -> None:
        self._check_out(datap, _check_count(count))
        datap[:count] = await self.read_region(width, handle, offset, count)


def _add_width_methods(cls: type) -> None:
    """``read_4(h, o)``, ``write_region_2(h, o, datap, count)`` and so on:
    the width-suffixed method names of every operation."""
    ops = ("read", "write", "read_multi", "write_multi", "read_region", "write_region",
           "set_multi", "set_region", "copy_region")
    for op in ops:
        generic = getattr(cls, op)
        for width in _WIDTHS:
            def method(self, *args, _generic=generic, _width=width):
                return _generic(self, _width, *args)
            method.__name__ = f"{op}_{width}"
            method.__qualname__ = f"{cls.__name__}.{op}_{width}"
            method.__doc__ = f"``{op}`` with width {width}."
            setattr(cls, f"{op}_{width}", method)


_add_width_methods(BusSpace)
_add_width_methods(AsyncBusSpace)


class RegisterFileModel:
    """A byte-addressed little-endian register file for pure-Python tests.

    ``on_read(addr, fn)`` makes reads of ``addr`` return ``fn(width)``;
    ``on_write(addr, fn)`` calls ``fn(value, width)`` after a write there.
    ``accesses`` records every access as (kind, addr, width, value).
    """

    def __init__(self):
        self._bytes: dict[int, int] = {}
        self._read_hooks: dict[int, Callable[[int], int]] = {}
        self._write_hooks: dict[int, Callable[[int, int], Any]] = {}
        self.accesses: list[tuple[str, int, int, int]] = []

    def on_read(self, addr: int, fn: Callable[[int], int]) -> None:
        self._read_hooks[addr] = fn

    def on_write(self, addr: int, fn: Callable[[int, int], Any]) -> None:
        self._write_hooks[addr] = fn

    def read(self, addr: int, width: int) -> int:
        hook = self._read_hooks.get(addr)
        if hook is not None:
            value = hook(width)
        else:
            value = int.from_bytes(bytes(self._bytes.get(addr + i, 0) for i in range(width)),
                                   "little")
        self.accesses.append(("read", addr, width, value))
        return value

    def write(self, addr: int, width: int, value: int) -> None:
        for i, byte in enumerate(value.to_bytes(width, "little")):
            self._bytes[addr + i] = byte
        self.accesses.append(("write", addr, width, value))
        hook = self._write_hooks.get(addr)
        if hook is not None:
            hook(value, width)


class AsyncTransportAdapter:
    """Presents a synchronous transport (e.g. ``RegisterFileModel``) as an
    asynchronous one, so ``AsyncBusSpace`` code can be tested without a simulator."""

    def __init__(self, transport: RegisterTransport):
        self.transport = transport

    async def read(self, addr: int, width: int) -> int:
        return self.transport.read(addr, width)

    async def write(self, addr: int, width: int, value: int) -> None:
        self.transport.write(addr, width, value)


class AxiLiteTransport:
    """An ``AsyncRegisterTransport`` over a cocotbext-axi ``AxiLiteMaster``
    (anything with ``async read(addr, length)`` returning ``.data`` bytes and
    ``async write(addr, data)``; a ``.resp`` on the result is checked).

    A response other than OKAY (SLVERR, DECERR) raises ``OSError(EIO)``: a
    register access that failed must not look like one that read zero."""

    def __init__(self, master: Any):
        self.master = master

    @staticmethod
    def _check_resp(kind: str, addr: int, response: Any) -> None:
        resp = int(getattr(response, "resp", 0) or 0)
        if resp:
            name = {2: "SLVERR", 3: "DECERR"}.get(resp, str(resp))
            raise OSError(errno.EIO, f"bus_space {kind} at {addr:#x}: {name} response")

    async def read(self, addr: int, width: int) -> int:
        response = await self.master.read(addr, width)
        self._check_resp("read", addr, response)
        return int.from_bytes(bytes(response.data), "little")

    async def write(self, addr: int, width: int, value: int) -> None:
        response = await self.master.write(addr, value.to_bytes(width, "little"))
        self._check_resp("write", addr, response)


# --- The bus_space(9) functions --------------------------------------------
# Each takes the tag first, in the manual's argument order.  With an
# AsyncBusSpace the access functions return awaitables.

def bus_space_map(t: _BusSpaceBase, addr: int, size: int, flags: int) -> BusSpaceHandle:
    """Map ``size`` bytes at bus address ``addr``; returns the handle (``*bshp``)."""
    return t.map(addr, size, flags)


def bus_space_unmap(t: _BusSpaceBase, bsh: BusSpaceHandle, size: int) -> None:
    t.unmap(bsh, size)


def bus_space_subregion(t: _BusSpaceBase, bsh: BusSpaceHandle, offset: int,
                        size: int) -> BusSpaceHandle:
    """A handle for part of a mapping; returns it (``*nbshp``)."""
    return t.subregion(bsh, offset, size)


def bus_space_alloc(t: _BusSpaceBase, rstart: int, rend: int, size: int, alignment: int,
                    boundary: int, flags: int) -> tuple[int, BusSpaceHandle]:
    """Allocate and map a free region; returns ``(bpa, handle)``."""
    return t.alloc(rstart, rend, size, alignment, boundary, flags)


def bus_space_free(t: _BusSpaceBase, bsh: BusSpaceHandle, size: int) -> None:
    t.free(bsh, size)


def bus_space_barrier(t: _BusSpaceBase, bsh: Any, offset: int, length: int, flags: int) -> Any:
    return t.barrier(bsh, offset, length, flags)


def _make_functions() -> dict[str, Callable]:
    made: dict[str, Callable] = {}
    for width in _WIDTHS:
        def read(t, bsh, offset, _w=width):
            return t.read(_w, bsh, offset)

        def write(t, bsh, offset, value, _w=width):
            return t.write(_w, bsh, offset, value)

        def read_multi(t, bsh, offset, datap, count, _w=width):
            return t.read_multi_into(_w, bsh, offset, datap, count)

        def write_multi(t, bsh, offset, datap, count, _w=width):
            return t.write_multi(_w, bsh, offset, datap, count)

        def read_region(t, bsh, offset, datap, count, _w=width):
            return t.read_region_into(_w, bsh, offset, datap, count)

        def write_region(t, bsh, offset, datap, count, _w=width):
            return t.write_region(_w, bsh, offset, datap, count)

        def set_multi(t, bsh, offset, value, count, _w=width):
            return t.set_multi(_w, bsh, offset, value, count)

        def set_region(t, bsh, offset, value, count, _w=width):
            return t.set_region(_w, bsh, offset, value, count)

        def copy_region(t, bsh1, off1, bsh2, off2, count, _w=width):
            return t.copy_region(_w, bsh1, off1, bsh2, off2, count)

        for fn in (read, write, read_multi, write_multi, read_region, write_region,
                   set_multi, set_region, copy_region):
            name = f"bus_space_{fn.__name__}_{width}"
            fn.__name__ = fn.__qualname__ = name
            made[name] = fn
    return made


globals().update(_make_functions())
