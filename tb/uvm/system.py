"""System-level bench: dma_engine + busdma platform + the driver, glued for cocotb.

    sysenv = SystemEnv(dut, platform="bounce")        # or "iommu" (Python IOMMU model)
    await sysenv.start()
    drv = await sysenv.attach_driver(use_irq=True)    # starts the interrupt service task
    ...
    sysenv.finish()

- Both AXI4 master ports of the engine (m_axi data, m_axi_sg descriptors) see one
  memory: AxiMemory models over busdma's PhysicalMemory mmap (`mem=platform.memory.mem`),
  so what the CPU (driver, busdma bounce copies) writes the device reads.
- Registers: busdma.AsyncBusSpace over a cocotbext-axi AxiLiteMaster
  (CheckedAxiLiteTransport: busdma's AxiLiteTransport ignores RRESP/BRESP).
- AddressMonitor: every AR/AW burst on both ports, checked against a window.
- Stream models: StorageSink (m_axis, records blocks), StreamSource (s_axis, storage
  blocks or NIC packets).
"""
from __future__ import annotations

import logging
import os
import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge
from cocotb.utils import get_sim_time
from cocotbext.axi import AxiBus, AxiLiteBus, AxiLiteMaster, AxiStreamBus, AxiStreamFrame, \
    AxiStreamSink, AxiStreamSource

import busdma
from dmaengine.driver import DmaEngineDriver
from dmatb.axi_checker import AxiChecker, AxiLiteChecker, AxiStreamChecker
from dmatb.memory import AxiMemory

CLK_NS = 10
GiB = 1 << 30


class BusError(OSError):
    """A register access answered SLVERR/DECERR."""


class CheckedAxiLiteTransport:
    """busdma AsyncRegisterTransport over AxiLiteMaster that raises on error responses."""

    def __init__(self, master):
        self.master = master
        self.accesses = 0

    async def read(self, addr: int, width: int) -> int:
        self.accesses += 1
        resp = await self.master.read(addr, width)
        if int(resp.resp):
            raise BusError(5, f"register read {addr:#x}: resp {int(resp.resp)}")
        return int.from_bytes(bytes(resp.data), "little")

    async def write(self, addr: int, width: int, value: int) -> None:
        self.accesses += 1
        resp = await self.master.write(addr, value.to_bytes(width, "little"))
        if int(resp.resp):
            raise BusError(5, f"register write {addr:#x}: resp {int(resp.resp)}")


