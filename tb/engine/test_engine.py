# SPDX-License-Identifier: Apache-2.0
"""cocotb tests of dma_engine: registers, scatter-gather channels, completions,
interrupts and errors, against the real datapath.

Every test runs under protocol checkers on all five AXI interfaces and ends
with a byte-exact memory check (MemoryScoreboard): destinations exact, the
engine's STATUS/BYTES write-backs exact, nothing else changed.
"""
from __future__ import annotations


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

from dmatb.engine_bench import DST_BASE, MEM_SIZE, SRC_BASE, make_bench


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
    """DONE after COAL_COUNT flagged completions (unflagged ones do not count), or
    COAL_TIMEOUT cycles after the last one, or at the end of the chain; ERR and IDLE
    interrupts; the irq line follows IRQ_STATUS & enables; W1C."""
    from dmaengine import regs as R

    b = await make_bench(dut)
    env = b.env
    ctrl = (R.DMA_CH_CTRL_RUN_MASK | R.DMA_CH_CTRL_IE_DONE_MASK | (3 << R.DMA_CH_CTRL_COAL_COUNT_SHIFT))
    log = []
    cocotb.start_soon(watch_done(env, 0, log))

    # count threshold 3: DONE with the 3rd and 6th flagged completions (the unflagged
    # ones in between do not count), and the 7th at the end of the chain
    flags = [True, False, True, True, True, False, True, True, True]
    descs = [b.copy_desc(64, irq=f) for f in flags]
    addrs = b.chain(0, descs)
    await env.ch_write(0, R.DMA_CH_COAL_TIMEOUT, 0)
    await env.set_cur_desc(0, addrs[0])
    await env.ch_write(0, R.DMA_CH_CTRL, ctrl)
    await env.wait_completed(0, len(descs))
    await env.cycles(20)
    assert [c for _, c in log] == [4, 8, 9], f"DONE pulses at COMPLETED {[c for _, c in log]}"
    assert int(dut.irq.value) & 1 == 1
    assert await env.ch_read(0, R.DMA_CH_IRQ_STATUS) & R.DMA_CH_IRQ_STATUS_DONE_MASK
    await env.ch_write(0, R.DMA_CH_IRQ_STATUS, R.DMA_CH_IRQ_STATUS_DONE_MASK)
    await env.cycles(2)
    assert int(dut.irq.value) & 1 == 0, "W1C did not clear the interrupt"

    # timeout: one flagged completion, threshold 3, timeout 200 cycles, while a long
    # unflagged descriptor keeps the chain going
    await env.ch_write(0, R.DMA_CH_COAL_TIMEOUT, 200)
    log.clear()
    tail = addrs[-1]
    more = b.chain(0, [b.copy_desc(64, irq=True), b.copy_desc(16384)])
    env.link(tail, more[0])
    b.sb.expect_write(tail, more[0].to_bytes(8, "little"))
    await env.ch_write(0, R.DMA_CH_DOORBELL, 1)
    done0 = len(descs)
    t0 = None
    while t0 is None:
        await RisingEdge(dut.clk)
        if (int(dut.frontend.ch_completed.value) & 0xFFFFFFFF) == done0 + 1:
            t0 = env.cycle
    while not log:
        await RisingEdge(dut.clk)
        assert env.cycle - t0 < 400, "coalescing timeout never fired"
    waited = log[0][0] - t0
    assert 195 <= waited <= 205, f"timeout fired after {waited} cycles (COAL_TIMEOUT=200)"
    assert log[0][1] == done0 + 1, "DONE came after the long descriptor, not by the timeout"
    await env.wait_completed(0, done0 + 2)
    await env.cycles(20)
    assert len(log) == 1, "nothing was pending at the end of the chain"
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
    await env.wait_completed(0, done0 + 3)
    await env.cycles(5)
    assert await env.ch_read(0, R.DMA_CH_IRQ_STATUS) & R.DMA_CH_IRQ_STATUS_IDLE_MASK
    assert int(dut.irq.value) & 1 and not int(dut.irq_global.value)
    await env.write_reg(R.DMA_REG_GCTRL, R.DMA_GCTRL_GIE_MASK | R.DMA_GCTRL_BME_MASK)
    await env.cycles(2)
    assert int(dut.irq_global.value) == 1
    b.check()


