/* SPDX-License-Identifier: Apache-2.0 */
/* openbusdma C driver: the DMA engine (docs/c-driver.md).
 *
 * The channel protocol is docs/descriptors.md's, as the Python reference driver
 * (sw/dmaengine/driver.py) implements it: a ring of descriptors per channel, appends
 * by the doorbell protocol, completions found from the descriptors' DONE bits in
 * chain order, and the documented recovery after a halt. */
#include "obdma.h"

#include "dma_desc.h"
#include "dma_regs.h"
#include "obdma_internal.h"

#if DMA_MAX_CHANNELS != 8
#error "OBDMA_MAX_CHANNELS in obdma.h must equal DMA_MAX_CHANNELS of dma_regs.h"
#endif

/* request states */
enum { ST_FREE = 0, ST_PENDING = 1, ST_ACTIVE = 2, ST_DONE = 3 };

#define CTRL_MAGIC ((uint32_t)DMA_DESC_MAGIC << DMA_DESC_CTRL_MAGIC_SHIFT)
#define IRQ_ALL (DMA_CH_IRQ_STATUS_DONE_MASK | DMA_CH_IRQ_STATUS_ERR_MASK | DMA_CH_IRQ_STATUS_IDLE_MASK)

/* ------------------------------------------------------------------ registers */

static uint32_t ch_rd(const struct obdma_dev *dev, unsigned ch, uint32_t off)
{
    return ob_rd(&dev->plat, (uint32_t)DMA_CH_REG(ch, off));
}

static void ch_wr(const struct obdma_dev *dev, unsigned ch, uint32_t off, uint32_t v)
{
    ob_wr(&dev->plat, (uint32_t)DMA_CH_REG(ch, off), v);
}

static uint64_t ch_rd64(const struct obdma_dev *dev, unsigned ch, uint32_t off_lo)
{
    uint64_t lo = ch_rd(dev, ch, off_lo);
    return lo | (uint64_t)ch_rd(dev, ch, off_lo + 4u) << 32;
}

static unsigned state_of(uint32_t status)
{
    return (unsigned)DMA_FIELD_GET(DMA_CH_STATUS_STATE, status);
}

/* poll STATUS until its state is one of the mask's (1 << state) */
static int wait_state(const struct obdma_dev *dev, unsigned ch, unsigned mask, uint32_t *status)
{
    uint32_t n, budget = ob_budget(&dev->plat);
    for (n = 0; n < budget; n++) {
        uint32_t v = ch_rd(dev, ch, DMA_CH_STATUS);
        if (mask & (1u << state_of(v))) {
            if (status)
                *status = v;
            return OBDMA_OK;
        }
        ob_pause(&dev->plat);
    }
    return OBDMA_ETIMEDOUT;
}

/* CTRL.RESET with RUN = 0, wait for IDLE, clear the interrupt status */
static int hw_reset_channel(const struct obdma_dev *dev, unsigned ch)
{
    int rc;
    ch_wr(dev, ch, DMA_CH_CTRL, DMA_CH_CTRL_RESET_MASK);
    rc = wait_state(dev, ch, 1u << DMA_STATE_IDLE, NULL);
    ch_wr(dev, ch, DMA_CH_IRQ_STATUS, IRQ_ALL);
    return rc;
}

static uint32_t ctrl_run(const struct obdma_chan *c)
{
    return DMA_CH_CTRL_RUN_MASK | c->ctrl;
}

/* ------------------------------------------------------------------ ring */

static uint8_t *slot(const struct obdma_chan *c, uint32_t seq)
{
    return c->ring + (size_t)(seq & (c->nslots - 1u)) * DMA_DESC_SIZE;
}

static uint64_t slot_bus(const struct obdma_chan *c, uint32_t seq)
{
    return c->ring_bus + (uint64_t)(seq & (c->nslots - 1u)) * DMA_DESC_SIZE;
}

/* bus address -> sequence number of a descriptor of the live chain (active requests) */
static int seq_of(const struct obdma_chan *c, uint64_t bus, uint32_t *seq)
{
    uint64_t off, idx;
    const struct obdma_req *r;
    if (bus < c->ring_bus)
        return -1;
    off = bus - c->ring_bus;
    if (off % DMA_DESC_SIZE || off / DMA_DESC_SIZE >= c->nslots)
        return -1;
    idx = off / DMA_DESC_SIZE;
    for (r = c->active; r; r = r->next_) {
        uint32_t i;
        for (i = 0; i < r->nd_; i++) {
            if (((r->seq_ + i) & (c->nslots - 1u)) == (uint32_t)idx) {
                *seq = r->seq_ + i;
                return 0;
            }
        }
    }
    return -1;
}

