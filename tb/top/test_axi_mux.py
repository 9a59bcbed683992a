# SPDX-License-Identifier: Apache-2.0
"""cocotb tests of dma_axi_mux (two AXI4 masters -> one AXI4 slave), collected by pytest.

Two cocotbext-axi AxiMasters drive s0_axi and s1_axi concurrently; a dmatb AxiMemory
answers on m_axi. Every test runs under AxiChecker on all three interfaces and ends
with the checkers idle. Data is checked byte-exact against a Python reference of the
memory; IDs are checked by the masters themselves (a B/R with an ID they did not
issue fails the test), responses per operation.

Random tests take their seed from cocotb (printed by the runner; replay with
RANDOM_SEED=<seed>).
"""
from __future__ import annotations

import random

import cocotb
import pytest
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge

# ----------------------------------------------------------------------------- pytest side

CONFIGS = [
    # (DATA_WIDTH, ADDR_WIDTH, simulator or None for $SIM)
    (32, 32, None),
    (64, 64, None),
    (64, 64, "verilator"),
]


@pytest.mark.parametrize("data_width,addr_width,sim", CONFIGS,
                         ids=[f"dw{d}-aw{a}-{s or 'sim'}" for d, a, s in CONFIGS])
def test_axi_mux(data_width, addr_width, sim):
    from dmatb.runner import run_cocotb

    run_cocotb("dma_axi_mux", "test_axi_mux",
               {"DATA_WIDTH": data_width, "ADDR_WIDTH": addr_width}, sim=sim)


# ----------------------------------------------------------------------------- bench

MEM_SIZE = 1 << 20
REGION = MEM_SIZE // 2          # master i owns [i * REGION, (i + 1) * REGION)
WORKERS = 4                     # concurrent operation streams per master
OKAY, EXOKAY, SLVERR, DECERR = 0, 1, 2, 3


