# SPDX-License-Identifier: Apache-2.0
"""cocotb tests of dma_realign (byte-lane realignment, strobes, stream packets),
collected by pytest.

dma_realign is driven alone, the way dma_datapath drives it: a first-word
fall-through transfer queue, two sources multiplexed by in_stream (the R beats of
memory-source transfers, in order, each with its read error code; the s_axis
beats with TLAST and the byte count of a TLAST beat), two destinations selected
by dst_stream / out_user[DST_BIT] (each with its own "room for two" flag), and a
consumer of completion records that frees their slots (done_free) late.

A Python reference model computes, per transfer, the exact output beats (every
strobed byte in its lane, the strobe, out_last, out_user) and the completion
record {done_good, done_err, done_eop, done_beats, done_user}; every beat and
record is asserted exactly, in order. Also checked on every cycle:

- out_valid / payload stay until out_ready; a beat is only produced when the
  room flag of its own destination was high (out_room is honest, as in the
  datapath: out_ready is never low in a cycle in which out_room is high);
- the record comes exactly the cycle after the transfer's last beat left, and no
  more than DONE_SLOTS records are ever waiting for done_free;
- in_ready only with in_valid; exactly the model's source beats are consumed (a
  stream beat only partly used stays on the stream); skipped transfers
  (xfer_skip) leave no beat and no record;
- inputs that the working transfer must ignore are random: in_err of stream
  beats, in_last / in_bytes of memory beats, xfer_so of stream sources, in_data
  while in_valid is low (so a flushed beat cannot take bytes from the input).

Random stalls on xfer_valid, both in_valid sources, both room flags, out_ready
and done_free, in phases of different intensity. The seed comes from cocotb
(RANDOM_SEED=<seed>, printed by the runner and by every test).

The TKEEP -> byte count decoding of a TLAST beat is not in dma_realign (it is
dma_datapath's s_keep_bytes, feeding in_bytes); `datapath_tkeep_rule` below
checks it on dma_datapath against docs/architecture.md.
"""
from __future__ import annotations

import functools
import os
import random
from dataclasses import dataclass, field

import cocotb
import pytest
from cocotb.triggers import ClockCycles, FallingEdge, RisingEdge

# ----------------------------------------------------------------------------- pytest side

CONFIGS = [
    # (DATA_WIDTH, LEN_WIDTH, USER_WIDTH, DST_BIT, DONE_SLOTS)
    (32, 32, 3, 1, 4),      # as dma_datapath instantiates it (CMD_DEPTH_LOG2 = 2)
    (64, 20, 1, 0, 1),      # the shortest length field, a single completion slot
    (64, 32, 3, 1, 4),
    (128, 24, 4, 3, 2),
]


@pytest.mark.parametrize("dw,lw,uw,db,slots", CONFIGS,
                         ids=[f"dw{d}-lw{l}-u{u}b{b}-s{s}" for d, l, u, b, s in CONFIGS])
def test_realign(dw, lw, uw, db, slots):
    from dmatb.runner import run_cocotb

    # Inputs are written at falling edges only, far from the sampling edge: the
    # simulator's own inertial writes are safe and much faster (and so is the C clock).
    run_cocotb("dma_realign", "test_realign", {"DATA_WIDTH": dw, "LEN_WIDTH": lw, "USER_WIDTH": uw,
                                                "DST_BIT": db, "DONE_SLOTS": slots},
               extra_env={"COCOTB_TRUST_INERTIAL_WRITES": "1"})


def test_realign_tkeep_in_datapath():
    """The TKEEP rule of a stream TLAST beat, which dma_datapath applies before its
    realigner (one small run of the datapath)."""
    from dmatb.runner import run_cocotb

    run_cocotb("dma_datapath", "test_realign", {"DATA_WIDTH": 64})


TOP = os.environ.get("COCOTB_TOPLEVEL", "")
NOT_REALIGN = TOP != "dma_realign"
NOT_DATAPATH = TOP != "dma_datapath"

# ----------------------------------------------------------------------------- model


@functools.lru_cache(maxsize=None)
def byte_mask(strb: int) -> int:
    """The data bit mask of a byte strobe."""
    m, j = 0, 0
    while strb:
        if strb & 1:
            m |= 0xFF << (8 * j)
        strb >>= 1
        j += 1
    return m