static void write_desc(const struct obdma_dev *dev, const struct obdma_chan *c, uint32_t seq,
                       const struct obdma_req *r, uint32_t piece, uint64_t next)
{
    uint8_t *d = slot(c, seq);
    uint64_t off = (uint64_t)piece * r->seg_;
    uint64_t n = r->len - off < r->seg_ ? r->len - off : r->seg_;
    bool last = piece + 1u == r->npieces_;
    uint64_t src = r->kind == OBDMA_S2M ? 0u : r->src + off;
    uint64_t dst = r->kind == OBDMA_M2S ? 0u : r->dst + off;
    uint32_t ctrl = CTRL_MAGIC;
    uint64_t user = (uint64_t)(uintptr_t)r;

    if (r->kind == OBDMA_S2M)
        ctrl |= DMA_DESC_CTRL_SRC_STREAM_MASK;
    if (r->kind == OBDMA_M2S) {
        ctrl |= DMA_DESC_CTRL_DST_STREAM_MASK;
        if (last && (r->flags & OBDMA_REQ_EOP))
            ctrl |= DMA_DESC_CTRL_EOP_MASK;
    }
    if (last && c->irq)
        ctrl |= DMA_DESC_CTRL_IRQ_MASK;
    ob_st32(d, DMA_DESC_NEXT, ob_lo(next));
    ob_st32(d, DMA_DESC_NEXT + 4u, ob_hi(next));
    ob_st32(d, DMA_DESC_SRC, ob_lo(src));
    ob_st32(d, DMA_DESC_SRC + 4u, ob_hi(src));
    ob_st32(d, DMA_DESC_DST, ob_lo(dst));
    ob_st32(d, DMA_DESC_DST + 4u, ob_hi(dst));
    ob_st32(d, DMA_DESC_LEN, (uint32_t)n);
    ob_st32(d, DMA_DESC_CTRL, ctrl);
    ob_st32(d, DMA_DESC_STATUS, 0u);
    ob_st32(d, DMA_DESC_BYTES, 0u);
    ob_st32(d, DMA_DESC_USER, ob_lo(user));
    ob_st32(d, DMA_DESC_USER + 4u, ob_hi(user));
    ob_clean(&dev->plat, d, DMA_DESC_SIZE);
}

/* Point a descriptor's NEXT (which holds EOC) at `next`: the high word first, so that
 * the engine, which ignores NEXT while bit 0 (EOC) is set, never sees a torn address. */
static void link_next(const struct obdma_dev *dev, const struct obdma_chan *c, uint32_t seq, uint64_t next)
{
    uint8_t *d = slot(c, seq);
    ob_st32(d, DMA_DESC_NEXT + 4u, ob_hi(next));
    ob_clean(&dev->plat, d, 8u);
    ob_wmb(&dev->plat);
    ob_st32(d, DMA_DESC_NEXT, ob_lo(next));
    ob_clean(&dev->plat, d, 8u);
}

static void q_push(struct obdma_req **head, struct obdma_req **tail, struct obdma_req *r)
{
    r->next_ = NULL;
    if (*tail)
        (*tail)->next_ = r;
    else
        *head = r;
    *tail = r;
}

static struct obdma_req *q_pop(struct obdma_req **head, struct obdma_req **tail)
{
    struct obdma_req *r = *head;
    if (r) {
        *head = r->next_;
        if (!*head)
            *tail = NULL;
        r->next_ = NULL;
    }
    return r;
}

/* Put pending requests that fit in the ring on the chain and hand them over: the
 * append protocol of docs/descriptors.md when the engine holds a chain (new
 * descriptors written, then the old tail's NEXT, then DOORBELL), else CUR_DESC and RUN. */
static void kick(struct obdma_dev *dev, unsigned ch)
{
    struct obdma_chan *c = &dev->ch[ch];
    uint32_t first_new = 0;
    bool any = false;
    uint64_t first_bus;

    if (c->recovering || !c->ring)
        return;
    while (c->pending) {
        struct obdma_req *r = c->pending;
        uint32_t need = r->npieces_ - r->piece0_;
        uint32_t i;
        if ((c->tail - c->head) + need > c->nslots)
            break;
        (void)q_pop(&c->pending, &c->pending_tail);
        for (i = 0; i < need; i++) {
            uint32_t seq = c->tail + i;
            uint64_t next = i + 1u < need ? slot_bus(c, seq + 1u) : (uint64_t)DMA_DESC_NEXT_EOC_MASK;
            write_desc(dev, c, seq, r, r->piece0_ + i, next);
        }
        if (!any) {
            first_new = c->tail;
            any = true;
        } else {
            /* the previous request of this batch is not visible to the engine yet */
            link_next(dev, c, c->tail - 1u, slot_bus(c, c->tail));
        }
        r->seq_ = c->tail;
        r->nd_ = need;
        r->state_ = ST_ACTIVE;
        c->tail += need;
        q_push(&c->active, &c->active_tail, r);
        dev->stats.descriptors += need;
    }
    if (!any)
        return;
    first_bus = slot_bus(c, first_new);
    ob_wmb(&dev->plat);     /* the new descriptors before the link */
    if (c->linked) {
        link_next(dev, c, first_new - 1u, first_bus);
        ob_wmb(&dev->plat); /* the link before the doorbell */
        if (!c->stopped) {
            ch_wr(dev, ch, DMA_CH_DOORBELL, 1u);
            dev->stats.doorbells++;
        }
        /* stopped: RUN (obdma_resume) re-reads the old tail's NEXT */
        return;
    }
    c->linked = true;
    ch_wr(dev, ch, DMA_CH_CUR_DESC_LO, ob_lo(first_bus));
    ch_wr(dev, ch, DMA_CH_CUR_DESC_HI, ob_hi(first_bus));
    if (!c->stopped)
        ch_wr(dev, ch, DMA_CH_CTRL, ctrl_run(c));
}

