# SPDX-License-Identifier: Apache-2.0
"""`make sim`, the main job, in its quick form: both platforms run, every byte checks, and
the side-by-side summary shows what the README says it shows."""
import subprocess
import sys
from pathlib import Path

DEMO = Path(__file__).resolve().parent / "sim_demo.py"


def test_make_sim_quick_both_platforms():
    out = subprocess.run([sys.executable, str(DEMO), "--quick"], capture_output=True, text=True,
                         timeout=900)
    text = out.stdout + out.stderr
    assert out.returncode == 0, text
    for label in ("dma_engine + bounce buffers", "dma_top + RISC-V IOMMU", "IOTLB hits/misses",
                  "bounced bytes", "errors (injected)", "replay with RANDOM_SEED="):
        assert label in text, f"{label!r} missing from the summary:\n{text}"
    assert text.count("0 mismatches") == 2, text
    assert "DeprecationWarning" not in text and "cocotbext.axi" not in text, "third-party noise:\n" + text
