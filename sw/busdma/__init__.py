"""busdma: the FreeBSD bus_dma(9) driver API in Python.

The machine-independent layer (``busdma.core``) sits over machine-dependent
platforms: ``BouncePlatform`` (``busdma.bounce``) and ``IommuPlatform``
(``busdma.iommu``), both over host memory from ``busdma.memory``.
"""

from .bounce import BouncePlatform, BounceStats, BounceZone
from .bus_space import (
    AsyncBusSpace, AsyncTransportAdapter, AxiLiteTransport, BusSpace, RegisterFileModel,
    bus_space_barrier, bus_space_read_1,
    bus_space_read_2, bus_space_read_4, bus_space_read_8, bus_space_write_1,
    bus_space_write_2, bus_space_write_4, bus_space_write_8,
)
from .constants import *  # noqa: F403 - the BUS_DMA_*, BUS_DMASYNC_*, BUS_SPACE_* names
from .core import (
    BusDmaError, BusDmaPanic, DmaMap, DmaSegment, DmaTag, Mbuf, Platform, Uio,
    bus_dma_dflt_lock, bus_dma_tag_create, bus_dma_tag_destroy, bus_dmamap_create,
    bus_dmamap_destroy, bus_dmamap_load, bus_dmamap_load_mbuf, bus_dmamap_load_mbuf_sg,
    bus_dmamap_load_phys, bus_dmamap_load_uio, bus_dmamap_sync, bus_dmamap_unload,
    bus_dmamem_alloc, bus_dmamem_free, busdma_lock_mutex,
)
from .iommu import BusSpaceIommuHw, IommuHw, IommuPlatform, IommuStats
from .memory import KvaBuffer, OutOfMemory, PageAllocator, PhysicalMemory, PhysRange
from .riscv_iommu import IommuFault, RiscvIommuModel
