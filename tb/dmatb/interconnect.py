# SPDX-License-Identifier: Apache-2.0
"""An address-decoding AXI4 interconnect slave port for system tests: one master
port of the DUT reaches several targets (system RAM, a peer device's memory
window) and every data byte is counted per target.

    ram = Target("ram", 0, memory.size, memory.mem)
    gpu = Target("gpu0", window.base, window.size, window.mem)
    xbar = AxiInterconnect(AxiBus.from_prefix(dut, "m_axi"), clk, rst, [ram, gpu],
                           classify=lambda axid: "desc" if axid >> 4 & 1 else "data")
    ...
    xbar.bytes("ram", "data")            # read + write data bytes RAM served as data
    xbar.bytes("gpu0", "data", "write")

It is `dmatb.memory.AxiMemory` (cocotbext-axi's AxiRamRead/AxiRamWrite with
acceptance depths, latency, back-pressure and error injection) whose accesses are
routed by address: the target whose ``[base, base + size)`` holds the bytes serves
them from its own memory object (an mmap or bytearray, e.g. busdma's
``PhysicalMemory.mem`` and ``PeerWindow.mem``); an access no target holds answers
DECERR and is counted in ``decerr``. Targets are page-aligned and AXI bursts never
cross 4 KiB, so decoding each beat is decoding the burst (a burst is served by one
target).

Counting: a write counts the bytes whose strobes are set; a read beat counts the
bytes it transfers by the AXI rules (from the start address to the end of the
beat's container for the first beat of an unaligned burst, the whole container
after). Each access is also given a class by ``classify(axid)`` (default: every
access is "data"), e.g. dma_top's m_axi ID top bit (0 data, 1 descriptors).
``ranges[(target, class, "read"|"write")]`` lists the byte ranges, in target
offsets, so a test can check exactly which bytes were touched.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any, Callable

from dmatb.memory import DECERR, OKAY, AxiMemory, _worse

__all__ = ["Target", "AxiInterconnect", "merge_ranges"]


@dataclass
class Target:
    """One slave behind the interconnect: ``size`` bytes at bus address ``base``
    served from ``mem`` (indexed by offset from ``base``)."""
    name: str
    base: int
    size: int
    mem: Any

    def __post_init__(self):
        assert self.base % 4096 == 0 and self.size % 4096 == 0, "targets are made of whole pages"
        assert len(self.mem) >= self.size

    def holds(self, lo: int, hi: int) -> bool:
        return self.base <= lo and hi <= self.base + self.size


def merge_ranges(ranges) -> list[tuple[int, int]]:
    """Sorted, merged [lo, hi) ranges."""
    out: list[list[int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1]:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return [(lo, hi) for lo, hi in out]


class AxiInterconnect(AxiMemory):
    """AXI4 slave port decoding addresses to ``targets`` (see the module doc)."""

    def __init__(self, bus, clock, reset, targets: list[Target], *,
                 classify: Callable[[int], str] | None = None, **kwargs):
        names = [t.name for t in targets]
        assert len(set(names)) == len(names), "target names must differ"
        for i, a in enumerate(targets):
            for b in targets[i + 1:]:
                assert a.base + a.size <= b.base or b.base + b.size <= a.base, \
                    f"targets {a.name} and {b.name} overlap"
        self.targets = list(targets)
        self.classify = classify or (lambda axid: "data")
        self.counts: Counter = Counter()                 # (target, class, dir) -> bytes
        self.ranges: dict = defaultdict(list)            # (target, class, dir) -> [(lo, hi)]
        self.decerr = 0
        self._read_beat = (0, 0)
        self._write_burst = None
        super().__init__(bus, clock, reset, mem=bytearray(1), **kwargs)
        chan = self.write_if.aw_channel
        orig = chan.recv

        async def recv():
            # _process_write takes one AW and then all its W beats: the burst
            # being written is always the last AW received
            aw = await orig()
            self._write_burst = aw
            return aw
        chan.recv = recv

    # ------------------------------------------------------------------ decoding
    def target_of(self, lo: int, hi: int) -> Target | None:
        return next((t for t in self.targets if t.holds(lo, hi)), None)

    def _route(self, addr: int, length: int) -> Target:
        target = self.target_of(addr, addr + length)
        if target is None:
            raise ValueError(f"no target holds {addr:#x}+{length:#x}")
        return target

    def _access_resp(self, lo, hi, op):
        resp = OKAY if self.target_of(lo, hi) is not None else DECERR
        for s, e, k, on in self.errors:
            if lo < e and s < hi and on in (op, "both"):
                resp = _worse(resp, k)
        if resp == DECERR:
            self.decerr += 1
        if op == "read":
            self._read_beat = (lo, hi)       # the beat _load is about to fetch
        return resp

    def _count(self, target: Target, axid: int, direction: str, lo: int, hi: int) -> None:
        key = (target.name, self.classify(axid), direction)
        self.counts[key] += hi - lo
        self.ranges[key].append((lo - target.base, hi - target.base))

    def _store(self, addr, data):
        target = self._route(addr, len(data))
        off = addr - target.base
        target.mem[off:off + len(data)] = bytes(data)
        self._count(target, int(getattr(self._write_burst, "awid", 0)), "write", addr, addr + len(data))

    def _load(self, addr, length):
        target = self._route(addr, length)
        off = addr - target.base
        ar = self.read_if._ar_q[0][0]        # the burst _process_r is returning
        lo, hi = self._read_beat
        self._count(target, int(getattr(ar, "arid", 0)), "read", lo, hi)
        return bytes(target.mem[off:off + length])

    def read(self, address, length) -> bytes:
        """Backdoor read (no bus traffic, not counted)."""
        target = self._route(address, length)
        return bytes(target.mem[address - target.base:address - target.base + length])

    def write(self, address, data):
        """Backdoor write (no bus traffic, not counted)."""
        target = self._route(address, len(data))
        target.mem[address - target.base:address - target.base + len(data)] = bytes(data)

    # ------------------------------------------------------------------ results
    def bytes(self, target: str, klass: str | None = None, direction: str | None = None) -> int:
        """Bytes ``target`` served, optionally of one class and one direction."""
        return sum(n for (t, c, d), n in self.counts.items()
                   if t == target and klass in (None, c) and direction in (None, d))

    def touched(self, target: str, klass: str, direction: str) -> list[tuple[int, int]]:
        """The merged [lo, hi) target offsets accessed."""
        return merge_ranges(self.ranges.get((target, klass, direction), []))

    def reset_counts(self) -> None:
        self.counts.clear()
        self.ranges.clear()
        self.decerr = 0
