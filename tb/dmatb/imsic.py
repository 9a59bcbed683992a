# SPDX-License-Identifier: Apache-2.0
"""An IMSIC-like interrupt controller model for tests: the target of message-signalled
interrupts (MSIs).

    imsic = Imsic(base=0x2800_0000, harts=4)          # interrupt files at base + hart * 0x1000
    imsic.attach(mem)                                  # an AxiMemory (tb/dmatb/memory.py)
    ...
    await imsic.wait_for(hart=1, identity=5, timeout_cycles=2000)
    assert imsic.claim(1) == 5

Each hart has one interrupt file, a 4 KiB page at ``base + hart * 0x1000``. A 32-bit
little-endian write of an identity N to offset 0 of the page (the IMSIC's
``seteipnum_le``) sets pending bit N of that file. Identities are 1 .. ``identities``
(63 by default); identity 0, an identity out of range, a write that is not exactly 4
bytes at offset 0, or a write to a hart beyond ``harts`` changes nothing and is kept in
``bad_writes``. Every valid MSI is kept in ``msis`` in arrival order (an ``Msi``: hart,
identity, clock cycle, simulation time, AXI ID / user (device ID) / size when known);
``on_msi`` (a callback) sees each one as it lands, e.g. to check what memory holds then.

The model itself needs no simulator (``write()`` takes the bytes of one write), so it
can be unit-tested with plain pytest; ``attach()`` hooks it into an AxiMemory so that
writes in ``[base, base + harts * 0x1000)`` reach the model instead of memory (the
bytes are not stored; a read of the range returns whatever the memory holds). The
AXI write's AW (size, ID, user) is taken from the memory's write channel: attach before
the memory leaves reset, or the first write's AW may be missed (its fields are then None).
Error injection on the memory (``inject_error``) still applies: a write that gets an
error response never reaches the model.
"""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Imsic", "Msi", "BadWrite", "FILE_SIZE"]

FILE_SIZE = 0x1000          # one interrupt file per hart
SETEIPNUM_LE = 0x000        # the only register modelled


@dataclass(frozen=True)
class Msi:
    hart: int
    identity: int
    cycle: int | None = None        # memory clock cycle of the write (attached models)
    time: int | None = None         # simulation time in the simulator's unit (attached models)
    addr: int = 0
    awid: int | None = None
    awuser: int | None = None       # AxUSER: the device ID on buses that carry one
    awsize: int | None = None


@dataclass(frozen=True)
class BadWrite:
    addr: int
    data: bytes
    reason: str
    cycle: int | None = None
    awsize: int | None = None


def _sim_time():
    try:
        from cocotb.utils import get_sim_time

        return get_sim_time()
    except RuntimeError:        # no simulator (a unit test of the model)
        return None


@dataclass
class _File:
    pending: set = field(default_factory=set)


