// SPDX-License-Identifier: Apache-2.0
// dma_axi_mux: s0_axi and s1_axi are correct AXI4 slave ports and m_axi a
// correct AXI4 master port (fv_axi4 on all three: the two masters and the
// slave assumed legal, bursts of at most MAX_BURST beats, at most S_OUT reads
// and S_OUT writes outstanding per input, W allowed before AW on the inputs).
// The slave side of m_axi is checked once per m_axi ID: four fv_axi4
// instances, each one's symbolic ID pinned (taps f_mid0..3 -> p_m<i>.f_id, an
// assumption on the checker's own free constant), so that the slave's per-ID
// rules (B and R only with the ID of an outstanding request, RLAST per ID) hold
// for every ID, as the inputs' checkers need. The mux's own properties: each AR
// and AW accepted from input k appears on m_axi exactly once, next, with ID
// {k, id} and its payload unchanged, and nothing else does; R and B go to the
// input named by the ID's top bit, with the bit stripped and the rest unchanged,
// and the handshake is that input's; W beats go out in AW-grant order: every W
// beat on m_axi is the beat of the input at the head of a reference queue of the
// granted AWs, and an m_axi W handshake happens exactly when that input's does,
// never the other's (no beat lost, duplicated or taken from the wrong input).
// Invariants tie the checkers' counts to each other and to the queue.
// CHECK_RD / CHECK_WR: a proof may keep the other direction idle (the two are
// independent in the mux: separate arbiters, registers and return paths), which
// halves the model for BMC.
`default_nettype none
module wrap_axi_mux #(
    parameter DATA_WIDTH       = 32,
    parameter ADDR_WIDTH       = 12,    // fv_axi4 checks address bits 11:0
    parameter S_ID_WIDTH       = 1,
    parameter USER_WIDTH       = 1,
    parameter WFIFO_DEPTH_LOG2 = 1,
    parameter MAX_BURST        = 4,
    parameter S_OUT            = 1,     // reads and writes outstanding per input (assumed)
    parameter CHECK_RD         = 1,     // 0: no reads (AR and R idle)
    parameter CHECK_WR         = 1      // 0: no writes (AW, W and B idle)
) (
    input wire clk,
    input wire rst,
    input wire [S_ID_WIDTH-1:0] s0_axi_awid,
    input wire [ADDR_WIDTH-1:0] s0_axi_awaddr,
    input wire [7:0] s0_axi_awlen,
    input wire [2:0] s0_axi_awsize,
    input wire [1:0] s0_axi_awburst,
    input wire s0_axi_awlock,
    input wire [3:0] s0_axi_awcache,
    input wire [2:0] s0_axi_awprot,
    input wire [USER_WIDTH-1:0] s0_axi_awuser,
    input wire s0_axi_awvalid,
    input wire [DATA_WIDTH-1:0] s0_axi_wdata,
    input wire [DATA_WIDTH/8-1:0] s0_axi_wstrb,
    input wire s0_axi_wlast,
    input wire s0_axi_wvalid,
    input wire s0_axi_bready,
    input wire [S_ID_WIDTH-1:0] s0_axi_arid,
    input wire [ADDR_WIDTH-1:0] s0_axi_araddr,
    input wire [7:0] s0_axi_arlen,
    input wire [2:0] s0_axi_arsize,
    input wire [1:0] s0_axi_arburst,
    input wire s0_axi_arlock,
    input wire [3:0] s0_axi_arcache,
    input wire [2:0] s0_axi_arprot,
    input wire [USER_WIDTH-1:0] s0_axi_aruser,
    input wire s0_axi_arvalid,
    input wire s0_axi_rready,
    input wire [S_ID_WIDTH-1:0] s1_axi_awid,
    input wire [ADDR_WIDTH-1:0] s1_axi_awaddr,
    input wire [7:0] s1_axi_awlen,
    input wire [2:0] s1_axi_awsize,
    input wire [1:0] s1_axi_awburst,
    input wire s1_axi_awlock,
    input wire [3:0] s1_axi_awcache,
    input wire [2:0] s1_axi_awprot,
    input wire [USER_WIDTH-1:0] s1_axi_awuser,
    input wire s1_axi_awvalid,
    input wire [DATA_WIDTH-1:0] s1_axi_wdata,
    input wire [DATA_WIDTH/8-1:0] s1_axi_wstrb,
    input wire s1_axi_wlast,
    input wire s1_axi_wvalid,
    input wire s1_axi_bready,
    input wire [S_ID_WIDTH-1:0] s1_axi_arid,
    input wire [ADDR_WIDTH-1:0] s1_axi_araddr,
    input wire [7:0] s1_axi_arlen,
    input wire [2:0] s1_axi_arsize,
    input wire [1:0] s1_axi_arburst,
    input wire s1_axi_arlock,
    input wire [3:0] s1_axi_arcache,
    input wire [2:0] s1_axi_arprot,
    input wire [USER_WIDTH-1:0] s1_axi_aruser,
    input wire s1_axi_arvalid,
    input wire s1_axi_rready,
    input wire m_axi_awready,
    input wire m_axi_wready,
    input wire [S_ID_WIDTH:0] m_axi_bid,
    input wire [1:0] m_axi_bresp,
    input wire m_axi_bvalid,
    input wire m_axi_arready,
    input wire [S_ID_WIDTH:0] m_axi_rid,
    input wire [DATA_WIDTH-1:0] m_axi_rdata,
    input wire [1:0] m_axi_rresp,
    input wire m_axi_rlast,
    input wire m_axi_rvalid
);
    localparam M_IDW = S_ID_WIDTH + 1;
    localparam M_OUT = 2 * S_OUT;
    localparam SQ = (S_OUT <= 2) ? 1 : $clog2(S_OUT), MQ = (M_OUT <= 2) ? 1 : $clog2(M_OUT);
    wire s0_axi_awready;
    wire s0_axi_wready;
    wire [S_ID_WIDTH-1:0] s0_axi_bid;
    wire [1:0] s0_axi_bresp;
    wire s0_axi_bvalid;
    wire s0_axi_arready;
    wire [S_ID_WIDTH-1:0] s0_axi_rid;
    wire [DATA_WIDTH-1:0] s0_axi_rdata;
    wire [1:0] s0_axi_rresp;
    wire s0_axi_rlast;
    wire s0_axi_rvalid;
    wire s1_axi_awready;
    wire s1_axi_wready;
    wire [S_ID_WIDTH-1:0] s1_axi_bid;
    wire [1:0] s1_axi_bresp;
    wire s1_axi_bvalid;
    wire s1_axi_arready;
    wire [S_ID_WIDTH-1:0] s1_axi_rid;
    wire [DATA_WIDTH-1:0] s1_axi_rdata;
    wire [1:0] s1_axi_rresp;
    wire s1_axi_rlast;
    wire s1_axi_rvalid;
    wire [S_ID_WIDTH:0] m_axi_awid;
    wire [ADDR_WIDTH-1:0] m_axi_awaddr;
    wire [7:0] m_axi_awlen;
    wire [2:0] m_axi_awsize;
    wire [1:0] m_axi_awburst;
    wire m_axi_awlock;
    wire [3:0] m_axi_awcache;
    wire [2:0] m_axi_awprot;
    wire [USER_WIDTH-1:0] m_axi_awuser;
    wire m_axi_awvalid;
    wire [DATA_WIDTH-1:0] m_axi_wdata;
    wire [DATA_WIDTH/8-1:0] m_axi_wstrb;
    wire m_axi_wlast;
    wire m_axi_wvalid;
    wire m_axi_bready;
    wire [S_ID_WIDTH:0] m_axi_arid;
    wire [ADDR_WIDTH-1:0] m_axi_araddr;
    wire [7:0] m_axi_arlen;
    wire [2:0] m_axi_arsize;
    wire [1:0] m_axi_arburst;
    wire m_axi_arlock;
    wire [3:0] m_axi_arcache;
    wire [2:0] m_axi_arprot;
    wire [USER_WIDTH-1:0] m_axi_aruser;
    wire m_axi_arvalid;
    wire m_axi_rready;
    dma_axi_mux #(.DATA_WIDTH(DATA_WIDTH), .ADDR_WIDTH(ADDR_WIDTH), .S_ID_WIDTH(S_ID_WIDTH),
                  .USER_WIDTH(USER_WIDTH), .WFIFO_DEPTH_LOG2(WFIFO_DEPTH_LOG2)) dut (
        .clk(clk), .rst(rst),
        .s0_axi_awid(s0_axi_awid), .s0_axi_awaddr(s0_axi_awaddr), .s0_axi_awlen(s0_axi_awlen), .s0_axi_awsize(s0_axi_awsize),
        .s0_axi_awburst(s0_axi_awburst), .s0_axi_awlock(s0_axi_awlock), .s0_axi_awcache(s0_axi_awcache), .s0_axi_awprot(s0_axi_awprot),
        .s0_axi_awuser(s0_axi_awuser), .s0_axi_awvalid(s0_axi_awvalid), .s0_axi_awready(s0_axi_awready), .s0_axi_wdata(s0_axi_wdata),
        .s0_axi_wstrb(s0_axi_wstrb), .s0_axi_wlast(s0_axi_wlast), .s0_axi_wvalid(s0_axi_wvalid), .s0_axi_wready(s0_axi_wready),
        .s0_axi_bid(s0_axi_bid), .s0_axi_bresp(s0_axi_bresp), .s0_axi_bvalid(s0_axi_bvalid), .s0_axi_bready(s0_axi_bready),
        .s0_axi_arid(s0_axi_arid), .s0_axi_araddr(s0_axi_araddr), .s0_axi_arlen(s0_axi_arlen), .s0_axi_arsize(s0_axi_arsize),
        .s0_axi_arburst(s0_axi_arburst), .s0_axi_arlock(s0_axi_arlock), .s0_axi_arcache(s0_axi_arcache), .s0_axi_arprot(s0_axi_arprot),
        .s0_axi_aruser(s0_axi_aruser), .s0_axi_arvalid(s0_axi_arvalid), .s0_axi_arready(s0_axi_arready), .s0_axi_rid(s0_axi_rid),
        .s0_axi_rdata(s0_axi_rdata), .s0_axi_rresp(s0_axi_rresp), .s0_axi_rlast(s0_axi_rlast), .s0_axi_rvalid(s0_axi_rvalid),
        .s0_axi_rready(s0_axi_rready), .s1_axi_awid(s1_axi_awid), .s1_axi_awaddr(s1_axi_awaddr), .s1_axi_awlen(s1_axi_awlen),
        .s1_axi_awsize(s1_axi_awsize), .s1_axi_awburst(s1_axi_awburst), .s1_axi_awlock(s1_axi_awlock), .s1_axi_awcache(s1_axi_awcache),
        .s1_axi_awprot(s1_axi_awprot), .s1_axi_awuser(s1_axi_awuser), .s1_axi_awvalid(s1_axi_awvalid), .s1_axi_awready(s1_axi_awready),
        .s1_axi_wdata(s1_axi_wdata), .s1_axi_wstrb(s1_axi_wstrb), .s1_axi_wlast(s1_axi_wlast), .s1_axi_wvalid(s1_axi_wvalid),
        .s1_axi_wready(s1_axi_wready), .s1_axi_bid(s1_axi_bid), .s1_axi_bresp(s1_axi_bresp), .s1_axi_bvalid(s1_axi_bvalid),
        .s1_axi_bready(s1_axi_bready), .s1_axi_arid(s1_axi_arid), .s1_axi_araddr(s1_axi_araddr), .s1_axi_arlen(s1_axi_arlen),
        .s1_axi_arsize(s1_axi_arsize), .s1_axi_arburst(s1_axi_arburst), .s1_axi_arlock(s1_axi_arlock), .s1_axi_arcache(s1_axi_arcache),
        .s1_axi_arprot(s1_axi_arprot), .s1_axi_aruser(s1_axi_aruser), .s1_axi_arvalid(s1_axi_arvalid), .s1_axi_arready(s1_axi_arready),
        .s1_axi_rid(s1_axi_rid), .s1_axi_rdata(s1_axi_rdata), .s1_axi_rresp(s1_axi_rresp), .s1_axi_rlast(s1_axi_rlast),
        .s1_axi_rvalid(s1_axi_rvalid), .s1_axi_rready(s1_axi_rready), .m_axi_awid(m_axi_awid), .m_axi_awaddr(m_axi_awaddr),
        .m_axi_awlen(m_axi_awlen), .m_axi_awsize(m_axi_awsize), .m_axi_awburst(m_axi_awburst), .m_axi_awlock(m_axi_awlock),
        .m_axi_awcache(m_axi_awcache), .m_axi_awprot(m_axi_awprot), .m_axi_awuser(m_axi_awuser), .m_axi_awvalid(m_axi_awvalid),
        .m_axi_awready(m_axi_awready), .m_axi_wdata(m_axi_wdata), .m_axi_wstrb(m_axi_wstrb), .m_axi_wlast(m_axi_wlast),
        .m_axi_wvalid(m_axi_wvalid), .m_axi_wready(m_axi_wready), .m_axi_bid(m_axi_bid), .m_axi_bresp(m_axi_bresp),
        .m_axi_bvalid(m_axi_bvalid), .m_axi_bready(m_axi_bready), .m_axi_arid(m_axi_arid), .m_axi_araddr(m_axi_araddr),
        .m_axi_arlen(m_axi_arlen), .m_axi_arsize(m_axi_arsize), .m_axi_arburst(m_axi_arburst), .m_axi_arlock(m_axi_arlock),
        .m_axi_arcache(m_axi_arcache), .m_axi_arprot(m_axi_arprot), .m_axi_aruser(m_axi_aruser), .m_axi_arvalid(m_axi_arvalid),
        .m_axi_arready(m_axi_arready), .m_axi_rid(m_axi_rid), .m_axi_rdata(m_axi_rdata), .m_axi_rresp(m_axi_rresp),
        .m_axi_rlast(m_axi_rlast), .m_axi_rvalid(m_axi_rvalid), .m_axi_rready(m_axi_rready));
`ifdef FORMAL
    reg f_past = 1'b0;
    always @(posedge clk) f_past <= 1'b1;
    always @* if (!f_past) assume(rst);
    always @* if (f_past) assume(!rst);
    // the channels not checked by this proof stay idle
    always @* begin
        if (!CHECK_RD) assume(!s0_axi_arvalid && !s1_axi_arvalid && !m_axi_rvalid);
        if (!CHECK_WR) assume(!s0_axi_awvalid && !s1_axi_awvalid && !s0_axi_wvalid && !s1_axi_wvalid && !m_axi_bvalid);
    end

    // the two masters (assumed) and the mux's slave ports (asserted)
    wire [8:0] p_s0_wr_out, p_s0_rd_out, p_s0_b_due, p_s0_wbeat;
    wire [SQ:0] p_s0_awq_n, p_s0_wq_n;
    fv_axi4 #(.ID_WIDTH(S_ID_WIDTH), .ADDR_WIDTH(ADDR_WIDTH), .DATA_WIDTH(DATA_WIDTH), .USER_WIDTH(USER_WIDTH),
              .MASTER_IS_DUT(0), .MAX_BURST(MAX_BURST), .MAX_RD_OUT(S_OUT), .MAX_WR_OUT(S_OUT),
              .W_BEFORE_AW(1), .QLOG2(SQ)) p_s0 (
        .clk(clk), .rst(rst),
        .awid(s0_axi_awid), .awaddr(s0_axi_awaddr), .awlen(s0_axi_awlen), .awsize(s0_axi_awsize), .awburst(s0_axi_awburst),
        .awlock(s0_axi_awlock), .awcache(s0_axi_awcache), .awprot(s0_axi_awprot), .awuser(s0_axi_awuser), .awvalid(s0_axi_awvalid),
        .awready(s0_axi_awready), .wdata(s0_axi_wdata), .wstrb(s0_axi_wstrb), .wlast(s0_axi_wlast), .wvalid(s0_axi_wvalid),
        .wready(s0_axi_wready), .bid(s0_axi_bid), .bresp(s0_axi_bresp), .bvalid(s0_axi_bvalid), .bready(s0_axi_bready),
        .arid(s0_axi_arid), .araddr(s0_axi_araddr), .arlen(s0_axi_arlen), .arsize(s0_axi_arsize), .arburst(s0_axi_arburst),
        .arlock(s0_axi_arlock), .arcache(s0_axi_arcache), .arprot(s0_axi_arprot), .aruser(s0_axi_aruser), .arvalid(s0_axi_arvalid),
        .arready(s0_axi_arready), .rid(s0_axi_rid), .rdata(s0_axi_rdata), .rresp(s0_axi_rresp), .rlast(s0_axi_rlast),
        .rvalid(s0_axi_rvalid), .rready(s0_axi_rready),
        .f_wr_out(p_s0_wr_out), .f_rd_out(p_s0_rd_out), .f_b_due(p_s0_b_due), .f_awq_n(p_s0_awq_n),
        .f_wq_n(p_s0_wq_n), .f_wbeat(p_s0_wbeat));
    wire [8:0] p_s1_wr_out, p_s1_rd_out, p_s1_b_due, p_s1_wbeat;
    wire [SQ:0] p_s1_awq_n, p_s1_wq_n;
    fv_axi4 #(.ID_WIDTH(S_ID_WIDTH), .ADDR_WIDTH(ADDR_WIDTH), .DATA_WIDTH(DATA_WIDTH), .USER_WIDTH(USER_WIDTH),
              .MASTER_IS_DUT(0), .MAX_BURST(MAX_BURST), .MAX_RD_OUT(S_OUT), .MAX_WR_OUT(S_OUT),
              .W_BEFORE_AW(1), .QLOG2(SQ)) p_s1 (
        .clk(clk), .rst(rst),
        .awid(s1_axi_awid), .awaddr(s1_axi_awaddr), .awlen(s1_axi_awlen), .awsize(s1_axi_awsize), .awburst(s1_axi_awburst),
        .awlock(s1_axi_awlock), .awcache(s1_axi_awcache), .awprot(s1_axi_awprot), .awuser(s1_axi_awuser), .awvalid(s1_axi_awvalid),
        .awready(s1_axi_awready), .wdata(s1_axi_wdata), .wstrb(s1_axi_wstrb), .wlast(s1_axi_wlast), .wvalid(s1_axi_wvalid),
        .wready(s1_axi_wready), .bid(s1_axi_bid), .bresp(s1_axi_bresp), .bvalid(s1_axi_bvalid), .bready(s1_axi_bready),
        .arid(s1_axi_arid), .araddr(s1_axi_araddr), .arlen(s1_axi_arlen), .arsize(s1_axi_arsize), .arburst(s1_axi_arburst),
        .arlock(s1_axi_arlock), .arcache(s1_axi_arcache), .arprot(s1_axi_arprot), .aruser(s1_axi_aruser), .arvalid(s1_axi_arvalid),
        .arready(s1_axi_arready), .rid(s1_axi_rid), .rdata(s1_axi_rdata), .rresp(s1_axi_rresp), .rlast(s1_axi_rlast),
        .rvalid(s1_axi_rvalid), .rready(s1_axi_rready),
        .f_wr_out(p_s1_wr_out), .f_rd_out(p_s1_rd_out), .f_b_due(p_s1_b_due), .f_awq_n(p_s1_awq_n),
        .f_wq_n(p_s1_wq_n), .f_wbeat(p_s1_wbeat));
    // m_axi: the mux's master rules (asserted), the slave's (assumed), once per
    // ID: each instance's symbolic ID is pinned (taps f_mid0..3)
    wire [8:0] p_m0_wr_out, p_m0_rd_out, p_m0_b_due, p_m0_wbeat;
    wire [MQ:0] p_m0_awq_n, p_m0_wq_n;
    fv_axi4 #(.ID_WIDTH(M_IDW), .ADDR_WIDTH(ADDR_WIDTH), .DATA_WIDTH(DATA_WIDTH), .USER_WIDTH(USER_WIDTH),
              .MASTER_IS_DUT(1), .MAX_BURST(MAX_BURST), .MAX_RD_OUT(M_OUT), .MAX_WR_OUT(M_OUT),
              .W_BEFORE_AW(1), .QLOG2(MQ)) p_m0 (
        .clk(clk), .rst(rst),
        .awid(m_axi_awid), .awaddr(m_axi_awaddr), .awlen(m_axi_awlen), .awsize(m_axi_awsize), .awburst(m_axi_awburst),
        .awlock(m_axi_awlock), .awcache(m_axi_awcache), .awprot(m_axi_awprot), .awuser(m_axi_awuser), .awvalid(m_axi_awvalid),
        .awready(m_axi_awready), .wdata(m_axi_wdata), .wstrb(m_axi_wstrb), .wlast(m_axi_wlast), .wvalid(m_axi_wvalid),
        .wready(m_axi_wready), .bid(m_axi_bid), .bresp(m_axi_bresp), .bvalid(m_axi_bvalid), .bready(m_axi_bready),
        .arid(m_axi_arid), .araddr(m_axi_araddr), .arlen(m_axi_arlen), .arsize(m_axi_arsize), .arburst(m_axi_arburst),
        .arlock(m_axi_arlock), .arcache(m_axi_arcache), .arprot(m_axi_arprot), .aruser(m_axi_aruser), .arvalid(m_axi_arvalid),
        .arready(m_axi_arready), .rid(m_axi_rid), .rdata(m_axi_rdata), .rresp(m_axi_rresp), .rlast(m_axi_rlast),
        .rvalid(m_axi_rvalid), .rready(m_axi_rready),
        .f_wr_out(p_m0_wr_out), .f_rd_out(p_m0_rd_out), .f_b_due(p_m0_b_due), .f_awq_n(p_m0_awq_n),
        .f_wq_n(p_m0_wq_n), .f_wbeat(p_m0_wbeat));
    wire [8:0] p_m1_wr_out, p_m1_rd_out, p_m1_b_due, p_m1_wbeat;
    wire [MQ:0] p_m1_awq_n, p_m1_wq_n;
    fv_axi4 #(.ID_WIDTH(M_IDW), .ADDR_WIDTH(ADDR_WIDTH), .DATA_WIDTH(DATA_WIDTH), .USER_WIDTH(USER_WIDTH),
              .MASTER_IS_DUT(1), .MAX_BURST(MAX_BURST), .MAX_RD_OUT(M_OUT), .MAX_WR_OUT(M_OUT),
              .W_BEFORE_AW(1), .QLOG2(MQ)) p_m1 (
        .clk(clk), .rst(rst),
        .awid(m_axi_awid), .awaddr(m_axi_awaddr), .awlen(m_axi_awlen), .awsize(m_axi_awsize), .awburst(m_axi_awburst),
        .awlock(m_axi_awlock), .awcache(m_axi_awcache), .awprot(m_axi_awprot), .awuser(m_axi_awuser), .awvalid(m_axi_awvalid),
        .awready(m_axi_awready), .wdata(m_axi_wdata), .wstrb(m_axi_wstrb), .wlast(m_axi_wlast), .wvalid(m_axi_wvalid),
        .wready(m_axi_wready), .bid(m_axi_bid), .bresp(m_axi_bresp), .bvalid(m_axi_bvalid), .bready(m_axi_bready),
        .arid(m_axi_arid), .araddr(m_axi_araddr), .arlen(m_axi_arlen), .arsize(m_axi_arsize), .arburst(m_axi_arburst),
        .arlock(m_axi_arlock), .arcache(m_axi_arcache), .arprot(m_axi_arprot), .aruser(m_axi_aruser), .arvalid(m_axi_arvalid),
        .arready(m_axi_arready), .rid(m_axi_rid), .rdata(m_axi_rdata), .rresp(m_axi_rresp), .rlast(m_axi_rlast),
        .rvalid(m_axi_rvalid), .rready(m_axi_rready),
        .f_wr_out(p_m1_wr_out), .f_rd_out(p_m1_rd_out), .f_b_due(p_m1_b_due), .f_awq_n(p_m1_awq_n),
        .f_wq_n(p_m1_wq_n), .f_wbeat(p_m1_wbeat));
    wire [8:0] p_m2_wr_out, p_m2_rd_out, p_m2_b_due, p_m2_wbeat;
    wire [MQ:0] p_m2_awq_n, p_m2_wq_n;
    fv_axi4 #(.ID_WIDTH(M_IDW), .ADDR_WIDTH(ADDR_WIDTH), .DATA_WIDTH(DATA_WIDTH), .USER_WIDTH(USER_WIDTH),
              .MASTER_IS_DUT(1), .MAX_BURST(MAX_BURST), .MAX_RD_OUT(M_OUT), .MAX_WR_OUT(M_OUT),
              .W_BEFORE_AW(1), .QLOG2(MQ)) p_m2 (
        .clk(clk), .rst(rst),
        .awid(m_axi_awid), .awaddr(m_axi_awaddr), .awlen(m_axi_awlen), .awsize(m_axi_awsize), .awburst(m_axi_awburst),
        .awlock(m_axi_awlock), .awcache(m_axi_awcache), .awprot(m_axi_awprot), .awuser(m_axi_awuser), .awvalid(m_axi_awvalid),
        .awready(m_axi_awready), .wdata(m_axi_wdata), .wstrb(m_axi_wstrb), .wlast(m_axi_wlast), .wvalid(m_axi_wvalid),
        .wready(m_axi_wready), .bid(m_axi_bid), .bresp(m_axi_bresp), .bvalid(m_axi_bvalid), .bready(m_axi_bready),
        .arid(m_axi_arid), .araddr(m_axi_araddr), .arlen(m_axi_arlen), .arsize(m_axi_arsize), .arburst(m_axi_arburst),
        .arlock(m_axi_arlock), .arcache(m_axi_arcache), .arprot(m_axi_arprot), .aruser(m_axi_aruser), .arvalid(m_axi_arvalid),
        .arready(m_axi_arready), .rid(m_axi_rid), .rdata(m_axi_rdata), .rresp(m_axi_rresp), .rlast(m_axi_rlast),
        .rvalid(m_axi_rvalid), .rready(m_axi_rready),
        .f_wr_out(p_m2_wr_out), .f_rd_out(p_m2_rd_out), .f_b_due(p_m2_b_due), .f_awq_n(p_m2_awq_n),
        .f_wq_n(p_m2_wq_n), .f_wbeat(p_m2_wbeat));
    wire [8:0] p_m3_wr_out, p_m3_rd_out, p_m3_b_due, p_m3_wbeat;
    wire [MQ:0] p_m3_awq_n, p_m3_wq_n;
    fv_axi4 #(.ID_WIDTH(M_IDW), .ADDR_WIDTH(ADDR_WIDTH), .DATA_WIDTH(DATA_WIDTH), .USER_WIDTH(USER_WIDTH),
              .MASTER_IS_DUT(1), .MAX_BURST(MAX_BURST), .MAX_RD_OUT(M_OUT), .MAX_WR_OUT(M_OUT),
              .W_BEFORE_AW(1), .QLOG2(MQ)) p_m3 (
        .clk(clk), .rst(rst),
        .awid(m_axi_awid), .awaddr(m_axi_awaddr), .awlen(m_axi_awlen), .awsize(m_axi_awsize), .awburst(m_axi_awburst),
        .awlock(m_axi_awlock), .awcache(m_axi_awcache), .awprot(m_axi_awprot), .awuser(m_axi_awuser), .awvalid(m_axi_awvalid),
        .awready(m_axi_awready), .wdata(m_axi_wdata), .wstrb(m_axi_wstrb), .wlast(m_axi_wlast), .wvalid(m_axi_wvalid),
        .wready(m_axi_wready), .bid(m_axi_bid), .bresp(m_axi_bresp), .bvalid(m_axi_bvalid), .bready(m_axi_bready),
        .arid(m_axi_arid), .araddr(m_axi_araddr), .arlen(m_axi_arlen), .arsize(m_axi_arsize), .arburst(m_axi_arburst),
        .arlock(m_axi_arlock), .arcache(m_axi_arcache), .arprot(m_axi_arprot), .aruser(m_axi_aruser), .arvalid(m_axi_arvalid),
        .arready(m_axi_arready), .rid(m_axi_rid), .rdata(m_axi_rdata), .rresp(m_axi_rresp), .rlast(m_axi_rlast),
        .rvalid(m_axi_rvalid), .rready(m_axi_rready),
        .f_wr_out(p_m3_wr_out), .f_rd_out(p_m3_rd_out), .f_b_due(p_m3_b_due), .f_awq_n(p_m3_awq_n),
        .f_wq_n(p_m3_wq_n), .f_wbeat(p_m3_wbeat));
    wire [M_IDW-1:0] f_mid0, f_mid1, f_mid2, f_mid3;   // taps: p_m<i>.f_id
    always @* assume(f_mid0 == 0 && f_mid1 == 1 && f_mid2 == 2 && f_mid3 == 3);

    // ---------------------------------------------------------------- AR, AW
    // the request accepted from an input and not yet accepted on m_axi, as
    // {input index, ID, payload}: at most one (the output register)
    localparam AXW = M_IDW + ADDR_WIDTH + 8 + 3 + 2 + 1 + 4 + 3 + USER_WIDTH;
    wire s0_ar_hs = s0_axi_arvalid && s0_axi_arready, s1_ar_hs = s1_axi_arvalid && s1_axi_arready;
    wire s0_aw_hs = s0_axi_awvalid && s0_axi_awready, s1_aw_hs = s1_axi_awvalid && s1_axi_awready;
    wire m_ar_hs  = m_axi_arvalid && m_axi_arready,   m_aw_hs  = m_axi_awvalid && m_axi_awready;
    wire [AXW-1:0] s0_ar = {1'b0, s0_axi_arid, s0_axi_araddr, s0_axi_arlen, s0_axi_arsize, s0_axi_arburst,
                            s0_axi_arlock, s0_axi_arcache, s0_axi_arprot, s0_axi_aruser};
    wire [AXW-1:0] s1_ar = {1'b1, s1_axi_arid, s1_axi_araddr, s1_axi_arlen, s1_axi_arsize, s1_axi_arburst,
                            s1_axi_arlock, s1_axi_arcache, s1_axi_arprot, s1_axi_aruser};
    wire [AXW-1:0] m_ar  = {m_axi_arid, m_axi_araddr, m_axi_arlen, m_axi_arsize, m_axi_arburst,
                            m_axi_arlock, m_axi_arcache, m_axi_arprot, m_axi_aruser};
    wire [AXW-1:0] s0_aw = {1'b0, s0_axi_awid, s0_axi_awaddr, s0_axi_awlen, s0_axi_awsize, s0_axi_awburst,
                            s0_axi_awlock, s0_axi_awcache, s0_axi_awprot, s0_axi_awuser};
    wire [AXW-1:0] s1_aw = {1'b1, s1_axi_awid, s1_axi_awaddr, s1_axi_awlen, s1_axi_awsize, s1_axi_awburst,
                            s1_axi_awlock, s1_axi_awcache, s1_axi_awprot, s1_axi_awuser};
    wire [AXW-1:0] m_aw  = {m_axi_awid, m_axi_awaddr, m_axi_awlen, m_axi_awsize, m_axi_awburst,
                            m_axi_awlock, m_axi_awcache, m_axi_awprot, m_axi_awuser};
    reg           f_arv = 1'b0, f_awv = 1'b0;
    reg [AXW-1:0] f_ar, f_aw;
    always @(posedge clk) begin
        if (rst) f_arv <= 1'b0;
        else if (s0_ar_hs || s1_ar_hs) f_arv <= 1'b1;
        else if (m_ar_hs) f_arv <= 1'b0;
        if (s0_ar_hs || s1_ar_hs) f_ar <= s1_ar_hs ? s1_ar : s0_ar;
        if (rst) f_awv <= 1'b0;
        else if (s0_aw_hs || s1_aw_hs) f_awv <= 1'b1;
        else if (m_aw_hs) f_awv <= 1'b0;
        if (s0_aw_hs || s1_aw_hs) f_aw <= s1_aw_hs ? s1_aw : s0_aw;
    end

    // ---------------------------------------------------------------- W order
    // reference queue of the inputs whose AW was accepted and whose W burst has
    // not yet gone out on m_axi (WLAST), in acceptance order
    localparam WD = 1 << WFIFO_DEPTH_LOG2;
    reg       f_wo [0:7];
    reg [2:0] f_wo_rp = 0, f_wo_wp = 0;
    reg [3:0] f_wo_n = 0, f_wo_n1 = 0;   // entries, and those of s1
    wire      f_head  = f_wo[f_wo_rp];
    wire      m_w_hs  = m_axi_wvalid && m_axi_wready;
    wire      s0_w_hs = s0_axi_wvalid && s0_axi_wready, s1_w_hs = s1_axi_wvalid && s1_axi_wready;
    wire      f_push  = s0_aw_hs || s1_aw_hs;
    wire      f_pop   = m_w_hs && m_axi_wlast;
    always @(posedge clk)
        if (rst) begin
            f_wo_rp <= 0; f_wo_wp <= 0; f_wo_n <= 0;
        end else begin
            if (f_push) begin f_wo[f_wo_wp] <= s1_aw_hs; f_wo_wp <= f_wo_wp + 1'b1; end
            if (f_pop) f_wo_rp <= f_wo_rp + 1'b1;
            f_wo_n <= f_wo_n + f_push - f_pop;
            f_wo_n1 <= f_wo_n1 + (f_push && s1_aw_hs) - (f_pop && f_head);
        end

    always @* if (f_past && !rst) begin
        // AR: one input at a time, into a free (or freed) output register; the
        // output is exactly that request, with ID {input, ID}
        assert(!(s0_ar_hs && s1_ar_hs));
        if (s0_ar_hs || s1_ar_hs) assert(!f_arv || m_ar_hs);
        assert(m_axi_arvalid == f_arv);
        if (m_axi_arvalid) assert(m_ar == f_ar);
        // AW: the same
        assert(!(s0_aw_hs && s1_aw_hs));
        if (s0_aw_hs || s1_aw_hs) assert(!f_awv || m_aw_hs);
        assert(m_axi_awvalid == f_awv);
        if (m_axi_awvalid) assert(m_aw == f_aw);
        // W: only from the input at the head of the AW order, beat for beat
        assert(f_wo_n <= WD);
        if (m_axi_wvalid) assert(f_wo_n != 0);
        if (f_wo_n != 0) begin
            assert(m_axi_wvalid == (f_head ? s1_axi_wvalid : s0_axi_wvalid));
            if (m_axi_wvalid) assert(m_axi_wdata == (f_head ? s1_axi_wdata : s0_axi_wdata)
                                     && m_axi_wstrb == (f_head ? s1_axi_wstrb : s0_axi_wstrb)
                                     && m_axi_wlast == (f_head ? s1_axi_wlast : s0_axi_wlast));
        end
        assert(!(s0_w_hs && s1_w_hs));
        assert(m_w_hs == (s0_w_hs || s1_w_hs));
        if (s0_w_hs) assert(f_wo_n != 0 && !f_head);
        if (s1_w_hs) assert(f_wo_n != 0 && f_head);
        // R: to the input named by RID's top bit, the bit stripped
        assert(s0_axi_rvalid == (m_axi_rvalid && !m_axi_rid[S_ID_WIDTH]));
        assert(s1_axi_rvalid == (m_axi_rvalid &&  m_axi_rid[S_ID_WIDTH]));
        if (s0_axi_rvalid) assert({s0_axi_rid, s0_axi_rdata, s0_axi_rresp, s0_axi_rlast}
                                  == {m_axi_rid[S_ID_WIDTH-1:0], m_axi_rdata, m_axi_rresp, m_axi_rlast});
        if (s1_axi_rvalid) assert({s1_axi_rid, s1_axi_rdata, s1_axi_rresp, s1_axi_rlast}
                                  == {m_axi_rid[S_ID_WIDTH-1:0], m_axi_rdata, m_axi_rresp, m_axi_rlast});
        assert((m_axi_rvalid && m_axi_rready) == ((s0_axi_rvalid && s0_axi_rready) || (s1_axi_rvalid && s1_axi_rready)));
        // B: the same by BID
        assert(s0_axi_bvalid == (m_axi_bvalid && !m_axi_bid[S_ID_WIDTH]));
        assert(s1_axi_bvalid == (m_axi_bvalid &&  m_axi_bid[S_ID_WIDTH]));
        if (s0_axi_bvalid) assert({s0_axi_bid, s0_axi_bresp} == {m_axi_bid[S_ID_WIDTH-1:0], m_axi_bresp});
        if (s1_axi_bvalid) assert({s1_axi_bid, s1_axi_bresp} == {m_axi_bid[S_ID_WIDTH-1:0], m_axi_bresp});
        assert((m_axi_bvalid && m_axi_bready) == ((s0_axi_bvalid && s0_axi_bready) || (s1_axi_bvalid && s1_axi_bready)));
    end
    // invariants tying the checkers' counts to each other and to the reference
    // queue (each follows from the properties above; stated, they keep the
    // solver from rediscovering them at every step)
    always @* if (f_past && !rst) begin
        assert(p_m0_rd_out + f_arv == p_s0_rd_out + p_s1_rd_out);
        assert(p_m0_wr_out + f_awv == p_s0_wr_out + p_s1_wr_out);
        assert(p_m0_b_due <= p_s0_b_due + p_s1_b_due);
        // a W burst never starts on an input before its AW was accepted there
        assert(p_s0_wq_n == 0 && p_s1_wq_n == 0);
        if (f_wo_n == 0 || f_head) assert(p_s0_wbeat == 0);
        if (f_wo_n == 0 || !f_head) assert(p_s1_wbeat == 0);
        assert(f_wo_n1 <= f_wo_n);
        assert(p_s1_awq_n == f_wo_n1 && p_s0_awq_n == f_wo_n - f_wo_n1);
        assert(p_m0_wbeat == ((f_wo_n == 0) ? 9'd0 : f_head ? p_s1_wbeat : p_s0_wbeat));
        assert(f_wo_n == p_m0_awq_n + f_awv - p_m0_wq_n);
        assert(p_m0_wq_n <= f_awv);
    end
    always @* if (f_past && !rst) begin
        cover(f_wo_n == WD && m_w_hs && m_axi_wlast && f_head);
        cover(f_wo_rp == 3'd3);                          // three W bursts out, the queue wrapped
        cover(p_m0_wr_out == 2 && s0_axi_bvalid && s0_axi_bready);
        cover(p_m0_rd_out == 2 && s1_axi_rvalid && s1_axi_rlast && s1_axi_rready);
    end
`endif
endmodule
`default_nettype wire

