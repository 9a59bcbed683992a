#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The register map in the formats users' tools read: SystemRDL, IP-XACT 2014, HTML.

    python regmap/gen_formats.py             rewrite regmap/out/*.rdl and *.ipxact.xml
    python regmap/gen_formats.py --check     exit 1 and list the outputs that differ
    python regmap/gen_formats.py --out DIR   write the outputs into DIR instead
    python regmap/gen_formats.py --html      also write the HTML reference, regmap/out/html/

Everything comes from the single sources, regmap/dma_regmap.py (the engine page) and
regmap/iommu_regmap.py (the IOMMU page), and, for the IP-XACT components' ports and
bus interfaces, from the port lists of rtl/**/dma_engine.v and rtl/**/dma_top.v
(read by the small ANSI-port parser below). Outputs (deterministic, no timestamps):

    regmap/out/openbusdma.rdl          SystemRDL 2.0: addrmaps dma_engine_regs (the engine
                                       page, parameterised like the RTL), dma_iommu_regs
                                       (the IOMMU page) and dma_top (both, at 0x0000 and
                                       0x1000 of dma_top's AXI4-Lite port)
    regmap/out/dma_engine.ipxact.xml   IP-XACT 1685-2014 component: the memory map from
    regmap/out/dma_top.ipxact.xml      PeakRDL IP-XACT, plus parameters, ports, bus
                                       interfaces, the RTL view and its files (added here)
    regmap/out/html/                   PeakRDL HTML register reference (--html, not in git)

docs/regmap-formats.md explains the files and the choices made.
"""
from __future__ import annotations

import argparse
import importlib.util
import re
import sys
import tempfile
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
ENGINE_SRC = HERE / "dma_regmap.py"
IOMMU_SRC = HERE / "iommu_regmap.py"

RDL_NAME = "openbusdma.rdl"
ENGINE_DEF = "dma_engine_regs"     # SystemRDL addrmap definitions
IOMMU_DEF = "dma_iommu_regs"
TOP_DEF = "dma_top"
COMPONENTS = ("dma_engine", "dma_top")   # the IP-XACT components: RTL modules

NS = "http://www.accellera.org/XMLSchema/IPXACT/1685-2014"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
EXT_NS = "urn:openbusdma:ipxact-extensions:1"   # our vendorExtensions (source access type, reset)
VENDOR = "openbusdma"
LIBRARY = "ip"

# Bus and abstraction definitions (vendor, library, name, version) the bus interfaces refer
# to: Arm's AMBA4 IP-XACT definitions, and the clock/reset/interrupt signal definitions that
# Vivado's IP integrator uses (there is no vendor-neutral set of those).
BUS_DEFS = {
    "axi4lite": (("amba.com", "AMBA4", "AXI4-Lite", "r0p0_0"), ("amba.com", "AMBA4", "AXI4-Lite_rtl", "r0p0_0")),
    "axi4": (("amba.com", "AMBA4", "AXI4", "r0p0_0"), ("amba.com", "AMBA4", "AXI4_rtl", "r0p0_0")),
    "axi4stream": (("amba.com", "AMBA4", "AXI4Stream", "r0p0_1"), ("amba.com", "AMBA4", "AXI4Stream_rtl", "r0p0_1")),
    "clock": (("xilinx.com", "signal", "clock", "1.0"), ("xilinx.com", "signal", "clock_rtl", "1.0")),
    "reset": (("xilinx.com", "signal", "reset", "1.0"), ("xilinx.com", "signal", "reset_rtl", "1.0")),
    "interrupt": (("xilinx.com", "signal", "interrupt", "1.0"), ("xilinx.com", "signal", "interrupt_rtl", "1.0")),
}

# What each port-name prefix means: (prefix, kind, mode). The longest prefix wins; a port
# that matches none of these (nor clk/rst/irq*) stops the generator.
IFACE_PREFIXES = [
    (re.compile(r"^(s_axil)_(\w+)$"), "axi4lite", "slave"),
    (re.compile(r"^(m_axi(?:_[a-z0-9]+)?)_(aw\w+|w(?:data|strb|last|valid|ready|user)|b\w+|ar\w+|r(?:id|data|resp|last|valid|ready|user))$"),
     "axi4", "master"),
    (re.compile(r"^(m_axis(?:_[a-z0-9]+)?)_(t\w+)$"), "axi4stream", "master"),
    (re.compile(r"^(s_axis(?:_[a-z0-9]+)?)_(t\w+)$"), "axi4stream", "slave"),
]

IFACE_DESC = {
    ("dma_engine", "s_axil"): "AXI4-Lite slave: the engine's register page (4 KiB).",
    ("dma_engine", "m_axi"): "AXI4 master: data transfers (AxUSER = channel number).",
    ("dma_engine", "m_axi_sg"): "AXI4 master: descriptor fetch and status write-back (AxUSER = channel number).",
    ("dma_top", "s_axil"): "AXI4-Lite slave: the engine's page at 0x0000, the IOMMU's at 0x1000.",
    ("dma_top", "m_axi"): "AXI4 master: memory (the engine's data and descriptor traffic, translated by the IOMMU).",
    ("dma_top", "m_axi_tw"): "AXI4 master: the IOMMU's device-directory, page-table and queue accesses.",
    (None, "m_axis"): "AXI4-Stream master: data to a device (memory-to-stream descriptors).",
    (None, "s_axis"): "AXI4-Stream slave: data from a device (stream-to-memory descriptors).",
    (None, "clk"): "The one clock; every bus interface is synchronous to it.",
    (None, "rst"): "Synchronous reset, active high.",
    (None, "irq"): "Per-channel interrupt lines irq[c], level, active high.",
    (None, "irq_global"): "Global interrupt: GCTRL.GIE & |irq, level, active high.",
    (None, "irq_iommu"): "IOMMU wire interrupt (IPSR.CIP | IPSR.FIP while FCTL.WSI = 1), level, active high.",
}

COMPONENT_DESC = {
    "dma_engine": "openbusdma DMA engine: AXI4-Lite registers, NUM_CHANNELS scatter-gather channels, "
                  "AXI4 data and descriptor masters, AXI4-Stream ports.",
    "dma_top": "openbusdma DMA engine with its RISC-V IOMMU (subset): one AXI4-Lite register port "
               "(engine page at 0x0000, IOMMU page at 0x1000), one translated AXI4 memory master and "
               "the IOMMU's table-walk master, AXI4-Stream ports.",
}


def load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def project_version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def tool_versions() -> str:
    from importlib.metadata import version
    return (f"systemrdl-compiler {version('systemrdl-compiler')}, "
            f"peakrdl-ipxact {version('peakrdl-ipxact')}")


# ============================================================================ RTL ports

class Port(NamedTuple):
    name: str
    direction: str          # "in" / "out" / "inout"
    left: str | None        # vector bounds as written in the RTL, or None for a scalar
    right: str | None


def find_rtl(module: str) -> Path:
    hits = sorted(p for p in (ROOT / "rtl").rglob(f"{module}.v"))
    if len(hits) != 1:
        raise SystemExit(f"gen_formats: expected one rtl/**/{module}.v, found {[str(h) for h in hits]}")
    return hits[0]


def _strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def _balanced(text: str, start: int) -> tuple[str, int]:
    """The text inside the parenthesis that opens at text[start], and the index after it."""
    assert text[start] == "("
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return text[start + 1:i], i + 1
    raise SystemExit("gen_formats: unbalanced parentheses in a module header")


def _split_top(text: str, sep: str = ",") -> list[str]:
    """Split at `sep` outside (), [] and {}."""
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return [p.strip() for p in parts if p.strip()]


def _range_split(rng: str) -> tuple[str, str]:
    """'A:B' -> (A, B), where A may hold ?: inside or outside parentheses."""
    depth, pending = 0, 0
    for i, ch in enumerate(rng):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and ch == "?":
            pending += 1
        elif depth == 0 and ch == ":":
            if pending:
                pending -= 1
            else:
                return rng[:i], rng[i + 1:]
    raise SystemExit(f"gen_formats: cannot split the range [{rng}]")


def _norm(expr: str) -> str:
    return re.sub(r"\s+", " ", expr).strip()


def parse_module(path: Path, module: str) -> tuple[list[tuple[str, str]], list[Port]]:
    """(parameters [(name, default)], ports) of an ANSI-style Verilog module header."""
    text = _strip_comments(path.read_text())
    m = re.search(rf"\bmodule\s+{re.escape(module)}\b\s*", text)
    if not m:
        raise SystemExit(f"gen_formats: module {module} not found in {path}")
    i = m.end()
    params: list[tuple[str, str]] = []
    if text[i] == "#":
        j = text.index("(", i)
        body, i = _balanced(text, j)
        for p in _split_top(body):
            pm = re.fullmatch(r"parameter\s+(?:integer\s+|signed\s+)?(?:\[[^\]]*\]\s*)?(\w+)\s*=\s*(.+)", p, re.S)
            if not pm:
                raise SystemExit(f"gen_formats: cannot read parameter {p!r} of {module}")
            params.append((pm.group(1), _norm(pm.group(2))))
    j = text.index("(", i)
    body, _ = _balanced(text, j)
    ports = []
    for p in _split_top(body):
        pm = re.fullmatch(r"(input|output|inout)\s+(?:(?:wire|reg|logic)\s+)?(?:signed\s+)?"
                          r"(?:\[(.+)\]\s*)?([A-Za-z_]\w*)", p, re.S)
        if not pm:
            raise SystemExit(f"gen_formats: cannot read port {p!r} of {module} (ANSI ports only)")
        d = {"input": "in", "output": "out", "inout": "inout"}[pm.group(1)]
        left = right = None
        if pm.group(2) is not None:
            left, right = (_norm(x) for x in _range_split(pm.group(2)))
        ports.append(Port(pm.group(3), d, left, right))
    return params, ports


def interfaces(module: str, ports: list[Port]) -> list[dict]:
    """Bus interfaces inferred from the port names, in port order."""
    out: dict[str, dict] = {}
    for p in ports:
        if p.name == "clk":
            key, kind, mode, logical = "clk", "clock", "slave", "CLK"
        elif p.name == "rst":
            key, kind, mode, logical = "rst", "reset", "slave", "RST"
        elif re.fullmatch(r"irq\w*", p.name):
            key, kind, mode, logical = p.name, "interrupt", "master", "INTERRUPT"
        else:
            for rx, kind, mode in IFACE_PREFIXES:
                mm = rx.match(p.name)
                if mm:
                    key, logical = mm.group(1), mm.group(2).upper()
                    break
            else:
                raise SystemExit(f"gen_formats: {module}.{p.name}: no bus interface for this port name")
        iface = out.setdefault(key, dict(name=key, kind=kind, mode=mode, maps=[]))
        assert iface["kind"] == kind and iface["mode"] == mode, p.name
        iface["maps"].append((logical, p.name))
    return list(out.values())


# ============================================================================ SystemRDL

ACCESS_RDL = {
    # source access -> SystemRDL field properties (the hardware side is our reading of the
    # source's text: RO registers with a non-zero or build-parameter reset are constants)
    "RO": "sw = r; hw = w;",
    "RO_CONST": "sw = r; hw = na;",
    "RW": "sw = rw; hw = r;",
    "WO": "sw = w; hw = r;",
    "W1C": "sw = rw; hw = r; onwrite = woclr; hwset; precedence = hw;",
    "RW1C": "sw = rw; hw = r; onwrite = woclr; hwset; precedence = hw;",
    "WARL": "sw = rw; hw = r; warl = true;",
}


def rdl_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def rdl_expr(expr: str, params: set[str]) -> str:
    """A reset expression of the Python source (e.g. 'DATA_WIDTH/8', 'min(ADDR_WIDTH, 56)')
    as a SystemRDL expression over the addrmap's parameters."""
    e = expr
    for _ in range(4):
        e = re.sub(r"\bmin\(\s*([^(),]+?)\s*,\s*([^(),]+?)\s*\)", r"((\1 < \2) ? \1 : \2)", e)
        e = re.sub(r"\bmax\(\s*([^(),]+?)\s*,\s*([^(),]+?)\s*\)", r"((\1 > \2) ? \1 : \2)", e)
    for ident in re.findall(r"[A-Za-z_]\w*", e):
        if ident not in params:
            raise SystemExit(f"gen_formats: reset expression {expr!r}: {ident} is not a build parameter")
    if not re.fullmatch(r"[\w\s()+\-*/<>?:]+", e):
        raise SystemExit(f"gen_formats: reset expression {expr!r} is not supported")
    return e


def expr_params(expr: str) -> set[str]:
    return {i for i in re.findall(r"[A-Za-z_]\w*", expr) if i not in ("min", "max")}


def eval_reset(expr: str, values: dict[str, int]) -> int:
    """The value of a source reset expression for the given parameter values."""
    return int(eval(expr, {"__builtins__": {}, "min": min, "max": max}, dict(values)))  # noqa: S307


# registers whose value never changes after elaboration (the hardware does not write them)
CONST_REGS = {"ID", "VERSION", "CAP0", "CAP1", "CAPABILITIES"}


def is_const_reg(r: dict) -> bool:
    return r["access"] == "RO" and r["name"] in CONST_REGS


def _rdl_reg(r: dict, width: int, params: set[str], ind: str, encodes: dict | None = None) -> list[str]:
    encodes = encodes or {}
    out = [f"{ind}reg {{"]
    if width != 32:
        out.append(f"{ind}    regwidth = {width};")
    out.append(f"{ind}    desc = {rdl_str(r['desc'])};")
    for f in sorted(r["fields"], key=lambda f: f["lsb"]):
        acc = "RO_CONST" if f["access"] == "RO" and is_const_reg(r) else f["access"]
        props = [ACCESS_RDL[acc], f"access_type = {rdl_str(f['access'])};"]
        desc = f["desc"]
        if (r["name"], f["name"]) in encodes:
            props.append(f"encode = {encodes[(r['name'], f['name'])]};")
        if isinstance(f["reset"], str):
            reset = rdl_expr(f["reset"], params)
            props.append(f"reset_param = {rdl_str(f['reset'])};")
            desc += ("" if desc.endswith(".") else ".") + f" Reset value: {f['reset']}, from the build parameters."
        else:
            reset = f"0x{f['reset']:X}"
        out.append(f"{ind}    field {{ {' '.join(props)}")
        out.append(f"{ind}            desc = {rdl_str(desc)}; }} {f['name']}[{f['msb']}:{f['lsb']}] = {reset};")
    out.append(f"{ind}}} {r['name']} @ 0x{r['offset']:03X};")
    return out


def _rdl_params(names: list[str], defaults: dict[str, int]) -> str:
    return "#(\n" + ",\n".join(f"    longint unsigned {n} = {defaults[n]}" for n in names) + "\n)"


def gen_rdl(dm, im, top_params: list[str]) -> str:
    """The SystemRDL text. top_params: the build parameters dma_top passes to the engine."""
    pdef = {n: d for n, d, _ in dm.PARAMETERS}
    pdesc = {n: t for n, _, t in dm.PARAMETERS}
    eparams = [n for n, _, _ in dm.PARAMETERS]
    iparams = sorted({p for r in im.REGS for f in r["fields"] if isinstance(f["reset"], str)
                      for p in expr_params(f["reset"])})
    for p in iparams:
        assert p in pdef, f"IOMMU reset parameter {p} is not in dma_regmap.PARAMETERS"
    access_doc = {a: d for a, d in dm.ACCESS_TYPES} | {a: d for a, d in im.ACCESS_TYPES}
    out = [
        f"// generated by regmap/gen_formats.py from regmap/dma_regmap.py and regmap/iommu_regmap.py, do not edit.",
        "// SPDX-License-Identifier: Apache-2.0",
        "//",
        "// The openbusdma register map in SystemRDL 2.0 (docs/regmap-formats.md).",
        f"//   {ENGINE_DEF}  the DMA engine's 4 KiB page (dma_engine's AXI4-Lite port); its",
        "//                    parameters are the RTL's build parameters that show in the registers,",
        "//                    and the channel block CH is an array of NUM_CHANNELS (default "
        f"{pdef['NUM_CHANNELS']}, 1..{dm.MAX_CHANNELS})",
        f"//   {IOMMU_DEF}   the IOMMU's 4 KiB page (RISC-V IOMMU v1.0 register layout, the subset built)",
        f"//   {TOP_DEF}          dma_top's AXI4-Lite port: engine page at 0x{0:04X}, IOMMU page at "
        f"0x{im.DMA_TOP_BASE:04X}",
        "//                    (the one a tool elaborates when not told which: it comes last)",
        "//",
        "// Access types of the source and their SystemRDL form:",
    ]
    for a, d in access_doc.items():
        out.append(f"//   {a:<5} {ACCESS_RDL[a]}  ({d})")
    out += [
        "//   (an RO field of a constant register, ID/VERSION/CAP*/CAPABILITIES, has hw = na)",
        "// Offsets not described read 0 and ignore writes on the IOMMU page; on the engine page they",
        "// answer SLVERR (docs/registers.md).",
        "",
        "// the source's access type (RO, RW, WO, W1C, WARL, RW1C), kept for tools and readers",
        "property access_type { type = string; component = field; };",
        "// a reset value that depends on build parameters: the source's expression",
        "property reset_param { type = string; component = field; };",
        "// write any, read legal: a write of an unsupported value is ignored",
        "property warl { type = boolean; component = field; };",
        "",
        f"addrmap {ENGINE_DEF} {_rdl_params(eparams, pdef)} {{",
        '    name = "DMA engine registers";',
        "    desc = " + rdl_str(
            "The DMA engine's register page (regmap/dma_regmap.py, docs/registers.md): global registers "
            f"at 0x000-0x{dm.CH0_BASE - 1:03X}, channel c's block at 0x{dm.CH0_BASE:03X} + c * 0x{dm.CH_STRIDE:X} "
            f"(c < NUM_CHANNELS, at most {dm.MAX_CHANNELS}), MSI vector v's at 0x{dm.VEC0_BASE:03X} + v * 0x{dm.VEC_STRIDE:X} "
            "(v <= NUM_CHANNELS). Unmapped offsets answer SLVERR. Build parameters: "
            + "; ".join(f"{n} = {pdef[n]} ({pdesc[n]})" for n in eparams) + ".") + ";",
        f"    default regwidth = {dm.REG_WIDTH};",
        f"    default accesswidth = {dm.REG_WIDTH};",
        "",
    ]
    for r in dm.GLOBAL_REGS:
        out += _rdl_reg(r, dm.REG_WIDTH, set(eparams), "    ")
    # the code tables of dma_regmap.py, as enumerations of the fields that hold them
    enc = {}
    for (reg, field), (ename, codes, width) in {
            ("STATUS", "STATE"): ("dma_state", dm.STATE_CODES, dm.STATE_WIDTH),
            ("STATUS", "ERR_CODE"): ("dma_error", dm.ERROR_CODES, dm.ERR_WIDTH)}.items():
        f = next(f for r in dm.CHANNEL_REGS if r["name"] == reg for f in r["fields"] if f["name"] == field)
        assert f["msb"] - f["lsb"] + 1 == width, (reg, field)
        enc[(reg, field)] = ename
        out += ["", f"    enum {ename} {{"]
        out += [f"        {n} = {width}'d{v} {{ desc = {rdl_str(d)}; }};" for v, n, d in codes]
        out.append("    };")
    out += [
        "",
        "    regfile dma_channel_regs {",
        "        desc = " + rdl_str(f"One channel's registers ({dm.CH_STRIDE:#x} bytes).") + ";",
    ]
    for r in dm.CHANNEL_REGS:
        out += _rdl_reg(r, dm.REG_WIDTH, set(eparams), "        ", enc)
    out += [
        "    };",
        f"    dma_channel_regs CH[NUM_CHANNELS] @ 0x{dm.CH0_BASE:03X} += 0x{dm.CH_STRIDE:X};",
        "",
        "    regfile dma_vector_regs {",
        "        desc = " + rdl_str(f"One MSI vector's registers ({dm.VEC_STRIDE:#x} bytes): vector c is channel "
                                 "c's, vector NUM_CHANNELS the error vector.") + ";",
    ]
    for r in dm.VECTOR_REGS:
        out += _rdl_reg(r, dm.REG_WIDTH, set(eparams), "        ", enc)
    out += [
        "    };",
        f"    dma_vector_regs VEC[NUM_CHANNELS+1] @ 0x{dm.VEC0_BASE:03X} += 0x{dm.VEC_STRIDE:X};",
        "};",
        "",
        f"addrmap {IOMMU_DEF} {_rdl_params(iparams, pdef)} {{" if iparams else f"addrmap {IOMMU_DEF} {{",
        '    name = "IOMMU registers";',
        "    desc = " + rdl_str(
            "The IOMMU's register page (regmap/iommu_regmap.py, docs/iommu.md): the RISC-V IOMMU "
            "specification's memory-mapped registers, reduced to what this IOMMU implements, plus four "
            "custom 64-bit event counters. Accesses are 32-bit: an 8-byte register is two halves, the low "
            "one at its offset. Offsets not listed read 0 and ignore writes.") + ";",
        "    default accesswidth = 32;",
        "",
    ]
    for r in im.REGS:
        out += _rdl_reg(r, r["width"], set(iparams), "    ")
    tp = [p for p in eparams if p in top_params or p in iparams]
    passed = [f".{p}({p})" for p in tp] + [".IOMMU_PRESENT(1)"]
    ipassed = [f".{p}({p})" for p in iparams]
    out += [
        "};",
        "",
        f"addrmap {TOP_DEF} {_rdl_params(tp, pdef)} {{",
        '    name = "dma_top registers";',
        "    desc = " + rdl_str(
            "dma_top's AXI4-Lite port: the engine page, built with IOMMU_PRESENT = 1, "
            f"at 0x0000 and the IOMMU page at 0x{im.DMA_TOP_BASE:04X}.") + ";",
        f"    {ENGINE_DEF} #({', '.join(passed)}) engine @ 0x0000;",
        f"    {IOMMU_DEF} {'#(' + ', '.join(ipassed) + ') ' if ipassed else ''}iommu @ 0x{im.DMA_TOP_BASE:04X};",
        "};",
    ]
    return "\n".join(out) + "\n"


def compile_rdl(text: str, top: str, parameters: dict | None = None, inst_name: str | None = None):
    """Compile the SystemRDL text and elaborate `top`; the RootNode."""
    from systemrdl import RDLCompiler

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / RDL_NAME
        path.write_text(text)
        rdlc = RDLCompiler()
        rdlc.compile_file(str(path))
        return rdlc.elaborate(top, inst_name, parameters or {})


# ============================================================================ IP-XACT

def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    el = ET.SubElement(parent, _q(tag), {k: v for k, v in attrs.items()})
    if text is not None:
        el.text = text
    return el


def _vlnv(parent: ET.Element, tag: str, v: tuple[str, str, str, str]) -> ET.Element:
    return _sub(parent, tag, vendor=v[0], library=v[1], name=v[2], version=v[3])


def _insert_after(parent: ET.Element, new: ET.Element, after: list[str]) -> None:
    """Insert `new` after the last child whose tag is one of `after` (schema order)."""
    idx = 0
    for i, ch in enumerate(list(parent)):
        if ch.tag in [_q(a) for a in after]:
            idx = i + 1
    parent.insert(idx, new)


def _post_memory_map(comp: ET.Element, page_size: int, fields_by_path: dict) -> None:
    """Fix what the exporter cannot know: the name of the memory map, the 4 KiB extent of each
    page, the 32-bit bus; and record the source's access type and parameter resets."""
    mmap = comp.find(f"{_q('memoryMaps')}/{_q('memoryMap')}")
    mmap.find(_q("name")).text = "regs"
    for ab in mmap.findall(_q("addressBlock")):
        ab.find(_q("range")).text = f"'h{page_size:x}"
        ab.find(_q("width")).text = "32"
        def walk(el: ET.Element, path: list[str]) -> None:
            for ch in el:
                if ch.tag in (_q("registerFile"), _q("register")):
                    walk(ch, path + [ch.find(_q("name")).text])
                elif ch.tag == _q("field"):
                    key = ".".join(path + [ch.find(_q("name")).text])
                    src = fields_by_path[key]
                    ve = ET.SubElement(ch, _q("vendorExtensions"))
                    ET.SubElement(ve, f"{{{EXT_NS}}}accessType").text = src["access"]
                    if isinstance(src["reset"], str):
                        ET.SubElement(ve, f"{{{EXT_NS}}}resetParameter").text = src["reset"]
        walk(ab, [ab.find(_q("name")).text])


def _fields_by_path(dm, im, component: str) -> dict[str, dict]:
    """'block.REG.FIELD' / 'engine.CH.REG.FIELD' -> the source field."""
    out = {}
    blocks = [("engine", dm)] + ([("iommu", im)] if component == "dma_top" else [])
    for block, m in blocks:
        if m is dm:
            for r in dm.GLOBAL_REGS:
                for f in r["fields"]:
                    out[f"{block}.{r['name']}.{f['name']}"] = f
            for r in dm.CHANNEL_REGS:
                for f in r["fields"]:
                    out[f"{block}.CH.{r['name']}.{f['name']}"] = f
            for r in dm.VECTOR_REGS:
                for f in r["fields"]:
                    out[f"{block}.VEC.{r['name']}.{f['name']}"] = f
        else:
            for r in im.REGS:
                for f in r["fields"]:
                    out[f"{block}.{r['name']}.{f['name']}"] = f
    return out


def rtl_files(module: str) -> tuple[list[str], list[str], list[str]]:
    """(sources, include files, include directories) for `module`, relative to the repository
    root: from rtl/manifest.py where it exists, else every rtl/**/*.v."""
    man_path = ROOT / "rtl" / "manifest.py"
    if man_path.exists():
        man = load(man_path)
        srcs = list(man.files(module))
        incdirs = list(man.INCDIRS)
    else:
        srcs = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "rtl").rglob("*.v"))
        incdirs = ["rtl/include"]
    incs = sorted(str(p.relative_to(ROOT)) for d in incdirs for p in (ROOT / d).glob("*.vh"))
    return srcs, incs, incdirs


