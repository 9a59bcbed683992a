// SPDX-License-Identifier: Apache-2.0
// dma_iommu_regs (the IOMMU's register block): s_axil is a correct AXI4-Lite
// slave (fv_axil, slave side; the master assumed legal with at most 2 writes
// and 2 reads outstanding and READYs within 3 cycles) that answers every write
// and every read, at any address, within 6 cycles of being owed. Every input
// from the queues and the translation unit is free.
`default_nettype none
module wrap_iommu_regs (
    input wire        clk,
    input wire        rst,
    input wire [11:0] s_axil_awaddr,
    input wire        s_axil_awvalid,
    input wire [31:0] s_axil_wdata,
    input wire [3:0]  s_axil_wstrb,
    input wire        s_axil_wvalid,
    input wire        s_axil_bready,
    input wire [11:0] s_axil_araddr,
    input wire        s_axil_arvalid,
    input wire        s_axil_rready,
    input wire [31:0] cqh,
    input wire        cqon,
    input wire        cq_busy,
    input wire        set_cmd_ill,
    input wire        set_cqmf,
    input wire        set_fence_w_ip,
    input wire [31:0] fqt,
    input wire        fqon,
    input wire        set_fqof,
    input wire        set_fqmf,
    input wire        set_fip,
    input wire        ev_translate,
    input wire        ev_hit,
    input wire        ev_miss,
    input wire        ev_walk_cycle
);
    wire s_axil_awready, s_axil_wready, s_axil_bvalid, s_axil_arready, s_axil_rvalid;
    wire [1:0] s_axil_bresp, s_axil_rresp;
    wire [31:0] s_axil_rdata;
    wire [3:0]  ddtp_mode, civ, fiv;
    wire [43:0] ddtp_ppn, cqb_ppn, fqb_ppn;
    wire [4:0]  cqb_log2sz, fqb_log2sz;
    wire [31:0] cqt, fqh;
    wire        cqen, fqen, cq_stalled, fq_stalled, fctl_wsi, cip_ev, fip_ev, irq;
    wire [4*54-1:0] msi_addr;
    wire [4*32-1:0] msi_data;
    wire [3:0]      msi_mask;
    dma_iommu_regs #(.PAS(56), .MSI_VECTORS(4)) dut (
        .clk(clk), .rst(rst),
        .s_axil_awaddr(s_axil_awaddr), .s_axil_awvalid(s_axil_awvalid), .s_axil_awready(s_axil_awready),
        .s_axil_wdata(s_axil_wdata), .s_axil_wstrb(s_axil_wstrb), .s_axil_wvalid(s_axil_wvalid),
        .s_axil_wready(s_axil_wready), .s_axil_bresp(s_axil_bresp), .s_axil_bvalid(s_axil_bvalid),
        .s_axil_bready(s_axil_bready), .s_axil_araddr(s_axil_araddr), .s_axil_arvalid(s_axil_arvalid),
        .s_axil_arready(s_axil_arready), .s_axil_rdata(s_axil_rdata), .s_axil_rresp(s_axil_rresp),
        .s_axil_rvalid(s_axil_rvalid), .s_axil_rready(s_axil_rready),
        .ddtp_mode(ddtp_mode), .ddtp_ppn(ddtp_ppn), .cqb_ppn(cqb_ppn), .cqb_log2sz(cqb_log2sz), .cqt(cqt),
        .fqb_ppn(fqb_ppn), .fqb_log2sz(fqb_log2sz), .fqh(fqh), .cqen(cqen), .fqen(fqen),
        .cq_stalled(cq_stalled), .fq_stalled(fq_stalled),
        .cqh(cqh), .cqon(cqon), .cq_busy(cq_busy), .set_cmd_ill(set_cmd_ill), .set_cqmf(set_cqmf),
        .set_fence_w_ip(set_fence_w_ip), .fqt(fqt), .fqon(fqon), .set_fqof(set_fqof), .set_fqmf(set_fqmf),
        .set_fip(set_fip), .ev_translate(ev_translate), .ev_hit(ev_hit), .ev_miss(ev_miss),
        .ev_walk_cycle(ev_walk_cycle), .fctl_wsi(fctl_wsi), .civ(civ), .fiv(fiv),
        .msi_addr(msi_addr), .msi_data(msi_data), .msi_mask(msi_mask), .cip_ev(cip_ev), .fip_ev(fip_ev),
        .irq(irq));
`ifdef FORMAL
    reg f_past = 1'b0;
    always @(posedge clk) f_past <= 1'b1;
    always @* if (!f_past) assume(rst);
    always @* if (f_past) assume(!rst);
    wire [3:0] f_aw_out, f_w_out, f_ar_out;
    fv_axil #(.ADDR_WIDTH(12), .MASTER_IS_DUT(0), .MAX_OUT(2), .ENV_WAIT(3), .MAX_RESP(6)) p_axil (
        .clk(clk), .rst(rst),
        .awaddr(s_axil_awaddr), .awprot(3'd0), .awvalid(s_axil_awvalid), .awready(s_axil_awready),
        .wdata(s_axil_wdata), .wstrb(s_axil_wstrb), .wvalid(s_axil_wvalid), .wready(s_axil_wready),
        .bresp(s_axil_bresp), .bvalid(s_axil_bvalid), .bready(s_axil_bready),
        .araddr(s_axil_araddr), .arprot(3'd0), .arvalid(s_axil_arvalid), .arready(s_axil_arready),
        .rdata(s_axil_rdata), .rresp(s_axil_rresp), .rvalid(s_axil_rvalid), .rready(s_axil_rready),
        .f_aw_out(f_aw_out), .f_w_out(f_w_out), .f_ar_out(f_ar_out));
    always @* if (f_past && !rst) begin
        cover(s_axil_bvalid && s_axil_bready && f_aw_out == 4'd2);
        cover(s_axil_rvalid && s_axil_rready && s_axil_awready == 1'b0);
    end
`endif
endmodule
`default_nettype wire
