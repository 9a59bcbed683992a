"""Random system regression (pyuvm, tb/uvm/env.py): the driver on the bounce platform
against the RTL engine. REQUESTS random requests (default 1000; `make soak`: 20000)
plus one faulty request per error class; zero scoreboard mismatches; the seed and a
functional coverage report are printed at the end.

    REQUESTS=3000 RANDOM_SEED=7 .venv/bin/python -m pytest tb/test_uvm_regression.py -s
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import cocotb
import pytest
import pyuvm
from pyuvm import ConfigDB, uvm_test

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
    _run(int(os.environ.get("REQUESTS", "1000")) if not os.environ.get("SOAK") else 1000)


@pytest.mark.soak
def test_uvm_soak():
    _run(int(os.environ.get("REQUESTS", "20000")))


# ----------------------------------------------------------------------------- pyuvm test

@pyuvm.test()
class DmaRegression(uvm_test):
    def build_phase(self):
        from uvm.env import DmaEnv, SysHolder

        self.holder = SysHolder()
        ConfigDB().set(None, "*", "SYS", self.holder)
        self.env = DmaEnv("env", self)

    async def run_phase(self):
        from cocotb.triggers import ClockCycles

        from uvm.env import FaultSeq, RandomRequestSeq
        from uvm.system import SystemEnv

        self.raise_objection()
        dut = cocotb.top
        sysenv = SystemEnv(dut, "bounce")
        await sysenv.start()
        drv = await sysenv.attach_driver(use_irq=True)
        self.holder.sysenv, self.holder.driver = sysenv, drv
        requests = int(os.environ.get("REQUESTS", "1000"))
        seed = sysenv.seed
        self.logger.info("seed %d (replay: RANDOM_SEED=%d), %d requests", seed,
                         sysenv.regression_seed, requests)
        seqr = self.env.agent.seqr
        await RandomRequestSeq("random", count=requests, seed=seed, fault_rate=0.01).start(seqr)
        await FaultSeq("faults", seed=seed + 1).start(seqr)
        await drv.drain()
        await ClockCycles(dut.clk, 50)
        self.sysenv, self.drv = sysenv, drv
        self.cycles = sysenv.cycles()
        self.drop_objection()

    def check_phase(self):
        sysenv, drv = self.sysenv, self.drv
        sb, cov = self.env.scoreboard, self.env.coverage
        sb.check_blocks(sysenv.sink.collect(), self.env.agent.driver.m2s_expected)
        bounce = sysenv.platform.stats()
        lines = [
            "=" * 60,
            f" pyuvm regression: seed {sysenv.seed} (replay: RANDOM_SEED={sysenv.regression_seed})",
            f" requests {self.env.agent.driver.issued}, checked {sb.checked}, mismatches {len(sb.mismatches)}",
            f" bytes {sb.bytes}, cycles {self.cycles}, descriptors {drv.stats.descriptors}",
            f" halts {drv.stats.halts}, resubmitted {drv.stats.resubmitted}, errors {drv.stats.errors}",
            f" bounced bytes {bounce.bounced_bytes}, deferred loads {drv.stats.deferred_loads}",
            f" address monitors: " + ", ".join(f"{m.name} {m.bursts} bursts max {m.max_addr:#x}"
                                               for m in sysenv.monitors),
            "=" * 60,
            cov.report(),
        ]
        text = "\n".join(lines)
        self.logger.info("\n" + text)
        if os.environ.get("UVM_REPORT"):
            Path(os.environ["UVM_REPORT"]).write_text(text + "\n")
        assert sb.checked == self.env.agent.driver.issued
        assert not sb.mismatches, "\n".join(sb.mismatches[:20])
        missing = cov.missing()
        assert not missing, f"coverage holes: {missing}"
        sysenv.finish()
