/* SPDX-License-Identifier: Apache-2.0 */
/* openbusdma C driver: the DMA engine (docs/c-driver.md).
 *
 * Portable C99, no allocation: the caller owns every structure and all memory (the
 * descriptor rings in device-visible memory). Register offsets, fields and the
 * descriptor format come from the generated headers dma_regs.h and dma_desc.h.
 *
 * Calls on one device are not reentrant: serialise them (e.g. mask the engine's
 * interrupt around obdma_submit when completions run from its handler). A request's
 * completion callback runs inside obdma_poll / obdma_irq_handler / obdma_stop and
 * may call obdma_submit. */
#ifndef OBDMA_H
#define OBDMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "obdma_platform.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OBDMA_MAX_CHANNELS 8u        /* = DMA_MAX_CHANNELS of dma_regs.h (checked in obdma.c) */

/* return codes (negative); request status is 0, an engine error code > 0
 * (DMA_ERR_* of dma_regs.h) or one of these */
enum {
    OBDMA_OK = 0,
    OBDMA_EINVAL = -1,      /* bad argument (NULL, zero length, bad kind, address too wide) */
    OBDMA_ECHAN = -2,       /* channel out of range, or not set up */
    OBDMA_EALIGN = -3,      /* memory not aligned as required */
    OBDMA_E2BIG = -4,       /* request needs more descriptors than the ring holds */
    OBDMA_EBUSY = -5,       /* request already in flight / resource busy */
    OBDMA_ETIMEDOUT = -6,   /* the poll budget ran out */
    OBDMA_ENODEV = -7,      /* no engine (ID or version mismatch), or no IOMMU */
    OBDMA_EFAULT = -8,      /* memory the platform cannot translate (to_bus) */
    OBDMA_ENOMEM = -9,      /* caller-provided pool exhausted */
    OBDMA_EIO = -10,        /* hardware reported an error (IOMMU queue fault, illegal command) */
    OBDMA_ENOENT = -11,     /* nothing mapped there */
    OBDMA_ECANCELED = -12,  /* request status: cancelled by obdma_chan_reset */
    OBDMA_EEXIST = -13      /* already mapped */
};

enum obdma_kind {
    OBDMA_M2M = 0,          /* memory -> memory */
    OBDMA_M2S = 1,          /* memory -> device stream (m_axis) */
    OBDMA_S2M = 2           /* device stream (s_axis) -> memory */
};

/* request flags */
#define OBDMA_REQ_EOP 0x1u  /* memory -> stream: end the packet (TLAST) with this request */

struct obdma_dev;
struct obdma_req;
typedef void (*obdma_done_fn)(struct obdma_req *req, void *arg);

/* One transfer. The caller fills kind, src, dst, len, flags, done, arg, and keeps the
 * structure alive (untouched) until its callback ran. Addresses are bus addresses (the
 * device's view: physical, or IOVAs of the channel behind an IOMMU): obdma_bus_addr()
 * translates CPU pointers. Any alignment; len from 1 byte up to (ring slots - 1) times
 * the longest descriptor: the request is split into as many descriptors as needed. */
struct obdma_req {
    enum obdma_kind kind;
    uint64_t src;           /* ignored for OBDMA_S2M */
    uint64_t dst;           /* ignored for OBDMA_M2S */
    uint64_t len;
    uint32_t flags;
    obdma_done_fn done;     /* may be NULL */
    void *arg;
    /* results, valid once done ran (or obdma_req_done() is true) */
    int32_t status;         /* 0, DMA_ERR_* (> 0) or OBDMA_E* (< 0) */
    uint64_t nbytes;        /* bytes moved (sum of the descriptors' BYTES) */
    bool packet_end;        /* stream -> memory: TLAST arrived within the request */
    uint32_t retries;       /* times the driver ran it again after a halt */
    /* private to the driver */
    struct obdma_req *next_;
    uint64_t seg_;          /* bytes per descriptor */
    uint64_t acc_bytes_;    /* bytes of pieces completed before a restart */
    uint32_t npieces_, piece0_, seq_, nd_;
    uint8_t state_;
};

struct obdma_caps {
    uint32_t id, version;
    unsigned num_channels, beat_bytes, addr_width, len_width, max_burst_len, cmd_depth;
    bool iommu;
    uint64_t max_desc_len;  /* 2^len_width - 1 */
};

/* What the driver found when a channel halted (docs/descriptors.md). */
struct obdma_halt_info {
    unsigned channel;
    unsigned code;              /* STATUS.ERR_CODE (DMA_ERR_*) */
    uint64_t err_desc;          /* first descriptor in chain order that failed */
    uint64_t cur_desc;          /* first descriptor not started (bit 0: chain end) */
    struct obdma_req *failed;   /* the request owning err_desc (NULL: not one of ours) */
    uint32_t failed_piece;      /* index of err_desc within that request */
    uint32_t wb_failed;         /* descriptors whose status write-back failed */
};

