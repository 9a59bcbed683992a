# SPDX-License-Identifier: Apache-2.0
"""Test-side control of the IOMMU through its register page: register access,
queue set-up, commands (with IOFENCE.C completion), fault-record collection.
Used by the IOMMU unit tests (page at 0) and the system tests (page at 0x1000)."""
from __future__ import annotations

from cocotb.triggers import RisingEdge

from busdma import riscv_iommu as spec
from dmatb.iommu_tables import (REG_CQB, REG_CQCSR, REG_CQH, REG_CQT, REG_DDTP, REG_FQB, REG_FQCSR, REG_FQH,
                                REG_FQT, CommandQueue, FaultQueue, IommuTables)

OKAY = 0


class IommuCtl:
    def __init__(self, axil, clk, tables: IommuTables, base: int = 0):
        self.axil = axil
        self.clk = clk
        self.base = base
        self.tables = tables
        self.cq = CommandQueue(tables)
        self.fq = FaultQueue(tables)

    async def wr32(self, off, value):
        resp = await self.axil.write(self.base + off, (value & 0xFFFFFFFF).to_bytes(4, "little"))
        assert int(resp.resp) == OKAY, f"IOMMU register write {off:#x} answered {int(resp.resp)}"

    async def rd32(self, off):
        resp = await self.axil.read(self.base + off, 4)
        assert int(resp.resp) == OKAY, f"IOMMU register read {off:#x} answered {int(resp.resp)}"
        return int.from_bytes(resp.data, "little")

    async def wr64(self, off, value):
        await self.wr32(off + 4, value >> 32)
        await self.wr32(off, value)

    async def rd64(self, off):
        return await self.rd32(off) | (await self.rd32(off + 4)) << 32

    async def enable_queues(self):
        await self.wr64(REG_CQB, self.cq.cqb)
        await self.wr64(REG_FQB, self.fq.fqb)
        await self.wr32(REG_CQCSR, 0x3)   # cqen, cie
        await self.wr32(REG_FQCSR, 0x3)   # fqen, fie

    async def set_mode(self, mode):
        await self.wr64(REG_DDTP, self.tables.ddtp(mode))

    async def cycles(self, n):
        for _ in range(n):
            await RisingEdge(self.clk)

    async def faults(self, settle: int = 40):
        """Fault records written since the last call (they land a few cycles after
        the faulting response); advances fqh past them."""
        await self.cycles(settle)
        recs = self.fq.records(await self.rd32(REG_FQT))
        await self.wr32(REG_FQH, self.fq.head)
        return recs

    async def command(self, dword0, dword1=0, fence=True, timeout=4000):
        """Submit a command followed by IOFENCE.C writing a flag; wait for completion."""
        self.cq.push(dword0, dword1)
        flag = None
        if fence:
            flag = self.tables.alloc_page()
            self.cq.push(*spec.iofence_c(flag, 0xC0FFEE))
        await self.wr32(REG_CQT, self.cq.tail)
        for _ in range(timeout // 10):
            await self.cycles(10)
            if await self.rd32(REG_CQH) == self.cq.tail:
                break
        else:
            raise AssertionError("IOMMU command queue did not drain")
        if fence:
            assert self.tables.mem.read(flag, 4) == (0xC0FFEE).to_bytes(4, "little"), \
                "IOFENCE.C did not write its completion data"
