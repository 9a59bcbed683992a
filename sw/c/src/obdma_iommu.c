/* SPDX-License-Identifier: Apache-2.0 */
/* openbusdma C driver: the RISC-V IOMMU subset of dma_top (docs/iommu.md).
 *
 * Follows the Python reference (sw/busdma/riscv_iommu.py, busdma's IOMMU platform):
 * a 1-level device directory of base-format device contexts, one Sv39 first stage per
 * domain, the command queue (IOTINVAL.VMA, IODIR.INVAL_DDT, IOFENCE.C with a completion
 * write) and the fault queue. Register offsets and fields: dma_iommu_regs.h. */
#include "obdma_iommu.h"

#include "dma_iommu_regs.h"
#include "obdma_internal.h"
#include "obdma_iommu_spec.h"

#if IOMMU_DMA_TOP_BASE != 0x1000
#error "OBDMA_IOMMU_DMA_TOP_BASE must equal IOMMU_DMA_TOP_BASE of dma_iommu_regs.h"
#endif

#define PAGE       4096u
#define PAGE_SHIFT 12
#define PTE_LEAF   (RV_PTE_R | RV_PTE_W | RV_PTE_X)
#define PA_LIMIT   ((uint64_t)1 << IOMMU_PAS_MAX)
#define DDT_ENTRIES (PAGE / RV_DC_SIZE)

/* ------------------------------------------------------------------ registers */

static uint32_t rd32(const struct obdma_iommu *m, uint32_t off)
{
    return ob_rd(&m->plat, m->base + off);
}

static void wr32(const struct obdma_iommu *m, uint32_t off, uint32_t v)
{
    ob_wr(&m->plat, m->base + off, v);
}

static uint64_t rd64(const struct obdma_iommu *m, uint32_t off)
{
    uint64_t lo = rd32(m, off);
    return lo | (uint64_t)rd32(m, off + 4u) << 32;
}

/* 8-byte registers: high half first, then low (the low half holds the mode / size) */
static void wr64(const struct obdma_iommu *m, uint32_t off, uint64_t v)
{
    wr32(m, off + 4u, ob_hi(v));
    wr32(m, off, ob_lo(v));
}

static uint64_t ppn_field(uint64_t pa)
{
    return ((pa >> PAGE_SHIFT) << IOMMU_DDTP_PPN_SHIFT) & IOMMU_DDTP_PPN_MASK;
}

/* ------------------------------------------------------------------ memory words */

/* a 64-bit word that the IOMMU may read at any time: the half holding V last */
static void st64_publish(const struct obdma_iommu *m, uint8_t *p, uint64_t v)
{
    ob_st32(p, 4u, ob_hi(v));
    ob_wmb(&m->plat);
    ob_st32(p, 0u, ob_lo(v));
    ob_clean(&m->plat, p, 8u);
}

/* ... and its removal: the half holding V first */
static void st64_retract(const struct obdma_iommu *m, uint8_t *p)
{
    ob_st32(p, 0u, 0u);
    ob_wmb(&m->plat);
    ob_st32(p, 4u, 0u);
    ob_clean(&m->plat, p, 8u);
}

static uint64_t ld64_dev(const struct obdma_iommu *m, const uint8_t *p)
{
    ob_inval(&m->plat, p, 8u);
    return ob_ld64(p, 0u);
}

static int region(const struct obdma_iommu *m, void *cpu, size_t len, size_t align, uint64_t *pa)
{
    if (!cpu)
        return OBDMA_EINVAL;
    if ((uintptr_t)cpu & ((align < 8u ? align : 8u) - 1u))
        return OBDMA_EALIGN;    /* the CPU side: aligned 32-bit words; the IOMMU's side below */
    if (ob_to_bus(&m->plat, cpu, len, pa))
        return OBDMA_EFAULT;
    if (*pa & (uint64_t)(align - 1u))     /* align: a power of two */
        return OBDMA_EALIGN;
    if (*pa + len > PA_LIMIT)
        return OBDMA_EINVAL;
    return OBDMA_OK;
}

