# SPDX-License-Identifier: Apache-2.0
"""RISC-V IOMMU (spec v1.0) formats, and a reference model that reads them
from host memory.

Only what busdma uses is modelled: a 1-level device directory of base-format
(32-byte) device contexts, first-stage Sv39 translation with a Bare second
stage, and the command queue with IOTINVAL.VMA, IODIR.INVAL_DDT and IOFENCE.C;
helpers program the IOMMU's interrupt delivery (wire-signalled, or MSIs through
msi_cfg_tbl).
The model caches device contexts and translations, so that a missing
invalidation shows up as a stale translation.
"""

from __future__ import annotations

from .constants import PAGE_MASK, PAGE_SHIFT, PAGE_SIZE
from .memory import PhysicalMemory

from . import riscv_iommu_regs as _regs

# Register offsets and widths (chapter 5): from the register page's one source,
# regmap/iommu_regmap.py (generated into riscv_iommu_regs.py).
REG_CAPABILITIES = _regs.IOMMU_REG_CAPABILITIES
REG_FCTL = _regs.IOMMU_REG_FCTL
REG_DDTP = _regs.IOMMU_REG_DDTP
REG_CQB = _regs.IOMMU_REG_CQB
REG_CQH = _regs.IOMMU_REG_CQH
REG_CQT = _regs.IOMMU_REG_CQT
REG_CQCSR = _regs.IOMMU_REG_CQCSR
REGISTER_WIDTHS = {off: width // 8 for off, width, _ in _regs.REGS.values()
                   if off in (REG_CAPABILITIES, REG_FCTL, REG_DDTP, REG_CQB, REG_CQH, REG_CQT, REG_CQCSR)}

CAPABILITIES_VERSION_1_0 = _regs.IOMMU_VERSION
CAPABILITIES_SV39 = _regs.IOMMU_CAPABILITIES_SV39_MASK

DDTP_MODE_OFF = 0
DDTP_MODE_BARE = 1
DDTP_MODE_1LVL = 2
PPN_SHIFT = 10  # ddtp.PPN and cqb.PPN occupy bits 53:10
PPN_FIELD_MASK = ((1 << 44) - 1) << PPN_SHIFT

# Interrupts (chapter 5: fctl, ipsr, icvec, msi_cfg_tbl).
REG_IPSR = _regs.IOMMU_REG_IPSR
REG_ICVEC = _regs.IOMMU_REG_ICVEC
REG_MSI_CFG_TBL = _regs.IOMMU_MSI_CFG_TBL
MSI_CFG_STRIDE = _regs.IOMMU_MSI_CFG_STRIDE
MSI_VECTORS = _regs.IOMMU_MSI_VECTORS          # entries the RTL builds
CAPABILITIES_IGS_SHIFT = _regs.IOMMU_CAPABILITIES_IGS_SHIFT
IGS_MSI, IGS_WSI, IGS_BOTH = 0, 1, 2
FCTL_WSI = _regs.IOMMU_FCTL_WSI_MASK
IPSR_CIP, IPSR_FIP = _regs.IOMMU_IPSR_CIP_MASK, _regs.IOMMU_IPSR_FIP_MASK
MSI_VEC_CTL_M = 1 << 0
CAUSE_MSI_WRITE_FAULT = 273     # "IOMMU MSI write access fault": iotval is msi_addr

CQCSR_CQEN = 1 << 0
CQCSR_CMD_ILL = 1 << 10
CQCSR_CQON = 1 << 16

# Device context (base format, 32 bytes).
DC_SIZE = 32
DC_TC_V = 1 << 0
ATP_MODE_SHIFT = 60
ATP_PPN_MASK = (1 << 44) - 1
IOSATP_MODE_SV39 = 8
IOHGATP_MODE_BARE = 0
TA_PSCID_SHIFT = 12
DDT_1LVL_DEVICES = PAGE_SIZE // DC_SIZE

