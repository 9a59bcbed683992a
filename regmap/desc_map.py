# SPDX-License-Identifier: Apache-2.0
"""The descriptor format: the single source of its layout and bits.

Plain data, like regmap/dma_regmap.py. regmap/gen_regmap.py (regmap/gen_desc.py)
generates include/dma_desc.h (C), rtl/include/dma_desc_defs.vh (Verilog) and
sw/dmaengine/desc_defs.py (Python; sw/dmaengine/descriptor.py builds on it).
docs/descriptors.md describes the semantics.

A descriptor is SIZE bytes, ALIGN-byte aligned, little-endian.
Word:  (name, offset, bytes, written by, description)
Bit:   (word, name, msb, lsb, description)
"""

PREFIX = "DMA_DESC"
SIZE = 64
ALIGN = 64
MAGIC = 0xD5          # CTRL.MAGIC

WORDS = [
    ("NEXT", 0x00, 8, "software", "next descriptor address; bit 0 = EOC (end of chain)"),
    ("SRC", 0x08, 8, "software", "source address (ignored for a stream source)"),
    ("DST", 0x10, 8, "software", "destination address (ignored for a stream destination)"),
    ("LEN", 0x18, 4, "software", "bytes to move, 1 to 2^LEN_WIDTH-1"),
    ("CTRL", 0x1C, 4, "software", "control: kind, interrupt, end of packet, MAGIC"),
    ("STATUS", 0x20, 4, "engine", "completion status (software writes 0 before handing it over)"),
    ("BYTES", 0x24, 4, "engine", "bytes moved"),
    ("USER", 0x28, 8, "software", "for software; never read or written by the engine"),
]
RESERVED = (0x30, 16)   # ignored by the engine

BITS = [
    ("NEXT", "EOC", 0, 0, "end of chain: no descriptor follows (yet)"),
    ("CTRL", "IRQ", 0, 0, "count this descriptor's completion for the DONE interrupt"),
    ("CTRL", "SRC_STREAM", 1, 1, "the source is the s_axis stream"),
    ("CTRL", "DST_STREAM", 2, 2, "the destination is the m_axis stream"),
    ("CTRL", "EOP", 3, 3, "memory -> stream: TLAST on this descriptor's last beat"),
    ("CTRL", "RSVD", 23, 4, "reserved, must be 0"),
    ("CTRL", "MAGIC", 31, 24, "must be 0xD5"),
    ("STATUS", "ERR", 3, 0, "error code (the register map's error code table); 0 = OK"),
    ("STATUS", "EOP", 30, 30, "stream -> memory: the packet ended in this descriptor (TLAST)"),
    ("STATUS", "DONE", 31, 31, "the engine finished this descriptor"),
]
