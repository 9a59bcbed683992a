# SPDX-License-Identifier: Apache-2.0
"""A passive monitor of one AXI4 master port's write channels: every write transaction
with the cycle of its AW handshake, its beats (data, strobes) and the cycle and code of
its B response. B responses are matched to AWs per ID, in order (AXI's rule).

    mon = WriteMonitor(dut, "m_axi_sg", dut.clk)
    ...
    msis = mon.in_window(0x7F0000, 0x10000)     # transactions whose address is in a window

Used by the MSI tests to see each message (one 4-byte write), what it carries (address,
data, AWUSER) and when it went out compared with the descriptor write-backs.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import cocotb
from cocotb.triggers import ReadOnly, RisingEdge


@dataclass
class WriteTxn:
    aw_cycle: int
    addr: int
    awid: int
    awlen: int
    awsize: int
    awuser: int
    beats: list = field(default_factory=list)      # (data, strb)
    b_cycle: int | None = None
    bresp: int | None = None

    def word32(self, byte_lanes: int) -> int:
        """The 32-bit word the first beat writes at `addr` (an MSI's data)."""
        data, strb = self.beats[0]
        lane = (self.addr % byte_lanes) // 4
        assert (strb >> (4 * lane)) & 0xF == 0xF, f"strobes {strb:#x} do not cover {self.addr:#x}"
        return (data >> (32 * lane)) & 0xFFFFFFFF


class WriteMonitor:
    def __init__(self, dut, prefix: str, clk):
        self.dut = dut
        self.p = prefix
        self.clk = clk
        self.cycle = 0
        self.txns: list[WriteTxn] = []
        self._w_pending: deque[WriteTxn] = deque()    # AWs whose beats are not all seen
        self._w_early: deque = deque()                 # beats seen before their AW
        self._b_pending: dict[int, deque[WriteTxn]] = {}
        self.byte_lanes = len(getattr(dut, f"{prefix}_wdata")) // 8
        self._has_user = hasattr(dut, f"{prefix}_awuser")
        self._has_id = hasattr(dut, f"{prefix}_awid")
        self.on_aw = []        # callbacks f(txn), called in the cycle of each AW handshake
        cocotb.start_soon(self._run())

    def _sig(self, name):
        return getattr(self.dut, f"{self.p}_{name}")

    async def _run(self):
        s = self._sig
        while True:
            await RisingEdge(self.clk)
            await ReadOnly()
            self.cycle += 1
            if int(s("awvalid").value) and int(s("awready").value):
                t = WriteTxn(self.cycle, int(s("awaddr").value),
                             int(s("awid").value) if self._has_id else 0,
                             int(s("awlen").value), int(s("awsize").value),
                             int(s("awuser").value) if self._has_user else 0)
                self.txns.append(t)
                self._w_pending.append(t)
                self._b_pending.setdefault(t.awid, deque()).append(t)
                while self._w_early and self._w_pending:
                    self._add_beat(self._w_early.popleft())
                for f in self.on_aw:
                    f(t)
            if int(s("wvalid").value) and int(s("wready").value):
                beat = (int(s("wdata").value), int(s("wstrb").value))
                if self._w_pending:
                    self._add_beat(beat)
                else:
                    self._w_early.append(beat)
            if int(s("bvalid").value) and int(s("bready").value):
                bid = int(s("bid").value) if self._has_id else 0
                q = self._b_pending.get(bid)
                assert q, f"{self.p}: B for ID {bid} with no write outstanding"
                t = q.popleft()
                t.b_cycle = self.cycle
                t.bresp = int(s("bresp").value)

    def _add_beat(self, beat):
        t = self._w_pending[0]
        t.beats.append(beat)
        if len(t.beats) == t.awlen + 1:
            self._w_pending.popleft()

    def in_window(self, base: int, size: int) -> list[WriteTxn]:
        return [t for t in self.txns if base <= t.addr < base + size]
