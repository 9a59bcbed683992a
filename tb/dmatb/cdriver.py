# SPDX-License-Identifier: Apache-2.0
"""The C driver (sw/c) under cocotb: build it as a shared object, load it with ctypes,
and give it a platform layer that runs on the simulation.

    so = build_library()                        # in pytest, before run_cocotb (cached by content)
    ...
    drv = CDriver(env)                          # in the cocotb test; env: dmatb.engine_env.EngineEnv
    await drv.init()                            # obdma_init: probe, reset every channel
    await drv.chan_setup(0, ring_off=0x1000, nslots=64)
    await drv.submit(0, idx, KIND_M2M, src, dst, length)
    await drv.poll()        /   drv.start_irq_loop()   (obdma_irq_handler on irq[c])

The library is compiled together with a small harness (sw/c/test/obdma_sim.c) whose
platform hooks call back into Python: register reads and writes go to the test
bench's AXI4-Lite master (each C call runs in a thread through cocotb.task.bridge; the
callbacks await the bus with cocotb.task.resume), delays wait clock cycles (1 us = 100
cycles of the 100 MHz clock), and memory is the simulated RAM itself: the C side gets
a pointer into the bytearray the AxiMemory models serve (bus address = offset in it),
so what the C code writes is what the engine reads, with no copy to keep coherent.
C calls are serialised with a cocotb Lock (the library is not reentrant, as on a CPU
where the interrupt handler and submit exclude each other).
"""
from __future__ import annotations

import ctypes
import fcntl
import hashlib
import os
import subprocess
from pathlib import Path

import cocotb
from cocotb.task import bridge, resume
from cocotb.triggers import ClockCycles, Lock

ROOT = Path(__file__).resolve().parents[2]
C_DIR = ROOT / "sw" / "c"
GEN_INCLUDE = ROOT / "include"
BUILD_DIR = ROOT / "sim_build" / "cdriver"

KIND_M2M, KIND_M2S, KIND_S2M = 0, 1, 2
REQ_EOP = 0x1
BUS_AUTO = (1 << 64) - 1

# return codes (sw/c/include/obdma.h)
OK, EINVAL, ECHAN, EALIGN, E2BIG, EBUSY, ETIMEDOUT, ENODEV, EFAULT, ENOMEM, EIO, ENOENT, ECANCELED, EEXIST = (
    0, -1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12, -13)

CFLAGS = ["-std=c99", "-O1", "-g", "-Wall", "-Wextra", "-Wpedantic", "-Wconversion", "-Werror",
          "-fPIC", "-shared"]


def sources() -> list[Path]:
    return sorted((C_DIR / "src").glob("*.c")) + [C_DIR / "test" / "obdma_sim.c"]


def headers() -> list[Path]:
    return (sorted((C_DIR / "include").glob("*.h")) + sorted((C_DIR / "src").glob("*.h"))
            + sorted(GEN_INCLUDE.glob("*.h")))


def build_library(cc: str | None = None) -> Path:
    """Compile sw/c/src/*.c and the harness into sim_build/cdriver/libobdma_sim-<hash>.so.
    The name carries a hash of every source, header and flag, so a changed source gives
    a new file (a loaded library is never overwritten) and an unchanged one is reused."""
    cc = cc or os.environ.get("CC", "gcc")
    h = hashlib.sha256(" ".join([cc, *CFLAGS]).encode())
    for f in sources() + headers():
        h.update(str(f.relative_to(ROOT)).encode() + b"\0" + f.read_bytes())
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    so = BUILD_DIR / f"libobdma_sim-{h.hexdigest()[:16]}.so"
    with open(BUILD_DIR / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not so.exists():
            tmp = so.with_suffix(f".tmp{os.getpid()}")
            cmd = [cc, *CFLAGS, f"-I{C_DIR / 'include'}", f"-I{GEN_INCLUDE}", *map(str, sources()), "-o", str(tmp)]
            res = subprocess.run(cmd, capture_output=True, text=True)
            if res.returncode:
                raise RuntimeError(f"building the C driver failed:\n{' '.join(cmd)}\n{res.stderr}")
            tmp.rename(so)
    return so


_RD = ctypes.CFUNCTYPE(ctypes.c_uint32, ctypes.c_uint32)
_WR = ctypes.CFUNCTYPE(None, ctypes.c_uint32, ctypes.c_uint32)
_DELAY = ctypes.CFUNCTYPE(None, ctypes.c_uint32)
_DONE = ctypes.CFUNCTYPE(None, ctypes.c_uint32, ctypes.c_int32, ctypes.c_uint64, ctypes.c_int32, ctypes.c_uint32)
_HALT = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_uint32, ctypes.c_uint32, ctypes.c_uint64, ctypes.c_uint64,
                         ctypes.c_int32, ctypes.c_uint32, ctypes.c_uint32)
