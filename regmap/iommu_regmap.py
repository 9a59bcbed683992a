# SPDX-License-Identifier: Apache-2.0
"""The IOMMU's register page: the single source of truth for its registers.

Plain data only, like regmap/dma_regmap.py. regmap/gen_regmap.py turns it into
rtl/dma_iommu_regs_defs.vh, include/dma_iommu_regs.h, sw/busdma/riscv_iommu_regs.py
and the register table of docs/iommu.md.

The layout is the RISC-V IOMMU specification's (v1.0 memory-mapped register
interface), reduced to what this IOMMU implements, plus four custom 64-bit event
counters in the custom area. Offsets not listed read 0 and ignore writes. The MSI
configuration table's entries (MSI_ADDR_v, MSI_DATA_v, MSI_VEC_CTL_v) are listed one by
one, MSI_VECTORS of them; the RTL builds as many (IOMMU_MSI_VECTORS).

Register:  dict(name, offset, width, access, reset, desc, fields)   width 32 or 64
Field:     dict(name, msb, lsb, access, reset, desc)                bits of the whole register
"""

PREFIX = "IOMMU"          # every generated constant starts with IOMMU_

PAGE_SIZE = 0x1000        # the register page
OFFSET_BITS = 12
DMA_TOP_BASE = 0x1000     # where dma_top's AXI4-Lite port has this page

VERSION = 0x10            # capabilities.version: specification 1.0
PAS_MAX = 56              # capabilities.PAS = min(ADDR_WIDTH, 56)

# MSI configuration table (msi_cfg_tbl): entries built, their offset and stride. Four
# entries, one per interrupt cause the specification defines (civ, fiv, pmiv, piv), so
# that every cause can have a vector of its own; only cip and fip exist here.
MSI_VECTORS = 4
MSI_CFG_TBL = 0x300
MSI_CFG_STRIDE = 0x10

ACCESS_TYPES = [
    ("RO", "read only; writes are ignored."),
    ("RW", "read/write; byte strobes are honoured."),
    ("WARL", "write any, read legal: a write of an unsupported value is ignored (the field keeps its value)."),
    ("RW1C", "write 1 to clear; writing 0 leaves the bit unchanged; a hardware set wins over a clear in the same cycle."),
]


def F(name, msb, lsb, access, reset, desc):
    return dict(name=name, msb=msb, lsb=lsb, access=access, reset=reset, desc=desc)


def R(name, offset, width, access, reset, desc, fields):
    return dict(name=name, offset=offset, width=width, access=access, reset=reset, desc=desc, fields=fields)


