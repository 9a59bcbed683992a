# SPDX-License-Identifier: Apache-2.0
"""A small Linux-style driver for the DMA engine, written only against busdma's
Linux DMA API facade (busdma.linux) and bus_space, moving data through the RTL.

The driver (LinuxMemcpyDriver below) does what a Linux dmaengine memcpy driver
does: dma_set_mask_and_coherent at probe, a descriptor ring from
dma_alloc_coherent, dma_map_single / dma_map_sg for the data, one descriptor per
DMA segment, and dma_unmap_* when the hardware is done. Registers go through a
bus_space handle from bus_space_map of the register page.

    linux_memcpy_bounce     single mappings on the bounce platform: buffers above
                            4 GiB go through the swiotlb pool, no burst leaves 4 GiB
    linux_sg_bounce         a scatterlist source, merged segments, one descriptor each
    linux_memcpy_iommu      the same driver on the IOMMU platform: IOVAs
"""
from __future__ import annotations

import struct

import cocotb
from cocotb.triggers import ClockCycles

PARAMS = {"DATA_WIDTH": 64, "NUM_CHANNELS": 4, "CMD_DEPTH_LOG2": 2}


def test_linux_driver():
    from dmatb.runner import run_cocotb

    run_cocotb("dma_engine", "test_linux_driver", PARAMS)


# ----------------------------------------------------------------------------- the driver