def gen_ipxact(component: str, rdl_text: str, dm, im) -> str:
    from peakrdl_ipxact import IPXACTExporter, Standard

    rtl = find_rtl(component)
    params, ports = parse_module(rtl, component)
    ifaces = interfaces(component, ports)
    if component == "dma_engine":
        root = compile_rdl(rdl_text, ENGINE_DEF, inst_name="engine")
    else:
        root = compile_rdl(rdl_text, TOP_DEF)
    with tempfile.TemporaryDirectory() as tmp:
        xml_path = Path(tmp) / "x.xml"
        IPXACTExporter(vendor=VENDOR, library=LIBRARY, version=project_version(),
                       standard=Standard.IEEE_1685_2014).export(root.top, str(xml_path),
                                                                component_name=component)
        text = xml_path.read_text()
    ET.register_namespace("ipxact", NS)
    ET.register_namespace("xsi", XSI)
    ET.register_namespace("obd", EXT_NS)
    comp = ET.fromstring(text)
    _post_memory_map(comp, dm.PAGE_SIZE, _fields_by_path(dm, im, component))

    # ---- bus interfaces (before memoryMaps)
    bis = ET.Element(_q("busInterfaces"))
    bus_ifaces = [i["name"] for i in ifaces if i["kind"] in ("axi4lite", "axi4", "axi4stream")]
    for i in ifaces:
        bi = _sub(bis, "busInterface")
        _sub(bi, "name", i["name"])
        desc = IFACE_DESC.get((component, i["name"])) or IFACE_DESC.get((None, i["name"]))
        if desc:
            _sub(bi, "description", desc)
        bus, abst = BUS_DEFS[i["kind"]]
        _vlnv(bi, "busType", bus)
        ats = _sub(bi, "abstractionTypes")
        at = _sub(ats, "abstractionType")
        _vlnv(at, "abstractionRef", abst)
        pms = _sub(at, "portMaps")
        for logical, phys in i["maps"]:
            pm = _sub(pms, "portMap")
            _sub(_sub(pm, "logicalPort"), "name", logical)
            _sub(_sub(pm, "physicalPort"), "name", phys)
        mode = _sub(bi, i["mode"])
        if i["kind"] == "axi4lite":
            _sub(mode, "memoryMapRef", memoryMapRef="regs")
        bparams = []
        if i["kind"] == "clock":
            bparams = [("ASSOCIATED_BUSIF", ":".join(bus_ifaces)), ("ASSOCIATED_RESET", "rst")]
        elif i["kind"] == "reset":
            bparams = [("POLARITY", "ACTIVE_HIGH")]
        elif i["kind"] == "interrupt":
            bparams = [("SENSITIVITY", "LEVEL_HIGH")]
        if i["kind"] == "axi4lite":
            _sub(bi, "endianness", "little")
        if bparams:
            ps = _sub(bi, "parameters")
            for n, v in bparams:
                p = _sub(ps, "parameter", parameterId=f"{i['name']}_{n}", resolve="immediate", type="string")
                _sub(p, "name", n)
                _sub(p, "value", f'"{v}"')
    _insert_after(comp, bis, ["vendor", "library", "name", "version"])

    # ---- model: view, instantiation with module parameters, ports (after memoryMaps)
    model = ET.Element(_q("model"))
    views = _sub(model, "views")
    v = _sub(views, "view")
    _sub(v, "name", "rtl")
    _sub(v, "envIdentifier", ":*Simulation:")
    _sub(v, "envIdentifier", ":*Synthesis:")
    _sub(v, "componentInstantiationRef", "verilog_rtl")
    insts = _sub(model, "instantiations")
    ci = _sub(insts, "componentInstantiation")
    _sub(ci, "name", "verilog_rtl")
    _sub(ci, "language", "verilog")
    _sub(ci, "moduleName", component)
    mps = _sub(ci, "moduleParameters")
    for n, d in params:
        mp = _sub(mps, "moduleParameter", parameterId=f"module_{n}", type="longint", dataType="integer")
        _sub(mp, "name", n)
        _sub(mp, "value", n)
    fsr = _sub(ci, "fileSetRef")
    _sub(fsr, "localName", "rtl")
    xports = _sub(model, "ports")
    for p in ports:
        xp = _sub(xports, "port")
        _sub(xp, "name", p.name)
        w = _sub(xp, "wire")
        _sub(w, "direction", p.direction)
        if p.left is not None:
            vec = _sub(_sub(w, "vectors"), "vector")
            _sub(vec, "left", p.left)
            _sub(vec, "right", p.right)
    _insert_after(comp, model, ["vendor", "library", "name", "version", "busInterfaces", "memoryMaps"])

    # ---- file set (paths relative to this XML file, regmap/out/)
    srcs, incs, incdirs = rtl_files(component)
    fss = ET.Element(_q("fileSets"))
    fs = _sub(fss, "fileSet")
    _sub(fs, "name", "rtl")
    rel = "../../"
    for s in srcs:
        f = _sub(fs, "file")
        _sub(f, "name", rel + s)
        _sub(f, "fileType", "verilogSource-2001")
    for s in incs:
        f = _sub(fs, "file")
        _sub(f, "name", rel + s)
        _sub(f, "fileType", "verilogSource-2001")
        _sub(f, "isIncludeFile", "true")
    for d in incdirs:
        _sub(fs, "dependency", rel + d)
    _insert_after(comp, fss, ["vendor", "library", "name", "version", "busInterfaces", "memoryMaps", "model"])

    # ---- description and component parameters (the RTL's, with its defaults)
    _sub(comp, "description", COMPONENT_DESC[component] + " Generated by regmap/gen_formats.py.")
    ps = _sub(comp, "parameters")
    for n, d in params:
        p = _sub(ps, "parameter", parameterId=n, resolve="user", type="longint")
        _sub(p, "name", n)
        _sub(p, "value", d)

    ET.indent(comp, "  ")
    body = ET.tostring(comp, encoding="unicode")
    banner = (f"generated by regmap/gen_formats.py from regmap/dma_regmap.py"
              + (", regmap/iommu_regmap.py" if component == "dma_top" else "")
              + f" and {rtl.relative_to(ROOT)} ({tool_versions()}), do not edit")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<!-- {banner} -->\n"
            "<!-- SPDX-License-Identifier: Apache-2.0 -->\n"
            f"<!-- IP-XACT 1685-2014 component {component}: see docs/regmap-formats.md -->\n"
            + body + "\n")