static void kick_all(struct obdma_dev *dev)
{
    unsigned ch;
    for (ch = 0; ch < dev->caps.num_channels; ch++)
        if (dev->ch[ch].pending)
            kick(dev, ch);
}

/* ------------------------------------------------------------------ completion */

static void desc_status(const struct obdma_dev *dev, const struct obdma_chan *c, uint32_t seq,
                        uint32_t *status, uint32_t *bytes)
{
    const uint8_t *d = slot(c, seq);
    ob_inval(&dev->plat, d + DMA_DESC_STATUS, 8u);
    *status = ob_ld32(d, DMA_DESC_STATUS);
    *bytes = ob_ld32(d, DMA_DESC_BYTES);
}

static void finish(struct obdma_dev *dev, struct obdma_req *r, int32_t status, uint64_t nbytes, bool eop)
{
    r->status = status;
    r->nbytes = nbytes;
    r->packet_end = eop;
    r->state_ = ST_DONE;
    if (status == 0)
        dev->stats.completed++;
    else
        dev->stats.failed++;
    if (r->done)
        r->done(r, r->arg);
}

/* retire an active request (already unlinked from the active list) */
static void retire(struct obdma_dev *dev, struct obdma_chan *c, struct obdma_req *r, int32_t status, bool use_own)
{
    uint64_t nbytes = r->acc_bytes_;
    int32_t err = 0;
    bool eop = false;
    uint32_t i;
    for (i = 0; i < r->nd_; i++) {
        uint32_t st, n;
        desc_status(dev, c, r->seq_ + i, &st, &n);
        if (st & DMA_DESC_STATUS_DONE_MASK) {
            nbytes += n;
            if (!err && (st & DMA_DESC_STATUS_ERR_MASK))
                err = (int32_t)DMA_FIELD_GET(DMA_DESC_STATUS_ERR, st);
        }
        if (st & DMA_DESC_STATUS_EOP_MASK)
            eop = true;
    }
    /* the engine may re-read the NEXT of the chain's last descriptor: keep it */
    if (r->nd_)
        c->head = r->seq_ + r->nd_ - 1u;
    finish(dev, r, use_own ? err : status, nbytes, eop);
}

static bool req_complete_ok(const struct obdma_dev *dev, const struct obdma_chan *c, const struct obdma_req *r)
{
    uint32_t i;
    for (i = 0; i < r->nd_; i++) {
        uint32_t st, n;
        desc_status(dev, c, r->seq_ + i, &st, &n);
        if (!(st & DMA_DESC_STATUS_DONE_MASK) || (st & DMA_DESC_STATUS_ERR_MASK))
            return false;
    }
    return true;
}

/* finish the requests whose descriptors are all DONE without error, in chain order */
static int collect(struct obdma_dev *dev, unsigned ch)
{
    struct obdma_chan *c = &dev->ch[ch];
    int n = 0;
    if (c->recovering)
        return 0;
    ob_rmb(&dev->plat);
    while (c->active && req_complete_ok(dev, c, c->active)) {
        struct obdma_req *r = q_pop(&c->active, &c->active_tail);
        retire(dev, c, r, 0, true);
        n++;
    }
    return n;
}

/* ------------------------------------------------------------------ recovery */

/* The channel halted (docs/descriptors.md "Stopping, errors and restarting"):
 * ERR_DESC is the first descriptor in chain order that failed (all before it completed
 * without error); of those after it, the started ones (before CUR_DESC; with bit 0, up
 * to and including CUR_DESC & ~1) finished with their own STATUS, except a failed
 * write-back (DONE = 0). Report the failing request (or run it again from the failing
 * descriptor if the halt handler asks), finish what completed, reset the channel and
 * run every other unfinished request again from a fresh ring. */
/* Field by field, not as a struct assignment: a compiler may turn an aggregate copy into a
 * call to memcpy, and the library must not need any function of a C library. */
static void copy_halt_info(struct obdma_halt_info *to, const struct obdma_halt_info *from)
{
    to->channel = from->channel;
    to->code = from->code;
    to->err_desc = from->err_desc;
    to->cur_desc = from->cur_desc;
    to->failed = from->failed;
    to->failed_piece = from->failed_piece;
    to->wb_failed = from->wb_failed;
}