class LinuxMemcpyDriver:
    """Channel 0 of the engine as a memcpy device, in the style of a Linux driver."""

    RING_DESCS = 64

    def __init__(self, dev, bst, clk):
        self.dev = dev
        self.bst = bst
        self.clk = clk
        self.bsh = None
        self.ring_cpu = self.ring_dma = None

    async def _rd(self, off):
        return await self.bst.read_4(self.bsh, off)

    async def _wr(self, off, value):
        await self.bst.write_4(self.bsh, off, value)

    async def _state(self):
        from dmaengine import regs as R

        v = await self._rd(R.ch_reg(0, R.DMA_CH_STATUS))
        return v & R.DMA_CH_STATUS_STATE_MASK, (v & R.DMA_CH_STATUS_ERR_CODE_MASK) >> 8

    async def _reset(self):
        from dmaengine import regs as R

        await self._wr(R.ch_reg(0, R.DMA_CH_CTRL), R.DMA_CH_CTRL_RESET_MASK)
        for _ in range(10_000):
            state, _ = await self._state()
            if state == R.DMA_STATE_IDLE:
                break
            await ClockCycles(self.clk, 8)
        else:
            raise TimeoutError("channel 0 never went idle")
        await self._wr(R.ch_reg(0, R.DMA_CH_IRQ_STATUS), 0x7)

    async def probe(self):
        import busdma
        from busdma import linux
        from dmaengine import regs as R

        self.bsh = busdma.bus_space_map(self.bst, 0, R.DMA_PAGE_SIZE, 0)
        assert await self._rd(R.DMA_REG_ID) == R.DMA_ID_VALUE
        cap0 = await self._rd(R.DMA_REG_CAP0)
        len_width = R.field_get(cap0, R.DMA_CAP0_LEN_WIDTH_SHIFT, R.DMA_CAP0_LEN_WIDTH_WIDTH)
        assert linux.dma_set_mask_and_coherent(self.dev, linux.DMA_BIT_MASK(32)) == 0
        # one descriptor moves at most 2^LEN_WIDTH - 1 bytes
        linux.dma_set_max_seg_size(self.dev, min(0x10000, (1 << len_width) - 1))
        self.ring_cpu, self.ring_dma = linux.dma_alloc_coherent(
            self.dev, self.RING_DESCS * 64, linux.GFP_KERNEL)
        assert self.ring_cpu is not None, "no coherent memory for the ring"
        await self._reset()
        # bus mastering on (GCTRL.BME is 0 after reset), as pci_set_master() in a probe
        await self._wr(R.DMA_REG_GCTRL, await self._rd(R.DMA_REG_GCTRL) | R.DMA_GCTRL_BME_MASK)

    def remove(self):
        import busdma
        from busdma import linux
        from dmaengine import regs as R

        linux.dma_free_coherent(self.dev, self.RING_DESCS * 64, self.ring_cpu, self.ring_dma)
        busdma.bus_space_unmap(self.bst, self.bsh, R.DMA_PAGE_SIZE)

    async def _run_chain(self, pieces):
        """pieces: (src_dma, dst_dma, len) in order; one descriptor each; wait for the last."""
        from dmaengine import descriptor as D
        from dmaengine import regs as R

        assert 0 < len(pieces) <= self.RING_DESCS
        for i, (src, dst, n) in enumerate(pieces):
            last = i == len(pieces) - 1
            nxt = D.NEXT_EOC if last else self.ring_dma + 64 * (i + 1)
            self.ring_cpu.write(64 * i, struct.pack("<QQQIIIIQ16x", nxt, src, dst, n,
                                                    D.CTRL_MAGIC, 0, 0, i))
        await self._wr(R.ch_reg(0, R.DMA_CH_CUR_DESC_LO), self.ring_dma & 0xFFFFFFFF)
        await self._wr(R.ch_reg(0, R.DMA_CH_CUR_DESC_HI), self.ring_dma >> 32)
        await self._wr(R.ch_reg(0, R.DMA_CH_CTRL), R.DMA_CH_CTRL_RUN_MASK)
        last = 64 * (len(pieces) - 1)
        for _ in range(100_000):                      # coherent memory: just read it
            status, nbytes = struct.unpack("<II", self.ring_cpu.read(last + 0x20, 8))
            if status & D.STATUS_DONE:
                break
            await ClockCycles(self.clk, 16)
        else:
            raise TimeoutError("the last descriptor never completed")
        results = [struct.unpack("<II", self.ring_cpu.read(64 * i + 0x20, 8))
                   for i in range(len(pieces))]
        await self._reset()
        return results

    async def memcpy(self, dst, src, n):
        """Copy n bytes between two physically contiguous buffers."""
        from busdma import linux

        s = linux.dma_map_single(self.dev, src, n, linux.DMA_TO_DEVICE)
        if linux.dma_mapping_error(self.dev, s):
            raise MemoryError("source mapping failed")
        d = linux.dma_map_single(self.dev, dst, n, linux.DMA_FROM_DEVICE)
        if linux.dma_mapping_error(self.dev, d):
            linux.dma_unmap_single(self.dev, s, n, linux.DMA_TO_DEVICE)
            raise MemoryError("destination mapping failed")
        results = await self._run_chain([(s, d, n)])
        linux.dma_unmap_single(self.dev, d, n, linux.DMA_FROM_DEVICE)
        linux.dma_unmap_single(self.dev, s, n, linux.DMA_TO_DEVICE)
        return results

    async def copy_from_sg(self, dst, sgl):
        """Gather a scatterlist into one contiguous buffer; returns the DMA segments used."""
        from busdma import linux

        total = sum(e.length for e in sgl)
        count = linux.dma_map_sg(self.dev, sgl, len(sgl), linux.DMA_TO_DEVICE)
        assert count > 0, "dma_map_sg failed"
        d = linux.dma_map_single(self.dev, dst, total, linux.DMA_FROM_DEVICE)
        assert not linux.dma_mapping_error(self.dev, d)
        pieces, pos = [], 0
        for e in sgl[:count]:
            pieces.append((linux.sg_dma_address(e), d + pos, linux.sg_dma_len(e)))
            pos += linux.sg_dma_len(e)
        assert pos == total
        results = await self._run_chain(pieces)
        linux.dma_unmap_single(self.dev, d, total, linux.DMA_FROM_DEVICE)
        linux.dma_unmap_sg(self.dev, sgl, len(sgl), linux.DMA_TO_DEVICE)
        return pieces, results


# ----------------------------------------------------------------------------- tests

async def setup(dut, platform):
    from busdma import linux
    from dmatb.uvm.system import SystemEnv

    env = SystemEnv(dut, platform)
    await env.start()
    drv = LinuxMemcpyDriver(linux.Device(env.platform, 0), env.bst, dut.clk)
    await drv.probe()
    dut._log.info("seed %d; ring at %#x", env.seed, drv.ring_dma)
    return env, drv


