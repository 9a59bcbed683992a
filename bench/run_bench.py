#!/usr/bin/env python3
"""`make bench`: run every benchmark in simulation, print a table against the
targets, write bench/results/<block>.json ({"scenario", "bytes", "cycles",
"utilization"} records). Figures are clock cycles, never wall-clock time."""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT / "tb"))

from dmatb.runner import run_cocotb  # noqa: E402

# block: (RTL top, parameters, cocotb module, {scenario: minimum utilization})
BLOCKS = {
    "datapath": ("dma_datapath", {"DATA_WIDTH": 64, "MAX_BURST_LEN": 256}, "bench_datapath", {
        "m2m_64k_aligned": 0.995,
        "m2m_64k_unaligned": 0.99,
        "m2m_4k_aligned": 0.97,
        "m2m_b2b32_64": 0.90,
        "m2m_64k_lat32": 0.97,
    }),
    "frontend": ("dma_engine", {"DATA_WIDTH": 64, "MAX_BURST_LEN": 256, "NUM_CHANNELS": 4}, "bench_engine", {
        "sg_chain32_64": 0.85,
        "sg_chain32_4k": 0.98,
        "sg_4ch_4k": 0.98,
    }),
}


def main() -> int:
    (BENCH / "results").mkdir(exist_ok=True)
    rows, missed, all_records = [], [], []
    for block, (top, params, module, targets) in BLOCKS.items():
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "out.json"
            run_cocotb(top, module, params, test_dir=BENCH, extra_env={"BENCH_OUT": str(out)},
                       sim="icarus", waves=False, seed=1)
            results = [json.loads(line) for line in out.read_text().splitlines()]
        (BENCH / "results" / f"{block}.json").write_text(json.dumps(results, indent=2) + "\n")
        for r in results:
            all_records.append((block, r))
            target = targets.get(r["scenario"])
            ok = target is None or r["utilization"] >= target
            rows.append((block, r["scenario"], r["bytes"], r["cycles"], r["utilization"], target, ok))
            if not ok:
                missed.append(r["scenario"])

    print()
    print(f"{'block':<10} {'scenario':<20} {'bytes':>8} {'cycles':>8} {'util':>8} {'target':>8}  ")
    print("-" * 70)
    for block, name, nbytes, cycles, util, target, ok in rows:
        tgt = f">={target:.1%}" if target else "-"
        print(f"{block:<10} {name:<20} {nbytes:>8} {cycles:>8} {util:>8.2%} {tgt:>8}  {'ok' if ok else 'MISSED'}")
    extras = [(b, r) for b, r in all_records if set(r) - {"scenario", "bytes", "cycles", "utilization"}]
    for block, r in extras:
        more = ", ".join(f"{k}={v}" for k, v in r.items() if k not in ("scenario", "bytes", "cycles", "utilization"))
        print(f"{block:<10} {r['scenario']:<20} {more}")
    print()
    print("results: bench/results/*.json")
    if missed:
        print("targets missed: " + ", ".join(missed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
