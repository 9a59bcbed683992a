#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`make sim`: build the RTL in Icarus, run the driver demonstration on the bounce
platform (tb/demo_driver.py), print a summary. WAVES=1 records a waveform."""
from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

TB = Path(__file__).resolve().parent
sys.path.insert(0, str(TB))
sys.path.insert(0, str(TB.parent / "sw"))

from dmatb.runner import run_cocotb  # noqa: E402

PARAMS = {"DATA_WIDTH": 64, "NUM_CHANNELS": 4, "CMD_DEPTH_LOG2": 2}


def main() -> int:
    requests = int(os.environ.get("REQUESTS", "300"))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "demo.json"
        try:
            build = run_cocotb("dma_engine", "demo_driver", PARAMS,
                               extra_env={"DEMO_OUT": str(out), "REQUESTS": str(requests)})
        except SystemExit:
            print("\nmake sim: the demonstration FAILED (see the log above)")
            return 1
        # outside pytest the runner does not look at the results: do it here
        from cocotb_tools.check_results import get_results
        try:
            _, failed = get_results(TB / "results.xml")
        except RuntimeError:
            failed = 1
        if failed or not out.exists():
            print("\nmake sim: the demonstration FAILED (see the log above)")
            return 1
        s = json.loads(out.read_text())
    cycles = max(s["cycles"], 1)
    bus = s["bus"]["m_axi"]
    bb = s["beat_bytes"]
    rd_util = bus["r"] / cycles
    wr_util = bus["w"] / cycles
    waves = sorted(build.glob("*.fst")) + sorted(build.glob("*.vcd"))
    print()
    print("=" * 72)
    print(" DMA engine + driver demonstration (dma_engine, 4 channels, 64-bit data)")
    print(" platform: busdma BouncePlatform, 8 GiB memory, engine limited to the low 4 GiB")
    print("=" * 72)
    print(f" requests           {s['requests']} submitted: {s['completed']} completed, "
          f"{s['failed']} failed (injected)")
    print(f"                    mem->mem, mem->stream, stream->mem; {s['descriptors']} descriptors")
    print(f" bytes moved        {s['bytes']}")
    print(f" cycles             {s['cycles']}  (100 MHz clock)")
    print(f" bus utilization    m_axi reads {rd_util:.1%}, writes {wr_util:.1%} of {bb}-byte beats "
          f"per cycle (driver round trips included)")
    print(f" descriptor port    {s['bus']['m_axi_sg']['ar']} fetches, {s['bus']['m_axi_sg']['aw']} write-backs")
    print(f" bounced bytes      {s['bounced_bytes']}  ({s['bounce_syncs']} bouncing syncs)")
    print(f" highest address    {s['max_addr']:#x} on m_axi/m_axi_sg (limit 0xffffffff)")
    from dmaengine.regs import ERROR_NAMES
    errs = ", ".join(f"{c} x {ERROR_NAMES.get(int(n), n)}" for n, c in s["errors"].items()) or "none"
    print(f" faults/errors      {errs} (injected); {s['halts']} channel halts recovered, "
          f"{s['resubmitted']} requests resubmitted")
    print(f" interrupts         {s['interrupts']};  register accesses {s['register_accesses']}")
    print(f" IOTLB hit rate     n/a on this platform (no IOMMU); the IOMMU platform runs on dma_top in tb/test_driver_iommu.py")
    print(f" scoreboard         {s['mismatches']} mismatches")
    print(f" seed               {s['seed']}  (replay: RANDOM_SEED={s['seed']} make sim)")
    if waves:
        print(f" waveform           {waves[0]}")
    else:
        print(f" waveform           WAVES=1 make sim  (lands in {build}_waves/)")
    print("=" * 72)
    return 0 if s["mismatches"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
