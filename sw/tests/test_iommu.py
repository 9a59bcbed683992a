# SPDX-License-Identifier: Apache-2.0
"""The RISC-V IOMMU platform, checked against the reference model."""

import errno

import pytest

import busdma
from busdma import BUS_DMA_NOWAIT, BUS_SPACE_MAXADDR_32BIT, BusDmaError, PAGE_SIZE
from busdma import riscv_iommu as spec
from busdma.bus_space import BusSpace


def test_register_offsets_and_command_encodings():
    assert (spec.REG_DDTP, spec.REG_CQB, spec.REG_CQH, spec.REG_CQT, spec.REG_CQCSR) == \
        (0x10, 0x18, 0x20, 0x24, 0x48)
    assert spec.iotinval_vma(pscid=5, addr=0x12345000) == \
        (1 | 1 << 10 | 5 << 12 | 1 << 32, 0x12345 << 10)
    assert spec.iotinval_vma() == (1, 0)
    assert spec.iofence_c(0x1000, 7) == (2 | 1 << 10 | 7 << 32, 0x1000 >> 2)
    assert spec.iodir_inval_ddt(9) == (3 | 1 << 33 | 9 << 40, 0)


def test_device_context_is_written_in_spec_format(iommu_platform):
    iommu_platform.bus_get_dma_tag(5)
    memory = iommu_platform.memory
    ddtp = iommu_platform.hw.read_reg(spec.REG_DDTP, 8)
    assert ddtp & 0xF == spec.DDTP_MODE_1LVL
    dc = iommu_platform.ddt + 5 * 32
    assert (ddtp >> 10) << 12 == iommu_platform.ddt
    tc, iohgatp, ta, fsc = (memory.read_u64(dc + 8 * i) for i in range(4))
    assert tc == spec.DC_TC_V
    assert iohgatp == 0  # Bare
    assert ta >> 12 & 0xFFFFF == 5
    assert fsc >> 60 == spec.IOSATP_MODE_SV39
    assert memory.read_u64((fsc & ((1 << 44) - 1)) << 12) == 0  # an empty Sv39 root table


def test_segments_are_iovas_that_translate_to_the_buffer(iommu_platform, dma):
    root = iommu_platform.bus_get_dma_tag(2)
    tag = dma.make_tag(root, lowaddr=BUS_SPACE_MAXADDR_32BIT, boundary=0x2000)
    buf = iommu_platform.memory.buffer([0x1_2000_0000, 0x30000, 0x1_0000_5000], 0x234, 0x2500)
    buf.write(0, dma.pattern(0x2500))
    dmamap = busdma.bus_dmamap_create(tag, 0)
    result = dma.load(tag, dmamap, buf)
    assert result.error == 0
    dma.assert_segments_obey(tag, result.segs, 0x2500)
    assert dma.iommu_device_bytes(iommu_platform, 2, result.segs) == buf.read()
    first = result.segs[0].ds_addr
    assert iommu_platform.hw.translate(2, first) == 0x1_2000_0234
    busdma.bus_dmamap_sync(tag, dmamap, busdma.BUS_DMASYNC_PREWRITE)  # copies nothing
    iommu_platform.hw.dma_write(2, first, b"device")
    assert buf.read(0, 6) == b"device"


def test_leaf_ptes_have_the_expected_bits(iommu_platform, dma):
    root = iommu_platform.bus_get_dma_tag(0)
    tag = dma.make_tag(root)
    dmamap = busdma.bus_dmamap_create(tag, 0)
    [seg] = dma.load(tag, dmamap, iommu_platform.memory.buffer([0x40000])).segs
    memory = iommu_platform.memory
    table = memory.read_u64(iommu_platform.ddt + 24) & ((1 << 44) - 1)
    table <<= 12
    for level in (2, 1):
        pte = memory.read_u64(table + 8 * spec.sv39_index(seg.ds_addr, level))
        assert pte & 0xFF == spec.PTE_V
        table = spec.pte_paddr(pte)
    leaf = memory.read_u64(table + 8 * spec.sv39_index(seg.ds_addr, 0))
    assert leaf & 0xFF == spec.PTE_V | spec.PTE_R | spec.PTE_W | spec.PTE_U | spec.PTE_A | spec.PTE_D
    assert spec.pte_paddr(leaf) == 0x40000


