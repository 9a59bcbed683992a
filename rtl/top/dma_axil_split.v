// SPDX-License-Identifier: Apache-2.0
// AXI4-Lite 1:2 splitter: one AXI4-Lite slave port (s_axil) feeds two AXI4-Lite
// master ports chosen by one address bit: SPLIT_BIT = 0 -> m0_axil, 1 -> m1_axil.
// The address is passed unchanged (the receivers ignore the high bits).
//
// One write and one read are in flight at a time. AW and W are each captured in
// a register (in either order, same cycle or not), then presented to the chosen
// port once the AW is known; the write is complete when that port's B has been
// passed back. Reads likewise: AR captured, presented, R passed back.
// All VALIDs and READYs towards s_axil and m*_axil come from registers, except
// B/R which are routed through (VALID from the chosen port, READY back to it).
`default_nettype none
module dma_axil_split #(
    parameter ADDR_WIDTH = 13,
    parameter SPLIT_BIT  = 12
) (
    input  wire                  clk,
    input  wire                  rst,

    // ---------------------------------------------------------------- s_axil
    input  wire [ADDR_WIDTH-1:0] s_axil_awaddr,
    input  wire [2:0]            s_axil_awprot,
    input  wire                  s_axil_awvalid,
    output wire                  s_axil_awready,
    input  wire [31:0]           s_axil_wdata,
    input  wire [3:0]            s_axil_wstrb,
    input  wire                  s_axil_wvalid,
    output wire                  s_axil_wready,
    output wire [1:0]            s_axil_bresp,
    output wire                  s_axil_bvalid,
    input  wire                  s_axil_bready,
    input  wire [ADDR_WIDTH-1:0] s_axil_araddr,
    input  wire [2:0]            s_axil_arprot,
    input  wire                  s_axil_arvalid,
    output wire                  s_axil_arready,
    output wire [31:0]           s_axil_rdata,
    output wire [1:0]            s_axil_rresp,
    output wire                  s_axil_rvalid,
    input  wire                  s_axil_rready,

    // ---------------------------------------------------------------- m0_axil
    output wire [ADDR_WIDTH-1:0] m0_axil_awaddr,
    output wire [2:0]            m0_axil_awprot,
    output wire                  m0_axil_awvalid,
    input  wire                  m0_axil_awready,
    output wire [31:0]           m0_axil_wdata,
    output wire [3:0]            m0_axil_wstrb,
    output wire                  m0_axil_wvalid,
    input  wire                  m0_axil_wready,
    input  wire [1:0]            m0_axil_bresp,
    input  wire                  m0_axil_bvalid,
    output wire                  m0_axil_bready,
    output wire [ADDR_WIDTH-1:0] m0_axil_araddr,
    output wire [2:0]            m0_axil_arprot,
    output wire                  m0_axil_arvalid,
    input  wire                  m0_axil_arready,
    input  wire [31:0]           m0_axil_rdata,
    input  wire [1:0]            m0_axil_rresp,
    input  wire                  m0_axil_rvalid,
    output wire                  m0_axil_rready,

    // ---------------------------------------------------------------- m1_axil
    output wire [ADDR_WIDTH-1:0] m1_axil_awaddr,
    output wire [2:0]            m1_axil_awprot,
    output wire                  m1_axil_awvalid,
    input  wire                  m1_axil_awready,
    output wire [31:0]           m1_axil_wdata,
    output wire [3:0]            m1_axil_wstrb,
    output wire                  m1_axil_wvalid,
    input  wire                  m1_axil_wready,
    input  wire [1:0]            m1_axil_bresp,
    input  wire                  m1_axil_bvalid,
    output wire                  m1_axil_bready,
    output wire [ADDR_WIDTH-1:0] m1_axil_araddr,
    output wire [2:0]            m1_axil_arprot,
    output wire                  m1_axil_arvalid,
    input  wire                  m1_axil_arready,
    input  wire [31:0]           m1_axil_rdata,
    input  wire [1:0]            m1_axil_rresp,
    input  wire                  m1_axil_rvalid,
    output wire                  m1_axil_rready
);

    // =================================================================== write
    reg  [ADDR_WIDTH-1:0] aw_addr;
    reg  [2:0]            aw_prot;
    reg                   aw_have;   // AW captured (held until B is passed back)
    reg                   aw_sent;   // AW handshaken on the chosen port
    reg  [31:0]           w_data;
    reg  [3:0]            w_strb;
    reg                   w_have;    // W captured (held until B is passed back)
    reg                   w_sent;    // W handshaken on the chosen port

    wire wr_sel   = aw_addr[SPLIT_BIT];
    wire aw_out   = aw_have && !aw_sent;
    wire w_out    = aw_have && w_have && !w_sent;   // needs the AW to know the port
    wire aw_ready = wr_sel ? m1_axil_awready : m0_axil_awready;
    wire w_ready  = wr_sel ? m1_axil_wready  : m0_axil_wready;
    wire b_wait   = aw_sent && w_sent;
    wire b_valid  = wr_sel ? m1_axil_bvalid : m0_axil_bvalid;
    wire b_done   = b_wait && b_valid && s_axil_bready;

    assign s_axil_awready = !aw_have;
    assign s_axil_wready  = !w_have;

    always @(posedge clk) begin
        if (s_axil_awvalid && !aw_have) begin
            aw_addr <= s_axil_awaddr;
            aw_prot <= s_axil_awprot;
        end
        if (s_axil_wvalid && !w_have) begin
            w_data <= s_axil_wdata;
            w_strb <= s_axil_wstrb;
        end
    end

    always @(posedge clk) begin
        if (rst) begin
            aw_have <= 1'b0;
            aw_sent <= 1'b0;
            w_have  <= 1'b0;
            w_sent  <= 1'b0;
        end else if (b_done) begin
            aw_have <= 1'b0;
            aw_sent <= 1'b0;
            w_have  <= 1'b0;
            w_sent  <= 1'b0;
        end else begin
            if (s_axil_awvalid && !aw_have) aw_have <= 1'b1;
            if (s_axil_wvalid && !w_have)   w_have  <= 1'b1;
            if (aw_out && aw_ready)         aw_sent <= 1'b1;
            if (w_out && w_ready)           w_sent  <= 1'b1;
        end
    end

    assign m0_axil_awaddr  = aw_addr;
    assign m0_axil_awprot  = aw_prot;
    assign m0_axil_awvalid = aw_out && !wr_sel;
    assign m1_axil_awaddr  = aw_addr;
    assign m1_axil_awprot  = aw_prot;
    assign m1_axil_awvalid = aw_out && wr_sel;
    assign m0_axil_wdata   = w_data;
    assign m0_axil_wstrb   = w_strb;
    assign m0_axil_wvalid  = w_out && !wr_sel;
    assign m1_axil_wdata   = w_data;
    assign m1_axil_wstrb   = w_strb;
    assign m1_axil_wvalid  = w_out && wr_sel;
    assign m0_axil_bready  = b_wait && !wr_sel && s_axil_bready;
    assign m1_axil_bready  = b_wait &&  wr_sel && s_axil_bready;
    assign s_axil_bvalid   = b_wait && b_valid;
    assign s_axil_bresp    = wr_sel ? m1_axil_bresp : m0_axil_bresp;

    // =================================================================== read
    reg  [ADDR_WIDTH-1:0] ar_addr;
    reg  [2:0]            ar_prot;
    reg                   ar_have;   // AR captured (held until R is passed back)
    reg                   ar_sent;   // AR handshaken on the chosen port

    wire rd_sel   = ar_addr[SPLIT_BIT];
    wire ar_out   = ar_have && !ar_sent;
    wire ar_ready = rd_sel ? m1_axil_arready : m0_axil_arready;
    wire r_valid  = rd_sel ? m1_axil_rvalid : m0_axil_rvalid;
    wire r_done   = ar_sent && r_valid && s_axil_rready;

    assign s_axil_arready = !ar_have;

    always @(posedge clk) begin
        if (s_axil_arvalid && !ar_have) begin
            ar_addr <= s_axil_araddr;
            ar_prot <= s_axil_arprot;
        end
    end

    always @(posedge clk) begin
        if (rst) begin
            ar_have <= 1'b0;
            ar_sent <= 1'b0;
        end else if (r_done) begin
            ar_have <= 1'b0;
            ar_sent <= 1'b0;
        end else begin
            if (s_axil_arvalid && !ar_have) ar_have <= 1'b1;
            if (ar_out && ar_ready)         ar_sent <= 1'b1;
        end
    end

    assign m0_axil_araddr  = ar_addr;
    assign m0_axil_arprot  = ar_prot;
    assign m0_axil_arvalid = ar_out && !rd_sel;
    assign m1_axil_araddr  = ar_addr;
    assign m1_axil_arprot  = ar_prot;
    assign m1_axil_arvalid = ar_out && rd_sel;
    assign m0_axil_rready  = ar_sent && !rd_sel && s_axil_rready;
    assign m1_axil_rready  = ar_sent &&  rd_sel && s_axil_rready;
    assign s_axil_rvalid   = ar_sent && r_valid;
    assign s_axil_rdata    = rd_sel ? m1_axil_rdata : m0_axil_rdata;
    assign s_axil_rresp    = rd_sel ? m1_axil_rresp : m0_axil_rresp;

endmodule
`default_nettype wire
