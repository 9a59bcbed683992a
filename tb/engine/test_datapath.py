# SPDX-License-Identifier: Apache-2.0
"""cocotb tests of dma_datapath (the AXI4 bus-master back end), collected by pytest.

Every test runs under the AXI4 / AXI4-Stream protocol checkers and ends with a
byte-exact check of the whole memory (MemoryScoreboard): each destination holds
exactly the expected bytes and nothing else changed. Statuses are checked against
a reference model of the datapath (tags in order, bytes, error code, eop).

Random tests take their seed from cocotb (printed by the runner; replay with
RANDOM_SEED=<seed>).
"""
from __future__ import annotations

import os
import random
from dataclasses import dataclass, field

import cocotb
import pytest
from cocotb.triggers import RisingEdge

# ----------------------------------------------------------------------------- pytest side

CONFIGS = [
    # (DATA_WIDTH, MAX_BURST_LEN, simulator or None for $SIM)
    (32, 16, None),
    (32, 256, None),
    (64, 16, None),
    (64, 256, None),
    (128, 16, None),
    (128, 256, None),
    (64, 256, "verilator"),   # plain `make test` always includes a Verilator run
]


@pytest.mark.parametrize("data_width,max_burst,sim", CONFIGS,
                         ids=[f"dw{d}-mbl{m}-{s or 'sim'}" for d, m, s in CONFIGS])
def test_datapath(data_width, max_burst, sim):
    from dmatb.runner import run_cocotb

    run_cocotb("dma_datapath", "test_datapath",
               {"DATA_WIDTH": data_width, "MAX_BURST_LEN": max_burst}, sim=sim)


@pytest.mark.soak
def test_datapath_soak():
    """`make soak`: the random mix at 3000 transfers (DATAPATH_RANDOM_COUNT), 64-bit."""
    from dmatb.runner import run_cocotb

    run_cocotb("dma_datapath", "test_datapath", {"DATA_WIDTH": 64, "MAX_BURST_LEN": 256},
               extra_env={"DATAPATH_RANDOM_COUNT": os.environ.get("DATAPATH_RANDOM_COUNT", "3000"),
                          "COCOTB_TEST_FILTER": "random_mix"})


# ----------------------------------------------------------------------------- model

MEM_SIZE = 8 << 20
SRC_BASE = 0x000000        # sources: [SRC_BASE, DST_BASE), reused after each check()
DST_BASE = 0x300000        # destinations: [DST_BASE, MEM_SIZE), never reused


@dataclass
class Expect:
    tag: int
    nbytes: int
    error: int = 0
    eop: bool = False
    # partial destination allowed (write error): every byte either old or new
    partial: bool = False