@dataclass
class Xfer:
    so: int                 # xfer_so (driven; garbage for a stream source)
    do: int
    length: int
    src_stream: int
    dst_stream: int
    user: int
    skip: int = 0
    start: int = 0          # where the source starts in its first beat (stream: the leftover offset)
    beats: list = field(default_factory=list)   # expected output beats (strb, data, last)
    record: tuple = ()      # expected (good, err, eop, beats, user)
    note: str = ""

    def __str__(self):
        kind = ("skip " if self.skip else "") + ("s" if self.src_stream else "m") + "2" + \
            ("s" if self.dst_stream else "m")
        return (f"{kind} so={self.start} do={self.do} len={self.length} user={self.user:#x}"
                + (f" [{self.note}]" if self.note else ""))


class Plan:
    """A scenario: the transfers in queue order, the memory beats (R) and stream
    beats they read, and per transfer the expected beats and record."""

    def __init__(self, n: int, user_width: int, dst_bit: int, rng: random.Random):
        self.n = n
        self.uw = user_width
        self.dst_bit = dst_bit
        self.rng = rng
        self.xfers: list[Xfer] = []
        self.mem: list[tuple[int, int]] = []            # (data, in_err)
        self.stream: list[tuple[int, int, int]] = []    # (data, last, bytes of the beat)
        self.s_bi = 0          # model: index of the head stream beat
        self.s_off = 0         # model: bytes of the head beat already taken
        self.pkt_left = 0      # model: bytes of the current packet not taken yet

    def user(self, dst_stream: int) -> int:
        u = self.rng.getrandbits(self.uw)
        return (u & ~(1 << self.dst_bit)) | (dst_stream << self.dst_bit)

    def _expect(self, x: Xfer, got: bytes, fail: int | None, err: int, eop: int):
        """The output beats of `got` placed from lane do: ceil((do + len) / N) beats;
        from the first beat holding a byte of input beat `fail` on, strobe 0."""
        n, do, g = self.n, x.do, len(got)
        nout = (do + g + n - 1) // n
        buf = bytes(do) + got + bytes(nout * n - do - g)
        good = 0
        for k in range(nout):
            lo, hi = max(0, k * n - do), min(g, (k + 1) * n - do)   # bytes [lo, hi) of got
            lane = lo + do - k * n
            strb = ((1 << (hi - lo)) - 1) << lane
            if fail is not None and (x.start + hi - 1) // n >= fail:
                strb = 0
            good += bin(strb).count("1")
            x.beats.append((strb, int.from_bytes(buf[k * n:(k + 1) * n], "little"), int(k == nout - 1)))
        x.record = (good, err, eop, nout, x.user)

    def mem_xfer(self, so, do, length, dst_stream=0, fail=None, code=1, note=""):
        """Memory source: ceil((so + len) / N) R beats of random bytes; `fail`: the
        first failing beat (code `code`), later beats random codes."""
        n = self.n
        nin = (so + length + n - 1) // n
        raw = self.rng.randbytes(nin * n)
        errs = [0] * nin
        if fail is not None:
            errs[fail] = code
            for i in range(fail + 1, nin):
                errs[i] = self.rng.randrange(4)
        for i in range(nin):
            self.mem.append((int.from_bytes(raw[i * n:(i + 1) * n], "little"), errs[i]))
        x = Xfer(so, do, length, 0, dst_stream, self.user(dst_stream), start=so, note=note)
        self._expect(x, raw[so:so + length], fail, code if fail is not None else 0, 0)
        self.xfers.append(x)
        return x

    def packet(self, plen: int):
        """Put a packet of plen bytes on the stream (random bytes, also in the lanes
        after the end of its TLAST beat)."""
        assert self.pkt_left == 0 and self.s_off == 0 and self.s_bi == len(self.stream)
        n = self.n
        nb = (plen + n - 1) // n
        for i in range(nb):
            last = int(i == nb - 1)
            self.stream.append((self.rng.getrandbits(8 * n), last, plen - (nb - 1) * n if last else n))
        self.pkt_left = plen

    def stream_xfer(self, length, do=0, dst_stream=0, note=""):
        """Stream source from where the stream stands: len bytes, or fewer when TLAST
        comes first (eop). A packet must be open (self.packet)."""
        assert self.pkt_left > 0, "no packet open"
        n = self.n
        start = self.s_off
        got = bytearray()
        eop = 0
        while len(got) < length:
            data, last, nb = self.stream[self.s_bi]
            take = min(length - len(got), nb - self.s_off)
            got += data.to_bytes(n, "little")[self.s_off:self.s_off + take]
            self.s_off += take
            if self.s_off == nb:
                self.s_bi += 1
                self.s_off = 0
                if last:
                    eop = 1
                    break
        self.pkt_left -= len(got)
        assert (self.pkt_left == 0) == bool(eop)
        x = Xfer(self.rng.randrange(n), do, length, 1, dst_stream, self.user(dst_stream), start=start,
                 note=note)
        self._expect(x, bytes(got), None, 0, eop)
        self.xfers.append(x)
        return x

    def skip_xfer(self):
        """A transfer dropped at the queue head (a bad command): any fields."""
        n = self.n
        src, dst = self.rng.randrange(2), self.rng.randrange(2)
        x = Xfer(self.rng.randrange(n), self.rng.randrange(n), self.rng.choice([0, 1, 5 * n, 1000]),
                 src, dst, self.user(dst), skip=1)
        self.xfers.append(x)
        return x

    def close(self):
        """Trailing stream beats that no transfer may take."""
        if self.pkt_left == 0:
            self.packet(3 * self.n)