static int recover(struct obdma_dev *dev, unsigned ch)
{
    struct obdma_chan *c = &dev->ch[ch];
    struct obdma_halt_info info;
    struct obdma_req *redo = NULL, *redo_tail = NULL, *r;
    uint32_t status = 0, started_end = 0, err_seq = 0, cur_seq = 0, base = 0, s;
    bool have_err;
    enum obdma_halt_action action = OBDMA_HALT_REPORT;
    int rc, n = 0;

    rc = wait_state(dev, ch, 1u << DMA_STATE_HALTED, &status);
    if (rc)
        return rc;
    c->recovering = true;
    dev->stats.halts++;
    info.channel = ch;
    info.code = (unsigned)DMA_FIELD_GET(DMA_CH_STATUS_ERR_CODE, status);
    info.err_desc = ch_rd64(dev, ch, DMA_CH_ERR_DESC_LO);
    info.cur_desc = ch_rd64(dev, ch, DMA_CH_CUR_DESC_LO);
    info.failed = NULL;
    info.failed_piece = 0;
    info.wb_failed = 0;
    ob_rmb(&dev->plat);

    /* chain positions are counted from the first active descriptor (base) */
    if (c->active) {
        base = c->active->seq_;
        if (seq_of(c, info.cur_desc & ~(uint64_t)DMA_DESC_NEXT_EOC_MASK, &cur_seq) == 0) {
            started_end = cur_seq - base + ((info.cur_desc & DMA_DESC_NEXT_EOC_MASK) ? 1u : 0u);
        } else {
            /* not ours (cannot happen with the driver's chains): trust DONE */
            for (r = c->active; r; r = r->next_)
                for (s = 0; s < r->nd_; s++) {
                    uint32_t st, b;
                    desc_status(dev, c, r->seq_ + s, &st, &b);
                    if (st & DMA_DESC_STATUS_DONE_MASK)
                        started_end = r->seq_ + s - base + 1u;
                }
        }
    }
    have_err = seq_of(c, info.err_desc, &err_seq) == 0;
    if (have_err) {
        for (r = c->active; r; r = r->next_)
            if (err_seq - r->seq_ < r->nd_) {
                info.failed = r;
                info.failed_piece = r->piece0_ + (err_seq - r->seq_);
                break;
            }
        if (info.code == DMA_ERR_WB_SLVERR || info.code == DMA_ERR_WB_DECERR)
            info.wb_failed++;
        /* started after ERR_DESC and DONE = 0: the write-back failed */
        for (r = c->active; r; r = r->next_)
            for (s = 0; s < r->nd_; s++) {
                uint32_t pos = r->seq_ + s - base, st, b;
                if (pos <= err_seq - base || pos >= started_end)
                    continue;
                desc_status(dev, c, r->seq_ + s, &st, &b);
                if (!(st & DMA_DESC_STATUS_DONE_MASK))
                    info.wb_failed++;
            }
    }
    copy_halt_info(&c->last_halt, &info);
    if (c->on_halt)
        action = c->on_halt(dev, &info, c->halt_arg);

    while ((r = q_pop(&c->active, &c->active_tail)) != NULL) {
        int32_t own = 0;
        bool all_done = true, started = false;
        for (s = 0; s < r->nd_; s++) {
            uint32_t st, b;
            desc_status(dev, c, r->seq_ + s, &st, &b);
            if ((st & DMA_DESC_STATUS_DONE_MASK) && (st & DMA_DESC_STATUS_ERR_MASK) && !own)
                own = (int32_t)DMA_FIELD_GET(DMA_DESC_STATUS_ERR, st);
            if (!(st & DMA_DESC_STATUS_DONE_MASK))
                all_done = false;
            if (r->seq_ + s - base < started_end)
                started = true;
        }
        if (r == info.failed) {
            if (action == OBDMA_HALT_RETRY && r->retries < dev->max_retries) {
                /* restart from the failing descriptor: the ones before it completed
                 * without error (errors are reported in chain order) */
                for (s = 0; s < err_seq - r->seq_; s++) {
                    uint32_t st, b;
                    desc_status(dev, c, r->seq_ + s, &st, &b);
                    r->acc_bytes_ += b;
                }
                r->piece0_ = info.failed_piece;
                r->retries++;
                dev->stats.retries++;
                q_push(&redo, &redo_tail, r);
                continue;
            }
            retire(dev, c, r, info.code ? (int32_t)info.code : (int32_t)DMA_ERR_BAD_CMD, false);
            n++;
        } else if (own) {
            /* started after the failing descriptor: its own data error is in its STATUS */
            retire(dev, c, r, own, false);
            n++;
        } else if (all_done) {
            retire(dev, c, r, 0, false);
            n++;
        } else {
            /* not (completely) started, or a write-back failed: the outcome is unknown;
             * run the whole request again. Only a request that had run (partly) counts a
             * retry (every halt retires or retries the failing one, so this ends). */
            if (!info.failed || started) {
                r->retries++;
                dev->stats.retries++;
            }
            if (r->retries > dev->max_retries) {
                retire(dev, c, r, info.code ? (int32_t)info.code : (int32_t)DMA_ERR_BAD_CMD, false);
                n++;
            } else {
                q_push(&redo, &redo_tail, r);
            }
        }
    }
    rc = hw_reset_channel(dev, ch);
    /* the ring is empty for the engine now: start again from scratch */
    c->head = c->tail;
    c->linked = false;
    if (redo) {
        redo_tail->next_ = c->pending;
        if (!c->pending)
            c->pending_tail = redo_tail;
        c->pending = redo;
        for (r = redo; r; r = r->next_)
            r->state_ = ST_PENDING;
    }
    c->recovering = false;
    kick(dev, ch);
    return rc ? rc : n;
}