def test_mappings_are_separated_by_guard_pages(iommu_platform, dma):
    tag = dma.make_tag(iommu_platform.bus_get_dma_tag(0))
    segs = []
    for page in (0x40000, 0x50000):
        dmamap = busdma.bus_dmamap_create(tag, 0)
        segs += dma.load(tag, dmamap, iommu_platform.memory.buffer([page])).segs
    assert segs[1].ds_addr >= segs[0].ds_addr + 2 * PAGE_SIZE
    with pytest.raises(spec.IommuFault):
        iommu_platform.hw.translate(0, segs[0].ds_addr + PAGE_SIZE)


def test_unload_invalidates_through_the_command_queue(iommu_platform, dma):
    tag = dma.make_tag(iommu_platform.bus_get_dma_tag(3))
    dmamap = busdma.bus_dmamap_create(tag, 0)
    [seg] = dma.load(tag, dmamap, iommu_platform.memory.buffer([0x40000, 0x41000])).segs
    iommu_platform.hw.translate(3, seg.ds_addr)  # now cached in the model's IOTLB
    done = len(iommu_platform.hw.commands_executed)
    busdma.bus_dmamap_unload(tag, dmamap)
    commands = iommu_platform.hw.commands_executed[done:]
    assert commands[:2] == [spec.iotinval_vma(3, seg.ds_addr),
                            spec.iotinval_vma(3, seg.ds_addr + PAGE_SIZE)]
    assert commands[2][0] & 0x7F == spec.OPCODE_IOFENCE
    with pytest.raises(spec.IommuFault):
        iommu_platform.hw.translate(3, seg.ds_addr)
    assert iommu_platform.stats().pending_invalidations == 0


def test_iova_is_reused_only_after_the_invalidation_completes(dma):
    memory = busdma.PhysicalMemory(1 << 30)
    model = busdma.RiscvIommuModel(memory, auto_process=False)
    platform = busdma.IommuPlatform(memory, hw=model)
    model.process_commands()  # the device-context invalidation issued at setup
    tag = dma.make_tag(platform.bus_get_dma_tag(0))
    model.process_commands()
    first_map = busdma.bus_dmamap_create(tag, 0)
    [first] = dma.load(tag, first_map, memory.buffer([0x40000])).segs
    assert model.translate(0, first.ds_addr) == 0x40000
    busdma.bus_dmamap_unload(tag, first_map)
    assert platform.stats().pending_invalidations == 1
    # Until the IOMMU has run the queue, the stale IOTLB entry still translates,
    # so the IOVA must not be handed out again.
    assert model.translate(0, first.ds_addr) == 0x40000
    second_map = busdma.bus_dmamap_create(tag, 0)
    [second] = dma.load(tag, second_map, memory.buffer([0x50000])).segs
    assert second.ds_addr != first.ds_addr
    model.process_commands()
    platform.poll()
    assert platform.stats().pending_invalidations == 0
    third_map = busdma.bus_dmamap_create(tag, 0)
    [third] = dma.load(tag, third_map, memory.buffer([0x60000])).segs
    assert third.ds_addr == first.ds_addr
    assert model.translate(0, third.ds_addr) == 0x60000


def test_iova_exhaustion_defers_and_nowait_fails(dma):
    platform = busdma.IommuPlatform(memory_size=1 << 30, iova_base=0x10000,
                                    iova_limit=0x10000 + 4 * PAGE_SIZE)
    events = []
    tag = dma.make_tag(platform.bus_get_dma_tag(0),
                       lockfunc=lambda arg, op: events.append(op), lockfuncarg=None)
    maps = [busdma.bus_dmamap_create(tag, 0) for _ in range(3)]
    bufs = [platform.memory.buffer([0x40000 + i * PAGE_SIZE]) for i in range(3)]
    assert dma.load(tag, maps[0], bufs[0]).returned == 0
    assert dma.load(tag, maps[1], bufs[1]).returned == 0
    assert dma.load(tag, maps[2], bufs[2], BUS_DMA_NOWAIT).returned == errno.ENOMEM
    deferred = dma.load(tag, maps[2], bufs[2])
    assert deferred.returned == errno.EINPROGRESS and deferred.calls == []
    busdma.bus_dmamap_unload(tag, maps[0])
    assert deferred.error == 0 and events == [busdma.BUS_DMA_LOCK, busdma.BUS_DMA_UNLOCK]
    assert platform.stats().total_deferred == 1


