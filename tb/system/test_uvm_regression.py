# SPDX-License-Identifier: Apache-2.0
"""Random system regression (pyuvm, tb/dmatb/uvm/env.py): the driver on the bounce platform
against the RTL engine. REQUESTS random requests (default 800; `make soak`: 20000)
plus one faulty request per error class; zero scoreboard mismatches; the seed and a
functional coverage report are printed at the end.

    REQUESTS=3000 RANDOM_SEED=7 .venv/bin/python -m pytest tb/system/test_uvm_regression.py -s
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
import pyuvm

from dmatb.uvm.regression import RegressionTest

PARAMS = {"DATA_WIDTH": 64, "NUM_CHANNELS": 4, "CMD_DEPTH_LOG2": 2}


def _run(requests: int):
    from dmatb.runner import run_cocotb

    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.txt"
        try:
            run_cocotb("dma_engine", "test_uvm_regression", PARAMS,
                       extra_env={"REQUESTS": str(requests), "UVM_REPORT": str(report)})
        finally:
            if report.exists():
                print(report.read_text())


def test_uvm_regression():
    _run(int(os.environ.get("REQUESTS", "800")))


@pytest.mark.soak
def test_uvm_soak():
    _run(int(os.environ.get("REQUESTS", "20000")))


# ----------------------------------------------------------------------------- pyuvm test

@pyuvm.test()
class DmaRegression(RegressionTest):
    """REQUESTS random requests + faults on the bounce platform (tb/dmatb/uvm/regression.py)."""
