"""bus_space(9): 1/2/4/8-byte register access and barriers over a transport.

A *transport* moves one register access: ``read(addr, width) -> int`` and
``write(addr, width, value)`` (optionally ``barrier()``).  ``BusSpace`` is the
bus_space tag over a synchronous transport; ``AsyncBusSpace`` offers the same
methods as coroutines over an asynchronous one, such as ``AxiLiteTransport``
around a cocotbext-axi ``AxiLiteMaster``.  The handle is the base address of
the device's register window; offsets are added to it.
"""

from __future__ import annotations

import errno
from collections.abc import Callable
from typing import Any, Protocol

from .constants import BUS_SPACE_BARRIER_READ, BUS_SPACE_BARRIER_WRITE

_WIDTHS = (1, 2, 4, 8)


class RegisterTransport(Protocol):
    def read(self, addr: int, width: int) -> int: ...

    def write(self, addr: int, width: int, value: int) -> None: ...


class AsyncRegisterTransport(Protocol):
    async def read(self, addr: int, width: int) -> int: ...

    async def write(self, addr: int, width: int, value: int) -> None: ...


def _check(width: int, addr: int, value: int | None = None) -> None:
    if width not in _WIDTHS:
        raise ValueError(f"bus_space width must be 1, 2, 4 or 8, not {width}")
    if addr % width:
        raise ValueError(f"{width}-byte access at {addr:#x} is misaligned")
    if value is not None and not 0 <= value < 1 << 8 * width:
        raise ValueError(f"{value:#x} does not fit in {width} bytes")


class BusSpace:
    """A bus_space tag over a synchronous ``RegisterTransport``."""

    def __init__(self, transport: RegisterTransport):
        self.transport = transport

    def read(self, width: int, handle: int, offset: int) -> int:
        _check(width, handle + offset)
        return self.transport.read(handle + offset, width)

    def write(self, width: int, handle: int, offset: int, value: int) -> None:
        _check(width, handle + offset, value)
        self.transport.write(handle + offset, width, value)

    def barrier(self, handle: int, offset: int, length: int, flags: int) -> None:
        """Order earlier accesses before later ones (the transport's own
        ``barrier()`` if it has one; a synchronous transport is ordered)."""
        if flags & ~(BUS_SPACE_BARRIER_READ | BUS_SPACE_BARRIER_WRITE):
            raise ValueError(f"bad barrier flags {flags:#x}")
        barrier = getattr(self.transport, "barrier", None)
        if barrier is not None:
            barrier()

    def read_1(self, handle: int, offset: int) -> int:
        return self.read(1, handle, offset)

    def read_2(self, handle: int, offset: int) -> int:
        return self.read(2, handle, offset)

    def read_4(self, handle: int, offset: int) -> int:
        return self.read(4, handle, offset)

    def read_8(self, handle: int, offset: int) -> int:
        return self.read(8, handle, offset)

    def write_1(self, handle: int, offset: int, value: int) -> None:
        self.write(1, handle, offset, value)

    def write_2(self, handle: int, offset: int, value: int) -> None:
        self.write(2, handle, offset, value)

    def write_4(self, handle: int, offset: int, value: int) -> None:
        self.write(4, handle, offset, value)

    def write_8(self, handle: int, offset: int, value: int) -> None:
        self.write(8, handle, offset, value)


class AsyncBusSpace:
    """The ``BusSpace`` methods as coroutines, over an ``AsyncRegisterTransport``."""

    def __init__(self, transport: AsyncRegisterTransport):
        self.transport = transport

    async def read(self, width: int, handle: int, offset: int) -> int:
        _check(width, handle + offset)
        return await self.transport.read(handle + offset, width)

    async def write(self, width: int, handle: int, offset: int, value: int) -> None:
        _check(width, handle + offset, value)
        await self.transport.write(handle + offset, width, value)

    async def barrier(self, handle: int, offset: int, length: int, flags: int) -> None:
        if flags & ~(BUS_SPACE_BARRIER_READ | BUS_SPACE_BARRIER_WRITE):
            raise ValueError(f"bad barrier flags {flags:#x}")
        barrier = getattr(self.transport, "barrier", None)
        if barrier is not None:
            await barrier()

    async def read_1(self, handle: int, offset: int) -> int:
        return await self.read(1, handle, offset)

    async def read_2(self, handle: int, offset: int) -> int:
        return await self.read(2, handle, offset)

    async def read_4(self, handle: int, offset: int) -> int:
        return await self.read(4, handle, offset)

    async def read_8(self, handle: int, offset: int) -> int:
        return await self.read(8, handle, offset)

    async def write_1(self, handle: int, offset: int, value: int) -> None:
        await self.write(1, handle, offset, value)

    async def write_2(self, handle: int, offset: int, value: int) -> None:
        await self.write(2, handle, offset, value)

    async def write_4(self, handle: int, offset: int, value: int) -> None:
        await self.write(4, handle, offset, value)

    async def write_8(self, handle: int, offset: int, value: int) -> None:
        await self.write(8, handle, offset, value)


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


def bus_space_read_1(tag: BusSpace, handle: int, offset: int) -> int:
    return tag.read(1, handle, offset)


def bus_space_read_2(tag: BusSpace, handle: int, offset: int) -> int:
    return tag.read(2, handle, offset)


def bus_space_read_4(tag: BusSpace, handle: int, offset: int) -> int:
    return tag.read(4, handle, offset)


def bus_space_read_8(tag: BusSpace, handle: int, offset: int) -> int:
    return tag.read(8, handle, offset)


def bus_space_write_1(tag: BusSpace, handle: int, offset: int, value: int) -> None:
    tag.write(1, handle, offset, value)


def bus_space_write_2(tag: BusSpace, handle: int, offset: int, value: int) -> None:
    tag.write(2, handle, offset, value)


def bus_space_write_4(tag: BusSpace, handle: int, offset: int, value: int) -> None:
    tag.write(4, handle, offset, value)


def bus_space_write_8(tag: BusSpace, handle: int, offset: int, value: int) -> None:
    tag.write(8, handle, offset, value)


def bus_space_barrier(tag: BusSpace, handle: int, offset: int, length: int, flags: int) -> None:
    tag.barrier(handle, offset, length, flags)
