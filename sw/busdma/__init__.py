# SPDX-License-Identifier: Apache-2.0
"""busdma: the FreeBSD bus_dma(9) driver API in Python (with NetBSD's
bus_dma(9) in ``busdma.netbsd``, the Linux DMA API in ``busdma.linux`` and
bus_space(9) in ``busdma.bus_space``, over the same core).

The machine-independent layer (``busdma.core``) sits over machine-dependent
platforms: ``BouncePlatform`` (``busdma.bounce``) and ``IommuPlatform``
(``busdma.iommu``), both over host memory from ``busdma.memory``; peer devices'
memory windows (``busdma.peer``) can be registered for peer-to-peer DMA.
"""

from .bounce import BouncePlatform, BounceStats, BounceZone
from . import bus_space as _bus_space
from .bus_space import (
    AsyncBusSpace, AsyncTransportAdapter, AxiLiteTransport, BusSpace, BusSpaceError,
    BusSpaceHandle, RegisterFileModel, bus_space_alloc, bus_space_barrier, bus_space_free,
    bus_space_map, bus_space_subregion, bus_space_unmap,
)
from .constants import *  # noqa: F403 - the BUS_DMA_*, BUS_DMASYNC_*, BUS_SPACE_* names
from .core import (
    Bio, BusDmaError, BusDmaPanic, Ccb, DmaMap, DmaSegment, DmaTag, Mbuf, Memdesc, Platform,
    Uio, bus_dma_dflt_lock, bus_dma_tag_create, bus_dma_tag_destroy, bus_dmamap_create,
    bus_dmamap_destroy, bus_dmamap_load, bus_dmamap_load_bio, bus_dmamap_load_ccb,
    bus_dmamap_load_ma, bus_dmamap_load_mbuf, bus_dmamap_load_mbuf_sg, bus_dmamap_load_mem,
    bus_dmamap_load_phys, bus_dmamap_load_uio, bus_dmamap_sync, bus_dmamap_unload,
    bus_dmamem_alloc, bus_dmamem_free, busdma_lock_mutex, memdesc_bio, memdesc_ccb,
    memdesc_mbuf, memdesc_paddr, memdesc_plist, memdesc_uio, memdesc_vaddr, memdesc_vlist,
    memdesc_vmpages,
)
from .template import (
    BD_ALIGNMENT, BD_BOUNDARY, BD_FLAGS, BD_HIGHADDR, BD_LOCKFUNC, BD_LOCKFUNCARG,
    BD_LOWADDR, BD_MAXSEGSIZE, BD_MAXSIZE, BD_NSEGMENTS, BD_PARENT, BUS_DMA_TEMPLATE_FILL,
    BusDmaParam, BusDmaTemplate, bus_dma_template_clone, bus_dma_template_fill,
    bus_dma_template_init, bus_dma_template_tag,
)
from .iommu import BusSpaceIommuHw, IommuHw, IommuPlatform, IommuStats
from .memory import KvaBuffer, OutOfMemory, PageAllocator, PhysicalMemory, PhysRange
from .peer import PeerRange, PeerWindow
from .riscv_iommu import IommuFault, RiscvIommuModel

# bus_space_{read,write,read_multi,write_multi,read_region,write_region,
# set_multi,set_region,copy_region}_{1,2,4,8}
globals().update({name: getattr(_bus_space, name) for name in dir(_bus_space)
                  if name.startswith("bus_space_")})
