# SPDX-License-Identifier: Apache-2.0
"""docs/busdma.md is the contract: its examples must run and its names exist."""

import pathlib
import re

import busdma
import busdma.linux  # noqa: F401 - the sections below are checked against it
import busdma.netbsd  # noqa: F401

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "busdma.md"


def test_every_python_block_of_the_doc_runs():
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    assert len(blocks) >= 2
    namespace = {}
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), namespace)


def _section(text, title):
    start = text.index(f"\n## {title}")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else len(text)]


def test_documented_bus_dma_functions_exist():
    text = DOC.read_text()
    netbsd_part = _section(text, "NetBSD bus_dma(9)")
    linux_part = _section(text, "Linux DMA API")
    names = set(re.findall(r"\b(bus_dma\w+|bus_space_\w+|busdma_lock_mutex)\(", text))
    assert len(names) >= 15
    for name in names:
        # bus_space_read_N(...) stands for the widths 1, 2, 4 and 8.
        expanded = [name[:-1] + w for w in "1248"] if name.endswith("_N") else [name]
        for one in expanded:
            assert hasattr(busdma, one) or hasattr(busdma.netbsd, one), one
    netbsd_names = set(re.findall(r"\b(bus_dma\w+)\(", netbsd_part))
    assert len(netbsd_names) >= 15
    for name in netbsd_names:
        assert hasattr(busdma.netbsd, name), name
    linux_names = set(re.findall(r"\b((?:dma|sg)_\w+|DMA_BIT_MASK)\(", linux_part))
    assert len(linux_names) >= 20
    for name in linux_names:
        assert hasattr(busdma.linux, name), name
    # Every public function of the facades is documented in its section.
    for module, part in ((busdma.netbsd, netbsd_part), (busdma.linux, linux_part)):
        for name in module.__all__:
            if callable(getattr(module, name)) and not name[0].isupper():
                assert f"{name}(" in part, f"{module.__name__}.{name} is not documented"
