# SPDX-License-Identifier: Apache-2.0
"""cocotb tests of dma_axil_split (one AXI4-Lite slave -> two AXI4-Lite masters by
address bit SPLIT_BIT), collected by pytest.

A cocotbext-axi AxiLiteMaster drives s_axil; two AxiLiteRams answer on m0_axil and
m1_axil. Each RAM spans the whole address space, so an access routed to the wrong
port shows up as a change in the other half of that RAM. AxiLiteChecker watches all
three interfaces. Random tests take their seed from cocotb (RANDOM_SEED=<seed>).
"""
from __future__ import annotations

import logging
import os
import random

import cocotb
import pytest
from cocotb.triggers import ClockCycles, RisingEdge

CONFIGS = [
    # (ADDR_WIDTH, SPLIT_BIT)
    (13, 12),
    (16, 8),
]


@pytest.mark.parametrize("addr_width,split_bit", CONFIGS, ids=[f"aw{a}-bit{b}" for a, b in CONFIGS])
def test_axil_split(addr_width, split_bit):
    from dmatb.runner import run_cocotb

    run_cocotb("dma_axil_split", "test_axil_split", {"ADDR_WIDTH": addr_width, "SPLIT_BIT": split_bit},
               extra_env={"SPLIT_BIT": str(split_bit)})


OKAY, SLVERR = 0, 2


class Bench:
    def __init__(self, dut):
        from cocotb.clock import Clock
        from cocotbext.axi import AxiLiteBus, AxiLiteMaster, AxiLiteRam

        from dmatb.axi_checker import AxiLiteChecker

        self.dut = dut
        self.rng = random.Random(cocotb.RANDOM_SEED)
        self.aw = len(dut.s_axil_awaddr)
        self.size = 1 << self.aw
        self.split = int(os.environ.get("SPLIT_BIT", "12"))
        for p in ("s_axil", "m0_axil", "m1_axil"):
            logging.getLogger(f"cocotb.{dut._name}.{p}").setLevel(logging.WARNING)
        Clock(dut.clk, 10, unit="ns").start()
        dut.rst.value = 1
        self.master = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk, dut.rst)
        self.rams = [AxiLiteRam(AxiLiteBus.from_prefix(dut, f"m{i}_axil"), dut.clk, dut.rst, size=self.size)
                     for i in range(2)]
        self.checkers = [AxiLiteChecker(dut, p, dut.clk, dut.rst) for p in ("s_axil", "m0_axil", "m1_axil")]
        self.ref = []
        for ram in self.rams:
            init = self.rng.randbytes(self.size)
            ram.write(0, init)
            self.ref.append(bytearray(init))
        self.bad = set()          # word addresses where m1 answers SLVERR
        for ram in self.rams:
            self._wrap_errors(ram)

    def _wrap_errors(self, ram):
        wr, rd = ram.write_if._write, ram.read_if._read
        bench = self

        async def _write(address, data):
            if address & ~3 in bench.bad:
                raise ValueError("injected write error")
            await wr(address, data)

        async def _read(address, length):
            if address & ~3 in bench.bad:
                raise ValueError("injected read error")
            return await rd(address, length)

        ram.write_if._write = _write
        ram.read_if._read = _read

    async def reset(self):
        self.dut.rst.value = 1
        await ClockCycles(self.dut.clk, 5)
        self.dut.rst.value = 0
        await ClockCycles(self.dut.clk, 2)

    def port_of(self, addr):
        return addr >> self.split & 1

    def backpressure(self, p):
        from dmatb.memory import set_stream_backpressure

        s = self.rng.randrange(1 << 30)
        chans = [("m", self.master.write_if.aw_channel), ("m", self.master.write_if.w_channel),
                 ("m", self.master.write_if.b_channel), ("m", self.master.read_if.ar_channel),
                 ("m", self.master.read_if.r_channel)]
        for i, ram in enumerate(self.rams):
            chans += [(i, ram.write_if.aw_channel), (i, ram.write_if.w_channel), (i, ram.write_if.b_channel),
                      (i, ram.read_if.ar_channel), (i, ram.read_if.r_channel)]
        for k, (_, ch) in enumerate(chans):
            set_stream_backpressure(ch, p, f"{s}/{k}")

    async def op(self):
        """One random 1..8-byte read or write (unaligned allowed, within one word pair)."""
        rng = self.rng
        addr = rng.randrange(self.size - 8)
        length = rng.randint(1, 8)
        # keep the access within one half so the expected routing is unique
        if self.port_of(addr) != self.port_of(addr + length - 1):
            addr = (addr >> self.split) + 1 << self.split     # start at the next half instead
        port = self.port_of(addr)
        words = {a & ~3 for a in range(addr, addr + length)}
        err = bool(words & self.bad)
        if rng.random() < 0.5:
            data = rng.randbytes(length)
            resp = await self.master.write(addr, data)
            assert int(resp.resp) == (SLVERR if err else OKAY), f"write {addr:#x}+{length}: resp {int(resp.resp)}"
            for a in range(addr, addr + length):
                if (a & ~3) not in self.bad:
                    self.ref[port][a] = data[a - addr]
        else:
            resp = await self.master.read(addr, length)
            assert int(resp.resp) == (SLVERR if err else OKAY), f"read {addr:#x}+{length}: resp {int(resp.resp)}"
            got = bytes(resp.data)
            for a in range(addr, addr + length):
                if (a & ~3) not in self.bad:
                    assert got[a - addr] == self.ref[port][a], (
                        f"read {addr:#x}+{length} (port m{port}): byte {a:#x} got {got[a - addr]:#04x} "
                        f"want {self.ref[port][a]:#04x}")
        return port

    async def finish(self):
        await ClockCycles(self.dut.clk, 20)
        for c in self.checkers:
            c.finish()
        for i, ram in enumerate(self.rams):
            got = ram.read(0, self.size)
            if got != bytes(self.ref[i]):
                first = next(a for a in range(self.size) if got[a] != self.ref[i][a])
                raise AssertionError(f"RAM m{i} differs from the reference at {first:#x} "
                                     f"(an access routed to the wrong port?)")