# Sv39 page-table entries.
PTE_V, PTE_R, PTE_W, PTE_X, PTE_U, PTE_G, PTE_A, PTE_D = (1 << n for n in range(8))
PTE_PPN_SHIFT = 10
SV39_LEVELS = 3
SV39_VA_BITS = 39

# Commands (16 bytes: dword0, dword1).
CMD_SIZE = 16
OPCODE_IOTINVAL = 1
OPCODE_IOFENCE = 2
OPCODE_IODIR = 3
FUNC_IOTINVAL_VMA = 0
FUNC_IOFENCE_C = 0
FUNC_IODIR_INVAL_DDT = 0


def iotinval_vma(pscid: int | None = None, addr: int | None = None) -> tuple[int, int]:
    """IOTINVAL.VMA, optionally limited to one address space and one page."""
    dword0 = OPCODE_IOTINVAL | FUNC_IOTINVAL_VMA << 7
    dword1 = 0
    if addr is not None:
        dword0 |= 1 << 10  # AV
        dword1 = (addr >> PAGE_SHIFT) << 10
    if pscid is not None:
        dword0 |= 1 << 32 | pscid << 12  # PSCV, PSCID
    return dword0, dword1


def iofence_c(completion_addr: int | None = None, data: int = 0) -> tuple[int, int]:
    """IOFENCE.C; with an address the IOMMU writes ``data`` (32 bits) there when
    every earlier command has completed."""
    dword0 = OPCODE_IOFENCE | FUNC_IOFENCE_C << 7 | (data & 0xFFFFFFFF) << 32
    dword1 = 0
    if completion_addr is not None:
        dword0 |= 1 << 10  # AV
        dword1 = completion_addr >> 2
    return dword0, dword1


def iodir_inval_ddt(device_id: int | None = None) -> tuple[int, int]:
    dword0 = OPCODE_IODIR | FUNC_IODIR_INVAL_DDT << 7
    if device_id is not None:
        dword0 |= 1 << 33 | device_id << 40  # DV, DID
    return dword0, 0


def leaf_pte(paddr: int) -> int:
    """A user-accessible read/write leaf with A and D preset (devices' requests
    are treated as U-mode and must not need hardware A/D updates)."""
    return (paddr >> PAGE_SHIFT) << PTE_PPN_SHIFT | PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D


def pointer_pte(table_paddr: int) -> int:
    return (table_paddr >> PAGE_SHIFT) << PTE_PPN_SHIFT | PTE_V


def pte_paddr(pte: int) -> int:
    return (pte >> PTE_PPN_SHIFT & ATP_PPN_MASK) << PAGE_SHIFT


def sv39_index(iova: int, level: int) -> int:
    return iova >> (PAGE_SHIFT + 9 * level) & 0x1FF


class IommuFault(Exception):
    """A translation the IOMMU refuses; ``cause`` follows the spec's fault causes."""

    def __init__(self, cause: int, message: str):
        super().__init__(f"IOMMU fault (cause {cause}): {message}")
        self.cause = cause


# Fault causes used by the model (spec table 11).
CAUSE_READ_PAGE_FAULT = 13
CAUSE_WRITE_PAGE_FAULT = 15
CAUSE_DDT_ENTRY_INVALID = 258
CAUSE_TRANSACTION_TYPE_DISALLOWED = 260