@cocotb.test()
async def reset_while_running(dut):
    """CTRL.RESET on a running channel: the descriptors already started finish and are
    written back, nothing after them starts, the channel returns to IDLE with COMPLETED
    and IRQ_STATUS 0 (no DONE for the descriptors that finished after the RESET write,
    no IDLE interrupt), CUR_DESC = the first descriptor not started, and it restarts
    from any descriptor."""
    from dmaengine import regs as R

    b = await make_bench(dut)
    env = b.env
    log = []
    cocotb.start_soon(watch_done(env, 0, log))
    descs = [b.copy_desc(4000, irq=True) for _ in range(30)]
    addrs = b.chain(0, descs)
    await env.start_channel(0, addrs[0], R.DMA_CH_CTRL_IE_IDLE_MASK | R.DMA_CH_CTRL_IE_DONE_MASK
                            | (1 << R.DMA_CH_CTRL_COAL_COUNT_SHIFT))
    await env.cycles(2000)
    assert log, "DONE interrupts before the reset"
    await env.ch_write(0, R.DMA_CH_CTRL, R.DMA_CH_CTRL_RESET_MASK)     # RUN cleared too
    t_reset = env.cycle
    before = len(log)
    await env.wait_state(0, R.DMA_STATE_IDLE, timeout_cycles=10_000)
    assert await env.ch_read(0, R.DMA_CH_COMPLETED) == 0
    assert await env.ch_read(0, R.DMA_CH_IRQ_STATUS) == 0
    assert int(dut.irq.value) & 1 == 0
    assert all(cy <= t_reset for cy, _ in log), f"DONE after the RESET write: {log[before:]}"
    done = [a for a in addrs if env.completion(a).done]
    assert done and done == addrs[:len(done)], "only a prefix of the chain may have run"
    cur = await env.ch_read64(0, R.DMA_CH_CUR_DESC_LO)
    assert cur == addrs[len(done)], f"CUR_DESC {cur:#x} is not the first descriptor not started"
    await env.start_channel(0, cur)
    await env.wait_completed(0, len(addrs) - len(done))
    b.check()


# ----------------------------------------------------------------------------- errors in chain order

D0, D1 = 0x10000, 0x10040           # the descriptors of the chain-order scenarios


def put_desc(b, addr, d, ctrl=None):
    """Write descriptor `d` at `addr` (exactly as given, NEXT included); the scoreboard
    expects these 64 bytes to stay as written unless an engine write is declared."""
    raw = d.pack(ctrl=ctrl)
    b.env.mem.write(addr, raw)
    b.sb.expect_write(addr, raw)
    return raw


def d0_copy(b, length=2000):
    """D0 of the reproduction: 0x100000 -> 0x400000, LEN bytes, NEXT = D1, CTRL 0xD5000000."""
    from dmaengine.descriptor import Descriptor

    data = b.rng.randbytes(length)
    b.env.mem.write(SRC_BASE, data)
    b.sb.expect_write(SRC_BASE, data)
    b.sb.expect_write(DST_BASE, data)
    b.src_next, b.dst_next = SRC_BASE + 0x10000, DST_BASE + 0x10000
    b.desc_next = 0x20000
    return Descriptor(src=SRC_BASE, dst=DST_BASE, length=length, next=D1)


async def halt_report(b, ch=0):
    """(ERR_CODE, ERR_DESC, CUR_DESC, COMPLETED) of a HALTED channel."""
    from dmaengine import regs as R

    st = await b.env.wait_state(ch, R.DMA_STATE_HALTED)
    return (st[2], await b.env.ch_read64(ch, R.DMA_CH_ERR_DESC_LO),
            await b.env.ch_read64(ch, R.DMA_CH_CUR_DESC_LO), await b.env.ch_read(ch, R.DMA_CH_COMPLETED))


