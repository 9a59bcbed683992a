# SPDX-License-Identifier: Apache-2.0
"""Reusable verification library for the DMA engine's cocotb tests.

runner      build and run any RTL top from pytest (one build directory per parameter set)
axi_checker protocol checkers for AXI4, AXI4-Lite and AXI4-Stream
memory      AxiRam-based memory model: latency, back-pressure, error injection
scoreboard  byte-exact reference model of memory
"""