/* ------------------------------------------------------------------ queues */

static int wait_bits(const struct obdma_iommu *m, uint32_t off, uint32_t mask, uint32_t want)
{
    uint32_t n, budget = ob_budget(&m->plat);
    for (n = 0; n < budget; n++) {
        if ((rd32(m, off) & mask) == want)
            return OBDMA_OK;
        ob_pause(&m->plat);
    }
    return OBDMA_ETIMEDOUT;
}

static int cq_start(struct obdma_iommu *m)
{
    int rc;
    uint32_t log2 = 0;
    while ((1u << log2) <= m->cq_mask)
        log2++;
    wr32(m, IOMMU_REG_CQCSR, 0u);
    rc = wait_bits(m, IOMMU_REG_CQCSR, IOMMU_CQCSR_CQON_MASK, 0u);
    if (rc)
        return rc;
    wr64(m, IOMMU_REG_CQB, ppn_field(m->cq_pa) | (uint64_t)((log2 - 1u) & IOMMU_CQB_LOG2SZ_1_MASK));
    wr32(m, IOMMU_REG_CQT, 0u);
    m->cq_tail = 0u;
    wr32(m, IOMMU_REG_CQCSR, IOMMU_CQCSR_CQEN_MASK);
    return wait_bits(m, IOMMU_REG_CQCSR, IOMMU_CQCSR_CQON_MASK, IOMMU_CQCSR_CQON_MASK);
}

static int fq_start(struct obdma_iommu *m)
{
    int rc;
    uint32_t log2 = 0;
    while ((1u << log2) <= m->fq_mask)
        log2++;
    wr32(m, IOMMU_REG_FQCSR, 0u);
    rc = wait_bits(m, IOMMU_REG_FQCSR, IOMMU_FQCSR_FQON_MASK, 0u);
    if (rc)
        return rc;
    wr64(m, IOMMU_REG_FQB, ppn_field(m->fq_pa) | (uint64_t)((log2 - 1u) & IOMMU_FQB_LOG2SZ_1_MASK));
    wr32(m, IOMMU_REG_FQH, 0u);
    m->fq_head = 0u;
    wr32(m, IOMMU_REG_FQCSR, IOMMU_FQCSR_FQEN_MASK | IOMMU_FQCSR_FIE_MASK);
    return wait_bits(m, IOMMU_REG_FQCSR, IOMMU_FQCSR_FQON_MASK, IOMMU_FQCSR_FQON_MASK);
}

/* a queue error (illegal command, memory fault): report it, restart the queue empty */
static int cq_check(struct obdma_iommu *m)
{
    uint32_t csr = rd32(m, IOMMU_REG_CQCSR);
    if (csr & (IOMMU_CQCSR_CMD_ILL_MASK | IOMMU_CQCSR_CQMF_MASK)) {
        (void)cq_start(m);
        return OBDMA_EIO;
    }
    if (!(csr & IOMMU_CQCSR_CQON_MASK))
        return OBDMA_EIO;
    return OBDMA_OK;
}

static int cq_push(struct obdma_iommu *m, uint64_t dw0, uint64_t dw1)
{
    uint32_t next = (m->cq_tail + 1u) & m->cq_mask, n, budget = ob_budget(&m->plat);
    uint8_t *e;
    int rc;
    for (n = 0;; n++) {
        if (rd32(m, IOMMU_REG_CQH) != next)
            break;      /* room */
        rc = cq_check(m);
        if (rc)
            return rc;
        if (n >= budget)
            return OBDMA_ETIMEDOUT;
        ob_pause(&m->plat);
    }
    e = m->cq + (size_t)m->cq_tail * RV_CMD_SIZE;
    ob_st32(e, 0u, ob_lo(dw0));
    ob_st32(e, 4u, ob_hi(dw0));
    ob_st32(e, 8u, ob_lo(dw1));
    ob_st32(e, 12u, ob_hi(dw1));
    ob_clean(&m->plat, e, RV_CMD_SIZE);
    ob_wmb(&m->plat);
    m->cq_tail = next;
    wr32(m, IOMMU_REG_CQT, next);
    return OBDMA_OK;
}

