// SPDX-License-Identifier: Apache-2.0
// dma_axil_split: s_axil is a correct AXI4-Lite slave, m0_axil and m1_axil are
// correct AXI4-Lite masters (fv_axil on all three; the master on s_axil and the
// two slaves assumed legal, READYs within 3 cycles, responses within 4); every
// request goes to the port its address bit selects, unchanged (address,
// protection, data, strobes); the other port sees nothing; the response
// (BRESP, RDATA/RRESP) of that port is the one passed back; s_axil answers
// every request within RESP cycles (liveness as safety).
`default_nettype none
module wrap_axil_split #(
    parameter ADDR_WIDTH = 4,
    parameter SPLIT_BIT  = 3,
    parameter RESP       = 12    // s_axil response bound (0: not checked; the BMC run checks it)
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
    input wire                  m0_axil_awready, m0_axil_wready, m0_axil_bvalid, m0_axil_arready, m0_axil_rvalid,
    input wire [1:0]            m0_axil_bresp, m0_axil_rresp,
    input wire [31:0]           m0_axil_rdata,
    input wire                  m1_axil_awready, m1_axil_wready, m1_axil_bvalid, m1_axil_arready, m1_axil_rvalid,
    input wire [1:0]            m1_axil_bresp, m1_axil_rresp,
    input wire [31:0]           m1_axil_rdata
);
    wire s_axil_awready, s_axil_wready, s_axil_bvalid, s_axil_arready, s_axil_rvalid;
    wire [1:0] s_axil_bresp, s_axil_rresp;
    wire [31:0] s_axil_rdata;
    wire [ADDR_WIDTH-1:0] m0_axil_awaddr, m0_axil_araddr, m1_axil_awaddr, m1_axil_araddr;
    wire [2:0] m0_axil_awprot, m0_axil_arprot, m1_axil_awprot, m1_axil_arprot;
    wire [31:0] m0_axil_wdata, m1_axil_wdata;
    wire [3:0] m0_axil_wstrb, m1_axil_wstrb;
    wire m0_axil_awvalid, m0_axil_wvalid, m0_axil_bready, m0_axil_arvalid, m0_axil_rready;
    wire m1_axil_awvalid, m1_axil_wvalid, m1_axil_bready, m1_axil_arvalid, m1_axil_rready;
    dma_axil_split #(.ADDR_WIDTH(ADDR_WIDTH), .SPLIT_BIT(SPLIT_BIT)) dut (
        .clk(clk), .rst(rst),
        .s_axil_awaddr(s_axil_awaddr), .s_axil_awprot(s_axil_awprot), .s_axil_awvalid(s_axil_awvalid),
        .s_axil_awready(s_axil_awready), .s_axil_wdata(s_axil_wdata), .s_axil_wstrb(s_axil_wstrb),
        .s_axil_wvalid(s_axil_wvalid), .s_axil_wready(s_axil_wready), .s_axil_bresp(s_axil_bresp),
        .s_axil_bvalid(s_axil_bvalid), .s_axil_bready(s_axil_bready), .s_axil_araddr(s_axil_araddr),
        .s_axil_arprot(s_axil_arprot), .s_axil_arvalid(s_axil_arvalid), .s_axil_arready(s_axil_arready),
        .s_axil_rdata(s_axil_rdata), .s_axil_rresp(s_axil_rresp), .s_axil_rvalid(s_axil_rvalid),
        .s_axil_rready(s_axil_rready),
        .m0_axil_awaddr(m0_axil_awaddr), .m0_axil_awprot(m0_axil_awprot), .m0_axil_awvalid(m0_axil_awvalid),
        .m0_axil_awready(m0_axil_awready), .m0_axil_wdata(m0_axil_wdata), .m0_axil_wstrb(m0_axil_wstrb),
        .m0_axil_wvalid(m0_axil_wvalid), .m0_axil_wready(m0_axil_wready), .m0_axil_bresp(m0_axil_bresp),
        .m0_axil_bvalid(m0_axil_bvalid), .m0_axil_bready(m0_axil_bready), .m0_axil_araddr(m0_axil_araddr),
        .m0_axil_arprot(m0_axil_arprot), .m0_axil_arvalid(m0_axil_arvalid), .m0_axil_arready(m0_axil_arready),
        .m0_axil_rdata(m0_axil_rdata), .m0_axil_rresp(m0_axil_rresp), .m0_axil_rvalid(m0_axil_rvalid),
        .m0_axil_rready(m0_axil_rready),
        .m1_axil_awaddr(m1_axil_awaddr), .m1_axil_awprot(m1_axil_awprot), .m1_axil_awvalid(m1_axil_awvalid),
        .m1_axil_awready(m1_axil_awready), .m1_axil_wdata(m1_axil_wdata), .m1_axil_wstrb(m1_axil_wstrb),
        .m1_axil_wvalid(m1_axil_wvalid), .m1_axil_wready(m1_axil_wready), .m1_axil_bresp(m1_axil_bresp),
        .m1_axil_bvalid(m1_axil_bvalid), .m1_axil_bready(m1_axil_bready), .m1_axil_araddr(m1_axil_araddr),
        .m1_axil_arprot(m1_axil_arprot), .m1_axil_arvalid(m1_axil_arvalid), .m1_axil_arready(m1_axil_arready),
        .m1_axil_rdata(m1_axil_rdata), .m1_axil_rresp(m1_axil_rresp), .m1_axil_rvalid(m1_axil_rvalid),
        .m1_axil_rready(m1_axil_rready));
`ifdef FORMAL
    reg f_past = 1'b0;
    always @(posedge clk) f_past <= 1'b1;
    always @* if (!f_past) assume(rst);
    always @* if (f_past) assume(!rst);

    wire [3:0] s_aw, s_w, s_ar, a_aw, a_w, a_ar, b_aw, b_w, b_ar;
    fv_axil #(.ADDR_WIDTH(ADDR_WIDTH), .MASTER_IS_DUT(0), .MAX_OUT(2), .ENV_WAIT(3), .MAX_RESP(RESP)) p_s (
        .clk(clk), .rst(rst),
        .awaddr(s_axil_awaddr), .awprot(s_axil_awprot), .awvalid(s_axil_awvalid), .awready(s_axil_awready),
        .wdata(s_axil_wdata), .wstrb(s_axil_wstrb), .wvalid(s_axil_wvalid), .wready(s_axil_wready),
        .bresp(s_axil_bresp), .bvalid(s_axil_bvalid), .bready(s_axil_bready),
        .araddr(s_axil_araddr), .arprot(s_axil_arprot), .arvalid(s_axil_arvalid), .arready(s_axil_arready),
        .rdata(s_axil_rdata), .rresp(s_axil_rresp), .rvalid(s_axil_rvalid), .rready(s_axil_rready),
        .f_aw_out(s_aw), .f_w_out(s_w), .f_ar_out(s_ar));
    fv_axil #(.ADDR_WIDTH(ADDR_WIDTH), .MASTER_IS_DUT(1), .MAX_OUT(1), .ENV_WAIT(3), .MAX_RESP(4)) p_m0 (
        .clk(clk), .rst(rst),
        .awaddr(m0_axil_awaddr), .awprot(m0_axil_awprot), .awvalid(m0_axil_awvalid), .awready(m0_axil_awready),
        .wdata(m0_axil_wdata), .wstrb(m0_axil_wstrb), .wvalid(m0_axil_wvalid), .wready(m0_axil_wready),
        .bresp(m0_axil_bresp), .bvalid(m0_axil_bvalid), .bready(m0_axil_bready),
        .araddr(m0_axil_araddr), .arprot(m0_axil_arprot), .arvalid(m0_axil_arvalid), .arready(m0_axil_arready),
        .rdata(m0_axil_rdata), .rresp(m0_axil_rresp), .rvalid(m0_axil_rvalid), .rready(m0_axil_rready),
        .f_aw_out(a_aw), .f_w_out(a_w), .f_ar_out(a_ar));
    fv_axil #(.ADDR_WIDTH(ADDR_WIDTH), .MASTER_IS_DUT(1), .MAX_OUT(1), .ENV_WAIT(3), .MAX_RESP(4)) p_m1 (
        .clk(clk), .rst(rst),
        .awaddr(m1_axil_awaddr), .awprot(m1_axil_awprot), .awvalid(m1_axil_awvalid), .awready(m1_axil_awready),
        .wdata(m1_axil_wdata), .wstrb(m1_axil_wstrb), .wvalid(m1_axil_wvalid), .wready(m1_axil_wready),
        .bresp(m1_axil_bresp), .bvalid(m1_axil_bvalid), .bready(m1_axil_bready),
        .araddr(m1_axil_araddr), .arprot(m1_axil_arprot), .arvalid(m1_axil_arvalid), .arready(m1_axil_arready),
        .rdata(m1_axil_rdata), .rresp(m1_axil_rresp), .rvalid(m1_axil_rvalid), .rready(m1_axil_rready),
        .f_aw_out(b_aw), .f_w_out(b_w), .f_ar_out(b_ar));

    // the write and read being served, as accepted on s_axil
    reg [ADDR_WIDTH-1:0] f_awaddr, f_araddr;
    reg [2:0] f_awprot, f_arprot;
    reg [31:0] f_wdata; reg [3:0] f_wstrb;
    always @(posedge clk) begin
        if (s_axil_awvalid && s_axil_awready) begin f_awaddr <= s_axil_awaddr; f_awprot <= s_axil_awprot; end
        if (s_axil_wvalid && s_axil_wready) begin f_wdata <= s_axil_wdata; f_wstrb <= s_axil_wstrb; end
        if (s_axil_arvalid && s_axil_arready) begin f_araddr <= s_axil_araddr; f_arprot <= s_axil_arprot; end
    end
    wire wsel = f_awaddr[SPLIT_BIT], rsel = f_araddr[SPLIT_BIT];

    always @* if (f_past && !rst) begin
        // one write and one read at a time, on the selected port only
        assert(s_aw == !s_axil_awready && s_ar == !s_axil_arready);
        assert(s_w == !s_axil_wready);
        if (wsel) assert(a_aw == 0 && a_w == 0 && !m0_axil_awvalid && !m0_axil_wvalid);
        else      assert(b_aw == 0 && b_w == 0 && !m1_axil_awvalid && !m1_axil_wvalid);
        if (rsel) assert(a_ar == 0 && !m0_axil_arvalid);
        else      assert(b_ar == 0 && !m1_axil_arvalid);
        if (s_aw == 0) assert(a_aw == 0 && b_aw == 0 && a_w == 0 && b_w == 0
                              && !m0_axil_wvalid && !m1_axil_wvalid);
        if (s_w == 0) assert(a_w == 0 && b_w == 0 && !m0_axil_wvalid && !m1_axil_wvalid);
        if (s_ar == 0) assert(a_ar == 0 && b_ar == 0);
        // requests unchanged
        if (m0_axil_awvalid || m1_axil_awvalid) assert(m0_axil_awaddr == f_awaddr && m0_axil_awprot == f_awprot
                                                      && m1_axil_awaddr == f_awaddr && m1_axil_awprot == f_awprot);
        if (m0_axil_wvalid || m1_axil_wvalid) assert(m0_axil_wdata == f_wdata && m0_axil_wstrb == f_wstrb
                                                    && m1_axil_wdata == f_wdata && m1_axil_wstrb == f_wstrb);
        if (m0_axil_arvalid || m1_axil_arvalid) assert(m0_axil_araddr == f_araddr && m1_axil_araddr == f_araddr
                                                      && m0_axil_arprot == f_arprot && m1_axil_arprot == f_arprot);
        // responses from the selected port
        if (s_axil_bvalid) assert(s_axil_bresp == (wsel ? m1_axil_bresp : m0_axil_bresp)
                                  && (wsel ? m1_axil_bvalid : m0_axil_bvalid));
        if (s_axil_rvalid) assert(s_axil_rdata == (rsel ? m1_axil_rdata : m0_axil_rdata)
                                  && s_axil_rresp == (rsel ? m1_axil_rresp : m0_axil_rresp)
                                  && (rsel ? m1_axil_rvalid : m0_axil_rvalid));
        if (wsel ? m1_axil_bvalid : m0_axil_bvalid) assert(s_axil_bvalid);
        if (rsel ? m1_axil_rvalid : m0_axil_rvalid) assert(s_axil_rvalid);
    end
    always @* if (!rst) cover(s_axil_bvalid && wsel && s_axil_rvalid && !rsel);
`endif
endmodule
`default_nettype wire