/* ------------------------------------------------------------------ API */

int obdma_probe(const struct obdma_platform *plat, struct obdma_caps *caps)
{
    uint32_t ver, cap0, cap1;
    if (!plat || !caps || !plat->read32 || !plat->write32)
        return OBDMA_EINVAL;
    caps->id = ob_rd(plat, DMA_REG_ID);
    if (caps->id != DMA_ID_VALUE)
        return OBDMA_ENODEV;
    ver = ob_rd(plat, DMA_REG_VERSION);
    caps->version = ver;
    if (DMA_FIELD_GET(DMA_VERSION_MAJOR, ver) != DMA_VERSION_MAJOR)
        return OBDMA_ENODEV;
    cap0 = ob_rd(plat, DMA_REG_CAP0);
    cap1 = ob_rd(plat, DMA_REG_CAP1);
    caps->num_channels = (unsigned)DMA_FIELD_GET(DMA_CAP0_NUM_CHANNELS, cap0);
    caps->beat_bytes = (unsigned)DMA_FIELD_GET(DMA_CAP0_BEAT_BYTES, cap0);
    caps->addr_width = (unsigned)DMA_FIELD_GET(DMA_CAP0_ADDR_WIDTH, cap0);
    caps->len_width = (unsigned)DMA_FIELD_GET(DMA_CAP0_LEN_WIDTH, cap0);
    caps->max_burst_len = (unsigned)DMA_FIELD_GET(DMA_CAP1_MAX_BURST_LEN, cap1);
    caps->cmd_depth = (unsigned)DMA_FIELD_GET(DMA_CAP1_CMD_DEPTH, cap1);
    caps->iommu = (cap1 & DMA_CAP1_IOMMU_MASK) != 0u;
    if (caps->num_channels == 0u || caps->num_channels > DMA_MAX_CHANNELS || caps->len_width == 0u ||
        caps->len_width > 32u || caps->addr_width == 0u || caps->addr_width > 64u)
        return OBDMA_ENODEV;
    caps->max_desc_len = ((uint64_t)1 << caps->len_width) - 1u;
    return OBDMA_OK;
}

int obdma_init(struct obdma_dev *dev, const struct obdma_platform *plat)
{
    int rc;
    if (!dev || !plat || !plat->read32 || !plat->write32 || !plat->to_bus)
        return OBDMA_EINVAL;
    ob_zero(dev, sizeof(*dev));
    obdma_copy_platform(&dev->plat, plat);
    rc = obdma_probe(&dev->plat, &dev->caps);
    if (rc)
        return rc;
    dev->max_seg = dev->caps.max_desc_len;
    dev->max_retries = 3u;
    rc = obdma_reset(dev);
    if (rc)
        return rc;
    /* GCTRL.BME is 0 after reset: the engine issues no memory transaction before this */
    return obdma_bus_master(dev, true);
}

int obdma_bus_master(struct obdma_dev *dev, bool enable)
{
    uint32_t g;
    if (!dev || !dev->caps.num_channels)
        return OBDMA_EINVAL;
    g = ob_rd(&dev->plat, DMA_REG_GCTRL);
    g = enable ? (g | DMA_GCTRL_BME_MASK) : (g & ~(uint32_t)DMA_GCTRL_BME_MASK);
    ob_wr(&dev->plat, DMA_REG_GCTRL, g);
    return OBDMA_OK;
}

int obdma_quiesce(struct obdma_dev *dev)
{
    uint32_t n, budget;
    int rc = obdma_bus_master(dev, false);
    if (rc)
        return rc;
    budget = ob_budget(&dev->plat);
    for (n = 0; n < budget; n++) {
        if (ob_rd(&dev->plat, DMA_REG_GSTATUS) & DMA_GSTATUS_QUIESCENT_MASK)
            return OBDMA_OK;
        ob_pause(&dev->plat);
    }
    return OBDMA_ETIMEDOUT;
}

static void cancel_all(struct obdma_dev *dev, struct obdma_chan *c)
{
    struct obdma_req *r;
    while ((r = q_pop(&c->active, &c->active_tail)) != NULL)
        retire(dev, c, r, OBDMA_ECANCELED, false);
    while ((r = q_pop(&c->pending, &c->pending_tail)) != NULL)
        finish(dev, r, OBDMA_ECANCELED, r->acc_bytes_, false);
    c->head = c->tail;
    c->linked = false;
}

int obdma_reset(struct obdma_dev *dev)
{
    unsigned ch;
    int rc = OBDMA_OK;
    if (!dev || !dev->caps.num_channels)
        return OBDMA_EINVAL;
    for (ch = 0; ch < dev->caps.num_channels; ch++) {
        int r = obdma_chan_reset(dev, ch);
        if (r && r != OBDMA_ECHAN)
            rc = r;
    }
    return rc;
}

