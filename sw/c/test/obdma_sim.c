/* SPDX-License-Identifier: Apache-2.0 */
/* Test harness for the C driver under cocotb (tb/dmatb/cdriver.py): a platform layer
 * whose register accesses and delays are Python callbacks (they run the AXI4-Lite
 * master of the simulation), whose memory is the simulated RAM itself (a buffer shared
 * with the memory model; bus address = offset in it), plus a pool of requests and
 * IOMMU objects addressed by index so that Python needs no structure layouts.
 * Built together with the library into one shared object. */
#include <stddef.h>
#include <stdint.h>

#include "obdma.h"
#include "obdma_iommu.h"

typedef uint32_t (*sim_rd_fn)(uint32_t off);
typedef void (*sim_wr_fn)(uint32_t off, uint32_t value);
typedef void (*sim_delay_fn)(uint32_t us);
typedef void (*sim_done_fn)(uint32_t idx, int32_t status, uint64_t nbytes, int32_t packet_end, uint32_t retries);
typedef int32_t (*sim_halt_fn)(uint32_t ch, uint32_t code, uint64_t err_desc, uint64_t cur_desc, int32_t failed_idx,
                               uint32_t failed_piece, uint32_t wb_failed);
typedef void (*sim_fault_fn)(uint32_t cause, uint32_t ttyp, uint32_t did, uint64_t iova);

#define SIM_REQS 4096u
#define SIM_DOMAINS 16u

static struct {
    uint8_t *mem;
    uint64_t size;
    sim_rd_fn rd;
    sim_wr_fn wr;
    sim_delay_fn delay;
    sim_done_fn done;
    sim_halt_fn halt;
    sim_fault_fn fault;
    uint64_t counters[8];   /* reads, writes, wmb, rmb, clean, inval, delays, bad to_bus */
} sim;

static struct obdma_dev dev;
static struct obdma_req reqs[SIM_REQS];
static struct obdma_iommu iommu;
static struct obdma_iommu_domain domains[SIM_DOMAINS];

static uint32_t p_read32(void *ctx, uint32_t off)
{
    (void)ctx;
    sim.counters[0]++;
    return sim.rd(off);
}

static void p_write32(void *ctx, uint32_t off, uint32_t v)
{
    (void)ctx;
    sim.counters[1]++;
    sim.wr(off, v);
}

static void p_wmb(void *ctx)
{
    (void)ctx;
    sim.counters[2]++;
}

static void p_rmb(void *ctx)
{
    (void)ctx;
    sim.counters[3]++;
}

static int p_to_bus(void *ctx, const void *cpu, size_t len, uint64_t *bus, size_t *contig)
{
    const uint8_t *p = (const uint8_t *)cpu;
    (void)ctx;
    if (p < sim.mem || p >= sim.mem + sim.size || (uint64_t)(p - sim.mem) + len > sim.size) {
        sim.counters[7]++;
        return -1;
    }
    *bus = (uint64_t)(p - sim.mem);
    if (contig)
        *contig = len;
    return 0;
}

static void p_clean(void *ctx, const void *cpu, size_t len)
{
    (void)ctx;
    (void)cpu;
    (void)len;
    sim.counters[4]++;
}

static void p_inval(void *ctx, const void *cpu, size_t len)
{
    (void)ctx;
    (void)cpu;
    (void)len;
    sim.counters[5]++;
}

static void p_delay(void *ctx, uint32_t us)
{
    (void)ctx;
    sim.counters[6]++;
    sim.delay(us);
}

static struct obdma_platform plat;

void sim_setup(uint8_t *mem, uint64_t size, sim_rd_fn rd, sim_wr_fn wr, sim_delay_fn delay, sim_done_fn done,
               uint32_t poll_budget)
{
    unsigned i;
    sim.mem = mem;
    sim.size = size;
    sim.rd = rd;
    sim.wr = wr;
    sim.delay = delay;
    sim.done = done;
    for (i = 0; i < 8u; i++)
        sim.counters[i] = 0u;
    plat.ctx = NULL;
    plat.read32 = p_read32;
    plat.write32 = p_write32;
    plat.wmb = p_wmb;
    plat.rmb = p_rmb;
    plat.to_bus = p_to_bus;
    plat.cache_clean = p_clean;
    plat.cache_inval = p_inval;
    plat.delay_us = p_delay;
    plat.poll_budget = poll_budget;
    plat.poll_interval_us = 1u;
}

const struct obdma_platform *sim_platform(void) { return &plat; }
struct obdma_dev *sim_dev(void) { return &dev; }
struct obdma_iommu *sim_iommu(void) { return &iommu; }
uint8_t *sim_ptr(uint64_t off) { return sim.mem + off; }
uint64_t sim_counter(uint32_t i) { return i < 8u ? sim.counters[i] : 0u; }

