# SPDX-License-Identifier: Apache-2.0
"""Elaboration-time parameter checks (rtl/include/dma_param_check.vh): an unsupported
parameter value stops Icarus and Verilator with a message naming the module and the
rule; the documented defaults elaborate."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# (top, parameter, bad value, text of the message)
BAD = [
    ("dma_engine", "NUM_CHANNELS", 9, "NUM_CHANNELS_must_be_1_to_8"),
    ("dma_engine", "NUM_CHANNELS", 0, "NUM_CHANNELS_must_be_1_to_8"),
    ("dma_engine", "DATA_WIDTH", 48, "DATA_WIDTH_must_be_a_power_of_two_from_32_to_512"),
    ("dma_engine", "DATA_WIDTH", 1024, "DATA_WIDTH_must_be_a_power_of_two_from_32_to_512"),
    ("dma_engine", "MAX_BURST_LEN", 257, "MAX_BURST_LEN_must_be_1_to_256"),
    ("dma_engine", "LEN_WIDTH", 16, "LEN_WIDTH_must_be_20_to_32"),
    ("dma_engine", "AXIL_ADDR_WIDTH", 11, "AXIL_ADDR_WIDTH_must_be_at_least_12"),
    ("dma_engine", "SG_ID_WIDTH", 1, "SG_ID_WIDTH_must_hold_a_channel_number"),
    ("dma_top", "DATA_WIDTH", 32, "DATA_WIDTH_must_be_a_power_of_two_from_64_to_512"),
    ("dma_top", "TLB_ENTRIES", 0, "TLB_ENTRIES_must_be_at_least_1"),
    ("dma_iommu", "USER_WIDTH", 8, "USER_WIDTH_must_be_1_to_7"),
    ("dma_iommu", "ADDR_WIDTH", 40, "ADDR_WIDTH_must_be_56_to_64"),
    ("dma_top", "ADDR_WIDTH", 48, "ADDR_WIDTH_must_be_56_to_64"),
    ("dma_fifo", "DEPTH_LOG2", 0, "WIDTH_and_DEPTH_LOG2_must_be_at_least_1"),
    ("dma_burst_gen", "MAX_BURST_LEN", 0, "MAX_BURST_LEN_must_be_1_to_256"),
    ("dma_datapath", "DATA_WIDTH", 24, "DATA_WIDTH_must_be_a_power_of_two_from_32_to_512"),
    ("dma_datapath", "MAX_BURST_LEN", 512, "MAX_BURST_LEN_must_be_1_to_256"),
    ("dma_datapath", "LEN_WIDTH", 12, "LEN_WIDTH_must_be_at_least_20"),
]


def sources():
    from dmatb.runner import rtl_sources

    return [str(p) for p in rtl_sources()]


def icarus(top, params, tmp_path):
    cmd = ["iverilog", "-g2012", "-I", str(ROOT / "rtl" / "include"), "-s", top, "-o", str(tmp_path / "a.vvp")]
    cmd += [f"-P{top}.{k}={v}" for k, v in params.items()]
    return subprocess.run(cmd + sources(), capture_output=True, text=True)


def verilator(top, params):
    cmd = ["verilator", "--lint-only", "-Wno-fatal", "-Wno-lint", "-Wno-style", "-Werror-USERFATAL",
           "-I" + str(ROOT / "rtl" / "include"), "--top-module", top]
    cmd += [f"-G{k}={v}" for k, v in params.items()]
    return subprocess.run(cmd + sources(), capture_output=True, text=True)


@pytest.mark.parametrize("top,param,value,text", BAD, ids=[f"{t}-{p}{v}" for t, p, v, _ in BAD])
def test_bad_parameter_stops_icarus(top, param, value, text, tmp_path):
    r = icarus(top, {param: value}, tmp_path)
    assert r.returncode != 0
    assert f"{top}__parameter_error__{text}" in r.stdout + r.stderr


@pytest.mark.skipif(shutil.which("verilator") is None, reason="verilator not installed")
@pytest.mark.parametrize("top,param,value,text", BAD, ids=[f"{t}-{p}{v}" for t, p, v, _ in BAD])
def test_bad_parameter_stops_verilator(top, param, value, text):
    r = verilator(top, {param: value})
    assert r.returncode != 0
    out = r.stdout + r.stderr
    assert "USERFATAL" in out and f"{top}: " in out and param in out, out[-2000:]


@pytest.mark.parametrize("top", ["dma_engine", "dma_top", "dma_iommu", "dma_datapath"])
def test_defaults_elaborate(top, tmp_path):
    r = icarus(top, {}, tmp_path)
    assert r.returncode == 0, r.stderr
