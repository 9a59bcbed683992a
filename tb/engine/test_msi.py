# SPDX-License-Identifier: Apache-2.0
"""cocotb tests of dma_engine's message-signalled interrupts (docs/registers.md,
"Message-signalled interrupts"): per-channel vectors, ordering after the write-backs
they report, coalescing, masking and pending bits, bus-master enable, write errors and
the error vector, and the cost of a message in cycles.

Every test runs under the protocol checkers of EngineEnv and ends with a byte-exact
memory check: the messages write exactly their data words, nothing else changes.
A WriteMonitor on m_axi_sg sees every message (one 4-byte write) and every write-back.
"""
from __future__ import annotations

import math

import cocotb
import pytest
from cocotb.triggers import RisingEdge

CONFIGS = [
    # (DATA_WIDTH, NUM_CHANNELS)
    (64, 4),
    (32, 3),
    (128, 8),
]


@pytest.mark.parametrize("data_width,channels", CONFIGS, ids=[f"dw{d}-ch{c}" for d, c in CONFIGS])
def test_msi(data_width, channels):
    from dmatb.runner import run_cocotb

    run_cocotb("dma_engine", "test_msi", {"DATA_WIDTH": data_width, "NUM_CHANNELS": channels})


# ----------------------------------------------------------------------------- helpers

from dmatb.engine_bench import make_bench  # noqa: E402

MSI_BASE = 0x7F0000          # message targets: one 4 KiB page per vector (like an IMSIC)
STATUS_DONE = 0x80000000


def vec_page(v):
    return MSI_BASE + v * 0x1000


async def program_vector(env, v, addr, data, masked=False):
    from dmaengine import regs as R

    await env.write_reg(R.vec_reg(v, R.DMA_VEC_ADDR_LO), addr & 0xFFFFFFFF)
    await env.write_reg(R.vec_reg(v, R.DMA_VEC_ADDR_HI), addr >> 32)
    await env.write_reg(R.vec_reg(v, R.DMA_VEC_DATA), data)
    await env.write_reg(R.vec_reg(v, R.DMA_VEC_CTRL), 1 if masked else 0)


async def msi_setup(dut, **kwargs):
    from dmatb.write_monitor import WriteMonitor

    b = await make_bench(dut, **kwargs)
    mon = WriteMonitor(dut, "m_axi_sg", dut.clk)
    return b, mon


class IrqWatch:
    """Counts cycles in which any per-channel irq line is high (message mode: never)."""

    def __init__(self, dut):
        self.dut = dut
        self.high = 0
        cocotb.start_soon(self._run())

    async def _run(self):
        while True:
            await RisingEdge(self.dut.clk)
            if int(self.dut.irq.value):
                self.high += 1


def check_message(mon, t, v, data):
    assert t.awlen == 0 and t.awsize == 2, f"vector {v}: not one 4-byte beat: {t}"
    nch = len(mon.dut.irq)
    assert t.awuser == (v if v < nch else 0), f"vector {v}: AWUSER {t.awuser}"
    assert t.word32(mon.byte_lanes) == data, f"vector {v}: data {t.word32(mon.byte_lanes):#x}"
    strb = t.beats[0][1]
    lane = (t.addr % mon.byte_lanes) // 4
    assert strb == 0xF << (4 * lane), f"vector {v}: strobes {strb:#x} outside its word"


# ----------------------------------------------------------------------------- tests