int obdma_set_max_segment(struct obdma_dev *dev, uint64_t bytes)
{
    if (!dev || bytes == 0u || bytes > dev->caps.max_desc_len)
        return OBDMA_EINVAL;
    dev->max_seg = bytes;
    return OBDMA_OK;
}

int obdma_global_irq(struct obdma_dev *dev, bool enable)
{
    if (!dev || !dev->caps.num_channels)
        return OBDMA_EINVAL;
    {
        uint32_t g = ob_rd(&dev->plat, DMA_REG_GCTRL);
        g = enable ? (g | DMA_GCTRL_GIE_MASK) : (g & ~(uint32_t)DMA_GCTRL_GIE_MASK);
        ob_wr(&dev->plat, DMA_REG_GCTRL, g);
    }
    return OBDMA_OK;
}

static int check_ch(const struct obdma_dev *dev, unsigned ch)
{
    if (!dev || !dev->caps.num_channels)
        return OBDMA_EINVAL;
    if (ch >= dev->caps.num_channels)
        return OBDMA_ECHAN;
    return OBDMA_OK;
}

int obdma_chan_setup(struct obdma_dev *dev, unsigned ch, void *ring, uint64_t ring_bus, uint32_t nslots)
{
    struct obdma_chan *c;
    int rc = check_ch(dev, ch);
    size_t bytes;
    if (rc)
        return rc;
    c = &dev->ch[ch];
    if (!ring || nslots < 2u || (nslots & (nslots - 1u)) || nslots > 0x01000000u)
        return OBDMA_EINVAL;
    if (c->active || c->pending)
        return OBDMA_EBUSY;
    bytes = (size_t)nslots * DMA_DESC_SIZE;
    if (ring_bus == OBDMA_BUS_AUTO && ob_to_bus(&dev->plat, ring, bytes, &ring_bus) != 0)
        return OBDMA_EFAULT;
    /* the engine needs 64-byte aligned descriptors (bus side); the CPU accesses them
     * as aligned 32-bit words */
    if ((ring_bus % DMA_DESC_ALIGN) != 0u || ((uintptr_t)ring % 8u) != 0u)
        return OBDMA_EALIGN;
    if (dev->caps.addr_width < 64u && (ring_bus + bytes - 1u) >> dev->caps.addr_width)
        return OBDMA_EINVAL;
    rc = hw_reset_channel(dev, ch);
    if (rc)
        return rc;
    c->ring = (uint8_t *)ring;
    c->ring_bus = ring_bus;
    c->nslots = nslots;
    c->head = c->tail = 0u;
    c->linked = false;
    c->stopped = false;
    ob_zero(ring, bytes);
    ob_clean(&dev->plat, ring, bytes);
    ob_wmb(&dev->plat);
    return OBDMA_OK;
}

int obdma_chan_irq(struct obdma_dev *dev, unsigned ch, bool enable, unsigned coal_count, uint32_t coal_timeout)
{
    struct obdma_chan *c;
    int rc = check_ch(dev, ch);
    if (rc)
        return rc;
    if (coal_count > (DMA_CH_CTRL_COAL_COUNT_MASK >> DMA_CH_CTRL_COAL_COUNT_SHIFT))
        return OBDMA_EINVAL;
    c = &dev->ch[ch];
    c->irq = enable;
    c->ctrl = (enable ? (DMA_CH_CTRL_IE_DONE_MASK | DMA_CH_CTRL_IE_ERR_MASK) : 0u) |
              DMA_FIELD_PREP(DMA_CH_CTRL_COAL_COUNT, coal_count);
    ch_wr(dev, ch, DMA_CH_COAL_TIMEOUT, coal_timeout);
    if (c->linked && !c->stopped)
        ch_wr(dev, ch, DMA_CH_CTRL, ctrl_run(c));   /* RUN while running: not a doorbell */
    return OBDMA_OK;
}

int obdma_chan_set_halt_handler(struct obdma_dev *dev, unsigned ch, obdma_halt_fn fn, void *arg)
{
    int rc = check_ch(dev, ch);
    if (rc)
        return rc;
    dev->ch[ch].on_halt = fn;
    dev->ch[ch].halt_arg = arg;
    return OBDMA_OK;
}

int obdma_stop(struct obdma_dev *dev, unsigned ch)
{
    struct obdma_chan *c;
    uint32_t st;
    int rc = check_ch(dev, ch);
    if (rc)
        return rc;
    c = &dev->ch[ch];
    c->stopped = true;
    ch_wr(dev, ch, DMA_CH_CTRL, c->ctrl);
    rc = wait_state(dev, ch, (1u << DMA_STATE_IDLE) | (1u << DMA_STATE_HALTED), &st);
    if (rc)
        return rc;
    if (state_of(st) == DMA_STATE_HALTED)
        return recover(dev, ch);
    return collect(dev, ch);
}

