// SPDX-License-Identifier: Apache-2.0
// dma_iommu_mem (the IOMMU's own memory port: walker, fault queue, command
// queue, MSIs): m_axi is a correct AXI4 master (fv_axi4, the memory assumed
// legal and answering within 4 cycles, READYs within 2); and the requester
// port: an ack only for a requester that requests, at most one at a time, one
// access in flight; every ack gets exactly one done, within 8 cycles, for that
// requester; a write goes to the first requester in priority order; an AR is
// a pending read request's (its handshake is the ack), the AW and its W beat
// carry the acked write's address, size, data and strobes; a read's done
// returns the R data and its error (SLVERR or DECERR).
// Requesters (assumed): a request is held with its payload until acked, then
// stays low until its done, and none is raised in the first cycle after reset;
// addresses are 8-byte aligned (4-byte for the 4-byte writes of a req_w32
// requester).
`default_nettype none
module wrap_iommu_mem (
    input wire          clk,
    input wire          rst,
    input wire [3:0]    req,
    input wire [3:0]    req_we,
    input wire [3:0]    req_w32,
    input wire [4*64-1:0] req_addr,
    input wire [4*64-1:0] req_wdata,
    input wire [4*8-1:0]  req_wstrb,
    input wire          m_axi_awready,
    input wire          m_axi_wready,
    input wire [0:0]    m_axi_bid,
    input wire [1:0]    m_axi_bresp,
    input wire          m_axi_bvalid,
    input wire          m_axi_arready,
    input wire [0:0]    m_axi_rid,
    input wire [63:0]   m_axi_rdata,
    input wire [1:0]    m_axi_rresp,
    input wire          m_axi_rlast,
    input wire          m_axi_rvalid
);
    wire [3:0]  ack, done;
    wire [63:0] rdata;
    wire        err;
    wire [0:0]  m_axi_awid, m_axi_arid;
    wire [55:0] m_axi_awaddr, m_axi_araddr;
    wire [7:0]  m_axi_awlen, m_axi_arlen;
    wire [2:0]  m_axi_awsize, m_axi_arsize, m_axi_awprot, m_axi_arprot;
    wire [1:0]  m_axi_awburst, m_axi_arburst;
    wire        m_axi_awlock, m_axi_arlock;
    wire [3:0]  m_axi_awcache, m_axi_arcache;
    wire        m_axi_awvalid, m_axi_wvalid, m_axi_wlast, m_axi_bready, m_axi_arvalid, m_axi_rready;
    wire [63:0] m_axi_wdata;
    wire [7:0]  m_axi_wstrb;
    dma_iommu_mem #(.DATA_WIDTH(64), .ADDR_WIDTH(56), .ID_WIDTH(1)) dut (
        .clk(clk), .rst(rst), .req(req), .req_we(req_we), .req_w32(req_w32), .req_addr(req_addr),
        .req_wdata(req_wdata), .req_wstrb(req_wstrb), .ack(ack), .done(done), .rdata(rdata), .err(err),
        .m_axi_awid(m_axi_awid), .m_axi_awaddr(m_axi_awaddr), .m_axi_awlen(m_axi_awlen),
        .m_axi_awsize(m_axi_awsize), .m_axi_awburst(m_axi_awburst), .m_axi_awlock(m_axi_awlock),
        .m_axi_awcache(m_axi_awcache), .m_axi_awprot(m_axi_awprot), .m_axi_awvalid(m_axi_awvalid),
        .m_axi_awready(m_axi_awready), .m_axi_wdata(m_axi_wdata), .m_axi_wstrb(m_axi_wstrb),
        .m_axi_wlast(m_axi_wlast), .m_axi_wvalid(m_axi_wvalid), .m_axi_wready(m_axi_wready),
        .m_axi_bid(m_axi_bid), .m_axi_bresp(m_axi_bresp), .m_axi_bvalid(m_axi_bvalid),
        .m_axi_bready(m_axi_bready),
        .m_axi_arid(m_axi_arid), .m_axi_araddr(m_axi_araddr), .m_axi_arlen(m_axi_arlen),
        .m_axi_arsize(m_axi_arsize), .m_axi_arburst(m_axi_arburst), .m_axi_arlock(m_axi_arlock),
        .m_axi_arcache(m_axi_arcache), .m_axi_arprot(m_axi_arprot), .m_axi_arvalid(m_axi_arvalid),
        .m_axi_arready(m_axi_arready), .m_axi_rid(m_axi_rid), .m_axi_rdata(m_axi_rdata),
        .m_axi_rresp(m_axi_rresp), .m_axi_rlast(m_axi_rlast), .m_axi_rvalid(m_axi_rvalid),
        .m_axi_rready(m_axi_rready));
`ifdef FORMAL
    reg f_past = 1'b0;
    always @(posedge clk) f_past <= 1'b1;
    always @* if (!f_past) assume(rst);
    always @* if (f_past) assume(!rst);

    wire [8:0] f_wr_out, f_rd_out, f_b_due, f_wbeat;
    wire [3:0] f_awq_n, f_wq_n;
    fv_axi4 #(.ID_WIDTH(1), .ADDR_WIDTH(56), .DATA_WIDTH(64), .USER_WIDTH(1), .MASTER_IS_DUT(1),
              .MAX_BURST(1), .MAX_RD_OUT(1), .MAX_WR_OUT(1), .W_BEFORE_AW(1), .ENV_WAIT(2),
              .MAX_RESP(4), .FIXED_ID(0)) p_m (
        .clk(clk), .rst(rst),
        .awid(m_axi_awid), .awaddr(m_axi_awaddr), .awlen(m_axi_awlen), .awsize(m_axi_awsize),
        .awburst(m_axi_awburst), .awlock(m_axi_awlock), .awcache(m_axi_awcache), .awprot(m_axi_awprot),
        .awuser(1'b0), .awvalid(m_axi_awvalid), .awready(m_axi_awready),
        .wdata(m_axi_wdata), .wstrb(m_axi_wstrb), .wlast(m_axi_wlast), .wvalid(m_axi_wvalid),
        .wready(m_axi_wready), .bid(m_axi_bid), .bresp(m_axi_bresp), .bvalid(m_axi_bvalid),
        .bready(m_axi_bready),
        .arid(m_axi_arid), .araddr(m_axi_araddr), .arlen(m_axi_arlen), .arsize(m_axi_arsize),
        .arburst(m_axi_arburst), .arlock(m_axi_arlock), .arcache(m_axi_arcache), .arprot(m_axi_arprot),
        .aruser(1'b0), .arvalid(m_axi_arvalid), .arready(m_axi_arready),
        .rid(m_axi_rid), .rdata(m_axi_rdata), .rresp(m_axi_rresp), .rlast(m_axi_rlast),
        .rvalid(m_axi_rvalid), .rready(m_axi_rready),
        .f_wr_out(f_wr_out), .f_rd_out(f_rd_out), .f_b_due(f_b_due), .f_awq_n(f_awq_n),
        .f_wq_n(f_wq_n), .f_wbeat(f_wbeat));

    // the requesters
    reg [3:0] f_out = 4'd0;      // acked, done not yet
    always @(posedge clk) f_out <= rst ? 4'd0 : (f_out | ack) & ~done;
    // the access in flight: its requester and payload
    reg [1:0]  f_i;
    reg        f_we, f_w32;
    reg [63:0] f_addr, f_wdata;
    reg [7:0]  f_wstrb;
    reg [7:0]  f_wait = 8'd0;    // cycles since the ack, done not yet
    function [1:0] idx;
        input [3:0] oh;
        idx = oh[0] ? 2'd0 : oh[1] ? 2'd1 : oh[2] ? 2'd2 : 2'd3;
    endfunction
    always @(posedge clk) begin
        if (|ack) begin
            f_i     <= idx(ack);
            f_we    <= req_we[idx(ack)];
            f_w32   <= req_w32[idx(ack)];
            f_addr  <= req_addr[idx(ack)*64 +: 64];
            f_wdata <= req_wdata[idx(ack)*64 +: 64];
            f_wstrb <= req_wstrb[idx(ack)*8 +: 8];
        end
        if (rst || f_out == 4'd0 || |done) f_wait <= 8'd0;
        else if (f_wait != 8'hff) f_wait <= f_wait + 8'd1;
    end

    reg f_done2 = 1'b0;   // the command queue has had an access done
    always @(posedge clk) f_done2 <= !rst && (f_done2 || done[2]);
    reg ar_match;
    integer k;
    always @* begin
        ar_match = 1'b0;
        for (k = 0; k < 3; k = k + 1)
            if (req[k] && !req_we[k] && m_axi_araddr == req_addr[k*64 +: 56]) ar_match = 1'b1;
    end
    genvar g;
    generate for (g = 0; g < 4; g = g + 1) begin : g_req
        // held with its payload until acked; low from the ack to the done
        // (the requesters are reset with the port: no request in the first cycle
        // after reset, when ARVALID, which follows a read request, must be low)
        always @(posedge clk) if (f_past && $past(rst)) assume(!req[g]);
        always @(posedge clk) if (f_past && !rst && !$past(rst) && $past(req[g] && !ack[g])) begin
            assume(req[g]);
            assume(req_we[g] == $past(req_we[g]) && req_w32[g] == $past(req_w32[g])
                   && req_addr[g*64 +: 64] == $past(req_addr[g*64 +: 64])
                   && req_wdata[g*64 +: 64] == $past(req_wdata[g*64 +: 64])
                   && req_wstrb[g*8 +: 8] == $past(req_wstrb[g*8 +: 8]));
        end
        always @* begin
            if (f_out[g] || rst) assume(!req[g]);
            if (req[g]) assume(req_w32[g] && req_we[g] ? req_addr[g*64 +: 2] == 2'd0
                                                       : req_addr[g*64 +: 3] == 3'd0);
            if (req[g] && req_w32[g] && req_we[g]) assume(req_wstrb[g*8 +: 8] == 8'h0f || req_wstrb[g*8 +: 8] == 8'hf0);
        end
    end endgenerate
    // (the requesters that only read or only write, as wired in dma_iommu: the
    // MSI sender writes; req_w32 only for it)
    always @* begin
        if (req[3]) assume(req_we[3]);
        assume(req_w32[2:0] == 3'd0);
    end

    always @* if (f_past && !rst) begin
        // one access at a time, only for a requester that requests
        assert((ack & (ack - 4'd1)) == 4'd0 && (ack & ~req) == 4'd0);
        assert((f_out & (f_out - 4'd1)) == 4'd0);
        if (|ack) assert(f_out == 4'd0);
        // exactly one done per ack, for that requester, within 8 cycles
        assert((done & (done - 4'd1)) == 4'd0 && (done & ~f_out) == 4'd0);
        assert(f_wait <= 8'd8);
        // writes: the first requester in priority order is the one served
        if (|ack && req_we[idx(ack)]) assert((req & (ack - 4'd1)) == 4'd0);
        // the bus carries the access in flight
        // (ARVALID comes straight from a request: the ack is its handshake)
        if (m_axi_arvalid) begin
            assert(f_out == 4'd0 && ar_match && m_axi_arsize == 3'd3 && m_axi_arlen == 8'd0);
            if (m_axi_arready) assert(|ack && !req_we[idx(ack)] && m_axi_araddr == req_addr[idx(ack)*64 +: 56]);
        end
        if (|ack && !req_we[idx(ack)]) assert(m_axi_arvalid && m_axi_arready);
        if (m_axi_awvalid) assert(f_out != 4'd0 && f_we && m_axi_awaddr == f_addr[55:0] && m_axi_awlen == 8'd0
                                  && m_axi_awsize == (f_w32 ? 3'd2 : 3'd3));
        if (m_axi_wvalid)  assert(f_out != 4'd0 && f_we && m_axi_wdata == f_wdata && m_axi_wstrb == f_wstrb
                                  && m_axi_wlast);
        if (|done && !f_we) assert(rdata == m_axi_rdata && err == m_axi_rresp[1] && m_axi_rvalid);
        if (|done && f_we)  assert(err == m_axi_bresp[1] && m_axi_bvalid);
    end

    always @* if (f_past && !rst) begin
        cover(done[3] && f_we);
        cover(done[0] && !f_we && f_done2);
    end
`endif
endmodule
`default_nettype wire