REGS = [
    R("CAPABILITIES", 0x000, 64, "RO", "parameters",
      "What this IOMMU implements; everything not listed reads 0 (no Sv32/48/57, no second "
      "stage, no ATS, no MSI translation, no HPM, no debug interface, no A/D updates, no process "
      "directories).", [
          F("VERSION", 7, 0, "RO", VERSION, "specification version 1.0"),
          F("SV39", 9, 9, "RO", 1, "Sv39 first-stage translation"),
          F("IGS", 29, 28, "RO", 2,
            "interrupt generation support: 2 = both, wire-signalled or MSI as fctl.WSI selects"),
          F("PAS", 37, 32, "RO", "min(ADDR_WIDTH, 56)", "physical address bits"),
      ]),
    R("FCTL", 0x008, 32, "RW", 0x2,
      "Features control: little-endian; interrupts wire-signalled (the reset value) or by MSI. "
      "Change WSI only while the queues are off (the specification leaves other times unspecified).", [
          F("BE", 0, 0, "RO", 0, "0: little-endian accesses only"),
          F("WSI", 1, 1, "RW", 1,
            "1: interrupts drive the wire irq; 0: they are sent as MSIs through msi_cfg_tbl"),
      ]),
    R("DDTP", 0x010, 64, "RW", 0, "Device-directory table pointer.", [
        F("IOMMU_MODE", 3, 0, "WARL", 0, "0 Off (reset), 1 Bare, 2 1LVL; other values are ignored"),
        F("BUSY", 4, 4, "RO", 0, "reads 0 (a mode change takes effect at once)"),
        F("PPN", 53, 10, "RW", 0, "physical page number of the device directory"),
    ]),
    R("CQB", 0x018, 64, "RW", 0, "Command-queue base.", [
        F("LOG2SZ_1", 4, 0, "RW", 0, "log2(entries) - 1"),
        F("PPN", 53, 10, "RW", 0, "physical page number of the queue"),
    ]),
    R("CQH", 0x020, 32, "RO", 0, "Command-queue head (the next command the IOMMU reads).", [
        F("INDEX", 31, 0, "RO", 0, "head index"),
    ]),
    R("CQT", 0x024, 32, "RW", 0, "Command-queue tail (written by software after queuing commands).", [
        F("INDEX", 31, 0, "RW", 0, "tail index"),
    ]),
    R("FQB", 0x028, 64, "RW", 0, "Fault-queue base.", [
        F("LOG2SZ_1", 4, 0, "RW", 0, "log2(entries) - 1"),
        F("PPN", 53, 10, "RW", 0, "physical page number of the queue"),
    ]),
    R("FQH", 0x030, 32, "RW", 0, "Fault-queue head (written by software after reading records).", [
        F("INDEX", 31, 0, "RW", 0, "head index"),
    ]),
    R("FQT", 0x034, 32, "RO", 0, "Fault-queue tail (the next record the IOMMU writes).", [
        F("INDEX", 31, 0, "RO", 0, "tail index"),
    ]),
    R("CQCSR", 0x048, 32, "RW", 0,
      "Command-queue control and status. Setting CQEN (0 -> 1) sets cqh to 0 and clears "
      "CQMF, CMD_ILL and FENCE_W_IP; CQON follows CQEN.", [
          F("CQEN", 0, 0, "RW", 0, "command queue enable"),
          F("CIE", 1, 1, "RW", 0, "command-queue interrupt enable"),
          F("CQMF", 8, 8, "RW1C", 0, "memory fault on a queue access"),
          F("CMD_ILL", 10, 10, "RW1C", 0, "illegal or unsupported command; the queue stops"),
          F("FENCE_W_IP", 11, 11, "RW1C", 0, "an IOFENCE.C with WSI = 1 completed"),
          F("CQON", 16, 16, "RO", 0, "the queue is on"),
          F("BUSY", 17, 17, "RO", 0, "the queue is processing a command"),
      ]),
    R("FQCSR", 0x04C, 32, "RW", 0,
      "Fault-queue control and status. Setting FQEN (0 -> 1) sets fqt to 0 and clears FQMF "
      "and FQOF; FQON follows FQEN.", [
          F("FQEN", 0, 0, "RW", 0, "fault queue enable"),
          F("FIE", 1, 1, "RW", 0, "fault-queue interrupt enable"),
          F("FQMF", 8, 8, "RW1C", 0, "memory fault on a record write"),
          F("FQOF", 9, 9, "RW1C", 0, "a record was dropped because the queue was full"),
          F("FQON", 16, 16, "RO", 0, "the queue is on"),
      ]),
    R("IPSR", 0x054, 32, "RW1C", 0,
      "Interrupt pending status. With fctl.WSI = 1 the wire irq_iommu is high while CIP or FIP is set; "
      "with fctl.WSI = 0 a bit going from 0 to 1 sends one MSI on the vector icvec gives it.", [
        F("CIP", 0, 0, "RW1C", 0,
          "command-queue interrupt: set when CQCSR.CIE = 1 and CMD_ILL, CQMF or FENCE_W_IP gets set"),
        F("FIP", 1, 1, "RW1C", 0,
          "fault-queue interrupt: set when FQCSR.FIE = 1 and a record is written or FQOF/FQMF gets set"),
    ]),
    R("CNT_TRANSLATE", 0x2B0, 64, "RO", 0, "Custom event counter: requests translated in 1LVL mode.", [
        F("COUNT", 63, 0, "RO", 0, "count (wraps)"),
    ]),
    R("CNT_HIT", 0x2B8, 64, "RO", 0, "Custom event counter: IOTLB hits.", [
        F("COUNT", 63, 0, "RO", 0, "count (wraps)"),
    ]),
    R("CNT_MISS", 0x2C0, 64, "RO", 0, "Custom event counter: IOTLB misses (page walks started).", [
        F("COUNT", 63, 0, "RO", 0, "count (wraps)"),
    ]),
    R("CNT_WALK", 0x2C8, 64, "RO", 0, "Custom event counter: cycles the page-table walker was busy.", [
        F("COUNT", 63, 0, "RO", 0, "count (wraps)"),
    ]),
    R("ICVEC", 0x2F8, 32, "RW", 0,
      f"Interrupt cause to vector: the msi_cfg_tbl entry (0..{MSI_VECTORS - 1}) of each cause in MSI mode; "
      "there is one interrupt wire.", [
          F("CIV", 3, 0, "WARL", 0, f"command-queue interrupt vector, 0..{MSI_VECTORS - 1}"),
          F("FIV", 7, 4, "WARL", 0, f"fault-queue interrupt vector, 0..{MSI_VECTORS - 1}"),
          F("PMIV", 11, 8, "WARL", 0, "performance-monitoring interrupt vector: reads 0 (no HPM)"),
          F("PIV", 15, 12, "WARL", 0, "page-request interrupt vector: reads 0 (no page-request queue)"),
      ]),
] + [r for v in range(MSI_VECTORS) for r in (
    R(f"MSI_ADDR_{v}", MSI_CFG_TBL + MSI_CFG_STRIDE * v, 64, "RW", 0,
      f"Message address of msi_cfg_tbl entry {v}.", [
          F("ADDR", 55, 2, "RW", 0, "bits 55:2 of the 4-byte aligned address (bits 1:0 read 0)"),
      ]),
    R(f"MSI_DATA_{v}", MSI_CFG_TBL + MSI_CFG_STRIDE * v + 8, 32, "RW", 0,
      f"Message data of msi_cfg_tbl entry {v} (sent as one 4-byte write).", [
          F("DATA", 31, 0, "RW", 0, "message data"),
      ]),
    R(f"MSI_VEC_CTL_{v}", MSI_CFG_TBL + MSI_CFG_STRIDE * v + 12, 32, "RW", 1,
      f"Vector control of msi_cfg_tbl entry {v}.", [
          F("M", 0, 0, "RW", 1, "mask: a message is held (pending) while 1 and sent once it is cleared"),
      ]),
)]
