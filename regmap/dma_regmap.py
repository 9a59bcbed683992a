"""The DMA engine's register map: the single source of truth.

Plain data only. regmap/gen_regmap.py turns it into rtl/dma_regs_defs.vh,
include/dma_regs.h, sw/dmaengine/regs.py and docs/registers.md; run
`python regmap/gen_regmap.py` after any change here (`--check` tells whether the
generated files are up to date; tb/test_regmap_fresh.py runs that check).

Register:  dict(name, offset, access, reset, desc, fields)
Field:     dict(name, msb, lsb, access, reset, desc)
`reset` is an int, or a string naming the parameter expression the value comes
from (CAP0/CAP1), in which case it is documented, not emitted as a constant.
Access types: RO, RW, WO, W1C (see ACCESS_TYPES).
"""

PREFIX = "DMA"            # every generated constant starts with DMA_

REG_WIDTH = 32            # AXI4-Lite data width, bits
PAGE_SIZE = 0x1000        # the engine page: 0x000-0xFFF
OFFSET_BITS = 12          # offsets within the page

ID_VALUE = 0x444D4131     # "DMA1"
VERSION_MAJOR = 1
VERSION_MINOR = 0
VERSION_VALUE = (VERSION_MAJOR << 16) | VERSION_MINOR

CH0_BASE = 0x100          # channel c is at CH0_BASE + c * CH_STRIDE
CH_STRIDE = 0x40
MAX_CHANNELS = 8          # NUM_CHANNELS is 1..MAX_CHANNELS

IOMMU_PAGE = 0x1000       # reserved for the IOMMU registers (SLVERR for now)

ACCESS_TYPES = [
    ("RO", "read only. Writes are ignored and answered OKAY."),
    ("RW", "read/write. Byte strobes (WSTRB) are honoured; bits not listed read 0 and ignore writes."),
    ("WO", "write only. Reads return 0."),
    ("W1C", "write 1 to clear. Writing 0 leaves a bit unchanged; a hardware set in the same "
            "cycle as a clear wins (the bit stays 1)."),
]

PARAMETERS = [
    ("NUM_CHANNELS", 4, "number of channels, 1 to 8"),
    ("DATA_WIDTH", 64, "AXI4 data width of the datapath, bits"),
    ("ADDR_WIDTH", 64, "AXI4 address width, bits"),
    ("LEN_WIDTH", 32, "width of a descriptor's byte length"),
    ("MAX_BURST_LEN", 256, "longest AXI4 burst, beats"),
    ("CMD_DEPTH", 4, "descriptors in flight per channel"),
    ("IOMMU_PRESENT", 0, "1 if an IOMMU is built in"),
    ("AXIL_ADDR_WIDTH", 13, "AXI4-Lite address width (at least 12)"),
]


def F(name, msb, lsb, access, reset, desc):
    return dict(name=name, msb=msb, lsb=lsb, access=access, reset=reset, desc=desc)


def R(name, offset, access, reset, desc, fields):
    return dict(name=name, offset=offset, access=access, reset=reset, desc=desc, fields=fields)


GLOBAL_REGS = [
    R("ID", 0x000, "RO", ID_VALUE, 'Identification: 0x444D4131, "DMA1" in ASCII.', [
        F("ID", 31, 0, "RO", ID_VALUE, "identification value"),
    ]),
    R("VERSION", 0x004, "RO", VERSION_VALUE, "Register-map version.", [
        F("MINOR", 15, 0, "RO", VERSION_MINOR, "minor version"),
        F("MAJOR", 31, 16, "RO", VERSION_MAJOR, "major version"),
    ]),
    R("CAP0", 0x008, "RO", "parameters", "Capabilities: sizes of the build.", [
        F("NUM_CHANNELS", 7, 0, "RO", "NUM_CHANNELS", "number of channels"),
        F("BEAT_BYTES", 15, 8, "RO", "DATA_WIDTH/8", "bytes per AXI4 data beat"),
        F("ADDR_WIDTH", 23, 16, "RO", "ADDR_WIDTH", "AXI4 address width, bits"),
        F("LEN_WIDTH", 31, 24, "RO", "LEN_WIDTH",
          "descriptor length width; the longest descriptor is 2^LEN_WIDTH-1 bytes"),
    ]),
    R("CAP1", 0x00C, "RO", "parameters", "Capabilities: bursts, queueing, IOMMU.", [
        F("MAX_BURST_LEN", 15, 0, "RO", "MAX_BURST_LEN", "longest AXI4 burst, beats"),
        F("CMD_DEPTH", 23, 16, "RO", "CMD_DEPTH", "descriptors in flight per channel"),
        F("IOMMU", 24, 24, "RO", "IOMMU_PRESENT", "1 if an IOMMU is built in"),
    ]),
    R("GCTRL", 0x010, "RW", 0, "Global control.", [
        F("GIE", 0, 0, "RW", 0,
          "global interrupt enable: gates only the global irq line (irq_global), "
          "not the per-channel lines"),
    ]),
    R("GSTATUS", 0x014, "RO", 0, "Global status (one bit per channel; bits of absent channels read 0).", [
        F("BUSY", 7, 0, "RO", 0, "channel c is busy: its state is RUNNING or STOPPING"),
        F("IRQ", 23, 16, "RO", 0, "level of channel c's interrupt line irq[c]"),
    ]),
]