@dataclass
class Bench:
    """The DUT environment plus a reference model of what it must do."""
    env: object
    sb: object
    rng: random.Random
    n: int                       # bytes per beat
    expects: list = field(default_factory=list)
    dst_next: int = DST_BASE
    src_next: int = SRC_BASE
    tag: int = 0
    # expected m_axis frames, each the list of its commands' bytes (one command's
    # beats are mm2s_beats(data, n)); stream_cur: the commands of the open frame
    stream_out: list = field(default_factory=list)
    stream_cur: list = field(default_factory=list)
    stream_in: list = field(default_factory=list)    # pending s_axis packets [bytearray, consumed]

    def _bump(self, attr, limit, length, offset, align):
        base = (getattr(self, attr) + 255) & ~255
        if align is not None:
            base = (base + align - 1) & ~(align - 1)
        off = self.rng.randrange(self.n) if offset is None else offset
        setattr(self, attr, base + off + length + 64)
        assert getattr(self, attr) < limit, f"test ran out of memory for {attr}"
        return base + off

    def alloc_dst(self, length, offset=None, align=None):
        """A fresh destination, apart from all others (guard gap), at a chosen offset."""
        return self._bump("dst_next", MEM_SIZE, length, offset, align)

    def alloc_src(self, length, offset=None, align=None):
        """A source that no pending command still reads."""
        return self._bump("src_next", DST_BASE, length, offset, align)

    def src_with_data(self, length, src=None, offset=None):
        if src is None:
            src = self.alloc_src(length, offset)
        data = self.rng.randbytes(length)
        self.env.mem.write(src, data)
        self.sb.expect_write(src, data)
        return src, data

    def garbage_addr(self, low=None):
        """An address for a stream end (documented as ignored): random bits, with
        the chosen offset in a beat in its low bits."""
        addr = self.rng.getrandbits(len(self.env.dut.cmd_src_addr))
        if low is not None:
            addr = (addr & ~(self.n - 1)) | low
        return addr

    def next_tag(self):
        self.tag = (self.tag + 1) & 0xFF
        return self.tag

    # ---- the three kinds ---------------------------------------------------------
    def m2m(self, length, src_off=None, dst_off=None, src=None, dst=None):
        from dmatb.datapath_env import Command

        src, data = self.src_with_data(length, src=src, offset=src_off)
        if dst is None:
            dst = self.alloc_dst(length, dst_off)
        tag = self.next_tag()
        self.sb.expect_write(dst, data)
        self.expects.append(Expect(tag, length))
        self.env.submit(Command(src, dst, length, tag=tag))
        return src, dst, data

    def mm2s(self, length, eop=True, src_off=None, dst=None):
        """Memory -> m_axis; `dst` (ignored by the DUT) is random unless given."""
        from dmatb.datapath_env import MEM, STREAM, Command

        src, data = self.src_with_data(length, offset=src_off)
        if dst is None:
            dst = self.garbage_addr()
        tag = self.next_tag()
        self.stream_cur.append(data)
        if eop:
            self.stream_out.append(self.stream_cur)
            self.stream_cur = []
        self.expects.append(Expect(tag, length))
        self.env.submit(Command(src, dst, length, MEM, STREAM, eop, tag))

    def send_packet(self, length):
        """Queue a packet on s_axis (the device side)."""
        data = self.rng.randbytes(length)
        self.stream_in.append([data, 0])
        self.env.s_axis.send_nowait(data)
        return data

    def s2mm(self, length, dst_off=None, src=None):
        """Receive into a fresh buffer; the model follows the packet boundaries.
        `src` (ignored by the DUT) is random unless given."""
        from dmatb.datapath_env import MEM, STREAM, Command

        pkt = self.stream_in[0]
        data, used = pkt
        take = min(length, len(data) - used)
        eop = used + take == len(data)
        dst = self.alloc_dst(length, dst_off)
        self.sb.expect_write(dst, data[used:used + take])
        pkt[1] += take
        if eop:
            self.stream_in.pop(0)
        if src is None:
            src = self.garbage_addr()
        tag = self.next_tag()
        self.expects.append(Expect(tag, take, eop=eop))
        self.env.submit(Command(src, dst, length, STREAM, MEM, True, tag))

    async def check(self):
        """Wait for every status, then compare statuses, streams and memory."""
        env = self.env
        statuses = await env.wait_statuses(len(self.expects))
        for i, (got, exp) in enumerate(zip(statuses, self.expects)):
            assert (got.tag, got.nbytes, got.error, got.eop) == (exp.tag, exp.nbytes, exp.error, exp.eop), (
                f"status #{i}: got tag={got.tag} bytes={got.nbytes} err={got.error} eop={got.eop}, "
                f"expected tag={exp.tag} bytes={exp.nbytes} err={exp.error} eop={exp.eop}")
        for _ in range(20):          # let the last stream beats drain into the sink
            await RisingEdge(env.dut.clk)
        self.check_stream_out(env.m_axis_frames())
        self.sb.check()
        env.finish()
        self.src_next = SRC_BASE


    def check_stream_out(self, frames):
        """Beat-exact m_axis check: the beats of every frame (TKEEP and kept bytes),
        frame ends (TLAST) where cmd_eop put them."""
        from dmatb.datapath_env import mm2s_beats

        expected = [[beat for data in cmds for beat in mm2s_beats(data, self.n)]
                    for cmds in self.stream_out]
        self.stream_out.clear()
        assert len(frames) == len(expected), (
            f"m_axis: {len(frames)} frames (TLAST), expected {len(expected)}: got "
            f"{[len(f) for f in frames]} beats per frame, expected {[len(f) for f in expected]}")
        for fi, (got, exp) in enumerate(zip(frames, expected)):
            if got == exp:
                continue
            for bi, (g, e) in enumerate(zip(got, exp)):
                assert g == e, (
                    f"m_axis frame #{fi} beat #{bi}: TKEEP {g.keep:#x} data {g.data.hex()}, "
                    f"expected TKEEP {e.keep:#x} data {e.data.hex()}")
            raise AssertionError(f"m_axis frame #{fi}: {len(got)} beats, expected {len(exp)} "
                                 f"(TLAST on the wrong beat)")