struct obdma_iommu_domain *sim_domain(uint32_t i)
{
    return i < SIM_DOMAINS ? &domains[i] : NULL;
}

/* ------------------------------------------------------------------ engine */

int32_t sim_caps(uint32_t *out)
{
    const struct obdma_caps *c = &dev.caps;
    out[0] = c->id;
    out[1] = c->version;
    out[2] = c->num_channels;
    out[3] = c->beat_bytes;
    out[4] = c->addr_width;
    out[5] = c->len_width;
    out[6] = c->max_burst_len;
    out[7] = c->cmd_depth;
    out[8] = c->iommu ? 1u : 0u;
    return 0;
}

void sim_stats(uint32_t *out)
{
    const struct obdma_stats *s = &dev.stats;
    out[0] = s->submitted;
    out[1] = s->completed;
    out[2] = s->failed;
    out[3] = s->descriptors;
    out[4] = s->halts;
    out[5] = s->retries;
    out[6] = s->interrupts;
    out[7] = s->polls;
    out[8] = s->doorbells;
}

int32_t sim_chan_setup(uint32_t ch, uint64_t ring_off, uint64_t ring_bus, uint32_t nslots)
{
    return obdma_chan_setup(&dev, ch, sim.mem + ring_off, ring_bus, nslots);
}

static void req_done(struct obdma_req *r, void *arg)
{
    (void)arg;
    sim.done((uint32_t)(r - reqs), r->status, r->nbytes, r->packet_end ? 1 : 0, r->retries);
}

int32_t sim_submit(uint32_t ch, uint32_t idx, uint32_t kind, uint64_t src, uint64_t dst, uint64_t len, uint32_t flags)
{
    struct obdma_req *r;
    if (idx >= SIM_REQS)
        return -100;
    r = &reqs[idx];
    r->kind = (enum obdma_kind)kind;
    r->src = src;
    r->dst = dst;
    r->len = len;
    r->flags = flags;
    r->done = req_done;
    r->arg = NULL;
    return obdma_submit(&dev, ch, r);
}

/* obdma_submit(dev, ch, NULL) and friends, for the bad-argument checks */
int32_t sim_submit_null(uint32_t ch) { return obdma_submit(&dev, ch, NULL); }
int32_t sim_chan_setup_ptr(uint32_t ch, uint8_t *ring, uint32_t nslots)
{
    return obdma_chan_setup(&dev, ch, ring, OBDMA_BUS_AUTO, nslots);
}

static enum obdma_halt_action on_halt(struct obdma_dev *d, const struct obdma_halt_info *info, void *arg)
{
    int32_t idx = info->failed ? (int32_t)(info->failed - reqs) : -1;
    (void)d;
    (void)arg;
    return sim.halt(info->channel, info->code, info->err_desc, info->cur_desc, idx, info->failed_piece,
                    info->wb_failed) ? OBDMA_HALT_RETRY : OBDMA_HALT_REPORT;
}

int32_t sim_set_halt_handler(uint32_t ch, sim_halt_fn fn)
{
    sim.halt = fn;
    return obdma_chan_set_halt_handler(&dev, ch, fn ? on_halt : NULL, NULL);
}

/* ------------------------------------------------------------------ IOMMU */

int32_t sim_iommu_init(uint64_t ddt, uint64_t cq, uint32_t cq_log2, uint64_t fq, uint32_t fq_log2, uint64_t fence,
                       uint64_t pool, uint32_t pages)
{
    struct obdma_iommu_mem m;
    m.ddt = sim.mem + ddt;
    m.cq = sim.mem + cq;
    m.cq_log2 = cq_log2;
    m.fq = sim.mem + fq;
    m.fq_log2 = fq_log2;
    m.fence = sim.mem + fence;
    m.pt_pool = sim.mem + pool;
    m.pt_pages = pages;
    return obdma_iommu_init(&iommu, &plat, OBDMA_IOMMU_DMA_TOP_BASE, &m);
}

static void on_fault(const struct obdma_iommu_fault *f, void *arg)
{
    (void)arg;
    sim.fault(f->cause, f->ttyp, f->did, f->iotval);
}

int32_t sim_fault_drain(sim_fault_fn fn)
{
    sim.fault = fn;
    return obdma_iommu_fault_drain(&iommu, on_fault, NULL);
}

int32_t sim_iommu_irq(sim_fault_fn fn)
{
    sim.fault = fn;
    return obdma_iommu_irq_handler(&iommu, on_fault, NULL);
}

int32_t sim_translate(uint32_t dom, uint64_t iova, uint64_t *pa)
{
    return obdma_iommu_translate(sim_domain(dom), iova, pa, NULL);
}

uint64_t sim_domain_root(uint32_t dom)
{
    return dom < SIM_DOMAINS ? domains[dom].root_pa : 0u;
}
