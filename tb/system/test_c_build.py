# SPDX-License-Identifier: Apache-2.0
"""Strict builds of the C driver (sw/c) and its examples (examples/).

Every host C compiler found (gcc, clang) compiles the library, the test harness and both
examples as -std=c99 -Wall -Wextra -Wpedantic -Wconversion -Werror; the library is also
compiled freestanding against the compiler's own headers only (-nostdinc: nothing but
<stdint.h>, <stddef.h>, <stdbool.h>) and its objects may not call anything (no memset,
no libc); the Linux example links against it. A RISC-V cross compiler, when installed
(Debian: gcc-riscv64-unknown-elf), compiles the library and the bare-metal example for
rv32imac freestanding; the test is skipped, saying so, when there is none.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
C = ROOT / "sw" / "c"
LIB = sorted((C / "src").glob("*.c"))
HARNESS = [C / "test" / "obdma_sim.c"]
BAREMETAL = ROOT / "examples" / "baremetal" / "main.c"
UIO = ROOT / "examples" / "linux-uio" / "obdma_uio.c"
STRICT = ["-std=c99", "-Wall", "-Wextra", "-Wpedantic", "-Wconversion", "-Werror"]
INC = [f"-I{C / 'include'}", f"-I{ROOT / 'include'}"]
HOST_CCS = ["gcc", "clang"]
RISCV_CCS = ["riscv64-unknown-elf-gcc", "riscv32-unknown-elf-gcc", "riscv64-linux-gnu-gcc"]


def _cc(cc, args, cwd):
    res = subprocess.run([cc, *args], cwd=cwd, capture_output=True, text=True)
    assert res.returncode == 0, f"{cc} {' '.join(map(str, args))}\n{res.stdout}{res.stderr}"
    return res


def _need(cc):
    if shutil.which(cc) is None:
        pytest.skip(f"{cc} is not installed")


@pytest.mark.parametrize("cc", HOST_CCS)
@pytest.mark.parametrize("opt", ["-O0", "-O2"])
def test_strict_host_build(cc, opt, tmp_path):
    _need(cc)
    objs = []
    for src in LIB + HARNESS + [BAREMETAL, UIO]:
        obj = tmp_path / (src.parent.name + "_" + src.stem + ".o")
        _cc(cc, [*STRICT, opt, *INC, "-c", str(src), "-o", str(obj)], tmp_path)
        objs.append(obj)
    # the Linux example links against the library
    lib_objs = objs[:len(LIB)]
    _cc(cc, [*lib_objs, objs[-1], "-o", str(tmp_path / "obdma_uio")], tmp_path)
    # the shared object the RTL tests load
    _cc(cc, [*STRICT, opt, "-fPIC", "-shared", *INC, *map(str, LIB + HARNESS), "-o", str(tmp_path / "lib.so")],
        tmp_path)


def _m32_works(cc, tmp_path):
    (tmp_path / "t.c").write_text("int f(void);\nint f(void) { return 0; }\n")
    return subprocess.run([cc, "-m32", "-c", "t.c"], cwd=tmp_path, capture_output=True).returncode == 0


@pytest.mark.parametrize("cc", HOST_CCS)
@pytest.mark.parametrize("bits,opt", [("64", "-O0"), ("64", "-O2"), ("32", "-O0"), ("32", "-O2")])
def test_freestanding_no_libc(cc, bits, opt, tmp_path):
    """Only the compiler's freestanding headers; the objects reference no symbol at all
    (no libc, and on a 32-bit target no runtime routine for 64-bit arithmetic either)."""
    _need(cc)
    extra = []
    if bits == "32":
        if not _m32_works(cc, tmp_path):
            pytest.skip(f"{cc} cannot compile for -m32")
        extra = ["-m32"]
    own = subprocess.run([cc, "-print-file-name=include"], capture_output=True, text=True).stdout.strip()
    for src in LIB:
        obj = tmp_path / (src.stem + ".o")
        _cc(cc, [*STRICT, opt, *extra, "-fno-pic", "-ffreestanding", "-nostdinc", "-isystem", own, *INC, "-c", str(src), "-o",
                 str(obj)], tmp_path)
        nm = subprocess.run(["nm", "-u", str(obj)], capture_output=True, text=True)
        undefined = [ln.split()[-1] for ln in nm.stdout.splitlines() if ln.strip()]
        assert undefined == [], f"{src.name} calls {undefined} (the library may depend on nothing)"


def test_rv32_freestanding_build(tmp_path):
    cc = next((c for c in RISCV_CCS if shutil.which(c)), None)
    if cc is None:
        pytest.skip("no RISC-V cross compiler installed (Debian package gcc-riscv64-unknown-elf: "
                    "`apt-get install gcc-riscv64-unknown-elf`); rv32 build not checked")
    flags = ["-march=rv32imac", "-mabi=ilp32", "-ffreestanding", "-O2", "-mcmodel=medany"]
    nm = cc[:-3] + "nm"
    for src in LIB + [BAREMETAL]:
        obj = tmp_path / (src.stem + ".o")
        _cc(cc, [*STRICT, *flags, *INC, "-c", str(src), "-o", str(obj)], tmp_path)
        if src in LIB and shutil.which(nm):
            out = subprocess.run([nm, "-u", str(obj)], capture_output=True, text=True).stdout.split()
            assert out[1::2] == [], f"{src.name} needs {out[1::2]}"
