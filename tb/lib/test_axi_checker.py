# SPDX-License-Identifier: Apache-2.0
"""Self-tests of the protocol checkers (tb/dmatb/axi_checker.py) on tb/hdl/tb_axi_probe.v:
legal random traffic is clean, and every rule catches its directed violation.
"""
from __future__ import annotations

import random

import cocotb
import pytest
from cocotb.types import LogicArray

from dmatb.axi_checker import AxiChecker, AxiLiteChecker, AxiProtocolError, AxiStreamChecker
from dmatb.memory import AxiMemory, set_stream_backpressure
from dmatb.probe import (PARAMS, PROBE, drive, expect_violation, four_state, new_checker, settle, setup, setup_reset)


# ============================================================================ legal traffic
@cocotb.test()
async def legal_random_traffic_is_clean(dut):
    """cocotbext-axi masters/RAMs with back-pressure on all channels: zero violations."""
    from cocotbext.axi import (AxiBus, AxiLiteBus, AxiLiteMaster, AxiLiteRam, AxiMaster, AxiStreamBus,
                               AxiStreamFrame, AxiStreamSink, AxiStreamSource)

    await setup(dut)
    chk = AxiChecker(dut, "m_axi", dut.clk, dut.rst)
    lchk = AxiLiteChecker(dut, "s_axil", dut.clk, dut.rst)
    schk = AxiStreamChecker(dut, "s_axis", dut.clk, dut.rst)
    master = AxiMaster(AxiBus.from_prefix(dut, "m_axi"), dut.clk, dut.rst)
    mem = AxiMemory(AxiBus.from_prefix(dut, "m_axi"), dut.clk, dut.rst, size=1 << 16,
                    read_latency=3, write_latency=4)
    mem.set_backpressure(seed=1, aw=0.3, w=0.3, b=0.3, ar=0.3, r=0.3)
    lmaster = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk, dut.rst)
    lram = AxiLiteRam(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk, dut.rst, size=1 << 12)
    src = AxiStreamSource(AxiStreamBus.from_prefix(dut, "s_axis"), dut.clk, dut.rst)
    sink = AxiStreamSink(AxiStreamBus.from_prefix(dut, "s_axis"), dut.clk, dut.rst)
    set_stream_backpressure(src, 0.3, 2)
    set_stream_backpressure(sink, 0.3, 3)
    await settle(dut)

    rng = random.Random(7)

    async def worker(k):
        base = k * 0x4000
        for _ in range(6):
            off = rng.randrange(0, 0x3000)
            n = rng.randrange(1, 600)
            data = bytes(rng.randrange(256) for _ in range(n))
            size = rng.choice([None, None, 0, 1, 2])
            wr = await master.write(base + off, data, size=size)
            assert wr.resp == 0
            rd = await master.read(base + off, n, size=size)
            assert rd.resp == 0 and rd.data == data, f"read back mismatch at {base + off:#x}"
            assert mem.read(base + off, n) == data

    async def lite():
        for i in range(8):
            await lmaster.write_dword(4 * i, 0x1000 + i)
        for i in range(8):
            assert await lmaster.read_dword(4 * i) == 0x1000 + i

    async def stream():
        frames = [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40))) for _ in range(10)]
        for f in frames:
            await src.send(AxiStreamFrame(f))
        for f in frames:
            rx = await sink.recv()
            assert bytes(rx.tdata) == f

    tasks = [cocotb.start_soon(worker(k)) for k in range(3)] + [cocotb.start_soon(lite()), cocotb.start_soon(stream())]
    for t in tasks:
        await t
    await settle(dut, 10)
    for c in (chk, lchk, schk):
        c.assert_idle()
        assert not c.violations
    assert chk.stats["AW"] > 10 and chk.stats["R"] > 100, chk.stats
    assert chk.stats["W"] == mem.stats["w"] and chk.stats["R"] == mem.stats["r"]
    assert chk.stalls["AW"] > 0 and chk.stalls["W"] > 0 and chk.stalls["AR"] > 0  # back-pressure applied
    assert lchk.stats["B"] == 8 and lchk.stats["R"] == 8
    assert schk.packets == 10
    dut._log.info("AXI stats %s stalls %s mem %s", chk.stats, chk.stalls, mem.stats)



