"""`make sim`: a short demonstration of the datapath in Icarus.

A mixed workload (memory copies at every alignment, memory -> device stream,
device stream -> memory, one injected read error), checked byte for byte and
under the protocol checkers; the summary is written to $DEMO_OUT.
"""
from __future__ import annotations

import json
import os

import cocotb

from test_datapath import Expect, add_backpressure, make_bench


@cocotb.test()
async def demo(dut):
    from dmatb.datapath_env import ERR_RD_SLVERR, Command

    b = await make_bench(dut)
    for i in range(24):
        b.m2m(b.rng.choice([1, 64, 333, 4096, 10000]))
    for i in range(6):
        b.mm2s(b.rng.randint(64, 3000))
        b.send_packet(b.rng.randint(64, 3000))
        b.s2mm(4096)
    src, data = b.src_with_data(256, offset=0)
    b.env.mem.inject_error(src, src + 256, kind="slverr", on="read")
    tag = b.next_tag()
    b.env.submit(Command(src, b.alloc_dst(256), 256, tag=tag))
    b.expects.append(Expect(tag, 0, ERR_RD_SLVERR))
    start = b.env.cycle
    await b.check()
    add_backpressure(b, 0.3)
    for i in range(16):
        b.m2m(b.rng.choice([7, 1000, 5000]))
    await b.check()

    st = b.env.statuses
    moved = sum(s.nbytes for s in st)
    cycles = st[-1].cycle - start
    summary = {
        "commands": len(st),
        "bytes": moved,
        "cycles": cycles,
        "utilization": moved / (cycles * b.n),
        "errors": sum(1 for s in st if s.error),
        "axi_bursts": {k: b.env.mem.stats[k] for k in ("ar", "aw")},
        "seed": b.env.regression_seed,
    }
    with open(os.environ["DEMO_OUT"], "w") as f:
        json.dump(summary, f)
