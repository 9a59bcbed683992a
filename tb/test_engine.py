"""cocotb tests of dma_engine: registers, scatter-gather channels, completions,
interrupts and errors, against the real datapath.

Every test runs under protocol checkers on all five AXI interfaces and ends
with a byte-exact memory check (MemoryScoreboard): destinations exact, the
engine's STATUS/BYTES write-backs exact, nothing else changed.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

import cocotb
import pytest
from cocotb.triggers import RisingEdge

CONFIGS = [
    # (DATA_WIDTH, NUM_CHANNELS, simulator or None for $SIM)
    (64, 4, None),
    (32, 2, None),
    (128, 4, None),
]


@pytest.mark.parametrize("data_width,channels,sim", CONFIGS,
                         ids=[f"dw{d}-ch{c}-{s or 'sim'}" for d, c, s in CONFIGS])
def test_engine(data_width, channels, sim):
    from dmatb.runner import run_cocotb

    run_cocotb("dma_engine", "test_engine", {"DATA_WIDTH": data_width, "NUM_CHANNELS": channels}, sim=sim)


# ----------------------------------------------------------------------------- model

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


# ----------------------------------------------------------------------------- tests

@cocotb.test()
async def single_chain(dut):
    """One channel, chains of 1, 2 and 33 descriptors of mixed sizes and alignments."""
    from dmaengine import regs as R

    b = await make_bench(dut)
    total = 0
    for count in (1, 2, 33):
        descs = [b.copy_desc(b.rng.choice([1, 7, 64, 100, 4096, 5000])) for _ in range(count)]
        addrs = b.chain(0, descs)
        await b.env.start_channel(0, addrs[0])
        total += count
        await b.env.wait_completed(0, total)
        state, waiting, err = await b.env.ch_status(0)
        assert (state, waiting, err) == (R.DMA_STATE_RUNNING, True, 0)
        await b.env.ch_write(0, R.DMA_CH_CTRL, 0)           # stop
        await b.env.wait_state(0, R.DMA_STATE_IDLE)
    b.check()


@cocotb.test()
async def all_channels_random_chains(dut):
    """Chains of 1 to 256 descriptors with random sizes, alignments and kinds on every
    channel at once, with back-pressure and latency on both memory ports."""
    from dmaengine import regs as R
    from dmaengine.descriptor import Descriptor
    from dmatb.memory import set_stream_backpressure

    b = await make_bench(dut)
    env = b.env
    seed = b.rng.randrange(1 << 30)
    env.mem.set_backpressure(seed=seed, aw=0.2, w=0.2, b=0.2, ar=0.2, r=0.2)
    env.sg_mem.set_backpressure(seed=seed + 1, aw=0.2, w=0.2, b=0.2, ar=0.2, r=0.2)
    env.mem.set_latency(read=b.rng.choice([0, 8, 32]))
    env.sg_mem.set_latency(read=b.rng.choice([0, 8]))
    set_stream_backpressure(env.m_axis, 0.2, seed + 2)
    lengths = [1, 256] + [b.rng.randint(1, 40) for _ in range(env.num_channels)]
    mm2s_frames = []
    counts = {}
    first = {}
    for ch in range(env.num_channels):
        count = lengths[ch]
        descs = []
        for i in range(count):
            size = b.rng.choice([1, 3, 8, 64, 333, 1500, 4096])
            # one channel also feeds the device stream (memory -> stream)
            if ch == 1 and b.rng.random() < 0.2:
                src = b.alloc("src_next", DST_BASE, size)
                data = b.rng.randbytes(size)
                env.mem.write(src, data)
                b.sb.expect_write(src, data)
                descs.append(Descriptor(src=src, length=size, dst_stream=True, eop=True))
                mm2s_frames.append(data)
            else:
                descs.append(b.copy_desc(size))
        first[ch] = b.chain(ch, descs)[0]
        counts[ch] = count
    for ch in range(env.num_channels):
        await env.start_channel(ch, first[ch])
    for ch in range(env.num_channels):
        await env.wait_completed(ch, counts[ch], timeout_cycles=2_000_000, poll=500)
        assert await env.ch_read(ch, R.DMA_CH_COMPLETED) == counts[ch]
    frames = []
    await env.cycles(50)
    while not env.m_axis.empty():
        frames.append(bytes(env.m_axis.recv_nowait().tdata))
    assert frames == mm2s_frames
    b.check()


@cocotb.test()
async def doorbell_appends_while_running(dut):
    """Work linked behind the end of a running chain starts on a doorbell; a doorbell
    rung before the link is made does not lose it."""
    from dmaengine import regs as R

    b = await make_bench(dut)
    env = b.env
    descs = [b.copy_desc(2000) for _ in range(4)]
    addrs = b.chain(0, descs)
    await env.start_channel(0, addrs[0])
    done = 4
    tail = addrs[-1]
    for round_ in range(5):
        more = [b.copy_desc(b.rng.choice([64, 2000])) for _ in range(b.rng.randint(1, 5))]
        new = b.chain(0, more)
        if round_ % 2:
            await env.wait_completed(0, done)          # channel already waiting at EOC
            assert (await env.ch_status(0))[1], "channel should be waiting at the end of its chain"
        env.link(tail, new[0])
        b.sb.expect_write(tail, new[0].to_bytes(8, "little"))
        await env.ch_write(0, R.DMA_CH_DOORBELL, 1)
        done += len(more)
        tail = new[-1]
    await env.wait_completed(0, done)
    # a doorbell with nothing linked: the channel re-reads NEXT, sees EOC and keeps waiting
    await env.ch_write(0, R.DMA_CH_DOORBELL, 1)
    await env.cycles(100)
    assert await env.ch_status(0) == (R.DMA_STATE_RUNNING, True, 0)
    b.check()


@cocotb.test()
async def stop_and_resume(dut):
    """RUN=0 mid-chain: the started descriptors finish, the channel goes IDLE with
    CUR_DESC at the first one not started; RUN=1 resumes from there."""
    from dmaengine import regs as R

    b = await make_bench(dut)
    env = b.env
    descs = [b.copy_desc(3000) for _ in range(40)]
    addrs = b.chain(0, descs)
    await env.start_channel(0, addrs[0])
    await env.cycles(1500)
    await env.ch_write(0, R.DMA_CH_CTRL, 0)
    await env.wait_state(0, R.DMA_STATE_IDLE, timeout_cycles=5000)
    done = await env.ch_read(0, R.DMA_CH_COMPLETED)
    assert 0 < done < 40
    cur = await env.ch_read64(0, R.DMA_CH_CUR_DESC_LO)
    assert cur == addrs[done], f"CUR_DESC {cur:#x}, expected descriptor #{done} at {addrs[done]:#x}"
    for a in addrs[done:]:
        assert not env.completion(a).done, "a descriptor after the stop point was executed"
    await env.ch_write(0, R.DMA_CH_CTRL, R.DMA_CH_CTRL_RUN_MASK)
    await env.wait_completed(0, 40)
    b.check()


async def expect_halt(b, ch, code, err_desc):
    from dmaengine import regs as R

    st = await b.env.wait_state(ch, R.DMA_STATE_HALTED)
    assert st[2] == code, f"channel {ch}: error code {st[2]}, expected {code}"
    got = await b.env.ch_read64(ch, R.DMA_CH_ERR_DESC_LO)
    assert got == err_desc, f"channel {ch}: ERR_DESC {got:#x}, expected {err_desc:#x}"
    irq = await b.env.ch_read(ch, R.DMA_CH_IRQ_STATUS)
    assert irq & R.DMA_CH_IRQ_STATUS_ERR_MASK


async def reset_channel(b, ch):
    from dmaengine import regs as R

    await b.env.ch_write(ch, R.DMA_CH_CTRL, R.DMA_CH_CTRL_RESET_MASK)
    await b.env.wait_state(ch, R.DMA_STATE_IDLE)
    await b.env.ch_write(ch, R.DMA_CH_IRQ_STATUS, 0x7)
    assert (await b.env.ch_status(ch))[2] == 0


@cocotb.test()
async def error_classes(dut):
    """Every error class halts the channel at the failing descriptor with the exact
    cause and address; the descriptor's STATUS carries data errors; reset and restart
    from any descriptor works; other channels keep running meanwhile."""
    from dmaengine import regs as R
    from dmaengine.descriptor import Descriptor

    b = await make_bench(dut)
    env = b.env
    other = env.num_channels - 1            # runs a long chain the whole time
    bg = [b.copy_desc(4096) for _ in range(60)]
    bg_addrs = b.chain(other, bg)
    await env.start_channel(other, bg_addrs[0])

    async def run_failing(kind, resp, code):
        good = b.copy_desc(100)
        bad = b.copy_desc(3000)
        after = b.copy_desc(100)
        addrs = [b.alloc_desc() for _ in range(3)]
        env.write_chain(addrs, [good, bad, after])
        for a, d in zip(addrs, [good, bad, after]):
            b.sb.expect_write(a, d.pack())
        b.expect_done(0, addrs[0], 100)
        mem, lo, hi, on = {
            "data_read": (env.mem, bad.src + 1000, bad.src + 1008, "read"),
            "data_write": (env.mem, bad.dst + 8, bad.dst + 16, "write"),
            "fetch": (env.sg_mem, addrs[1], addrs[1] + 64, "read"),
            "writeback": (env.sg_mem, addrs[1] + 0x20, addrs[1] + 0x28, "write"),
        }[kind]
        mem.inject_error(lo, hi, kind=resp, on=on)
        b.sb.allow_partial(bad.dst, bad.length)
        b.sb.allow_any(addrs[1] + 0x20, 8)      # STATUS checked below
        # descriptors after the failing one may already be in flight (documented)
        b.sb.allow_any(after.dst, after.length)
        b.sb.allow_any(addrs[2] + 0x20, 8)
        dut._log.info("error class: %s %s", kind, resp)
        await env.start_channel(0, addrs[0])
        await expect_halt(b, 0, code, addrs[1])
        mem.clear_errors()
        comp = env.completion(addrs[1])
        if kind.startswith("data"):
            assert comp.done and comp.error == code, f"{kind}: descriptor status {comp}"
        elif kind == "fetch":
            assert not comp.done, "a descriptor that could not be fetched has no status"
        await reset_channel(b, 0)
        # restart from the failing descriptor: it now completes
        b.sb.expect_write(bad.dst, b.sb.expected(bad.src, bad.length))
        b.expect_done(0, addrs[1], bad.length)
        b.expect_done(0, addrs[2], after.length)
        b.sb.expect_write(after.dst, b.sb.expected(after.src, after.length))
        await env.start_channel(0, addrs[1])
        await env.wait_completed(0, 2)
        await env.ch_write(0, R.DMA_CH_CTRL, 0)
        await env.wait_state(0, R.DMA_STATE_IDLE)
        await reset_channel(b, 0)

    for kind, resp, code in [
        ("data_read", "slverr", R.DMA_ERR_RD_SLVERR), ("data_read", "decerr", R.DMA_ERR_RD_DECERR),
        ("data_write", "slverr", R.DMA_ERR_WR_SLVERR), ("data_write", "decerr", R.DMA_ERR_WR_DECERR),
        ("fetch", "slverr", R.DMA_ERR_FETCH_SLVERR), ("fetch", "decerr", R.DMA_ERR_FETCH_DECERR),
        ("writeback", "slverr", R.DMA_ERR_WB_SLVERR), ("writeback", "decerr", R.DMA_ERR_WB_DECERR),
    ]:
        await run_failing(kind, resp, code)

    # malformed descriptors: bad magic, reserved bits, zero length, stream->stream
    # (the destination is not declared to the scoreboard: it must stay untouched,
    # and so must the descriptor's STATUS)
    for ctrl in (0x00000000, 0xD5000100, None, 0xD5000006):
        d = Descriptor(src=b.alloc("src_next", DST_BASE, 64), dst=b.alloc("dst_next", MEM_SIZE, 64),
                       length=0 if ctrl is None else 64, next=1)
        a = b.alloc_desc()
        raw = d.pack(ctrl=ctrl)
        env.mem.write(a, raw)
        b.sb.expect_write(a, raw)
        await env.start_channel(0, a)
        await expect_halt(b, 0, R.DMA_ERR_DESC_MALFORMED, a)
        await reset_channel(b, 0)

    # a misaligned NEXT pointer
    d = b.copy_desc(64)
    a = b.alloc_desc()
    d.next = 0x1000 + 8
    env.mem.write(a, d.pack())
    b.sb.expect_write(a, d.pack())
    b.expect_done(0, a, 64)
    await env.start_channel(0, a)
    await expect_halt(b, 0, R.DMA_ERR_DESC_ALIGN, 0x1008)
    await reset_channel(b, 0)

    # the other channel never stalled and finished its chain
    await env.wait_completed(other, 60, timeout_cycles=1_000_000)
    assert (await env.ch_status(other))[2] == 0
    b.check()


@cocotb.test()
async def interrupt_coalescing(dut):
    """DONE after COAL_COUNT flagged completions, or COAL_TIMEOUT cycles after the last
    one; ERR and IDLE interrupts; the irq line follows IRQ_STATUS & enables; W1C."""
    from dmaengine import regs as R

    b = await make_bench(dut)
    env = b.env
    ctrl = (R.DMA_CH_CTRL_RUN_MASK | R.DMA_CH_CTRL_IE_DONE_MASK | (3 << R.DMA_CH_CTRL_COAL_COUNT_SHIFT))

    # count threshold 3: two flagged completions raise nothing, the third does
    descs = [b.copy_desc(64, irq=True) for _ in range(2)]
    addrs = b.chain(0, descs)
    await env.ch_write(0, R.DMA_CH_COAL_TIMEOUT, 0)
    await env.set_cur_desc(0, addrs[0])
    await env.ch_write(0, R.DMA_CH_CTRL, ctrl)
    await env.wait_completed(0, 2)
    await env.cycles(50)
    assert int(dut.irq.value) & 1 == 0, "irq before the coalescing threshold"
    more = b.chain(0, [b.copy_desc(64, irq=True)])
    env.link(addrs[-1], more[0])
    b.sb.expect_write(addrs[-1], more[0].to_bytes(8, "little"))
    await env.ch_write(0, R.DMA_CH_DOORBELL, 1)
    await env.wait_completed(0, 3)
    await env.cycles(5)
    assert int(dut.irq.value) & 1 == 1
    assert await env.ch_read(0, R.DMA_CH_IRQ_STATUS) & R.DMA_CH_IRQ_STATUS_DONE_MASK
    await env.ch_write(0, R.DMA_CH_IRQ_STATUS, R.DMA_CH_IRQ_STATUS_DONE_MASK)
    await env.cycles(2)
    assert int(dut.irq.value) & 1 == 0, "W1C did not clear the interrupt"

    # timeout: one flagged completion, threshold 3, timeout 200 cycles
    await env.ch_write(0, R.DMA_CH_COAL_TIMEOUT, 200)
    tail = more[-1]
    more = b.chain(0, [b.copy_desc(64, irq=True)])
    env.link(tail, more[0])
    b.sb.expect_write(tail, more[0].to_bytes(8, "little"))
    await env.ch_write(0, R.DMA_CH_DOORBELL, 1)
    await env.wait_completed(0, 4, poll=5)
    t0 = env.cycle
    while not int(dut.irq.value) & 1:
        await RisingEdge(dut.clk)
        assert env.cycle - t0 < 400, "coalescing timeout never fired"
    waited = env.cycle - t0
    assert 100 < waited <= 210, f"timeout fired after {waited} cycles (COAL_TIMEOUT=200)"
    await env.ch_write(0, R.DMA_CH_IRQ_STATUS, 0x7)

    # IDLE interrupt when the chain is done; global line gated by GIE
    await env.ch_write(0, R.DMA_CH_CTRL, ctrl | R.DMA_CH_CTRL_IE_IDLE_MASK)
    await env.cycles(5)
    assert await env.ch_read(0, R.DMA_CH_IRQ_STATUS) & R.DMA_CH_IRQ_STATUS_IDLE_MASK == 0
    tail = more[-1]
    more = b.chain(0, [b.copy_desc(64)])
    env.link(tail, more[0])
    b.sb.expect_write(tail, more[0].to_bytes(8, "little"))
    await env.ch_write(0, R.DMA_CH_DOORBELL, 1)
    await env.wait_completed(0, 5)
    await env.cycles(5)
    assert await env.ch_read(0, R.DMA_CH_IRQ_STATUS) & R.DMA_CH_IRQ_STATUS_IDLE_MASK
    assert int(dut.irq.value) & 1 and not int(dut.irq_global.value)
    await env.write_reg(R.DMA_REG_GCTRL, R.DMA_GCTRL_GIE_MASK)
    await env.cycles(2)
    assert int(dut.irq_global.value) == 1
    b.check()


@cocotb.test()
async def reset_while_running(dut):
    """CTRL.RESET on a running channel: the descriptors already started finish and are
    written back, nothing after them starts, the channel returns to IDLE with its
    counters and interrupt status cleared, and it restarts from any descriptor."""
    from dmaengine import regs as R

    b = await make_bench(dut)
    env = b.env
    descs = [b.copy_desc(4000) for _ in range(30)]
    addrs = b.chain(0, descs)
    await env.start_channel(0, addrs[0], R.DMA_CH_CTRL_IE_IDLE_MASK)
    await env.cycles(2000)
    await env.ch_write(0, R.DMA_CH_CTRL, R.DMA_CH_CTRL_RESET_MASK)     # RUN cleared too
    await env.wait_state(0, R.DMA_STATE_IDLE, timeout_cycles=10_000)
    assert await env.ch_read(0, R.DMA_CH_COMPLETED) == 0
    assert await env.ch_read(0, R.DMA_CH_IRQ_STATUS) == 0
    done = [a for a in addrs if env.completion(a).done]
    assert done and done == addrs[:len(done)], "only a prefix of the chain may have run"
    cur = await env.ch_read64(0, R.DMA_CH_CUR_DESC_LO)
    assert cur == addrs[len(done)], f"CUR_DESC {cur:#x} is not the first descriptor not started"
    await env.start_channel(0, cur)
    await env.wait_completed(0, len(addrs) - len(done))
    b.check()
