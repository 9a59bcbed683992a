# SPDX-License-Identifier: Apache-2.0
"""Project hygiene: a license, an SPDX line in every source file, one version."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE = re.compile(r"(\.(py|v|vh|h|c|toml|core|sby)|/Makefile|^Makefile|^\.ci/run)$")


def tracked():
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:          # not a git checkout: every file on disk
        return [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file() and ".venv" not in p.parts]
    return out.stdout.split()


def test_license_file():
    text = (ROOT / "LICENSE").read_text()
    assert "Apache License" in text and "Version 2.0" in text


def test_every_source_file_has_an_spdx_line():
    missing = []
    for f in tracked():
        if not SOURCE.search(f) or not (ROOT / f).is_file():
            continue
        head = (ROOT / f).read_text(errors="replace").splitlines()[:4]
        if not any("SPDX-License-Identifier: Apache-2.0" in line for line in head):
            missing.append(f)
    assert not missing, f"no SPDX-License-Identifier line in the first lines of: {missing}"


def test_one_version():
    """pyproject.toml holds the version; the FuseSoC core and the IP-XACT files agree."""
    version = re.search(r'^version\s*=\s*"([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M).group(1)
    assert f"openbusdma:dma:openbusdma:{version}" in (ROOT / "openbusdma.core").read_text()
    for xml in ("dma_engine.ipxact.xml", "dma_top.ipxact.xml"):
        assert f"<ipxact:version>{version}</ipxact:version>" in (ROOT / "regmap" / "out" / xml).read_text()