_FAULT = ctypes.CFUNCTYPE(None, ctypes.c_uint32, ctypes.c_uint32, ctypes.c_uint32, ctypes.c_uint64)

_P = ctypes.c_void_p
_U32, _U64, _I32, _BOOL = ctypes.c_uint32, ctypes.c_uint64, ctypes.c_int32, ctypes.c_bool
_SIGS = {
    # harness
    "sim_setup": (None, [_P, _U64, _RD, _WR, _DELAY, _DONE, _U32]),
    "sim_platform": (_P, []), "sim_dev": (_P, []), "sim_iommu": (_P, []), "sim_domain": (_P, [_U32]),
    "sim_ptr": (_P, [_U64]), "sim_counter": (_U64, [_U32]),
    "sim_caps": (_I32, [ctypes.POINTER(_U32)]), "sim_stats": (None, [ctypes.POINTER(_U32)]),
    "sim_chan_setup": (_I32, [_U32, _U64, _U64, _U32]),
    "sim_chan_setup_ptr": (_I32, [_U32, _P, _U32]),
    "sim_submit": (_I32, [_U32, _U32, _U32, _U64, _U64, _U64, _U32]),
    "sim_submit_null": (_I32, [_U32]),
    "sim_set_halt_handler": (_I32, [_U32, _HALT]),
    "sim_iommu_init": (_I32, [_U64, _U64, _U32, _U64, _U32, _U64, _U64, _U32]),
    "sim_fault_drain": (_I32, [_FAULT]), "sim_iommu_irq": (_I32, [_FAULT]),
    "sim_translate": (_I32, [_U32, _U64, ctypes.POINTER(_U64)]),
    "sim_domain_root": (_U64, [_U32]),
    # library (obdma.h, obdma_iommu.h)
    "obdma_probe": (_I32, [_P, _P]),
    "obdma_init": (_I32, [_P, _P]),
    "obdma_reset": (_I32, [_P]),
    "obdma_set_max_segment": (_I32, [_P, _U64]),
    "obdma_global_irq": (_I32, [_P, _BOOL]),
    "obdma_bus_master": (_I32, [_P, _BOOL]),
    "obdma_quiesce": (_I32, [_P]),
    "obdma_chan_irq": (_I32, [_P, ctypes.c_uint, _BOOL, ctypes.c_uint, _U32]),
    "obdma_stop": (_I32, [_P, ctypes.c_uint]),
    "obdma_resume": (_I32, [_P, ctypes.c_uint]),
    "obdma_chan_reset": (_I32, [_P, ctypes.c_uint]),
    "obdma_chan_state": (_I32, [_P, ctypes.c_uint, ctypes.POINTER(ctypes.c_uint), ctypes.POINTER(ctypes.c_uint)]),
    "obdma_chan_halted": (_BOOL, [_P, ctypes.c_uint]),
    "obdma_chan_outstanding": (ctypes.c_uint, [_P, ctypes.c_uint]),
    "obdma_poll": (_I32, [_P]),
    "obdma_irq_handler": (_I32, [_P, ctypes.c_uint]),
    "obdma_irq_global_handler": (_I32, [_P]),
    "obdma_drain": (_I32, [_P]),
    "obdma_strerror": (ctypes.c_char_p, [ctypes.c_int]),
    "obdma_iommu_set_mode": (_I32, [_P, ctypes.c_int]),
    "obdma_iommu_domain_init": (_I32, [_P, _P, _U32]),
    "obdma_iommu_attach": (_I32, [_P, _U32, _P]),
    "obdma_iommu_detach": (_I32, [_P, _U32]),
    "obdma_iommu_map": (_I32, [_P, _U64, _U64, _U64, ctypes.c_uint]),
    "obdma_iommu_map_range": (_I32, [_P, _U64, _U64, _U64, ctypes.c_uint]),
    "obdma_iommu_unmap": (_I32, [_P, _U64, _U64]),
    "obdma_iommu_unmap_sync": (_I32, [_P, _U64, _U64]),
    "obdma_iommu_inval_vma": (_I32, [_P, _P, _BOOL, _U64]),
    "obdma_iommu_inval_ddt": (_I32, [_P, _I32]),
    "obdma_iommu_fence": (_I32, [_P]),
}

