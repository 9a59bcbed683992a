#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`make bench`: run every benchmark in simulation, print a table against the
targets, write bench/results/<block>.json ({"scenario", "bytes", "cycles",
"utilization", "mbps_at_fmax", ...} records). Figures are clock cycles, never
wall-clock time; mbps_at_fmax (MB/s) turns a utilization into bandwidth at the
block's median Fmax from bench/results/synth.json (`make synth`), read here."""
from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent

from dmatb.runner import run_cocotb

# block: (RTL top, parameters, cocotb module, {scenario: target}); a target is a minimum
# utilization, or (field, "<=" | ">=", value) on another field of the record.
# Several runs may feed one results file: "file:run" block names.
BLOCKS = {
    "datapath": ("dma_datapath", {"DATA_WIDTH": 64, "MAX_BURST_LEN": 256}, "bench_datapath", {
        "m2m_64k_aligned": 0.995,
        "m2m_64k_unaligned": 0.99,
        "m2m_4k_aligned": 0.97,
        "m2m_b2b32_64": 0.90,
        "m2m_64k_lat32": 0.97,
        "b2b32_8": 0.60,
        "single_8": ("cycles", "<=", 11),
        "single_64": ("cycles", "<=", 18),
        "m2m_b2b32_64_lat32": 0.85,
    }),
    "frontend": ("dma_engine", {"DATA_WIDTH": 64, "MAX_BURST_LEN": 256, "NUM_CHANNELS": 4}, "bench_engine", {
        "sg_chain32_64": 0.95,
        "sg_chain32_4k": 0.98,
        "sg_4ch_4k": 0.98,
        "sg_chain32_8": 0.35,
    }),
    # 64 KiB over 4 KiB pages touches 33 pages, more than the 16 IOTLB entries: the "warm"
    # run still walks, and the walks overlap the data stream
    "iommu:system": ("dma_top", {"DATA_WIDTH": 64, "MAX_BURST_LEN": 256, "TLB_ENTRIES": 16}, "bench_iommu", {
        "iommu_64k_warm": ("ratio_to_bare", ">=", 0.98),
    }),
    "iommu:miss": ("dma_iommu", {"DATA_WIDTH": 64, "TLB_ENTRIES": 16}, "bench_iommu_miss", {
        "iommu_miss_cost_lat0": ("cycles", "<=", 12),
        "iommu_miss_cost_lat32": ("cycles", "<=", 108),
        "iotlb_hit_latency": ("cycles", "<=", 2),           # the timing issue's target
    }),
}

# results file -> the synth.json block whose median Fmax gives the bandwidth at Fmax
# (the front end's scenarios run on dma_engine, the IOMMU ones are the whole dma_top)
FMAX_BLOCK = {"datapath": "dma_datapath", "frontend": "dma_engine", "iommu": "dma_top"}
SYNTH_JSON = BENCH / "results" / "synth.json"

# utilization against transfer size, for the plot: (RTL top, parameters, cocotb module)
SWEEPS = [
    ("dma_datapath", {"DATA_WIDTH": 64, "MAX_BURST_LEN": 256}, "bench_sweep"),
    ("dma_top", {"DATA_WIDTH": 64, "MAX_BURST_LEN": 256, "TLB_ENTRIES": 16}, "bench_iommu_sweep"),
]


def meets(record: dict, target) -> bool:
    if target is None:
        return True
    if isinstance(target, tuple):
        field, op, value = target
        return record[field] <= value if op == "<=" else record[field] >= value
    return record["utilization"] >= target


def fmax_table() -> dict[str, float]:
    """{synth block: median Fmax in MHz} from bench/results/synth.json ({} without it)."""
    try:
        records = json.loads(SYNTH_JSON.read_text())
    except (OSError, ValueError):
        return {}
    return {r["block"]: r["fmax_mhz_median"] for r in records if r.get("fmax_mhz_median")}


def mbps_at_fmax(record: dict, data_width: int, fmax_mhz: float | None) -> float | None:
    """utilization x DATA_WIDTH/8 bytes per cycle x Fmax: MB/s (10^6 bytes per second)."""
    if record.get("utilization") is None or fmax_mhz is None:
        return None
    return round(record["utilization"] * data_width / 8 * fmax_mhz, 1)


