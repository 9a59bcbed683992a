/* SPDX-License-Identifier: Apache-2.0 */
/* openbusdma C driver: helpers shared by obdma.c and obdma_iommu.c (not installed). */
#ifndef OBDMA_INTERNAL_H
#define OBDMA_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "obdma_platform.h"

/* ---- little-endian device memory, accessed as aligned 32-bit words ---- */
static inline int ob_host_le(void)
{
    const uint16_t one = 1u;
    return *(const uint8_t *)(const void *)&one == 1u;
}

static inline uint32_t ob_le32(uint32_t v)
{
    if (ob_host_le())
        return v;
    return (v >> 24) | ((v >> 8) & 0x0000FF00u) | ((v << 8) & 0x00FF0000u) | (v << 24);
}

static inline void ob_st32(void *base, size_t off, uint32_t v)
{
    volatile uint32_t *p = (volatile uint32_t *)(void *)((uint8_t *)base + off);
    *p = ob_le32(v);
}

static inline uint32_t ob_ld32(const void *base, size_t off)
{
    const volatile uint32_t *p = (const volatile uint32_t *)(const void *)((const uint8_t *)base + off);
    return ob_le32(*p);
}

static inline uint64_t ob_ld64(const void *base, size_t off)
{
    return (uint64_t)ob_ld32(base, off) | (uint64_t)ob_ld32(base, off + 4u) << 32;
}

static inline uint32_t ob_lo(uint64_t v) { return (uint32_t)(v & 0xFFFFFFFFu); }
static inline uint32_t ob_hi(uint64_t v) { return (uint32_t)(v >> 32); }

/* n / d without the compiler's 64-bit division routine (32-bit targets, no runtime) */
static inline uint64_t ob_div64(uint64_t n, uint64_t d)
{
    uint64_t q = 0u, r = 0u;
    int i;
    if (d == 0u)
        return 0u;
    if ((d >> 32) == 0u && (n >> 32) == 0u)
        return (uint64_t)((uint32_t)n / (uint32_t)d);
    for (i = 63; i >= 0; i--) {
        r = (r << 1) | ((n >> i) & 1u);
        if (r >= d) {
            r -= d;
            q |= (uint64_t)1 << i;
        }
    }
    return q;
}

static inline void ob_zero(void *p, size_t n)
{
    volatile uint8_t *b = (volatile uint8_t *)p;
    size_t i;
    for (i = 0; i < n; i++)
        b[i] = 0u;
}

/* F##_MASK / F##_SHIFT field of v (dma_iommu_regs.h has no helper of its own) */
#define OB_FIELD(f, v) (((v) & f##_MASK) >> f##_SHIFT)

/* ---- platform hooks ---- */
static inline uint32_t ob_rd(const struct obdma_platform *p, uint32_t off) { return p->read32(p->ctx, off); }
static inline void ob_wr(const struct obdma_platform *p, uint32_t off, uint32_t v) { p->write32(p->ctx, off, v); }
static inline void ob_wmb(const struct obdma_platform *p) { if (p->wmb) p->wmb(p->ctx); }
static inline void ob_rmb(const struct obdma_platform *p) { if (p->rmb) p->rmb(p->ctx); }

static inline void ob_clean(const struct obdma_platform *p, const void *a, size_t n)
{
    if (p->cache_clean)
        p->cache_clean(p->ctx, a, n);
}

static inline void ob_inval(const struct obdma_platform *p, const void *a, size_t n)
{
    if (p->cache_inval)
        p->cache_inval(p->ctx, a, n);
}

static inline uint32_t ob_budget(const struct obdma_platform *p)
{
    return p->poll_budget ? p->poll_budget : OBDMA_DEFAULT_POLL_BUDGET;
}

static inline void ob_pause(const struct obdma_platform *p)
{
    if (p->delay_us)
        p->delay_us(p->ctx, p->poll_interval_us ? p->poll_interval_us : 1u);
}

/* CPU address -> bus address of the whole range [cpu, cpu+len); -1 if not contiguous */
static inline int ob_to_bus(const struct obdma_platform *p, const void *cpu, size_t len, uint64_t *bus)
{
    size_t contig = len;
    if (!p->to_bus || p->to_bus(p->ctx, cpu, len, bus, &contig) != 0 || contig < len)
        return -1;
    return 0;
}

/* The caller's platform layer, field by field (an aggregate copy may become a call to
 * memcpy, and the library needs no function of a C library). */
static inline void obdma_copy_platform(struct obdma_platform *to, const struct obdma_platform *from)
{
    to->ctx = from->ctx;
    to->read32 = from->read32;
    to->write32 = from->write32;
    to->wmb = from->wmb;
    to->rmb = from->rmb;
    to->to_bus = from->to_bus;
    to->cache_clean = from->cache_clean;
    to->cache_inval = from->cache_inval;
    to->delay_us = from->delay_us;
    to->poll_budget = from->poll_budget;
    to->poll_interval_us = from->poll_interval_us;
}

#endif /* OBDMA_INTERNAL_H */
