// SPDX-License-Identifier: Apache-2.0
// Elaboration-time parameter checks that stop Icarus, Verilator and Yosys with a
// message naming the module and the rule:
//
//     generate if (NUM_CHANNELS < 1) begin : g_check0
//         `DMA_PARAM_ERROR(dma_engine__NUM_CHANNELS_must_be_1_to_8, "dma_engine: NUM_CHANNELS must be 1 to 8")
//     end endgenerate
//
// Under Verilator the check is an elaboration-time $fatal (USERFATAL); Icarus 11 and Yosys accept no
// elaboration tasks in Verilog-2005, so there the check instantiates a module that
// does not exist and whose name is the message ("Unknown module type: ...").
`ifndef DMA_PARAM_CHECK_VH
`define DMA_PARAM_CHECK_VH
`ifdef VERILATOR
`define DMA_PARAM_ERROR(name, text) $fatal(1, text);
`else
`define DMA_PARAM_ERROR(name, text) name u_param_error ();
`endif
`endif
