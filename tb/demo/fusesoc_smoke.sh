#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The FuseSoC core's sim target runs this after elaborating dma_engine in Icarus: the
# cocotb smoke test (one scatter-gather chain through dma_engine, DATA_WIDTH 64,
# 4 channels, every AXI port under the protocol checkers, byte-exact memory check).
# Uses the project's .venv if there is one (make venv), else python3 with the `sim` extra.
set -e
cd "${FILES_ROOT:-$(dirname "$0")/../..}"
if [ ! -f tb/engine/test_engine.py ]; then
    echo "fusesoc_smoke.sh: the cocotb tests need the whole repository, not FuseSoC's export of" >&2
    echo "the RTL: run  fusesoc --cores-root <repo> run --no-export --target=sim openbusdma:dma:openbusdma" >&2
    exit 2
fi
PY=python3
[ -x .venv/bin/python ] && PY=.venv/bin/python
COCOTB_TEST_FILTER=single_chain exec "$PY" -m pytest -q -p no:cacheprovider \
    "tb/engine/test_engine.py::test_engine[dw64-ch4-sim]"