@dataclass
class Prof:
    """Probabilities, per cycle, of: the next transfer appearing at the queue head;
    a memory / stream beat being valid (when one is left); room in the memory /
    stream destination; out_ready while there is no room; freeing a record."""
    xfer: float = 1.0
    mem: float = 1.0
    strm: float = 1.0
    room_m: float = 1.0
    room_s: float = 1.0
    ready: float = 1.0
    free: float = 1.0


NO_STALL = Prof()
PROFILES = [
    Prof(),
    Prof(0.7, 0.7, 0.7, 0.7, 0.7, 0.5, 0.7),
    Prof(0.3, 0.4, 0.4, 0.5, 0.3, 0.3, 0.5),
    Prof(1.0, 0.9, 0.9, 0.9, 0.9, 0.1, 0.05),     # completion records freed slowly
    Prof(0.9, 0.2, 0.3, 1.0, 1.0, 1.0, 1.0),      # sources starved
    Prof(0.9, 1.0, 1.0, 0.2, 0.3, 0.2, 0.9),      # destinations blocked
]


def params(dut):
    n = len(dut.out_strb)
    return n, len(dut.xfer_user), int(dut.DST_BIT.value), int(dut.DONE_SLOTS.value)


async def reset(dut):
    from cocotb.clock import Clock

    Clock(dut.clk, 10, unit="ns").start()
    dut.rst.value = 1
    for sig in (dut.xfer_valid, dut.xfer_so, dut.xfer_do, dut.xfer_len, dut.xfer_src_stream,
                dut.xfer_user, dut.xfer_skip, dut.in_valid, dut.in_data, dut.in_err, dut.in_last,
                dut.in_bytes, dut.out_room, dut.out_ready, dut.done_free):
        sig.value = 0
    await ClockCycles(dut.clk, 3)
    dut.rst.value = 0


def new_plan(dut, salt: int) -> Plan:
    n, uw, db, _ = params(dut)
    dut._log.info("random seed %d (replay with RANDOM_SEED=%s)", cocotb.RANDOM_SEED,
                  os.environ.get("COCOTB_RANDOM_SEED", cocotb.RANDOM_SEED))
    return Plan(n, uw, db, random.Random(cocotb.RANDOM_SEED * 31 + salt))