@cocotb.test()
@cocotb.parametrize(later=["malformed", "fetch", "align"], wb_latency=[0, 300])
async def error_order_writeback_first(dut, later, wb_latency):
    """The reproduction: D0 {NEXT=D1, 0x100000 -> 0x400000, 2000 bytes} whose STATUS write
    answers SLVERR, and a fetched-ahead D1 that is malformed (MAGIC 0x55, EOC) -- or whose
    fetch fails, or D0's NEXT is misaligned instead. The halt names D0 with WB_SLVERR (the
    first descriptor in chain order that went wrong), CUR_DESC is the first descriptor not
    started, COMPLETED is 0 and D0's STATUS/BYTES stay 0. Without the write-back fault the
    same chain reports the later error. Restarting at ERR_DESC re-executes D0."""
    from dmaengine import regs as R
    from dmaengine.descriptor import Descriptor

    b = await make_bench(dut)
    env = b.env
    env.sg_mem.set_latency(write=wb_latency)
    for wb_fault in (True, False):
        b.sb.snapshot()
        d0 = d0_copy(b)
        if later == "align":
            d0.next = D1 + 8
        put_desc(b, D0, d0)
        d1 = Descriptor(src=SRC_BASE + 0x8000, dst=DST_BASE + 0x8000, length=64, next=1)
        put_desc(b, D1, d1, ctrl=0x55000000 if later == "malformed" else None)
        if later == "fetch":
            env.sg_mem.inject_error(D1, D1 + 64, kind="slverr", on="read")
            b.sb.allow_any(d1.dst, 64)    # (not started: checked untouched below)
        if wb_fault:
            env.sg_mem.inject_error(D0 + 0x20, D0 + 0x28, kind="slverr", on="write")
        else:
            b.expect_done(0, D0, 2000)
        await env.start_channel(0, D0)
        code, err_desc, cur, completed = await halt_report(b)
        env.sg_mem.clear_errors()
        later_code, later_desc = {"malformed": (R.DMA_ERR_DESC_MALFORMED, D1),
                                  "fetch": (R.DMA_ERR_FETCH_SLVERR, D1),
                                  "align": (R.DMA_ERR_DESC_ALIGN, D1 + 8)}[later]
        dut._log.info("%s, write-back fault %s: ERR_CODE %d ERR_DESC %#x CUR_DESC %#x COMPLETED %d",
                      later, wb_fault, code, err_desc, cur, completed)
        if wb_fault:
            assert (code, err_desc) == (R.DMA_ERR_WB_SLVERR, D0), \
                f"reported {R.ERROR_NAMES.get(code)} at {err_desc:#x}, expected WB_SLVERR at D0"
            assert completed == 0
            c = env.completion(D0)
            assert (c.done, c.nbytes) == (False, 0), f"D0 STATUS/BYTES written: {c}"
        else:
            assert (code, err_desc) == (later_code, later_desc)
            assert completed == 1
        assert cur == later_desc, f"CUR_DESC {cur:#x}: the first descriptor not started is {later_desc:#x}"
        assert not env.completion(D1).done
        assert env.mem.read(d1.dst, 64) == b.sb.expected(d1.dst, 64), "D1 was executed"
        b.sb.check()
        await reset_channel(b, 0)
        # restart at ERR_DESC: D0 runs again (now written back) or the later error repeats
        b.sb.snapshot()
        if wb_fault:
            b.sb.expect_write(DST_BASE, b.sb.expected(SRC_BASE, 2000))
            b.expect_done(0, D0, 2000)
        if later == "fetch":
            b.sb.expect_write(d1.dst, b.sb.expected(d1.src, 64))
            b.expect_done(0, D1, 64)
        await env.start_channel(0, err_desc)
        if later == "fetch":
            await env.wait_completed(0, 2 if wb_fault else 1)
            await env.ch_write(0, R.DMA_CH_CTRL, 0)
            await env.wait_state(0, R.DMA_STATE_IDLE)
        else:
            code2, err2, _, _ = await halt_report(b)
            assert (code2, err2) == (later_code, later_desc)
        b.sb.check()
        await reset_channel(b, 0)
    b.check()


@cocotb.test()
async def relink_fetch_error(dut):
    """The doorbell's re-read of the last descriptor's NEXT fails: the channel halts with
    FETCH_SLVERR at that (already executed) descriptor, CUR_DESC = it | 1 (resume after
    it), so a restart does not execute it again but follows its NEXT."""
    from dmaengine import regs as R

    b = await make_bench(dut)
    env = b.env
    addrs = b.chain(0, [b.copy_desc(500)])
    await env.start_channel(0, addrs[0])
    await env.wait_completed(0, 1)
    await env.cycles(10)
    env.sg_mem.inject_error(addrs[0], addrs[0] + 64, kind="slverr", on="read")
    await env.ch_write(0, R.DMA_CH_DOORBELL, 1)
    code, err_desc, cur, completed = await halt_report(b)
    env.sg_mem.clear_errors()
    assert (code, err_desc, cur, completed) == (R.DMA_ERR_FETCH_SLVERR, addrs[0], addrs[0] | 1, 1)
    more = b.chain(0, [b.copy_desc(300), b.copy_desc(70)])
    env.link(addrs[0], more[0])
    b.sb.expect_write(addrs[0], more[0].to_bytes(8, "little"))
    await reset_channel(b, 0)
    assert await env.ch_read64(0, R.DMA_CH_CUR_DESC_LO) == addrs[0] | 1
    await env.ch_write(0, R.DMA_CH_CTRL, R.DMA_CH_CTRL_RUN_MASK)     # resumes after addrs[0]
    await env.wait_completed(0, 2)
    await env.cycles(20)
    assert await env.ch_status(0) == (R.DMA_STATE_RUNNING, True, 0)
    assert await env.ch_read(0, R.DMA_CH_COMPLETED) == 2, "the first descriptor ran again"
    b.check()


def src_desc(b, length, src_off=None, dst_off=None):
    """A memory copy descriptor with fresh source data; its destination is not declared
    to the scoreboard (so it must stay untouched unless the test declares it later)."""
    from dmaengine.descriptor import Descriptor

    src = b.alloc("src_next", DST_BASE, length, src_off)
    dst = b.alloc("dst_next", MEM_SIZE, length, dst_off)
    data = b.rng.randbytes(length)
    b.env.mem.write(src, data)
    b.sb.expect_write(src, data)
    return Descriptor(src=src, dst=dst, length=length), data