@cocotb.test()
async def msi_per_channel_ordering(dut):
    """Every channel in message mode with its own vector, random coalescing counts and
    chains under back-pressure: each message carries its vector's data and device ID,
    and when the m-th message of a channel goes out at least min(COAL_COUNT * m, chain)
    of its STATUS words are in memory (the write-backs it reports were answered first).
    The irq lines stay low."""
    from dmaengine import regs as R

    b, mon = await msi_setup(dut)
    env = b.env
    rng = b.rng
    seed = rng.randrange(1 << 30)
    env.sg_mem.set_backpressure(seed=seed, aw=0.3, w=0.3, b=0.3, ar=0.2, r=0.2)
    env.mem.set_backpressure(seed=seed + 1, aw=0.2, w=0.2, b=0.2, ar=0.2, r=0.2)
    irqw = IrqWatch(dut)
    nch = env.num_channels
    chans = {}
    for c in range(nch):
        addr = vec_page(c) + 4 * rng.randrange(16)
        data = rng.getrandbits(32)
        await program_vector(env, c, addr, data)
        k = rng.randint(1, 4)
        descs = [b.copy_desc(rng.randint(1, 300), irq=True) for _ in range(rng.randint(3, 14))]
        addrs = b.chain(c, descs)
        chans[c] = dict(addr=addr, data=data, k=k, addrs=addrs, n=len(descs), seen=0)
        b.sb.expect_write(addr, data.to_bytes(4, "little"))
    violations = []

    def on_aw(t):
        if not MSI_BASE <= t.addr < MSI_BASE + 0x10000:
            return
        c = (t.addr - MSI_BASE) // 0x1000
        ch = chans[c]
        ch["seen"] += 1
        in_mem = sum(1 for a in ch["addrs"]
                     if int.from_bytes(env.mem.read(a + 0x20, 4), "little") & STATUS_DONE)
        need = min(ch["k"] * ch["seen"], ch["n"])
        if in_mem < need:
            violations.append(f"channel {c} message {ch['seen']}: {in_mem} STATUS words in memory, "
                              f"it reports {need}")

    mon.on_aw.append(on_aw)
    for c, ch in chans.items():
        await env.set_cur_desc(c, ch["addrs"][0])
        await env.ch_write(c, R.DMA_CH_CTRL, R.DMA_CH_CTRL_RUN_MASK | R.DMA_CH_CTRL_IE_DONE_MASK
                           | R.DMA_CH_CTRL_MSI_MASK | ch["k"] << R.DMA_CH_CTRL_COAL_COUNT_SHIFT)
    for c, ch in chans.items():
        await env.wait_completed(c, ch["n"])
    await env.cycles(100)
    assert not violations, "\n".join(violations)
    for c, ch in chans.items():
        msgs = mon.in_window(vec_page(c), 0x1000)
        assert 1 <= len(msgs) <= math.ceil(ch["n"] / ch["k"]), \
            f"channel {c}: {len(msgs)} messages for {ch['n']} completions, COAL_COUNT {ch['k']}"
        for t in msgs:
            check_message(mon, t, c, ch["data"])
            assert t.bresp == 0
        assert await env.ch_read(c, R.DMA_CH_IRQ_STATUS) & R.DMA_CH_IRQ_STATUS_DONE_MASK
        dut._log.info("channel %d: %d completions, COAL_COUNT %d, %d messages", c, ch["n"], ch["k"], len(msgs))
    assert irqw.high == 0, f"irq lines high for {irqw.high} cycles in message mode"
    assert await env.read_reg(R.DMA_REG_MSI_PBA) == 0
    assert await env.read_reg(R.DMA_REG_MSI_ERR) == 0
    others = [t for t in mon.txns if not MSI_BASE <= t.addr < MSI_BASE + 0x10000]
    assert all(t.awsize != 2 or env.bytes_per_beat == 4 for t in others)
    b.check()


