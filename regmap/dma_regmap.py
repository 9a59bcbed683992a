# SPDX-License-Identifier: Apache-2.0
"""The DMA engine's register map: the single source of truth.

Plain data only. regmap/gen_regmap.py turns it into rtl/dma_regs_defs.vh,
include/dma_regs.h, sw/dmaengine/regs.py and docs/registers.md; run
`python regmap/gen_regmap.py` after any change here (`--check` tells whether the
generated files are up to date; tb/project/test_regmap_fresh.py runs that check).

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

VEC0_BASE = 0x800         # MSI vector v is at VEC0_BASE + v * VEC_STRIDE
VEC_STRIDE = 0x10
MAX_VECTORS = MAX_CHANNELS + 1   # NUM_CHANNELS + 1 vectors: one per channel, then the error vector

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
        F("MSI_VECTORS", 28, 25, "RO", "NUM_CHANNELS+1",
          "number of MSI vectors (vector table entries): one per channel, then the error vector"),
    ]),
    R("GCTRL", 0x010, "RW", 0, "Global control.", [
        F("GIE", 0, 0, "RW", 0,
          "global interrupt enable: gates only the global irq line (irq_global), "
          "not the per-channel lines"),
        F("BME", 1, 1, "RW", 0,
          "bus-master enable (as PCI's Bus Master Enable): while 0 the engine starts no AXI "
          "transaction on its memory ports (no descriptor fetch, no data burst); channels set to "
          "RUN wait. Clearing it while busy: transfers already started finish (with their status "
          "write-backs), nothing new starts; GSTATUS.QUIESCENT tells when the ports are idle. "
          "The driver sets it in attach and clears it in detach"),
    ]),
    R("GSTATUS", 0x014, "RO", 0x01000000, "Global status (one bit per channel; bits of absent channels read 0).", [
        F("BUSY", 7, 0, "RO", 0,
          "channel c is busy: its state is RUNNING or STOPPING (also while it waits at the end of "
          "its chain, STATUS.WAITING = 1)"),
        F("IRQ", 23, 16, "RO", 0, "level of channel c's interrupt line irq[c]"),
        F("QUIESCENT", 24, 24, "RO", 1,
          "1 when GCTRL.BME is 0 and no AXI transaction of the engine is outstanding or about to "
          "start on m_axi or m_axi_sg (every started transfer finished and written back): the safe "
          "point for detach and reset. 0 while BME is 1"),
    ]),
    R("MSI_PBA", 0x018, "RO", 0,
      "MSI pending bits: one per vector (bits of absent vectors read 0).", [
        F("PENDING", 8, 0, "RO", 0,
          "vector v has a message to send: its event happened while the vector was masked (or "
          "GCTRL.BME was 0), or it is about to go out. Cleared when the message is issued"),
    ]),
    R("MSI_ERR", 0x01C, "W1C", 0,
      "MSI write errors: one per vector (bits of absent vectors read 0).", [
        F("ERR", 8, 0, "W1C", 0,
          "an MSI write of vector v was answered SLVERR or DECERR. The message is dropped, not "
          "retried; the error vector (vector NUM_CHANNELS) is signalled (unless it was the one "
          "that failed) and irq_global rises while GCTRL.GIE is 1"),
    ]),
]

CHANNEL_REGS = [
    R("CTRL", 0x00, "RW", 0, "Channel control.", [
        F("RUN", 0, 0, "RW", 0,
          "1 = run: an IDLE channel starts at once at CUR_DESC (also right after a reset); if its "
          "chain had ended (CUR_DESC bit 0 set) it first reads the last descriptor's NEXT again, as "
          "on a doorbell. Ignored while HALTED (only RESET leaves HALTED). 0 = stop: no new "
          "descriptor starts, those already started finish (state STOPPING, then IDLE, or HALTED "
          "after an error)"),
        F("RESET", 1, 1, "WO", 0,
          "write 1 to reset the channel (a one-cycle pulse to the front end). It clears IRQ_STATUS "
          "at once (a bit the channel sets in the same cycle too), and the channel raises no "
          "interrupt until it is IDLE again. HALTED or IDLE: IDLE at once; RUNNING or STOPPING: it "
          "first lets the started descriptors finish and be written back, like a stop. Then ERR_CODE and "
          "COMPLETED read 0; CUR_DESC is kept. Self-clearing, reads 0. The other CTRL bits of the "
          "same write are stored as written (RESET with RUN = 1 restarts at CUR_DESC once IDLE)"),
        F("IE_DONE", 4, 4, "RW", 0, "interrupt enable for IRQ_STATUS.DONE"),
        F("IE_ERR", 5, 5, "RW", 0, "interrupt enable for IRQ_STATUS.ERR"),
        F("IE_IDLE", 6, 6, "RW", 0, "interrupt enable for IRQ_STATUS.IDLE"),
        F("MSI", 7, 7, "RW", 0,
          "interrupt mode. 0 = wire: irq[c] is the level of IRQ_STATUS & enables. 1 = message: "
          "irq[c] stays 0 and every time the channel sets an enabled IRQ_STATUS bit (DONE after "
          "coalescing, ERR, IDLE) vector c's message is sent (one MSI write; events while one is "
          "still pending merge into it)"),
        F("COAL_COUNT", 23, 16, "RW", 0,
          "interrupt coalescing: raise DONE after this many completed descriptors that have "
          "their IRQ flag set (0 behaves as 1); flagged completions still uncounted are also "
          "signalled when the channel reaches the end of its chain, when a stop completes and "
          "when it halts"),
    ]),
    R("COAL_TIMEOUT", 0x04, "RW", 0,
      "Interrupt coalescing timeout.", [
        F("CYCLES", 31, 0, "RW", 0,
          "clock cycles after the last counted completion before DONE is raised anyway when the "
          "count is below COAL_COUNT (0 = no timeout: pending completions are then signalled at "
          "the end of the chain, a stop or a halt)"),
    ]),
    R("STATUS", 0x08, "RO", 0, "Channel status (live, from the front end).", [
        F("STATE", 1, 0, "RO", 0, "channel state (state code table)"),
        F("WAITING", 2, 2, "RO", 0,
          "running, at the end of its descriptor chain, waiting for a doorbell"),
        F("ERR_CODE", 11, 8, "RO", 0,
          "the error that halted the channel: that of the first descriptor in chain order that "
          "failed (error code table; docs/descriptors.md); final once STATE = HALTED; "
          "0 after a channel reset"),
    ]),
    R("CUR_DESC_LO", 0x10, "RW", 0,
      "Next descriptor address, bits 31:0. A write (only honoured while the channel is IDLE or "
      "HALTED, ignored otherwise) sets where the channel starts: the first descriptor to "
      "execute, or D | 1 to resume after descriptor D (RUN reads D's NEXT first); an address "
      "that is not 64-byte aligned (bits 5:1 not 0) halts the channel with DESC_ALIGN, "
      "ERR_DESC = that address (bit 0 cleared), when it runs. A read returns the live value "
      "from the front end: the first descriptor not started yet, or, at the end of the chain, "
      "the address of the last descriptor with bit 0 (EOC) set. A channel reset keeps it.", [
        F("ADDR", 31, 0, "RW", 0, "descriptor address bits 31:0 (64-byte aligned; bit 0: resume after it)"),
    ]),
    R("CUR_DESC_HI", 0x14, "RW", 0, "Next descriptor address, bits 63:32 (as CUR_DESC_LO).", [
        F("ADDR", 31, 0, "RW", 0, "descriptor address bits 63:32"),
    ]),
    R("ERR_DESC_LO", 0x18, "RO", 0,
      "Address of the descriptor that caused the last halt, bits 31:0: the first descriptor "
      "in chain order that failed. Its error is STATUS.ERR_CODE; meaningful while ERR_CODE "
      "is not 0 (a channel reset does not clear it).", [
        F("ADDR", 31, 0, "RO", 0, "descriptor address bits 31:0"),
    ]),
    R("ERR_DESC_HI", 0x1C, "RO", 0, "Address of the descriptor that caused the last halt, bits 63:32 (as ERR_DESC_LO).", [
        F("ADDR", 31, 0, "RO", 0, "descriptor address bits 63:32"),
    ]),
    R("DOORBELL", 0x20, "WO", 0,
      "Doorbell: any write (whatever the data and strobes) rings it (a one-cycle pulse to the "
      "front end); reads return 0.", [
        F("RING", 31, 0, "WO", 0, "any value"),
    ]),
    R("COMPLETED", 0x24, "RO", 0,
      "Descriptors completed since the last channel reset: those whose STATUS/BYTES write-back "
      "was acknowledged OKAY, with or without a data error. A descriptor whose write-back got an "
      "error response is not counted. After a reset of a running channel it reads 0 (the "
      "descriptors that finish after the RESET write are not counted).", [
        F("COUNT", 31, 0, "RO", 0, "completed descriptors (wraps)"),
    ]),
    R("IRQ_STATUS", 0x28, "W1C", 0,
      "Interrupt status; channel c's irq line is |(IRQ_STATUS & {IE_IDLE, IE_ERR, IE_DONE}).", [
        F("DONE", 0, 0, "W1C", 0, "descriptor completion (after coalescing, CTRL.COAL_COUNT)"),
        F("ERR", 1, 1, "W1C", 0, "an error stopped the channel (see STATUS.ERR_CODE, ERR_DESC)"),
        F("IDLE", 2, 2, "W1C", 0,
          "the channel reached the end of its chain (STATUS.WAITING rose; again after a doorbell "
          "that found nothing appended) or a stop finished (state IDLE; not after a RESET)"),
    ]),
]

VECTOR_REGS = [
    R("ADDR_LO", 0x0, "RW", 0, "Message address, bits 31:0 (4-byte aligned).", [
        F("ADDR", 31, 2, "RW", 0, "message address bits 31:2 (bits 1:0 are 0)"),
    ]),
    R("ADDR_HI", 0x4, "RW", 0, "Message address, bits 63:32.", [
        F("ADDR", 31, 0, "RW", 0, "message address bits 63:32"),
    ]),
    R("DATA", 0x8, "RW", 0, "Message data: the 32-bit word the MSI writes.", [
        F("DATA", 31, 0, "RW", 0, "message data (for an IMSIC: the interrupt identity)"),
    ]),
    R("CTRL", 0xC, "RW", 1, "Vector control.", [
        F("MASK", 0, 0, "RW", 1,
          "1 = masked: an event sets the vector's pending bit (MSI_PBA) and no message is sent; "
          "clearing MASK with the bit pending sends the message once"),
    ]),
]

STATE_CODES = [
    (0, "IDLE", "not running, nothing in flight"),
    (1, "RUNNING", "fetching and executing descriptors"),
    (2, "HALTED", "stopped by an error; reset the channel to continue"),
    (3, "STOPPING", "RUN cleared, an error or a RESET; finishing the descriptors already started"),
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