class RiscvIommuModel:
    """Reference model of the IOMMU, reading its tables from ``memory``.

    It implements the ``IommuHw`` register interface.  With ``auto_process``
    (the default) a write to cqt runs the command queue at once; without it
    commands wait for ``process_commands()``, like slow hardware would.
    """

    def __init__(self, memory: PhysicalMemory, *, auto_process: bool = True):
        self.memory = memory
        self.auto_process = auto_process
        self.regs = {offset: 0 for offset in REGISTER_WIDTHS}
        self.regs[REG_CAPABILITIES] = CAPABILITIES_VERSION_1_0 | CAPABILITIES_SV39
        self._dc_cache: dict[int, tuple[int, int, int, int]] = {}
        self._iotlb: dict[tuple[int, int], int] = {}  # (pscid, vpn) -> pte
        self.commands_executed: list[tuple[int, int]] = []

    # IommuHw interface.
    def read_reg(self, offset: int, size: int) -> int:
        self._check_access(offset, size)
        return self.regs[offset]

    def write_reg(self, offset: int, value: int, size: int) -> None:
        self._check_access(offset, size)
        if offset == REG_CAPABILITIES or offset == REG_CQH:
            return  # read-only
        if offset == REG_CQCSR:
            enable = value & CQCSR_CQEN
            self.regs[REG_CQCSR] = enable | (CQCSR_CQON if enable else 0)
            if enable:
                self.regs[REG_CQH] = 0
            return
        self.regs[offset] = value & ((1 << 8 * size) - 1)
        if offset == REG_CQT and self.auto_process:
            self.process_commands()

    def _check_access(self, offset: int, size: int) -> None:
        if REGISTER_WIDTHS.get(offset) != size:
            raise ValueError(f"bad IOMMU register access at {offset:#x} width {size}")

    # Command queue.
    def _queue_entries(self) -> int:
        return 1 << ((self.regs[REG_CQB] & 0x1F) + 1)

    def process_commands(self) -> None:
        csr = self.regs[REG_CQCSR]
        if not csr & CQCSR_CQON or csr & CQCSR_CMD_ILL:
            return
        base = pte_paddr(self.regs[REG_CQB])
        entries = self._queue_entries()
        while self.regs[REG_CQH] != self.regs[REG_CQT] % entries:
            head = self.regs[REG_CQH]
            slot = base + head * CMD_SIZE
            command = (self.memory.read_u64(slot), self.memory.read_u64(slot + 8))
            if not self._execute(*command):
                self.regs[REG_CQCSR] |= CQCSR_CMD_ILL
                return
            self.commands_executed.append(command)
            self.regs[REG_CQH] = (head + 1) % entries

    def _execute(self, dword0: int, dword1: int) -> bool:
        opcode, func3 = dword0 & 0x7F, dword0 >> 7 & 0x7
        if opcode == OPCODE_IOTINVAL and func3 == FUNC_IOTINVAL_VMA:
            pscid = dword0 >> 12 & 0xFFFFF if dword0 >> 32 & 1 else None
            vpn = dword1 >> 10 if dword0 >> 10 & 1 else None
            self._iotlb = {key: pte for key, pte in self._iotlb.items()
                           if not ((pscid is None or key[0] == pscid)
                                   and (vpn is None or key[1] == vpn))}
            return True
        if opcode == OPCODE_IODIR and func3 == FUNC_IODIR_INVAL_DDT:
            if dword0 >> 33 & 1:
                self._dc_cache.pop(dword0 >> 40, None)
            else:
                self._dc_cache.clear()
            return True
        if opcode == OPCODE_IOFENCE and func3 == FUNC_IOFENCE_C:
            if dword0 >> 10 & 1:
                address = (dword1 & ((1 << 62) - 1)) << 2
                self.memory.write(address, (dword0 >> 32).to_bytes(4, "little"))
            return True
        return False

    # Translation.
    def device_context(self, device_id: int) -> tuple[int, int, int, int]:
        """(tc, iohgatp, ta, fsc) of a device, through the context cache."""
        cached = self._dc_cache.get(device_id)
        if cached is not None:
            return cached
        ddtp = self.regs[REG_DDTP]
        if ddtp & 0xF != DDTP_MODE_1LVL:
            raise IommuFault(CAUSE_TRANSACTION_TYPE_DISALLOWED, "ddtp is not in 1LVL mode")
        if device_id >= DDT_1LVL_DEVICES:
            raise IommuFault(CAUSE_TRANSACTION_TYPE_DISALLOWED, "device_id beyond a 1LVL DDT")
        dc_addr = pte_paddr(ddtp) + device_id * DC_SIZE
        dc = tuple(self.memory.read_u64(dc_addr + 8 * i) for i in range(4))
        if not dc[0] & DC_TC_V:
            raise IommuFault(CAUSE_DDT_ENTRY_INVALID, f"device context {device_id} is not valid")
        self._dc_cache[device_id] = dc
        return dc

    def translate(self, device_id: int, iova: int, write: bool = False) -> int:
        """The physical address a device access to ``iova`` reaches."""
        tc, iohgatp, ta, fsc = self.device_context(device_id)
        if iohgatp >> ATP_MODE_SHIFT != IOHGATP_MODE_BARE or fsc >> ATP_MODE_SHIFT != IOSATP_MODE_SV39:
            raise IommuFault(CAUSE_TRANSACTION_TYPE_DISALLOWED, "only Sv39 over Bare is modelled")
        cause = CAUSE_WRITE_PAGE_FAULT if write else CAUSE_READ_PAGE_FAULT
        top = iova >> (SV39_VA_BITS - 1)
        if top not in (0, (1 << (64 - SV39_VA_BITS + 1)) - 1):
            raise IommuFault(cause, f"IOVA {iova:#x} is not a canonical Sv39 address")
        pscid = ta >> TA_PSCID_SHIFT & 0xFFFFF
        key = (pscid, iova >> PAGE_SHIFT & ((1 << 27) - 1))
        pte = self._iotlb.get(key)
        if pte is None:
            pte = self._walk((fsc & ATP_PPN_MASK) << PAGE_SHIFT, iova, cause)
            self._iotlb[key] = pte
        if not pte & PTE_U or not pte & (PTE_W if write else PTE_R) or not pte & PTE_A \
                or (write and not pte & PTE_D):
            raise IommuFault(cause, f"PTE {pte:#x} does not permit this access")
        return pte_paddr(pte) | (iova & PAGE_MASK)

    def _walk(self, table: int, iova: int, cause: int) -> int:
        for level in range(SV39_LEVELS - 1, -1, -1):
            pte = self.memory.read_u64(table + 8 * sv39_index(iova, level))
            if not pte & PTE_V or (pte & PTE_W and not pte & PTE_R):
                raise IommuFault(cause, f"no valid PTE for {iova:#x} at level {level}")
            if pte & (PTE_R | PTE_X):
                if level != 0:
                    raise IommuFault(cause, "superpages are not used by busdma")
                return pte
            table = pte_paddr(pte)
        raise IommuFault(cause, f"no leaf PTE for {iova:#x}")

    def dma_read(self, device_id: int, iova: int, length: int) -> bytes:
        """What a device reading ``length`` bytes at ``iova`` would get."""
        out = bytearray()
        while length:
            size = min(length, PAGE_SIZE - (iova & PAGE_MASK))
            out += self.memory.read(self.translate(device_id, iova), size)
            iova += size
            length -= size
        return bytes(out)

    def dma_write(self, device_id: int, iova: int, data: bytes) -> None:
        pos = 0
        while pos < len(data):
            size = min(len(data) - pos, PAGE_SIZE - (iova & PAGE_MASK))
            self.memory.write(self.translate(device_id, iova, write=True), data[pos:pos + size])
            iova += size
            pos += size