int obdma_iommu_fence(struct obdma_iommu *m)
{
    uint32_t seq, n, budget;
    uint64_t dw0;
    int rc;
    if (!m || !m->cq)
        return OBDMA_EINVAL;
    seq = ++m->fence_seq;
    if (seq == 0u)
        seq = m->fence_seq = 1u;
    dw0 = RV_OP_IOFENCE | (uint64_t)RV_FUNC_IOFENCE_C << RV_CMD_FUNC3_SHIFT | RV_CMD_AV |
          (uint64_t)seq << RV_CMD_IOFENCE_DATA_SHIFT;
    rc = cq_push(m, dw0, m->fence_pa >> 2);
    if (rc)
        return rc;
    budget = ob_budget(&m->plat);
    for (n = 0; n < budget; n++) {
        ob_rmb(&m->plat);
        ob_inval(&m->plat, m->fence, 4u);
        if (ob_ld32(m->fence, 0u) == seq)
            return OBDMA_OK;
        rc = cq_check(m);
        if (rc)
            return rc;
        ob_pause(&m->plat);
    }
    return OBDMA_ETIMEDOUT;
}

int obdma_iommu_inval_vma(struct obdma_iommu *m, const struct obdma_iommu_domain *dom, bool one_page,
                          uint64_t iova)
{
    uint64_t dw0 = RV_OP_IOTINVAL | (uint64_t)RV_FUNC_IOTINVAL_VMA << RV_CMD_FUNC3_SHIFT, dw1 = 0u;
    if (!m || !m->cq)
        return OBDMA_EINVAL;
    if (one_page) {
        dw0 |= RV_CMD_AV;
        dw1 = (iova >> PAGE_SHIFT) << RV_CMD_ADDR_SHIFT;
    }
    if (dom)
        dw0 |= RV_CMD_PSCV | (uint64_t)dom->pscid << RV_CMD_PSCID_SHIFT;
    return cq_push(m, dw0, dw1);
}

int obdma_iommu_inval_ddt(struct obdma_iommu *m, int32_t device_id)
{
    uint64_t dw0 = RV_OP_IODIR | (uint64_t)RV_FUNC_IODIR_INVAL_DDT << RV_CMD_FUNC3_SHIFT;
    if (!m || !m->cq || device_id >= (int32_t)DDT_ENTRIES)
        return OBDMA_EINVAL;
    if (device_id >= 0)
        dw0 |= RV_CMD_DV | (uint64_t)(uint32_t)device_id << RV_CMD_DID_SHIFT;
    return cq_push(m, dw0, 0u);
}

/* ------------------------------------------------------------------ bring-up */