@cocotb.test()
async def axi_4k_crossing_size_and_burst_rules(dut):
    await setup(dut)
    chk = new_checker(dut)
    await settle(dut, 1)
    await drive(dut, arid=0, araddr=0xFF8, arlen=1, arsize=3, arburst=1, arvalid=1, arready=1)
    await drive(dut, arvalid=0)
    await settle(dut)
    m = expect_violation(chk, "INCR burst crosses a 4 KiB boundary")
    assert "araddr=0xff8" in m and "last byte 0x1007" in m
    n = len(chk.violations)
    # exactly up to the boundary is legal (unaligned start, 16 beats of 8 B ending at 0xfff)
    await drive(dut, araddr=0xF83, arlen=15, arvalid=1)
    await drive(dut, arvalid=0)
    await settle(dut)
    assert len(chk.violations) == n, chk.violations[n:]
    await drive(dut, awid=0, awaddr=0x100, awlen=0, awsize=4, awburst=1, awvalid=1, awready=1)
    await drive(dut, awvalid=0)
    expect_violation(chk, "awsize wider than the data bus")
    await drive(dut, araddr=0x0, arlen=16, arsize=3, arburst=0, arvalid=1)
    await drive(dut, arvalid=0)
    expect_violation(chk, "FIXED/WRAP burst longer than 16 beats")
    await drive(dut, araddr=0x0, arlen=2, arburst=2, arvalid=1)
    await drive(dut, arvalid=0)
    expect_violation(chk, "WRAP burst length not 2, 4, 8 or 16")
    await drive(dut, araddr=0x0, arlen=0, arburst=3, arvalid=1)
    await drive(dut, arvalid=0)
    expect_violation(chk, "reserved burst type")
    await settle(dut)
    assert chk.stats["AR"] == 5 and chk.stats["AW"] == 1


@cocotb.test()
async def axi_wlast_rules(dut):
    await setup(dut)
    chk = new_checker(dut)
    await settle(dut, 1)
    dut.m_axi_wready.value = 1
    dut.m_axi_awready.value = 1
    # early WLAST: AW len 3, WLAST on beat 2
    await drive(dut, awid=1, awaddr=0x0, awlen=3, awsize=3, awburst=1, awvalid=1)
    await drive(dut, awvalid=0, wvalid=1, wstrb=0xFF, wdata=1, wlast=0)
    await drive(dut, wlast=1)
    await drive(dut, wvalid=0, wlast=0)
    await settle(dut)
    m = expect_violation(chk, "WLAST early")
    assert "beat 2 of 4" in m, m
    await setup_reset(dut)
    # missing WLAST: AW len 1, two beats without WLAST
    chk.violations.clear()
    await drive(dut, awid=2, awlen=1, awvalid=1)
    await drive(dut, awvalid=0, wvalid=1, wlast=0, n=2)
    await drive(dut, wvalid=0)
    await settle(dut)
    m = expect_violation(chk, "WLAST missing on the last beat")
    assert "beat 2 of 2" in m, m
    await setup_reset(dut)
    # W before AW, legal: 2 beats then AW len 1 -> clean, B allowed afterwards
    chk.violations.clear()
    await drive(dut, wvalid=1, wlast=0)
    await drive(dut, wlast=1)
    await drive(dut, wvalid=0, wlast=0, awid=3, awlen=1, awvalid=1)
    await drive(dut, awvalid=0, bid=3, bresp=0, bvalid=1, bready=1)
    await drive(dut, bvalid=0)
    await settle(dut)
    assert not chk.violations, chk.violations
    chk.assert_idle()
    # W before AW, too many beats: 3 beats with WLAST then AW len 1
    await drive(dut, wvalid=1, wlast=0, n=2)
    await drive(dut, wlast=1)
    await drive(dut, wvalid=0, wlast=0, awid=4, awlen=1, awvalid=1)
    await drive(dut, awvalid=0)
    await settle(dut)
    m = expect_violation(chk, "more W beats than announced")
    assert "beat 3" in m, m
    await setup_reset(dut)
    # W before AW, open burst already past the AW length without WLAST
    chk.violations.clear()
    await drive(dut, wvalid=1, wlast=0, n=2)
    await drive(dut, wvalid=0, awid=5, awlen=1, awvalid=1)
    await drive(dut, awvalid=0)
    await settle(dut)
    expect_violation(chk, "WLAST missing on the last beat")
    await setup_reset(dut)
    # more W beats than announced after AW (WLAST never on the right beat)
    chk.violations.clear()
    await drive(dut, awid=6, awlen=0, awvalid=1)
    await drive(dut, awvalid=0, wvalid=1, wlast=0)
    await drive(dut, wvalid=0)
    await settle(dut)
    expect_violation(chk, "WLAST missing on the last beat")



