"""Builders for the RISC-V IOMMU's in-memory structures (spec v1.0), written into
a test's memory image: a 1-level device directory of base-format device contexts,
Sv39 page tables (4 KiB, 2 MiB and 1 GiB leaves), the command queue and the fault
queue; plus a reference Sv39 walk that says what the IOMMU must do.

Field encodings come from sw/busdma/riscv_iommu.py (the same specification).
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

from busdma import riscv_iommu as spec

PAGE = 4096
LEVEL_SIZE = {0: 1 << 12, 1: 1 << 21, 2: 1 << 30}

# fault causes (spec fault-record CAUSE encodings)
CAUSE_READ_ACCESS = 5
CAUSE_WRITE_ACCESS = 7
CAUSE_READ_PAGE = 13
CAUSE_WRITE_PAGE = 15
CAUSE_ALL_OFF = 256
CAUSE_DDT_LOAD = 257
CAUSE_DDT_INVALID = 258
CAUSE_DDT_MISCONFIGURED = 259
TTYP_READ = 2
TTYP_WRITE = 3

# register offsets (spec register layout) and this IOMMU's custom counters
REG_CAPS, REG_FCTL, REG_DDTP = 0x00, 0x08, 0x10
REG_CQB, REG_CQH, REG_CQT = 0x18, 0x20, 0x24
REG_FQB, REG_FQH, REG_FQT = 0x28, 0x30, 0x34
REG_CQCSR, REG_FQCSR, REG_IPSR, REG_ICVEC = 0x48, 0x4C, 0x54, 0x2F8
REG_CNT_TRANSLATE, REG_CNT_HIT, REG_CNT_MISS, REG_CNT_WALK = 0x2B0, 0x2B8, 0x2C0, 0x2C8


@dataclass
class FaultRecord:
    cause: int
    ttyp: int
    did: int
    iova: int
    pid: int = 0
    pv: int = 0
    priv: int = 0
    iotval2: int = 0

    @classmethod
    def unpack(cls, raw: bytes) -> "FaultRecord":
        d0, _d1, d2, d3 = struct.unpack("<QQQQ", raw)
        return cls(cause=d0 & 0xFFF, pid=(d0 >> 12) & 0xFFFFF, pv=(d0 >> 32) & 1, priv=(d0 >> 33) & 1,
                   ttyp=(d0 >> 34) & 0x3F, did=d0 >> 40, iova=d2, iotval2=d3)


class IommuTables:
    """Allocates 4 KiB table pages from [base, limit) of `mem` (anything with
    read(addr, n) and write(addr, data))."""

    def __init__(self, mem, base: int, limit: int):
        self.mem = mem
        self.next = base
        self.limit = limit
        self.ddt = self.alloc_page()

    def alloc_page(self) -> int:
        addr = self.next
        self.next += PAGE
        assert self.next <= self.limit, "IOMMU table area exhausted"
        self.mem.write(addr, bytes(PAGE))
        return addr

    def read_u64(self, addr: int) -> int:
        return int.from_bytes(self.mem.read(addr, 8), "little")

    def write_u64(self, addr: int, value: int):
        self.mem.write(addr, value.to_bytes(8, "little"))

    # ---------------------------------------------------------- device contexts
    def ddtp(self, mode: int = spec.DDTP_MODE_1LVL) -> int:
        return (self.ddt >> 12) << 10 | mode

    def set_dc(self, did: int, *, root: int | None, pscid: int = 0, valid: bool = True, dtf: bool = False,
               tc_extra: int = 0, iohgatp: int = 0, ta_extra: int = 0, fsc_extra: int = 0):
        """Base-format DC for `did`: first stage Sv39 with page-table root `root`,
        or Bare when root is None."""
        tc = (spec.DC_TC_V if valid else 0) | (1 << 4 if dtf else 0) | tc_extra
        ta = pscid << spec.TA_PSCID_SHIFT | ta_extra
        fsc = 0 if root is None else (spec.IOSATP_MODE_SV39 << spec.ATP_MODE_SHIFT | root >> 12)
        self.mem.write(self.ddt + did * spec.DC_SIZE, struct.pack("<QQQQ", tc, iohgatp, ta, fsc | fsc_extra))

    # --------------------------------------------------------------- Sv39 tables
    def new_root(self) -> int:
        return self.alloc_page()

    def _pte_addr(self, table: int, iova: int, level: int) -> int:
        return table + spec.sv39_index(iova, level) * 8

    def map(self, root: int, iova: int, pa: int, level: int = 0, *, r=True, w=True, u=True, a=True, d=True,
            g=False, v=True, x=False, raw_flags: int | None = None) -> int:
        """Map the page of `level` (0: 4 KiB, 1: 2 MiB, 2: 1 GiB) at iova to pa;
        returns the leaf PTE's address."""
        table = root
        for lvl in (2, 1):
            if lvl == level:
                break
            slot = self._pte_addr(table, iova, lvl)
            pte = self.read_u64(slot)
            if not pte & spec.PTE_V:
                nxt = self.alloc_page()
                self.write_u64(slot, spec.pointer_pte(nxt))
                table = nxt
            else:
                table = spec.pte_paddr(pte)
        flags = raw_flags if raw_flags is not None else (
            (spec.PTE_V if v else 0) | (spec.PTE_R if r else 0) | (spec.PTE_W if w else 0)
            | (spec.PTE_X if x else 0) | (spec.PTE_U if u else 0) | (spec.PTE_G if g else 0)
            | (spec.PTE_A if a else 0) | (spec.PTE_D if d else 0))
        slot = self._pte_addr(table, iova, level)
        self.write_u64(slot, (pa >> 12) << spec.PTE_PPN_SHIFT | flags)
        return slot

    def walk(self, root: int, iova: int, write: bool):
        """Reference Sv39 walk: returns (pa, None) or (None, fault cause)."""
        page_fault = CAUSE_WRITE_PAGE if write else CAUSE_READ_PAGE
        top = iova >> 38
        if top not in (0, (1 << 26) - 1):
            return None, page_fault
        table = root
        for level in (2, 1, 0):
            pte = self.read_u64(self._pte_addr(table, iova, level))
            v, r, w, x = pte & 1, pte >> 1 & 1, pte >> 2 & 1, pte >> 3 & 1
            u, a, dirty = pte >> 4 & 1, pte >> 6 & 1, pte >> 7 & 1
            if not v or (w and not r) or pte >> 54:
                return None, page_fault
            if r or x:
                ppn = pte >> 10 & ((1 << 44) - 1)
                if level and ppn & ((1 << (9 * level)) - 1):
                    return None, page_fault
                if not u or not a or (write and not (w and dirty)) or (not write and not r):
                    return None, page_fault
                size = LEVEL_SIZE[level]
                return (ppn << 12 & ~(size - 1)) | (iova & (size - 1)), None
            if pte & (spec.PTE_U | spec.PTE_A | spec.PTE_D):
                return None, page_fault
            table = spec.pte_paddr(pte)
        return None, page_fault


class CommandQueue:
    """The command queue in memory; `submit` writes commands and returns the new tail."""

    def __init__(self, tables: IommuTables, log2_entries: int = 4):
        self.tables = tables
        self.base = tables.alloc_page()
        self.entries = 1 << log2_entries
        self.tail = 0

    @property
    def cqb(self) -> int:
        return (self.base >> 12) << 10 | (self.entries.bit_length() - 2)

    def push(self, dword0: int, dword1: int = 0) -> int:
        self.tables.mem.write(self.base + self.tail * 16, struct.pack("<QQ", dword0, dword1))
        self.tail = (self.tail + 1) % self.entries
        return self.tail


class FaultQueue:
    def __init__(self, tables: IommuTables, log2_entries: int = 4):
        self.tables = tables
        self.base = tables.alloc_page()
        self.entries = 1 << log2_entries
        self.head = 0

    @property
    def fqb(self) -> int:
        return (self.base >> 12) << 10 | (self.entries.bit_length() - 2)

    def records(self, tail: int) -> list[FaultRecord]:
        out = []
        while self.head != tail:
            out.append(FaultRecord.unpack(self.tables.mem.read(self.base + self.head * 32, 32)))
            self.head = (self.head + 1) % self.entries
        return out