class Imsic:
    def __init__(self, base: int, harts: int = 1, identities: int = 63):
        assert base % FILE_SIZE == 0, "interrupt files are 4 KiB pages"
        assert harts >= 1 and identities >= 1
        self.base = base
        self.harts = harts
        self.identities = identities
        self.files = [_File() for _ in range(harts)]
        self.msis: list[Msi] = []
        self.bad_writes: list[BadWrite] = []
        self.on_msi = None          # optional callback(msi), called as each MSI lands
        self._mem = None

    # ------------------------------------------------------------------ address map
    @property
    def end(self) -> int:
        return self.base + self.harts * FILE_SIZE

    def addr(self, hart: int) -> int:
        """The MSI address (seteipnum_le) of a hart's interrupt file."""
        assert 0 <= hart < self.harts
        return self.base + hart * FILE_SIZE + SETEIPNUM_LE

    def contains(self, addr: int) -> bool:
        return self.base <= addr < self.end

    # ------------------------------------------------------------------ writes
    def write(self, addr: int, data: bytes, *, cycle=None, time=None, awid=None, awuser=None,
              awsize=None) -> Msi | None:
        """One write of ``data`` at ``addr`` (inside the model's range); the MSI it is,
        or None for a bad write."""
        data = bytes(data)
        off = addr - self.base
        hart, reg = off // FILE_SIZE, off % FILE_SIZE

        def bad(reason):
            self.bad_writes.append(BadWrite(addr, data, reason, cycle, awsize))
            return None

        if not 0 <= off < self.harts * FILE_SIZE:
            return bad("outside the interrupt files")
        if reg != SETEIPNUM_LE or len(data) != 4:
            return bad(f"not a 32-bit write to seteipnum_le (offset {reg:#x}, {len(data)} bytes)")
        if awsize is not None and awsize != 2:
            return bad(f"AxSIZE {awsize}, not 2 (4 bytes)")
        identity = int.from_bytes(data, "little")
        if not 1 <= identity <= self.identities:
            return bad(f"identity {identity} out of range 1..{self.identities}")
        msi = Msi(hart, identity, cycle, time, addr, awid, awuser, awsize)
        self.files[hart].pending.add(identity)
        self.msis.append(msi)
        if self.on_msi is not None:
            self.on_msi(msi)
        return msi

    # ------------------------------------------------------------------ interrupt files
    def pending(self, hart: int) -> list[int]:
        """Pending identities of a hart's file, lowest first."""
        return sorted(self.files[hart].pending)

    def claim(self, hart: int) -> int:
        """Clear and return the lowest pending identity (0 when none is pending)."""
        p = self.files[hart].pending
        if not p:
            return 0
        n = min(p)
        p.discard(n)
        return n

    def count(self, hart: int | None = None, identity: int | None = None) -> int:
        """MSIs received (for a hart and/or identity)."""
        return sum(1 for m in self.msis if (hart is None or m.hart == hart)
                   and (identity is None or m.identity == identity))

    def reset(self):
        for f in self.files:
            f.pending.clear()
        self.msis.clear()
        self.bad_writes.clear()

    # ------------------------------------------------------------------ simulation
    def attach(self, mem):
        """Take the writes of an AxiMemory that fall in the interrupt files' range."""
        assert self._mem is None, "already attached"
        self._mem = mem
        wif = mem.write_if
        state = {"aw": None}
        aw_recv = wif.aw_channel.recv

        async def recv_aw():
            aw = await aw_recv()
            state["aw"] = aw
            return aw

        wif.aw_channel.recv = recv_aw
        store = mem._store

        def hooked_store(addr, data):
            if not (addr < self.end and self.base < addr + len(data)):
                return store(addr, data)
            aw = state["aw"]
            field_of = (lambda n: None if aw is None or not hasattr(aw, n) else int(getattr(aw, n)))
            self.write(addr, data, cycle=mem._clock.now(), time=_sim_time(), awid=field_of("awid"),
                       awuser=field_of("awuser"), awsize=field_of("awsize"))
            return None

        mem._store = hooked_store
        return self

    async def wait_for(self, hart: int, identity: int, timeout_cycles: int = 1000, clk=None) -> Msi:
        """Wait until an MSI of ``identity`` for ``hart`` has arrived (one received before
        the call counts); returns it. Raises AssertionError after ``timeout_cycles``."""
        from cocotb.triggers import RisingEdge

        clk = clk if clk is not None else (self._mem.clock if self._mem is not None else None)
        assert clk is not None, "wait_for needs a clock: attach() first or pass clk="

        def found():
            for m in self.msis:
                if m.hart == hart and m.identity == identity:
                    return m
            return None

        edge = RisingEdge(clk)
        for _ in range(timeout_cycles):
            m = found()
            if m is not None:
                return m
            await edge
        m = found()
        assert m is not None, (f"IMSIC: no MSI of identity {identity} for hart {hart} within "
                               f"{timeout_cycles} cycles (got {self.msis}, bad writes {self.bad_writes})")
        return m

    async def wait_count(self, n: int, timeout_cycles: int = 1000, clk=None):
        """Wait until ``n`` MSIs in total have arrived."""
        from cocotb.triggers import RisingEdge

        clk = clk if clk is not None else self._mem.clock
        edge = RisingEdge(clk)
        for _ in range(timeout_cycles):
            if len(self.msis) >= n:
                return
            await edge
        assert len(self.msis) >= n, f"IMSIC: {len(self.msis)} MSIs of {n} within {timeout_cycles} cycles"