/* Halt policy, returned by the halt handler: report the failed request with the error
 * (the default), or run it again from the failing descriptor (the handler fixed the
 * cause; at most max_retries times). Every other unfinished request is run again. */
enum obdma_halt_action { OBDMA_HALT_REPORT = 0, OBDMA_HALT_RETRY = 1 };
typedef enum obdma_halt_action (*obdma_halt_fn)(struct obdma_dev *dev, const struct obdma_halt_info *info,
                                                void *arg);

struct obdma_stats {
    uint32_t submitted, completed, failed, descriptors, halts, retries, interrupts, polls, doorbells;
};

struct obdma_chan {
    uint8_t *ring;          /* CPU address of the ring */
    uint64_t ring_bus;      /* its bus address */
    uint32_t nslots;        /* power of two */
    uint32_t head, tail;    /* oldest retained / next free sequence number */
    struct obdma_req *active, *active_tail, *pending, *pending_tail;
    uint32_t ctrl;          /* CTRL bits besides RUN: interrupt enables, COAL_COUNT */
    bool irq;               /* completions signalled by interrupt (IRQ flag on the last descriptor) */
    bool linked;            /* the engine holds a chain in this ring */
    bool stopped;
    bool recovering;
    obdma_halt_fn on_halt;
    void *halt_arg;
    struct obdma_halt_info last_halt;
};

struct obdma_dev {
    struct obdma_platform plat;
    struct obdma_caps caps;
    struct obdma_chan ch[OBDMA_MAX_CHANNELS];
    uint64_t max_seg;       /* longest descriptor the driver builds (<= caps.max_desc_len) */
    uint32_t max_retries;   /* runs of one request after halts (default 3) */
    struct obdma_stats stats;
};

/* life cycle */
int obdma_probe(const struct obdma_platform *plat, struct obdma_caps *caps);
int obdma_init(struct obdma_dev *dev, const struct obdma_platform *plat);
int obdma_reset(struct obdma_dev *dev);                /* every channel; cancels all requests */
int obdma_set_max_segment(struct obdma_dev *dev, uint64_t bytes);
int obdma_global_irq(struct obdma_dev *dev, bool enable);   /* GCTRL.GIE (irq_global) */
/* GCTRL.BME, bus-master enable (obdma_init sets it): while off the engine starts no memory
 * transaction. obdma_quiesce turns it off and waits for GSTATUS.QUIESCENT (nothing of the
 * engine outstanding on the bus): the safe point before freeing rings or resetting. */
int obdma_bus_master(struct obdma_dev *dev, bool enable);
int obdma_quiesce(struct obdma_dev *dev);

/* channels */
int obdma_chan_setup(struct obdma_dev *dev, unsigned ch, void *ring, uint64_t ring_bus, uint32_t nslots);
#define OBDMA_BUS_AUTO UINT64_MAX     /* ring_bus: ask the platform's to_bus */
int obdma_chan_irq(struct obdma_dev *dev, unsigned ch, bool enable, unsigned coal_count, uint32_t coal_timeout);
int obdma_chan_set_halt_handler(struct obdma_dev *dev, unsigned ch, obdma_halt_fn fn, void *arg);
int obdma_stop(struct obdma_dev *dev, unsigned ch);    /* clear RUN, wait until stopped */
int obdma_resume(struct obdma_dev *dev, unsigned ch);
int obdma_chan_reset(struct obdma_dev *dev, unsigned ch);  /* reset; cancels its requests */
int obdma_chan_state(struct obdma_dev *dev, unsigned ch, unsigned *state, unsigned *err_code);
bool obdma_chan_halted(struct obdma_dev *dev, unsigned ch);
unsigned obdma_chan_outstanding(const struct obdma_dev *dev, unsigned ch);

/* requests */
int obdma_submit(struct obdma_dev *dev, unsigned ch, struct obdma_req *req);
bool obdma_req_done(const struct obdma_req *req);
int obdma_bus_addr(const struct obdma_dev *dev, const void *cpu, size_t len, uint64_t *bus);
void obdma_sync_for_device(const struct obdma_dev *dev, const void *cpu, size_t len);
void obdma_sync_for_cpu(const struct obdma_dev *dev, const void *cpu, size_t len);

/* completion: each returns the number of requests finished, or a negative code */
int obdma_poll(struct obdma_dev *dev);
int obdma_irq_handler(struct obdma_dev *dev, unsigned ch);   /* irq[ch] */
int obdma_irq_global_handler(struct obdma_dev *dev);         /* irq_global: every pending channel */
int obdma_wait(struct obdma_dev *dev, const struct obdma_req *req);   /* poll until req finished */
int obdma_drain(struct obdma_dev *dev);                      /* poll until nothing outstanding */

const char *obdma_strerror(int code);

#ifdef __cplusplus
}
#endif

#endif /* OBDMA_H */