CHANNEL_REGS = [
    R("CTRL", 0x00, "RW", 0, "Channel control.", [
        F("RUN", 0, 0, "RW", 0,
          "1 = run (an IDLE channel starts at once, also right after a reset); 0 = stop: no new descriptor starts, those already started finish (state STOPPING, then IDLE, or HALTED after an error)"),
        F("RESET", 1, 1, "WO", 0,
          "write 1 to reset the channel (a one-cycle pulse to the front end; also clears IRQ_STATUS); "
          "self-clearing, reads 0. The other CTRL bits of the same write are stored as written"),
        F("IE_DONE", 4, 4, "RW", 0, "interrupt enable for IRQ_STATUS.DONE"),
        F("IE_ERR", 5, 5, "RW", 0, "interrupt enable for IRQ_STATUS.ERR"),
        F("IE_IDLE", 6, 6, "RW", 0, "interrupt enable for IRQ_STATUS.IDLE"),
        F("COAL_COUNT", 23, 16, "RW", 0,
          "interrupt coalescing: raise DONE after this many completed descriptors that have "
          "their IRQ flag set (0 behaves as 1)"),
    ]),
    R("COAL_TIMEOUT", 0x04, "RW", 0,
      "Interrupt coalescing timeout.", [
        F("CYCLES", 31, 0, "RW", 0,
          "clock cycles after the last counted completion before DONE is raised anyway when the "
          "count is below COAL_COUNT (0 = no timeout)"),
    ]),
    R("STATUS", 0x08, "RO", 0, "Channel status (live, from the front end).", [
        F("STATE", 1, 0, "RO", 0, "channel state (state code table)"),
        F("WAITING", 2, 2, "RO", 0,
          "running, at the end of its descriptor chain, waiting for a doorbell"),
        F("ERR_CODE", 11, 8, "RO", 0, "code of the first error since the last channel reset (error code table)"),
    ]),
    R("CUR_DESC_LO", 0x10, "RW", 0,
      "Next descriptor address, bits 31:0. A write sets the address of the next descriptor "
      "to start (only honoured while the channel is IDLE or HALTED); a read returns the live value "
      "from the front end: the first descriptor not started yet, or, at the end of the chain, "
      "the last descriptor's NEXT with bit 0 (EOC) set.", [
        F("ADDR", 31, 0, "RW", 0, "descriptor address bits 31:0 (64-byte aligned)"),
    ]),
    R("CUR_DESC_HI", 0x14, "RW", 0, "Next descriptor address, bits 63:32 (as CUR_DESC_LO).", [
        F("ADDR", 31, 0, "RW", 0, "descriptor address bits 63:32"),
    ]),
    R("ERR_DESC_LO", 0x18, "RO", 0, "Address of the descriptor that caused the last error, bits 31:0.", [
        F("ADDR", 31, 0, "RO", 0, "descriptor address bits 31:0"),
    ]),
    R("ERR_DESC_HI", 0x1C, "RO", 0, "Address of the descriptor that caused the last error, bits 63:32.", [
        F("ADDR", 31, 0, "RO", 0, "descriptor address bits 63:32"),
    ]),
    R("DOORBELL", 0x20, "WO", 0,
      "Doorbell: any write (whatever the data and strobes) rings it (a one-cycle pulse to the "
      "front end); reads return 0.", [
        F("RING", 31, 0, "WO", 0, "any value"),
    ]),
    R("COMPLETED", 0x24, "RO", 0, "Descriptors completed since the last channel reset (status written back, with or without a data error).", [
        F("COUNT", 31, 0, "RO", 0, "completed descriptors (wraps)"),
    ]),
    R("IRQ_STATUS", 0x28, "W1C", 0,
      "Interrupt status; channel c's irq line is |(IRQ_STATUS & {IE_IDLE, IE_ERR, IE_DONE}).", [
        F("DONE", 0, 0, "W1C", 0, "descriptor completion (after coalescing)"),
        F("ERR", 1, 1, "W1C", 0, "an error stopped the channel (see STATUS.ERR_CODE, ERR_DESC)"),
        F("IDLE", 2, 2, "W1C", 0, "the channel reached the end of its chain (STATUS.WAITING) or a stop finished (state IDLE)"),
    ]),
]

STATE_CODES = [
    (0, "IDLE", "not running, nothing in flight"),
    (1, "RUNNING", "fetching and executing descriptors"),
    (2, "HALTED", "stopped by an error; reset the channel to continue"),
    (3, "STOPPING", "RUN cleared; finishing the descriptors already started"),
]
STATE_WIDTH = 2

ERROR_CODES = [
    (0, "NONE", "no error"),
    (1, "RD_SLVERR", "data transfer: a read answered SLVERR"),
    (2, "RD_DECERR", "data transfer: a read answered DECERR"),
    (3, "WR_SLVERR", "data transfer: a write answered SLVERR"),
    (4, "WR_DECERR", "data transfer: a write answered DECERR"),
    (6, "BAD_CMD", "data transfer: invalid command (length 0, or stream to stream)"),
    (8, "FETCH_SLVERR", "descriptor fetch answered SLVERR"),
    (9, "FETCH_DECERR", "descriptor fetch answered DECERR"),
    (10, "WB_SLVERR", "status write-back answered SLVERR"),
    (11, "WB_DECERR", "status write-back answered DECERR"),
    (12, "DESC_ALIGN", "descriptor address not 64-byte aligned"),
    (13, "DESC_MALFORMED", "malformed descriptor"),
]
ERR_WIDTH = 4
