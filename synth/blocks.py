"""The table of blocks that `make synth` measures: one line per block.

    Block(name, top, parameters, allowed memories)

name        the key in bench/results/synth.json and in the tables
top         the RTL module (every rtl/*.v is read; the hierarchy under `top` is kept)
parameters  overrides of the top's parameters (the rest keep their defaults)
mems        the memories Yosys may infer, as fnmatch patterns on the flattened
            memory name (e.g. "q_w.mem" is the `mem` array of the dma_fifo
            instance q_w).  Any other inferred memory fails `make synth`, as does
            any latch.  The only array in the RTL today is dma_fifo's `mem`.

To add a block, add one line (e.g. the IOMMU once rtl/dma_iommu*.v lands):
    Block("dma_iommu", "dma_iommu", {"TLB_ENTRIES": 16}, ["*.mem"]),
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

BLOCKS = [
    Block("dma_datapath", "dma_datapath", {"DATA_WIDTH": 64, "ADDR_WIDTH": 64, "MAX_BURST_LEN": 256}, [FIFO_MEM]),
    Block("dma_regs",     "dma_regs",     {"NUM_CHANNELS": 4}, []),
    Block("dma_frontend", "dma_frontend", {"NUM_CHANNELS": 4, "DATA_WIDTH": 64, "ADDR_WIDTH": 64}, [FIFO_MEM]),
    Block("dma_engine",   "dma_engine",   {"NUM_CHANNELS": 4, "DATA_WIDTH": 64, "ADDR_WIDTH": 64, "MAX_BURST_LEN": 256}, [FIFO_MEM]),
    # IOMMU (rtl/dma_iommu*.v): Yosys infers the IOTLB (t_*) and device-context cache (dc_*)
    # arrays of dma_iommu_xlate as 16-entry memories; uncomment once their owner confirms them:
    # Block("dma_iommu", "dma_iommu", {"TLB_ENTRIES": 16}, [FIFO_MEM, "xlate.t_*", "xlate.dc_*"]),
    # Block("dma_top",   "dma_top",   {"NUM_CHANNELS": 4, "DATA_WIDTH": 64, "TLB_ENTRIES": 16}, [FIFO_MEM, "*.xlate.t_*", "*.xlate.dc_*"]),
]

# Blocks whose area is broken down as shares of another block: {whole: [parts]}.
# Parts are matched to the whole's instances in docs/synthesis.md; add the IOMMU here too.
SHARES = {"dma_engine": ["dma_regs", "dma_frontend", "dma_datapath"]}