int obdma_iommu_init(struct obdma_iommu *m, const struct obdma_platform *plat, uint32_t reg_base,
                     const struct obdma_iommu_mem *mem)
{
    int rc;
    size_t cq_bytes, fq_bytes;
    if (!m || !plat || !mem || !plat->read32 || !plat->write32 || !plat->to_bus)
        return OBDMA_EINVAL;
    if (reg_base % IOMMU_PAGE_SIZE || mem->cq_log2 < 1u || mem->cq_log2 > 20u || mem->fq_log2 < 1u ||
        mem->fq_log2 > 20u || mem->pt_pages == 0u)
        return OBDMA_EINVAL;
    ob_zero(m, sizeof(*m));
    obdma_copy_platform(&m->plat, plat);
    m->base = reg_base;
    m->caps = rd64(m, IOMMU_REG_CAPABILITIES);
    if (OB_FIELD(IOMMU_CAPABILITIES_VERSION, m->caps) != IOMMU_VERSION ||
        !(m->caps & IOMMU_CAPABILITIES_SV39_MASK))
        return OBDMA_ENODEV;
    cq_bytes = (size_t)RV_CMD_SIZE << mem->cq_log2;
    fq_bytes = (size_t)RV_FQ_REC_SIZE << mem->fq_log2;
    if ((rc = region(m, mem->ddt, PAGE, PAGE, &m->ddt_pa)) != 0 ||
        (rc = region(m, mem->cq, cq_bytes, cq_bytes > PAGE ? cq_bytes : PAGE, &m->cq_pa)) != 0 ||
        (rc = region(m, mem->fq, fq_bytes, fq_bytes > PAGE ? fq_bytes : PAGE, &m->fq_pa)) != 0 ||
        (rc = region(m, mem->fence, 4u, 4u, &m->fence_pa)) != 0 ||
        (rc = region(m, mem->pt_pool, (size_t)mem->pt_pages * PAGE, PAGE, &m->pool_pa)) != 0)
        return rc;
    m->ddt = (uint8_t *)mem->ddt;
    m->cq = (uint8_t *)mem->cq;
    m->fq = (uint8_t *)mem->fq;
    m->fence = (uint8_t *)mem->fence;
    m->pool = (uint8_t *)mem->pt_pool;
    m->pool_pages = mem->pt_pages;
    m->cq_mask = (1u << mem->cq_log2) - 1u;
    m->fq_mask = (1u << mem->fq_log2) - 1u;
    m->mode = (enum obdma_iommu_mode)OB_FIELD(IOMMU_DDTP_IOMMU_MODE, rd64(m, IOMMU_REG_DDTP));
    ob_zero(m->ddt, PAGE);
    ob_zero(m->cq, cq_bytes);
    ob_zero(m->fq, fq_bytes);
    ob_zero(m->fence, 4u);
    ob_clean(&m->plat, m->ddt, PAGE);
    ob_clean(&m->plat, m->cq, cq_bytes);
    ob_clean(&m->plat, m->fq, fq_bytes);
    ob_clean(&m->plat, m->fence, 4u);
    ob_wmb(&m->plat);
    rc = fq_start(m);
    if (rc)
        return rc;
    return cq_start(m);
}

int obdma_iommu_set_mode(struct obdma_iommu *m, enum obdma_iommu_mode mode)
{
    uint32_t v;
    uint64_t ddtp;
    int rc;
    if (!m || !m->ddt || (mode != OBDMA_IOMMU_OFF && mode != OBDMA_IOMMU_BARE && mode != OBDMA_IOMMU_1LVL))
        return OBDMA_EINVAL;
    ddtp = ppn_field(m->ddt_pa) | (uint64_t)mode;
    ob_wmb(&m->plat);
    wr64(m, IOMMU_REG_DDTP, ddtp);
    v = rd32(m, IOMMU_REG_DDTP);
    if (OB_FIELD(IOMMU_DDTP_IOMMU_MODE, v) != (uint32_t)mode)
        return OBDMA_EIO;   /* WARL: not supported */
    m->mode = mode;
    if (mode == OBDMA_IOMMU_1LVL) {
        /* nothing cached from an earlier directory may be used */
        rc = obdma_iommu_inval_ddt(m, -1);
        if (!rc)
            rc = obdma_iommu_inval_vma(m, NULL, false, 0u);
        if (!rc)
            rc = obdma_iommu_fence(m);
        return rc;
    }
    return OBDMA_OK;
}

/* ------------------------------------------------------------------ page tables */

static uint8_t *pool_cpu(const struct obdma_iommu *m, uint64_t pa)
{
    if (pa < m->pool_pa || pa - m->pool_pa >= (uint64_t)m->pool_pages * PAGE)
        return NULL;
    return m->pool + (size_t)(pa - m->pool_pa);
}

static int pool_alloc(struct obdma_iommu *m, uint8_t **cpu, uint64_t *pa)
{
    if (m->pool_next >= m->pool_pages)
        return OBDMA_ENOMEM;
    *cpu = m->pool + (size_t)m->pool_next * PAGE;
    *pa = m->pool_pa + (uint64_t)m->pool_next * PAGE;
    m->pool_next++;
    ob_zero(*cpu, PAGE);
    ob_clean(&m->plat, *cpu, PAGE);
    ob_wmb(&m->plat);   /* the zeroed table before the pointer to it */
    return OBDMA_OK;
}