def test_efbig_and_misaligned_buffers(iommu_platform, dma):
    root = iommu_platform.bus_get_dma_tag(0)
    tag = dma.make_tag(root, nsegments=1, maxsegsz=PAGE_SIZE)
    dmamap = busdma.bus_dmamap_create(tag, 0)
    buf = iommu_platform.memory.buffer([0x40000, 0x41000])
    result = dma.load(tag, dmamap, buf)
    assert result.calls == [("arg", [], 0, errno.EFBIG)]
    assert iommu_platform.stats().mapped_pages == 0
    aligned = dma.make_tag(root, alignment=16)
    dmamap = busdma.bus_dmamap_create(aligned, 0)
    with pytest.raises(BusDmaError) as info:
        dma.load(aligned, dmamap, iommu_platform.memory.buffer([0x50000], 8, 0x100))
    assert info.value.errno == errno.EINVAL
    assert not dmamap.loaded and iommu_platform.stats().iova_ranges == 0


def test_load_phys_through_the_iommu(iommu_platform, dma):
    tag = dma.make_tag(iommu_platform.bus_get_dma_tag(0))
    dmamap = busdma.bus_dmamap_create(tag, 0)
    iommu_platform.memory.write(0x1_0000_0F00, dma.pattern(0x300))
    result = dma.LoadResult()
    busdma.bus_dmamap_load_phys(tag, dmamap, 0x1_0000_0F00, 0x300, result.callback, None, 0)
    assert len(result.segs) == 1
    assert dma.iommu_device_bytes(iommu_platform, 0, result.segs) == dma.pattern(0x300)


class ModelOverRegisterWindow:
    """A register transport exposing the model at a bus address, as an AXI4-Lite
    bridge would; proves the platform only needs bus_space access."""

    def __init__(self, model, base):
        self.model = model
        self.base = base

    def read(self, addr, width):
        return self.model.read_reg(addr - self.base, width)

    def write(self, addr, width, value):
        self.model.write_reg(addr - self.base, value, width)


def test_platform_drives_the_iommu_through_bus_space(dma):
    memory = busdma.PhysicalMemory(1 << 30)
    model = busdma.RiscvIommuModel(memory)
    space = BusSpace(ModelOverRegisterWindow(model, 0x4000_0000))
    platform = busdma.IommuPlatform(memory, hw=busdma.BusSpaceIommuHw(space, 0x4000_0000))
    tag = dma.make_tag(platform.bus_get_dma_tag(0))
    dmamap = busdma.bus_dmamap_create(tag, 0)
    [seg] = dma.load(tag, dmamap, memory.buffer([0x40000])).segs
    assert model.translate(0, seg.ds_addr) == 0x40000
    assert model.read_reg(spec.REG_CQCSR, 4) & spec.CQCSR_CQON


def test_poll_completes_loads_waiting_for_invalidation(dma):
    memory = busdma.PhysicalMemory(1 << 30)
    model = busdma.RiscvIommuModel(memory, auto_process=False)
    platform = busdma.IommuPlatform(memory, hw=model, iova_base=0x10000,
                                    iova_limit=0x10000 + 2 * PAGE_SIZE)
    tag = dma.make_tag(platform.bus_get_dma_tag(0), lockfunc=lambda arg, op: None)
    model.process_commands()
    first, second = busdma.bus_dmamap_create(tag, 0), busdma.bus_dmamap_create(tag, 0)
    assert dma.load(tag, first, memory.buffer([0x40000])).returned == 0
    busdma.bus_dmamap_unload(tag, first)  # the IOVA now awaits its invalidation
    waiting = dma.load(tag, second, memory.buffer([0x50000]))
    assert waiting.returned == errno.EINPROGRESS
    platform.poll()
    assert waiting.calls == []            # the IOMMU has not run the queue yet
    model.process_commands()
    platform.poll()
    assert waiting.error == 0 and model.translate(0, waiting.segs[0].ds_addr) == 0x50000
