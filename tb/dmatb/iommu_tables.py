# SPDX-License-Identifier: Apache-2.0
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

# register offsets (spec register layout) and this IOMMU's custom counters: from
# regmap/iommu_regmap.py (generated into busdma/riscv_iommu_regs.py)
from busdma import riscv_iommu_regs as _IR  # noqa: E402

REG_CAPS, REG_FCTL, REG_DDTP = _IR.IOMMU_REG_CAPABILITIES, _IR.IOMMU_REG_FCTL, _IR.IOMMU_REG_DDTP
REG_CQB, REG_CQH, REG_CQT = _IR.IOMMU_REG_CQB, _IR.IOMMU_REG_CQH, _IR.IOMMU_REG_CQT
REG_FQB, REG_FQH, REG_FQT = _IR.IOMMU_REG_FQB, _IR.IOMMU_REG_FQH, _IR.IOMMU_REG_FQT
REG_CQCSR, REG_FQCSR, REG_IPSR, REG_ICVEC = (_IR.IOMMU_REG_CQCSR, _IR.IOMMU_REG_FQCSR, _IR.IOMMU_REG_IPSR,
                                             _IR.IOMMU_REG_ICVEC)
REG_CNT_TRANSLATE, REG_CNT_HIT, REG_CNT_MISS, REG_CNT_WALK = (_IR.IOMMU_REG_CNT_TRANSLATE, _IR.IOMMU_REG_CNT_HIT,
                                                              _IR.IOMMU_REG_CNT_MISS, _IR.IOMMU_REG_CNT_WALK)


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


@dataclass
class WalkResult:
    """What a walk does (IommuTables.walk_leaf): the addresses read, then a leaf
    (level, pte) or a fault cause."""
    addrs: list
    level: int | None = None
    pte: int | None = None
    cause: int | None = None


def leaf_permits(pte: int, write: bool) -> bool:
    """The translation unit's check of a leaf that passed the walk: R for a read;
    W and D for a write."""
    return bool(pte >> 2 & 1 and pte >> 7 & 1) if write else bool(pte >> 1 & 1)


def leaf_pa(pte: int, level: int, iova: int) -> int:
    size = LEVEL_SIZE[level]
    return (pte >> 10 << 12 & ((1 << 56) - 1) & ~(size - 1)) | (iova & (size - 1))


@dataclass
class DcCheck:
    """The outcome of reading a base-format device context (check_dc)."""
    cause: int | None            # None: good
    words_read: int              # doublewords read before the outcome (1..4)
    bare: bool = False           # first stage Bare (fsc.MODE 0, or PDTV)
    dtf: bool = False
    pscid: int = 0
    ppn: int = 0                 # fsc.PPN


def check_dc(tc: int, iohgatp: int, ta: int, fsc: int, err_word: int | None = None) -> DcCheck:
    """Reference of the device-context checks of this IOMMU (docs/iommu.md): a
    read error on doubleword `err_word` is cause 257, tc.V = 0 is 258 (no more
    reads), a misconfiguration is 259 (after all four doublewords)."""
    if err_word == 0:
        return DcCheck(CAUSE_DDT_LOAD, 1)
    if not tc & 1:
        return DcCheck(CAUSE_DDT_INVALID, 1)
    if err_word is not None:
        return DcCheck(CAUSE_DDT_LOAD, err_word + 1)

    def bits(v, hi, lo):
        return v >> lo & ((1 << (hi - lo + 1)) - 1)

    pdtv, dpe = tc >> 5 & 1, tc >> 9 & 1
    bad = bool(bits(tc, 23, 12) or bits(tc, 63, 32))
    for b in (1, 2, 3, 6, 7, 8, 10, 11):     # EN_ATS EN_PRI T2GPA PRPR GADE SADE SBE SXL
        bad |= bool(tc >> b & 1)
    bad |= bool(dpe and not pdtv)
    bad |= bits(iohgatp, 63, 60) != 0        # second stage Bare only
    bad |= bool(bits(ta, 11, 0) or bits(ta, 63, 32))
    mode = bits(fsc, 63, 60)
    if pdtv:
        bad |= mode != 0                     # no process directories
    else:
        bad |= mode not in (0, spec.IOSATP_MODE_SV39) or bits(fsc, 59, 44) != 0
    if bad:
        return DcCheck(CAUSE_DDT_MISCONFIGURED, 4)
    return DcCheck(None, 4, bare=bool(pdtv or mode == 0), dtf=bool(tc >> 4 & 1), pscid=bits(ta, 31, 12),
                   ppn=bits(fsc, 43, 0))


class SparseMemory:
    """A byte-addressed sparse memory (read/write), enough for the table builders."""

    def __init__(self):
        self.pages = {}

    def _page(self, addr):
        return self.pages.setdefault(addr >> 12, bytearray(PAGE))

    def write(self, addr: int, data: bytes):
        for i, b in enumerate(data):
            self._page(addr + i)[(addr + i) & 0xFFF] = b

    def read(self, addr: int, n: int) -> bytes:
        out = bytearray()
        for i in range(n):
            page = self.pages.get((addr + i) >> 12)
            out.append(page[(addr + i) & 0xFFF] if page else 0)
        return bytes(out)

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


    def walk_leaf(self, root: int, iova: int, write: bool, err_addrs=()):
        """Reference of the walk alone (dma_iommu_walker), before the permission
        checks the translation unit makes on the leaf: returns a WalkResult with
        the PTE addresses read in order and either the leaf (level, PTE) or the
        fault cause. Reads of an address in `err_addrs` fail (access fault).
        The canonical-address check is not the walker's either."""
        page_fault = CAUSE_WRITE_PAGE if write else CAUSE_READ_PAGE
        access_fault = CAUSE_WRITE_ACCESS if write else CAUSE_READ_ACCESS
        table = root
        addrs = []
        for level in (2, 1, 0):
            slot = self._pte_addr(table, iova, level)
            addrs.append(slot)
            if slot in err_addrs:
                return WalkResult(addrs, cause=access_fault)
            pte = self.read_u64(slot)
            v, r, w, x = pte & 1, pte >> 1 & 1, pte >> 2 & 1, pte >> 3 & 1
            u, a = pte >> 4 & 1, pte >> 6 & 1
            if not v or (w and not r) or pte >> 54:
                return WalkResult(addrs, cause=page_fault)
            if r or x:
                ppn = pte >> 10 & ((1 << 44) - 1)
                if (level and ppn & ((1 << (9 * level)) - 1)) or not u or not a:
                    return WalkResult(addrs, cause=page_fault)
                return WalkResult(addrs, level=level, pte=pte)
            if pte & (spec.PTE_U | spec.PTE_A | spec.PTE_D) or level == 0:
                return WalkResult(addrs, cause=page_fault)
            table = spec.pte_paddr(pte)
        raise AssertionError("unreachable")

    def dc_addr(self, did: int) -> int:
        return self.ddt + did * spec.DC_SIZE

    def dc_words(self, did: int) -> tuple[int, int, int, int]:
        return struct.unpack("<QQQQ", self.mem.read(self.dc_addr(did), 32))

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
