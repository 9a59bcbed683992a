# SPDX-License-Identifier: Apache-2.0
"""bus_space register access over the model transport."""

import asyncio

import pytest

import busdma
from busdma import BUS_SPACE_BARRIER_WRITE, BusSpace, RegisterFileModel


def test_widths_and_little_endian_layout():
    regs = RegisterFileModel()
    space = BusSpace(regs)
    busdma.bus_space_write_8(space, 0x1000, 0x8, 0x1122334455667788)
    assert busdma.bus_space_read_4(space, 0x1000, 0x8) == 0x55667788
    assert busdma.bus_space_read_4(space, 0x1000, 0xC) == 0x11223344
    assert busdma.bus_space_read_2(space, 0x1000, 0xE) == 0x1122
    assert busdma.bus_space_read_1(space, 0x1000, 0x9) == 0x77
    busdma.bus_space_write_1(space, 0x1000, 0x8, 0xAB)
    busdma.bus_space_write_2(space, 0x1000, 0xA, 0xCDEF)
    busdma.bus_space_write_4(space, 0x1000, 0x10, 0xDEADBEEF)
    assert busdma.bus_space_read_8(space, 0x1000, 0x8) == 0x11223344CDEF77AB
    assert regs.accesses[0] == ("write", 0x1008, 8, 0x1122334455667788)


def test_hooks_model_device_registers():
    regs = RegisterFileModel()
    written = []
    regs.on_read(0x20, lambda width: 0x5A)
    regs.on_write(0x24, lambda value, width: written.append((value, width)))
    space = BusSpace(regs)
    assert space.read_4(0, 0x20) == 0x5A
    space.write_4(0, 0x24, 1)
    space.barrier(0, 0x20, 8, BUS_SPACE_BARRIER_WRITE)
    assert written == [(1, 4)]


def test_misuse_is_rejected():
    space = BusSpace(RegisterFileModel())
    with pytest.raises(ValueError):
        space.write_4(0, 2, 0)        # misaligned
    with pytest.raises(ValueError):
        space.write_1(0, 0, 0x100)    # does not fit
    with pytest.raises(ValueError):
        space.read(3, 0, 0)           # no such width


def test_async_bus_space_over_an_adapted_transport():
    regs = RegisterFileModel()
    space = busdma.AsyncBusSpace(busdma.AsyncTransportAdapter(regs))

    async def driver():
        await space.write_4(0x100, 4, 0xCAFEF00D)
        await space.barrier(0x100, 0, 8, BUS_SPACE_BARRIER_WRITE)
        return await space.read_2(0x100, 6)

    assert asyncio.run(driver()) == 0xCAFE


def test_axi_lite_transport_speaks_bytes():
    class FakeAxiLiteMaster:
        def __init__(self):
            self.mem = bytearray(64)

        async def write(self, addr, data):
            self.mem[addr:addr + len(data)] = data

        async def read(self, addr, length):
            return type("Resp", (), {"data": bytes(self.mem[addr:addr + length])})()

    space = busdma.AsyncBusSpace(busdma.AxiLiteTransport(FakeAxiLiteMaster()))

    async def driver():
        await space.write_8(0, 8, 0x0102030405060708)
        return await space.read_4(0, 12)

    assert asyncio.run(driver()) == 0x01020304