class AddressMonitor:
    """Records every AR/AW burst accepted by an AxiMemory and checks it lies in
    [0, limit]. Hooks the slave's AR/AW channel receive (one call per handshake)."""

    def __init__(self, name: str, mem: AxiMemory, limit: int, beat_bytes: int):
        self.name = name
        self.limit = limit
        self.beat_bytes = beat_bytes
        self.bursts = 0
        self.max_addr = 0
        self.violations: list[str] = []
        for kind, chan in (("AR", mem.read_if.ar_channel), ("AW", mem.write_if.aw_channel)):
            self._hook(kind, chan)

    def _hook(self, kind, chan):
        orig = chan.recv

        async def recv():
            t = await orig()
            pre = kind.lower()
            addr = int(getattr(t, f"{pre}addr"))
            beats = int(getattr(t, f"{pre}len", 0)) + 1
            size = 1 << int(getattr(t, f"{pre}size", 0))
            last = (addr // size) * size + beats * size - 1
            self.bursts += 1
            self.max_addr = max(self.max_addr, last)
            if last > self.limit:
                msg = f"{self.name} {kind} burst {addr:#x}..{last:#x} outside [0, {self.limit:#x}]"
                self.violations.append(msg)
                logging.getLogger("cocotb.addrmon").error(msg)
            return t
        chan.recv = recv

    def assert_clean(self):
        assert not self.violations, "\n".join(self.violations[:10])


class StorageSink:
    """Storage-like device on m_axis: records every block (frame) it receives."""

    def __init__(self, dut, clk, rst):
        self.sink = AxiStreamSink(AxiStreamBus.from_prefix(dut, "m_axis"), clk, rst)
        self.sink.log.setLevel(logging.WARNING)
        self.blocks: list[bytes] = []

    def collect(self) -> list[bytes]:
        while not self.sink.empty():
            self.blocks.append(bytes(self.sink.recv_nowait().tdata))
        return self.blocks


class StreamSource:
    """Device on s_axis: a storage source producing blocks, or a NIC's wire."""

    def __init__(self, dut, clk, rst):
        self.source = AxiStreamSource(AxiStreamBus.from_prefix(dut, "s_axis"), clk, rst)
        self.source.log.setLevel(logging.WARNING)
        self.sent: list[bytes] = []

    def send(self, data: bytes):
        self.sent.append(bytes(data))
        self.source.send_nowait(AxiStreamFrame(bytes(data)))


class SystemEnv:
    def __init__(self, dut, platform: str = "bounce", *, memory_size: int = 8 * GiB,
                 dma_limit: int = busdma.BUS_SPACE_MAXADDR_32BIT, seed: int | None = None,
                 checkers: bool = True, max_bounce_pages: int = 8192):
        self.dut = dut
        self.seed = cocotb.RANDOM_SEED if seed is None else seed
        self.rng = random.Random(self.seed)
        self.regression_seed = int(os.environ.get("COCOTB_RANDOM_SEED", "0"))
        self.platform_name = platform
        self.dma_limit = dma_limit
        if platform == "bounce":
            self.platform = busdma.BouncePlatform(memory_size=memory_size, bounce_below=dma_limit,
                                                  max_bounce_pages=max_bounce_pages,
                                                  shuffle=True, seed=self.seed)
        elif platform == "iommu":
            self.platform = busdma.IommuPlatform(memory_size=memory_size, shuffle=True, seed=self.seed)
        else:
            raise ValueError(platform)
        self.memory = self.platform.memory
        self.beat_bytes = len(dut.m_axi_wdata) // 8
        self.num_channels = len(dut.irq)
        clk, rst = dut.clk, dut.rst
        self.mem = AxiMemory(AxiBus.from_prefix(dut, "m_axi"), clk, rst, mem=self.memory.mem)
        self.sg_mem = AxiMemory(AxiBus.from_prefix(dut, "m_axi_sg"), clk, rst, mem=self.memory.mem)
        self.axil = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), clk, rst)
        for bfm in (self.mem.write_if, self.mem.read_if, self.sg_mem.write_if, self.sg_mem.read_if,
                    self.axil.write_if, self.axil.read_if):
            bfm.log.setLevel(logging.WARNING)
        self.transport = CheckedAxiLiteTransport(self.axil)
        self.bst = busdma.AsyncBusSpace(self.transport)
        self.sink = StorageSink(dut, clk, rst)
        self.source = StreamSource(dut, clk, rst)
        if platform == "iommu":
            self._translate_memories()
        window = dma_limit
        self.monitors = [AddressMonitor("m_axi", self.mem, window, self.beat_bytes),
                         AddressMonitor("m_axi_sg", self.sg_mem, window, self.beat_bytes)]
        self.checkers = []
        if checkers:
            self.checkers = [
                AxiChecker(dut, "m_axi", clk, rst), AxiChecker(dut, "m_axi_sg", clk, rst),
                AxiLiteChecker(dut, "s_axil", clk, rst),
                AxiStreamChecker(dut, "m_axis", clk, rst), AxiStreamChecker(dut, "s_axis", clk, rst),
            ]
        self.driver: DmaEngineDriver | None = None
        self._irq_task = None
        self.start_time = 0

    def _translate_memories(self):
        """IOMMU platform without the IOMMU RTL: the memory models translate each
        access through busdma's RiscvIommuModel (device id 0 for every access: the
        engine does not tell the channel on m_axi yet)."""
        hw = self.platform.hw
        self.translations = 0

        def xlate(addr, write):
            # bursts never cross 4 KiB, and a beat never does: one translation per access
            self.translations += 1
            return hw.translate(0, addr, write=write)

        for m in (self.mem, self.sg_mem):
            def load(addr, length):
                p = xlate(addr, False)
                return self.memory.mem[p:p + length]

            def store(addr, data):
                p = xlate(addr, True)
                self.memory.mem[p:p + len(data)] = data
            m._load = load
            m._store = store

    async def start(self):
        dut = self.dut
        cocotb.start_soon(Clock(dut.clk, CLK_NS, unit="ns").start())
        dut.rst.value = 1
        await ClockCycles(dut.clk, 4)
        dut.rst.value = 0
        await RisingEdge(dut.clk)
        self.start_time = get_sim_time("ns")

    def cycles(self) -> int:
        return int((get_sim_time("ns") - self.start_time) // CLK_NS)

    async def wait_irq(self) -> int:
        """Wait until any irq line is high; return the mask."""
        while True:
            v = self.dut.irq.value
            if v.is_resolvable and int(v):
                return int(v)
            await self.dut.irq.value_change

    def parent_for(self, channel: int):
        if self.platform_name == "iommu":
            return self.platform.bus_get_dma_tag(0)   # see _translate_memories
        return self.platform.bus_get_dma_tag(channel)

    async def attach_driver(self, use_irq: bool = True, **kwargs) -> DmaEngineDriver:
        kwargs.setdefault("sleep", lambda: ClockCycles(self.dut.clk, 16))
        drv = DmaEngineDriver(self.parent_for, self.bst, 0, lowaddr=self.dma_limit,
                              use_irq=use_irq, **kwargs)
        await drv.attach()
        self.driver = drv
        if use_irq:
            self._irq_task = cocotb.start_soon(drv.interrupt_loop(self.wait_irq))
        return drv

    def stop_irq(self):
        if self._irq_task is not None:
            self._irq_task.cancel()
            self._irq_task = None

    def bus_stats(self) -> dict:
        s = {}
        for name, m in (("m_axi", self.mem), ("m_axi_sg", self.sg_mem)):
            s[name] = dict(m.stats)
        return s

    def finish(self):
        for mon in self.monitors:
            mon.assert_clean()
        for chk in self.checkers:
            chk.assert_clean()

    # ---------------------------------------------------------------- buffers
    def alloc_buffer(self, length: int, *, high: bool, offset: int = 0, contiguous: bool = False):
        """A KvaBuffer over scattered (shuffled) pages, above or below the DMA limit."""
        alloc = self.memory.allocator
        npages = (offset + length + 4095) // 4096
        if high:
            # pages above 4 GiB: claim random ones there
            pages = []
            lo_pfn = (self.dma_limit + 1) // 4096
            hi_pfn = self.memory.size // 4096
            if contiguous:
                base = self.rng.randrange(lo_pfn, hi_pfn - npages)
                cand = [(base + i) * 4096 for i in range(npages)]
                if any(alloc.is_allocated(p) for p in cand):
                    return self.alloc_buffer(length, high=high, offset=offset, contiguous=contiguous)
                pages = cand
                alloc.claim(pages)
            else:
                while len(pages) < npages:
                    p = self.rng.randrange(lo_pfn, hi_pfn) * 4096
                    if not alloc.is_allocated(p) and p not in pages:
                        pages.append(p)
                alloc.claim(pages)
        else:
            if contiguous:
                start = alloc.alloc_contig(npages * 4096, max_addr=self.dma_limit)
                pages = [start + i * 4096 for i in range(npages)]
            else:
                pages = alloc.alloc_pages(npages, max_addr=self.dma_limit)
        return busdma.KvaBuffer(self.memory, pages, offset, length)

    def free_buffer(self, buf):
        self.memory.allocator.free(buf.pages)