@cocotb.test()
async def axi_rlast_and_response_without_request(dut):
    await setup(dut)
    chk = new_checker(dut)
    await settle(dut, 1)
    dut.m_axi_arready.value = 1
    dut.m_axi_rready.value = 1
    dut.m_axi_bready.value = 1
    # RLAST early on burst of ID 2 (4 beats), interleaved legal burst on ID 1 (2 beats)
    await drive(dut, arid=2, araddr=0x0, arlen=3, arsize=3, arburst=1, arvalid=1)
    await drive(dut, arid=1, arlen=1)
    await drive(dut, arvalid=0, rvalid=1, rid=2, rlast=0, rresp=0, rdata=0)
    await drive(dut, rid=1, rlast=0)
    await drive(dut, rid=1, rlast=1)
    assert not chk.violations, chk.violations   # interleaving across IDs is legal
    await drive(dut, rid=2, rlast=1)
    await drive(dut, rvalid=0, rlast=0)
    await settle(dut)
    m = expect_violation(chk, "RLAST early")
    assert "beat 2 of 4" in m and "RID=0x2" in m, m
    # RLAST missing
    chk.violations.clear()
    await drive(dut, arid=3, arlen=0, arvalid=1)
    await drive(dut, arvalid=0, rvalid=1, rid=3, rlast=0)
    await drive(dut, rvalid=0)
    await settle(dut)
    expect_violation(chk, "RLAST missing on the last beat")
    # R without request
    chk.violations.clear()
    await drive(dut, rvalid=1, rid=7, rlast=1)
    await drive(dut, rvalid=0)
    await settle(dut)
    m = expect_violation(chk, "response without request")
    assert "R:" in m or " R" in m
    # B without request; and B for a write whose W data is not complete yet
    chk.violations.clear()
    await drive(dut, bvalid=1, bid=5, bresp=0)
    await drive(dut, bvalid=0)
    await settle(dut)
    expect_violation(chk, "response without request")
    chk.violations.clear()
    dut.m_axi_awready.value = 1
    await drive(dut, awid=5, awaddr=0, awlen=0, awsize=3, awburst=1, awvalid=1)
    await drive(dut, awvalid=0, bvalid=1, bid=5)
    await drive(dut, bvalid=0)
    await settle(dut)
    expect_violation(chk, "response without request")
    # hung transfer: an AR never answered
    await setup_reset(dut)
    chk.violations.clear()
    await drive(dut, arid=4, araddr=0x40, arlen=3, arvalid=1)
    await drive(dut, arvalid=0)
    await settle(dut)
    assert chk.outstanding()
    with pytest.raises(AxiProtocolError, match="read ARID=0x4 addr=0x40: 0/4"):
        chk.assert_idle()


