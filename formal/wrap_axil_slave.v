// SPDX-License-Identifier: Apache-2.0
// dma_axil_slave: s_axil is a correct AXI4-Lite slave (fv_axil, slave side; the
// master assumed legal, with at most 2 writes and 2 reads outstanding and READYs
// within 3 cycles) that answers every write and read within 6 cycles of being
// owed; the register port: one wr_req per write, with the address, data and
// strobes of that write and the mask of its strobes; one rd_req per read with
// its address; R carries rd_data/rd_err of RD_STAGES cycles after rd_req
// (SLVERR and zero data on rd_err), B carries wr_err of the wr_req cycle.
`default_nettype none
module wrap_axil_slave #(
    parameter ADDR_WIDTH = 6,
    parameter RD_STAGES  = 1
) (
    input wire                  clk,
    input wire                  rst,
    input wire [ADDR_WIDTH-1:0] s_axil_awaddr,
    input wire [2:0]            s_axil_awprot,
    input wire                  s_axil_awvalid,
    input wire [31:0]           s_axil_wdata,
    input wire [3:0]            s_axil_wstrb,
    input wire                  s_axil_wvalid,
    input wire                  s_axil_bready,
    input wire [ADDR_WIDTH-1:0] s_axil_araddr,
    input wire [2:0]            s_axil_arprot,
    input wire                  s_axil_arvalid,
    input wire                  s_axil_rready,
    input wire                  wr_err,
    input wire [31:0]           rd_data,
    input wire                  rd_err
);
    wire s_axil_awready, s_axil_wready, s_axil_bvalid, s_axil_arready, s_axil_rvalid;
    wire [1:0] s_axil_bresp, s_axil_rresp;
    wire [31:0] s_axil_rdata;
    wire wr_req, rd_req;
    wire [ADDR_WIDTH-1:0] wr_addr, rd_addr;
    wire [31:0] wr_data, wr_mask;
    wire [3:0] wr_strb;
    dma_axil_slave #(.ADDR_WIDTH(ADDR_WIDTH), .RD_STAGES(RD_STAGES), .ERR_RESP(1)) dut (
        .clk(clk), .rst(rst),
        .s_axil_awaddr(s_axil_awaddr), .s_axil_awprot(s_axil_awprot), .s_axil_awvalid(s_axil_awvalid),
        .s_axil_awready(s_axil_awready), .s_axil_wdata(s_axil_wdata), .s_axil_wstrb(s_axil_wstrb),
        .s_axil_wvalid(s_axil_wvalid), .s_axil_wready(s_axil_wready), .s_axil_bresp(s_axil_bresp),
        .s_axil_bvalid(s_axil_bvalid), .s_axil_bready(s_axil_bready), .s_axil_araddr(s_axil_araddr),
        .s_axil_arprot(s_axil_arprot), .s_axil_arvalid(s_axil_arvalid), .s_axil_arready(s_axil_arready),
        .s_axil_rdata(s_axil_rdata), .s_axil_rresp(s_axil_rresp), .s_axil_rvalid(s_axil_rvalid),
        .s_axil_rready(s_axil_rready),
        .wr_req(wr_req), .wr_addr(wr_addr), .wr_data(wr_data), .wr_strb(wr_strb), .wr_mask(wr_mask),
        .wr_err(wr_err), .rd_req(rd_req), .rd_addr(rd_addr), .rd_data(rd_data), .rd_err(rd_err));
`ifdef FORMAL
    reg f_past = 1'b0;
    always @(posedge clk) f_past <= 1'b1;
    always @* if (!f_past) assume(rst);
    always @* if (f_past) assume(!rst);

    wire [3:0] f_aw_out, f_w_out, f_ar_out;
    fv_axil #(.ADDR_WIDTH(ADDR_WIDTH), .MASTER_IS_DUT(0), .MAX_OUT(2), .ENV_WAIT(3), .MAX_RESP(6)) p_axil (
        .clk(clk), .rst(rst),
        .awaddr(s_axil_awaddr), .awprot(s_axil_awprot), .awvalid(s_axil_awvalid), .awready(s_axil_awready),
        .wdata(s_axil_wdata), .wstrb(s_axil_wstrb), .wvalid(s_axil_wvalid), .wready(s_axil_wready),
        .bresp(s_axil_bresp), .bvalid(s_axil_bvalid), .bready(s_axil_bready),
        .araddr(s_axil_araddr), .arprot(s_axil_arprot), .arvalid(s_axil_arvalid), .arready(s_axil_arready),
        .rdata(s_axil_rdata), .rresp(s_axil_rresp), .rvalid(s_axil_rvalid), .rready(s_axil_rready),
        .f_aw_out(f_aw_out), .f_w_out(f_w_out), .f_ar_out(f_ar_out));

    // the accepted write and read (one of each is held at a time)
    reg [ADDR_WIDTH-1:0] f_awaddr, f_araddr;
    reg [31:0] f_wdata;
    reg [3:0]  f_wstrb;
    always @(posedge clk) begin
        if (s_axil_awvalid && s_axil_awready) f_awaddr <= s_axil_awaddr;
        if (s_axil_wvalid && s_axil_wready) begin f_wdata <= s_axil_wdata; f_wstrb <= s_axil_wstrb; end
        if (s_axil_arvalid && s_axil_arready) f_araddr <= s_axil_araddr;
    end
    // the read pipeline as the block sees it: rd_data/rd_err RD_STAGES cycles after rd_req
    localparam integer RW = (RD_STAGES > 0) ? RD_STAGES : 1;
    wire [RW-1:0] f_rw;               // tap: dut.g_pipe.rd_wait (RD_STAGES > 0; unused otherwise)
    reg  [31:0] f_rdata; reg f_rerr;
    // the pipeline of the block's read multiplexer as the contract states it
    reg  [RW-1:0] f_pipe = 0;
    always @(posedge clk) f_pipe <= rst ? {RW{1'b0}} : {f_pipe, rd_req};
    wire f_rd_done = (RD_STAGES == 0) ? rd_req : f_pipe[RW-1];
    always @(posedge clk) if (f_rd_done) begin f_rdata <= rd_data; f_rerr <= rd_err; end
    reg f_werr;
    always @(posedge clk) if (wr_req) f_werr <= wr_err;

    always @* if (f_past && !rst) begin
        // one request per transaction: the holding registers against the counters
        assert(f_aw_out == !s_axil_awready + s_axil_bvalid);
        assert(f_w_out  == !s_axil_wready  + s_axil_bvalid);
        if (RD_STAGES > 0) assert(f_rw == f_pipe);     // tap invariant
        assert(f_ar_out == rd_req + (RD_STAGES > 0 ? |f_pipe : 1'b0) + s_axil_rvalid);
        assert(f_ar_out <= 1);
        if (RD_STAGES > 0) assert((f_pipe & (f_pipe - 1'b1)) == 0);
        if (rd_req || (RD_STAGES > 0 && f_pipe != 0)) assert(!s_axil_arready);
        assert(wr_req == (!s_axil_awready && !s_axil_wready && !s_axil_bvalid));
        if (!s_axil_awready) assert(wr_addr == f_awaddr);
        if (!s_axil_wready)  assert(wr_data == f_wdata && wr_strb == f_wstrb);
        assert(wr_mask == {{8{wr_strb[3]}}, {8{wr_strb[2]}}, {8{wr_strb[1]}}, {8{wr_strb[0]}}});
        if (rd_req) assert(rd_addr == f_araddr);
        if (s_axil_rvalid) assert(s_axil_rresp == (f_rerr ? 2'b10 : 2'b00)
                                  && s_axil_rdata == (f_rerr ? 32'd0 : f_rdata));
        if (s_axil_bvalid) assert(s_axil_bresp == (f_werr ? 2'b10 : 2'b00));
    end
    always @* if (!rst) begin
        cover(s_axil_bvalid && s_axil_rvalid);
    end
`endif
endmodule
`default_nettype wire
