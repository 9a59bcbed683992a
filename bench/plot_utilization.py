#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Bus utilization against transfer size, one line per series -> PNG.

Input: JSON-lines records {"scenario", "bytes", "cycles", "utilization",
"series", "size"} (extra keys are ignored), e.g. from bench/bench_sweep.py.

    python bench/plot_utilization.py                      # run the datapath sweep, then plot
    python bench/plot_utilization.py records.jsonl [...]  # plot existing records
        [-o bench/results/utilization.png] [--title ...]

From bench/run_bench.py:

    from plot_utilization import sweep_and_plot
    sweep_and_plot()     # -> bench/results/sweep.jsonl and bench/results/utilization.png

Other series (e.g. IOMMU on/off) are added by appending records with their own
"series" name to the JSON-lines file, or by passing more files.
Needs matplotlib (extra `synth` of pyproject.toml); uses the Agg backend.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
DEFAULT_PNG = RESULTS / "utilization.png"
DEFAULT_JSONL = RESULTS / "sweep.jsonl"


def load_records(paths) -> list[dict]:
    records = []
    for p in paths:
        for line in Path(p).read_text().splitlines():
            line = line.strip()
            if line:
                records.append(json.loads(line))
    return records


def plot(records: list[dict], out: Path = DEFAULT_PNG,
         title: str = "dma_datapath bus utilization (DATA_WIDTH 64, bursts of 256)") -> Path:
    """One line per "series": utilization (%) against "size" (bytes, log2 axis)."""
    import matplotlib  # noqa: PLC0415

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    by_series: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for r in records:
        size = r.get("size", r["bytes"])
        by_series[r.get("series", r["scenario"])].append((size, 100.0 * r["utilization"]))
    fig, ax = plt.subplots(figsize=(8, 5), dpi=120)
    markers = "os^vD<>p*h"
    for i, (series, points) in enumerate(by_series.items()):
        points.sort()
        ax.plot([p[0] for p in points], [p[1] for p in points], marker=markers[i % len(markers)],
                markersize=4, linewidth=1.5, label=series)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("transfer size (bytes)")
    ax.set_ylabel("bus utilization (%)  = bytes / (cycles x bytes per beat)")
    ax.set_title(title)
    ax.set_ylim(0, 105)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out)
    plt.close(fig)
    return out


def run_sweep(jsonl: Path = DEFAULT_JSONL, sim: str = "icarus", seed: int = 1) -> list[dict]:
    """Run bench/bench_sweep.py on dma_datapath (DATA_WIDTH 64, bursts of 256) -> JSON lines."""
    from dmatb.runner import run_cocotb  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.jsonl"
        run_cocotb("dma_datapath", "bench_sweep", {"DATA_WIDTH": 64, "MAX_BURST_LEN": 256},
                   test_dir=BENCH, extra_env={"BENCH_OUT": str(out)}, sim=sim, waves=False, seed=seed)
        text = out.read_text()
    jsonl = Path(jsonl)
    jsonl.parent.mkdir(parents=True, exist_ok=True)
    jsonl.write_text(text)
    return load_records([jsonl])


def sweep_and_plot(jsonl: Path = DEFAULT_JSONL, png: Path = DEFAULT_PNG) -> Path:
    """Run the sweep and plot it; returns the PNG path (for bench/run_bench.py)."""
    records = run_sweep(jsonl)
    path = plot(records, png)
    print(f"sweep: {len(records)} points -> {jsonl.relative_to(ROOT) if jsonl.is_absolute() else jsonl}, "
          f"{path.relative_to(ROOT) if path.is_absolute() else path}")
    return path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("records", nargs="*", help="JSON-lines files (default: run the sweep first)")
    ap.add_argument("-o", "--output", default=str(DEFAULT_PNG))
    ap.add_argument("--title", default=None)
    args = ap.parse_args(argv)
    records = load_records(args.records) if args.records else run_sweep()
    if not records:
        print("no records")
        return 1
    kw = {"title": args.title} if args.title else {}
    print(plot(records, Path(args.output), **kw))
    return 0


if __name__ == "__main__":
    sys.exit(main())