int obdma_resume(struct obdma_dev *dev, unsigned ch)
{
    struct obdma_chan *c;
    int rc = check_ch(dev, ch);
    if (rc)
        return rc;
    c = &dev->ch[ch];
    if (!c->stopped)
        return OBDMA_OK;
    c->stopped = false;
    if (c->linked)
        ch_wr(dev, ch, DMA_CH_CTRL, ctrl_run(c));   /* IDLE: resumes at CUR_DESC */
    else
        kick(dev, ch);
    return OBDMA_OK;
}

int obdma_chan_reset(struct obdma_dev *dev, unsigned ch)
{
    struct obdma_chan *c;
    int rc = check_ch(dev, ch);
    if (rc)
        return rc;
    c = &dev->ch[ch];
    rc = hw_reset_channel(dev, ch);
    if (rc)
        return rc;
    if (c->ring) {
        ob_rmb(&dev->plat);
        (void)collect(dev, ch);
    }
    cancel_all(dev, c);
    c->stopped = false;
    return OBDMA_OK;
}

int obdma_chan_state(struct obdma_dev *dev, unsigned ch, unsigned *state, unsigned *err_code)
{
    uint32_t v;
    int rc = check_ch(dev, ch);
    if (rc)
        return rc;
    v = ch_rd(dev, ch, DMA_CH_STATUS);
    if (state)
        *state = state_of(v);
    if (err_code)
        *err_code = (unsigned)DMA_FIELD_GET(DMA_CH_STATUS_ERR_CODE, v);
    return OBDMA_OK;
}

bool obdma_chan_halted(struct obdma_dev *dev, unsigned ch)
{
    unsigned st = 0;
    return obdma_chan_state(dev, ch, &st, NULL) == OBDMA_OK && st == DMA_STATE_HALTED;
}

unsigned obdma_chan_outstanding(const struct obdma_dev *dev, unsigned ch)
{
    const struct obdma_req *r;
    unsigned n = 0;
    if (!dev || ch >= dev->caps.num_channels)
        return 0;
    for (r = dev->ch[ch].active; r; r = r->next_)
        n++;
    for (r = dev->ch[ch].pending; r; r = r->next_)
        n++;
    return n;
}

static bool mem_end_ok(const struct obdma_dev *dev, uint64_t addr, uint64_t len)
{
    uint64_t last;
    if (addr + (len - 1u) < addr)
        return false;   /* wraps */
    last = addr + (len - 1u);
    return dev->caps.addr_width >= 64u || (last >> dev->caps.addr_width) == 0u;
}

int obdma_submit(struct obdma_dev *dev, unsigned ch, struct obdma_req *req)
{
    struct obdma_chan *c;
    uint64_t seg, npieces;
    int rc = check_ch(dev, ch);
    if (rc)
        return rc;
    if (!req)
        return OBDMA_EINVAL;
    c = &dev->ch[ch];
    if (!c->ring)
        return OBDMA_ECHAN;
    if (req->state_ == ST_PENDING || req->state_ == ST_ACTIVE)
        return OBDMA_EBUSY;
    if (req->len == 0u || (req->kind != OBDMA_M2M && req->kind != OBDMA_M2S && req->kind != OBDMA_S2M))
        return OBDMA_EINVAL;
    if ((req->kind != OBDMA_S2M && !mem_end_ok(dev, req->src, req->len)) ||
        (req->kind != OBDMA_M2S && !mem_end_ok(dev, req->dst, req->len)))
        return OBDMA_EINVAL;
    seg = dev->max_seg;
    npieces = ob_div64(req->len - 1u, seg) + 1u;
    if (npieces > (uint64_t)c->nslots - 1u)
        return OBDMA_E2BIG;
    req->seg_ = seg;
    req->npieces_ = (uint32_t)npieces;
    req->piece0_ = 0u;
    req->acc_bytes_ = 0u;
    req->nd_ = 0u;
    req->retries = 0u;
    req->status = 0;
    req->nbytes = 0u;
    req->packet_end = false;
    req->state_ = ST_PENDING;
    dev->stats.submitted++;
    q_push(&c->pending, &c->pending_tail, req);   /* a channel's requests run in order */
    kick(dev, ch);
    return OBDMA_OK;
}

bool obdma_req_done(const struct obdma_req *req)
{
    return req && req->state_ == ST_DONE;
}

int obdma_bus_addr(const struct obdma_dev *dev, const void *cpu, size_t len, uint64_t *bus)
{
    if (!dev || !cpu || !bus || len == 0u)
        return OBDMA_EINVAL;
    return ob_to_bus(&dev->plat, cpu, len, bus) ? OBDMA_EFAULT : OBDMA_OK;
}

void obdma_sync_for_device(const struct obdma_dev *dev, const void *cpu, size_t len)
{
    if (dev && cpu) {
        ob_clean(&dev->plat, cpu, len);
        ob_wmb(&dev->plat);
    }
}

void obdma_sync_for_cpu(const struct obdma_dev *dev, const void *cpu, size_t len)
{
    if (dev && cpu) {
        ob_rmb(&dev->plat);
        ob_inval(&dev->plat, cpu, len);
    }
}

