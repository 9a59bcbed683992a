# SPDX-License-Identifier: Apache-2.0
"""A driver workload for the system tests: requests with real buffers (guard bytes either
side) whose every byte is checked on completion. Used by tb/system/test_driver.py and
tb/system/test_driver_iommu.py."""
from __future__ import annotations


class Workload:
    """Builds requests with real buffers and checks every byte on completion."""

    def __init__(self, env, drv):
        self.env = env
        self.drv = drv
        self.rng = env.rng
        self.checks = []          # callables run at the end
        self.m2s_expected = []
        self.done = []
        self.failures = []

    def buffer(self, length, high=None, guard=64):
        """A buffer with `guard` noise bytes either side (checked unchanged)."""
        rng = self.rng
        high = rng.random() < 0.6 if high is None else high
        offset = rng.randrange(0, 4096 - guard) if rng.random() < 0.7 else 0
        outer = self.env.alloc_buffer(length + 2 * guard, high=high, offset=offset)
        noise = rng.randbytes(length + 2 * guard)
        outer.write(0, noise)
        return outer, outer.slice(guard, length), noise

    def request(self, kind, channel, length, src_high=None, dst_high=None, expect_status=0):
        from dmaengine.driver import STREAM, DmaRequest

        data = self.rng.randbytes(length)
        src = dst = STREAM
        if kind != "s2m":
            src_outer, src, _ = self.buffer(length, src_high)
            src.write(0, data)
        if kind != "m2s":
            dst_outer, dst, noise = self.buffer(length, dst_high)
        if kind == "m2s":
            self.m2s_expected.append(data)
        if kind == "s2m":
            self.env.source.send(data)

        def done(req, status, nbytes):
            self.done.append(req)
            if status != expect_status:
                self.failures.append(f"{kind} ch{channel} len {length}: status {status}")
                return
            if status:
                return
            if nbytes != length:
                self.failures.append(f"{kind} ch{channel}: {nbytes} bytes, expected {length}")
            if kind != "m2s":
                got = dst_outer.read()
                want = noise[:64] + data + noise[64 + length:]
                if got != want:
                    bad = next(i for i in range(len(got)) if got[i] != want[i])
                    self.failures.append(f"{kind} ch{channel} len {length}: byte {bad - 64} differs")
        return DmaRequest(src=src, dst=dst, channel=channel, callback=done)
