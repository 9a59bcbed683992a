# SPDX-License-Identifier: Apache-2.0
"""The table of blocks that `make synth` measures: one line per block.

    Block(name, top, parameters, allowed memories)

name        the key in bench/results/synth.json and in the tables
top         the RTL module (every file of rtl/manifest.py is read; the hierarchy under `top` is kept)
parameters  overrides of the top's parameters (the rest keep their defaults)
mems        the memories Yosys may infer, as fnmatch patterns on the flattened
            memory name (e.g. "q_w.mem" is the `mem` array of the dma_fifo
            instance q_w).  Any other inferred memory fails `make synth`, as does
            any latch.  The arrays in the RTL: dma_fifo's `mem`, the IOTLB (t_*) of
            dma_iommu_iotlb and the device-context cache (dc_*) of dma_iommu_dc_cache.

To add a block, add one line, e.g.
    Block("dma_fifo", "dma_fifo", {"WIDTH": 64}, ["mem"]),
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Block:
    name: str
    top: str
    params: dict = field(default_factory=dict)
    mems: tuple | list = ()


FIFO_MEM = "*.mem"      # dma_fifo instances anywhere in the hierarchy
IOMMU_MEMS = ("xlate.iotlb.t_*", "xlate.dc_cache.dc_*")   # IOTLB and device-context register arrays (dma_iommu_iotlb, dma_iommu_dc_cache)

BLOCKS = [
    Block("dma_datapath", "dma_datapath", {"DATA_WIDTH": 64, "ADDR_WIDTH": 64, "MAX_BURST_LEN": 256}, [FIFO_MEM]),
    Block("dma_regs",     "dma_regs",     {"NUM_CHANNELS": 4}, []),
    Block("dma_frontend", "dma_frontend", {"NUM_CHANNELS": 4, "DATA_WIDTH": 64, "ADDR_WIDTH": 64}, [FIFO_MEM]),
    Block("dma_engine",   "dma_engine",   {"NUM_CHANNELS": 4, "DATA_WIDTH": 64, "ADDR_WIDTH": 64, "MAX_BURST_LEN": 256}, [FIFO_MEM]),
    # the IOMMU: besides its dma_fifo, Yosys infers the register arrays of dma_iommu_xlate
    # as memories: the IOTLB (t_*, TLB_ENTRIES entries) and the device-context cache (dc_*,
    # one entry per device ID); both are meant to be flip-flops (every entry is read at
    # once by the fully associative lookup), which is what synth_ecp5 makes of them
    Block("dma_iommu",      "dma_iommu",      {"TLB_ENTRIES": 16}, [FIFO_MEM, IOMMU_MEMS[0], IOMMU_MEMS[1]]),
    Block("dma_axi_mux",    "dma_axi_mux",    {"DATA_WIDTH": 64, "ADDR_WIDTH": 64, "S_ID_WIDTH": 4, "USER_WIDTH": 4},
          [FIFO_MEM]),
    Block("dma_axil_split", "dma_axil_split", {"ADDR_WIDTH": 13, "SPLIT_BIT": 12}, []),
    Block("dma_top",        "dma_top",        {"NUM_CHANNELS": 4, "DATA_WIDTH": 64, "TLB_ENTRIES": 16},
          [FIFO_MEM, "*." + IOMMU_MEMS[0], "*." + IOMMU_MEMS[1]]),
]

# Blocks whose area is broken down as shares of another block: {whole: [parts]}.
# Parts are module names: every instance of one of them anywhere in the whole's
# hierarchy is a row of the table (by instance path); what is left is "(glue)".
SHARES = {
    "dma_engine": ["dma_regs", "dma_frontend", "dma_datapath"],
    "dma_top": ["dma_regs", "dma_frontend", "dma_datapath", "dma_iommu", "dma_axi_mux", "dma_axil_split"],
}