@cocotb.test()
async def axi_handshake_and_x_rules(dut):
    await setup(dut)
    chk = new_checker(dut)
    await settle(dut, 1)
    # VALID dropped before handshake
    await drive(dut, arid=0, araddr=0x80, arlen=0, arsize=3, arburst=1, arvalid=1, arready=0, n=2)
    await drive(dut, arvalid=0)
    await settle(dut)
    m = expect_violation(chk, "VALID dropped before handshake")
    assert "AR" in m and "araddr=0x80" in m, m
    # payload changed while VALID and not READY
    chk.violations.clear()
    await drive(dut, awid=0, awaddr=0x100, awlen=0, awsize=3, awburst=1, awvalid=1, awready=0)
    await drive(dut, awaddr=0x140)
    await drive(dut, awready=1)
    await drive(dut, awvalid=0, awready=0)
    await settle(dut)
    m = expect_violation(chk, "payload changed while VALID and not READY")
    assert "awaddr: 0x100 -> 0x140" in m, m
    if not four_state():
        return
    # X on VALID and on READY
    chk.violations.clear()
    await drive(dut, wvalid="X")
    await drive(dut, wvalid=0, bready="X")
    await drive(dut, bready=0)
    await settle(dut)
    expect_violation(chk, "X/Z on VALID")
    expect_violation(chk, "X/Z on READY")
    # X on payload while VALID
    chk.violations.clear()
    await drive(dut, araddr="X", arvalid=1, arready=1)
    await drive(dut, arvalid=0, araddr=0)
    await settle(dut)
    expect_violation(chk, "X/Z on araddr while VALID")
    # WDATA: X in a disabled lane is fine, in an enabled lane it is not
    await setup_reset(dut)
    chk.violations.clear()
    dut.m_axi_awready.value = 1
    await drive(dut, awid=0, awaddr=0x0, awlen=1, awsize=3, awburst=1, awvalid=1)
    dut.m_axi_awvalid.value = 0
    await drive(dut, wvalid=1, wready=1, wstrb=0x0F, wlast=0,
                wdata=LogicArray("X" * 32 + "01" * 16))
    assert not chk.violations, chk.violations
    await drive(dut, wstrb=0x1F, wlast=1)
    await drive(dut, wvalid=0, wlast=0)
    await settle(dut)
    m = expect_violation(chk, "X/Z on wdata in enabled byte lanes [4]")
    assert len(chk.violations) == 1, chk.violations
    # nothing is checked during reset
    chk.violations.clear()
    dut.rst.value = 1
    await drive(dut, arvalid="X", awvalid=1, awaddr="X", n=3)
    await drive(dut, arvalid=0, awvalid=0)
    dut.rst.value = 0
    await settle(dut)
    assert not chk.violations, chk.violations


@cocotb.test(expect_error=AxiProtocolError)
async def violation_raises_and_fails_the_test(dut):
    """Default raise_on_violation=True: the checker task's exception ends and fails the test
    (expect_error turns that expected failure into a pass)."""
    await setup(dut)
    AxiChecker(dut, "m_axi", dut.clk, dut.rst)
    await settle(dut, 1)
    await drive(dut, arid=0, araddr=0xFF8, arlen=1, arsize=3, arburst=1, arvalid=1, arready=1)
    await drive(dut, arvalid=0)
    await settle(dut, 5)
    # not reached: the checker raised and cocotb ended the test
    raise RuntimeError("checker did not end the test")


@cocotb.test(skip=True)
async def demo_violation_fails(dut):
    """Run only by test_checker_violation_fails_pytest: a violation must fail the run."""
    await setup(dut)
    AxiChecker(dut, "m_axi", dut.clk, dut.rst)
    await settle(dut, 1)
    await drive(dut, awid=0, awaddr=0xFF8, awlen=1, awsize=3, awburst=1, awvalid=1, awready=1)
    await drive(dut, awvalid=0)
    await settle(dut, 5)


@cocotb.test()
async def assert_clean_reports_recorded_violations(dut):
    await setup(dut)
    chk = new_checker(dut)
    await settle(dut, 1)
    chk.assert_clean()
    await drive(dut, bvalid=1, bready=1, bid=1)
    await drive(dut, bvalid=0)
    await settle(dut)
    with pytest.raises(AxiProtocolError, match="response without request"):
        chk.assert_clean()


