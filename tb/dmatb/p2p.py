# SPDX-License-Identifier: Apache-2.0
"""Peer-to-peer test system: the engine, busdma, the driver, and an AXI4
interconnect that decodes the engine's memory port(s) to system RAM and to a peer
device's memory window ("GPU memory" at a high bus address).

    sys = P2pSystem(dut, "bounce")        # dut = dma_engine: physical addresses
    sys = P2pSystem(dut, "iommu_rtl")     # dut = dma_top: the RTL IOMMU translates
    await sys.start()
    drv = await sys.attach_driver()
    ...  DmaRequest(src=STREAM, dst=sys.gpu.buffer(off, n)) ...
    sys.data_bytes("ram") == 0            # counted at the interconnect
    sys.finish()

Memory map (both tops): system RAM [0, 8 GiB) = busdma's PhysicalMemory; the peer
window [PEER_BASE, PEER_BASE + PEER_SIZE) = a ``busdma.PeerWindow`` registered with
the platform; anything else answers DECERR.

Ports and what the counters call them (``dmatb.interconnect.AxiInterconnect``):

- dma_engine: ``m_axi`` is the data port (class "data"), ``m_axi_sg`` the descriptor
  port (class "desc"); both go through the interconnect.
- dma_top: ``m_axi`` carries data and descriptors, told apart by the top ID bit
  (docs/architecture.md: 0 data, 1 descriptors); ``m_axi_tw`` (the IOMMU's table
  walks and queues, class "iommu") reaches RAM only.

Every AXI interface runs under the protocol checkers (dmatb.axi_checker). The
storage-like device is an AXI4-Stream source on ``s_axis``, the NIC-like device an
AXI4-Stream sink on ``m_axis``.
"""
from __future__ import annotations

import logging
import os
import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge
from cocotbext.axi import AxiBus, AxiLiteBus, AxiLiteMaster

import busdma
from dmaengine.driver import DmaEngineDriver
from dmatb.axi_checker import AxiChecker, AxiLiteChecker, AxiStreamChecker
from dmatb.interconnect import AxiInterconnect, Target
from dmatb.memory import random_depths
from dmatb.uvm.system import (IOMMU_BASE, AsyncIommuHw, CheckedAxiLiteTransport, IommuFaultQueue,
                              MappedPagesMonitor, StorageSink, StreamSource, TrackedIommuPlatform)

CLK_NS = 10
GiB = 1 << 30
PEER_BASE = 0x80_0000_0000        # 512 GiB: far above RAM, inside Sv39's 56-bit physical space
PEER_SIZE = 16 << 20
PEER_OWNER = "gpu0"