static uint64_t pte_pa(uint64_t pte)
{
    return ((pte >> RV_PTE_PPN_SHIFT) & RV_PPN_MASK) << PAGE_SHIFT;
}

static size_t vpn(uint64_t iova, unsigned level)
{
    return (size_t)((iova >> (PAGE_SHIFT + 9u * level)) & 0x1FFu);
}

static bool canonical(uint64_t iova)
{
    uint64_t top = iova >> (RV_SV39_VA_BITS - 1);
    return top == 0u || top == ((uint64_t)1 << (64 - RV_SV39_VA_BITS + 1)) - 1u;
}

int obdma_iommu_domain_init(struct obdma_iommu *m, struct obdma_iommu_domain *dom, uint32_t pscid)
{
    int rc;
    if (!m || !dom || pscid > RV_TA_PSCID_MAX || !m->pool)
        return OBDMA_EINVAL;
    dom->iommu = m;
    dom->pscid = pscid;
    rc = pool_alloc(m, &dom->root, &dom->root_pa);
    if (rc)
        dom->root = NULL;
    return rc;
}

/* the PTE slot for iova at `level`, creating tables above it when `create` */
static int pte_slot(struct obdma_iommu_domain *dom, uint64_t iova, unsigned level, bool create, uint8_t **slot)
{
    struct obdma_iommu *m = dom->iommu;
    uint8_t *table = dom->root;
    unsigned l;
    for (l = 2u; l > level; l--) {
        uint8_t *p = table + vpn(iova, l) * 8u;
        uint64_t pte = ld64_dev(m, p);
        if (!(pte & RV_PTE_V)) {
            uint8_t *next;
            uint64_t next_pa;
            int rc;
            if (!create)
                return OBDMA_ENOENT;
            rc = pool_alloc(m, &next, &next_pa);
            if (rc)
                return rc;
            st64_publish(m, p, (next_pa >> PAGE_SHIFT) << RV_PTE_PPN_SHIFT | RV_PTE_V);
            table = next;
        } else if (pte & PTE_LEAF) {
            return create ? OBDMA_EEXIST : OBDMA_ENOENT;   /* a larger page covers it */
        } else {
            table = pool_cpu(m, pte_pa(pte));
            if (!table)
                return OBDMA_EFAULT;    /* not a table of ours */
        }
    }
    *slot = table + vpn(iova, level) * 8u;
    return OBDMA_OK;
}

static int size_level(uint64_t size, unsigned *level)
{
    if (size == OBDMA_IOMMU_SZ_4K)
        *level = 0u;
    else if (size == OBDMA_IOMMU_SZ_2M)
        *level = 1u;
    else
        return OBDMA_EINVAL;
    return OBDMA_OK;
}

int obdma_iommu_map(struct obdma_iommu_domain *dom, uint64_t iova, uint64_t pa, uint64_t size, unsigned prot)
{
    struct obdma_iommu *m;
    unsigned level;
    uint8_t *slot;
    uint64_t pte;
    int rc;
    if (!dom || !dom->iommu || !dom->root || size_level(size, &level))
        return OBDMA_EINVAL;
    m = dom->iommu;
    if ((iova | pa) & (size - 1u) || !canonical(iova) || !canonical(iova + size - 1u) || pa + size > PA_LIMIT ||
        !(prot & OBDMA_IOMMU_READ) || (prot & ~(unsigned)(OBDMA_IOMMU_READ | OBDMA_IOMMU_WRITE | OBDMA_IOMMU_GLOBAL)))
        return OBDMA_EINVAL;
    rc = pte_slot(dom, iova, level, true, &slot);
    if (rc)
        return rc;
    if (ld64_dev(m, slot) & RV_PTE_V)
        return OBDMA_EEXIST;
    /* device requests are user-level; A (and D for writable pages) preset: the IOMMU
     * checks them and never updates them */
    pte = (pa >> PAGE_SHIFT) << RV_PTE_PPN_SHIFT | RV_PTE_V | RV_PTE_R | RV_PTE_U | RV_PTE_A;
    if (prot & OBDMA_IOMMU_WRITE)
        pte |= RV_PTE_W | RV_PTE_D;
    if (prot & OBDMA_IOMMU_GLOBAL)
        pte |= RV_PTE_G;
    st64_publish(m, slot, pte);
    ob_wmb(&m->plat);
    return OBDMA_OK;
}