# ----------------------------------------------------------------------------- interrupts
# Wire-signalled interrupts are the hardware's reset state (fctl.WSI = 1) and need no set-up.
# MSI delivery: program the table and icvec, then clear fctl.WSI -- with the queues off
# and ddtp in Off mode, since the specification leaves a change of fctl at any other time
# unspecified. Register writes are (offset, value, size) so that a test bench can apply
# them through its own bus (sizes 4 and 8, like IommuHw.write_reg).

def msi_cfg_offsets(vector: int) -> tuple[int, int, int]:
    """Offsets of msi_addr, msi_data and msi_vec_ctl of a table entry."""
    if not 0 <= vector < 16:
        raise ValueError(f"MSI vector {vector} out of 0..15")
    base = REG_MSI_CFG_TBL + MSI_CFG_STRIDE * vector
    return base, base + 8, base + 12


def icvec_value(civ: int = 0, fiv: int = 0) -> int:
    """icvec with the command-queue and fault-queue vectors (no HPM, no page-request queue)."""
    return (civ & 0xF) << _regs.IOMMU_ICVEC_CIV_SHIFT | (fiv & 0xF) << _regs.IOMMU_ICVEC_FIV_SHIFT


def msi_setup_writes(vectors: dict[int, tuple[int, int]], civ: int = 0, fiv: int = 1,
                     masked: tuple[int, ...] = ()) -> list[tuple[int, int, int]]:
    """The register writes that switch interrupts to MSIs.

    ``vectors`` maps a vector to its (address, data); the address must be 4-byte
    aligned. Each entry is masked while it is written, then unmasked unless listed
    in ``masked``; icvec gets ``civ`` and ``fiv``; fctl.WSI is cleared last."""
    for v in (civ, fiv):
        if v not in vectors:
            raise ValueError(f"vector {v} has no (address, data)")
    writes = []
    for v, (addr, data) in sorted(vectors.items()):
        if addr & 3 or addr >> 56:
            raise ValueError(f"MSI address {addr:#x} is not a 4-byte aligned 56-bit address")
        a_off, d_off, c_off = msi_cfg_offsets(v)
        writes += [(c_off, MSI_VEC_CTL_M, 4), (a_off, addr, 8), (d_off, data & 0xFFFFFFFF, 4)]
    writes.append((REG_ICVEC, icvec_value(civ, fiv), 4))
    writes += [(msi_cfg_offsets(v)[2], 0, 4) for v in sorted(vectors) if v not in masked]
    writes.append((REG_FCTL, 0, 4))
    return writes


