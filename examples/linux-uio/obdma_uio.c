/* SPDX-License-Identifier: Apache-2.0 */
/* Linux user-space example: the engine's register page through UIO (/dev/uioN, map 0)
 * and a physically contiguous buffer from u-dma-buf (/dev/udmabuf0, its physical address
 * in /sys/class/u-dma-buf/udmabuf0/phys_addr). Completions by interrupt: read() on the
 * UIO device blocks until irq_global, then obdma_irq_global_handler(); writing 1 to the
 * UIO device re-enables the interrupt.
 *
 *   ./obdma_uio [/dev/uio0] [udmabuf0]
 *
 * The u-dma-buf buffer is opened without O_SYNC here only if the platform is coherent;
 * otherwise open it with O_SYNC (uncached) so that no cache maintenance is needed. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "obdma.h"

struct uio_ctx {
    volatile uint8_t *regs;     /* the register page */
    uint8_t *buf;               /* u-dma-buf mapping */
    size_t buf_size;
    uint64_t buf_phys;
};

static uint32_t reg_read(void *ctx, uint32_t off)
{
    struct uio_ctx *u = (struct uio_ctx *)ctx;
    return *(volatile uint32_t *)(volatile void *)(u->regs + off);
}

static void reg_write(void *ctx, uint32_t off, uint32_t v)
{
    struct uio_ctx *u = (struct uio_ctx *)ctx;
    *(volatile uint32_t *)(volatile void *)(u->regs + off) = v;
}

static void barrier(void *ctx)
{
    (void)ctx;
    __sync_synchronize();
}

static int to_bus(void *ctx, const void *cpu, size_t len, uint64_t *bus, size_t *contig)
{
    struct uio_ctx *u = (struct uio_ctx *)ctx;
    const uint8_t *p = (const uint8_t *)cpu;
    if (p < u->buf || p >= u->buf + u->buf_size || len > (size_t)(u->buf + u->buf_size - p))
        return -1;      /* only the u-dma-buf buffer is device-visible */
    *bus = u->buf_phys + (uint64_t)(p - u->buf);
    if (contig)
        *contig = len;
    return 0;
}

static void sleep_us(void *ctx, uint32_t us)
{
    struct timespec ts;
    (void)ctx;
    ts.tv_sec = (time_t)(us / 1000000u);
    ts.tv_nsec = (long)(us % 1000000u) * 1000L;
    nanosleep(&ts, NULL);
}

static int read_sysfs_u64(const char *path, uint64_t *v)
{
    char line[64];
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    if (!fgets(line, sizeof(line), f)) {
        fclose(f);
        return -1;
    }
    fclose(f);
    *v = strtoull(line, NULL, 0);
    return 0;
}

static void done(struct obdma_req *req, void *arg)
{
    (void)arg;
    printf("request done: status %d (%s), %llu bytes\n", (int)req->status, obdma_strerror(req->status),
           (unsigned long long)req->nbytes);
}

int main(int argc, char **argv)
{
    const char *uio = argc > 1 ? argv[1] : "/dev/uio0";
    const char *name = argc > 2 ? argv[2] : "udmabuf0";
    char path[256];
    struct uio_ctx u;
    struct obdma_platform plat;
    struct obdma_dev dev;
    struct obdma_req req;
    uint64_t size;
    int fd_uio, fd_buf, rc;
    uint32_t one = 1u, count;

    memset(&u, 0, sizeof(u));
    fd_uio = open(uio, O_RDWR);
    if (fd_uio < 0) {
        perror(uio);
        return 1;
    }
    u.regs = (volatile uint8_t *)mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd_uio, 0);
    if (u.regs == (volatile uint8_t *)MAP_FAILED) {
        perror("mmap registers");
        return 1;
    }
    snprintf(path, sizeof(path), "/sys/class/u-dma-buf/%s/phys_addr", name);
    if (read_sysfs_u64(path, &u.buf_phys))
        return 1;
    snprintf(path, sizeof(path), "/sys/class/u-dma-buf/%s/size", name);
    if (read_sysfs_u64(path, &size))
        return 1;
    u.buf_size = (size_t)size;
    snprintf(path, sizeof(path), "/dev/%s", name);
    fd_buf = open(path, O_RDWR | O_SYNC);   /* O_SYNC: uncached, no cache maintenance needed */
    if (fd_buf < 0) {
        perror(path);
        return 1;
    }
    u.buf = (uint8_t *)mmap(NULL, u.buf_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd_buf, 0);
    if (u.buf == (uint8_t *)MAP_FAILED || u.buf_size < 3u * 65536u) {
        fprintf(stderr, "u-dma-buf: cannot map, or smaller than 192 KiB\n");
        return 1;
    }

    memset(&plat, 0, sizeof(plat));
    plat.ctx = &u;
    plat.read32 = reg_read;
    plat.write32 = reg_write;
    plat.wmb = barrier;
    plat.rmb = barrier;
    plat.to_bus = to_bus;
    plat.delay_us = sleep_us;
    plat.poll_budget = 100000u;
    plat.poll_interval_us = 10u;

    rc = obdma_init(&dev, &plat);
    if (rc) {
        fprintf(stderr, "obdma_init: %s\n", obdma_strerror(rc));
        return 1;
    }
    printf("engine: %u channels, %u-byte beats, IOMMU %s\n", dev.caps.num_channels, dev.caps.beat_bytes,
           dev.caps.iommu ? "yes" : "no");
    /* buffer layout: ring (64 KiB), source, destination */
    rc = obdma_chan_setup(&dev, 0, u.buf, OBDMA_BUS_AUTO, 1024u);
    if (!rc)
        rc = obdma_chan_irq(&dev, 0, true, 1u, 0u);
    if (!rc)
        rc = obdma_global_irq(&dev, true);
    if (rc) {
        fprintf(stderr, "set-up: %s\n", obdma_strerror(rc));
        return 1;
    }
    memset(u.buf + 65536, 0x5A, 65536);
    memset(&req, 0, sizeof(req));
    req.kind = OBDMA_M2M;
    req.len = 65536u - 3u;
    req.done = done;
    if (obdma_bus_addr(&dev, u.buf + 65536 + 1, (size_t)req.len, &req.src) ||
        obdma_bus_addr(&dev, u.buf + 131072 + 2, (size_t)req.len, &req.dst))
        return 1;
    if (write(fd_uio, &one, sizeof(one)) != (ssize_t)sizeof(one))   /* unmask the interrupt */
        return 1;
    rc = obdma_submit(&dev, 0, &req);
    while (!rc && !obdma_req_done(&req)) {
        if (read(fd_uio, &count, sizeof(count)) != (ssize_t)sizeof(count))   /* blocks until irq */
            break;
        rc = obdma_irq_global_handler(&dev);
        rc = rc < 0 ? rc : 0;
        if (write(fd_uio, &one, sizeof(one)) != (ssize_t)sizeof(one))
            break;
    }
    if (rc)
        fprintf(stderr, "error: %s\n", obdma_strerror(rc));
    rc = rc || req.status || memcmp(u.buf + 65536 + 1, u.buf + 131072 + 2, (size_t)req.len) != 0;
    (void)obdma_reset(&dev);
    munmap(u.buf, u.buf_size);
    munmap((void *)(uintptr_t)u.regs, 8192);
    close(fd_buf);
    close(fd_uio);
    return rc;
}
