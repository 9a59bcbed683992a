# SPDX-License-Identifier: Apache-2.0
"""Constants of the bus_dma(9) and bus_space(9) interfaces, with FreeBSD's values."""

PAGE_SHIFT = 12
PAGE_SIZE = 1 << PAGE_SHIFT
PAGE_MASK = PAGE_SIZE - 1


def trunc_page(addr: int) -> int:
    return addr & ~PAGE_MASK


def round_page(addr: int) -> int:
    return (addr + PAGE_MASK) & ~PAGE_MASK


def powerof2(value: int) -> bool:
    """FreeBSD's ``powerof2(x)``, ``((((x)-1)&(x))==0)``: true for 0 as well."""
    return value >= 0 and value & (value - 1) == 0


# Address limits (64-bit bus_addr_t, as on amd64 and riscv64).
BUS_SPACE_MAXADDR_24BIT = 0xFFFFFF
BUS_SPACE_MAXADDR_32BIT = 0xFFFFFFFF
BUS_SPACE_MAXADDR = 0xFFFFFFFFFFFFFFFF
BUS_SPACE_MAXSIZE_24BIT = 0xFFFFFF
BUS_SPACE_MAXSIZE_32BIT = 0xFFFFFFFF
BUS_SPACE_MAXSIZE = 0xFFFFFFFFFFFFFFFF
BUS_SPACE_UNRESTRICTED = ~0  # FreeBSD's (~0) in an int: no limit on nsegments

# bus_dma flags (sys/sys/bus_dma.h).
BUS_DMA_WAITOK = 0x00
BUS_DMA_NOWAIT = 0x01
BUS_DMA_ALLOCNOW = 0x02
BUS_DMA_COHERENT = 0x04
BUS_DMA_ZERO = 0x08
BUS_DMA_BUS1 = 0x10
BUS_DMA_BUS2 = 0x20
BUS_DMA_BUS3 = 0x40
BUS_DMA_BUS4 = 0x80
BUS_DMA_NOWRITE = 0x100
BUS_DMA_NOCACHE = 0x200
BUS_DMA_LOAD_MBUF = 0x400

# Operations passed to a bus_dma_lock_t.
BUS_DMA_LOCK = 0x01
BUS_DMA_UNLOCK = 0x02

# bus_dmamap_sync operations.
BUS_DMASYNC_PREREAD = 1
BUS_DMASYNC_POSTREAD = 2
BUS_DMASYNC_PREWRITE = 4
BUS_DMASYNC_POSTWRITE = 8

# bus_space_barrier flags.
BUS_SPACE_BARRIER_READ = 0x01
BUS_SPACE_BARRIER_WRITE = 0x02

# struct uio directions and address spaces.
UIO_READ = 0
UIO_WRITE = 1
UIO_USERSPACE = 0
UIO_SYSSPACE = 1

# struct bio flags (sys/bio.h) that change what bus_dmamap_load_bio maps.
BIO_UNMAPPED = 0x10      # no KVA: bio_ma (page array) + bio_ma_offset
BIO_VLIST = 0x40         # bio_data is a list of virtual segments

# CAM (cam/cam_ccb.h): data direction and data kinds of ccb_h.flags.
CAM_DIR_BOTH = 0x00000000
CAM_DIR_IN = 0x00000040
CAM_DIR_OUT = 0x00000080
CAM_DIR_NONE = 0x000000C0
CAM_DIR_MASK = 0x000000C0
CAM_DATA_VADDR = 0x00000000
CAM_DATA_PADDR = 0x00000010
CAM_DATA_SG = 0x00040000
CAM_DATA_SG_PADDR = 0x00040010
CAM_DATA_BIO = 0x00200000
CAM_DATA_MASK = 0x00240010

# CAM function codes whose CCBs carry data (XPT_FC_DEV_QUEUED included).
XPT_FC_QUEUED = 0x100
XPT_FC_DEV_QUEUED = 0x800 | XPT_FC_QUEUED
XPT_SCSI_IO = 0x01 | XPT_FC_DEV_QUEUED
XPT_ATA_IO = 0x18 | XPT_FC_DEV_QUEUED
XPT_NVME_IO = 0x1C | XPT_FC_DEV_QUEUED
XPT_NVME_ADMIN = 0x1F | XPT_FC_DEV_QUEUED
XPT_CONT_TARGET_IO = 0x33 | XPT_FC_DEV_QUEUED

# struct memdesc kinds (sys/memdesc.h, FreeBSD 13; VMPAGES is FreeBSD 15's
# page-array kind, numbered here after CCB because 13 uses 8 for CCB).
MEMDESC_VADDR = 1
MEMDESC_PADDR = 2
MEMDESC_VLIST = 3
MEMDESC_PLIST = 4
MEMDESC_BIO = 5
MEMDESC_UIO = 6
MEMDESC_MBUF = 7
MEMDESC_CCB = 8
MEMDESC_VMPAGES = 9

# bus_dma_template_t parameter ids (sys/bus_dma.h, FreeBSD 13).
BD_PARAM_INVALID = 0
BD_PARAM_PARENT = 1
BD_PARAM_ALIGNMENT = 2
BD_PARAM_BOUNDARY = 3
BD_PARAM_LOWADDR = 4
BD_PARAM_HIGHADDR = 5
BD_PARAM_MAXSIZE = 6
BD_PARAM_NSEGMENTS = 7
BD_PARAM_MAXSEGSIZE = 8
BD_PARAM_FLAGS = 9
BD_PARAM_LOCKFUNC = 10
BD_PARAM_LOCKFUNCARG = 11

# bus_space_map / bus_space_alloc flags.
BUS_SPACE_MAP_CACHEABLE = 0x01
BUS_SPACE_MAP_LINEAR = 0x02
BUS_SPACE_MAP_PREFETCHABLE = 0x04