class Bench:
    def __init__(self, dut):
        from cocotb.clock import Clock
        from cocotbext.axi import AxiBus, AxiMaster

        from dmatb.axi_checker import AxiChecker
        from dmatb.memory import AxiMemory

        self.dut = dut
        self.rng = random.Random(cocotb.RANDOM_SEED)
        self.nbytes = len(dut.m_axi_wdata) // 8
        self.id_width = len(dut.s0_axi_arid)
        import logging

        for p in ("m_axi", "s0_axi", "s1_axi"):
            logging.getLogger(f"cocotb.{dut._name}.{p}").setLevel(logging.WARNING)
        Clock(dut.clk, 10, unit="ns").start()
        dut.rst.value = 1
        self.mem = AxiMemory(AxiBus.from_prefix(dut, "m_axi"), dut.clk, dut.rst, size=MEM_SIZE)
        self.masters = [AxiMaster(AxiBus.from_prefix(dut, f"s{i}_axi"), dut.clk, dut.rst) for i in range(2)]
        for m in self.masters:
            m.write_if.log.setLevel("WARNING")
            m.read_if.log.setLevel("WARNING")
        self.checkers = [AxiChecker(dut, p, dut.clk, dut.rst) for p in ("s0_axi", "s1_axi", "m_axi")]
        self.ref = bytearray(self.rng.randbytes(MEM_SIZE))
        self.mem.write(0, self.ref)
        self.ops = 0

    async def reset(self):
        self.dut.rst.value = 1
        await ClockCycles(self.dut.clk, 5)
        self.dut.rst.value = 0
        await ClockCycles(self.dut.clk, 2)

    # ---- back-pressure
    def master_backpressure(self, p):
        from dmatb.memory import set_stream_backpressure

        for i, m in enumerate(self.masters):
            s = self.rng.randrange(1 << 30)
            for name, ch in (("aw", m.write_if.aw_channel), ("w", m.write_if.w_channel),
                             ("b", m.write_if.b_channel), ("ar", m.read_if.ar_channel),
                             ("r", m.read_if.r_channel)):
                set_stream_backpressure(ch, p, f"{s}/{i}/{name}")

    def all_backpressure(self, p):
        self.mem.set_backpressure(seed=self.rng.randrange(1 << 30), aw=p, w=p, b=p, ar=p, r=p)
        self.master_backpressure(p)

    # ---- random operations
    def rand_len(self, rng):
        n = self.nbytes
        return rng.choice([rng.randint(1, 4 * n), rng.randint(1, 600), rng.randint(1, 5000)])

    async def worker(self, mi, wi, nops, errors=()):
        """One stream of write-then-read operations in this worker's slice of master mi's region.

        errors: list of (start, end, resp, on) ranges inside the slice (see inject)."""
        rng = random.Random(self.rng.randrange(1 << 30))
        m = self.masters[mi]
        size = REGION // WORKERS
        base = mi * REGION + wi * size
        n = self.nbytes
        for _ in range(nops):
            kind = rng.random()
            if kind < 0.2:
                # one full 256-beat burst, 4 KiB aligned
                length = 256 * n
                addr = base + rng.randrange(size // 4096) * 4096
                addr = addr - addr % 4096
            else:
                length = self.rand_len(rng)
                addr = base + rng.randrange(size - length)
            aid = rng.randrange(1 << self.id_width)
            if rng.random() < 0.5:
                data = rng.randbytes(length)
                exp = self.expected_resp(addr, length, "write", errors)
                resp = await m.write(addr, data, awid=aid)
                assert int(resp.resp) == exp, (
                    f"s{mi} write {addr:#x}+{length} id={aid}: resp {int(resp.resp)} expected {exp}")
                if exp == OKAY:
                    self.ref[addr:addr + length] = data
                else:
                    # beats in the error range are dropped; others written: re-sync per byte
                    for a in range(addr, addr + length):
                        if not self.in_error(a, "write", errors):
                            self.ref[a] = data[a - addr]
            else:
                exp = self.expected_resp(addr, length, "read", errors)
                resp = await m.read(addr, length, arid=aid)
                assert int(resp.resp) == exp, (
                    f"s{mi} read {addr:#x}+{length} id={aid}: resp {int(resp.resp)} expected {exp}")
                want = bytes(self.ref[addr:addr + length])
                got = bytes(resp.data)
                if exp == OKAY:
                    assert got == want, f"s{mi} read {addr:#x}+{length} id={aid}: data mismatch" + _diff(got, want)
                else:
                    for a in range(addr, addr + length):
                        if not self.in_error(a, "read", errors):
                            assert got[a - addr] == want[a - addr], f"s{mi} read {addr:#x}: byte {a:#x} wrong"
            self.ops += 1

    def in_error(self, a, on, errors):
        """Byte a lies in a beat (bus word) overlapping an error range."""
        n = self.nbytes
        w = a - a % n
        return any(on == o and w < e and s < w + n for s, e, _, o in errors)

    def expected_resp(self, addr, length, on, errors):
        n = self.nbytes
        lo, hi = addr - addr % n, addr + length
        for s, e, r, o in errors:
            if o == on and lo < e and s < hi:
                return r
        return OKAY

    async def run_workers(self, nops, errors=None):
        errors = errors or {}
        tasks = [cocotb.start_soon(self.worker(mi, wi, nops, errors.get(mi, ())))
                 for mi in range(2) for wi in range(WORKERS)]
        for t in tasks:
            await t

    async def finish(self):
        for _ in range(400):
            await RisingEdge(self.dut.clk)
            if self.mem.idle() and all(m.read_if.idle() and m.write_if.idle() for m in self.masters):
                break
        await ClockCycles(self.dut.clk, 10)
        for c in self.checkers:
            c.finish()
        got = self.mem.read(0, MEM_SIZE)
        if got != bytes(self.ref):
            first = next(i for i in range(MEM_SIZE) if got[i] != self.ref[i])
            raise AssertionError(f"memory differs from the reference, first at {first:#x}")


def _diff(got, want):
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w:
            return f" (first at byte {i}: got {g:#04x} want {w:#04x}, lengths {len(got)}/{len(want)})"
    return f" (lengths {len(got)}/{len(want)})"


# ----------------------------------------------------------------------------- tests

@cocotb.test()
async def concurrent_random(dut):
    """Both masters, 4 streams each, random reads/writes incl. 256-beat bursts, no back-pressure."""
    b = Bench(dut)
    await b.reset()
    await b.run_workers(15)
    await b.finish()
    dut._log.info("%d operations, m_axi handshakes %s", b.ops, b.checkers[2].stats)


@cocotb.test()
async def concurrent_backpressure(dut):
    """Random back-pressure on every channel of all three interfaces (masters pause AW,
    so W is often presented before its AW), then memory latency."""
    b = Bench(dut)
    await b.reset()
    b.all_backpressure(0.3)
    await b.run_workers(12)
    b.all_backpressure(0.7)
    await b.run_workers(4)
    b.all_backpressure(0.0)
    b.mem.set_latency(read=20, write=10)
    b.master_backpressure(0.2)
    await b.run_workers(6)
    await b.finish()
    dut._log.info("%d operations, m_axi stalls %s", b.ops, b.checkers[2].stalls)


@cocotb.test()
async def error_responses(dut):
    """SLVERR/DECERR injected in each master's own region: each master sees exactly its
    own errors while the other keeps getting OKAY, in parallel."""
    b = Bench(dut)
    await b.reset()
    size = REGION // WORKERS
    errors = {0: [], 1: []}
    for mi in range(2):
        for wi in range(WORKERS):
            base = mi * REGION + wi * size
            # two error windows per worker: one for writes, one for reads, kinds differ per master
            wkind, rkind = ("slverr", "decerr") if mi == 0 else ("decerr", "slverr")
            ws, rs = base + 0x3000 + 8 * wi, base + 0x9000 + 16 * wi
            for s, kind, on in ((ws, wkind, "write"), (rs, rkind, "read")):
                e = s + 0x1800
                b.mem.inject_error(s, e, kind=kind, on=on)
                errors[mi].append((s, e, SLVERR if kind == "slverr" else DECERR, on))
    b.all_backpressure(0.2)
    # random ops plus targeted ones that certainly hit the windows
    await b.run_workers(20, errors)
    m = b.masters

    async def targeted(mi):
        for s, e, r, on in errors[mi]:
            if on == "write":
                resp = await m[mi].write(s + 5, b.rng.randbytes(300), awid=mi + 3)
            else:
                resp = await m[mi].read(s - 100, 300, arid=mi + 5)
            assert int(resp.resp) == r, f"s{mi} {on} at {s:#x}: resp {int(resp.resp)} expected {r}"
            # the other side of the mux, same moment, clean address
            ok = await m[mi].read(mi * REGION + 0x100, 64, arid=1)
            assert int(ok.resp) == OKAY

    t = [cocotb.start_soon(targeted(i)) for i in range(2)]
    for x in t:
        await x
    # the targeted writes hit error windows only (dropped): the reference is unchanged
    b.mem.clear_errors()
    await b.finish()
    rc = b.checkers[2].resp_counts
    dut._log.info("m_axi responses %s", rc)
    assert rc["B"][SLVERR] and rc["B"][DECERR] and rc["R"][SLVERR] and rc["R"][DECERR]


class _Beats:
    """Counts handshakes on a channel and the edges of the first and last one."""

    def __init__(self, dut, valid, ready):
        self.valid, self.ready = valid, ready
        self.count = 0
        self.first = self.last = None
        self.cycle = 0
        self.task = cocotb.start_soon(self._run(dut.clk))

    async def _run(self, clk):
        while True:
            await RisingEdge(clk)
            await ReadOnly()
            self.cycle += 1
            if self.valid.value == 1 and self.ready.value == 1:
                self.count += 1
                if self.first is None:
                    self.first = self.cycle
                self.last = self.cycle


@cocotb.test()
async def throughput(dut):
    """One master streaming: a 256-beat read and write, then 64 KiB each way.
    Overhead (cycles beyond one per beat, including address latency) must be <= 5%."""
    b = Bench(dut)
    await b.reset()
    n = b.nbytes
    m = b.masters[0]
    results = {}
    for label, length in (("256 beats", 256 * n), ("64 KiB", 64 * 1024)):
        for op in ("read", "write"):
            if op == "read":
                beats = _Beats(dut, dut.s0_axi_rvalid, dut.s0_axi_rready)
                mbeats = _Beats(dut, dut.m_axi_rvalid, dut.m_axi_rready)
            else:
                beats = _Beats(dut, dut.s0_axi_wvalid, dut.s0_axi_wready)
                mbeats = _Beats(dut, dut.m_axi_wvalid, dut.m_axi_wready)
            start = _Beats(dut, dut.s0_axi_arvalid if op == "read" else dut.s0_axi_awvalid,
                           dut.s0_axi_arready if op == "read" else dut.s0_axi_awready)
            addr = 0x10000
            if op == "read":
                resp = await m.read(addr, length, arid=2)
                assert bytes(resp.data) == bytes(b.ref[addr:addr + length])
            else:
                data = b.rng.randbytes(length)
                await m.write(addr + 0x20000, data, awid=3)
                b.ref[addr + 0x20000:addr + 0x20000 + length] = data
            await ClockCycles(dut.clk, 5)
            for x in (beats, mbeats, start):
                x.task.cancel()
            nb = length // n
            assert beats.count == nb and mbeats.count == nb, (beats.count, mbeats.count, nb)
            # from the first address handshake to the last data beat, inclusive
            cycles = beats.last - start.first + 1
            stream = beats.last - beats.first + 1
            over = cycles / nb - 1
            results[f"{op} {label}"] = (cycles, nb, over, stream)
            dut._log.info("%s %s: %d beats in %d cycles (data phase %d): overhead %.2f%%",
                          op, label, nb, cycles, stream, 100 * over)
            assert stream == nb, f"{op} {label}: bubbles in the data phase ({stream} cycles for {nb} beats)"
            assert over <= 0.05, f"{op} {label}: overhead {100 * over:.1f}% > 5%"
    await b.finish()


@cocotb.test()
async def w_before_aw_no_deadlock(dut):
    """s1 presents its W data long before its AW (AW held back): s0's writes must still
    flow, and s1's write completes once its AW arrives."""
    b = Bench(dut)
    await b.reset()
    n = b.nbytes
    m0, m1 = b.masters
    m1.write_if.aw_channel.pause = True
    a1 = REGION + 0x2000
    d1 = b.rng.randbytes(8 * n)
    t1 = cocotb.start_soon(m1.write(a1, d1, awid=7))
    await ClockCycles(dut.clk, 5)
    assert dut.s1_axi_wvalid.value == 1 and dut.s1_axi_awvalid.value == 0, "setup: W not ahead of AW"
    for k in range(6):
        a0 = 0x1000 * (k + 1) + 3
        d0 = b.rng.randbytes(b.rng.randint(1, 40 * n))
        resp = await m0.write(a0, d0, awid=k)
        assert int(resp.resp) == OKAY
        b.ref[a0:a0 + len(d0)] = d0
        assert dut.s1_axi_wready.value == 0, "s1 W taken before its AW"
    assert not t1.done()
    m1.write_if.aw_channel.pause = False
    resp = await t1
    assert int(resp.resp) == OKAY
    b.ref[a1:a1 + len(d1)] = d1
    await b.finish()
