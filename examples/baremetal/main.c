/* SPDX-License-Identifier: Apache-2.0 */
/* Bare-metal example: the CPU beside the engine on an FPGA (no OS, no MMU, caches off or
 * coherent), memory-mapped registers at OBDMA_REGS, physical address = CPU address.
 * One memory copy by polling, then the IOMMU (dma_top) in 1LVL mode with channel 0's
 * buffers behind IOVAs. Build: see examples/README.md (compiled by the strict-build test). */
#include <stddef.h>
#include <stdint.h>

#include "obdma.h"
#include "obdma_iommu.h"

#ifndef OBDMA_REGS
#define OBDMA_REGS 0x40000000u      /* where the SoC puts the engine's AXI4-Lite window */
#endif

/* ---- the platform layer ---- */
static uint32_t reg_read(void *ctx, uint32_t off)
{
    (void)ctx;
    return *(volatile uint32_t *)(uintptr_t)(OBDMA_REGS + off);
}

static void reg_write(void *ctx, uint32_t off, uint32_t v)
{
    (void)ctx;
    *(volatile uint32_t *)(uintptr_t)(OBDMA_REGS + off) = v;
}

static void fence(void *ctx)
{
    (void)ctx;
#if defined(__riscv)
    __asm__ volatile("fence iorw, iorw" ::: "memory");
#elif defined(__GNUC__)
    __sync_synchronize();
#endif
}

static int to_bus(void *ctx, const void *cpu, size_t len, uint64_t *bus, size_t *contig)
{
    (void)ctx;
    *bus = (uint64_t)(uintptr_t)cpu;    /* identity: no MMU */
    if (contig)
        *contig = len;
    return 0;
}

static void spin_us(void *ctx, uint32_t us)
{
    volatile uint32_t n = us * 50u;     /* roughly, for a 100 MHz core */
    (void)ctx;
    while (n)
        n--;
}

/* ---- memory the driver is given (static: no allocation) ---- */
#define NSLOTS 32u
static uint8_t ring0[NSLOTS * 64u] __attribute__((aligned(64)));
static uint8_t src[4096] __attribute__((aligned(8)));
static uint8_t dst[4096] __attribute__((aligned(8)));
static uint8_t ddt[4096] __attribute__((aligned(4096)));
static uint8_t cq[4096] __attribute__((aligned(4096)));
static uint8_t fq[4096] __attribute__((aligned(4096)));
static uint32_t fence_word;
static uint8_t pt_pool[8][4096] __attribute__((aligned(4096)));

static struct obdma_dev dev;
static struct obdma_iommu iommu;
static struct obdma_iommu_domain dom0;
static volatile unsigned faults;

static void on_fault(const struct obdma_iommu_fault *f, void *arg)
{
    (void)f;
    (void)arg;
    faults++;
}

static int copy(uint64_t s, uint64_t d, uint64_t n)
{
    struct obdma_req req = {0};
    int rc;
    req.kind = OBDMA_M2M;
    req.src = s;
    req.dst = d;
    req.len = n;
    rc = obdma_submit(&dev, 0, &req);
    if (rc)
        return rc;
    rc = obdma_wait(&dev, &req);        /* polling */
    return rc ? rc : req.status;
}

int main(void)
{
    struct obdma_platform plat = {0};
    struct obdma_iommu_mem mem = {0};
    uint64_t s_bus, d_bus;
    unsigned i;
    int rc;

    plat.read32 = reg_read;
    plat.write32 = reg_write;
    plat.wmb = fence;
    plat.rmb = fence;
    plat.to_bus = to_bus;
    plat.delay_us = spin_us;
    plat.poll_budget = 1000000u;

    rc = obdma_init(&dev, &plat);
    if (rc)
        return 1;
    if (obdma_chan_setup(&dev, 0, ring0, OBDMA_BUS_AUTO, NSLOTS))
        return 2;
    for (i = 0; i < sizeof(src); i++)
        src[i] = (uint8_t)i;
    obdma_sync_for_device(&dev, src, sizeof(src));
    if (obdma_bus_addr(&dev, src, sizeof(src), &s_bus) || obdma_bus_addr(&dev, dst, sizeof(dst), &d_bus))
        return 3;
    if (!dev.caps.iommu)
        return copy(s_bus + 3u, d_bus + 5u, 4000u) ? 4 : 0;

    /* dma_top: bring the IOMMU up, give channel 0 its own address space */
    mem.ddt = ddt;
    mem.cq = cq;
    mem.cq_log2 = 8u;
    mem.fq = fq;
    mem.fq_log2 = 7u;
    mem.fence = &fence_word;
    mem.pt_pool = pt_pool;
    mem.pt_pages = 8u;
    if (obdma_iommu_init(&iommu, &plat, OBDMA_IOMMU_DMA_TOP_BASE, &mem))
        return 5;
    if (obdma_iommu_set_mode(&iommu, OBDMA_IOMMU_BARE) || copy(s_bus, d_bus, 100u))
        return 6;
    if (obdma_iommu_set_mode(&iommu, OBDMA_IOMMU_1LVL) || obdma_iommu_domain_init(&iommu, &dom0, 1u))
        return 7;
    {
        uint64_t ring_bus;
        (void)obdma_bus_addr(&dev, ring0, sizeof(ring0), &ring_bus);
        if (obdma_iommu_map_range(&dom0, 0x100000u + (ring_bus & 0xFFFu), ring_bus, sizeof(ring0),
                                  OBDMA_IOMMU_READ | OBDMA_IOMMU_WRITE) ||
            obdma_iommu_map_range(&dom0, 0x200000u + (s_bus & 0xFFFu), s_bus, sizeof(src), OBDMA_IOMMU_READ) ||
            obdma_iommu_map_range(&dom0, 0x300000u + (d_bus & 0xFFFu), d_bus, sizeof(dst),
                                  OBDMA_IOMMU_READ | OBDMA_IOMMU_WRITE))
            return 8;
        if (obdma_chan_setup(&dev, 0, ring0, 0x100000u + (ring_bus & 0xFFFu), NSLOTS) ||
            obdma_iommu_attach(&iommu, 0u, &dom0))
            return 9;
    }
    rc = copy(0x200000u + (s_bus & 0xFFFu), 0x300000u + (d_bus & 0xFFFu), 4096u);
    (void)obdma_iommu_fault_drain(&iommu, on_fault, NULL);
    obdma_sync_for_cpu(&dev, dst, sizeof(dst));
    return rc || faults ? 10 : 0;
}
