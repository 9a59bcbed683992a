# SPDX-License-Identifier: Apache-2.0
"""Byte-exact reference model of memory for DMA tests.

    sb = MemoryScoreboard(mem)                   # snapshot now (whole memory, or regions=[(a, n), ...])
    sb.expect_copy(dst=0x20000, src=0x10000, length=4096)   # or expect_write(dst, data)
    sb.allow_partial(0x30000, 512)               # error case: each byte old or new value
    ... run the DMA ...
    sb.check()                                   # AssertionError with a readable diff on any mismatch

Tracked bytes: with the default whole-memory snapshot, every byte of memory (any
change outside the declared destinations is an error). With `regions=[...]` only those
regions plus a guard band of `guard` bytes (default 4 KiB) around every destination are
snapshotted and compared (use this for very large or sparse memories).
Comparison is done on bytes objects chunk by chunk; Python loops over single bytes only
run inside mismatching chunks, partial ranges and the report.
"""
from __future__ import annotations

__all__ = ["MemoryScoreboard", "ScoreboardError"]

_CHUNK = 4096


class ScoreboardError(AssertionError):
    """Memory contents differ from the reference model."""


def _mem_of(memory):
    return memory.mem if hasattr(memory, "mem") else memory


def _merge(ranges):
    out = []
    for s, e in sorted(ranges):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


