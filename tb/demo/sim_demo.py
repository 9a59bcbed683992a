#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`make sim`: the same engine driver, unchanged, on two platforms, in Icarus:

    bounce   dma_engine, busdma's bounce-buffer platform (the engine reaches the low 4 GiB)
    iommu    dma_top, busdma's IOMMU platform on the RTL RISC-V IOMMU

Both run the same random driver workload (tb/demo/demo_driver.py) side by side (one
simulator per core), show a progress line, and print the two summaries next to each other.
The simulators' own output goes to a log file per platform (its path is printed).

    make sim                       REQUESTS=300 per platform (the default)
    make sim REQUESTS=1000         a longer run
    make sim SIM_ARGS=--quick      40 requests per platform
    RANDOM_SEED=n make sim         replay a run (the seed is printed)
    WAVES=1 make sim               record a waveform of each run (path printed)
    make sim SIM_ARGS="--platform iommu"   one platform only
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import sys
import tempfile
import time
from pathlib import Path

PLATFORMS = {
    "bounce": dict(top="dma_engine", test="DriverDemoBounce",
                   params={"DATA_WIDTH": 64, "NUM_CHANNELS": 4, "CMD_DEPTH_LOG2": 2},
                   title="dma_engine + bounce buffers",
                   detail="8 GiB memory, engine reaches the low 4 GiB"),
    "iommu": dict(top="dma_top", test="DriverDemoIommu",
                  params={"DATA_WIDTH": 64},
                  title="dma_top + RISC-V IOMMU",
                  detail="1LVL device contexts, Sv39, strict unload"),
}


def _run(name: str, requests: int, seed: int, tmp: str, result: dict) -> None:
    """One platform in its own process; everything it prints goes to its log file."""
    from dmatb.runner import build_dir_for, run_cocotb

    p = PLATFORMS[name]
    waves = os.environ.get("WAVES", "0") not in ("", "0")
    build = build_dir_for(p["top"], p["params"], "icarus", waves)
    build.mkdir(parents=True, exist_ok=True)
    log = build / f"make_sim_{name}.log"
    result["log"] = str(log)
    result["build"] = str(build)
    out = Path(tmp) / f"{name}.json"
    with open(log.with_suffix(".runner.log"), "w") as f:
        sys.stdout = sys.stderr = f
        try:
            run_cocotb(p["top"], "demo_driver", p["params"], sim="icarus", seed=seed, log_file=log,
                       extra_env={"DEMO_OUT": str(out), "REQUESTS": str(requests),
                                  "DEMO_PROGRESS": str(Path(tmp) / f"{name}.progress"),
                                  "COCOTB_TEST_FILTER": p["test"],
                                  "PYTHONWARNINGS": "ignore::DeprecationWarning"})
        except BaseException as e:          # SystemExit from a failed cocotb test, or a build error
            result["error"] = f"{type(e).__name__}: {e}"
    if out.exists():
        result["summary"] = json.loads(out.read_text())


def _progress(names: list[str], tmp: str, requests: int, t0: float) -> str:
    parts = []
    for n in names:
        f = Path(tmp) / f"{n}.progress"
        try:
            done, total, cycles = (int(x) for x in f.read_text().split())
        except (OSError, ValueError):
            done, total, cycles = 0, requests, 0
        parts.append(f"{n} {min(done, total)}/{total} requests, {cycles // 1000}k cycles")
    return f"  [{time.monotonic() - t0:5.0f} s]  " + "  |  ".join(parts)


def _our_warnings(log: Path) -> list[str]:
    """Warnings and errors of our own code in a log (third-party banners and deprecations,
    and Icarus's harmless vpi_iterate note, are left in the log file)."""
    keep = []
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return keep
    for line in lines:
        if (" WARNING " in line or " ERROR " in line) and not any(
                s in line for s in ("DeprecationWarning", "vpi_iterate", "cocotbext", "cocotb.regression")):
            keep.append(line.strip())
    return keep[:20]


