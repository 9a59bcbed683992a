# SPDX-License-Identifier: Apache-2.0
"""Test environment for dma_datapath: drives the command port, collects statuses,
attaches the memory model, stream models and protocol checkers.

Used by tb/engine/test_datapath.py and by the benchmarks in bench/.
"""
from __future__ import annotations

import logging
import os
import random
from collections import deque
from dataclasses import dataclass

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import Event, ReadOnly, RisingEdge

from cocotbext.axi import AxiBus, AxiStreamBus, AxiStreamSink, AxiStreamSource

MEM = 0
STREAM = 1

# status error codes (docs/architecture.md)
# the datapath's status codes are the register map's error codes (one source)
from dmaengine.regs import (DMA_ERR_BAD_CMD as ERR_BAD_CMD, DMA_ERR_NONE as ERR_NONE,  # noqa: E402
                            DMA_ERR_RD_DECERR as ERR_RD_DECERR, DMA_ERR_RD_SLVERR as ERR_RD_SLVERR,
                            DMA_ERR_WR_DECERR as ERR_WR_DECERR, DMA_ERR_WR_SLVERR as ERR_WR_SLVERR)


@dataclass
class Command:
    src: int
    dst: int
    length: int
    src_kind: int = MEM
    dst_kind: int = MEM
    eop: bool = True
    tag: int = 0


@dataclass
class StreamBeat:
    """One m_axis beat: TKEEP as an integer and the bytes of its kept lanes only
    (the other lanes' TDATA is don't-care)."""
    keep: int
    data: bytes


def mm2s_beats(data: bytes, n: int) -> list[StreamBeat]:
    """The m_axis beats of one memory -> stream command (docs/architecture.md,
    dma_datapath Behaviour): the bytes packed from lane 0, whatever cmd_src_addr
    and cmd_dst_addr are; TKEEP all ones but on the command's last beat, whose
    TKEEP is the contiguous ones from lane 0; ceil(len / n) beats."""
    return [StreamBeat((1 << len(data[i:i + n])) - 1, bytes(data[i:i + n]))
            for i in range(0, len(data), n)]


def frame_beats(frame, n: int) -> list[StreamBeat]:
    """Split an m_axis frame received with compact=False (n lanes per beat, TKEEP
    per lane) back into its beats. TLAST is on the frame's last beat only."""
    assert len(frame.tdata) % n == 0, f"uncompacted frame of {len(frame.tdata)} bytes, {n} lanes"
    beats = []
    for i in range(0, len(frame.tdata), n):
        lanes = frame.tkeep[i:i + n] if frame.tkeep else [1] * n
        keep = sum(int(bool(k)) << j for j, k in enumerate(lanes))
        data = bytes(frame.tdata[i + j] for j in range(n) if lanes[j])
        beats.append(StreamBeat(keep, data))
    return beats


@dataclass
class Status:
    tag: int
    nbytes: int
    error: int
    eop: bool
    cycle: int


