# SPDX-License-Identifier: Apache-2.0
"""Self-tests of the memory scoreboard (tb/dmatb/scoreboard.py), pure Python."""
from __future__ import annotations

import random

import pytest

from dmatb.scoreboard import MemoryScoreboard, ScoreboardError


def _mem(n=1 << 20, seed=1):
    rng = random.Random(seed)
    return bytearray(rng.randbytes(n))


def test_scoreboard_clean_copy():
    mem = _mem()
    sb = MemoryScoreboard(mem)
    sb.expect_copy(0x80000, 0x10000, 5000)
    mem[0x80000:0x80000 + 5000] = mem[0x10000:0x10000 + 5000]
    sb.check()
    sb.expect_write(0x100, b"abc")
    with pytest.raises(ScoreboardError, match="3 in destinations"):
        sb.check()


def test_scoreboard_catches_guard_and_destination_bytes():
    mem = _mem()
    sb = MemoryScoreboard(mem)
    data = bytes(range(256)) * 4
    sb.expect_write(0x40000, data)
    mem[0x40000:0x40400] = data
    mem[0x40400] ^= 0xFF  # one byte past the destination
    with pytest.raises(ScoreboardError) as e:
        sb.check()
    msg = str(e.value)
    assert "0x00040400..0x00040400 (1 B, outside destinations)" in msg, msg
    mem[0x40400] ^= 0xFF
    mem[0x40010] = 0xEE  # wrong byte inside the destination
    with pytest.raises(ScoreboardError) as e:
        sb.check()
    assert "0x00040010..0x00040010 (1 B, destination): expected 10 | actual ee" in str(e.value), str(e.value)
    mem[0x40010] = 0x10
    sb.check()
    mem[0xFFFFF] ^= 1  # far away from any destination: still caught (whole-memory mode)
    with pytest.raises(ScoreboardError, match="0x000fffff"):
        sb.check()


def test_scoreboard_partial_and_regions():
    mem = _mem()
    sb = MemoryScoreboard(mem)
    sb.allow_partial(0x2000, 64, data=b"\x00" * 64)
    mem[0x2000:0x2010] = b"\x00" * 16  # first 16 bytes written, rest old
    sb.check()
    mem[0x2020] = mem[0x2020] ^ 0x5A if mem[0x2020] ^ 0x5A else 0x77  # neither old nor new
    with pytest.raises(ScoreboardError):
        sb.check()
    # region mode: guard bands around destinations
    mem2 = _mem(1 << 22, seed=2)
    sb2 = MemoryScoreboard(mem2, regions=[], guard=4096)
    sb2.expect_write(0x200000, b"\x01" * 100)
    mem2[0x200000:0x200064] = b"\x01" * 100
    mem2[0x300000] ^= 1  # untracked
    sb2.check()
    mem2[0x200064 + 4000] ^= 1  # inside the guard band
    with pytest.raises(ScoreboardError, match="outside destinations"):
        sb2.check()


def test_scoreboard_speed_several_mib():
    import time
    mem = _mem(8 << 20)
    t = time.perf_counter()
    sb = MemoryScoreboard(mem)
    for k in range(64):
        sb.expect_copy(0x400000 + k * 0x10000, 0x10000 * k, 0x8000)
        mem[0x400000 + k * 0x10000:0x400000 + k * 0x10000 + 0x8000] = mem[0x10000 * k:0x10000 * k + 0x8000]
    sb.check()
    assert time.perf_counter() - t < 2.0