@cocotb.test()
@cocotb.parametrize(first=["writeback", "data_read", "data_write"], wb_latency=[0, 1000])
async def error_order_in_flight(dut, first, wb_latency):
    """D0 fails (its write-back, or its data) while later descriptors are in flight: D1
    with a read error (with slow descriptor-port writes, its status comes long before
    D0's write-back response), D2 whose write-back fails, D3.. fine. The
    halt names D0; every descriptor after it and before CUR_DESC was started and has
    DONE and its own STATUS, except D2 whose write-back failed (DONE = 0); from CUR_DESC
    on nothing ran; COMPLETED counts the descriptors written back without error."""
    import struct

    from dmaengine import regs as R
    from dmaengine.descriptor import STATUS_DONE

    b = await make_bench(dut)
    env = b.env
    env.sg_mem.set_latency(write=wb_latency)
    made = [src_desc(b, n) for n in (2000, 200, 64, 64, 64, 64, 64, 64)]
    descs = [d for d, _ in made]
    addrs = [b.alloc_desc() for _ in descs]
    env.write_chain(addrs, descs)
    for a, d in zip(addrs, descs):
        b.sb.expect_write(a, d.pack())
    if first == "writeback":
        env.sg_mem.inject_error(addrs[0] + 0x20, addrs[0] + 0x28, kind="decerr", on="write")
        code0 = R.DMA_ERR_WB_DECERR
        b.sb.expect_write(descs[0].dst, made[0][1])
    elif first == "data_read":
        env.mem.inject_error(descs[0].src, descs[0].src + 1, kind="decerr", on="read")
        code0 = R.DMA_ERR_RD_DECERR
    else:
        env.mem.inject_error(descs[0].dst + 100, descs[0].dst + 101, kind="slverr", on="write")
        code0 = R.DMA_ERR_WR_SLVERR
        b.sb.allow_partial(descs[0].dst, descs[0].length, made[0][1])
    env.mem.inject_error(descs[1].src + 100, descs[1].src + 101, kind="slverr", on="read")
    env.sg_mem.inject_error(addrs[2] + 0x20, addrs[2] + 0x28, kind="slverr", on="write")
    await env.start_channel(0, addrs[0])
    code, err_desc, cur, completed = await halt_report(b)
    env.mem.clear_errors()
    env.sg_mem.clear_errors()
    assert (code, err_desc) == (code0, addrs[0]), \
        f"reported {R.ERROR_NAMES.get(code)} at {err_desc:#x}, expected {R.ERROR_NAMES[code0]} at D0"
    c0 = env.completion(addrs[0])
    if first == "writeback":
        assert not c0.done and c0.nbytes == 0
    else:
        assert c0.done and c0.error == code0, c0
        # BYTES: 0 after the read error on the first beat; LEN after a write error
        assert c0.nbytes == (0 if first == "data_read" else descs[0].length), c0
        b.sb.allow_any(addrs[0] + 0x20, 8)
    assert cur in addrs, f"CUR_DESC {cur:#x}"
    n = addrs.index(cur)
    dut._log.info("%s: halted at D0, CUR_DESC = D%d, COMPLETED %d", first, n, completed)
    assert n >= 3, "D1 and D2 should have been started before the halt (scenario not exercised)"
    # started: D1 (read error), D2 (write-back failed), D3..D(n-1) fine; D(n).. untouched
    c1 = env.completion(addrs[1])
    assert c1.done and c1.error == R.DMA_ERR_RD_SLVERR and c1.nbytes <= 100, c1
    b.sb.expect_write(addrs[1] + 0x20, struct.pack("<II", STATUS_DONE | R.DMA_ERR_RD_SLVERR, c1.nbytes))
    b.sb.expect_write(descs[1].dst, made[1][1][:c1.nbytes])
    b.sb.expect_write(descs[2].dst, made[2][1])      # D2 ran; its STATUS stays 0
    for i in range(3, n):
        b.sb.expect_write(descs[i].dst, made[i][1])
        b.expect_done(0, addrs[i], 64)
    # the documented rule finds the failed write-backs: ERR_DESC if the code is WB_*, and
    # the descriptors after it, before CUR_DESC, with STATUS.DONE = 0
    found = ([err_desc] if code in (R.DMA_ERR_WB_SLVERR, R.DMA_ERR_WB_DECERR) else []) + \
        [a for a in addrs[1:n] if not env.completion(a).done]
    assert found == ([addrs[0]] if first == "writeback" else []) + [addrs[2]], [hex(a) for a in found]
    assert completed == (0 if first == "writeback" else 1) + (n - 1) - 1, \
        f"COMPLETED {completed}: D0 {'not ' if first == 'writeback' else ''}counted, D1..D{n - 1} but D2"
    b.check()


# ----------------------------------------------------------------------------- documented details

