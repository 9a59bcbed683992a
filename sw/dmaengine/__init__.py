# SPDX-License-Identifier: Apache-2.0
"""dmaengine: software support for the openbusdma DMA engine.

`dmaengine.regs` holds the register map (generated from regmap/dma_regmap.py).
"""
