# SPDX-License-Identifier: Apache-2.0
"""A dma_engine test bench on EngineEnv: memory layout, descriptor and buffer allocation, and
the expected write-backs kept in a MemoryScoreboard. Used by the engine and top tests
(tb/engine/test_engine.py, tb/top/test_top.py)."""
from __future__ import annotations

import random
from dataclasses import dataclass, field


MEM_SIZE = 8 << 20
DESC_BASE = 0x000000      # descriptors: 64-byte slots
SRC_BASE = 0x100000
DST_BASE = 0x400000


@dataclass
class Bench:
    env: object
    sb: object
    rng: random.Random
    desc_next: int = DESC_BASE
    src_next: int = SRC_BASE
    dst_next: int = DST_BASE
    # per channel: list of (desc addr, expected Completion fields)
    expected: dict = field(default_factory=dict)

    @property
    def n(self):
        return self.env.bytes_per_beat

    def alloc_desc(self):
        a = self.desc_next
        self.desc_next += 64
        assert self.desc_next < SRC_BASE
        return a

    def alloc(self, attr, limit, length, offset=None):
        base = (getattr(self, attr) + 255) & ~255
        off = self.rng.randrange(64) if offset is None else offset
        setattr(self, attr, base + off + length + 64)
        assert getattr(self, attr) < limit, f"out of memory for {attr}"
        return base + off

    def copy_desc(self, length, irq=False, src_off=None, dst_off=None):
        """A memory copy descriptor with fresh source data; the copy is expected."""
        from dmaengine.descriptor import Descriptor

        src = self.alloc("src_next", DST_BASE, length, src_off)
        dst = self.alloc("dst_next", MEM_SIZE, length, dst_off)
        data = self.rng.randbytes(length)
        self.env.mem.write(src, data)
        self.sb.expect_write(src, data)
        self.sb.expect_write(dst, data)
        return Descriptor(src=src, dst=dst, length=length, irq=irq)

    def chain(self, ch, descs, start=True):
        """Write a chain for channel `ch`; returns the descriptor addresses."""
        addrs = [self.alloc_desc() for _ in descs]
        self.env.write_chain(addrs, descs)
        for a, d in zip(addrs, descs):
            self.sb.expect_write(a, d.pack())
            self.expect_done(ch, a, d.length)
        return addrs

    def expect_done(self, ch, addr, nbytes, error=0, eop=False):
        """The engine writes STATUS = DONE|err and BYTES into the descriptor."""
        import struct

        from dmaengine.descriptor import STATUS_DONE, STATUS_EOP

        status = STATUS_DONE | (STATUS_EOP if eop else 0) | error
        self.sb.expect_write(addr + 0x20, struct.pack("<II", status, nbytes))
        self.expected.setdefault(ch, []).append(addr)

    def check(self):
        self.sb.check()
        self.env.finish()


async def make_bench(dut, **kwargs) -> Bench:
    from dmatb.engine_env import EngineEnv
    from dmatb.scoreboard import MemoryScoreboard

    env = EngineEnv(dut, mem_size=MEM_SIZE, **kwargs)
    await env.start()
    rng = random.Random(env.seed)
    env.mem.write(0, rng.randbytes(MEM_SIZE))    # noise: a stray write shows up
    sb = MemoryScoreboard(env.mem)
    return Bench(env=env, sb=sb, rng=rng)