def bytes_written_before(good: int, dst_off: int, nb: int) -> int:
    """docs/descriptors.md, BYTES after a read error: the destination beats before the
    first one holding a byte of the failing read beat are written, nothing after."""
    return max(0, (dst_off + good) // nb * nb - dst_off)


@cocotb.test()
async def bytes_after_read_error(dut):
    """BYTES after a read error counts the bytes written: a destination beat that mixes
    bytes read before the failing beat with bytes of it is not written at all. 100 good
    source bytes, destination at beat offset NB-1: 97 bytes written, BYTES = 97. Then
    random source/destination offsets and error positions, memory and stream
    destinations; nothing beyond BYTES is written."""
    import struct

    from dmaengine import regs as R
    from dmaengine.descriptor import STATUS_DONE, Descriptor

    b = await make_bench(dut)
    env, nb, rng = b.env, b.n, b.rng
    cases = [(100, (-100) % nb, nb - 1, "mem")]      # (LEN after the good bytes, src off, dst off, kind)
    for _ in range(24):
        cases.append((rng.randrange(0, 300), rng.randrange(nb), rng.randrange(nb), rng.choice(["mem", "mem", "stream"])))
    for i, (good_hint, so, do, kind) in enumerate(cases):
        length = good_hint + rng.randint(1, 3 * nb) if i else 200
        desc, data = src_desc(b, length, src_off=so, dst_off=do)
        # the failing read beat: the source beat holding byte `good_hint` (or the first)
        fail_beat = (desc.src + good_hint) // nb * nb
        good = max(0, fail_beat - desc.src)
        if i == 0:
            assert good == 100
        env.mem.inject_error(fail_beat, fail_beat + 1, kind="slverr", on="read")
        if kind == "stream":
            desc.dst, desc.dst_stream, desc.eop = 0, True, True
            want = good // nb * nb
        else:
            want = bytes_written_before(good, desc.dst % nb, nb)
            b.sb.expect_write(desc.dst, data[:want])
        if i == 0:
            assert want == 97
        a = b.alloc_desc()
        put_desc(b, a, desc)
        b.sb.expect_write(a + 0x20, struct.pack("<II", STATUS_DONE | R.DMA_ERR_RD_SLVERR, want))
        await env.start_channel(0, a)
        code, err_desc, _, _ = await halt_report(b)
        env.mem.clear_errors()
        c = env.completion(a)
        assert (code, err_desc) == (R.DMA_ERR_RD_SLVERR, a)
        assert c.done and c.error == R.DMA_ERR_RD_SLVERR
        assert c.nbytes == want, (f"case {i}: LEN {length}, src off {so}, dst off {do}, {good} good "
                                  f"source bytes, {kind}: BYTES {c.nbytes}, expected {want}")
        if kind == "stream":
            await env.cycles(20)
            got = b""
            while not env.m_axis.empty():
                got += bytes(env.m_axis.recv_nowait().tdata)
            assert got == data[:want], f"case {i}: stream got {len(got)} bytes, expected {want}"
        await reset_channel(b, 0)
    b.check()


async def watch_done(env, ch, log):
    """Record (cycle, COMPLETED) at every DONE interrupt pulse of channel `ch`."""
    dut = env.dut
    while True:
        await RisingEdge(dut.clk)
        if (int(dut.frontend.ch_irq_done_set.value) >> ch) & 1:
            log.append((env.cycle, (int(dut.frontend.ch_completed.value) >> (32 * ch)) & 0xFFFFFFFF))


@cocotb.test()
async def coalescing_flush(dut):
    """COAL_TIMEOUT = 0: flagged completions below COAL_COUNT are signalled (DONE) when
    the channel reaches the end of its chain, when a stop completes and when it halts;
    none is lost and none is signalled twice."""
    from dmaengine import regs as R
    from dmaengine.descriptor import Descriptor

    b = await make_bench(dut)
    env = b.env
    log = []
    cocotb.start_soon(watch_done(env, 0, log))
    await env.ch_write(0, R.DMA_CH_COAL_TIMEOUT, 0)
    ie = R.DMA_CH_CTRL_IE_DONE_MASK

    # end of chain: 6 flagged, COAL_COUNT 4 -> DONE after the 4th and at the end (6)
    addrs = b.chain(0, [b.copy_desc(64, irq=True) for _ in range(6)])
    await env.start_channel(0, addrs[0], ie | (4 << R.DMA_CH_CTRL_COAL_COUNT_SHIFT))
    await env.wait_completed(0, 6)
    await env.cycles(20)
    assert (await env.ch_status(0))[:2] == (R.DMA_STATE_RUNNING, True)
    assert [c for _, c in log] == [4, 6], f"DONE pulses at COMPLETED {[c for _, c in log]}"
    assert await env.ch_read(0, R.DMA_CH_IRQ_STATUS) & R.DMA_CH_IRQ_STATUS_DONE_MASK
    assert int(dut.irq.value) & 1
    await env.ch_write(0, R.DMA_CH_IRQ_STATUS, 0x7)
    # a doorbell with nothing appended: the end is reached again (IDLE again), no DONE
    await env.ch_write(0, R.DMA_CH_DOORBELL, 1)
    await env.cycles(100)
    assert len(log) == 2 and await env.ch_read(0, R.DMA_CH_IRQ_STATUS) == R.DMA_CH_IRQ_STATUS_IDLE_MASK
    await env.ch_write(0, R.DMA_CH_CTRL, 0)
    await env.wait_state(0, R.DMA_STATE_IDLE)
    assert len(log) == 2
    await reset_channel(b, 0)

    # stop: COAL_COUNT 8, RUN cleared mid-chain -> the pending ones at the stop
    log.clear()
    addrs = b.chain(0, [b.copy_desc(3000, irq=True) for _ in range(40)])
    await env.start_channel(0, addrs[0], ie | (8 << R.DMA_CH_CTRL_COAL_COUNT_SHIFT))
    await env.cycles(2500)
    await env.ch_write(0, R.DMA_CH_CTRL, ie | (8 << R.DMA_CH_CTRL_COAL_COUNT_SHIFT))   # RUN = 0
    await env.wait_state(0, R.DMA_STATE_IDLE, timeout_cycles=10_000)
    done = await env.ch_read(0, R.DMA_CH_COMPLETED)
    assert 0 < done < 40
    want = list(range(8, done + 1, 8)) + ([done] if done % 8 else [])
    assert [c for _, c in log] == want, f"DONE pulses at {[c for _, c in log]}, expected {want}"
    # the rest of the chain (expected by the scoreboard) runs after a restart
    await env.ch_write(0, R.DMA_CH_CTRL, R.DMA_CH_CTRL_RUN_MASK)
    await env.wait_completed(0, 40)
    await env.ch_write(0, R.DMA_CH_CTRL, 0)
    await env.wait_state(0, R.DMA_STATE_IDLE)
    await reset_channel(b, 0)

    # halt: 3 flagged, then a malformed one; COAL_COUNT 8 -> DONE (3) with ERR
    log.clear()
    addrs = b.chain(0, [b.copy_desc(64, irq=True) for _ in range(3)])
    bad = b.alloc_desc()
    put_desc(b, bad, Descriptor(length=64, next=1), ctrl=0x00000001)
    env.link(addrs[-1], bad)
    b.sb.expect_write(addrs[-1], bad.to_bytes(8, "little"))
    await env.start_channel(0, addrs[0], ie | R.DMA_CH_CTRL_IE_ERR_MASK | (8 << R.DMA_CH_CTRL_COAL_COUNT_SHIFT))
    code, err_desc, _, completed = await halt_report(b)
    assert (code, err_desc, completed) == (R.DMA_ERR_DESC_MALFORMED, bad, 3)
    await env.cycles(5)
    assert [c for _, c in log] == [3]
    assert await env.ch_read(0, R.DMA_CH_IRQ_STATUS) == R.DMA_CH_IRQ_STATUS_DONE_MASK | R.DMA_CH_IRQ_STATUS_ERR_MASK
    await reset_channel(b, 0)
    b.check()


@cocotb.test()
async def halted_run_and_restart(dut):
    """After a DESC_MALFORMED halt: RUN is ignored while HALTED; CUR_DESC (the malformed
    descriptor) survives RESET, so RESET|RUN in one write starts there again and halts
    again; the recovery that works is RESET with RUN = 0, wait for IDLE, then write
    CUR_DESC (or repair the descriptor) and set RUN. A CUR_DESC write while the channel
    runs is ignored."""
    from dmaengine import regs as R
    from dmaengine.descriptor import Descriptor

    b = await make_bench(dut)
    env = b.env
    good = b.chain(0, [b.copy_desc(100), b.copy_desc(100)])
    bad = b.alloc_desc()
    fixed = b.copy_desc(500)
    put_desc(b, bad, fixed, ctrl=0x55000000)                # MAGIC 0x55
    env.link(good[-1], bad)
    b.sb.expect_write(good[-1], bad.to_bytes(8, "little"))
    spare = b.chain(0, [b.copy_desc(300)])
    await env.start_channel(0, good[0])
    code, err_desc, cur, completed = await halt_report(b)
    assert (code, err_desc, cur, completed) == (R.DMA_ERR_DESC_MALFORMED, bad, bad, 2)
    # RUN on a HALTED channel: nothing happens
    await env.ch_write(0, R.DMA_CH_CTRL, 0)
    await env.ch_write(0, R.DMA_CH_CTRL, R.DMA_CH_CTRL_RUN_MASK)
    await env.cycles(100)
    assert (await env.ch_status(0))[0] == R.DMA_STATE_HALTED
    # RESET|RUN: restarts at CUR_DESC = the malformed descriptor, halts again
    await env.ch_write(0, R.DMA_CH_IRQ_STATUS, 0x7)
    await env.ch_write(0, R.DMA_CH_CTRL, R.DMA_CH_CTRL_RESET_MASK | R.DMA_CH_CTRL_RUN_MASK)
    code, err_desc, cur, completed = await halt_report(b)
    assert (code, err_desc, cur, completed) == (R.DMA_ERR_DESC_MALFORMED, bad, bad, 0)
    # RESET (RUN = 0): IDLE, CUR_DESC still the malformed one
    await env.ch_write(0, R.DMA_CH_CTRL, R.DMA_CH_CTRL_RESET_MASK)
    st = await env.wait_state(0, R.DMA_STATE_IDLE)
    assert st[2] == 0 and await env.ch_read64(0, R.DMA_CH_CUR_DESC_LO) == bad
    # skip it: CUR_DESC = another chain, RUN
    await env.set_cur_desc(0, spare[0])
    assert await env.ch_read64(0, R.DMA_CH_CUR_DESC_LO) == spare[0]
    await env.ch_write(0, R.DMA_CH_CTRL, R.DMA_CH_CTRL_RUN_MASK)
    await env.wait_completed(0, 1)
    assert (await env.ch_status(0))[:3] == (R.DMA_STATE_RUNNING, True, 0)
    # a CUR_DESC write while running is ignored
    await env.set_cur_desc(0, bad)
    assert await env.ch_read64(0, R.DMA_CH_CUR_DESC_LO) == spare[0] | 1
    await env.ch_write(0, R.DMA_CH_CTRL, 0)
    await env.wait_state(0, R.DMA_STATE_IDLE)
    # repair the descriptor in memory and restart there
    raw = fixed.pack()
    env.mem.write(bad, raw)
    b.sb.expect_write(bad, raw)
    b.expect_done(0, bad, 500)
    b.sb.expect_write(fixed.dst, b.sb.expected(fixed.src, 500))
    await reset_channel(b, 0)
    await env.start_channel(0, bad)
    await env.wait_completed(0, 1)
    b.check()


@cocotb.test()
async def run_resumes_after_end_of_chain(dut):
    """A channel stopped at the end of its chain (CUR_DESC = last descriptor | EOC) picks
    up descriptors appended meanwhile when RUN is set again, without a doorbell; with
    nothing appended it waits again. Writing CUR_DESC = descriptor | 1 resumes after that
    descriptor. GSTATUS.BUSY is 1 while the channel waits at the end of its chain."""
    from dmaengine import regs as R

    b = await make_bench(dut)
    env = b.env
    ch = env.num_channels - 1
    busy = lambda: env.read_reg(R.DMA_REG_GSTATUS)
    addrs = b.chain(ch, [b.copy_desc(1000) for _ in range(2)])
    await env.start_channel(ch, addrs[0], R.DMA_CH_CTRL_IE_IDLE_MASK)
    await env.wait_completed(ch, 2)
    await env.cycles(10)
    assert await env.ch_status(ch) == (R.DMA_STATE_RUNNING, True, 0)
    assert await env.ch_read64(ch, R.DMA_CH_CUR_DESC_LO) == addrs[-1] | 1
    assert (await busy() >> ch) & 1, "GSTATUS.BUSY must be 1 while waiting at the end of the chain"
    await env.ch_write(ch, R.DMA_CH_CTRL, 0)
    await env.wait_state(ch, R.DMA_STATE_IDLE)
    assert not (await busy() >> ch) & 1
    assert await env.ch_read64(ch, R.DMA_CH_CUR_DESC_LO) == addrs[-1] | 1
    # append while stopped; RUN alone resumes
    more = b.chain(ch, [b.copy_desc(b.rng.choice([64, 1000])) for _ in range(3)])
    env.link(addrs[-1], more[0])
    b.sb.expect_write(addrs[-1], more[0].to_bytes(8, "little"))
    await env.ch_write(ch, R.DMA_CH_CTRL, R.DMA_CH_CTRL_RUN_MASK)
    await env.wait_completed(ch, 5, timeout_cycles=20_000)
    await env.cycles(10)
    assert await env.ch_status(ch) == (R.DMA_STATE_RUNNING, True, 0)
    # nothing appended: RUN after a stop waits again at the same place
    await env.ch_write(ch, R.DMA_CH_CTRL, 0)
    await env.wait_state(ch, R.DMA_STATE_IDLE)
    await env.ch_write(ch, R.DMA_CH_IRQ_STATUS, 0x7)
    await env.ch_write(ch, R.DMA_CH_CTRL, R.DMA_CH_CTRL_RUN_MASK | R.DMA_CH_CTRL_IE_IDLE_MASK)
    await env.cycles(100)
    assert await env.ch_status(ch) == (R.DMA_STATE_RUNNING, True, 0)
    assert await env.ch_read64(ch, R.DMA_CH_CUR_DESC_LO) == more[-1] | 1
    assert await env.ch_read(ch, R.DMA_CH_IRQ_STATUS) & R.DMA_CH_IRQ_STATUS_IDLE_MASK
    # save and restore: reset, write back CUR_DESC = last | 1, append, RUN
    await env.ch_write(ch, R.DMA_CH_CTRL, R.DMA_CH_CTRL_RESET_MASK)
    await env.wait_state(ch, R.DMA_STATE_IDLE)
    await env.set_cur_desc(ch, addrs[0])                 # something else first
    await env.set_cur_desc(ch, more[-1] | 1)
    assert await env.ch_read64(ch, R.DMA_CH_CUR_DESC_LO) == more[-1] | 1
    last = b.chain(ch, [b.copy_desc(200)])
    env.link(more[-1], last[0])
    b.sb.expect_write(more[-1], last[0].to_bytes(8, "little"))
    await env.ch_write(ch, R.DMA_CH_CTRL, R.DMA_CH_CTRL_RUN_MASK)
    await env.wait_completed(ch, 1)
    b.check()


@cocotb.test()
async def misaligned_cur_desc(dut):
    """A CUR_DESC that is not 64-byte aligned halts the channel with DESC_ALIGN and
    ERR_DESC = that address, without any descriptor fetch."""
    from dmaengine import regs as R

    b = await make_bench(dut)
    env = b.env
    for addr in (0x12008, 0x12021, 0x1203F):
        ars = env.sg_mem.stats["ar"]
        await env.start_channel(0, addr)
        code, err_desc, cur, _ = await halt_report(b)
        assert (code, err_desc, cur) == (R.DMA_ERR_DESC_ALIGN, addr & ~1, addr & ~1)
        assert env.sg_mem.stats["ar"] == ars, "a misaligned descriptor was fetched"
        await reset_channel(b, 0)
    b.check()


class BusWatch:
    """Counts address handshake attempts (AxVALID high) on both memory ports, per cycle."""

    def __init__(self, dut):
        self.dut = dut
        self.count = 0
        self.on = False
        cocotb.start_soon(self._run())

    async def _run(self):
        d = self.dut
        sigs = [d.m_axi_arvalid, d.m_axi_awvalid, d.m_axi_sg_arvalid, d.m_axi_sg_awvalid]
        while True:
            await RisingEdge(d.clk)
            if self.on and any(int(s.value) for s in sigs):
                self.count += 1


async def quiescent(env):
    from dmaengine import regs as R

    return bool(await env.read_reg(R.DMA_REG_GSTATUS) & R.DMA_GSTATUS_QUIESCENT_MASK)


@cocotb.test()
async def bus_master_enable(dut):
    """GCTRL.BME: 0 after reset, and while 0 no AXI request on any memory port: a channel set
    to RUN waits. Cleared in the middle of a chain: the transfers already started finish
    (data and status write-back), nothing new starts, GSTATUS.QUIESCENT rises; set again:
    the chain goes on where it stopped, every byte as expected."""
    from dmaengine import regs as R

    b = await make_bench(dut, bus_master=False)
    env = b.env
    watch = BusWatch(dut)
    assert await env.read_reg(R.DMA_REG_GCTRL) == 0, "GCTRL.BME must be 0 after reset"
    assert await quiescent(env), "quiescent after reset"
    descs = [b.copy_desc(b.rng.choice([8, 300, 2000, 4096])) for _ in range(16)]
    addrs = b.chain(0, descs)
    watch.on = True
    await env.start_channel(0, addrs[0])
    await env.cycles(400)
    assert watch.count == 0, f"{watch.count} cycles with an AXI request while BME = 0"
    state, _, _ = await env.ch_status(0)
    assert state == R.DMA_STATE_RUNNING, "RUN with BME = 0: the channel runs and waits"
    assert await env.ch_read(0, R.DMA_CH_COMPLETED) == 0
    assert await quiescent(env)

    # bus mastering on: work starts; QUIESCENT is 0 while BME is 1
    await env.write_reg(R.DMA_REG_GCTRL, R.DMA_GCTRL_BME_MASK)
    await env.wait_completed(0, 3)
    assert not await quiescent(env), "QUIESCENT must read 0 while BME = 1"
    # off in the middle of the chain
    await env.write_reg(R.DMA_REG_GCTRL, 0)
    for _ in range(2000):
        if await quiescent(env):
            break
    else:
        raise AssertionError("no QUIESCENT within 2000 register reads after BME = 0")
    stopped_at = await env.ch_read(0, R.DMA_CH_COMPLETED)
    assert 3 <= stopped_at < len(descs), f"{stopped_at} descriptors done: the stop came too late"
    watch.count = 0
    await env.cycles(500)
    assert watch.count == 0, f"{watch.count} cycles with an AXI request after QUIESCENT"
    assert await env.ch_read(0, R.DMA_CH_COMPLETED) == stopped_at
    # what started has finished and been written back; nothing after it was touched
    for i, (a, d) in enumerate(zip(addrs, descs)):
        status = int.from_bytes(env.mem.read(a + 0x20, 4), "little")
        if i < stopped_at:
            assert status & 0x80000000, f"descriptor {i}: no STATUS write-back"
        else:
            assert status == 0, f"descriptor {i} (not started): STATUS {status:#x}"
            assert env.mem.read(d.dst, d.length) != env.mem.read(d.src, d.length) or d.length < 16, \
                f"descriptor {i} (not started): its destination was written"
    state, _, _ = await env.ch_status(0)
    assert state == R.DMA_STATE_RUNNING
    # on again: the rest of the chain, byte-exact
    await env.write_reg(R.DMA_REG_GCTRL, R.DMA_GCTRL_BME_MASK)
    await env.wait_completed(0, len(descs))
    b.check()
