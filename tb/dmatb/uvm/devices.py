# SPDX-License-Identifier: Apache-2.0
"""Device models that use the driver: a NIC-like receiver (a ring of mapped
receive buffers on a stream -> memory channel, refilled as packets arrive).
The wire side is SystemEnv.source (s_axis); storage blocks use SystemEnv.sink
(m_axis) and SystemEnv.source."""
from __future__ import annotations

import cocotb
from cocotb.triggers import ClockCycles

from dmaengine.driver import STREAM, DmaRequest


class NicReceiver:
    """Keeps `nbufs` receive buffers (each `bufsize` bytes inside one page, so one
    descriptor each: a packet ending early never spills into the next buffer) posted
    on `channel`; each completion hands the packet (BYTES, STATUS.EOP) up and
    re-posts the buffer."""

    def __init__(self, env, drv, channel: int, nbufs: int = 8, bufsize: int = 2048, high: bool = True):
        assert bufsize <= 4096
        self.env, self.drv, self.channel = env, drv, channel
        self.bufs = []
        for i in range(nbufs):
            page = env.alloc_buffer(4096, high=high)
            off = (i % (4096 // bufsize)) * bufsize
            self.bufs.append((page, page.slice(off, bufsize)))
        self.received: list[bytes] = []
        self.errors: list[str] = []
        self.refills = 0
        self.running = False
        self._pending = []

    def _post(self, idx: int):
        self.refills += 1
        req = DmaRequest(src=STREAM, dst=self.bufs[idx][1], channel=self.channel,
                         callback=self._rx_done, arg=idx)
        return self.drv.submit(req)

    def _rx_done(self, req, status, nbytes):
        if status:
            self.errors.append(f"rx status {status}")
        elif not req.packet_end:
            self.errors.append(f"packet longer than the {len(req.dst)}-byte buffer")
        else:
            self.received.append(req.dst.read(0, nbytes))
        if self.running:
            cocotb.start_soon(self._post(req.arg))      # refill the ring

    async def start(self):
        self.running = True
        for i in range(len(self.bufs)):
            await self._post(i)

    async def stop(self):
        """Stop refilling; the buffers still posted stay with the engine until
        packets arrive: send one dummy packet per posted buffer to flush them."""
        self.running = False
        while self.drv.busy():
            self.env.source.send(bytes(64))
            for _ in range(20):
                if not self.drv.busy():
                    break
                await ClockCycles(self.env.dut.clk, 50)
        assert not self.errors, self.errors