# ============================================================================ HTML, C

def export_html(rdl_text: str, out_dir: Path) -> None:
    from peakrdl_html import HTMLExporter

    root = compile_rdl(rdl_text, TOP_DEF)
    HTMLExporter(extra_doc_properties=["access_type", "reset_param", "warl"],
                 generate_source_links=False).export(
        root.top, str(out_dir), title="openbusdma register reference",
        footer="generated by regmap/gen_formats.py from regmap/dma_regmap.py and regmap/iommu_regmap.py")


def export_cheader(rdl_text: str, path: Path, top: str = TOP_DEF, parameters: dict | None = None) -> None:
    """A C header by PeakRDL (for cross-checking include/dma_regs.h only; not for users)."""
    from peakrdl_cheader.c_standards import CStandard
    from peakrdl_cheader.exporter import CHeaderExporter

    root = compile_rdl(rdl_text, top, parameters)
    CHeaderExporter().export(root.top, str(path), std=CStandard.gnu99)


# ============================================================================ main

def outputs() -> dict[str, str]:
    """File name (in regmap/out/) -> text."""
    dm, im = load(ENGINE_SRC), load(IOMMU_SRC)
    top_params, _ = parse_module(find_rtl("dma_top"), "dma_top")
    rdl = gen_rdl(dm, im, [n for n, _ in top_params])
    out = {RDL_NAME: rdl}
    for c in COMPONENTS:
        out[f"{c}.ipxact.xml"] = gen_ipxact(c, rdl, dm, im)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="only compare; exit 1 if an output is stale")
    ap.add_argument("--out", type=Path, default=OUT, help="output directory (default regmap/out)")
    ap.add_argument("--html", action="store_true", help="also write the HTML reference to OUT/html")
    args = ap.parse_args(argv)
    outs = outputs()
    stale = []
    for name, text in outs.items():
        path = args.out / name
        old = path.read_text() if path.exists() else None
        if old == text:
            continue
        if args.check:
            stale.append(name)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            print(f"wrote {path}")
    if args.html and not args.check:
        export_html(outs[RDL_NAME], args.out / "html")
        print(f"wrote {args.out / 'html'}/index.html")
    if stale:
        print("stale generated files (run `python regmap/gen_formats.py` or `make regs`):", file=sys.stderr)
        for s in stale:
            print(f"  regmap/out/{s}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