@cocotb.test()
async def routing_directed(dut):
    """Each half reaches only its own port: boundary addresses, full words."""
    b = Bench(dut)
    await b.reset()
    half = 1 << b.split
    for addr in (0, 4, half - 4, half, half + 4, 2 * half - 4, b.size - 4, b.size - half):
        data = b.rng.randbytes(4)
        await b.master.write(addr, data)
        b.ref[b.port_of(addr)][addr:addr + 4] = data
        got = await b.master.read(addr, 4)
        assert bytes(got.data) == data, f"{addr:#x}: read back {bytes(got.data).hex()} want {data.hex()}"
    stats = [c.stats for c in b.checkers]
    await b.finish()
    assert stats[1]["AW"] > 0 and stats[2]["AW"] > 0 and stats[1]["R"] > 0 and stats[2]["R"] > 0


@cocotb.test()
async def random_no_backpressure(dut):
    b = Bench(dut)
    await b.reset()
    ports = [await b.op() for _ in range(300)]
    assert 0 in ports and 1 in ports
    await b.finish()


@cocotb.test()
async def random_backpressure(dut):
    """Random pauses on every channel of all three interfaces (the master's AW and W
    pause independently, so W often arrives before AW), then heavy pauses."""
    b = Bench(dut)
    await b.reset()
    for p in (0.3, 0.7):
        b.backpressure(p)
        for _ in range(200):
            await b.op()
    await b.finish()


@cocotb.test()
async def concurrent_reads_writes_and_errors(dut):
    """Reads and writes issued from parallel tasks (reads and writes overlap in the
    splitter), SLVERR from one port routed back on the right channel."""
    b = Bench(dut)
    await b.reset()
    half = 1 << b.split
    q = half // 2
    b.bad = {0x40 % q, half + q + 0x40 % q}    # one word in a writer range, one in a reader range
    b.backpressure(0.2)
    # each task works in its own word range so that the reference stays exact
    rng = b.rng

    async def writer(port):
        for _ in range(60):
            a = port * half + rng.randrange(q // 4) * 4
            data = rng.randbytes(4)
            resp = await b.master.write(a, data)
            bad = (a & ~3) in b.bad
            assert int(resp.resp) == (SLVERR if bad else OKAY), f"write {a:#x} resp {int(resp.resp)}"
            if not bad:
                b.ref[port][a:a + 4] = data
                got = await b.master.read(a, 4)
                assert bytes(got.data) == data

    async def reader(port):
        for _ in range(60):
            a = port * half + q + rng.randrange(q // 4) * 4
            got = await b.master.read(a, 4)
            bad = (a & ~3) in b.bad
            assert int(got.resp) == (SLVERR if bad else OKAY)
            if not bad:
                assert bytes(got.data) == bytes(b.ref[port][a:a + 4]), f"read {a:#x}"

    # make sure the error words are hit
    for a in sorted(b.bad):
        assert int((await b.master.write(a, b"\x01\x02\x03\x04")).resp) == SLVERR
        assert int((await b.master.read(a, 4)).resp) == SLVERR
    tasks = [cocotb.start_soon(f(p)) for f in (writer, reader) for p in (0, 1)]
    for t in tasks:
        await t
    await RisingEdge(dut.clk)
    await b.finish()