int obdma_iommu_unmap(struct obdma_iommu_domain *dom, uint64_t iova, uint64_t size)
{
    unsigned level;
    uint8_t *slot;
    uint64_t pte;
    int rc;
    if (!dom || !dom->iommu || !dom->root || size_level(size, &level) || (iova & (size - 1u)) || !canonical(iova))
        return OBDMA_EINVAL;
    rc = pte_slot(dom, iova, level, false, &slot);
    if (rc)
        return rc;
    pte = ld64_dev(dom->iommu, slot);
    if (!(pte & RV_PTE_V) || !(pte & PTE_LEAF))
        return OBDMA_ENOENT;
    st64_retract(dom->iommu, slot);
    ob_wmb(&dom->iommu->plat);
    return OBDMA_OK;
}

int obdma_iommu_unmap_sync(struct obdma_iommu_domain *dom, uint64_t iova, uint64_t size)
{
    int rc = obdma_iommu_unmap(dom, iova, size);
    if (rc)
        return rc;
    rc = obdma_iommu_inval_vma(dom->iommu, dom, true, iova);
    if (rc)
        return rc;
    return obdma_iommu_fence(dom->iommu);
}

int obdma_iommu_map_range(struct obdma_iommu_domain *dom, uint64_t iova, uint64_t pa, uint64_t len, unsigned prot)
{
    uint64_t start, end, off, done = 0u;
    int rc = OBDMA_OK;
    if (!dom || len == 0u || (iova & (PAGE - 1u)) != (pa & (PAGE - 1u)) || iova + len < iova)
        return OBDMA_EINVAL;
    start = iova & ~(uint64_t)(PAGE - 1u);
    end = (iova + len + PAGE - 1u) & ~(uint64_t)(PAGE - 1u);
    pa &= ~(uint64_t)(PAGE - 1u);
    for (off = 0u; start + off < end;) {
        uint64_t v = start + off, size = OBDMA_IOMMU_SZ_4K;
        if (!((v | (pa + off)) & (OBDMA_IOMMU_SZ_2M - 1u)) && end - v >= OBDMA_IOMMU_SZ_2M)
            size = OBDMA_IOMMU_SZ_2M;
        rc = obdma_iommu_map(dom, v, pa + off, size, prot);
        if (rc)
            break;
        off += size;
        done = off;
    }
    if (rc) {
        /* undo what was mapped */
        for (off = 0u; off < done;) {
            uint64_t v = start + off, size = OBDMA_IOMMU_SZ_4K;
            if (!((v | (pa + off)) & (OBDMA_IOMMU_SZ_2M - 1u)) && end - v >= OBDMA_IOMMU_SZ_2M)
                size = OBDMA_IOMMU_SZ_2M;
            (void)obdma_iommu_unmap(dom, v, size);
            off += size;
        }
    }
    return rc;
}