@cocotb.test()
async def msi_mask_pending_and_bme(dut):
    """A masked vector only sets its pending bit; unmasking sends one message. With
    GCTRL.BME = 0 nothing is sent (the bit stays pending, the engine is quiescent);
    setting BME sends it. Enabling a cause whose status bit is already set sends nothing."""
    from dmaengine import regs as R

    b, mon = await msi_setup(dut)
    env = b.env
    c = env.num_channels - 1
    addr, data = vec_page(c) + 8, 0x1234_0000 | c
    await program_vector(env, c, addr, data, masked=True)
    b.sb.expect_write(addr, data.to_bytes(4, "little"))
    ctrl = R.DMA_CH_CTRL_RUN_MASK | R.DMA_CH_CTRL_IE_DONE_MASK | R.DMA_CH_CTRL_MSI_MASK
    addrs = b.chain(c, [b.copy_desc(64, irq=True) for _ in range(3)])
    await env.start_channel(c, addrs[0], ctrl_extra=ctrl)
    await env.wait_completed(c, 3)
    await env.cycles(50)
    assert mon.in_window(MSI_BASE, 0x10000) == [], "a masked vector sent a message"
    assert await env.read_reg(R.DMA_REG_MSI_PBA) == 1 << c
    await env.write_reg(R.vec_reg(c, R.DMA_VEC_CTRL), 0)             # unmask
    await env.cycles(50)
    msgs = mon.in_window(MSI_BASE, 0x10000)
    assert len(msgs) == 1, f"unmasking sent {len(msgs)} messages, not one"
    check_message(mon, msgs[0], c, data)
    assert await env.read_reg(R.DMA_REG_MSI_PBA) == 0

    # pending while BME = 0
    await env.write_reg(R.vec_reg(c, R.DMA_VEC_CTRL), 1)
    more = b.chain(c, [b.copy_desc(32, irq=True)])
    env.link(addrs[-1], more[0])
    b.sb.expect_write(addrs[-1], more[0].to_bytes(8, "little"))
    await env.ch_write(c, R.DMA_CH_DOORBELL, 1)
    await env.wait_completed(c, 4)
    await env.cycles(20)
    assert await env.read_reg(R.DMA_REG_MSI_PBA) == 1 << c
    await env.write_reg(R.DMA_REG_GCTRL, 0)                           # BME off
    await env.write_reg(R.vec_reg(c, R.DMA_VEC_CTRL), 0)             # unmask: still nothing
    await env.cycles(100)
    assert len(mon.in_window(MSI_BASE, 0x10000)) == 1, "a message went out with BME = 0"
    assert await env.read_reg(R.DMA_REG_MSI_PBA) == 1 << c
    gs = await env.read_reg(R.DMA_REG_GSTATUS)
    assert gs & R.DMA_GSTATUS_QUIESCENT_MASK, "a pending message kept the engine from quiescence"
    await env.write_reg(R.DMA_REG_GCTRL, R.DMA_GCTRL_BME_MASK)
    await env.cycles(50)
    assert len(mon.in_window(MSI_BASE, 0x10000)) == 2
    assert await env.read_reg(R.DMA_REG_MSI_PBA) == 0

    # enabling IDLE while IRQ_STATUS.IDLE is already 1 is no event
    assert await env.ch_read(c, R.DMA_CH_IRQ_STATUS) & R.DMA_CH_IRQ_STATUS_IDLE_MASK
    await env.ch_write(c, R.DMA_CH_CTRL, ctrl | R.DMA_CH_CTRL_IE_IDLE_MASK)
    await env.cycles(50)
    assert len(mon.in_window(MSI_BASE, 0x10000)) == 2
    assert await env.read_reg(R.DMA_REG_MSI_PBA) == 0
    b.check()


