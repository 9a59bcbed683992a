// SPDX-License-Identifier: Apache-2.0
// AXI4 2:1 multiplexer: two AXI4 masters (s0_axi, s1_axi) share one AXI4 slave
// port (m_axi).
//
// - AR and AW are each arbitrated round-robin (dma_rr_arbiter) between the two
//   inputs and go out through a register stage (one request per cycle; no
//   combinational path from s*_axvalid to m_axi_axvalid). The output ID is
//   {input index, input ID}, so M_ID_WIDTH = S_ID_WIDTH + 1.
// - R and B are routed back by the MSB of RID/BID, which is stripped
//   (combinational pass-through; only READY is routed back, gated by VALID so
//   that it is never unknown while the ID is idle).
// - W: each granted AW pushes its input index into a small FIFO; W beats are
//   forwarded only from the input at the head of that FIFO, until WLAST, so the
//   W bursts go out in AW order. An input presenting W before its AW has been
//   granted is simply not served until its index reaches the head (no deadlock,
//   since AXI masters must not wait for WREADY before raising AWVALID). W is a
//   combinational pass-through: one beat per cycle, no bubble between bursts.
//   W may reach m_axi up to a cycle before its AW (legal AXI).
`default_nettype none
module dma_axi_mux #(
    parameter DATA_WIDTH       = 64,
    parameter ADDR_WIDTH       = 64,
    parameter S_ID_WIDTH       = 4,
    parameter USER_WIDTH       = 4,
    parameter WFIFO_DEPTH_LOG2 = 3      // log2 of the AW bursts whose W data is pending
) (
    input  wire                     clk,
    input  wire                     rst,

    // ---------------------------------------------------------------- s0_axi
    input  wire [S_ID_WIDTH-1:0]    s0_axi_awid,
    input  wire [ADDR_WIDTH-1:0]    s0_axi_awaddr,
    input  wire [7:0]               s0_axi_awlen,
    input  wire [2:0]               s0_axi_awsize,
    input  wire [1:0]               s0_axi_awburst,
    input  wire                     s0_axi_awlock,
    input  wire [3:0]               s0_axi_awcache,
    input  wire [2:0]               s0_axi_awprot,
    input  wire [USER_WIDTH-1:0]    s0_axi_awuser,
    input  wire                     s0_axi_awvalid,
    output wire                     s0_axi_awready,
    input  wire [DATA_WIDTH-1:0]    s0_axi_wdata,
    input  wire [DATA_WIDTH/8-1:0]  s0_axi_wstrb,
    input  wire                     s0_axi_wlast,
    input  wire                     s0_axi_wvalid,
    output wire                     s0_axi_wready,
    output wire [S_ID_WIDTH-1:0]    s0_axi_bid,
    output wire [1:0]               s0_axi_bresp,
    output wire                     s0_axi_bvalid,
    input  wire                     s0_axi_bready,
    input  wire [S_ID_WIDTH-1:0]    s0_axi_arid,
    input  wire [ADDR_WIDTH-1:0]    s0_axi_araddr,
    input  wire [7:0]               s0_axi_arlen,
    input  wire [2:0]               s0_axi_arsize,
    input  wire [1:0]               s0_axi_arburst,
    input  wire                     s0_axi_arlock,
    input  wire [3:0]               s0_axi_arcache,
    input  wire [2:0]               s0_axi_arprot,
    input  wire [USER_WIDTH-1:0]    s0_axi_aruser,
    input  wire                     s0_axi_arvalid,
    output wire                     s0_axi_arready,
    output wire [S_ID_WIDTH-1:0]    s0_axi_rid,
    output wire [DATA_WIDTH-1:0]    s0_axi_rdata,
    output wire [1:0]               s0_axi_rresp,
    output wire                     s0_axi_rlast,
    output wire                     s0_axi_rvalid,
    input  wire                     s0_axi_rready,

    // ---------------------------------------------------------------- s1_axi
    input  wire [S_ID_WIDTH-1:0]    s1_axi_awid,
    input  wire [ADDR_WIDTH-1:0]    s1_axi_awaddr,
    input  wire [7:0]               s1_axi_awlen,
    input  wire [2:0]               s1_axi_awsize,
    input  wire [1:0]               s1_axi_awburst,
    input  wire                     s1_axi_awlock,
    input  wire [3:0]               s1_axi_awcache,
    input  wire [2:0]               s1_axi_awprot,
    input  wire [USER_WIDTH-1:0]    s1_axi_awuser,
    input  wire                     s1_axi_awvalid,
    output wire                     s1_axi_awready,
    input  wire [DATA_WIDTH-1:0]    s1_axi_wdata,
    input  wire [DATA_WIDTH/8-1:0]  s1_axi_wstrb,
    input  wire                     s1_axi_wlast,
    input  wire                     s1_axi_wvalid,
    output wire                     s1_axi_wready,
    output wire [S_ID_WIDTH-1:0]    s1_axi_bid,
    output wire [1:0]               s1_axi_bresp,
    output wire                     s1_axi_bvalid,
    input  wire                     s1_axi_bready,
    input  wire [S_ID_WIDTH-1:0]    s1_axi_arid,
    input  wire [ADDR_WIDTH-1:0]    s1_axi_araddr,
    input  wire [7:0]               s1_axi_arlen,
    input  wire [2:0]               s1_axi_arsize,
    input  wire [1:0]               s1_axi_arburst,
    input  wire                     s1_axi_arlock,
    input  wire [3:0]               s1_axi_arcache,
    input  wire [2:0]               s1_axi_arprot,
    input  wire [USER_WIDTH-1:0]    s1_axi_aruser,
    input  wire                     s1_axi_arvalid,
    output wire                     s1_axi_arready,
    output wire [S_ID_WIDTH-1:0]    s1_axi_rid,
    output wire [DATA_WIDTH-1:0]    s1_axi_rdata,
    output wire [1:0]               s1_axi_rresp,
    output wire                     s1_axi_rlast,
    output wire                     s1_axi_rvalid,
    input  wire                     s1_axi_rready,

    // ---------------------------------------------------------------- m_axi
    output reg  [S_ID_WIDTH:0]      m_axi_awid,
    output reg  [ADDR_WIDTH-1:0]    m_axi_awaddr,
    output reg  [7:0]               m_axi_awlen,
    output reg  [2:0]               m_axi_awsize,
    output reg  [1:0]               m_axi_awburst,
    output reg                      m_axi_awlock,
    output reg  [3:0]               m_axi_awcache,
    output reg  [2:0]               m_axi_awprot,
    output reg  [USER_WIDTH-1:0]    m_axi_awuser,
    output reg                      m_axi_awvalid,
    input  wire                     m_axi_awready,
    output wire [DATA_WIDTH-1:0]    m_axi_wdata,
    output wire [DATA_WIDTH/8-1:0]  m_axi_wstrb,
    output wire                     m_axi_wlast,
    output wire                     m_axi_wvalid,
    input  wire                     m_axi_wready,
    input  wire [S_ID_WIDTH:0]      m_axi_bid,
    input  wire [1:0]               m_axi_bresp,
    input  wire                     m_axi_bvalid,
    output wire                     m_axi_bready,
    output reg  [S_ID_WIDTH:0]      m_axi_arid,
    output reg  [ADDR_WIDTH-1:0]    m_axi_araddr,
    output reg  [7:0]               m_axi_arlen,
    output reg  [2:0]               m_axi_arsize,
    output reg  [1:0]               m_axi_arburst,
    output reg                      m_axi_arlock,
    output reg  [3:0]               m_axi_arcache,
    output reg  [2:0]               m_axi_arprot,
    output reg  [USER_WIDTH-1:0]    m_axi_aruser,
    output reg                      m_axi_arvalid,
    input  wire                     m_axi_arready,
    input  wire [S_ID_WIDTH:0]      m_axi_rid,
    input  wire [DATA_WIDTH-1:0]    m_axi_rdata,
    input  wire [1:0]               m_axi_rresp,
    input  wire                     m_axi_rlast,
    input  wire                     m_axi_rvalid,
    output wire                     m_axi_rready
);

    localparam M_ID_WIDTH = S_ID_WIDTH + 1;

    // =================================================================== AR
    wire [1:0] ar_grant;
    wire       ar_idx;
    wire       ar_any;
    // the output register can take a new request when empty or being emptied
    wire       ar_slot = !m_axi_arvalid || m_axi_arready;
    wire       ar_take = ar_any && ar_slot;

    dma_rr_arbiter #(.N(2)) u_ar_arb (
        .clk       (clk),
        .rst       (rst),
        .req       ({s1_axi_arvalid, s0_axi_arvalid}),
        .advance   (ar_take),
        .grant     (ar_grant),
        .grant_idx (ar_idx),
        .any       (ar_any)
    );

    assign s0_axi_arready = ar_grant[0] && ar_slot;
    assign s1_axi_arready = ar_grant[1] && ar_slot;

    always @(posedge clk) begin
        if (rst)
            m_axi_arvalid <= 1'b0;
        else if (ar_take)
            m_axi_arvalid <= 1'b1;
        else if (m_axi_arready)
            m_axi_arvalid <= 1'b0;
    end

    always @(posedge clk) begin
        if (ar_take) begin
            if (ar_idx) begin
                m_axi_arid    <= {1'b1, s1_axi_arid};
                m_axi_araddr  <= s1_axi_araddr;
                m_axi_arlen   <= s1_axi_arlen;
                m_axi_arsize  <= s1_axi_arsize;
                m_axi_arburst <= s1_axi_arburst;
                m_axi_arlock  <= s1_axi_arlock;
                m_axi_arcache <= s1_axi_arcache;
                m_axi_arprot  <= s1_axi_arprot;
                m_axi_aruser  <= s1_axi_aruser;
            end else begin
                m_axi_arid    <= {1'b0, s0_axi_arid};
                m_axi_araddr  <= s0_axi_araddr;
                m_axi_arlen   <= s0_axi_arlen;
                m_axi_arsize  <= s0_axi_arsize;
                m_axi_arburst <= s0_axi_arburst;
                m_axi_arlock  <= s0_axi_arlock;
                m_axi_arcache <= s0_axi_arcache;
                m_axi_arprot  <= s0_axi_arprot;
                m_axi_aruser  <= s0_axi_aruser;
            end
        end
    end

    // =================================================================== R
    wire r_sel = m_axi_rid[M_ID_WIDTH-1];

    assign s0_axi_rid    = m_axi_rid[S_ID_WIDTH-1:0];
    assign s0_axi_rdata  = m_axi_rdata;
    assign s0_axi_rresp  = m_axi_rresp;
    assign s0_axi_rlast  = m_axi_rlast;
    assign s0_axi_rvalid = m_axi_rvalid && !r_sel;
    assign s1_axi_rid    = m_axi_rid[S_ID_WIDTH-1:0];
    assign s1_axi_rdata  = m_axi_rdata;
    assign s1_axi_rresp  = m_axi_rresp;
    assign s1_axi_rlast  = m_axi_rlast;
    assign s1_axi_rvalid = m_axi_rvalid && r_sel;
    assign m_axi_rready  = m_axi_rvalid && (r_sel ? s1_axi_rready : s0_axi_rready);

    // =================================================================== AW
    wire [1:0] aw_grant;
    wire       aw_idx;
    wire       aw_any;
    wire       wq_full;
    wire       aw_slot = (!m_axi_awvalid || m_axi_awready) && !wq_full;
    wire       aw_take = aw_any && aw_slot;

    dma_rr_arbiter #(.N(2)) u_aw_arb (
        .clk       (clk),
        .rst       (rst),
        .req       ({s1_axi_awvalid, s0_axi_awvalid}),
        .advance   (aw_take),
        .grant     (aw_grant),
        .grant_idx (aw_idx),
        .any       (aw_any)
    );

    assign s0_axi_awready = aw_grant[0] && aw_slot;
    assign s1_axi_awready = aw_grant[1] && aw_slot;

    always @(posedge clk) begin
        if (rst)
            m_axi_awvalid <= 1'b0;
        else if (aw_take)
            m_axi_awvalid <= 1'b1;
        else if (m_axi_awready)
            m_axi_awvalid <= 1'b0;
    end

    always @(posedge clk) begin
        if (aw_take) begin
            if (aw_idx) begin
                m_axi_awid    <= {1'b1, s1_axi_awid};
                m_axi_awaddr  <= s1_axi_awaddr;
                m_axi_awlen   <= s1_axi_awlen;
                m_axi_awsize  <= s1_axi_awsize;
                m_axi_awburst <= s1_axi_awburst;
                m_axi_awlock  <= s1_axi_awlock;
                m_axi_awcache <= s1_axi_awcache;
                m_axi_awprot  <= s1_axi_awprot;
                m_axi_awuser  <= s1_axi_awuser;
            end else begin
                m_axi_awid    <= {1'b0, s0_axi_awid};
                m_axi_awaddr  <= s0_axi_awaddr;
                m_axi_awlen   <= s0_axi_awlen;
                m_axi_awsize  <= s0_axi_awsize;
                m_axi_awburst <= s0_axi_awburst;
                m_axi_awlock  <= s0_axi_awlock;
                m_axi_awcache <= s0_axi_awcache;
                m_axi_awprot  <= s0_axi_awprot;
                m_axi_awuser  <= s0_axi_awuser;
            end
        end
    end

    // =================================================================== W
    // W-order queue: input index of every granted AW whose W burst is not done
    wire       wq_empty;
    wire       wq_head;
    wire       w_sel_valid = wq_head ? s1_axi_wvalid : s0_axi_wvalid;
    wire       w_last      = wq_head ? s1_axi_wlast  : s0_axi_wlast;
    wire       w_pop       = !wq_empty && w_sel_valid && m_axi_wready && w_last;

    dma_fifo #(.WIDTH(1), .DEPTH_LOG2(WFIFO_DEPTH_LOG2)) u_wq (
        .clk   (clk),
        .rst   (rst),
        .wr_en (aw_take),
        .din   (aw_idx),
        .full  (wq_full),
        .rd_en (w_pop),
        .dout  (wq_head),
        .empty (wq_empty)
    );

    assign m_axi_wdata   = wq_head ? s1_axi_wdata : s0_axi_wdata;
    assign m_axi_wstrb   = wq_head ? s1_axi_wstrb : s0_axi_wstrb;
    assign m_axi_wlast   = w_last;
    assign m_axi_wvalid  = !wq_empty && w_sel_valid;
    assign s0_axi_wready = !wq_empty && !wq_head && m_axi_wready;
    assign s1_axi_wready = !wq_empty &&  wq_head && m_axi_wready;

    // =================================================================== B
    wire b_sel = m_axi_bid[M_ID_WIDTH-1];

    assign s0_axi_bid    = m_axi_bid[S_ID_WIDTH-1:0];
    assign s0_axi_bresp  = m_axi_bresp;
    assign s0_axi_bvalid = m_axi_bvalid && !b_sel;
    assign s1_axi_bid    = m_axi_bid[S_ID_WIDTH-1:0];
    assign s1_axi_bresp  = m_axi_bresp;
    assign s1_axi_bvalid = m_axi_bvalid && b_sel;
    assign m_axi_bready  = m_axi_bvalid && (b_sel ? s1_axi_bready : s0_axi_bready);

endmodule
`default_nettype wire