def guarded(env, length, high, guard=64):
    """A contiguous buffer with noise either side; returns (outer, inner, noise)."""
    offset = env.rng.randrange(0, 4096 - guard)
    outer = env.alloc_buffer(length + 2 * guard, high=high, offset=offset, contiguous=True)
    noise = env.rng.randbytes(length + 2 * guard)
    outer.write(0, noise)
    return outer, outer.slice(guard, length), noise


async def memcpy_checks(dut, platform_name):
    env, drv = await setup(dut, platform_name)
    for n, src_high, dst_high in ((1, False, False), (100, True, False), (4096, False, True),
                                  (5000, True, True), (20000, True, True), (65535, False, True)):
        data = env.rng.randbytes(n)
        src_outer, src, _ = guarded(env, n, src_high)
        src.write(0, data)
        dst_outer, dst, noise = guarded(env, n, dst_high)
        [(status, nbytes)] = await drv.memcpy(dst, src, n)
        assert status >> 31 == 1 and status & 0xF == 0 and nbytes == n, (n, hex(status), nbytes)
        assert dst_outer.read() == noise[:64] + data + noise[64 + n:], f"{n} bytes differ"
    return env, drv


@cocotb.test()
async def linux_memcpy_bounce(dut):
    """dma_map_single above 4 GiB bounces through the swiotlb pool; the engine never
    sees an address above 4 GiB; every byte arrives, the guards stay."""
    env, drv = await memcpy_checks(dut, "bounce")
    pool = env.platform.swiotlb
    assert pool is not None and pool.used_slots == 0 and pool.bounced_bytes > 0
    drv.remove()
    env.finish()


@cocotb.test()
async def linux_sg_bounce(dut):
    """A scatterlist over pages below and above 4 GiB gathered into one buffer: one
    descriptor per DMA segment, physically adjacent pages merged."""
    from busdma import PAGE_SIZE
    from busdma import linux

    env, drv = await setup(dut, "bounce")
    run = env.alloc_buffer(3 * PAGE_SIZE, high=False, contiguous=True)   # three adjacent pages
    parts = [run.slice(0, PAGE_SIZE), run.slice(PAGE_SIZE, PAGE_SIZE),
             run.slice(2 * PAGE_SIZE, 1000),
             env.alloc_buffer(3000, high=True, offset=100, contiguous=True),
             env.alloc_buffer(PAGE_SIZE, high=False, contiguous=True)]
    sgl = linux.sg_init_table(len(parts))
    expected = b""
    for entry, part in zip(sgl, parts):
        payload = env.rng.randbytes(len(part))
        part.write(0, payload)
        expected += payload
        linux.sg_set_buf(entry, part, len(part))
    dst_outer, dst, noise = guarded(env, len(expected), high=True)
    pieces, results = await drv.copy_from_sg(dst, sgl)
    dut._log.info("segments %s", [(hex(s), n) for s, _, n in pieces])
    assert len(pieces) < len(parts)                  # the first three entries merged
    assert pieces[0][2] == 2 * PAGE_SIZE + 1000
    assert all(st >> 31 == 1 and st & 0xF == 0 and nb == p[2] for (st, nb), p in zip(results, pieces))
    assert dst_outer.read() == noise[:64] + expected + noise[64 + len(expected):]
    assert env.platform.swiotlb.used_slots == 0
    drv.remove()
    env.finish()


@cocotb.test()
async def linux_memcpy_iommu(dut):
    """The same driver on the IOMMU platform: the engine sees IOVAs only; after the
    transfers nothing but the ring stays mapped."""
    env, drv = await memcpy_checks(dut, "iommu")
    assert env.translations > 0
    mapped_ring = env.platform.stats().mapped_pages
    assert mapped_ring == 1                           # the 4 KiB descriptor ring
    drv.remove()
    assert env.platform.stats().mapped_pages == 0
    env.finish()