CYCLES_PER_US = 100      # 10 ns clock


class CDriverError(AssertionError):
    pass


class CDriver:
    """The C library on a running EngineEnv (dma_engine or dma_top)."""

    def __init__(self, env, lib_path: str | Path | None = None, poll_budget: int = 5000):
        self.env = env
        self.dut = env.dut
        path = Path(lib_path or os.environ.get("OBDMA_LIB") or build_library())
        self.lib = ctypes.CDLL(str(path))
        for name, (res, args) in _SIGS.items():
            fn = getattr(self.lib, name)
            fn.restype = res
            fn.argtypes = args
        mem = env.mem.mem
        self._view = (ctypes.c_uint8 * len(mem)).from_buffer(mem)    # the RAM the models serve
        self.errors: list[BaseException] = []
        self.bus_errors: list[tuple[str, int, int]] = []
        self.done: dict[int, tuple[int, int, bool, int]] = {}
        self.done_order: list[int] = []
        self.halts: list[dict] = []
        self.faults: list[dict] = []
        self.halt_policy = None       # callable(info dict) -> bool (retry)
        self.reg_reads = self.reg_writes = 0
        self.lock = Lock()
        self._irq_task = None
        # keep the callback objects alive as long as the library may call them
        self._cb_rd = _RD(self._rd)
        self._cb_wr = _WR(self._wr)
        self._cb_delay = _DELAY(self._delay)
        self._cb_done = _DONE(self._done)
        self._cb_halt = _HALT(self._halt)
        self._cb_fault = _FAULT(self._fault)
        self.lib.sim_setup(ctypes.addressof(self._view), len(mem), self._cb_rd, self._cb_wr, self._cb_delay,
                           self._cb_done, poll_budget)
        self.dev = self.lib.sim_dev()
        self.plat = self.lib.sim_platform()
        self.iommu = self.lib.sim_iommu()

    # ------------------------------------------------------------------ platform callbacks
    # (they run in the bridge thread of the current C call)
    async def _bus_read(self, off):
        resp = await self.env.axil.read(off, 4)
        if int(resp.resp):
            self.bus_errors.append(("read", off, int(resp.resp)))
        return int.from_bytes(resp.data, "little")

    async def _bus_write(self, off, value):
        resp = await self.env.axil.write(off, int(value).to_bytes(4, "little"))
        if int(resp.resp):
            self.bus_errors.append(("write", off, int(resp.resp)))

    async def _wait(self, cycles):
        await ClockCycles(self.dut.clk, cycles)

    def _rd(self, off):
        try:
            self.reg_reads += 1
            return resume(self._bus_read)(off) & 0xFFFFFFFF
        except BaseException as e:  # noqa: BLE001 - reported after the C call returns
            self.errors.append(e)
            return 0xFFFFFFFF

    def _wr(self, off, value):
        try:
            self.reg_writes += 1
            resume(self._bus_write)(off, value)
        except BaseException as e:  # noqa: BLE001
            self.errors.append(e)

    def _delay(self, us):
        try:
            resume(self._wait)(max(1, us) * CYCLES_PER_US)
        except BaseException as e:  # noqa: BLE001
            self.errors.append(e)

    def _done(self, idx, status, nbytes, packet_end, retries):
        if idx in self.done:
            self.errors.append(CDriverError(f"request {idx} completed twice"))
        self.done[idx] = (status, nbytes, bool(packet_end), retries)
        self.done_order.append(idx)

    def _halt(self, ch, code, err_desc, cur_desc, failed_idx, failed_piece, wb_failed):
        info = dict(channel=ch, code=code, err_desc=err_desc, cur_desc=cur_desc, failed=failed_idx,
                    failed_piece=failed_piece, wb_failed=wb_failed)
        self.halts.append(info)
        try:
            return 1 if self.halt_policy and self.halt_policy(info) else 0
        except BaseException as e:  # noqa: BLE001
            self.errors.append(e)
            return 0

    def _fault(self, cause, ttyp, did, iova):
        self.faults.append(dict(cause=cause, ttyp=ttyp, did=did, iova=iova))

    # ------------------------------------------------------------------ calls
    async def call(self, name: str, *args):
        """Run a C function in a bridge thread (serialised); raise what a callback raised."""
        fn = getattr(self.lib, name)

        def run():
            return fn(*args)
        run.__qualname__ = name
        async with self.lock:
            rc = await bridge(run)()
        if self.errors:
            raise self.errors[0]
        return rc

    async def check(self, name: str, *args):
        rc = await self.call(name, *args)
        if isinstance(rc, int) and rc < 0:
            raise CDriverError(f"{name}{args}: {rc} ({self.strerror(rc)})")
        return rc

    def direct(self, name: str, *args):
        """Call a C function that only touches memory (page tables), without a bridge
        thread; a register access from it would fail (resume outside a bridge)."""
        rc = getattr(self.lib, name)(*args)
        if self.errors:
            raise self.errors[0]
        if isinstance(rc, int) and rc < 0:
            raise CDriverError(f"{name}{args}: {rc} ({self.strerror(rc)})")
        return rc

    def strerror(self, rc: int) -> str:
        return self.lib.obdma_strerror(rc).decode()

    def ptr(self, off: int) -> int:
        return ctypes.addressof(self._view) + off

    # engine
    async def init(self):
        await self.check("obdma_init", self.dev, self.plat)
        return self.caps()

    def caps(self) -> dict:
        out = (ctypes.c_uint32 * 9)()
        self.lib.sim_caps(out)
        keys = ("id", "version", "num_channels", "beat_bytes", "addr_width", "len_width", "max_burst_len",
                "cmd_depth", "iommu")
        return dict(zip(keys, list(out)))

    def stats(self) -> dict:
        out = (ctypes.c_uint32 * 9)()
        self.lib.sim_stats(out)
        keys = ("submitted", "completed", "failed", "descriptors", "halts", "retries", "interrupts", "polls",
                "doorbells")
        return dict(zip(keys, list(out)))

    def counters(self) -> dict:
        keys = ("reads", "writes", "wmb", "rmb", "clean", "inval", "delays", "bad_to_bus")
        return {k: self.lib.sim_counter(i) for i, k in enumerate(keys)}

    async def chan_setup(self, ch, ring_off, nslots, bus=BUS_AUTO):
        return await self.call("sim_chan_setup", ch, ring_off, bus, nslots)

    async def chan_irq(self, ch, enable, coal_count=0, coal_timeout=0):
        return await self.check("obdma_chan_irq", self.dev, ch, enable, coal_count, coal_timeout)

    async def submit(self, ch, idx, kind, src, dst, length, flags=REQ_EOP):
        return await self.call("sim_submit", ch, idx, kind, src, dst, length, flags)

    async def poll(self):
        return await self.check("obdma_poll", self.dev)

    async def set_halt_handler(self, ch, policy=None):
        self.halt_policy = policy
        return await self.check("sim_set_halt_handler", ch, self._cb_halt)

    async def state(self, ch):
        st, err = ctypes.c_uint(), ctypes.c_uint()
        await self.check("obdma_chan_state", self.dev, ch, ctypes.byref(st), ctypes.byref(err))
        return st.value, err.value

    def start_irq_loop(self, every: int = 8):
        """Serve irq[c] with obdma_irq_handler (the CPU's interrupt handler)."""
        async def loop():
            while True:
                await ClockCycles(self.dut.clk, every)
                lines = self.dut.irq.value
                if not lines.is_resolvable:
                    continue
                v = int(lines)
                for c in range(len(self.dut.irq)):
                    if v >> c & 1:
                        await self.check("obdma_irq_handler", self.dev, c)
        self._irq_task = cocotb.start_soon(loop())

    def stop_irq_loop(self):
        if self._irq_task is not None:
            self._irq_task.cancel()
            self._irq_task = None

    async def wait_done(self, idxs, mode="poll", max_cycles=400_000, every=64):
        """Until every request in idxs has completed: polling (obdma_poll) or waiting for
        the interrupt loop."""
        start = self.env.cycle
        want = set(idxs)
        while not want <= self.done.keys():
            assert self.env.cycle - start < max_cycles, (
                f"requests {sorted(want - self.done.keys())[:10]} not completed after {max_cycles} cycles")
            if mode == "poll":
                await self.poll()
            await ClockCycles(self.dut.clk, every)

    # IOMMU
    async def iommu_init(self, ddt, cq, cq_log2, fq, fq_log2, fence, pool, pages):
        return await self.check("sim_iommu_init", ddt, cq, cq_log2, fq, fq_log2, fence, pool, pages)

    def domain(self, i):
        return self.lib.sim_domain(i)

    async def fault_drain(self):
        return await self.check("sim_fault_drain", self._cb_fault)

    def translate(self, dom: int, iova: int):
        pa = ctypes.c_uint64()
        rc = self.lib.sim_translate(dom, iova, ctypes.byref(pa))   # memory only: no bridge needed
        return pa.value if rc == 0 else None