class P2pSystem:
    def __init__(self, dut, platform: str, *, memory_size: int = 8 * GiB, seed: int | None = None):
        self.dut = dut
        # cocotb derives each test's seed from the regression seed (the runner's
        # RANDOM_SEED, passed as COCOTB_RANDOM_SEED) and the test's name
        self.seed = cocotb.RANDOM_SEED if seed is None else seed
        self.regression_seed = int(os.environ.get("COCOTB_RANDOM_SEED", "0"))
        self.rng = random.Random(self.seed)
        self.is_top = hasattr(dut, "m_axi_tw_awvalid")
        if (platform == "iommu_rtl") != self.is_top or platform not in ("bounce", "iommu_rtl"):
            raise ValueError(f"platform {platform!r} does not fit this top level")
        self.platform_name = platform
        clk, rst = dut.clk, dut.rst
        self.axil = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), clk, rst)
        self.bst = busdma.AsyncBusSpace(CheckedAxiLiteTransport(self.axil))
        self.iommu_hw = self.fault_queue = None
        if platform == "bounce":
            self.platform = busdma.BouncePlatform(memory_size=memory_size, shuffle=True, seed=self.seed)
        else:
            self.iommu_hw = AsyncIommuHw(self.bst, IOMMU_BASE)
            self.platform = TrackedIommuPlatform(memory_size=memory_size, hw=self.iommu_hw,
                                                 cq_log2_entries=9, shuffle=True, seed=self.seed)
            self.fault_queue = IommuFaultQueue(self.platform, self.iommu_hw)
        self.memory = self.platform.memory
        # the peer device's memory window, registered for peer-to-peer DMA
        self.gpu = self.platform.register_peer_window(PEER_BASE, PEER_SIZE, PEER_OWNER)
        ram = Target("ram", 0, self.memory.size, self.memory.mem)
        peer = Target(PEER_OWNER, PEER_BASE, PEER_SIZE, self.gpu.mem)
        depth_rng = random.Random(f"{self.seed}/depths")
        self.depths = {"m_axi": random_depths(depth_rng), "second": random_depths(depth_rng)}
        dut._log.info("memory acceptance depths (read, write): %s", self.depths)

        def port(prefix, targets, classify, depths):
            xbar = AxiInterconnect(AxiBus.from_prefix(dut, prefix), clk, rst, targets,
                                   classify=classify, max_outstanding_reads=depths[0],
                                   max_outstanding_writes=depths[1])
            xbar.write_if.log.setLevel(logging.WARNING)
            xbar.read_if.log.setLevel(logging.WARNING)
            return xbar

        if self.is_top:
            top_bit = len(dut.m_axi_arid) - 1          # ID_WIDTH + 1 bits: the top one
            self.ports = {
                "m_axi": port("m_axi", [ram, peer],
                              lambda axid: "desc" if axid >> top_bit & 1 else "data",
                              self.depths["m_axi"]),
                "m_axi_tw": port("m_axi_tw", [ram], lambda axid: "iommu", self.depths["second"]),
            }
            second = "m_axi_tw"
            self.monitors = [MappedPagesMonitor("m_axi", self.ports["m_axi"], self.platform)]
        else:
            self.ports = {
                "m_axi": port("m_axi", [ram, peer], lambda axid: "data", self.depths["m_axi"]),
                "m_axi_sg": port("m_axi_sg", [ram, peer], lambda axid: "desc", self.depths["second"]),
            }
            second = "m_axi_sg"
            self.monitors = []
        self.axil.write_if.log.setLevel(logging.WARNING)
        self.axil.read_if.log.setLevel(logging.WARNING)
        self.storage = StreamSource(dut, clk, rst)     # storage-like device on s_axis
        self.nic = StorageSink(dut, clk, rst)          # NIC-like device on m_axis
        self.checkers = [
            AxiChecker(dut, "m_axi", clk, rst), AxiChecker(dut, second, clk, rst),
            AxiLiteChecker(dut, "s_axil", clk, rst),
            AxiStreamChecker(dut, "m_axis", clk, rst), AxiStreamChecker(dut, "s_axis", clk, rst),
        ]
        self.driver: DmaEngineDriver | None = None
        self._irq_task = None

    def seed_note(self) -> str:
        return (f"test seed {self.seed} (regression seed {self.regression_seed}; "
                f"replay: RANDOM_SEED={self.regression_seed})")

    async def start(self):
        dut = self.dut
        cocotb.start_soon(Clock(dut.clk, CLK_NS, unit="ns").start())
        dut.rst.value = 1
        await ClockCycles(dut.clk, 4)
        dut.rst.value = 0
        await RisingEdge(dut.clk)
        if self.iommu_hw is not None:
            self.iommu_hw.start()
            await self.iommu_hw.flush(dut.clk)

    async def _wait_irq(self) -> int:
        while True:
            v = self.dut.irq.value
            if v.is_resolvable and int(v):
                return int(v)
            await self.dut.irq.value_change

    async def attach_driver(self, lowaddr: int = busdma.BUS_SPACE_MAXADDR) -> DmaEngineDriver:
        """The engine's driver, unchanged: device id = channel on both platforms;
        ``lowaddr`` is the highest address the engine may be given."""
        drv = DmaEngineDriver(self.platform.bus_get_dma_tag, self.bst, 0, lowaddr=lowaddr,
                              use_irq=True, sleep=lambda: ClockCycles(self.dut.clk, 16))
        assert self.driver is None, "one driver per system"
        await drv.attach()
        self.driver = drv
        self._irq_task = cocotb.start_soon(drv.interrupt_loop(self._wait_irq))
        return drv

    async def detach_driver(self) -> None:
        self._irq_task.cancel()
        self._irq_task = None
        await self.driver.detach()
        self.driver = None

    async def settle(self, cycles: int = 20_000) -> None:
        """IOMMU platform: wait until queued register writes are done and every
        invalidation fence has completed."""
        if self.iommu_hw is None:
            return
        for _ in range(cycles // 20):
            await self.iommu_hw.flush(self.dut.clk)
            self.platform.poll()
            if self.platform.stats().pending_invalidations == 0:
                return
            await ClockCycles(self.dut.clk, 20)
        raise AssertionError(f"invalidations still pending: {self.platform.stats()}")

    # ------------------------------------------------------------------ counters
    def _sum(self, target: str, klass: str, direction: str | None = None) -> int:
        return sum(p.bytes(target, klass, direction) for p in self.ports.values())

    def data_bytes(self, target: str, direction: str | None = None) -> int:
        """Bytes the engine's data port moved to or from ``target`` ("ram" or the
        window's owner)."""
        return self._sum(target, "data", direction)

    def desc_bytes(self, target: str, direction: str | None = None) -> int:
        """Descriptor fetch and status write-back bytes at ``target``."""
        return self._sum(target, "desc", direction)

    def touched(self, target: str, direction: str) -> list[tuple[int, int]]:
        """Merged [lo, hi) offsets of ``target`` the data port read or wrote."""
        from dmatb.interconnect import merge_ranges

        return merge_ranges(r for p in self.ports.values()
                            for r in p.ranges.get((target, "data", direction), []))

    def counters(self) -> dict:
        out = {}
        for name, p in self.ports.items():
            for (target, klass, direction), n in sorted(p.counts.items()):
                out[f"{name}:{target}:{klass}:{direction}"] = n
            out[f"{name}:decerr"] = p.decerr
        return out

    def finish(self) -> None:
        for mon in self.monitors:
            mon.assert_clean()
        for chk in self.checkers:
            chk.assert_clean()
        assert all(p.decerr == 0 for p in self.ports.values()), self.counters()
