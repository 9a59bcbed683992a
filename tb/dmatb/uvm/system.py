# SPDX-License-Identifier: Apache-2.0
"""System-level bench: dma_engine + busdma platform + the driver, glued for cocotb.

    sysenv = SystemEnv(dut, platform="bounce")        # or "iommu" (Python IOMMU model)
    sysenv = SystemEnv(dut, platform="iommu_rtl")     # dut = dma_top: the RTL IOMMU translates
    await sysenv.start()
    drv = await sysenv.attach_driver(use_irq=True)    # starts the interrupt service task
    ...
    sysenv.finish()

- Both AXI4 master ports of the engine (m_axi data, m_axi_sg descriptors) see one
  memory: AxiMemory models over busdma's PhysicalMemory mmap (`mem=platform.memory.mem`),
  so what the CPU (driver, busdma bounce copies) writes the device reads.
- Registers: busdma.AsyncBusSpace over a cocotbext-axi AxiLiteMaster
  (CheckedAxiLiteTransport: raises on SLVERR/DECERR and counts accesses).
- AddressMonitor: every AR/AW burst on both ports, checked against a window.
- Stream models: StorageSink (m_axis, records blocks), StreamSource (s_axis, storage
  blocks or NIC packets).

dma_top ("iommu_rtl"): one memory port m_axi (data and descriptors, physical addresses
after translation) and m_axi_tw (the IOMMU's tables and queues), both AxiMemory models
over the platform memory. busdma's IommuPlatform programs the RTL IOMMU through
AsyncIommuHw (register writes queued in order to the AXI4-Lite bus_space at 0x1000);
the test bench adds a fault queue (IommuFaultQueue). MappedPagesMonitor checks that every
burst on m_axi lies in pages busdma had mapped (loaded buffers, rings) at that time.

Message-signalled interrupts (``SystemEnv(..., imsic_harts=H)``): an IMSIC model
(tb/dmatb/imsic.py) with H interrupt files at IMSIC_BASE (below 4 GiB, its pages taken
out of the allocator: device registers, not RAM) takes the writes of the port the
engine's messages leave by (m_axi_sg; m_axi on dma_top, after translation).
``attach_driver(msi=True)`` gives the driver one vector per channel, vector v on hart
v % H with identity v + 1 (the error vector too), and serves the files instead of the
irq lines.
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
from busdma import riscv_iommu_regs as IR
from dmaengine.driver import DmaEngineDriver
from dmatb.axi_checker import AxiChecker, AxiLiteChecker, AxiStreamChecker
from dmatb.memory import AxiMemory, random_depths

CLK_NS = 10
GiB = 1 << 30
IOMMU_BASE = IR.IOMMU_DMA_TOP_BASE   # dma_top: the IOMMU's register page on the AXI4-Lite port
IMSIC_BASE = 0x2800_0000             # the interrupt files (as on QEMU's virt machine)


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


class AsyncIommuHw:
    """busdma's IommuHw (write_reg/read_reg, synchronous) over the asynchronous AXI4-Lite
    bus_space: writes are queued and performed in call order by a cocotb task, as the
    IommuPlatform allows (it observes completions in memory, never by reading registers).

    64-bit registers are written high word first, then low (the low half of ddtp holds
    the mode, so the table pointer is complete before the mode takes effect).
    read_reg is only used by busdma when the command queue is full; the platform is
    built with a queue large enough that this never happens, so it raises."""

    def __init__(self, bst, handle: int = IOMMU_BASE):
        from cocotb.triggers import Event

        self.bst = bst
        self.handle = handle
        self.pending: list[tuple[int, int, int]] = []
        self.writes = 0
        self._wake = Event()
        self._task = None

    def write_reg(self, offset: int, value: int, size: int) -> None:
        self.pending.append((offset, value, size))
        self._wake.set()

    def read_reg(self, offset: int, size: int) -> int:
        raise busdma.BusDmaPanic(f"synchronous IOMMU register read at {offset:#x} over an "
                                 f"asynchronous bus (command queue full?)")

    def start(self):
        if self._task is None:
            self._task = cocotb.start_soon(self._run())

    async def _run(self):
        while True:
            while not self.pending:
                self._wake.clear()
                await self._wake.wait()
            offset, value, size = self.pending[0]
            if size == 8:
                await self.bst.write_4(self.handle, offset + 4, value >> 32)
                await self.bst.write_4(self.handle, offset, value & 0xFFFFFFFF)
            else:
                await self.bst.write(size, self.handle, offset, value)
            self.writes += 1
            self.pending.pop(0)

    async def flush(self, clk):
        """Wait until every queued write has been performed."""
        while self.pending:
            await RisingEdge(clk)

    async def rd32(self, offset: int) -> int:
        return await self.bst.read_4(self.handle, offset)

    async def rd64(self, offset: int) -> int:
        lo = await self.rd32(offset)
        return lo | (await self.rd32(offset + 4)) << 32


class IommuFaultQueue:
    """The fault queue, which busdma's IommuPlatform does not set up: a page of the
    platform's memory, fqb/fqcsr programmed through the same AsyncIommuHw queue.
    `records()` reads fqt, decodes the new records and advances fqh."""

    from busdma.riscv_iommu_regs import (IOMMU_REG_FQB as REG_FQB, IOMMU_REG_FQCSR as REG_FQCSR,
                                         IOMMU_REG_FQH as REG_FQH, IOMMU_REG_FQT as REG_FQT)

    def __init__(self, platform, hw: AsyncIommuHw, log2_entries: int = 7):
        self.memory = platform.memory
        self.hw = hw
        self.entries = 1 << log2_entries
        self.base = self.memory.allocator.alloc_contig(self.entries * 32, alignment=4096)
        self.memory.write(self.base, bytes(self.entries * 32))
        self.head = 0
        self.seen = []
        hw.write_reg(self.REG_FQB, (self.base >> 12) << 10 | (log2_entries - 1), 8)
        hw.write_reg(self.REG_FQH, 0, 4)
        hw.write_reg(self.REG_FQCSR, IR.IOMMU_FQCSR_FQEN_MASK | IR.IOMMU_FQCSR_FIE_MASK, 4)

    async def records(self):
        from dmatb.iommu_tables import FaultRecord

        tail = await self.hw.rd32(self.REG_FQT)
        out = []
        while self.head != tail:
            out.append(FaultRecord.unpack(self.memory.read(self.base + self.head * 32, 32)))
            self.head = (self.head + 1) % self.entries
        await self.hw.bst.write_4(self.hw.handle, self.REG_FQH, self.head)
        self.seen += out
        return out

    async def csr(self) -> int:
        return await self.hw.rd32(self.REG_FQCSR)


class TrackedIommuPlatform(busdma.IommuPlatform):
    """IommuPlatform that also records, per device, which physical pages are mapped
    right now (reference counts), for MappedPagesMonitor."""

    def __init__(self, *args, **kwargs):
        from collections import Counter

        self.mapped = {}          # device id -> Counter(physical page)
        self._Counter = Counter
        super().__init__(*args, **kwargs)

    @staticmethod
    def _pages_of(dmamap):
        out = []
        for m in dmamap.md.mappings:
            if not m.mapped:
                continue
            for index in range(m.npages):
                voff = max(0, index * busdma.PAGE_SIZE - m.page_offset)
                out.append(busdma.trunc_page(m.source.paddr(voff)))
        return out

    def md_load(self, tag, dmamap, sources, builder):
        super().md_load(tag, dmamap, sources, builder)
        self.mapped.setdefault(tag.device_id, self._Counter()).update(self._pages_of(dmamap))

    def md_unload(self, tag, dmamap):
        pages = self._pages_of(dmamap)
        cnt = self.mapped.setdefault(tag.device_id, self._Counter())
        cnt.subtract(pages)
        for p in pages:
            if cnt[p] <= 0:
                del cnt[p]
        super().md_unload(tag, dmamap)

    def is_mapped(self, page: int) -> bool:
        return any(page in c for c in self.mapped.values())


class MappedPagesMonitor:
    """Platform (b) on dma_top: every AR/AW burst the IOMMU emits on m_axi (physical
    addresses) must lie inside pages busdma has mapped at that moment -- pages of loaded
    buffers and the descriptor rings. A burst never crosses 4 KiB, so its first and last
    byte decide."""

    def __init__(self, name: str, mem: AxiMemory, platform: TrackedIommuPlatform):
        self.name = name
        self.platform = platform
        self.bursts = 0
        self.max_addr = 0
        self.pages_seen = set()
        self.violations: list[str] = []
        self.log: list[tuple[str, int, int]] = []     # (kind, first, last) of every burst
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
            self.log.append((kind, addr, last))
            for page in {addr & ~0xFFF, last & ~0xFFF}:
                self.pages_seen.add(page)
                if not self.platform.is_mapped(page):
                    msg = (f"{self.name} {kind} burst {addr:#x}..{last:#x}: page {page:#x} "
                           f"is not mapped by busdma")
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
                 checkers: bool = True, max_bounce_pages: int = 8192, imsic_harts: int = 0):
        self.dut = dut
        self.seed = cocotb.RANDOM_SEED if seed is None else seed
        self.rng = random.Random(self.seed)
        self.regression_seed = int(os.environ.get("COCOTB_RANDOM_SEED", "0"))
        self.platform_name = platform
        self.dma_limit = dma_limit
        self.is_top = hasattr(dut, "m_axi_tw_awvalid")      # dma_top: engine + IOMMU
        if (platform == "iommu_rtl") != self.is_top:
            raise ValueError(f"platform {platform!r} does not fit this top level")
        clk, rst = dut.clk, dut.rst
        self.axil = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), clk, rst)
        self.transport = CheckedAxiLiteTransport(self.axil)
        self.bst = busdma.AsyncBusSpace(self.transport)
        self.iommu_hw = None
        self.fault_queue = None
        if platform == "bounce":
            self.platform = busdma.BouncePlatform(memory_size=memory_size, bounce_below=dma_limit,
                                                  max_bounce_pages=max_bounce_pages,
                                                  shuffle=True, seed=self.seed)
        elif platform == "iommu":
            self.platform = busdma.IommuPlatform(memory_size=memory_size, shuffle=True, seed=self.seed)
        elif platform == "iommu_rtl":
            # 512 commands: the queue never fills, so busdma never reads cqh (AsyncIommuHw)
            self.iommu_hw = AsyncIommuHw(self.bst, IOMMU_BASE)
            self.platform = TrackedIommuPlatform(memory_size=memory_size, hw=self.iommu_hw,
                                                 cq_log2_entries=9, shuffle=True, seed=self.seed)
            self.fault_queue = IommuFaultQueue(self.platform, self.iommu_hw)
        else:
            raise ValueError(platform)
        self.memory = self.platform.memory
        self.beat_bytes = len(dut.m_axi_wdata) // 8
        self.num_channels = len(dut.irq)
        # read/write acceptance depths of each memory port, random from 1 up (the
        # engine must make progress whatever the slave takes ahead)
        depth_rng = random.Random(f"{self.seed}/depths")
        self.depths = {"m_axi": random_depths(depth_rng), "second": random_depths(depth_rng)}
        dut._log.info("memory acceptance depths (read, write): %s", self.depths)

        def memory(prefix, depths):
            return AxiMemory(AxiBus.from_prefix(dut, prefix), clk, rst, mem=self.memory.mem,
                             max_outstanding_reads=depths[0], max_outstanding_writes=depths[1])

        self.mem = memory("m_axi", self.depths["m_axi"])
        if self.is_top:
            self.sg_mem = None
            self.tw_mem = memory("m_axi_tw", self.depths["second"])
            mems = (self.mem, self.tw_mem)
        else:
            self.sg_mem = memory("m_axi_sg", self.depths["second"])
            self.tw_mem = None
            mems = (self.mem, self.sg_mem)
        for bfm in (mems[0].write_if, mems[0].read_if, mems[1].write_if, mems[1].read_if,
                    self.axil.write_if, self.axil.read_if):
            bfm.log.setLevel(logging.WARNING)
        self.imsic = None
        if imsic_harts:
            from dmatb.imsic import FILE_SIZE, Imsic

            self.imsic = Imsic(IMSIC_BASE, harts=imsic_harts)
            self.memory.allocator.claim([IMSIC_BASE + h * FILE_SIZE for h in range(imsic_harts)])
            # before the memory leaves reset, so that every AW is seen (Imsic.attach)
            self.imsic.attach(self.mem if self.is_top else self.sg_mem)
        self.msi_vectors: dict[tuple[int, int], int] = {}     # (hart, identity) -> vector
        self.sink = StorageSink(dut, clk, rst)
        self.source = StreamSource(dut, clk, rst)
        if platform == "iommu":
            self._translate_memories()
        window = dma_limit
        if self.is_top:
            self.monitors = [MappedPagesMonitor("m_axi", self.mem, self.platform)]
        else:
            self.monitors = [AddressMonitor("m_axi", self.mem, window, self.beat_bytes),
                             AddressMonitor("m_axi_sg", self.sg_mem, window, self.beat_bytes)]
        self.checkers = []
        if checkers:
            second = "m_axi_tw" if self.is_top else "m_axi_sg"
            self.checkers = [
                AxiChecker(dut, "m_axi", clk, rst), AxiChecker(dut, second, clk, rst),
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
        if self.iommu_hw is not None:
            # the platform's set-up writes (ddtp 1LVL, cqb, cqt, cqcsr, fqb, fqcsr)
            self.iommu_hw.start()
            await self.iommu_hw.flush(dut.clk)

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
        if self.platform_name == "iommu":      # iommu_rtl: device id = channel (AxUSER)
            return self.platform.bus_get_dma_tag(0)   # see _translate_memories
        return self.platform.bus_get_dma_tag(channel)

    def msi_target(self, vector: int):
        """Vector v's message: hart v % harts, identity v + 1."""
        from dmaengine.driver import MsiVector

        hart = vector % self.imsic.harts
        self.msi_vectors[(hart, vector + 1)] = vector
        return MsiVector(self.imsic.addr(hart), vector + 1)

    async def _msi_loop(self, drv):
        """The harts' interrupt handlers: claim each pending identity, call its vector's."""
        clk = self.dut.clk
        while True:
            await ClockCycles(clk, 4)
            for h in range(self.imsic.harts):
                while (ident := self.imsic.claim(h)):
                    await drv.msi_intr(self.msi_vectors[(h, ident)])

    async def attach_driver(self, use_irq: bool = True, msi: bool = False, **kwargs) -> DmaEngineDriver:
        kwargs.setdefault("sleep", lambda: ClockCycles(self.dut.clk, 16))
        if msi:
            assert self.imsic is not None, "SystemEnv(imsic_harts=...) for message-signalled interrupts"
            kwargs["msi"] = self.msi_target
        drv = DmaEngineDriver(self.parent_for, self.bst, 0, lowaddr=self.dma_limit,
                              use_irq=use_irq, **kwargs)
        await drv.attach()
        self.driver = drv
        if msi:
            self._irq_task = cocotb.start_soon(self._msi_loop(drv))
        elif use_irq:
            self._irq_task = cocotb.start_soon(drv.interrupt_loop(self.wait_irq))
        return drv

    def stop_irq(self):
        if self._irq_task is not None:
            self._irq_task.cancel()
            self._irq_task = None

    def bus_stats(self) -> dict:
        s = {}
        for name, m in (("m_axi", self.mem), ("m_axi_sg", self.sg_mem), ("m_axi_tw", self.tw_mem)):
            if m is not None:
                s[name] = dict(m.stats)
        return s

    async def iommu_counters(self) -> dict:
        """dma_top: the IOMMU's custom 64-bit counters (translations, IOTLB hits and
        misses, walk cycles)."""
        hw = self.iommu_hw
        return {"translations": await hw.rd64(IR.IOMMU_REG_CNT_TRANSLATE),
                "iotlb_hits": await hw.rd64(IR.IOMMU_REG_CNT_HIT),
                "iotlb_misses": await hw.rd64(IR.IOMMU_REG_CNT_MISS),
                "walk_cycles": await hw.rd64(IR.IOMMU_REG_CNT_WALK)}

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