@cocotb.test()
async def axil_rules(dut):
    await setup(dut)
    chk = new_checker(dut, AxiLiteChecker, "s_axil")
    await settle(dut, 1)
    p = "s_axil_"
    await drive(dut, p, bvalid=1, bready=1, bresp=0)
    await drive(dut, p, bvalid=0)
    await settle(dut)
    expect_violation(chk, "B: response without request")
    chk.violations.clear()
    # legal write: AW and W then B
    await drive(dut, p, awaddr=0x10, awvalid=1, awready=1, wdata=5, wstrb=0xF, wvalid=1, wready=1)
    await drive(dut, p, awvalid=0, wvalid=0, bvalid=1)
    await drive(dut, p, bvalid=0)
    await settle(dut)
    assert not chk.violations, chk.violations
    await drive(dut, p, rvalid=1, rready=1, rdata=1)
    await drive(dut, p, rvalid=0)
    expect_violation(chk, "R: response without request")
    chk.violations.clear()
    await drive(dut, p, arvalid=1, arready=0, araddr=4)
    await drive(dut, p, arvalid=0)
    await settle(dut)
    expect_violation(chk, "VALID dropped before handshake")
    chk.violations.clear()
    if four_state():
        await drive(dut, p, wvalid="X")
        await drive(dut, p, wvalid=0)
    await drive(dut, p, awvalid=1, awready=0, awaddr=8)
    await drive(dut, p, awaddr=12)
    await drive(dut, p, awvalid=0)
    await settle(dut)
    if four_state():
        expect_violation(chk, "X/Z on VALID")
    expect_violation(chk, "payload changed")


@cocotb.test()
async def axis_rules(dut):
    await setup(dut)
    chk = new_checker(dut, AxiStreamChecker, "s_axis")
    packed = new_checker(dut, AxiStreamChecker, "s_axis", packed=True)
    await settle(dut, 1)
    p = "s_axis_"
    # X on a lane with TKEEP clear: fine; TKEEP not all ones mid-packet: fine unless packed
    await drive(dut, p, tvalid=1, tready=1, tkeep=0x3, tlast=0, tdata=LogicArray("X" * 16 + "1" * 16))
    await drive(dut, p, tkeep=0xF, tlast=1, tdata=0x12345678)
    await drive(dut, p, tvalid=0, tlast=0)
    await settle(dut)
    assert not chk.violations, chk.violations
    expect_violation(packed, "TKEEP not all ones on a beat without TLAST")
    packed.stop()
    assert chk.packets == 1 and chk.beats == 2
    if four_state():
        await drive(dut, p, tvalid=1, tready=1, tkeep=0x4, tlast=1, tdata=LogicArray("1" * 8 + "X" * 24))
        await drive(dut, p, tvalid=0)
        await settle(dut)
        expect_violation(chk, "X/Z on tdata in enabled byte lanes [2]")
    chk.violations.clear()
    await drive(dut, p, tvalid=1, tready=0, tkeep=0xF, tdata=1)
    await drive(dut, p, tdata=2)
    await drive(dut, p, tvalid=0)
    await settle(dut)
    expect_violation(chk, "payload changed while VALID and not READY")
    expect_violation(chk, "VALID dropped before handshake")




# ============================================================================ pytest entry point
def test_axi_checker():
    """All cocotb checker self-tests above, on the probe top."""
    from dmatb.runner import run_cocotb
    run_cocotb("tb_axi_probe", test_module="test_axi_checker", parameters=PARAMS, sources=[PROBE])


def test_checker_violation_fails_pytest():
    """Without expect_error, a checker violation makes the cocotb run (and pytest) fail."""
    from dmatb.runner import run_cocotb
    with pytest.raises(SystemExit):
        run_cocotb("tb_axi_probe", test_module="test_axi_checker", parameters=PARAMS, sources=[PROBE],
                   testcase="demo_violation_fails")
