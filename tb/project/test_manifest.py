# SPDX-License-Identifier: Apache-2.0
"""rtl/manifest.py is the one file list: every RTL file is in it, in dependency order,
and every flow (runner, lint, synth, FuseSoC core) takes its files from it."""
from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manifest():
    spec = importlib.util.spec_from_file_location("rtl_manifest", ROOT / "rtl" / "manifest.py")
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m


def test_every_rtl_file_is_listed_once_and_exists():
    m = manifest()
    listed = m.files()
    assert len(listed) == len(set(listed)), "a file is listed twice"
    on_disk = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "rtl").rglob("*.v"))
    assert sorted(listed) == on_disk, (
        f"not in rtl/manifest.py: {sorted(set(on_disk) - set(listed))}; "
        f"listed but missing: {sorted(set(listed) - set(on_disk))}")
    headers = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "rtl").rglob("*.vh"))
    assert sorted(m.HEADERS) == headers


def test_one_module_per_file_named_after_it():
    for f in manifest().files():
        mods = re.findall(r"^\s*module\s+(\w+)", (ROOT / f).read_text(), re.M)
        assert mods == [Path(f).stem], (f, mods)


def test_dependency_order():
    """A file only instantiates modules of files listed before it (and within its IP's
    REQUIRES)."""
    m = manifest()
    defined = {}
    known = set(m.modules())
    for ip, files in m.IPS:
        for f in files:
            text = re.sub(r"//.*", "", (ROOT / f).read_text())
            used = set(re.findall(r"^\s*(dma_\w+)\s+(?:#\s*\(|\w+\s*\()", text, re.M)) & known
            for u in used:
                assert u in defined, f"{f} instantiates {u}, which comes later in the manifest"
                assert defined[u] in m.REQUIRES[ip] + [ip], f"{f} ({ip}) uses {u} of IP {defined[u]}"
            defined[Path(f).stem] = ip


def test_flows_read_the_manifest():
    m = manifest()
    from dmatb import runner

    assert runner.rtl_sources() == m.paths()
    assert "rtl/manifest.py" in (ROOT / "Makefile").read_text()
    assert "manifest" in (ROOT / "synth" / "synth.py").read_text()


def test_fusesoc_core_is_generated_from_the_manifest():
    core = (ROOT / "openbusdma.core").read_text()
    assert core == manifest().core(), "openbusdma.core is stale: python3 rtl/manifest.py core > openbusdma.core"


def test_cli():
    out = subprocess.run([sys.executable, str(ROOT / "rtl" / "manifest.py"), "files", "dma_engine"],
                         capture_output=True, text=True, check=True).stdout.split()
    assert "rtl/engine/dma_engine.v" in out and not any("iommu" in f for f in out)