async def make_bench(dut, **kwargs) -> Bench:
    from dmatb.datapath_env import DatapathEnv
    from dmatb.scoreboard import MemoryScoreboard

    env = DatapathEnv(dut, mem_size=MEM_SIZE, **kwargs)
    await env.start()
    rng = random.Random(env.seed)
    # fill memory with noise so that a stray write is visible
    env.mem.write(0, rng.randbytes(MEM_SIZE))
    sb = MemoryScoreboard(env.mem)
    return Bench(env=env, sb=sb, rng=rng, n=env.bytes_per_beat)


def add_backpressure(b: Bench, p=0.3):
    from dmatb.memory import set_stream_backpressure

    seed = b.rng.randrange(1 << 30)
    b.env.mem.set_backpressure(seed=seed, aw=p, w=p, b=p, ar=p, r=p)
    set_stream_backpressure(b.env.s_axis, p, seed + 1)
    set_stream_backpressure(b.env.m_axis, p, seed + 2)


# ----------------------------------------------------------------------------- tests

@cocotb.test()
async def small_lengths_all_offsets(dut):
    """Lengths of 1 to 4 beats at every source and destination offset in a beat."""
    b = await make_bench(dut)
    n = b.n
    lengths = sorted({1, 2, 3, n - 1, n, n + 1, 2 * n - 1, 2 * n, 2 * n + 1, 3 * n, 4 * n - 1, 4 * n})
    for so in range(n):
        for do in range(n):
            for length in lengths:
                b.m2m(length, src_off=so, dst_off=do)
    await b.check()


@cocotb.test()
async def long_lengths(dut):
    """127, 128, 4095, 4096 and 65537 bytes at aligned and unaligned offsets."""
    b = await make_bench(dut)
    n = b.n
    for length in (127, 128, 4095, 4096):
        for so, do in ((0, 0), (1, 0), (0, n - 1), (n - 1, 1), (3 % n, 15 % n)):
            b.m2m(length, src_off=so, dst_off=do)
    b.m2m(65537, src_off=0, dst_off=0)
    b.m2m(65537, src_off=n - 1, dst_off=1)
    await b.check()


@cocotb.test()
async def near_4k_boundaries(dut):
    """Sources and destinations just below a 4 KiB boundary: every burst is split there."""
    b = await make_bench(dut)
    for k in (1, 2, b.n - 1, b.n, b.n + 1, 3 * b.n + 5):
        for length in (1, k + 1, 2 * k + 3, 300):
            src = b.alloc_src(length + 4096, offset=0, align=4096) + 4096 - k
            dst = b.alloc_dst(length + 4096, offset=0, align=4096) + 4096 - k
            b.m2m(length, src=src, dst=dst)
    await b.check()