class MemoryScoreboard:
    """Reference image of memory plus declared expectations.

    Args:
        memory: AxiMemory (anything with `.mem`) or a bytearray/mmap.
        regions: None to snapshot the whole memory, or a list of (addr, length).
        guard: bytes compared either side of each destination when `regions` is given.
        max_report: mismatching addresses listed in the failure message.
    """

    def __init__(self, memory, regions=None, guard=4096, max_report=16):
        self.memory = memory
        self.mem = _mem_of(memory)
        self.size = len(self.mem)
        self.guard = guard
        self.max_report = max_report
        self.full = regions is None
        self._regions = [(a, a + n) for a, n in (regions or [])]
        self.snapshot()

    # ---------------------------------------------------------------- set-up
    def snapshot(self):
        """(Re)take the baseline: expected := current memory; forget expectations."""
        if self.full:
            self.old = {0: bytes(self.mem)}
        else:
            self.old = {}
            for s, e in _merge(self._regions):
                self.old[s] = bytes(self.mem[s:e])
        self.dests = []      # (start, end) destinations declared
        self.partial = []    # (start, end) byte may be old or new
        self.anything = []   # (start, end) not checked
        self.new = {}        # start -> bytes (writes, in declaration order)
        self._writes = []

    def _old_bytes(self, s, e):
        """Baseline bytes for [s, e): from the snapshot, else read now (first use)."""
        for base, data in self.old.items():
            if base <= s and e <= base + len(data):
                return data[s - base:e - base]
        # not covered: snapshot it now (must happen before the DMA runs)
        data = bytes(self.mem[s:e])
        self.old[s] = data
        return data

    def _track(self, s, e):
        if not self.full:
            lo, hi = max(0, s - self.guard), min(self.size, e + self.guard)
            for base, data in list(self.old.items()):
                if base <= lo and hi <= base + len(data):
                    break
            else:
                # take the baseline of the whole guarded window now
                self._regions.append((lo, hi))
                merged = _merge(self._regions)
                old = {}
                for ms, me in merged:
                    buf = bytearray(self.mem[ms:me])
                    for base, data in self.old.items():  # keep earlier baselines
                        a, b = max(ms, base), min(me, base + len(data))
                        if a < b:
                            buf[a - ms:b - ms] = data[a - base:b - base]
                    old[ms] = bytes(buf)
                self.old = old

    def expect_write(self, dst, data):
        """Bytes [dst, dst+len(data)) must end up equal to data (later calls override)."""
        data = bytes(data)
        assert 0 <= dst and dst + len(data) <= self.size, f"expect_write outside memory: {dst:#x}+{len(data)}"
        self._track(dst, dst + len(data))
        self._writes.append((dst, data))
        self.dests.append((dst, dst + len(data)))

    def expect_copy(self, dst, src=None, length=None, data=None):
        """dst gets a copy: of `data` (bytes), or of `length` bytes at `src` as expected so far."""
        if data is None and isinstance(src, (bytes, bytearray, memoryview)):
            data, src = src, None
        if data is None:
            assert src is not None and length is not None
            data = self.expected(src, length)
        self.expect_write(dst, data)

    def allow_partial(self, dst, length, data=None):
        """Each byte of [dst, dst+length) may hold its old value or its new (expected) value.
        `data` declares the new value if no expect_* did."""
        if data is not None:
            self.expect_write(dst, data)
        self._track(dst, dst + length)
        self.partial.append((dst, dst + length))

    def allow_any(self, dst, length):
        """Do not check [dst, dst+length) (e.g. status words the device writes)."""
        self.anything.append((dst, dst + length))

    # ---------------------------------------------------------------- model
    def expected(self, addr, length) -> bytes:
        """Expected contents of [addr, addr+length) given the declarations so far."""
        buf = bytearray(self._old_bytes(addr, addr + length))
        e = addr + length
        for d, data in self._writes:
            a, b = max(addr, d), min(e, d + len(data))
            if a < b:
                buf[a - addr:b - addr] = data[a - d:b - d]
        return bytes(buf)

    def _in(self, addr, ranges):
        return any(s <= addr < e for s, e in ranges)

    def _compare_region(self, base, old):
        """Return the list of mismatching addresses in [base, base+len(old)) (up to a cap)."""
        end = base + len(old)
        exp = bytearray(self.expected(base, len(old)))
        act = bytes(self.mem[base:end])
        # apply relaxations: partial (old or new) and don't-care ranges
        for s, e in self.partial:
            a, b = max(base, s), min(end, e)
            for i in range(a - base, b - base):
                if act[i] == old[i]:
                    exp[i] = act[i]
        for s, e in self.anything:
            a, b = max(base, s), min(end, e)
            if a < b:
                exp[a - base:b - base] = act[a - base:b - base]
        if act == exp:
            return [], exp, act
        bad = []
        n = len(act)
        for c in range(0, n, _CHUNK):
            if act[c:c + _CHUNK] != exp[c:c + _CHUNK]:
                for i in range(c, min(n, c + _CHUNK)):
                    if act[i] != exp[i]:
                        bad.append(i)
                if len(bad) > 100000:
                    break
        return bad, exp, act

    def mismatches(self):
        """List of (addr, expected, actual, old, where) for every differing byte (capped)."""
        out = []
        for base, old in sorted(self.old.items()):
            bad, exp, act = self._compare_region(base, old)
            for i in bad:
                a = base + i
                where = "destination" if self._in(a, self.dests) else "outside destinations"
                out.append((a, exp[i], act[i], old[i], where))
        return out

    def check(self, rebaseline=False):
        """Raise ScoreboardError with a readable diff on any mismatch.
        rebaseline=True: after a clean check, take the current memory as the new baseline."""
        bad = self.mismatches()
        if bad:
            n_dst = sum(1 for m in bad if m[4] == "destination")
            lines = [f"memory mismatch: {len(bad)} byte(s) differ "
                     f"({n_dst} in destinations, {len(bad) - n_dst} outside destinations)"]
            # group consecutive addresses into runs for readability
            runs = []
            for m in bad:
                if runs and m[0] == runs[-1][-1][0] + 1 and m[4] == runs[-1][-1][4]:
                    runs[-1].append(m)
                else:
                    runs.append([m])
            for run in runs[: self.max_report]:
                a0, a1 = run[0][0], run[-1][0]
                ex = bytes(m[1] for m in run[:16]).hex(" ")
                ac = bytes(m[2] for m in run[:16]).hex(" ")
                ol = bytes(m[3] for m in run[:16]).hex(" ")
                more = " ..." if len(run) > 16 else ""
                lines.append(f"  {a0:#010x}..{a1:#010x} ({len(run)} B, {run[0][4]}): "
                             f"expected {ex}{more} | actual {ac}{more} | old {ol}{more}")
            if len(runs) > self.max_report:
                lines.append(f"  ... {len(runs) - self.max_report} more run(s)")
            raise ScoreboardError("\n".join(lines))
        if rebaseline:
            self.snapshot()
