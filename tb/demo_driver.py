# SPDX-License-Identifier: Apache-2.0
"""`make sim` demonstration (run by tb/sim_demo.py): the engine's driver on busdma's
bounce platform (8 GiB of memory, the engine reaches only the low 4 GiB) moving a
random mix of requests (memory copies, memory -> stream, stream -> memory, scattered
pages above and below 4 GiB) on all channels, with one injected fault per error class.
The summary goes to DEMO_OUT as JSON."""
import pyuvm

from uvm.regression import RegressionTest


@pyuvm.test()
class DriverDemo(RegressionTest):
    """REQUESTS (default 300) random requests + faults through the driver."""
    require_full_coverage = False     # a short demo need not hit every bin
