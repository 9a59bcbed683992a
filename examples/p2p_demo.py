# SPDX-License-Identifier: Apache-2.0
"""Peer-to-peer DMA with busdma, in a few lines (no simulator needed):

    .venv/bin/python examples/p2p_demo.py

A "GPU" exposes 16 MiB of its memory at bus address 0x80_0000_0000 (far above the
8 GiB of RAM). A driver registers that window with the platform and loads parts
of it for another device, as it would load RAM:

- bounce platform, a device that reaches 64-bit addresses: the segment is the
  window's own bus address (nothing is copied, ever);
- bounce platform, a device limited to 32 bits: the load fails with EINVAL, since
  device memory cannot be copied through a bounce page;
- IOMMU platform, the same 32-bit device: the window is mapped into the device's
  IOVA space like any memory.

The same thing through the RTL engine (storage stream -> GPU memory -> NIC stream,
system RAM never touched by data, counted at an AXI interconnect), on both
platforms:

    .venv/bin/python -m pytest tb/system/test_p2p.py -s
"""
import errno

import busdma
from busdma import BUS_DMA_NOWAIT, BUS_SPACE_MAXADDR, BUS_SPACE_MAXADDR_32BIT

GPU_BASE, GPU_SIZE = 0x80_0000_0000, 16 << 20


def load(tag, what, length):
    """Load a peer window buffer; returns the segments (or raises BusDmaError)."""
    dmamap = busdma.bus_dmamap_create(tag, 0)
    segs = []
    busdma.bus_dmamap_load(tag, dmamap, what, length, lambda arg, s, n, e: segs.extend(s), None,
                           BUS_DMA_NOWAIT)
    return dmamap, segs


def main():
    for platform in (busdma.BouncePlatform(), busdma.IommuPlatform()):
        name = type(platform).__name__
        gpu = platform.register_peer_window(GPU_BASE, GPU_SIZE, "gpu0")
        gpu.write(0x1000, b"tensor data")
        root = platform.bus_get_dma_tag(1)
        for limit in (BUS_SPACE_MAXADDR, BUS_SPACE_MAXADDR_32BIT):
            tag = root.create_child(lowaddr=limit, maxsize=1 << 20)
            try:
                dmamap, segs = load(tag, gpu.buffer(0x1000, 0x3000), 0x3000)
            except busdma.BusDmaError as exc:
                assert exc.errno == errno.EINVAL and isinstance(platform, busdma.BouncePlatform)
                print(f"{name}: {limit.bit_length()}-bit device: EINVAL: {exc.strerror}")
                continue
            seg = segs[0]
            if isinstance(platform, busdma.IommuPlatform):
                paddr = platform.hw.translate(1, seg.ds_addr)
                print(f"{name}: {limit.bit_length()}-bit device: IOVA {seg.ds_addr:#x} -> "
                      f"bus address {paddr:#x} (the window)")
                assert paddr == GPU_BASE + 0x1000
            else:
                print(f"{name}: {limit.bit_length()}-bit device: segment {seg} "
                      f"(the window itself; bounced bytes: {platform.stats().bounced_bytes})")
                assert seg.ds_addr == GPU_BASE + 0x1000 and platform.stats().bounced_bytes == 0
            busdma.bus_dmamap_unload(tag, dmamap)


if __name__ == "__main__":
    main()
