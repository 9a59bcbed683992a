# SPDX-License-Identifier: Apache-2.0
"""AXI4 slave memory model for DMA tests, built on cocotbext-axi's AxiRam.

    mem = AxiMemory(AxiBus.from_prefix(dut, "m_axi"), dut.clk, dut.rst, size=1 << 20,
                    read_latency=20, write_latency=5)
    mem.set_backpressure(seed=1, w=0.2, r=0.3)            # probability of a pause cycle
    mem.inject_error(0x8000, 0x9000, kind="decerr", on="read")
    mem.write(0x1000, b"...")  ;  data = mem.read(0x2000, 256)

Differences from a plain AxiRam:
- memory is a bytearray of `size` bytes by default (or the `mem=` object you pass:
  a bytearray/mmap shared with the software under test); an access beyond `size`
  answers DECERR by default (`out_of_range="wrap"` gives AxiRam's modulo wrapping);
- reads: several ARs are accepted while earlier bursts are still returning data;
  `max_outstanding_reads=N` is the read-request acceptance depth: at most N read
  bursts are accepted and not yet finished (the one returning data included), so with
  N reached ARREADY stays low until a burst's last R beat is taken (a blocked R channel
  blocks AR, as in many real slaves). Each burst's data is pipelined behind the
  previous one, so latency never serialises bursts. `read_latency=N` means the first R beat of
  a burst is not presented before the N-th clock edge after its AR handshake (handshake
  edge to first R handshake edge >= N with RREADY high); values at or below the model's
  inherent latency (READ_INHERENT_LATENCY) add nothing;
- writes: `max_outstanding_writes=N` is the write-request acceptance depth: at most N
  AWs accepted whose W burst has not been taken completely (the one taking W beats
  included); `write_latency=N` means BVALID is presented no earlier than the N-th clock edge
  after the last W handshake (values at or below WRITE_INHERENT_LATENCY add nothing);
  B responses are queued so that write latency does not stall AW/W acceptance;
- `set_backpressure(seed, aw=, w=, b=, ar=, r=)`: random pause cycles per channel,
  reproducible by seed (cocotbext-axi pause generators);
- `inject_error(start, end, kind, on)`: accesses overlapping [start, end) answer SLVERR
  or DECERR; a write beat in an error range does not modify memory, a read beat returns
  zero data. A write burst's BRESP is the worst response of its beats;
- `stats`: bursts/beats/errors per channel.
"""
from __future__ import annotations

import logging
import random
from collections import deque

import cocotb
from cocotb.triggers import Event, RisingEdge
from cocotb.utils import get_sim_time
from cocotbext.axi.axi_ram import AxiRamRead, AxiRamWrite
from cocotbext.axi.constants import AxiBurstType, AxiResp
from cocotbext.axi.memory import Memory

__all__ = ["AxiMemory", "OKAY", "SLVERR", "DECERR", "random_pause", "set_stream_backpressure",
           "random_depths"]

OKAY, SLVERR, DECERR = int(AxiResp.OKAY), int(AxiResp.SLVERR), int(AxiResp.DECERR)
_KINDS = {"okay": OKAY, "slverr": SLVERR, "decerr": DECERR}

# Cycles from the AR handshake edge to the first R handshake edge, and from the last W
# handshake edge to the B handshake edge, with no back-pressure (measured in test_dmatb).
READ_INHERENT_LATENCY = 2
WRITE_INHERENT_LATENCY = 2


def random_pause(p: float, seed) -> "iter[bool]":
    """Infinite pause generator: True (pause) with probability p each cycle."""
    rng = random.Random(seed)
    while True:
        yield rng.random() < p


def set_stream_backpressure(obj, p: float, seed):
    """Random pauses on a cocotbext-axi stream source/sink (AxiStreamSource/Sink, channels)."""
    if p and p > 0:
        obj.set_pause_generator(random_pause(p, seed))
    else:
        obj.clear_pause_generator()
        obj.pause = False   # cocotbext-axi leaves the last generated value in force


# Acceptance depths a system test draws from (1 = the slave takes one burst at a time).
DEPTH_CHOICES = (1, 1, 2, 2, 3, 4, 8, 16)


def random_depths(rng: random.Random) -> tuple[int, int]:
    """(read, write) acceptance depths for one memory port of a system test.

    AXI lets a slave stop taking ARs while its R channel is blocked (and AWs while
    W is): a master must make progress on reads and writes independently whatever
    the depths, so system tests run with random ones from 1 up."""
    return rng.choice(DEPTH_CHOICES), rng.choice(DEPTH_CHOICES)


