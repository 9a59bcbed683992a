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
