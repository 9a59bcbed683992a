# SPDX-License-Identifier: Apache-2.0
"""Descriptor format of the DMA engine (docs/descriptors.md).

A descriptor is 64 bytes, 64-byte aligned, little-endian:

    0x00 NEXT    u64  next descriptor address; bit 0 = EOC (end of chain)
    0x08 SRC     u64  source address (ignored for a stream source)
    0x10 DST     u64  destination address (ignored for a stream destination)
    0x18 LEN     u32  bytes to move, 1 .. 2**LEN_WIDTH - 1
    0x1C CTRL    u32  [0] IRQ, [1] SRC_STREAM, [2] DST_STREAM, [3] EOP,
                      [23:4] reserved (0), [31:24] MAGIC = 0xD5
    0x20 STATUS  u32  written by the engine: [31] DONE, [30] EOP, [3:0] ERR
    0x24 BYTES   u32  written by the engine: bytes moved
    0x28 USER    u64  for software; never touched by the engine
    0x30         16 bytes reserved, ignored
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

from dmaengine import desc_defs as D

# The layout's single source is regmap/desc_map.py (generated into desc_defs.py,
# include/dma_desc.h and rtl/include/dma_desc_defs.vh); these are its short names.
DESC_SIZE = D.DMA_DESC_SIZE
DESC_ALIGN = D.DMA_DESC_ALIGN

OFF_NEXT = D.DMA_DESC_NEXT
OFF_SRC = D.DMA_DESC_SRC
OFF_DST = D.DMA_DESC_DST
OFF_LEN = D.DMA_DESC_LEN
OFF_CTRL = D.DMA_DESC_CTRL
OFF_STATUS = D.DMA_DESC_STATUS
OFF_BYTES = D.DMA_DESC_BYTES
OFF_USER = D.DMA_DESC_USER

NEXT_EOC = D.DMA_DESC_NEXT_EOC_MASK

CTRL_IRQ = D.DMA_DESC_CTRL_IRQ_MASK
CTRL_SRC_STREAM = D.DMA_DESC_CTRL_SRC_STREAM_MASK
CTRL_DST_STREAM = D.DMA_DESC_CTRL_DST_STREAM_MASK
CTRL_EOP = D.DMA_DESC_CTRL_EOP_MASK
CTRL_MAGIC = D.DMA_DESC_MAGIC << D.DMA_DESC_CTRL_MAGIC_SHIFT

STATUS_DONE = D.DMA_DESC_STATUS_DONE_MASK
STATUS_EOP = D.DMA_DESC_STATUS_EOP_MASK
STATUS_ERR_MASK = D.DMA_DESC_STATUS_ERR_MASK

_LAYOUT = "<QQQIIIIQ16x"   # NEXT SRC DST LEN CTRL STATUS BYTES USER, reserved
assert struct.calcsize(_LAYOUT) == DESC_SIZE


@dataclass
class Descriptor:
    src: int = 0
    dst: int = 0
    length: int = 0
    irq: bool = False
    src_stream: bool = False
    dst_stream: bool = False
    eop: bool = False
    next: int = NEXT_EOC
    user: int = 0

    @property
    def ctrl(self) -> int:
        return (CTRL_MAGIC | (CTRL_IRQ if self.irq else 0) | (CTRL_SRC_STREAM if self.src_stream else 0)
                | (CTRL_DST_STREAM if self.dst_stream else 0) | (CTRL_EOP if self.eop else 0))

    def pack(self, ctrl: int | None = None) -> bytes:
        """The 64 bytes as software writes them (STATUS and BYTES zero)."""
        return struct.pack(_LAYOUT, self.next, self.src, self.dst, self.length,
                           self.ctrl if ctrl is None else ctrl, 0, 0, self.user)


@dataclass
class Completion:
    done: bool
    eop: bool
    error: int
    nbytes: int


def unpack_completion(desc: bytes) -> Completion:
    """STATUS and BYTES of a descriptor image (64 bytes, or at least 0x28)."""
    status, nbytes = struct.unpack_from("<II", desc, OFF_STATUS)
    return Completion(bool(status & STATUS_DONE), bool(status & STATUS_EOP), status & STATUS_ERR_MASK, nbytes)