int obdma_iommu_translate(const struct obdma_iommu_domain *dom, uint64_t iova, uint64_t *pa, unsigned *prot)
{
    const struct obdma_iommu *m;
    const uint8_t *table;
    unsigned l;
    if (!dom || !dom->iommu || !dom->root || !pa)
        return OBDMA_EINVAL;
    if (!canonical(iova))
        return OBDMA_ENOENT;
    m = dom->iommu;
    table = dom->root;
    for (l = 3u; l-- > 0u;) {
        uint64_t pte = ld64_dev(m, table + vpn(iova, l) * 8u);
        if (!(pte & RV_PTE_V))
            return OBDMA_ENOENT;
        if (pte & PTE_LEAF) {
            uint64_t mask = ((uint64_t)1 << (PAGE_SHIFT + 9u * l)) - 1u;
            *pa = (pte_pa(pte) & ~mask) | (iova & mask);
            if (prot)
                *prot = ((pte & RV_PTE_R) ? OBDMA_IOMMU_READ : 0u) | ((pte & RV_PTE_W) ? OBDMA_IOMMU_WRITE : 0u) |
                        ((pte & RV_PTE_G) ? OBDMA_IOMMU_GLOBAL : 0u);
            return OBDMA_OK;
        }
        if (l == 0u)
            return OBDMA_ENOENT;
        table = pool_cpu(m, pte_pa(pte));
        if (!table)
            return OBDMA_EFAULT;
    }
    return OBDMA_ENOENT;
}

/* ------------------------------------------------------------------ device contexts */

int obdma_iommu_attach(struct obdma_iommu *m, uint32_t device_id, const struct obdma_iommu_domain *dom)
{
    uint8_t *dc;
    uint64_t ta, fsc = 0u;
    int rc;
    if (!m || !m->ddt || device_id >= DDT_ENTRIES || (dom && (!dom->root || dom->iommu != m)))
        return OBDMA_EINVAL;
    dc = m->ddt + (size_t)device_id * RV_DC_SIZE;
    ta = dom ? (uint64_t)dom->pscid << RV_TA_PSCID_SHIFT : 0u;
    if (dom)
        fsc = (uint64_t)RV_IOSATP_SV39 << RV_ATP_MODE_SHIFT | ((dom->root_pa >> PAGE_SHIFT) & RV_PPN_MASK);
    /* tc.V last: the IOMMU never reads a valid context with stale fields */
    st64_retract(m, dc + RV_DC_TC);
    ob_st32(dc, RV_DC_IOHGATP, 0u);
    ob_st32(dc, RV_DC_IOHGATP + 4u, 0u);
    ob_st32(dc, RV_DC_TA, ob_lo(ta));
    ob_st32(dc, RV_DC_TA + 4u, ob_hi(ta));
    ob_st32(dc, RV_DC_FSC, ob_lo(fsc));
    ob_st32(dc, RV_DC_FSC + 4u, ob_hi(fsc));
    ob_clean(&m->plat, dc, RV_DC_SIZE);
    ob_wmb(&m->plat);
    st64_publish(m, dc + RV_DC_TC, RV_DC_TC_V);
    ob_wmb(&m->plat);
    rc = obdma_iommu_inval_ddt(m, (int32_t)device_id);
    if (!rc && dom)
        rc = obdma_iommu_inval_vma(m, dom, false, 0u);
    if (!rc)
        rc = obdma_iommu_fence(m);
    return rc;
}

int obdma_iommu_detach(struct obdma_iommu *m, uint32_t device_id)
{
    uint8_t *dc;
    uint64_t ta;
    int rc;
    if (!m || !m->ddt || device_id >= DDT_ENTRIES)
        return OBDMA_EINVAL;
    dc = m->ddt + (size_t)device_id * RV_DC_SIZE;
    ta = ld64_dev(m, dc + RV_DC_TA);
    st64_retract(m, dc + RV_DC_TC);
    ob_wmb(&m->plat);
    rc = obdma_iommu_inval_ddt(m, (int32_t)device_id);
    if (!rc) {
        uint64_t dw0 = RV_OP_IOTINVAL | (uint64_t)RV_FUNC_IOTINVAL_VMA << RV_CMD_FUNC3_SHIFT | RV_CMD_PSCV |
                       (((ta >> RV_TA_PSCID_SHIFT) & RV_TA_PSCID_MAX) << RV_CMD_PSCID_SHIFT);
        rc = cq_push(m, dw0, 0u);
    }
    if (!rc)
        rc = obdma_iommu_fence(m);
    return rc;
}

