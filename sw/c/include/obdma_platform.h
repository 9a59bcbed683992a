/* SPDX-License-Identifier: Apache-2.0 */
/* openbusdma C driver: the platform layer the user fills in (docs/c-driver.md).
 *
 * The library never touches hardware or memory management directly: every register
 * access, barrier, address translation, cache operation and delay goes through one of
 * these hooks. Only read32, write32 and to_bus are required; the others may be NULL. */
#ifndef OBDMA_PLATFORM_H
#define OBDMA_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct obdma_platform {
    /* passed back to every hook */
    void *ctx;

    /* 32-bit register access at a byte offset of the register window (the engine page at 0,
     * the IOMMU page at 0x1000 on dma_top). Required. */
    uint32_t (*read32)(void *ctx, uint32_t offset);
    void (*write32)(void *ctx, uint32_t offset, uint32_t value);

    /* Memory barriers. wmb: CPU stores to memory made before it are visible to the
     * device before any register write made after it. rmb: a register read made before
     * it completes before memory loads made after it. NULL: the register accessors
     * already order memory (e.g. they contain the fences themselves). */
    void (*wmb)(void *ctx);
    void (*rmb)(void *ctx);

    /* CPU address -> device (bus) address of memory handed to the library (descriptor
     * rings, IOMMU tables and queues). Returns 0 and the bus address of `cpu`; *contig
     * (if not NULL) gets the bytes from `cpu` on that are contiguous on the bus (at most
     * len). Non-zero: not translatable. Required. */
    int (*to_bus)(void *ctx, const void *cpu, size_t len, uint64_t *bus, size_t *contig);

    /* Optional cache maintenance of the memory the library writes (clean: write back
     * to memory) and reads after the device wrote it (inval: discard cached lines).
     * NULL for coherent memory. */
    void (*cache_clean)(void *ctx, const void *cpu, size_t len);
    void (*cache_inval)(void *ctx, const void *cpu, size_t len);

    /* Time source for bounded waits: called between two polls (NULL: poll back to back).
     * Every wait polls at most poll_budget times (0: OBDMA_DEFAULT_POLL_BUDGET), calling
     * delay_us(ctx, poll_interval_us) between polls, then gives up with OBDMA_ETIMEDOUT. */
    void (*delay_us)(void *ctx, uint32_t us);
    uint32_t poll_budget;
    uint32_t poll_interval_us;
};

#define OBDMA_DEFAULT_POLL_BUDGET 100000u

#ifdef __cplusplus
}
#endif

#endif /* OBDMA_PLATFORM_H */
