# SPDX-License-Identifier: Apache-2.0
"""The pyuvm system test shared by the regression (tb/system/test_uvm_regression.py) and the
demonstration (tb/demo/demo_driver.py): REQUESTS random requests and one faulty request per
error class through the driver (status write-back faults too where the engine has its
own descriptor port), then failing requests back to back on one channel; check phase:
scoreboard, every halt against the injected faults (check_halt), coverage, address
monitors.
Environment: REQUESTS, UVM_REPORT (coverage report text), DEMO_OUT (JSON summary),
DEMO_PROGRESS (a file rewritten every 2000 cycles: finished requests, REQUESTS, cycle)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import cocotb
from pyuvm import ConfigDB, uvm_test


async def _report_progress(dut, drv, requests, path):
    """For `make sim`'s progress line: requests finished (completed or failed) so far, of
    `requests` random ones (the directed fault sequences come after), and the cycle."""
    from cocotb.triggers import ClockCycles

    cycles = 0
    while True:
        await ClockCycles(dut.clk, 2000)
        cycles += 2000
        path.write_text(f"{drv.stats.completed + drv.stats.failed} {requests} {cycles}\n")


class RegressionTest(uvm_test):
    require_full_coverage = True     # every required coverage bin must be hit
    platform = "bounce"              # "iommu_rtl": dma_top, busdma IommuPlatform on the RTL IOMMU
    default_requests = 1000

    def build_phase(self):
        from dmatb.uvm.env import DmaEnv, SysHolder

        self.holder = SysHolder()
        ConfigDB().set(None, "*", "SYS", self.holder)
        self.env = DmaEnv("env", self)

    async def run_phase(self):
        from cocotb.triggers import ClockCycles

        from dmatb.uvm.env import (ALL_FAULTS, FAULTS, WB_FAULTS, ChainOrderSeq, FaultSeq, RandomRequestSeq,
                             WritebackFaults)
        from dmatb.uvm.system import SystemEnv

        self.raise_objection()
        dut = cocotb.top
        sysenv = SystemEnv(dut, self.platform)
        await sysenv.start()
        drv = await sysenv.attach_driver(use_irq=True)
        self.holder.sysenv, self.holder.driver = sysenv, drv
        classes = FAULTS
        cov = self.env.coverage
        if sysenv.sg_mem is not None:
            # dma_engine: the descriptor port is separate, so a STATUS write can fail alone
            self.holder.wb_faults = WritebackFaults(drv, sysenv.sg_mem)
            classes = ALL_FAULTS
            from dmaengine import regs as R
            for which in WB_FAULTS:
                cov._declare("error class", R.ERROR_NAMES[WB_FAULTS[which]])
            cov.bins["halt (ERR_DESC)"]["write-back error"][1] = True
            cov.bins["after ERR_DESC (started)"]["write-back failed"][1] = True
        cov.bins["after ERR_DESC (started)"]["data error"][1] = True
        requests = int(os.environ.get("REQUESTS", str(self.default_requests)))
        seed = sysenv.seed
        self.logger.info("seed %d (replay: RANDOM_SEED=%d), %d requests", seed,
                         sysenv.regression_seed, requests)
        seqr = self.env.agent.seqr
        if os.environ.get("DEMO_PROGRESS"):
            cocotb.start_soon(_report_progress(dut, drv, requests, Path(os.environ["DEMO_PROGRESS"])))
        await RandomRequestSeq("random", count=requests, seed=seed, fault_rate=0.01,
                               classes=classes).start(seqr)
        await FaultSeq("faults", seed=seed + 1, classes=classes).start(seqr)
        await drv.drain()
        # slow write responses on the descriptor port: a later descriptor's error can come
        # before an earlier descriptor's failed write-back
        if sysenv.sg_mem is not None:
            sysenv.sg_mem.set_latency(write=200)
        await ChainOrderSeq("chain_order", seed=seed + 2, classes=classes).start(seqr)
        await drv.drain()
        if sysenv.sg_mem is not None:
            sysenv.sg_mem.set_latency(write=0)
        await ClockCycles(dut.clk, 50)
        self.iommu = None
        if sysenv.iommu_hw is not None:
            # strict invalidations all completed, IOMMU counters, fault queue
            for _ in range(1000):
                await sysenv.iommu_hw.flush(dut.clk)
                sysenv.platform.poll()
                if not sysenv.platform.stats().pending_invalidations:
                    break
                await ClockCycles(dut.clk, 20)
            self.iommu = await sysenv.iommu_counters()
            self.iommu["fault_records"] = len(await sysenv.fault_queue.records())
            cov = self.env.coverage
            cov._declare("IOTLB", "hit")
            cov._declare("IOTLB", "miss (Sv39 walk)")
            # the RTL's hit counter also counts the re-lookup after a walk (hits ==
            # translations), so first-lookup hits are translations - misses
            cov.bins["IOTLB"]["hit"][0] = self.iommu["translations"] - self.iommu["iotlb_misses"]
            cov.bins["IOTLB"]["miss (Sv39 walk)"][0] = self.iommu["iotlb_misses"]
            del cov.bins["IOTLB"]["hit/miss: n/a (no IOMMU on this platform)"]
        self.sysenv, self.drv = sysenv, drv
        self.cycles = sysenv.cycles()
        self.drop_objection()

    def check_phase(self):
        sysenv, drv = self.sysenv, self.drv
        from dmatb.uvm.env import check_halt

        sb, cov = self.env.scoreboard, self.env.coverage
        sb.check_blocks(sysenv.sink.collect(), self.env.agent.driver.m2s_expected)
        fault_of = self.env.agent.driver.fault_of
        for rec in drv.halt_log:
            sb.mismatches += check_halt(rec, fault_of)
            cov.halt(rec, fault_of)
        wb_failed = sum(len(rec.wb_failed) for rec in drv.halt_log)
        pstats = sysenv.platform.stats()
        if self.iommu is None:
            platform_line = (f" bounced bytes {pstats.bounced_bytes}, deferred loads "
                             f"{drv.stats.deferred_loads}")
        else:
            c = self.iommu
            platform_line = (f" IOMMU: {c['translations']} translations, IOTLB {c['iotlb_hits']} hits / "
                             f"{c['iotlb_misses']} misses, {c['walk_cycles']} walk cycles, "
                             f"{pstats.commands_submitted} commands, {c['fault_records']} fault records")
        lines = [
            "=" * 60,
            f" pyuvm regression: seed {sysenv.seed} (replay: RANDOM_SEED={sysenv.regression_seed})",
            f" requests {self.env.agent.driver.issued}, checked {sb.checked}, mismatches {len(sb.mismatches)}",
            f" bytes {sb.bytes}, cycles {self.cycles}, descriptors {drv.stats.descriptors}",
            f" halts {drv.stats.halts} (checked: ERR_DESC first in chain order; {wb_failed} failed "
            f"write-backs identified), resubmitted {drv.stats.resubmitted}, errors {drv.stats.errors}",
            platform_line,
            f" address monitors: " + ", ".join(f"{m.name} {m.bursts} bursts max {m.max_addr:#x}"
                                               for m in sysenv.monitors),
            "=" * 60,
            cov.report(),
        ]
        text = "\n".join(lines)
        self.logger.info("\n" + text)
        if os.environ.get("UVM_REPORT"):
            Path(os.environ["UVM_REPORT"]).write_text(text + "\n")
        if os.environ.get("DEMO_OUT"):
            bus = sysenv.bus_stats()
            Path(os.environ["DEMO_OUT"]).write_text(json.dumps({
                "seed": sysenv.regression_seed, "requests": self.env.agent.driver.issued,
                "completed": drv.stats.completed, "failed": drv.stats.failed,
                "bytes": drv.stats.bytes, "cycles": self.cycles, "descriptors": drv.stats.descriptors,
                "beat_bytes": sysenv.beat_bytes, "bus": bus, "bounced_bytes": getattr(pstats, "bounced_bytes", 0),
                "bounce_syncs": getattr(pstats, "total_bounced", 0), "errors": {str(k): v for k, v in drv.stats.errors.items()},
                "halts": drv.stats.halts, "resubmitted": drv.stats.resubmitted,
                "interrupts": drv.stats.interrupts, "mismatches": len(sb.mismatches),
                "coverage": cov.report(), "max_addr": max(m.max_addr for m in sysenv.monitors),
                "register_accesses": sysenv.transport.accesses, "platform": self.platform,
                "iommu": self.iommu, "iommu_commands": getattr(pstats, "commands_submitted", 0),
                "deferred_loads": drv.stats.deferred_loads}))
        assert sb.checked == self.env.agent.driver.issued
        assert not sb.mismatches, "\n".join(sb.mismatches[:20])
        missing = cov.missing() if self.require_full_coverage else []
        assert not missing, f"coverage holes: {missing}"
        if self.iommu is not None:
            assert self.iommu["translations"] > self.iommu["iotlb_misses"] > 0, self.iommu
            assert self.iommu["fault_records"] == 0, "memory errors must not be IOMMU faults"
            assert not pstats.pending_invalidations, pstats
        sysenv.finish()