@cocotb.test()
async def backpressure_and_latency(dut):
    """Random pauses on every channel, then 32-cycle read latency."""
    b = await make_bench(dut)
    add_backpressure(b, 0.4)
    for _ in range(40):
        b.m2m(b.rng.choice([1, 7, 64, 129, 1000, 3000]))
    await b.check()
    b.env.mem.clear_backpressure()
    b.env.mem.set_latency(read=32, write=8)
    for _ in range(20):
        b.m2m(b.rng.choice([1, 64, 500, 2048, 5000]))
    await b.check()


@cocotb.test()
async def memory_to_stream(dut):
    """Memory -> m_axis: packets made of one or several commands, with back-pressure."""
    b = await make_bench(dut)
    for length in (1, 2, b.n - 1, b.n, b.n + 1, 100, 4096, 5000):
        for so in (0, 1, b.n - 1):
            b.mm2s(length, src_off=so)
    add_backpressure(b, 0.3)
    for _ in range(10):                      # multi-command packets (eop on the last)
        parts = b.rng.randint(1, 4)
        for i in range(parts):
            b.mm2s(b.rng.randint(1, 700), eop=(i == parts - 1))
    await b.check()


@cocotb.test()
async def stream_to_memory(dut):
    """s_axis -> memory: TLAST before the length ends early; packets longer than the
    length continue in the next command (the documented policy)."""
    b = await make_bench(dut)
    for length in (1, 2, b.n - 1, b.n, b.n + 1, 100, 4096, 5000):
        for do in (0, 1, b.n - 1):
            b.send_packet(length)
            b.s2mm(length + b.rng.choice([0, 0, 1, 100]), dst_off=do)   # TLAST ends it
    add_backpressure(b, 0.3)
    for _ in range(15):
        pkt = len(b.send_packet(b.rng.randint(1, 3000)))
        while b.stream_in:                   # several buffers per packet
            b.s2mm(b.rng.randint(1, max(1, pkt // 2)))
    await b.check()


@cocotb.test()
async def stream_end_addresses_ignored(dut):
    """cmd_dst_addr of a stream destination and cmd_src_addr of a stream source are
    ignored (docs/architecture.md). Memory -> stream at every destination offset, random
    source offsets: exact m_axis beats (bytes packed from lane 0, TKEEP all ones but the
    command's last beat, ceil(len/N) beats, TLAST per cmd_eop). Stream -> memory with
    garbage in the source address's low bits: exact bytes, statuses."""
    b = await make_bench(dut)
    n = b.n
    lengths = sorted({1, 2, n - 1, n, n + 1, 3 * n + b.rng.randint(1, n - 1)})
    for rnd in range(2):
        if rnd:
            add_backpressure(b, 0.3)
        # one command per packet, then packets of several commands (open packets
        # continue at lane 0 of a new beat with the next command)
        for multi in (False, True):
            for do in range(n):
                for length in lengths:
                    b.mm2s(length, eop=(not multi) or b.rng.random() < 0.4,
                           src_off=b.rng.randrange(n), dst=b.garbage_addr(do))
        if b.stream_cur:
            b.mm2s(1, eop=True, dst=b.garbage_addr(n - 1))
        await b.check()
        for so in range(n):
            for length in lengths:
                # a packet of exactly the length, or ended early by TLAST
                b.send_packet(length)
                b.s2mm(length + b.rng.choice([0, 1, n]), dst_off=b.rng.randrange(n),
                       src=b.garbage_addr(so))
                # a packet over several buffers: later commands start mid-beat
                b.send_packet(2 * length + so)
                while b.stream_in:
                    b.s2mm(length, dst_off=b.rng.randrange(n), src=b.garbage_addr(b.rng.randrange(n)))
        await b.check()


@cocotb.test()
async def read_and_write_errors(dut):
    """SLVERR/DECERR on reads and writes: exact code, nothing written from bad data,
    the engine goes on with the next command."""
    from dmatb.datapath_env import (ERR_RD_DECERR, ERR_RD_SLVERR, ERR_WR_DECERR,
                                    ERR_WR_SLVERR, Command)

    b = await make_bench(dut)
    mem = b.env.mem
    cases = [("read", "slverr", ERR_RD_SLVERR), ("read", "decerr", ERR_RD_DECERR),
             ("write", "slverr", ERR_WR_SLVERR), ("write", "decerr", ERR_WR_DECERR)]
    for on, kind, code in cases:
        for length, cut in ((1, 0), (64, 0), (3000, 1000), (9000, 4096)):
            src, data = b.src_with_data(length)
            dst = b.alloc_dst(length)
            if on == "read":
                lo = (src + cut) & ~(b.n - 1)
                err_range = (lo, (src + length + b.n) & ~(b.n - 1))
            else:
                lo = (dst + cut) & ~(b.n - 1)
                err_range = (lo, (dst + length + b.n) & ~(b.n - 1))
            mem.inject_error(*err_range, kind=kind, on=on)
            tag = b.next_tag()
            b.env.submit(Command(src, dst, length, tag=tag))
            st = (await b.env.wait_statuses(len(b.expects) + 1))[-1]
            assert (st.tag, st.error) == (tag, code), f"{on} {kind} len={length}: status {st}"
            if on == "read":
                # bytes before the first failing beat are delivered, nothing after
                good = st.nbytes
                assert good <= max(0, (err_range[0] - src)), f"read error: {good} bytes reported good"
                b.sb.expect_write(dst, data[:good])
            else:
                assert st.nbytes == length
                b.sb.allow_partial(dst, length, data)
            b.expects.append(Expect(tag, st.nbytes, code))
            mem.clear_errors()
            b.m2m(b.rng.randint(1, 2000))          # recovery: the next command works
    # an error in one command of a pipelined batch affects only that command
    src, data = b.src_with_data(512, offset=0)
    mem.inject_error(src, src + 512, kind="slverr", on="read")
    b.m2m(300)
    tag = b.next_tag()
    dst = b.alloc_dst(512)
    b.env.submit(Command(src, dst, 512, tag=tag))
    b.expects.append(Expect(tag, 0, ERR_RD_SLVERR))
    b.m2m(300)
    await b.check()


@cocotb.test()
async def bad_commands(dut):
    """Zero length and stream->stream are refused with BAD_CMD and no bus traffic."""
    from dmatb.datapath_env import ERR_BAD_CMD, STREAM, Command

    b = await make_bench(dut)
    b.m2m(100)
    for cmd in (Command(0x100, DST_BASE, 0), Command(0, 0, 64, STREAM, STREAM)):
        cmd.tag = b.next_tag()
        b.expects.append(Expect(cmd.tag, 0, ERR_BAD_CMD))
        b.env.submit(cmd)
    b.m2m(100)
    await b.check()


@cocotb.test()
async def random_mix(dut):
    """Seeded random mix of all kinds, sizes and offsets, with back-pressure and latency."""
    b = await make_bench(dut)
    count = int(os.environ.get("DATAPATH_RANDOM_COUNT", "120"))
    dut._log.info("random_mix: %d transfers, replay with RANDOM_SEED=%d", count, b.env.regression_seed)
    for i in range(count):
        if i % 50 == 0:
            add_backpressure(b, b.rng.choice([0.0, 0.1, 0.5]))
            b.env.mem.set_latency(read=b.rng.choice([0, 0, 5, 32]), write=b.rng.choice([0, 4]))
        kind = b.rng.random()
        length = b.rng.choice([b.rng.randint(1, 4 * b.n), b.rng.randint(1, 2000), b.rng.randint(1, 9000)])
        if kind < 0.6:
            b.m2m(length)
        elif kind < 0.8:
            b.mm2s(length, eop=b.rng.random() < 0.7)
        else:
            if not b.stream_in:
                b.send_packet(b.rng.randint(1, 4000))
            b.s2mm(length)
    if b.stream_cur:                             # close an open m_axis packet
        b.mm2s(1, eop=True)
    await b.check()