async def run(dut, plan: Plan, profiles=PROFILES, phase=400, seed_salt=0, tail=40):
    """Drive the plan's transfers and sources, check every beat, record and rule.
    Returns the cycle of every output beat's handshake, per transfer, and
    counts of the corners the stalls reached."""
    plan.close()
    n = plan.n
    _, _, dst_bit, slots = params(dut)
    rng = random.Random(cocotb.RANDOM_SEED * 17 + seed_salt)
    xfers, mem, stream = plan.xfers, plan.mem, plan.stream
    expect = [x for x in xfers if not x.skip]
    clk = dut.clk
    h_in_stream, h_dst_stream = dut.in_stream, dut.dst_stream
    h_xfer_valid, h_xfer_pop = dut.xfer_valid, dut.xfer_pop
    h_in_valid, h_in_ready, h_in_data = dut.in_valid, dut.in_ready, dut.in_data
    h_in_err, h_in_last, h_in_bytes = dut.in_err, dut.in_last, dut.in_bytes
    h_room, h_out_ready, h_out_valid = dut.out_room, dut.out_ready, dut.out_valid
    h_out_data, h_out_strb, h_out_last, h_out_user = dut.out_data, dut.out_strb, dut.out_last, dut.out_user
    h_done_valid, h_done_free = dut.done_valid, dut.done_free
    h_dg, h_de, h_dp, h_db, h_du = dut.done_good, dut.done_err, dut.done_eop, dut.done_beats, dut.done_user
    wbits = 8 * n
    bytes_w = len(dut.in_bytes)

    written = {}

    def w(handle, value):
        if written.get(handle) != value:
            handle.value = value
            written[handle] = value

    xi = 0                  # next transfer to present
    presented = False
    mi = si = 0             # next memory / stream beat
    ei = bi = 0             # expected transfer / beat of the next handshake
    ri = 0                  # next expected record
    outstanding = to_free = 0
    waiting = None          # payload offered and not taken
    room_prev = (0, 0)
    last_left = False       # a transfer's last beat left in the previous cycle
    cycles = [[] for _ in expect]
    stats = {"held": 0, "full_slots": 0, "split_room": 0}
    cycle = 0
    quiet = 0
    done_at = None
    while True:
        await FallingEdge(clk)
        prof = profiles[(cycle // phase) % len(profiles)]
        ins = int(h_in_stream.value)
        if not presented and xi < len(xfers) and rng.random() < prof.xfer:
            x = xfers[xi]
            w(dut.xfer_so, x.so)
            w(dut.xfer_do, x.do)
            w(dut.xfer_len, x.length)
            w(dut.xfer_src_stream, x.src_stream)
            w(dut.xfer_user, x.user)
            w(dut.xfer_skip, x.skip)
            presented = True
        w(h_xfer_valid, int(presented))
        # (inputs the working transfer must ignore get fresh random values now and then)
        noise = rng.random() < 0.3
        if ins:
            valid = si < len(stream) and rng.random() < prof.strm
            if valid:
                data, last, nb = stream[si]
                w(h_in_last, last)
                w(h_in_bytes, nb)
                if noise:
                    w(h_in_err, rng.randrange(4))          # ignored on a stream
        else:
            valid = mi < len(mem) and rng.random() < prof.mem
            if valid:
                data, err = mem[mi]
                w(h_in_err, err)
                if noise:
                    w(h_in_last, rng.randrange(2))         # ignored on memory beats
                    w(h_in_bytes, rng.randrange(1 << bytes_w))
        if not valid:
            data = rng.getrandbits(wbits)
            if noise:
                w(h_in_last, rng.randrange(2))
                w(h_in_bytes, rng.randrange(1 << bytes_w))
                w(h_in_err, rng.randrange(4))
        h_in_data.value = data
        w(h_in_valid, int(valid))
        room = (int(rng.random() < prof.room_m), int(rng.random() < prof.room_s))
        # (dst_stream is read only when it matters)
        if room[0] == room[1]:
            r = room[0]
        else:
            r = room[int(h_dst_stream.value)]
            stats["split_room"] += 1
        ready = 1 if r else int(rng.random() < prof.ready)
        w(h_room, r)
        w(h_out_ready, ready)
        free = int(to_free > 0 and rng.random() < prof.free)
        w(h_done_free, free)

        await RisingEdge(clk)
        cycle += 1
        quiet += 1
        if presented and int(h_xfer_pop.value):
            xi += 1
            presented = False
            quiet = 0
        if int(h_in_ready.value):
            # (checked every cycle: in_ready must never come without in_valid)
            assert valid, f"cycle {cycle}: in_ready with in_valid low (in_stream={ins})"
            if ins:
                si += 1
            else:
                mi += 1
            quiet = 0
        left_last = False
        if int(h_out_valid.value):
            payload = (int(h_out_data.value), int(h_out_strb.value), int(h_out_last.value),
                       int(h_out_user.value))
            if waiting is None:
                d = (payload[3] >> dst_bit) & 1
                assert room_prev[d], (f"cycle {cycle}: a beat for the {'stream' if d else 'memory'} destination "
                                      f"was produced while its out_room was low (dst_stream wrong?)")
            else:
                assert payload == waiting, f"cycle {cycle}: output payload changed before out_ready"
            if ready:
                assert ei < len(expect), f"cycle {cycle}: output beat {payload} after the last expected one"
                x = expect[ei]
                strb, data, last = x.beats[bi]
                got_data, got_strb, got_last, got_user = payload
                ctx = f"cycle {cycle}: transfer #{ei} ({x}) beat {bi}/{len(x.beats)}"
                assert got_strb == strb, f"{ctx}: strobe {got_strb:#x}, expected {strb:#x}"
                m = byte_mask(strb)
                assert got_data & m == data & m, (f"{ctx}: data {got_data & m:#0{2 + 2 * n}x}, expected "
                                                  f"{data & m:#0{2 + 2 * n}x} (strobed lanes {strb:#x})")
                assert got_last == last, f"{ctx}: out_last {got_last}, expected {last}"
                assert got_user == x.user, f"{ctx}: out_user {got_user:#x}, expected {x.user:#x}"
                cycles[ei].append(cycle)
                bi += 1
                if last:
                    ei += 1
                    bi = 0
                    left_last = True
                waiting = None
                quiet = 0
            else:
                if waiting is None:
                    stats["held"] += 1
                waiting = payload
        else:
            assert waiting is None, f"cycle {cycle}: out_valid dropped before out_ready"
        dv = int(h_done_valid.value)
        assert dv == int(last_left), (f"cycle {cycle}: done_valid {dv}, expected {int(last_left)} (the record "
                                      f"comes exactly the cycle after a transfer's last beat)")
        if dv:
            x = expect[ri]
            rec = (int(h_dg.value), int(h_de.value), int(h_dp.value), int(h_db.value), int(h_du.value))
            assert rec == x.record, (f"cycle {cycle}: record of transfer #{ri} ({x}): (good, err, eop, beats, "
                                     f"user) = {rec}, expected {x.record}")
            ri += 1
            outstanding += 1
            to_free += 1
            assert outstanding <= slots, f"cycle {cycle}: {outstanding} records waiting, DONE_SLOTS = {slots}"
            stats["full_slots"] += outstanding == slots
        if free:
            outstanding -= 1
            to_free -= 1
        room_prev = room
        last_left = left_last
        if ri == len(expect) and xi == len(xfers) and done_at is None:
            done_at = cycle
        if done_at is not None and cycle - done_at >= tail:
            break
        assert quiet < 3000, (f"cycle {cycle}: no progress for 3000 cycles: transfer {xi}/{len(xfers)} presented="
                              f"{presented}, beats out {ei}/{len(expect)}+{bi}, records {ri}, memory beats "
                              f"{mi}/{len(mem)}, stream beats {si}/{plan.s_bi}")
    assert mi == len(mem), f"{mi} memory beats consumed, the transfers have {len(mem)}"
    assert si == plan.s_bi, f"{si} stream beats consumed, expected {plan.s_bi} (of {len(stream)} offered)"
    dut._log.info("%d transfers (%d skipped), %d beats out, %d memory and %d stream beats in, %d cycles; "
                  "beats held by out_ready low %d, records filling all slots %d, cycles with room for one "
                  "destination only %d", len(xfers), len(xfers) - len(expect), sum(len(x.beats) for x in expect),
                  mi, si, cycle, stats["held"], stats["full_slots"], stats["split_room"])
    return cycles, stats


# ----------------------------------------------------------------------------- tests


def light(p=0.85):
    return [Prof(p, p, p, p, p, 0.5, p), NO_STALL]


@cocotb.skipif(NOT_REALIGN)
@cocotb.test()
async def memory_all_offsets_short(dut):
    """Memory source, every (source offset, destination offset) pair, every length
    from 1 byte to 3 beats, in random order (so that every kind of transfer follows
    every other one), to both destinations (a stream destination at offset 0, as
    the datapath forces)."""
    await reset(dut)
    plan = new_plan(dut, 1)
    n = plan.n
    items = [(so, do, ln) for so in range(n) for do in range(n) for ln in range(1, 3 * n + 1)]
    plan.rng.shuffle(items)
    for so, do, ln in items:
        plan.mem_xfer(so, do, ln, dst_stream=int(do == 0 and plan.rng.random() < 0.5))
    await run(dut, plan, light(), seed_salt=1)


@cocotb.skipif(NOT_REALIGN)
@cocotb.test()
async def memory_long(dut):
    """Memory source, long transfers (1000 to 5000 bytes) at corner and random offsets."""
    await reset(dut)
    plan = new_plan(dut, 2)
    n = plan.n
    pairs = [(0, 0), (0, n - 1), (n - 1, 0), (n - 1, n - 1), (1, n - 1), (n - 1, 1)]
    pairs += [(plan.rng.randrange(n), plan.rng.randrange(n)) for _ in range(4)]
    for i, (so, do) in enumerate(pairs):
        ln = plan.rng.choice([1000, 1023, 1024, 1025, 4096]) if i < 6 else plan.rng.randint(1000, 5000)
        plan.mem_xfer(so, do, ln, dst_stream=int(do == 0 and i % 2))
    await run(dut, plan, PROFILES, seed_salt=2)


@cocotb.skipif(NOT_REALIGN)
@cocotb.test()
async def memory_read_errors(dut):
    """Read error on every input beat of short transfers (every offset pair), and at
    a random beat of longer ones: strobes 0 from the first output beat that holds a
    byte of the failing beat on, done_good the bytes before it, done_err the first
    code (later beats carry random codes); the next transfer is clean."""
    await reset(dut)
    plan = new_plan(dut, 3)
    n, rng = plan.n, plan.rng
    for so in range(n):
        for do in range(n):
            ln = rng.randint(1, 3 * n)
            nin = (so + ln + n - 1) // n
            for f in range(nin):
                plan.mem_xfer(so, do, ln, fail=f, code=rng.randint(1, 3), note=f"error at beat {f}")
            if rng.random() < 0.3:
                plan.mem_xfer(rng.randrange(n), do, rng.randint(1, 2 * n), note="after an error")
    for _ in range(6):
        so, do, ln = rng.randrange(n), rng.randrange(n), rng.randint(4 * n, 40 * n)
        nin = (so + ln + n - 1) // n
        plan.mem_xfer(so, do, ln, dst_stream=int(do == 0), fail=rng.randrange(nin), code=rng.randint(1, 3))
        plan.mem_xfer(so, do, ln)
    await run(dut, plan, light(0.8), seed_salt=3)


@cocotb.skipif(NOT_REALIGN)
@cocotb.test()
async def stream_packet_ends(dut):
    """Stream source at every start offset (left by the previous transfer) and
    every destination offset: TLAST in the first beat or a later one with every
    byte count of the TLAST beat, the length running past TLAST (early end, eop)
    or ending exactly at it; the length filling before TLAST (in the TLAST beat or
    at a beat boundary) with the rest taken by the next transfer. Then stream
    packets to a stream destination."""
    await reset(dut)
    plan = new_plan(dut, 4)
    n, rng = plan.n, plan.rng

    def position(s, plen, note):
        """Open a packet of plen bytes and take its first s bytes (s < plen)."""
        plan.packet(plen)
        if s:
            plan.stream_xfer(s, do=rng.randrange(n), note=note)

    byte_counts = list(range(1, n + 1))
    for s in range(n):
        for do in range(n):
            # (16 bytes per beat: 4 counts per pair, chosen so that every count meets
            # every start offset and every shift do - s)
            bcs = byte_counts if n <= 8 else [(s + 3 * (do - s) + 4 * t) % n + 1 for t in range(4)]
            for b in bcs:
                for j in ([0] if b > s else []) + [1, rng.randint(2, 3)]:
                    plen = j * n + b
                    position(s, plen, "positioning")
                    extra = rng.choice([0, 0, 1, rng.randint(2, 2 * n)])
                    plan.stream_xfer(plen - s + extra, do,
                                     note=f"TLAST beat +{j} with {b} bytes, length +{extra}")
            # the length fills before TLAST: within the TLAST beat, at a beat end, or earlier
            for _ in range(2):
                plen = s + rng.randint(2, 3 * n)
                position(s, plen, "positioning")
                left = plen - s
                fill = rng.choice([left - 1, rng.randint(1, left - 1), (n - s) if n - s < left else 1])
                plan.stream_xfer(fill, do, note="fills before TLAST")
                plan.stream_xfer(rng.choice([left - fill, left - fill + rng.randint(1, n)]),
                                 rng.randrange(n), note="rest of the packet")
    # stream destinations too (the datapath refuses stream -> stream, the realigner
    # does not care about the destination kind)
    for _ in range(3 * n):
        plan.packet(rng.randint(1, 4 * n))
        while plan.pkt_left:
            plan.stream_xfer(rng.randint(1, 2 * n), 0, dst_stream=1)
    await run(dut, plan, light(), seed_salt=4)


@cocotb.skipif(NOT_REALIGN)
@cocotb.test()
async def stream_packets_over_transfers(dut):
    """Packets of 1 byte to several KiB spread over several transfers of random
    lengths (some ending before TLAST, some exactly at it, some past it), mixed
    with memory-source transfers that must leave the stream position alone; the
    longest lengths the length field holds, ended by TLAST."""
    await reset(dut)
    plan = new_plan(dut, 5)
    n, rng = plan.n, plan.rng
    for _ in range(40):
        plan.packet(rng.choice([1, n, rng.randint(1, 4 * n), rng.randint(100, 600), rng.randint(1000, 3000)]))
        while plan.pkt_left:
            left = plan.pkt_left
            r = rng.random()
            ln = (rng.randint(1, max(1, left - 1)) if r < 0.5 else left if r < 0.7
                  else left + rng.randint(1, 3 * n))
            plan.stream_xfer(min(ln, rng.randint(1, 1200)) if r < 0.5 else ln, rng.randrange(n))
            if rng.random() < 0.3:
                plan.mem_xfer(rng.randrange(n), rng.randrange(n), rng.randint(1, 4 * n))
    # the longest lengths (2^LEN_WIDTH - 1 and just below: the beat counts' top bit),
    # ended by TLAST
    top = (1 << len(dut.xfer_len)) - 1
    for _ in range(6):
        plan.packet(rng.randint(1, 3 * n))
        if rng.random() < 0.5:
            plan.stream_xfer(rng.randint(1, plan.pkt_left), rng.randrange(n))
        if plan.pkt_left:
            plan.stream_xfer(top - rng.randrange(2 * n), rng.randrange(n), note="longest length")
    await run(dut, plan, PROFILES, seed_salt=5)


@cocotb.skipif(NOT_REALIGN)
@cocotb.test()
async def random_mix(dut):
    """Back-to-back random transfers of every kind (memory -> memory / stream,
    stream -> memory / stream, read errors, skipped transfers), short and long,
    under every stall profile."""
    await reset(dut)
    plan = new_plan(dut, 6)
    n, rng = plan.n, plan.rng
    for _ in range(400):
        r = rng.random()
        size = rng.random()
        ln = (rng.randint(1, 4 * n) if size < 0.75 else rng.randint(1, 400) if size < 0.97
              else rng.randint(1000, 3000))
        if r < 0.35:
            dst = int(rng.random() < 0.3)
            so, do = rng.randrange(n), 0 if dst else rng.randrange(n)
            fail = None
            if rng.random() < 0.1:
                fail = rng.randrange((so + ln + n - 1) // n)
            plan.mem_xfer(so, do, ln, dst, fail=fail, code=rng.randint(1, 3))
        elif r < 0.9:
            if plan.pkt_left == 0:
                plan.packet(rng.randint(1, 4 * n) if rng.random() < 0.6 else rng.randint(1, 2000))
            dst = int(rng.random() < 0.15)
            left = plan.pkt_left
            if rng.random() < 0.2:
                ln = left + rng.randrange(2)
            plan.stream_xfer(ln, 0 if dst else rng.randrange(n), dst)
        else:
            plan.skip_xfer()
    _, stats = await run(dut, plan, PROFILES, phase=250, seed_salt=6)
    dut._log.info("corners reached: %s", stats)
    # the stall profiles did reach the corners they are for; how often the done slots
    # fill depends on the seed (5 times at seed 576976229, dozens at others)
    assert stats["held"] > 20 and stats["full_slots"] > 0 and stats["split_room"] > 100, stats


@cocotb.skipif(NOT_REALIGN)
@cocotb.test()
async def skipped_transfers(dut):
    """Runs of skipped transfers between real ones (and first and last): popped,
    no beat, no record, no completion slot taken."""
    await reset(dut)
    plan = new_plan(dut, 7)
    n, rng = plan.n, plan.rng
    for i in range(60):
        for _ in range(rng.choice([0, 1, 1, 2, 5])):
            plan.skip_xfer()
        if i % 3 == 2:
            if plan.pkt_left == 0:
                plan.packet(rng.randint(1, 3 * n))
            plan.stream_xfer(rng.randint(1, 3 * n), rng.randrange(n))
        else:
            plan.mem_xfer(rng.randrange(n), rng.randrange(n), rng.randint(1, 3 * n))
    for _ in range(3):
        plan.skip_xfer()
    await run(dut, plan, light(0.7), seed_salt=7)


@cocotb.skipif(NOT_REALIGN)
@cocotb.test()
async def back_to_back_timing(dut):
    """No stalls (free completion slots, sources always valid, destinations always
    ready): every output beat comes on the cycle docs/architecture.md gives. A
    transfer's beats are back to back; a transfer with so > do spends one more
    cycle on its first input beat; a memory-source transfer starts right after a
    memory-source one, a transfer that has a stream source or follows one a
    cycle later. (Transfers of 4+ output beats, so that the prefetch register and
    the completion slots are never what waits.)"""
    await reset(dut)
    plan = new_plan(dut, 8)
    n, rng = plan.n, plan.rng
    _, _, _, slots = params(dut)
    for _ in range(80):
        do = rng.randrange(n)
        ln = rng.randint(4 * n - do, 8 * n)
        if rng.random() < 0.6:
            plan.mem_xfer(rng.randrange(n), do, ln)
        else:
            if plan.pkt_left == 0:
                plan.packet(rng.randint(20 * n, 60 * n))
            if plan.pkt_left - ln < 4 * n:
                ln = plan.pkt_left             # ends at TLAST (still 4+ beats: packets of 20+ beats)
            plan.stream_xfer(ln, do)
    cycles, _ = await run(dut, plan, [NO_STALL], seed_salt=8)
    if slots < 2:
        dut._log.info("DONE_SLOTS = 1: each transfer waits for the previous record; timing not checked")
        return
    xs = [x for x in plan.xfers if not x.skip]
    fire = cycles[0][0] - 1 - int(xs[0].start > xs[0].do)    # first fire of transfer 0
    for i, x in enumerate(xs):
        pre = int(x.start > x.do)
        want = [fire + pre + k + 1 for k in range(len(x.beats))]
        assert cycles[i] == want, (f"transfer #{i} ({x}): beats on cycles {cycles[i]}, expected {want} "
                                   f"(previous: {xs[i - 1] if i else None})")
        fire += pre + len(x.beats)                           # the cycle after its last fire
        if i + 1 < len(xs) and (x.src_stream or xs[i + 1].src_stream):
            fire += 1


# ----------------------------------------------------------------------------- dma_datapath: TKEEP rule


def keep_bytes_documented(keep: int, n: int) -> int:
    """docs/architecture.md: on a TLAST beat the contiguous ones of TKEEP from lane 0
    give its byte count; TKEEP[0] = 0 counts as a full beat."""
    if not keep & 1:
        return n
    b = 0
    while b < n and (keep >> b) & 1:
        b += 1
    return b


@cocotb.skipif(NOT_DATAPATH)
@cocotb.test()
async def datapath_tkeep_rule(dut):
    """Stream -> memory on dma_datapath with one-beat packets whose TLAST TKEEP is
    contiguous (every byte count), has holes, or has TKEEP[0] = 0: sts_bytes and
    sts_eop must follow the documented rule."""
    from cocotbext.axi import AxiStreamFrame

    from dmatb.datapath_env import MEM, STREAM, Command, DatapathEnv

    env = DatapathEnv(dut, mem_size=1 << 16)
    await env.start()
    n = env.bytes_per_beat
    rng = random.Random(cocotb.RANDOM_SEED)
    full = (1 << n) - 1
    keeps = [(1 << b) - 1 for b in range(1, n + 1)]                    # contiguous from lane 0
    keeps += [((1 << b) - 1) | (rng.getrandbits(n) << (b + 1)) & full for b in range(1, n - 1)]   # holes
    keeps += [full & ~1, 0, 0b10, 0b110, full & ~0b101]               # TKEEP[0] = 0
    want = []
    for i, keep in enumerate(keeps):
        data = rng.randbytes(n)
        env.s_axis.send_nowait(AxiStreamFrame(tdata=data, tkeep=[(keep >> j) & 1 for j in range(n)]))
        env.submit(Command(0, 0x1000 + 64 * i, 2 * n, STREAM, MEM, True, i))
        want.append((i, keep_bytes_documented(keep, n), 0, True))
    got = [(s.tag, s.nbytes, s.error, s.eop) for s in await env.wait_statuses(len(keeps))]
    bad = [(f"TKEEP={k:#0{2 + n}b}", g, w) for k, g, w in zip(keeps, got, want) if g != w]
    # Known bug (dma_datapath.v, s_keep_bytes): TKEEP[0] is never looked at, so a
    # TLAST beat with TKEEP[0] = 0 gets the position of the first 0 among lanes
    # 1..N-1 (TKEEP = 0 -> 1 byte) instead of a full beat.
    assert not bad, "TLAST byte count against docs/architecture.md (TKEEP, got (tag, bytes, err, eop), " \
                    "expected):\n  " + "\n  ".join(map(str, bad))