def wsi_setup_writes() -> list[tuple[int, int, int]]:
    """The register write that returns to wire-signalled interrupts."""
    return [(REG_FCTL, FCTL_WSI, 4)]


def interrupt_generation(capabilities: int) -> int:
    """capabilities.IGS: IGS_MSI, IGS_WSI or IGS_BOTH."""
    return capabilities >> CAPABILITIES_IGS_SHIFT & 3


def configure_msi(hw, vectors: dict[int, tuple[int, int]], civ: int = 0, fiv: int = 1,
                  masked: tuple[int, ...] = ()) -> None:
    """Deliver the IOMMU's interrupts as MSIs (``hw``: read_reg/write_reg, an IommuHw).
    Raises ValueError when the IOMMU cannot, or when icvec does not keep the vectors
    (a WARL field keeps only vectors the table has)."""
    if interrupt_generation(hw.read_reg(REG_CAPABILITIES, 8)) not in (IGS_MSI, IGS_BOTH):
        raise ValueError("this IOMMU generates wire-signalled interrupts only")
    writes = msi_setup_writes(vectors, civ, fiv, masked)
    for off, value, size in writes[:-1]:
        hw.write_reg(off, value, size)
    got = hw.read_reg(REG_ICVEC, 4) & 0xFF
    if got != icvec_value(civ, fiv):
        raise ValueError(f"icvec kept {got:#x}, not {icvec_value(civ, fiv):#x}: vectors beyond the table")
    hw.write_reg(*writes[-1])


def configure_wsi(hw) -> None:
    """Deliver the IOMMU's interrupts on its wire (the reset state)."""
    if interrupt_generation(hw.read_reg(REG_CAPABILITIES, 8)) not in (IGS_WSI, IGS_BOTH):
        raise ValueError("this IOMMU generates MSIs only")
    for w in wsi_setup_writes():
        hw.write_reg(*w)


def set_msi_mask(hw, vector: int, masked: bool) -> None:
    """Mask or unmask a vector; a message held while masked is sent on unmasking."""
    hw.write_reg(msi_cfg_offsets(vector)[2], MSI_VEC_CTL_M if masked else 0, 4)
