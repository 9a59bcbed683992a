// SPDX-License-Identifier: Apache-2.0
// AXI4-Stream property set (AMBA AXI4-Stream protocol specification, 2.2:
// TVALID/TREADY handshake; TDATA, TKEEP and TLAST stable while TVALID is high
// and TREADY low; a transmitter may not wait for TREADY to assert TVALID).
// MASTER_IS_DUT = 1: the block drives TVALID/TDATA/TKEEP/TLAST (asserted);
// 0: the environment does (assumed). MAX_WAIT > 0 bounds TREADY (assumed of a
// receiving environment, asserted of a receiving block).
`default_nettype none
module fv_axis #(
    parameter DATA_WIDTH    = 32,
    parameter MASTER_IS_DUT = 1,
    parameter MAX_WAIT      = 0
) (
    input wire                    clk,
    input wire                    rst,
    input wire [DATA_WIDTH-1:0]   tdata,
    input wire [DATA_WIDTH/8-1:0] tkeep,
    input wire                    tlast,
    input wire                    tvalid,
    input wire                    tready
);
`ifdef FORMAL
    fv_handshake #(.WIDTH(DATA_WIDTH + DATA_WIDTH/8 + 1), .SRC_IS_DUT(MASTER_IS_DUT), .MAX_WAIT(MAX_WAIT)) t (
        .clk(clk), .rst(rst), .valid(tvalid), .ready(tready), .payload({tdata, tkeep, tlast}));
`endif
endmodule
`default_nettype wire