/* ------------------------------------------------------------------ faults */

int obdma_iommu_fault_drain(struct obdma_iommu *m, obdma_fault_fn fn, void *arg)
{
    uint32_t tail, csr;
    int n = 0;
    if (!m || !m->fq)
        return OBDMA_EINVAL;
    tail = rd32(m, IOMMU_REG_FQT) & m->fq_mask;
    ob_rmb(&m->plat);
    while (m->fq_head != tail) {
        const uint8_t *rec = m->fq + (size_t)m->fq_head * RV_FQ_REC_SIZE;
        struct obdma_iommu_fault f;
        uint64_t d0;
        ob_inval(&m->plat, rec, RV_FQ_REC_SIZE);
        d0 = ob_ld64(rec, 0u);
        f.cause = (uint32_t)(d0 & RV_FQ_CAUSE_MASK);
        f.pid = (uint32_t)((d0 >> RV_FQ_PID_SHIFT) & RV_FQ_PID_MASK);
        f.pv = ((d0 >> RV_FQ_PV_SHIFT) & 1u) != 0u;
        f.priv = ((d0 >> RV_FQ_PRIV_SHIFT) & 1u) != 0u;
        f.ttyp = (uint32_t)((d0 >> RV_FQ_TTYP_SHIFT) & RV_FQ_TTYP_MASK);
        f.did = (uint32_t)((d0 >> RV_FQ_DID_SHIFT) & RV_FQ_DID_MASK);
        f.iotval = ob_ld64(rec, 16u);
        f.iotval2 = ob_ld64(rec, 24u);
        m->fq_head = (m->fq_head + 1u) & m->fq_mask;
        m->faults++;
        n++;
        if (fn)
            fn(&f, arg);
    }
    wr32(m, IOMMU_REG_FQH, m->fq_head);
    csr = rd32(m, IOMMU_REG_FQCSR);
    if (csr & (IOMMU_FQCSR_FQOF_MASK | IOMMU_FQCSR_FQMF_MASK)) {
        /* records were dropped: count, then clear (RW1C) so that new ones are written */
        if (csr & IOMMU_FQCSR_FQOF_MASK)
            m->fq_overflows++;
        if (csr & IOMMU_FQCSR_FQMF_MASK)
            m->fq_memfaults++;
        wr32(m, IOMMU_REG_FQCSR, (csr & (IOMMU_FQCSR_FQEN_MASK | IOMMU_FQCSR_FIE_MASK |
                                         IOMMU_FQCSR_FQOF_MASK | IOMMU_FQCSR_FQMF_MASK)));
    }
    return n;
}

int obdma_iommu_irq_handler(struct obdma_iommu *m, obdma_fault_fn fn, void *arg)
{
    uint32_t ipsr;
    int n = 0;
    if (!m || !m->fq)
        return OBDMA_EINVAL;
    ipsr = rd32(m, IOMMU_REG_IPSR);
    if (ipsr)
        wr32(m, IOMMU_REG_IPSR, ipsr & (IOMMU_IPSR_CIP_MASK | IOMMU_IPSR_FIP_MASK));
    if (ipsr & IOMMU_IPSR_FIP_MASK)
        n = obdma_iommu_fault_drain(m, fn, arg);
    if (ipsr & IOMMU_IPSR_CIP_MASK) {
        uint32_t csr = rd32(m, IOMMU_REG_CQCSR);
        if (csr & IOMMU_CQCSR_FENCE_W_IP_MASK)
            wr32(m, IOMMU_REG_CQCSR, (csr & (IOMMU_CQCSR_CQEN_MASK | IOMMU_CQCSR_CIE_MASK)) |
                                         IOMMU_CQCSR_FENCE_W_IP_MASK);
        if (csr & (IOMMU_CQCSR_CMD_ILL_MASK | IOMMU_CQCSR_CQMF_MASK)) {
            (void)cq_start(m);
            if (n == 0)
                n = OBDMA_EIO;
        }
    }
    return n;
}
