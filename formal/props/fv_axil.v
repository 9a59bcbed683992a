// SPDX-License-Identifier: Apache-2.0
// AXI4-Lite property set, written from the AMBA AXI4 specification (B1: AXI4-Lite
// is AXI4 with bursts of one beat, all data accesses the width of the bus, no
// IDs, no exclusive accesses):
//   - every channel (AW, W, B, AR, R) keeps the VALID/READY rules (fv_handshake);
//   - a write response only after both the AW and the W of that write have
//     been handshaken (A3.3.1, the AXI4 write response dependency);
//   - a read response only for an outstanding read;
//   - at most MAX_OUT writes and MAX_OUT reads outstanding (a master's bound,
//     which also keeps the counters in range);
//   - BRESP/RRESP is never EXOKAY (no exclusive accesses in AXI4-Lite);
//   - liveness as safety: each READY driven by the environment comes within
//     ENV_WAIT cycles of its VALID (assumed; 0: no bound), each READY driven by
//     the block within DUT_WAIT cycles (asserted; 0: none), and the slave's
//     response at most MAX_RESP cycles after it is owed (MAX_RESP > 0; asserted
//     of a slave block, assumed of a slave environment).
// MASTER_IS_DUT = 1: the block under test is the master (its AW/W/AR payloads and
// B/R readiness are asserted, the slave's behaviour assumed); 0: the block is the
// slave (the master's side assumed, the slave's asserted).
// The counters are outputs so that a wrapper can tie them to the block's state
// (invariants for k-induction).
`default_nettype none
module fv_axil #(
    parameter ADDR_WIDTH    = 12,
    parameter MASTER_IS_DUT = 0,
    parameter MAX_OUT       = 4,
    parameter ENV_WAIT      = 0,   // bound on the environment's READYs, assumed (0: none)
    parameter DUT_WAIT      = 0,   // bound on the block's READYs, asserted (0: none)
    parameter MAX_RESP      = 0,   // bound on the slave's response latency (0: none)
    parameter CW            = 4    // counter width: holds MAX_OUT + 1
) (
    input wire                  clk,
    input wire                  rst,
    input wire [ADDR_WIDTH-1:0] awaddr,
    input wire [2:0]            awprot,
    input wire                  awvalid,
    input wire                  awready,
    input wire [31:0]           wdata,
    input wire [3:0]            wstrb,
    input wire                  wvalid,
    input wire                  wready,
    input wire [1:0]            bresp,
    input wire                  bvalid,
    input wire                  bready,
    input wire [ADDR_WIDTH-1:0] araddr,
    input wire [2:0]            arprot,
    input wire                  arvalid,
    input wire                  arready,
    input wire [31:0]           rdata,
    input wire [1:0]            rresp,
    input wire                  rvalid,
    input wire                  rready,
    output reg [CW-1:0]         f_aw_out,   // AWs handshaken, B not yet
    output reg [CW-1:0]         f_w_out,    // Ws handshaken, B not yet
    output reg [CW-1:0]         f_ar_out    // ARs handshaken, R not yet
);
`ifdef FORMAL
    localparam M = MASTER_IS_DUT, S = !MASTER_IS_DUT;
    localparam MW = M ? ENV_WAIT : DUT_WAIT;   // bound on AWREADY, WREADY, ARREADY
    localparam SW = M ? DUT_WAIT : ENV_WAIT;   // bound on BREADY, RREADY
    // master-driven channels: AW, W, AR; slave-driven: B, R
    fv_handshake #(.WIDTH(ADDR_WIDTH + 3), .SRC_IS_DUT(M), .MAX_WAIT(MW)) c_aw (
        .clk(clk), .rst(rst), .valid(awvalid), .ready(awready), .payload({awaddr, awprot}));
    fv_handshake #(.WIDTH(36), .SRC_IS_DUT(M), .MAX_WAIT(MW)) c_w (
        .clk(clk), .rst(rst), .valid(wvalid), .ready(wready), .payload({wdata, wstrb}));
    fv_handshake #(.WIDTH(ADDR_WIDTH + 3), .SRC_IS_DUT(M), .MAX_WAIT(MW)) c_ar (
        .clk(clk), .rst(rst), .valid(arvalid), .ready(arready), .payload({araddr, arprot}));
    fv_handshake #(.WIDTH(2), .SRC_IS_DUT(S), .MAX_WAIT(SW)) c_b (
        .clk(clk), .rst(rst), .valid(bvalid), .ready(bready), .payload(bresp));
    fv_handshake #(.WIDTH(34), .SRC_IS_DUT(S), .MAX_WAIT(SW)) c_r (
        .clk(clk), .rst(rst), .valid(rvalid), .ready(rready), .payload({rdata, rresp}));

    wire aw_hs = awvalid && awready, w_hs = wvalid && wready, b_hs = bvalid && bready;
    wire ar_hs = arvalid && arready, r_hs = rvalid && rready;

    initial begin f_aw_out = 0; f_w_out = 0; f_ar_out = 0; end
    always @(posedge clk)
        if (rst) begin
            f_aw_out <= 0; f_w_out <= 0; f_ar_out <= 0;
        end else begin
            f_aw_out <= f_aw_out + aw_hs - b_hs;
            f_w_out  <= f_w_out  + w_hs  - b_hs;
            f_ar_out <= f_ar_out + ar_hs - r_hs;
        end

    always @* if (!rst) begin
        // responses only for complete requests (slave rules)
        if (S) begin
            if (bvalid) assert(f_aw_out != 0 && f_w_out != 0);
            if (rvalid) assert(f_ar_out != 0);
            if (bvalid) assert(bresp != 2'b01);
            if (rvalid) assert(rresp != 2'b01);
        end else begin
            if (bvalid) assume(f_aw_out != 0 && f_w_out != 0);
            if (rvalid) assume(f_ar_out != 0);
            if (bvalid) assume(bresp != 2'b01);
            if (rvalid) assume(rresp != 2'b01);
        end
        // the master's bound on outstanding transactions
        if (M) begin
            assert(f_aw_out <= MAX_OUT && f_w_out <= MAX_OUT && f_ar_out <= MAX_OUT);
        end else begin
            assume(f_aw_out <= MAX_OUT && f_w_out <= MAX_OUT && f_ar_out <= MAX_OUT);
        end
    end

    // response latency bound: a complete write (read) gets BVALID (RVALID) in time
    reg [15:0] f_bwait = 0, f_rwait = 0;
    always @(posedge clk) begin
        if (rst || bvalid || f_aw_out == 0 || f_w_out == 0) f_bwait <= 0;
        else if (f_bwait != 16'hffff) f_bwait <= f_bwait + 1'b1;
        if (rst || rvalid || f_ar_out == 0) f_rwait <= 0;
        else if (f_rwait != 16'hffff) f_rwait <= f_rwait + 1'b1;
    end
    generate if (MAX_RESP > 0) begin : g_resp
        always @* if (!rst) begin
            if (S) begin
                assert(f_bwait <= MAX_RESP);
                assert(f_rwait <= MAX_RESP);
            end else begin
                assume(f_bwait <= MAX_RESP);
                assume(f_rwait <= MAX_RESP);
            end
        end
    end endgenerate
`endif
endmodule
`default_nettype wire
