# SPDX-License-Identifier: Apache-2.0
"""`make sim` demonstration (run by tb/demo/sim_demo.py): the same engine driver, unchanged,
on two busdma platforms, each moving a random mix of requests (memory copies, memory ->
stream, stream -> memory, scattered pages above and below 4 GiB) on all channels, with
one injected fault per memory error class:

- DriverDemoBounce: dma_engine on busdma's bounce platform (8 GiB of memory, the engine
  reaches only the low 4 GiB);
- DriverDemoIommu: dma_top on busdma's IOMMU platform, translating through the RTL IOMMU
  (device context per channel, Sv39 tables, strict invalidation on unload).

The summary goes to DEMO_OUT as JSON; progress to DEMO_PROGRESS."""
import pyuvm

from dmatb.uvm.regression import RegressionTest


@pyuvm.test()
class DriverDemoBounce(RegressionTest):
    """REQUESTS random requests + faults through the driver on the bounce platform."""
    require_full_coverage = False     # a short demo need not hit every bin


@pyuvm.test()
class DriverDemoIommu(RegressionTest):
    """REQUESTS random requests + faults through the driver on the IOMMU platform."""
    require_full_coverage = False
    platform = "iommu_rtl"
