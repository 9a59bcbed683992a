# SPDX-License-Identifier: Apache-2.0
"""Self-tests of the IMSIC model (tb/dmatb/imsic.py), without a simulator: identities
set pending bits of the right hart's file, claims come lowest first, bad writes change
nothing and are recorded, and an attached memory hands over only the writes in range
(with the AW's size and user)."""
from __future__ import annotations

import random
from types import SimpleNamespace

import pytest

from dmatb.imsic import FILE_SIZE, Imsic

BASE = 0x2800_0000


def le32(v):
    return v.to_bytes(4, "little")


def test_identities_set_pending_per_hart():
    im = Imsic(BASE, harts=3)
    assert im.addr(2) == BASE + 2 * FILE_SIZE
    im.write(im.addr(1), le32(7), cycle=10)
    im.write(im.addr(1), le32(3), cycle=12)
    im.write(im.addr(2), le32(63), cycle=13)
    im.write(im.addr(1), le32(7), cycle=14)          # already pending: recorded again
    assert im.pending(0) == [] and im.pending(1) == [3, 7] and im.pending(2) == [63]
    assert [(m.hart, m.identity, m.cycle) for m in im.msis] == [(1, 7, 10), (1, 3, 12), (2, 63, 13), (1, 7, 14)]
    assert im.count(hart=1) == 3 and im.count(identity=7) == 2
    assert im.claim(1) == 3 and im.claim(1) == 7 and im.claim(1) == 0
    assert im.bad_writes == []


@pytest.mark.parametrize("addr_off,data,reason", [
    (0, le32(0), "identity 0"),
    (0, le32(64), "identity 64"),
    (4, le32(5), "offset 0x4"),                       # seteipnum_be is not modelled
    (0, b"\x05\x00", "2 bytes"),
    (0, le32(5) + bytes(4), "8 bytes"),
    (3 * FILE_SIZE, le32(5), "outside"),
])
def test_bad_writes_change_nothing(addr_off, data, reason):
    im = Imsic(BASE, harts=3)
    assert im.write(BASE + addr_off, data) is None
    assert im.msis == [] and all(im.pending(h) == [] for h in range(3))
    assert len(im.bad_writes) == 1 and reason in im.bad_writes[0].reason, im.bad_writes


def test_configurable_identities_and_awsize():
    im = Imsic(BASE, harts=1, identities=255)
    assert im.write(BASE, le32(200)) is not None
    assert im.write(BASE, le32(256)) is None
    assert im.write(BASE, le32(9), awsize=3) is None and "AxSIZE 3" in im.bad_writes[-1].reason
    assert im.pending(0) == [200]


def test_random_against_a_set_model():
    seed = random.randrange(1 << 32)
    print(f"seed {seed}")
    rng = random.Random(seed)
    im = Imsic(BASE, harts=4)
    want = [set() for _ in range(4)]
    for _ in range(500):
        hart = rng.randrange(4)
        if rng.random() < 0.3:
            got = im.claim(hart)
            exp = min(want[hart]) if want[hart] else 0
            want[hart].discard(exp)
            assert got == exp, f"seed {seed}"
        else:
            n = rng.randrange(0, 70)
            im.write(im.addr(hart), le32(n))
            if 1 <= n <= 63:
                want[hart].add(n)
    assert [im.pending(h) for h in range(4)] == [sorted(w) for w in want], f"seed {seed}"


def test_attach_hooks_only_the_range():
    """A stand-in for AxiMemory: attach() wraps its AW receive and its byte store."""
    stored = []

    async def aw_recv():
        return SimpleNamespace(awid=0, awsize=2, awuser=5)

    chan = SimpleNamespace(recv=aw_recv)
    mem = SimpleNamespace(write_if=SimpleNamespace(aw_channel=chan), _store=lambda a, d: stored.append((a, d)),
                          _clock=SimpleNamespace(now=lambda: 42), clock=None)
    im = Imsic(BASE, harts=2).attach(mem)
    # the memory's write process receives the AW through the wrapper
    coro = mem.write_if.aw_channel.recv()
    try:
        coro.send(None)
    except StopIteration as e:
        assert e.value.awuser == 5
    mem._store(0x1000, b"abcd")                           # ordinary memory
    mem._store(BASE + FILE_SIZE, le32(9))                 # an MSI to hart 1
    assert stored == [(0x1000, b"abcd")]
    (m,) = im.msis
    assert (m.hart, m.identity, m.cycle, m.awsize, m.awuser) == (1, 9, 42, 2, 5)
    with pytest.raises(AssertionError):
        im.attach(mem)