def _rows(s: dict) -> list[tuple[str, str]]:
    from dmaengine.regs import ERROR_NAMES

    cycles = max(s["cycles"], 1)
    bus = s["bus"]["m_axi"]
    groups: dict[str, int] = {}
    for code, count in s["errors"].items():
        kind = ERROR_NAMES.get(int(code), str(code)).split("_")[0]      # RD / WR / WB / ...
        groups[kind] = groups.get(kind, 0) + count
    errs = (f"{sum(groups.values())} (" + ", ".join(f"{k} {v}" for k, v in sorted(groups.items())) + ")"
            if groups else "none")
    rows = [
        ("requests", f"{s['requests']}: {s['completed']} done, {s['failed']} failed"),
        ("descriptors", str(s["descriptors"])),
        ("bytes moved", f"{s['bytes']:,}"),
        ("cycles", f"{s['cycles']:,}"),
        ("m_axi utilization", f"rd {bus['r'] / cycles:.1%}, wr {bus['w'] / cycles:.1%}"),
        ("descriptor port", f"{s['bus']['m_axi_sg']['ar']} fetch, {s['bus']['m_axi_sg']['aw']} wb"
         if "m_axi_sg" in s["bus"] else "shared with data (m_axi)"),
        ("bounced bytes", f"{s['bounced_bytes']:,} ({s['bounce_syncs']} syncs)"),
        ("deferred loads", str(s.get("deferred_loads", 0))),
    ]
    c = s.get("iommu")
    if c:
        rows += [("IOTLB hits/misses", f"{c['translations'] - c['iotlb_misses']} / {c['iotlb_misses']}"),
                 ("Sv39 walks", f"{c['iotlb_misses']} ({c['walk_cycles']:,} walk cycles)"),
                 ("IOMMU commands", str(s.get("iommu_commands", 0))),
                 ("IOMMU fault records", str(c["fault_records"]))]
    else:
        rows += [("IOTLB hits/misses", "n/a (no IOMMU)"), ("Sv39 walks", "n/a"),
                 ("IOMMU commands", "n/a"), ("IOMMU fault records", "n/a")]
    rows += [
        ("errors (injected)", errs),
        ("halts recovered", f"{s['halts']} ({s['resubmitted']} resubmitted)"),
        ("interrupts", str(s["interrupts"])),
        ("highest bus address", f"{s['max_addr']:#x}"),
        ("scoreboard", f"{s['mismatches']} mismatches"),
    ]
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="40 requests per platform")
    ap.add_argument("--platform", choices=sorted(PLATFORMS) + ["both"], default="both")
    ap.add_argument("--requests", type=int, default=None, help="requests per platform (REQUESTS=)")
    args = ap.parse_args(argv)
    requests = args.requests or int(os.environ.get("REQUESTS", "40" if args.quick else "300"))
    seed = int(os.environ.get("RANDOM_SEED", random.randrange(1, 2**31)))
    names = list(PLATFORMS) if args.platform == "both" else [args.platform]

    print(f"make sim: the engine's driver on {' and '.join(names)}, {requests} random requests each,"
          f" seed {seed}")
    t0 = time.monotonic()
    tty = sys.stdout.isatty()
    with tempfile.TemporaryDirectory() as tmp, mp.Manager() as manager:
        results = {n: manager.dict() for n in names}
        procs = [mp.Process(target=_run, args=(n, requests, seed, tmp, results[n])) for n in names]
        for p in procs:
            p.start()
        last = 0.0
        while any(p.is_alive() for p in procs):
            time.sleep(0.5)
            now = time.monotonic()
            if tty:
                print("\r" + _progress(names, tmp, requests, t0).ljust(100), end="", flush=True)
            elif now - last >= 15:
                print(_progress(names, tmp, requests, t0), flush=True)
                last = now
        for p in procs:
            p.join()
        if tty:
            print()
        res = {n: dict(results[n]) for n in names}

    ok = True
    for n in names:
        r = res[n]
        log = Path(r.get("log", "?"))
        for w in _our_warnings(log):
            print(f"  {n}: {w}")
        if "summary" not in r or r.get("error"):
            ok = False
            print(f"\nmake sim: the {n} run FAILED ({r.get('error', 'no summary')}); log: {log}")
    if not ok and not any("summary" in res[n] for n in names):
        return 1

    sums = {n: res[n]["summary"] for n in names if "summary" in res[n]}
    rows = {n: dict(_rows(s)) for n, s in sums.items()}
    labels = [k for k, _ in _rows(next(iter(sums.values())))]
    w0, w = 22, 44
    bar = "=" * (w0 + w * len(sums))
    print()
    print(bar)
    print(" The same busdma driver (sw/dmaengine) on two platforms, Icarus, 100 MHz clock")
    print(bar)
    print(" " * w0 + "".join(PLATFORMS[n]["title"].ljust(w) for n in sums))
    print(" " * w0 + "".join(PLATFORMS[n]["detail"].ljust(w) for n in sums))
    print("-" * len(bar))
    for k in labels:
        print(f" {k:<{w0 - 1}}" + "".join(rows[n].get(k, "").ljust(w) for n in sums))
    print("-" * len(bar))
    print(f" seed {seed}: replay with RANDOM_SEED={seed} make sim")
    for n in sums:
        build = Path(res[n]["build"])
        waves = sorted(build.glob("*.fst")) + sorted(build.glob("*.vcd"))
        where = waves[0] if waves else "WAVES=1 make sim"
        print(f" {n}: log {res[n]['log']}; waveform {where}")
    print(f" elapsed {time.monotonic() - t0:.0f} s")
    print(bar)
    mism = sum(s["mismatches"] for s in sums.values())
    return 0 if ok and mism == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
