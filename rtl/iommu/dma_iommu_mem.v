// SPDX-License-Identifier: Apache-2.0
// The IOMMU's own memory accesses: one 8-byte read or (partial) write at a
// time for the table walker, the fault-queue writer, the command queue and the
// MSI sender, served in that priority order on an AXI4 master port
// (single-beat narrow transfers; DATA_WIDTH >= 64). A write of a requester
// flagged in req_w32 is a 4-byte one (AWSIZE 2 at its 4-byte address, the
// strobes it gives: an MSI); every other access is 8 bytes (AWSIZE/ARSIZE 3).
// Reads are on the walk's critical path: ARVALID comes straight from the
// (registered, held) request and the read data goes straight back, so a walk
// level costs the memory latency plus one cycle.
`default_nettype none
module dma_iommu_mem #(
    parameter DATA_WIDTH = 64,
    parameter ADDR_WIDTH = 64,
    parameter ID_WIDTH   = 5
) (
    input  wire                    clk,
    input  wire                    rst,
    // requesters: 0 walker, 1 fault queue, 2 command queue, 3 MSIs
    input  wire [3:0]              req,
    input  wire [3:0]              req_we,
    input  wire [3:0]              req_w32,      // its writes are 4-byte ones
    input  wire [4*64-1:0]         req_addr,
    input  wire [4*64-1:0]         req_wdata,
    input  wire [4*8-1:0]          req_wstrb,
    output wire [3:0]              ack,          // request taken
    output wire [3:0]              done,         // response (pulse)
    output wire [63:0]             rdata,
    output wire                    err,
    // AXI4 master
    output wire [ID_WIDTH-1:0]     m_axi_awid,
    output reg  [ADDR_WIDTH-1:0]   m_axi_awaddr,
    output wire [7:0]              m_axi_awlen,
    output reg  [2:0]              m_axi_awsize,
    output wire [1:0]              m_axi_awburst,
    output wire                    m_axi_awlock,
    output wire [3:0]              m_axi_awcache,
    output wire [2:0]              m_axi_awprot,
    output reg                     m_axi_awvalid,
    input  wire                    m_axi_awready,
    output reg  [DATA_WIDTH-1:0]   m_axi_wdata,
    output reg  [DATA_WIDTH/8-1:0] m_axi_wstrb,
    output wire                    m_axi_wlast,
    output reg                     m_axi_wvalid,
    input  wire                    m_axi_wready,
    input  wire [ID_WIDTH-1:0]     m_axi_bid,
    input  wire [1:0]              m_axi_bresp,
    input  wire                    m_axi_bvalid,
    output wire                    m_axi_bready,
    output wire [ID_WIDTH-1:0]     m_axi_arid,
    output wire [ADDR_WIDTH-1:0]   m_axi_araddr,
    output wire [7:0]              m_axi_arlen,
    output wire [2:0]              m_axi_arsize,
    output wire [1:0]              m_axi_arburst,
    output wire                    m_axi_arlock,
    output wire [3:0]              m_axi_arcache,
    output wire [2:0]              m_axi_arprot,
    output wire                    m_axi_arvalid,
    input  wire                    m_axi_arready,
    input  wire [ID_WIDTH-1:0]     m_axi_rid,
    input  wire [DATA_WIDTH-1:0]   m_axi_rdata,
    input  wire [1:0]              m_axi_rresp,
    input  wire                    m_axi_rlast,
    input  wire                    m_axi_rvalid,
    output wire                    m_axi_rready
);
    localparam NB    = DATA_WIDTH / 8;
    localparam OFF_W = $clog2(NB);

    assign m_axi_awid = {ID_WIDTH{1'b0}};
    assign m_axi_arid = {ID_WIDTH{1'b0}};
    assign m_axi_awlen = 8'd0;
    assign m_axi_arlen = 8'd0;
    assign m_axi_arsize = 3'd3;
    assign m_axi_awburst = 2'b01;
    assign m_axi_arburst = 2'b01;
    assign m_axi_awlock = 1'b0;
    assign m_axi_arlock = 1'b0;
    assign m_axi_awcache = 4'b0011;
    assign m_axi_arcache = 4'b0011;
    assign m_axi_awprot = 3'b000;
    assign m_axi_arprot = 3'b000;
    assign m_axi_wlast = 1'b1;

    reg        busy;                      // waiting for a response
    reg  [3:0] who;                       // one-hot requester being served
    reg  [OFF_W-1:0] lane;                // byte offset of the 8 bytes in the beat
    reg        held;                      // an AR is presented and not yet taken
    reg  [2:0] held_who;

    // reads (walker, command queue): ARVALID and ARADDR straight from the request;
    // an AR on the bus keeps its requester (and payload) until the handshake
    wire [2:0] r_pick = req[0] ? 3'b001 : req[1] ? 3'b010 : req[2] ? 3'b100 : 3'b000;
    wire [2:0] cur = held ? held_who : r_pick;
    wire [1:0] cur_i = cur[0] ? 2'd0 : cur[1] ? 2'd1 : 2'd2;
    wire       cur_we = req_we[cur_i];
    wire [63:0] c_addr = req_addr[cur_i*64 +: 64];
    wire [OFF_W-1:0] c_lane = c_addr[OFF_W-1:0] & ~{{(OFF_W-3){1'b0}}, 3'b111};

    assign m_axi_arvalid = !busy && (|cur) && !cur_we;
    assign m_axi_araddr  = {c_addr[ADDR_WIDTH-1:3], 3'b000};
    wire   ar_fire = m_axi_arvalid && m_axi_arready;

    // writes: the first requester, when it writes; the payload registers load
    // while the port is idle (AWVALID and WVALID are low then), so that only the
    // valid flags depend on the arbitration
    wire [3:0] w_pick = req[0] ? 4'b0001 : req[1] ? 4'b0010 : req[2] ? 4'b0100 : req[3] ? 4'b1000 : 4'b0000;
    wire [1:0] w_i = req[0] ? 2'd0 : req[1] ? 2'd1 : req[2] ? 2'd2 : 2'd3;
    wire       w_start = !busy && !held && (|(w_pick & req_we));
    wire [63:0] p_addr  = req_addr[w_i*64 +: 64];
    wire [63:0] p_wdata = req_wdata[w_i*64 +: 64];
    wire [7:0]  p_wstrb = req_wstrb[w_i*8 +: 8];
    wire        p_w32   = req_w32[w_i];
    wire [OFF_W-1:0] p_lane = p_addr[OFF_W-1:0] & ~{{(OFF_W-3){1'b0}}, 3'b111};
    assign ack = ar_fire ? {1'b0, cur} : (w_start ? w_pick : 4'b0000);

    assign m_axi_rready = busy;
    assign m_axi_bready = busy;
    wire [DATA_WIDTH-1:0] r_shift = m_axi_rdata >> ({3'd0, lane} * 8);
    wire r_done = busy && m_axi_rvalid;
    wire b_done = busy && m_axi_bvalid;
    assign done  = (r_done || b_done) ? who : 4'b0000;
    assign rdata = r_shift[63:0];
    assign err   = r_done ? m_axi_rresp[1] : m_axi_bresp[1];

    always @(posedge clk) begin
        if (rst) begin
            busy <= 1'b0; who <= 4'd0; lane <= {OFF_W{1'b0}}; held <= 1'b0; held_who <= 3'd0;
            m_axi_awvalid <= 1'b0; m_axi_awaddr <= {ADDR_WIDTH{1'b0}}; m_axi_awsize <= 3'd3;
            m_axi_wvalid <= 1'b0; m_axi_wdata <= {DATA_WIDTH{1'b0}}; m_axi_wstrb <= {NB{1'b0}};
        end else begin
            held     <= m_axi_arvalid && !m_axi_arready;
            held_who <= cur;
            if (ar_fire) begin
                busy <= 1'b1;
                who  <= {1'b0, cur};
                lane <= c_lane;
            end
            if (!busy) begin
                m_axi_awaddr  <= {p_addr[ADDR_WIDTH-1:3], p_w32 && p_addr[2], 2'b00};
                m_axi_awsize  <= p_w32 ? 3'd2 : 3'd3;
                m_axi_wdata   <= {{(DATA_WIDTH-64){1'b0}}, p_wdata} << ({3'd0, p_lane} * 8);
                m_axi_wstrb   <= {{(NB-8){1'b0}}, p_wstrb} << p_lane;
            end
            if (w_start) begin
                busy <= 1'b1;
                who  <= w_pick;
                lane <= p_lane;
                m_axi_awvalid <= 1'b1;
                m_axi_wvalid  <= 1'b1;
            end
            if (m_axi_awvalid && m_axi_awready) m_axi_awvalid <= 1'b0;
            if (m_axi_wvalid && m_axi_wready)   m_axi_wvalid  <= 1'b0;
            if (r_done || b_done)
                busy <= 1'b0;
        end
    end
    // SLVERR and DECERR are both "a memory fault" here; one beat, one ID
    wire unused_m = ^{m_axi_bid, m_axi_rid, m_axi_rlast, r_shift, m_axi_bresp[0], m_axi_rresp[0]};
    generate
        if (ADDR_WIDTH < 64) begin : g_addr_hi      // table addresses above the bus: not reachable
            wire unused_addr_hi = ^{c_addr[63:ADDR_WIDTH], p_addr[63:ADDR_WIDTH]};
        end
    endgenerate
endmodule
`default_nettype wire
