# SPDX-License-Identifier: Apache-2.0
"""Test environment for dma_engine (registers + scatter-gather front end + datapath)
and for dma_top (the engine behind the IOMMU, one memory port).

For dma_engine, one memory image is shared by the data port (m_axi) and the
descriptor port (m_axi_sg): two AxiMemory models over the same bytearray, each with
its own latency, back-pressure and error injection (`sg_mem` is `mem` on dma_top).
Registers are reached through a cocotbext-axi AxiLiteMaster. Protocol checkers
watch every AXI interface.
"""
from __future__ import annotations

import logging
import os
import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import RisingEdge
from cocotbext.axi import AxiBus, AxiLiteBus, AxiLiteMaster, AxiStreamBus, AxiStreamSink, AxiStreamSource

from dmaengine import regs as R
from dmaengine.descriptor import DESC_SIZE, Descriptor, unpack_completion
from dmatb.axi_checker import AxiChecker, AxiLiteChecker, AxiStreamChecker
from dmatb.memory import AxiMemory, random_depths


class EngineEnv:
    def __init__(self, dut, mem_size: int = 8 << 20, read_latency: int = 0, sg_read_latency: int = 0,
                 depths: tuple[int, int] | None = None, sg_depths: tuple[int, int] | None = None,
                 bus_master: bool = True):
        """depths / sg_depths: (read, write) acceptance depths of the m_axi / m_axi_sg
        memory models; random from the seed when None (random_depths). bus_master: start()
        sets GCTRL.BME (0 after reset), as a driver's attach does."""
        self.dut = dut
        self.bus_master = bus_master
        self.regression_seed = int(os.environ.get("COCOTB_RANDOM_SEED", "0"))
        self.seed = cocotb.RANDOM_SEED
        self.rng = random.Random(self.seed)
        dut._log.info("random seed %d (replay the run with RANDOM_SEED=%d)", self.seed, self.regression_seed)
        self.bytes_per_beat = len(dut.m_axi_wdata) // 8
        self.num_channels = len(dut.irq)
        depth_rng = random.Random(f"{self.seed}/depths")
        self.depths = depths or random_depths(depth_rng)
        self.sg_depths = sg_depths or random_depths(depth_rng)
        self.mem = AxiMemory(AxiBus.from_prefix(dut, "m_axi"), dut.clk, dut.rst, size=mem_size,
                             read_latency=read_latency, max_outstanding_reads=self.depths[0],
                             max_outstanding_writes=self.depths[1])
        self.has_sg_port = hasattr(dut, "m_axi_sg_awvalid")
        dut._log.info("memory acceptance depths (read, write): m_axi %s%s", self.depths,
                      f", m_axi_sg {self.sg_depths}" if self.has_sg_port else "")
        if self.has_sg_port:
            self.sg_mem = AxiMemory(AxiBus.from_prefix(dut, "m_axi_sg"), dut.clk, dut.rst, mem=self.mem.mem,
                                    read_latency=sg_read_latency, max_outstanding_reads=self.sg_depths[0],
                                    max_outstanding_writes=self.sg_depths[1])
        else:
            self.sg_mem = self.mem
        # dma_top: the IOMMU's table and queue accesses have a port of their own
        self.tw_mem = None
        if hasattr(dut, "m_axi_tw_awvalid"):
            self.tw_mem = AxiMemory(AxiBus.from_prefix(dut, "m_axi_tw"), dut.clk, dut.rst, mem=self.mem.mem)
            self.tw_mem.read_if.log.setLevel(logging.WARNING)
            self.tw_mem.write_if.log.setLevel(logging.WARNING)
        self.axil = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk, dut.rst)
        self.s_axis = AxiStreamSource(AxiStreamBus.from_prefix(dut, "s_axis"), dut.clk, dut.rst)
        self.m_axis = AxiStreamSink(AxiStreamBus.from_prefix(dut, "m_axis"), dut.clk, dut.rst)
        for bfm in (self.mem.write_if, self.mem.read_if, self.sg_mem.write_if, self.sg_mem.read_if,
                    self.axil.write_if, self.axil.read_if, self.s_axis, self.m_axis):
            bfm.log.setLevel(logging.WARNING)
        self.checkers = [
            AxiChecker(dut, "m_axi", dut.clk, dut.rst),
            AxiLiteChecker(dut, "s_axil", dut.clk, dut.rst),
            AxiStreamChecker(dut, "m_axis", dut.clk, dut.rst),
            AxiStreamChecker(dut, "s_axis", dut.clk, dut.rst),
        ]
        if self.has_sg_port:
            self.checkers.append(AxiChecker(dut, "m_axi_sg", dut.clk, dut.rst))
        if self.tw_mem is not None:
            self.checkers.append(AxiChecker(dut, "m_axi_tw", dut.clk, dut.rst))
        self.cycle = 0

    async def start(self):
        dut = self.dut
        cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
        dut.rst.value = 1
        for _ in range(4):
            await RisingEdge(dut.clk)
        dut.rst.value = 0
        await RisingEdge(dut.clk)
        cocotb.start_soon(self._count_cycles())
        if self.bus_master:
            # GCTRL.BME is 0 after reset; the tests of the engine's own behaviour run with
            # bus mastering on, as a driver leaves it (bus_master=False: the BME tests)
            await self.write_reg(R.DMA_REG_GCTRL, R.DMA_GCTRL_BME_MASK)

    async def _count_cycles(self):
        while True:
            await RisingEdge(self.dut.clk)
            self.cycle += 1

    async def cycles(self, n: int):
        for _ in range(n):
            await RisingEdge(self.dut.clk)

    # ------------------------------------------------------------------ registers
    async def read_reg(self, addr: int, expect_resp: int = 0) -> int:
        resp = await self.axil.read(addr, 4)
        assert int(resp.resp) == expect_resp, f"read {addr:#x}: resp {int(resp.resp)}"
        return int.from_bytes(resp.data, "little")

    async def write_reg(self, addr: int, value: int, expect_resp: int = 0):
        resp = await self.axil.write(addr, int(value).to_bytes(4, "little"))
        assert int(resp.resp) == expect_resp, f"write {addr:#x}: resp {int(resp.resp)}"

    async def ch_read(self, ch: int, off: int) -> int:
        return await self.read_reg(R.ch_reg(ch, off))

    async def ch_write(self, ch: int, off: int, value: int):
        await self.write_reg(R.ch_reg(ch, off), value)

    async def ch_status(self, ch: int):
        v = await self.ch_read(ch, R.DMA_CH_STATUS)
        return (v & R.DMA_CH_STATUS_STATE_MASK,
                bool(v & R.DMA_CH_STATUS_WAITING_MASK),
                (v & R.DMA_CH_STATUS_ERR_CODE_MASK) >> R.DMA_CH_STATUS_ERR_CODE_SHIFT)

    async def ch_read64(self, ch: int, off_lo: int) -> int:
        lo = await self.ch_read(ch, off_lo)
        hi = await self.ch_read(ch, off_lo + 4)
        return lo | (hi << 32)

    async def set_cur_desc(self, ch: int, addr: int):
        await self.ch_write(ch, R.DMA_CH_CUR_DESC_LO, addr & 0xFFFFFFFF)
        await self.ch_write(ch, R.DMA_CH_CUR_DESC_HI, addr >> 32)

    async def start_channel(self, ch: int, first_desc: int, ctrl_extra: int = 0):
        await self.set_cur_desc(ch, first_desc)
        await self.ch_write(ch, R.DMA_CH_CTRL, R.DMA_CH_CTRL_RUN_MASK | ctrl_extra)

    # ---------------------------------------------------------------- descriptors
    def write_chain(self, addrs: list[int], descs: list[Descriptor], terminate: bool = True):
        """Write descriptors at `addrs`, linked in order; the last one ends the chain."""
        for i, (a, d) in enumerate(zip(addrs, descs)):
            if i + 1 < len(addrs):
                d.next = addrs[i + 1]
            elif terminate:
                d.next = 1  # EOC
            self.mem.write(a, d.pack())

    def link(self, tail_addr: int, new_first: int):
        """Point the NEXT of the descriptor at tail_addr to new_first (clears EOC)."""
        self.mem.write(tail_addr, new_first.to_bytes(8, "little"))

    def completion(self, desc_addr: int):
        return unpack_completion(self.mem.read(desc_addr, DESC_SIZE))

    async def wait_completed(self, ch: int, count: int, timeout_cycles: int = 200_000, poll: int = 50):
        """Poll COMPLETED until it reaches `count`; fail on a hang."""
        start = self.cycle
        while True:
            done = await self.ch_read(ch, R.DMA_CH_COMPLETED)
            if done >= count:
                return done
            assert self.cycle - start < timeout_cycles, (
                f"channel {ch}: {done}/{count} descriptors completed after {timeout_cycles} cycles")
            await self.cycles(poll)

    async def wait_state(self, ch: int, state: int, timeout_cycles: int = 100_000):
        start = self.cycle
        while True:
            st = await self.ch_status(ch)
            if st[0] == state:
                return st
            assert self.cycle - start < timeout_cycles, f"channel {ch}: state {st} never became {state}"
            await self.cycles(20)

    def finish(self):
        for checker in self.checkers:
            checker.assert_clean()