@cocotb.test()
async def msi_write_errors(dut):
    """A message answered SLVERR is dropped, not retried: MSI_ERR bit v is set, the error
    vector (NUM_CHANNELS) gets one message with device ID 0, irq_global rises with GIE
    and falls when MSI_ERR is cleared. A failing error vector sets its own bit and stops."""
    from dmaengine import regs as R

    b, mon = await msi_setup(dut)
    env = b.env
    nch = env.num_channels
    ev = nch                                            # the error vector
    bad, bad_data = vec_page(0), 0xBAD0
    err_addr, err_data = vec_page(ev) + 4, 0xE0E0
    env.sg_mem.inject_error(bad, bad + 4, "slverr", on="write")
    await program_vector(env, 0, bad, bad_data)
    await program_vector(env, ev, err_addr, err_data)
    b.sb.expect_write(err_addr, err_data.to_bytes(4, "little"))
    await env.write_reg(R.DMA_REG_GCTRL, R.DMA_GCTRL_BME_MASK | R.DMA_GCTRL_GIE_MASK)
    ctrl = R.DMA_CH_CTRL_RUN_MASK | R.DMA_CH_CTRL_IE_DONE_MASK | R.DMA_CH_CTRL_MSI_MASK
    addrs = b.chain(0, [b.copy_desc(16, irq=True) for _ in range(2)])
    await env.start_channel(0, addrs[0], ctrl_extra=ctrl)
    await env.wait_completed(0, 2)
    await env.cycles(300)
    failed = mon.in_window(bad, 4)
    assert 1 <= len(failed) <= 2 and all(t.bresp == 2 for t in failed), failed
    await env.cycles(500)
    assert len(mon.in_window(bad, 4)) == len(failed), "a failed message was retried"
    assert await env.read_reg(R.DMA_REG_MSI_ERR) == 1
    errs = mon.in_window(vec_page(ev), 0x1000)
    assert 1 <= len(errs) <= len(failed)
    for t in errs:
        check_message(mon, t, ev, err_data)
    assert int(dut.irq_global.value) == 1, "irq_global must show MSI_ERR with GIE = 1"
    assert int(dut.irq.value) == 0
    await env.write_reg(R.DMA_REG_MSI_ERR, 1)
    await env.cycles(3)
    assert await env.read_reg(R.DMA_REG_MSI_ERR) == 0
    assert int(dut.irq_global.value) == 0

    # the error vector fails too: its own bit, and no loop
    env.sg_mem.inject_error(err_addr, err_addr + 4, "decerr", on="write")
    more = b.chain(0, [b.copy_desc(16, irq=True)])
    env.link(addrs[-1], more[0])
    b.sb.expect_write(addrs[-1], more[0].to_bytes(8, "little"))
    n_err = len(mon.in_window(vec_page(ev), 0x1000))
    await env.ch_write(0, R.DMA_CH_DOORBELL, 1)
    await env.wait_completed(0, 3)
    await env.cycles(600)
    assert len(mon.in_window(bad, 4)) == len(failed) + 1
    assert len(mon.in_window(vec_page(ev), 0x1000)) == n_err + 1, "the error vector looped"
    assert await env.read_reg(R.DMA_REG_MSI_ERR) == 1 | 1 << ev
    env.sg_mem.clear_errors()
    b.check()


@cocotb.test()
async def msi_cost(dut):
    """The cost of a message: cycles from the B response of the write-back it reports to
    the message's AW handshake (COAL_COUNT 1, no back-pressure, idle engine)."""
    from dmaengine import regs as R

    b, mon = await msi_setup(dut, depths=(4, 4), sg_depths=(4, 4))
    env = b.env
    addr = vec_page(0)
    await program_vector(env, 0, addr, 7)
    b.sb.expect_write(addr, (7).to_bytes(4, "little"))
    addrs = b.chain(0, [b.copy_desc(8, irq=True)])
    await env.start_channel(0, addrs[0], ctrl_extra=R.DMA_CH_CTRL_IE_DONE_MASK | R.DMA_CH_CTRL_MSI_MASK)
    await env.wait_completed(0, 1)
    await env.cycles(50)
    wb = [t for t in mon.txns if t.addr // 64 * 64 == addrs[0]]
    msg = mon.in_window(addr, 4)
    assert len(wb) == 1 and len(msg) == 1
    cost = msg[0].aw_cycle - wb[0].b_cycle
    dut._log.info("MSI cost: %d cycles from the write-back's B to the message's AW handshake", cost)
    assert 0 < cost <= 10, f"MSI cost {cost} cycles"
    b.check()
