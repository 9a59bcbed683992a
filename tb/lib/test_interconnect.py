# SPDX-License-Identifier: Apache-2.0
"""Self-test of the address-decoding interconnect (tb/dmatb/interconnect.py) on
tb/hdl/tb_axi_probe.v, driven by cocotbext-axi's AxiMaster: routing to two targets,
DECERR outside them, byte counts (write strobes, read beats by the AXI rules) per
target and per ID class, touched ranges, against a reference of both memories."""
from __future__ import annotations

import random

import cocotb

from dmatb.axi_checker import AxiChecker
from dmatb.memory import DECERR, OKAY
from dmatb.probe import PARAMS, PROBE, cocotbext, settle, setup

RAM_BASE, RAM_SIZE = 0, 1 << 16
PEER_BASE, PEER_SIZE = 0x8000_0000, 1 << 16
BEAT = PARAMS["DATA_WIDTH"] // 8


@cocotb.test()
async def interconnect_routes_and_counts(dut):
    from cocotbext.axi import AxiMaster

    from dmatb.interconnect import AxiInterconnect, Target, merge_ranges

    rng = random.Random(cocotb.RANDOM_SEED)
    dut._log.info("seed %d", cocotb.RANDOM_SEED)
    await setup(dut)
    chk = AxiChecker(dut, "m_axi", dut.clk, dut.rst)
    ram, peer = bytearray(RAM_SIZE), bytearray(PEER_SIZE)
    xbar = AxiInterconnect(cocotbext().from_prefix(dut, "m_axi"), dut.clk, dut.rst,
                           [Target("ram", RAM_BASE, RAM_SIZE, ram),
                            Target("peer", PEER_BASE, PEER_SIZE, peer)],
                           classify=lambda axid: "desc" if axid & 8 else "data",
                           max_outstanding_reads=2, max_outstanding_writes=2)
    master = AxiMaster(cocotbext().from_prefix(dut, "m_axi"), dut.clk, dut.rst)
    await settle(dut)
    ref = {"ram": bytearray(RAM_SIZE), "peer": bytearray(PEER_SIZE)}
    want = {}              # (target, class, dir) -> bytes
    ranges = {}
    for _ in range(40):
        name, base = rng.choice([("ram", RAM_BASE), ("peer", PEER_BASE)])
        klass = rng.choice(["data", "desc"])
        axid = (8 if klass == "desc" else 0) | rng.randrange(8)
        off = rng.randrange(0, 0xF000)
        n = rng.randint(1, 600)
        data = rng.randbytes(n)
        wr = await master.write(base + off, data, awid=axid)
        assert wr.resp == OKAY
        ref[name][off:off + n] = data
        key = (name, klass, "write")
        want[key] = want.get(key, 0) + n                      # strobed bytes only
        ranges.setdefault(key, []).append((off, off + n))
        rd = await master.read(base + off, n, arid=axid)
        assert rd.resp == OKAY and bytes(rd.data) == data
        key = (name, klass, "read")
        end = -(-(off + n) // BEAT) * BEAT                    # the last beat is whole
        want[key] = want.get(key, 0) + end - off
        ranges.setdefault(key, []).append((off, end))
    assert bytes(ram) == bytes(ref["ram"]) and bytes(peer) == bytes(ref["peer"])
    assert dict(xbar.counts) == want
    for key, rs in ranges.items():
        assert xbar.touched(*key) == merge_ranges(rs), key
    assert xbar.bytes("peer") == sum(v for (t, _, _), v in want.items() if t == "peer")
    assert xbar.bytes("ram", "desc", "write") == want.get(("ram", "desc", "write"), 0)
    # outside every target: DECERR, nothing stored, nothing counted
    before = dict(xbar.counts)
    for addr in (RAM_SIZE, PEER_BASE - 0x1000, PEER_BASE + PEER_SIZE):
        assert (await master.write(addr, b"\x55" * 16)).resp == DECERR
        assert (await master.read(addr, 16)).resp == DECERR
    assert dict(xbar.counts) == before and xbar.decerr > 0
    assert bytes(ram) == bytes(ref["ram"]) and bytes(peer) == bytes(ref["peer"])
    # backdoor access routes too, uncounted
    xbar.write(PEER_BASE + 0x10, b"backdoor")
    assert peer[0x10:0x18] == b"backdoor" and xbar.read(PEER_BASE + 0x10, 8) == b"backdoor"
    assert dict(xbar.counts) == before
    chk.assert_clean()
    chk.assert_idle()


def test_interconnect():
    """The cocotb interconnect self-test above, on the probe top."""
    from dmatb.runner import run_cocotb
    run_cocotb("tb_axi_probe", test_module="test_interconnect", parameters=PARAMS, sources=[PROBE])