int obdma_poll(struct obdma_dev *dev)
{
    unsigned ch;
    int total = 0;
    if (!dev || !dev->caps.num_channels)
        return OBDMA_EINVAL;
    dev->stats.polls++;
    for (ch = 0; ch < dev->caps.num_channels; ch++) {
        struct obdma_chan *c = &dev->ch[ch];
        uint32_t st;
        int n;
        if (!c->active || c->recovering)
            continue;
        st = ch_rd(dev, ch, DMA_CH_STATUS);
        n = state_of(st) == DMA_STATE_HALTED ? recover(dev, ch) : collect(dev, ch);
        if (n < 0)
            return n;
        total += n;
    }
    kick_all(dev);
    return total;
}

int obdma_irq_handler(struct obdma_dev *dev, unsigned ch)
{
    struct obdma_chan *c;
    uint32_t st;
    int n;
    int rc = check_ch(dev, ch);
    if (rc)
        return rc;
    c = &dev->ch[ch];
    dev->stats.interrupts++;
    st = ch_rd(dev, ch, DMA_CH_IRQ_STATUS);
    if (st)
        ch_wr(dev, ch, DMA_CH_IRQ_STATUS, st);   /* W1C before looking at memory */
    if ((st & DMA_CH_IRQ_STATUS_ERR_MASK) && !c->recovering)
        n = recover(dev, ch);
    else
        n = collect(dev, ch);
    kick_all(dev);
    return n;
}

int obdma_irq_global_handler(struct obdma_dev *dev)
{
    uint32_t lines;
    unsigned ch;
    int total = 0;
    if (!dev || !dev->caps.num_channels)
        return OBDMA_EINVAL;
    lines = (uint32_t)DMA_FIELD_GET(DMA_GSTATUS_IRQ, ob_rd(&dev->plat, DMA_REG_GSTATUS));
    for (ch = 0; ch < dev->caps.num_channels; ch++) {
        if (lines & (1u << ch)) {
            int n = obdma_irq_handler(dev, ch);
            if (n < 0)
                return n;
            total += n;
        }
    }
    return total;
}

int obdma_wait(struct obdma_dev *dev, const struct obdma_req *req)
{
    uint32_t n, budget;
    if (!dev || !req || req->state_ == ST_FREE)
        return OBDMA_EINVAL;
    budget = ob_budget(&dev->plat);
    for (n = 0; n < budget; n++) {
        int rc;
        if (req->state_ == ST_DONE)
            return OBDMA_OK;
        rc = obdma_poll(dev);
        if (rc < 0)
            return rc;
        if (req->state_ == ST_DONE)
            return OBDMA_OK;
        ob_pause(&dev->plat);
    }
    return OBDMA_ETIMEDOUT;
}

int obdma_drain(struct obdma_dev *dev)
{
    uint32_t n, budget;
    unsigned ch;
    if (!dev || !dev->caps.num_channels)
        return OBDMA_EINVAL;
    budget = ob_budget(&dev->plat);
    for (n = 0; n < budget; n++) {
        bool busy = false;
        int rc = obdma_poll(dev);
        if (rc < 0)
            return rc;
        for (ch = 0; ch < dev->caps.num_channels; ch++)
            if (dev->ch[ch].active || dev->ch[ch].pending)
                busy = true;
        if (!busy)
            return OBDMA_OK;
        ob_pause(&dev->plat);
    }
    return OBDMA_ETIMEDOUT;
}

const char *obdma_strerror(int code)
{
    switch (code) {
    case OBDMA_OK: return "ok";
    case OBDMA_EINVAL: return "invalid argument";
    case OBDMA_ECHAN: return "no such channel, or channel not set up";
    case OBDMA_EALIGN: return "misaligned memory";
    case OBDMA_E2BIG: return "request needs more descriptors than the ring holds";
    case OBDMA_EBUSY: return "busy";
    case OBDMA_ETIMEDOUT: return "timed out";
    case OBDMA_ENODEV: return "no such device";
    case OBDMA_EFAULT: return "address not translatable";
    case OBDMA_ENOMEM: return "pool exhausted";
    case OBDMA_EIO: return "hardware error";
    case OBDMA_ENOENT: return "not mapped";
    case OBDMA_ECANCELED: return "cancelled";
    case OBDMA_EEXIST: return "already mapped";
    case (int)DMA_ERR_RD_SLVERR: return "read SLVERR";
    case (int)DMA_ERR_RD_DECERR: return "read DECERR";
    case (int)DMA_ERR_WR_SLVERR: return "write SLVERR";
    case (int)DMA_ERR_WR_DECERR: return "write DECERR";
    case (int)DMA_ERR_BAD_CMD: return "bad command";
    case (int)DMA_ERR_FETCH_SLVERR: return "descriptor fetch SLVERR";
    case (int)DMA_ERR_FETCH_DECERR: return "descriptor fetch DECERR";
    case (int)DMA_ERR_WB_SLVERR: return "status write-back SLVERR";
    case (int)DMA_ERR_WB_DECERR: return "status write-back DECERR";
    case (int)DMA_ERR_DESC_ALIGN: return "descriptor misaligned";
    case (int)DMA_ERR_DESC_MALFORMED: return "descriptor malformed";
    default: return "unknown";
    }
}
