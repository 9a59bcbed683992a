"""The generated register-map files match regmap/dma_regmap.py (run gen_regmap.py if not)."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_regmap_generated_files_fresh():
    r = subprocess.run([sys.executable, str(ROOT / "regmap" / "gen_regmap.py"), "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 0, (
        "generated register files are stale; run `python regmap/gen_regmap.py`:\n" + r.stderr)


def test_generated_python_matches_map():
    import dmaengine.regs as regs

    assert regs.DMA_ID_VALUE == 0x444D4131
    assert regs.ch_reg(3, regs.DMA_CH_IRQ_STATUS) == 0x100 + 3 * 0x40 + 0x28
