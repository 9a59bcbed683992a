/* SPDX-License-Identifier: Apache-2.0 */
/* openbusdma C driver: the RISC-V IOMMU subset of dma_top (docs/iommu.md, docs/c-driver.md).
 *
 * Register offsets and fields come from the generated dma_iommu_regs.h; the in-memory
 * formats (device context, Sv39 PTEs, commands, fault records) are the RISC-V IOMMU
 * specification's (src/obdma_iommu_spec.h). All memory is the caller's: the device
 * directory page, the command and fault queues, a completion word for IOFENCE.C and a
 * pool of 4 KiB pages for the page tables; the IOMMU reads and writes them by physical
 * address (the platform's to_bus). Calls are not reentrant (serialise them). */
#ifndef OBDMA_IOMMU_H
#define OBDMA_IOMMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "obdma.h"
#include "obdma_platform.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OBDMA_IOMMU_PAGE     4096u
#define OBDMA_IOMMU_SZ_4K    0x1000u
#define OBDMA_IOMMU_SZ_2M    0x200000u
#define OBDMA_IOMMU_READ     0x1u      /* map: device may read */
#define OBDMA_IOMMU_WRITE    0x2u      /* map: device may write (needs READ: Sv39 has no write-only) */
#define OBDMA_IOMMU_GLOBAL   0x4u      /* map: global mapping (not invalidated by PSCID) */

enum obdma_iommu_mode { OBDMA_IOMMU_OFF = 0, OBDMA_IOMMU_BARE = 1, OBDMA_IOMMU_1LVL = 2 };

/* fault causes (RISC-V IOMMU specification, fault-record CAUSE) */
#define OBDMA_IOMMU_CAUSE_READ_ACCESS   5u
#define OBDMA_IOMMU_CAUSE_WRITE_ACCESS  7u
#define OBDMA_IOMMU_CAUSE_READ_PAGE     13u
#define OBDMA_IOMMU_CAUSE_WRITE_PAGE    15u
#define OBDMA_IOMMU_CAUSE_ALL_OFF       256u
#define OBDMA_IOMMU_CAUSE_DDT_LOAD      257u
#define OBDMA_IOMMU_CAUSE_DDT_INVALID   258u
#define OBDMA_IOMMU_CAUSE_DDT_MISCONF   259u
#define OBDMA_IOMMU_TTYP_READ           2u
#define OBDMA_IOMMU_TTYP_WRITE          3u

/* memory handed to obdma_iommu_init (CPU addresses; each must be translatable by to_bus) */
struct obdma_iommu_mem {
    void *ddt;              /* 4 KiB, 4 KiB aligned: device directory (1LVL, 128 device contexts) */
    void *cq;               /* 16 << cq_log2 bytes, 4 KiB aligned (and aligned to its size if larger) */
    unsigned cq_log2;       /* log2 of the command-queue entries, 1..20 */
    void *fq;               /* 32 << fq_log2 bytes, same alignment rule */
    unsigned fq_log2;
    void *fence;            /* 4 bytes, 4-byte aligned: IOFENCE.C completion word */
    void *pt_pool;          /* pt_pages pages of 4 KiB, 4 KiB aligned: page tables */
    uint32_t pt_pages;
};

struct obdma_iommu_fault {
    uint32_t cause;         /* OBDMA_IOMMU_CAUSE_* */
    uint32_t ttyp;          /* transaction type: 2 read, 3 write */
    uint32_t did;           /* device ID = engine channel */
    uint32_t pid;
    bool pv, priv;
    uint64_t iotval;        /* the faulting IOVA */
    uint64_t iotval2;
};

typedef void (*obdma_fault_fn)(const struct obdma_iommu_fault *fault, void *arg);

struct obdma_iommu {
    struct obdma_platform plat;
    uint32_t base;              /* offset of the IOMMU page on the register port */
    uint64_t caps;
    uint8_t *ddt, *cq, *fq, *fence, *pool;
    uint64_t ddt_pa, cq_pa, fq_pa, fence_pa, pool_pa;
    uint32_t cq_mask, fq_mask, cq_tail, fq_head, pool_pages, pool_next, fence_seq;
    uint32_t fq_overflows, fq_memfaults, faults;
    enum obdma_iommu_mode mode;
};

/* one Sv39 address space (PSCID) */
struct obdma_iommu_domain {
    struct obdma_iommu *iommu;
    uint8_t *root;
    uint64_t root_pa;
    uint32_t pscid;
};

int obdma_iommu_init(struct obdma_iommu *iommu, const struct obdma_platform *plat, uint32_t reg_base,
                     const struct obdma_iommu_mem *mem);
#define OBDMA_IOMMU_DMA_TOP_BASE 0x1000u    /* = IOMMU_DMA_TOP_BASE of dma_iommu_regs.h */
int obdma_iommu_set_mode(struct obdma_iommu *iommu, enum obdma_iommu_mode mode);

int obdma_iommu_domain_init(struct obdma_iommu *iommu, struct obdma_iommu_domain *dom, uint32_t pscid);
int obdma_iommu_attach(struct obdma_iommu *iommu, uint32_t device_id, const struct obdma_iommu_domain *dom);
int obdma_iommu_detach(struct obdma_iommu *iommu, uint32_t device_id);

int obdma_iommu_map(struct obdma_iommu_domain *dom, uint64_t iova, uint64_t pa, uint64_t size, unsigned prot);
int obdma_iommu_map_range(struct obdma_iommu_domain *dom, uint64_t iova, uint64_t pa, uint64_t len, unsigned prot);
int obdma_iommu_unmap(struct obdma_iommu_domain *dom, uint64_t iova, uint64_t size);  /* no invalidation */
int obdma_iommu_unmap_sync(struct obdma_iommu_domain *dom, uint64_t iova, uint64_t size);  /* + inval + fence */
int obdma_iommu_translate(const struct obdma_iommu_domain *dom, uint64_t iova, uint64_t *pa, unsigned *prot);

/* command queue */
int obdma_iommu_inval_vma(struct obdma_iommu *iommu, const struct obdma_iommu_domain *dom, bool one_page,
                          uint64_t iova);      /* dom NULL: every address space */
int obdma_iommu_inval_ddt(struct obdma_iommu *iommu, int32_t device_id);   /* < 0: all */
int obdma_iommu_fence(struct obdma_iommu *iommu);   /* IOFENCE.C, wait for its completion write */

/* fault queue: each record to fn (may be NULL), then fqh advanced; returns the count */
int obdma_iommu_fault_drain(struct obdma_iommu *iommu, obdma_fault_fn fn, void *arg);
int obdma_iommu_irq_handler(struct obdma_iommu *iommu, obdma_fault_fn fn, void *arg);   /* irq_iommu */

#ifdef __cplusplus
}
#endif

#endif /* OBDMA_IOMMU_H */