class DatapathEnv:
    def __init__(self, dut, mem_size: int = 1 << 20, seed: int | None = None,
                 read_latency: int = 0, write_latency: int = 0, check_protocol: bool = True):
        from dmatb.memory import AxiMemory  # noqa: PLC0415 (keeps import cost in the simulator)

        self.dut = dut
        # cocotb derives each test's seed from the regression seed and the test name;
        # the regression seed is the one to replay with (RANDOM_SEED=<it> make test)
        self.regression_seed = int(os.environ.get("COCOTB_RANDOM_SEED", "0"))
        self.seed = seed if seed is not None else cocotb.RANDOM_SEED
        dut._log.info("random seed %d (replay the run with RANDOM_SEED=%d)", self.seed, self.regression_seed)
        self.rng = random.Random(self.seed)
        self.data_width = len(dut.m_axi_wdata)
        self.bytes_per_beat = self.data_width // 8
        self.len_width = len(dut.cmd_len)
        self.tag_mask = (1 << len(dut.cmd_tag)) - 1
        self.mem = AxiMemory(AxiBus.from_prefix(dut, "m_axi"), dut.clk, dut.rst, size=mem_size,
                             read_latency=read_latency, write_latency=write_latency)
        self.s_axis = AxiStreamSource(AxiStreamBus.from_prefix(dut, "s_axis"), dut.clk, dut.rst)
        self.m_axis = AxiStreamSink(AxiStreamBus.from_prefix(dut, "m_axis"), dut.clk, dut.rst)
        # the BFMs log every burst at INFO: far too much for long tests
        for bfm in (self.mem.write_if, self.mem.read_if, self.s_axis, self.m_axis):
            bfm.log.setLevel(logging.WARNING)
        self.checkers = []
        if check_protocol:
            from dmatb.axi_checker import AxiChecker, AxiStreamChecker  # noqa: PLC0415

            self.checkers = [
                AxiChecker(dut, "m_axi", dut.clk, dut.rst),
                AxiStreamChecker(dut, "m_axis", dut.clk, dut.rst),
                AxiStreamChecker(dut, "s_axis", dut.clk, dut.rst),
            ]
        self._cmd_queue: deque[Command] = deque()
        self._cmd_event = Event()
        self.statuses: list[Status] = []
        self._status_event = Event()
        self.cycle = 0
        self.first_accept_cycle: int | None = None
        self.cmds_accepted = 0

    async def start(self):
        dut = self.dut
        cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
        dut.cmd_valid.value = 0
        dut.sts_ready.value = 1
        dut.rst.value = 1
        for _ in range(4):
            await RisingEdge(dut.clk)
        dut.rst.value = 0
        await RisingEdge(dut.clk)
        cocotb.start_soon(self._count_cycles())
        cocotb.start_soon(self._drive_commands())
        cocotb.start_soon(self._collect_status())

    async def _count_cycles(self):
        while True:
            await RisingEdge(self.dut.clk)
            self.cycle += 1

    def submit(self, cmd: Command):
        self._cmd_queue.append(cmd)
        self._cmd_event.set()

    async def _drive_commands(self):
        dut = self.dut
        while True:
            if not self._cmd_queue:
                dut.cmd_valid.value = 0
                self._cmd_event.clear()
                await self._cmd_event.wait()
                await RisingEdge(dut.clk)  # align to the clock after waking
                continue
            cmd = self._cmd_queue.popleft()
            dut.cmd_src_addr.value = cmd.src
            dut.cmd_dst_addr.value = cmd.dst
            dut.cmd_len.value = cmd.length
            dut.cmd_src_kind.value = cmd.src_kind
            dut.cmd_dst_kind.value = cmd.dst_kind
            dut.cmd_eop.value = int(cmd.eop)
            dut.cmd_tag.value = cmd.tag & self.tag_mask
            dut.cmd_valid.value = 1
            while True:
                await RisingEdge(dut.clk)
                if int(dut.cmd_ready.value):
                    break
            if self.first_accept_cycle is None:
                self.first_accept_cycle = self.cycle
            self.cmds_accepted += 1
            if not self._cmd_queue:
                dut.cmd_valid.value = 0

    async def _collect_status(self):
        dut = self.dut
        while True:
            await RisingEdge(dut.clk)
            if int(dut.sts_valid.value) and int(dut.sts_ready.value):
                self.statuses.append(Status(
                    tag=int(dut.sts_tag.value), nbytes=int(dut.sts_bytes.value),
                    error=int(dut.sts_error.value), eop=bool(int(dut.sts_eop.value)),
                    cycle=self.cycle))
                self._status_event.set()

    async def wait_statuses(self, count: int, timeout_cycles: int = 200_000):
        """Wait until `count` statuses have arrived in total; fail on a hang: no new
        status for `timeout_cycles` cycles (a long random mix under back-pressure
        may take longer than that in all, a hang never makes progress)."""
        start = self.cycle
        seen = len(self.statuses)
        while len(self.statuses) < count:
            self._status_event.clear()
            await RisingEdge(self.dut.clk)
            if len(self.statuses) != seen:
                seen, start = len(self.statuses), self.cycle
            assert self.cycle - start < timeout_cycles, (
                f"hang: {len(self.statuses)}/{count} statuses, none for {timeout_cycles} cycles")
        return self.statuses[:count]

    def m_axis_frames(self) -> list[list[StreamBeat]]:
        """The m_axis frames received so far, each as its exact list of beats
        (TKEEP and the kept bytes of every beat; the frame ends at TLAST)."""
        frames = []
        while not self.m_axis.empty():
            frames.append(frame_beats(self.m_axis.recv_nowait(compact=False), self.bytes_per_beat))
        return frames

    def finish(self):
        for checker in self.checkers:
            checker.assert_clean()