def _worse(a: int, b: int) -> int:
    """Combine responses: DECERR > SLVERR > EXOKAY/OKAY."""
    rank = {OKAY: 0, 1: 0, SLVERR: 1, DECERR: 2}
    return a if rank[a] >= rank[b] else b


class _Clock:
    """Counts rising edges so that processes can time-stamp handshakes in cycles."""

    def __init__(self, clk):
        self.clk = clk
        self.count = 0
        self._t = None
        cocotb.start_soon(self._run(), name="AxiMemory cycle counter")

    async def _run(self):
        edge = RisingEdge(self.clk)
        while True:
            await edge
            self.count += 1
            self._t = get_sim_time()

    def now(self) -> int:
        """Index of the current (latest) rising edge, whether or not counted yet."""
        return self.count if get_sim_time() == self._t else self.count + 1

    async def wait_until(self, cycle: int):
        edge = RisingEdge(self.clk)
        while self.now() < cycle:
            await edge


class _MemWrite(AxiRamWrite):
    def __init__(self, owner, bus, clock, reset, reset_active_level, mem):
        self.owner = owner
        self._b_cr = None
        self._b_q = deque()
        self._b_event = Event()
        self._aw_busy = False   # an AW is taking its W beats
        super().__init__(bus, clock, reset, reset_active_level, mem=mem)
        # acceptance depth: AWs queued + the one in service <= max_outstanding_writes
        ch = self.aw_channel
        ch.full = lambda: ch.count() + int(self._aw_busy) >= owner.max_outstanding_writes

    def _handle_reset(self, state):
        super()._handle_reset(state)
        if state:
            if self._b_cr is not None:
                self._b_cr.cancel()
                self._b_cr = None
            self._b_q.clear()
            self._aw_busy = False
        elif self._b_cr is None:
            self._b_cr = cocotb.start_soon(self._process_b())

    async def _process_b(self):
        o = self.owner
        while True:
            while not self._b_q:
                self._b_event.clear()
                await self._b_event.wait()
            b, ready_cycle = self._b_q.popleft()
            await o._clock.wait_until(ready_cycle)
            await self.b_channel.send(b)
            o.stats["b"] += 1

    async def _process_write(self):
        o = self.owner
        while True:
            aw = await self.aw_channel.recv()
            self._aw_busy = True
            awid = int(getattr(aw, "awid", 0))
            addr = int(aw.awaddr)
            length = int(getattr(aw, "awlen", 0))
            size = int(getattr(aw, "awsize", self.max_burst_size))
            burst = AxiBurstType(int(getattr(aw, "awburst", AxiBurstType.INCR)))
            o.stats["aw"] += 1

            num_bytes = 2 ** size
            assert 0 < num_bytes <= self.byte_lanes, f"AxiMemory: awsize {size} wider than the bus"
            aligned_addr = (addr // num_bytes) * num_bytes
            length += 1
            transfer_size = num_bytes * length
            if burst == AxiBurstType.WRAP:
                lower_wrap = (addr // transfer_size) * transfer_size
                upper_wrap = lower_wrap + transfer_size
            if burst == AxiBurstType.INCR:
                assert 0x1000 - (aligned_addr & 0xFFF) >= transfer_size, \
                    f"AxiMemory: INCR write burst crosses 4 KiB (awaddr={addr:#x} awlen={length - 1} awsize={size})"

            cur_addr = aligned_addr
            resp = OKAY
            for n in range(length):
                cur_word_addr = (cur_addr // self.byte_lanes) * self.byte_lanes
                w = await self.w_channel.recv()
                o.stats["w"] += 1
                data = int(w.wdata).to_bytes(self.byte_lanes, "little")
                strb = int(getattr(w, "wstrb", self.strb_mask)) if self.wstrb_present else self.strb_mask
                ops = []
                start = None
                for i in range(self.byte_lanes + 1):
                    if i < self.byte_lanes and strb >> i & 1:
                        if start is None:
                            start = i
                    elif start is not None:
                        ops.append((cur_word_addr + start, data[start:i]))
                        start = None
                beat_resp = OKAY
                for a, d in ops:
                    beat_resp = _worse(beat_resp, o._access_resp(a, a + len(d), "write"))
                if beat_resp == OKAY:
                    try:
                        for a, d in ops:
                            o._store(a, d)
                    except Exception:  # noqa: BLE001 - same as AxiRam: a failing target gives SLVERR
                        self.log.warning("Write operation failed")
                        beat_resp = SLVERR
                if beat_resp != OKAY:
                    o.stats["w_err"] += 1
                resp = _worse(resp, beat_resp)
                if int(w.wlast) != (n == length - 1):
                    self.log.error("AxiMemory: WLAST=%d on beat %d of %d (awaddr=%#x)", int(w.wlast), n + 1, length, addr)
                if burst != AxiBurstType.FIXED:
                    cur_addr += num_bytes
                    if burst == AxiBurstType.WRAP and cur_addr == upper_wrap:
                        cur_addr = lower_wrap

            self._aw_busy = False
            self.aw_channel.wake_event.set()     # room for the next AW
            b = self.b_channel._transaction_obj()
            b.bid = awid
            b.bresp = resp
            if resp != OKAY:
                o.stats["b_err"] += 1
            self._b_q.append((b, o._clock.now() + o.write_latency - WRITE_INHERENT_LATENCY))
            self._b_event.set()


class _MemRead(AxiRamRead):
    def __init__(self, owner, bus, clock, reset, reset_active_level, mem):
        self.owner = owner
        self._r_cr = None
        self._ar_q = deque()
        self._ar_event = Event()
        self._space_event = Event()
        super().__init__(bus, clock, reset, reset_active_level, mem=mem)
        # acceptance depth: ARs queued in the channel + accepted bursts not finished
        # <= max_outstanding_reads (ARREADY low while it is reached)
        ch = self.ar_channel
        ch.full = lambda: ch.count() + len(self._ar_q) >= owner.max_outstanding_reads

    def _handle_reset(self, state):
        super()._handle_reset(state)
        if state:
            if self._r_cr is not None:
                self._r_cr.cancel()
                self._r_cr = None
            self._ar_q.clear()
        elif self._r_cr is None:
            self._r_cr = cocotb.start_soon(self._process_r())

    async def _process_read(self):
        # accept ARs and time-stamp them; _process_r returns the data
        o = self.owner
        while True:
            while len(self._ar_q) >= o.max_outstanding_reads:
                self._space_event.clear()
                await self._space_event.wait()
            ar = await self.ar_channel.recv()
            o.stats["ar"] += 1
            self._ar_q.append((ar, o._clock.now() + o.read_latency - READ_INHERENT_LATENCY))
            self._ar_event.set()

    async def _process_r(self):
        o = self.owner
        while True:
            while not self._ar_q:
                self._ar_event.clear()
                await self._ar_event.wait()
            ar, ready_cycle = self._ar_q[0]
            arid = int(getattr(ar, "arid", 0))
            addr = int(ar.araddr)
            length = int(getattr(ar, "arlen", 0))
            size = int(getattr(ar, "arsize", self.max_burst_size))
            burst = AxiBurstType(int(getattr(ar, "arburst", AxiBurstType.INCR)))

            num_bytes = 2 ** size
            assert 0 < num_bytes <= self.byte_lanes, f"AxiMemory: arsize {size} wider than the bus"
            aligned_addr = (addr // num_bytes) * num_bytes
            length += 1
            transfer_size = num_bytes * length
            if burst == AxiBurstType.WRAP:
                lower_wrap = (addr // transfer_size) * transfer_size
                upper_wrap = lower_wrap + transfer_size
            if burst == AxiBurstType.INCR:
                assert 0x1000 - (aligned_addr & 0xFFF) >= transfer_size, \
                    f"AxiMemory: INCR read burst crosses 4 KiB (araddr={addr:#x} arlen={length - 1} arsize={size})"

            await o._clock.wait_until(ready_cycle)

            cur_addr = aligned_addr
            for n in range(length):
                cur_word_addr = (cur_addr // self.byte_lanes) * self.byte_lanes
                r = self.r_channel._transaction_obj()
                r.rid = arid
                r.rlast = n == length - 1
                lo = addr if n == 0 else cur_addr
                resp = o._access_resp(lo, cur_addr + num_bytes, "read")
                data = None
                if resp == OKAY:
                    try:
                        data = o._load(cur_word_addr, self.byte_lanes)
                    except Exception:  # noqa: BLE001
                        self.log.warning("Read operation failed")
                        resp = SLVERR
                if resp != OKAY:
                    data = bytes(self.byte_lanes)
                    o.stats["r_err"] += 1
                r.rresp = resp
                r.rdata = int.from_bytes(data, "little")
                await self.r_channel.send(r)
                o.stats["r"] += 1
                if burst != AxiBurstType.FIXED:
                    cur_addr += num_bytes
                    if burst == AxiBurstType.WRAP and cur_addr == upper_wrap:
                        cur_addr = lower_wrap

            self._ar_q.popleft()
            self._space_event.set()
            self.ar_channel.wake_event.set()     # ARREADY may rise again


class AxiMemory(Memory):
    """AXI4 slave memory (AxiRam with latency, back-pressure and error injection).

    Args:
        bus: cocotbext-axi AxiBus (e.g. AxiBus.from_prefix(dut, "m_axi")).
        clock, reset: clock and (active-high by default) reset signals.
        size: bytes of memory (ignored when `mem` is given: len(mem) is used).
        mem: optional bytearray/mmap shared with the test or software model.
        read_latency, write_latency: minimum cycles, see module docstring.
        max_outstanding_reads: read-request acceptance depth: read bursts accepted and
            not finished (1 = one at a time: ARREADY low until its last R beat).
        max_outstanding_writes: write-request acceptance depth: AWs accepted whose W
            burst has not been taken completely.
        out_of_range: "decerr" (default) or "wrap" (AxiRam behaviour, address % size).
    """

    def __init__(self, bus, clock, reset=None, reset_active_level=True, size=1 << 20, mem=None, *,
                 read_latency=0, write_latency=0, max_outstanding_reads=16, max_outstanding_writes=16,
                 out_of_range="decerr"):
        if mem is None:
            mem = bytearray(size)
        super().__init__(len(mem), mem)
        self.log = logging.getLogger("cocotb.dmatb.AxiMemory")
        self.clock = clock
        self.read_latency = int(read_latency)
        self.write_latency = int(write_latency)
        self.max_outstanding_reads = max(1, int(max_outstanding_reads))
        self.max_outstanding_writes = max(1, int(max_outstanding_writes))
        assert out_of_range in ("decerr", "wrap")
        self.out_of_range = out_of_range
        self.errors: list[tuple[int, int, int, str]] = []  # (start, end, resp, on)
        self.stats = {k: 0 for k in ("aw", "w", "b", "ar", "r", "w_err", "b_err", "r_err")}
        self._clock = _Clock(clock)
        self.write_if = _MemWrite(self, bus.write, clock, reset, reset_active_level, self.mem)
        self.read_if = _MemRead(self, bus.read, clock, reset, reset_active_level, self.mem)

    # ---------------------------------------------------------------- configuration
    def set_latency(self, read=None, write=None):
        if read is not None:
            self.read_latency = int(read)
        if write is not None:
            self.write_latency = int(write)

    def channels(self):
        return {
            "aw": self.write_if.aw_channel, "w": self.write_if.w_channel, "b": self.write_if.b_channel,
            "ar": self.read_if.ar_channel, "r": self.read_if.r_channel,
        }

    def set_backpressure(self, seed=0, aw=0.0, w=0.0, b=0.0, ar=0.0, r=0.0):
        """Random pause cycles per channel (probability p each cycle), reproducible by seed."""
        probs = {"aw": aw, "w": w, "b": b, "ar": ar, "r": r}
        for i, (name, ch) in enumerate(self.channels().items()):
            set_stream_backpressure(ch, probs[name], f"{seed}/{name}")

    def clear_backpressure(self):
        for ch in self.channels().values():
            set_stream_backpressure(ch, 0, None)

    def inject_error(self, start, end, kind="slverr", on="both"):
        """Accesses overlapping [start, end) answer `kind` ("slverr"/"decerr") for `on`
        ("read"/"write"/"both")."""
        assert on in ("read", "write", "both"), on
        assert end > start
        self.errors.append((int(start), int(end), _KINDS[kind.lower()], on))

    def clear_errors(self):
        self.errors.clear()

    # ---------------------------------------------------------------- access helpers
    def _access_resp(self, lo, hi, op):
        """Response for an access to bytes [lo, hi)."""
        resp = OKAY
        if self.out_of_range == "decerr" and (lo < 0 or hi > self.size):
            resp = DECERR
        for s, e, k, on in self.errors:
            if lo < e and s < hi and on in (op, "both"):
                resp = _worse(resp, k)
        return resp

    def _store(self, addr, data):
        if self.out_of_range == "wrap":
            addr %= self.size
        self.mem[addr:addr + len(data)] = data

    def _load(self, addr, length):
        if self.out_of_range == "wrap":
            addr %= self.size
        return self.mem[addr:addr + length]

    def read(self, address, length) -> bytes:
        """Backdoor read (no bus traffic)."""
        return bytes(self.mem[address:address + length])

    def write(self, address, data):
        """Backdoor write (no bus traffic)."""
        self.mem[address:address + len(data)] = data

    def idle(self) -> bool:
        """No read or write burst in progress inside the model."""
        wi, ri = self.write_if, self.read_if
        return (not ri._ar_q and ri.ar_channel.empty() and ri.r_channel.idle()
                and not wi._b_q and wi.aw_channel.empty() and wi.w_channel.empty() and wi.b_channel.idle())
