"""docs/busdma.md is the contract: its examples must run and its names exist."""

import pathlib
import re

import busdma

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "busdma.md"


def test_every_python_block_of_the_doc_runs():
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    assert len(blocks) >= 2
    namespace = {}
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), namespace)


def test_documented_bus_dma_functions_exist():
    text = DOC.read_text()
    names = set(re.findall(r"\b(bus_dma\w+|bus_space_\w+|busdma_lock_mutex)\(", text))
    assert len(names) >= 15
    for name in names:
        assert hasattr(busdma, name), name