def with_mbps(record: dict, mbps: float | None) -> dict:
    """The record with mbps_at_fmax placed after utilization."""
    out = {}
    for k, v in record.items():
        if k != "mbps_at_fmax":
            out[k] = v
        if k == "utilization":
            out["mbps_at_fmax"] = mbps
    out.setdefault("mbps_at_fmax", mbps)
    return out


def run_records(top: str, params: dict, module: str) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        run_cocotb(top, module, params, test_dir=BENCH, extra_env={"BENCH_OUT": str(out)},
                   sim="icarus", waves=False, seed=1)
        return [json.loads(line) for line in out.read_text().splitlines()]


def sweep_plot() -> Path | None:
    """Run the sweeps and plot utilization against size (bench/results/utilization.png)."""
    records = [r for top, params, module in SWEEPS for r in run_records(top, params, module)]
    (BENCH / "results" / "sweep.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    try:
        from plot_utilization import plot
    except ImportError:
        return None
    try:
        return plot(records, BENCH / "results" / "utilization.png",
                    title="Bus utilization against transfer size (DATA_WIDTH 64, bursts of 256)\n"
                          "datapath alone; IOMMU series: whole engine, one descriptor, 4 KiB pages")
    except ImportError:       # matplotlib is in the `synth` extra
        return None


def main() -> int:
    (BENCH / "results").mkdir(exist_ok=True)
    rows, missed, all_records = [], [], []
    files: dict[str, list] = {}
    fmax = fmax_table()
    for block_run, (top, params, module, targets) in BLOCKS.items():
        block = block_run.split(":")[0]
        block_fmax = fmax.get(FMAX_BLOCK.get(block))
        results = [with_mbps(r, mbps_at_fmax(r, params["DATA_WIDTH"], block_fmax))
                   for r in run_records(top, params, module)]
        files.setdefault(block, []).extend(results)
        for r in results:
            all_records.append((block, r))
            target = targets.get(r["scenario"])
            ok = meets(r, target)
            rows.append((block, r["scenario"], r["bytes"], r["cycles"], r["utilization"],
                         r["mbps_at_fmax"], target, ok))
            if not ok:
                missed.append(r["scenario"])
    for block, results in files.items():
        (BENCH / "results" / f"{block}.json").write_text(json.dumps(results, indent=2) + "\n")

    print()
    print(f"{'block':<10} {'scenario':<24} {'bytes':>8} {'cycles':>8} {'util':>8} {'MB/s@Fmax':>10} "
          f"{'target':>14}  ")
    print("-" * 91)
    for block, name, nbytes, cycles, util, mbps, target, ok in rows:
        if target is None:
            tgt = "-"
        elif isinstance(target, tuple):
            tgt = f"{target[0]}{target[1]}{target[2]}"
        else:
            tgt = f">={target:.1%}"
        ut = f"{util:.2%}" if util is not None else "-"
        mb = f"{mbps:.1f}" if mbps is not None else "-"
        print(f"{block:<10} {name:<24} {nbytes:>8} {cycles:>8} {ut:>8} {mb:>10} {tgt:>14}  "
              f"{'ok' if ok else 'MISSED'}")
    print("MB/s@Fmax = utilization x DATA_WIDTH/8 x median Fmax (bench/results/synth.json): "
          + ", ".join(f"{b} at {s} {fmax[s]:.1f} MHz" if s in fmax else f"{b}: no {s} record"
                      for b, s in FMAX_BLOCK.items()))
    base = ("scenario", "bytes", "cycles", "utilization", "mbps_at_fmax")
    extras = [(b, r) for b, r in all_records if set(r) - set(base)]
    for block, r in extras:
        more = ", ".join(f"{k}={v}" for k, v in r.items() if k not in base)
        print(f"{block:<10} {r['scenario']:<24} {more}")
    png = None if os.environ.get("BENCH_NO_SWEEP") else sweep_plot()
    print()
    print("results: bench/results/*.json" + (f"; plot: {png.relative_to(ROOT)}" if png else ""))
    if missed:
        print("targets missed: " + ", ".join(missed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
