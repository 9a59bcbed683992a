// SPDX-License-Identifier: Apache-2.0
// IOMMU (a subset of the RISC-V IOMMU v1.0; docs/iommu.md) between the DMA
// engine and memory: register page (dma_iommu_regs), translation unit
// (dma_iommu_xlate: device contexts, Sv39 walk, IOTLB, faults), command queue
// (dma_iommu_cq), fault queue (dma_iommu_fq), the IOMMU's own interrupts as
// MSIs (dma_iommu_msi, when fctl.WSI = 0) and the IOMMU's own memory accesses
// (dma_iommu_mem).
// Translated traffic leaves on m_axi; the IOMMU's own accesses (device
// directory, page tables, command and fault queues, MSIs) on m_axi_tw. They must not
// share one in-order read channel: a DMA master may hold RREADY low until its
// writes drain, and a write waiting for its translation would then wait for a
// table read stuck behind that read data.
`default_nettype none
module dma_iommu #(
    parameter DATA_WIDTH  = 64,      // >= 64
    parameter ADDR_WIDTH  = 64,
    parameter ID_WIDTH    = 5,       // ID width of s_axi and m_axi
    parameter USER_WIDTH  = 4,       // device ID (AxUSER) width
    parameter TLB_ENTRIES = 16
) (
    input  wire                    clk,
    input  wire                    rst,
    input  wire [11:0]             s_axil_awaddr,
    input  wire                    s_axil_awvalid,
    output wire                    s_axil_awready,
    input  wire [31:0]             s_axil_wdata,
    input  wire [3:0]              s_axil_wstrb,
    input  wire                    s_axil_wvalid,
    output wire                    s_axil_wready,
    output wire [1:0]              s_axil_bresp,
    output wire                    s_axil_bvalid,
    input  wire                    s_axil_bready,
    input  wire [11:0]             s_axil_araddr,
    input  wire                    s_axil_arvalid,
    output wire                    s_axil_arready,
    output wire [31:0]             s_axil_rdata,
    output wire [1:0]              s_axil_rresp,
    output wire                    s_axil_rvalid,
    input  wire                    s_axil_rready,
    input  wire [ID_WIDTH-1:0]           s_axi_awid,
    input  wire [ADDR_WIDTH-1:0]         s_axi_awaddr,
    input  wire [7:0]                    s_axi_awlen,
    input  wire [2:0]                    s_axi_awsize,
    input  wire [1:0]                    s_axi_awburst,
    input  wire                          s_axi_awlock,
    input  wire [3:0]                    s_axi_awcache,
    input  wire [2:0]                    s_axi_awprot,
    input  wire [USER_WIDTH-1:0]         s_axi_awuser,
    input  wire                          s_axi_awvalid,
    output wire                          s_axi_awready,
    input  wire [DATA_WIDTH-1:0]         s_axi_wdata,
    input  wire [DATA_WIDTH/8-1:0]       s_axi_wstrb,
    input  wire                          s_axi_wlast,
    input  wire                          s_axi_wvalid,
    output wire                          s_axi_wready,
    output wire [ID_WIDTH-1:0]           s_axi_bid,
    output wire [1:0]                    s_axi_bresp,
    output wire                          s_axi_bvalid,
    input  wire                          s_axi_bready,
    input  wire [ID_WIDTH-1:0]           s_axi_arid,
    input  wire [ADDR_WIDTH-1:0]         s_axi_araddr,
    input  wire [7:0]                    s_axi_arlen,
    input  wire [2:0]                    s_axi_arsize,
    input  wire [1:0]                    s_axi_arburst,
    input  wire                          s_axi_arlock,
    input  wire [3:0]                    s_axi_arcache,
    input  wire [2:0]                    s_axi_arprot,
    input  wire [USER_WIDTH-1:0]         s_axi_aruser,
    input  wire                          s_axi_arvalid,
    output wire                          s_axi_arready,
    output wire [ID_WIDTH-1:0]           s_axi_rid,
    output wire [DATA_WIDTH-1:0]         s_axi_rdata,
    output wire [1:0]                    s_axi_rresp,
    output wire                          s_axi_rlast,
    output wire                          s_axi_rvalid,
    input  wire                          s_axi_rready,
    output wire [ID_WIDTH-1:0]         m_axi_awid,
    output wire [ADDR_WIDTH-1:0]         m_axi_awaddr,
    output wire [7:0]                    m_axi_awlen,
    output wire [2:0]                    m_axi_awsize,
    output wire [1:0]                    m_axi_awburst,
    output wire                          m_axi_awlock,
    output wire [3:0]                    m_axi_awcache,
    output wire [2:0]                    m_axi_awprot,
    output wire                          m_axi_awvalid,
    input  wire                          m_axi_awready,
    output wire [DATA_WIDTH-1:0]         m_axi_wdata,
    output wire [DATA_WIDTH/8-1:0]       m_axi_wstrb,
    output wire                          m_axi_wlast,
    output wire                          m_axi_wvalid,
    input  wire                          m_axi_wready,
    input  wire [ID_WIDTH-1:0]         m_axi_bid,
    input  wire [1:0]                    m_axi_bresp,
    input  wire                          m_axi_bvalid,
    output wire                          m_axi_bready,
    output wire [ID_WIDTH-1:0]         m_axi_arid,
    output wire [ADDR_WIDTH-1:0]         m_axi_araddr,
    output wire [7:0]                    m_axi_arlen,
    output wire [2:0]                    m_axi_arsize,
    output wire [1:0]                    m_axi_arburst,
    output wire                          m_axi_arlock,
    output wire [3:0]                    m_axi_arcache,
    output wire [2:0]                    m_axi_arprot,
    output wire                          m_axi_arvalid,
    input  wire                          m_axi_arready,
    input  wire [ID_WIDTH-1:0]         m_axi_rid,
    input  wire [DATA_WIDTH-1:0]         m_axi_rdata,
    input  wire [1:0]                    m_axi_rresp,
    input  wire                          m_axi_rlast,
    input  wire                          m_axi_rvalid,
    output wire                          m_axi_rready,
    // the IOMMU's own accesses (tables, queues: single 8-byte beats; MSIs: one
    // 4-byte write, AWSIZE 2), ID 0
    output wire [0:0]                    m_axi_tw_awid,
    output wire [ADDR_WIDTH-1:0]         m_axi_tw_awaddr,
    output wire [7:0]                    m_axi_tw_awlen,
    output wire [2:0]                    m_axi_tw_awsize,
    output wire [1:0]                    m_axi_tw_awburst,
    output wire                          m_axi_tw_awlock,
    output wire [3:0]                    m_axi_tw_awcache,
    output wire [2:0]                    m_axi_tw_awprot,
    output wire                          m_axi_tw_awvalid,
    input  wire                          m_axi_tw_awready,
    output wire [DATA_WIDTH-1:0]         m_axi_tw_wdata,
    output wire [DATA_WIDTH/8-1:0]       m_axi_tw_wstrb,
    output wire                          m_axi_tw_wlast,
    output wire                          m_axi_tw_wvalid,
    input  wire                          m_axi_tw_wready,
    input  wire [0:0]                    m_axi_tw_bid,
    input  wire [1:0]                    m_axi_tw_bresp,
    input  wire                          m_axi_tw_bvalid,
    output wire                          m_axi_tw_bready,
    output wire [0:0]                    m_axi_tw_arid,
    output wire [ADDR_WIDTH-1:0]         m_axi_tw_araddr,
    output wire [7:0]                    m_axi_tw_arlen,
    output wire [2:0]                    m_axi_tw_arsize,
    output wire [1:0]                    m_axi_tw_arburst,
    output wire                          m_axi_tw_arlock,
    output wire [3:0]                    m_axi_tw_arcache,
    output wire [2:0]                    m_axi_tw_arprot,
    output wire                          m_axi_tw_arvalid,
    input  wire                          m_axi_tw_arready,
    input  wire [0:0]                    m_axi_tw_rid,
    input  wire [DATA_WIDTH-1:0]         m_axi_tw_rdata,
    input  wire [1:0]                    m_axi_tw_rresp,
    input  wire                          m_axi_tw_rlast,
    input  wire                          m_axi_tw_rvalid,
    output wire                          m_axi_tw_rready,
    output wire                    irq
);

    // parameter checks: an unsupported value stops elaboration (dma_param_check.vh)
    `include "dma_param_check.vh"
    generate
        if (DATA_WIDTH < 64 || (DATA_WIDTH & (DATA_WIDTH - 1)) != 0) begin : g_check0
            `DMA_PARAM_ERROR(dma_iommu__parameter_error__DATA_WIDTH_must_be_a_power_of_two_of_at_least_64, "dma_iommu: DATA_WIDTH must be a power of two of at least 64")
        end
        if (USER_WIDTH < 1 || USER_WIDTH > 7) begin : g_check1
            `DMA_PARAM_ERROR(dma_iommu__parameter_error__USER_WIDTH_must_be_1_to_7, "dma_iommu: USER_WIDTH must be 1 to 7")
        end
        if (TLB_ENTRIES < 1) begin : g_check2
            `DMA_PARAM_ERROR(dma_iommu__parameter_error__TLB_ENTRIES_must_be_at_least_1, "dma_iommu: TLB_ENTRIES must be at least 1")
        end
        // Sv39 leaves carry 56-bit physical addresses: a narrower bus could not reach them
        if (ADDR_WIDTH < 56 || ADDR_WIDTH > 64) begin : g_check3
            `DMA_PARAM_ERROR(dma_iommu__parameter_error__ADDR_WIDTH_must_be_56_to_64, "dma_iommu: ADDR_WIDTH must be 56 to 64")
        end
    endgenerate
    wire [3:0]  ddtp_mode;
    wire [43:0] ddtp_ppn, cqb_ppn, fqb_ppn;
    wire [4:0]  cqb_log2sz, fqb_log2sz;
    wire [31:0] cqt, cqh, fqh, fqt;
    wire        cqen, fqen, cq_stalled, fq_stalled, cqon, fqon, cq_busy;
    wire        set_cmd_ill, set_cqmf, set_fence_w_ip, set_fqof, set_fqmf, set_fip;
    wire        ev_translate, ev_hit, ev_miss, ev_walk_cycle;
    // the MSI configuration table's size comes from the register map
    `include "dma_iommu_regs_defs.vh"
    localparam NV = IOMMU_MSI_VECTORS;
    wire          fctl_wsi, cip_ev, fip_ev;
    wire [3:0]    civ, fiv;
    wire [NV*54-1:0] msi_addr;
    wire [NV*32-1:0] msi_data;
    wire [NV-1:0]    msi_mask;

    dma_iommu_regs #(.PAS((ADDR_WIDTH < 56) ? ADDR_WIDTH : 56), .MSI_VECTORS(NV)) regs (
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
        .ev_walk_cycle(ev_walk_cycle),
        .fctl_wsi(fctl_wsi), .civ(civ), .fiv(fiv), .msi_addr(msi_addr), .msi_data(msi_data),
        .msi_mask(msi_mask), .cip_ev(cip_ev), .fip_ev(fip_ev), .irq(irq)
    );

    // invalidations and table/queue memory accesses
    wire        inv_vma, inv_pscv, inv_av, inv_ddt, inv_dv, xlate_busy, xlate_hold, xlate_drained;
    wire [19:0] inv_pscid;
    wire [26:0] inv_vpn;
    wire [23:0] inv_did;
    wire        walk_req;
    wire [63:0] walk_addr;
    wire        flt_valid, flt_ready;
    wire [11:0] flt_cause;
    wire [5:0]  flt_ttyp;
    wire [23:0] flt_did;
    wire [63:0] flt_iova;
    wire        fq_req, cq_req, cq_we;
    wire [63:0] fq_addr, fq_wdata, cq_addr, cq_wdata, mem_rdata;
    wire [7:0]  cq_wstrb, msi_wstrb;
    wire [3:0]  mem_ack, mem_done;
    wire        mem_err;
    wire        msi_req, msi_flt_valid, msi_flt_ready;
    wire [63:0] msi_maddr, msi_wdata, msi_flt_iova;


    dma_iommu_xlate #(
        .DATA_WIDTH(DATA_WIDTH), .ADDR_WIDTH(ADDR_WIDTH), .ID_WIDTH(ID_WIDTH),
        .USER_WIDTH(USER_WIDTH), .TLB_ENTRIES(TLB_ENTRIES)
    ) xlate (
        .clk(clk), .rst(rst), .mode(ddtp_mode), .ddt_ppn(ddtp_ppn),
        .inv_vma(inv_vma), .inv_pscv(inv_pscv), .inv_pscid(inv_pscid), .inv_av(inv_av), .inv_vpn(inv_vpn),
        .inv_ddt(inv_ddt), .inv_dv(inv_dv), .inv_did(inv_did), .hold(xlate_hold), .busy(xlate_busy),
        .drained(xlate_drained),
        .walk_req(walk_req), .walk_addr(walk_addr), .walk_ack(mem_ack[0]), .walk_resp(mem_done[0]),
        .walk_data(mem_rdata), .walk_err(mem_err),
        .flt_valid(flt_valid), .flt_ready(flt_ready), .flt_cause(flt_cause), .flt_ttyp(flt_ttyp),
        .flt_did(flt_did), .flt_iova(flt_iova),
        .ev_translate(ev_translate), .ev_hit(ev_hit), .ev_miss(ev_miss), .ev_walk_cycle(ev_walk_cycle),
        .s_axi_awid(s_axi_awid),
        .s_axi_awaddr(s_axi_awaddr),
        .s_axi_awlen(s_axi_awlen),
        .s_axi_awsize(s_axi_awsize),
        .s_axi_awburst(s_axi_awburst),
        .s_axi_awlock(s_axi_awlock),
        .s_axi_awcache(s_axi_awcache),
        .s_axi_awprot(s_axi_awprot),
        .s_axi_awvalid(s_axi_awvalid),
        .s_axi_awready(s_axi_awready),
        .s_axi_wdata(s_axi_wdata),
        .s_axi_wstrb(s_axi_wstrb),
        .s_axi_wlast(s_axi_wlast),
        .s_axi_wvalid(s_axi_wvalid),
        .s_axi_wready(s_axi_wready),
        .s_axi_bid(s_axi_bid),
        .s_axi_bresp(s_axi_bresp),
        .s_axi_bvalid(s_axi_bvalid),
        .s_axi_bready(s_axi_bready),
        .s_axi_arid(s_axi_arid),
        .s_axi_araddr(s_axi_araddr),
        .s_axi_arlen(s_axi_arlen),
        .s_axi_arsize(s_axi_arsize),
        .s_axi_arburst(s_axi_arburst),
        .s_axi_arlock(s_axi_arlock),
        .s_axi_arcache(s_axi_arcache),
        .s_axi_arprot(s_axi_arprot),
        .s_axi_arvalid(s_axi_arvalid),
        .s_axi_arready(s_axi_arready),
        .s_axi_rid(s_axi_rid),
        .s_axi_rdata(s_axi_rdata),
        .s_axi_rresp(s_axi_rresp),
        .s_axi_rlast(s_axi_rlast),
        .s_axi_rvalid(s_axi_rvalid),
        .s_axi_rready(s_axi_rready),
        .s_axi_awuser(s_axi_awuser), .s_axi_aruser(s_axi_aruser),
        .m_axi_awid(m_axi_awid),
        .m_axi_awaddr(m_axi_awaddr),
        .m_axi_awlen(m_axi_awlen),
        .m_axi_awsize(m_axi_awsize),
        .m_axi_awburst(m_axi_awburst),
        .m_axi_awlock(m_axi_awlock),
        .m_axi_awcache(m_axi_awcache),
        .m_axi_awprot(m_axi_awprot),
        .m_axi_awvalid(m_axi_awvalid),
        .m_axi_awready(m_axi_awready),
        .m_axi_wdata(m_axi_wdata),
        .m_axi_wstrb(m_axi_wstrb),
        .m_axi_wlast(m_axi_wlast),
        .m_axi_wvalid(m_axi_wvalid),
        .m_axi_wready(m_axi_wready),
        .m_axi_bid(m_axi_bid),
        .m_axi_bresp(m_axi_bresp),
        .m_axi_bvalid(m_axi_bvalid),
        .m_axi_bready(m_axi_bready),
        .m_axi_arid(m_axi_arid),
        .m_axi_araddr(m_axi_araddr),
        .m_axi_arlen(m_axi_arlen),
        .m_axi_arsize(m_axi_arsize),
        .m_axi_arburst(m_axi_arburst),
        .m_axi_arlock(m_axi_arlock),
        .m_axi_arcache(m_axi_arcache),
        .m_axi_arprot(m_axi_arprot),
        .m_axi_arvalid(m_axi_arvalid),
        .m_axi_arready(m_axi_arready),
        .m_axi_rid(m_axi_rid),
        .m_axi_rdata(m_axi_rdata),
        .m_axi_rresp(m_axi_rresp),
        .m_axi_rlast(m_axi_rlast),
        .m_axi_rvalid(m_axi_rvalid),
        .m_axi_rready(m_axi_rready)
    );

    dma_iommu_cq cq (
        .clk(clk), .rst(rst), .cqen(cqen), .cqb_ppn(cqb_ppn), .cqb_log2sz(cqb_log2sz), .cqt(cqt),
        .stalled(cq_stalled), .cqh(cqh), .cqon(cqon), .busy(cq_busy),
        .set_cmd_ill(set_cmd_ill), .set_cqmf(set_cqmf), .set_fence_w_ip(set_fence_w_ip),
        .inv_vma(inv_vma), .inv_pscv(inv_pscv), .inv_pscid(inv_pscid), .inv_av(inv_av), .inv_vpn(inv_vpn),
        .inv_ddt(inv_ddt), .inv_dv(inv_dv), .inv_did(inv_did),
        .xlate_busy(xlate_busy), .xlate_hold(xlate_hold), .xlate_drained(xlate_drained),
        .mem_req(cq_req), .mem_we(cq_we), .mem_addr(cq_addr), .mem_wdata(cq_wdata), .mem_wstrb(cq_wstrb),
        .mem_ack(mem_ack[2]), .mem_done(mem_done[2]), .mem_rdata(mem_rdata), .mem_err(mem_err)
    );

    dma_iommu_fq fq (
        .clk(clk), .rst(rst), .fqen(fqen), .fqb_ppn(fqb_ppn), .fqb_log2sz(fqb_log2sz), .fqh(fqh),
        .stalled(fq_stalled), .fqt(fqt), .fqon(fqon), .set_fqof(set_fqof), .set_fqmf(set_fqmf),
        .set_fip(set_fip),
        .flt_valid(flt_valid), .flt_ready(flt_ready), .flt_cause(flt_cause), .flt_ttyp(flt_ttyp),
        .flt_did(flt_did), .flt_iova(flt_iova),
        .msi_flt_valid(msi_flt_valid), .msi_flt_ready(msi_flt_ready), .msi_flt_iova(msi_flt_iova),
        .mem_req(fq_req), .mem_addr(fq_addr), .mem_wdata(fq_wdata),
        .mem_ack(mem_ack[1]), .mem_done(mem_done[1]), .mem_err(mem_err)
    );

    dma_iommu_msi #(.MSI_VECTORS(NV)) msi (
        .clk(clk), .rst(rst), .wsi(fctl_wsi), .cip_ev(cip_ev), .fip_ev(fip_ev), .civ(civ), .fiv(fiv),
        .msi_addr(msi_addr), .msi_data(msi_data), .msi_mask(msi_mask),
        .mem_req(msi_req), .mem_addr(msi_maddr), .mem_wdata(msi_wdata), .mem_wstrb(msi_wstrb),
        .mem_ack(mem_ack[3]), .mem_done(mem_done[3]), .mem_err(mem_err),
        .flt_valid(msi_flt_valid), .flt_iova(msi_flt_iova), .flt_ready(msi_flt_ready)
    );

    dma_iommu_mem #(.DATA_WIDTH(DATA_WIDTH), .ADDR_WIDTH(ADDR_WIDTH), .ID_WIDTH(1)) mem (
        .clk(clk), .rst(rst),
        .req({msi_req, cq_req, fq_req, walk_req}), .req_we({1'b1, cq_we, 1'b1, 1'b0}),
        .req_w32(4'b1000),
        .req_addr({msi_maddr, cq_addr, fq_addr, walk_addr}), .req_wdata({msi_wdata, cq_wdata, fq_wdata, 64'd0}),
        .req_wstrb({msi_wstrb, cq_wstrb, 8'hFF, 8'h00}),
        .ack(mem_ack), .done(mem_done), .rdata(mem_rdata), .err(mem_err),
        .m_axi_awid(m_axi_tw_awid),
        .m_axi_awaddr(m_axi_tw_awaddr),
        .m_axi_awlen(m_axi_tw_awlen),
        .m_axi_awsize(m_axi_tw_awsize),
        .m_axi_awburst(m_axi_tw_awburst),
        .m_axi_awlock(m_axi_tw_awlock),
        .m_axi_awcache(m_axi_tw_awcache),
        .m_axi_awprot(m_axi_tw_awprot),
        .m_axi_awvalid(m_axi_tw_awvalid),
        .m_axi_awready(m_axi_tw_awready),
        .m_axi_wdata(m_axi_tw_wdata),
        .m_axi_wstrb(m_axi_tw_wstrb),
        .m_axi_wlast(m_axi_tw_wlast),
        .m_axi_wvalid(m_axi_tw_wvalid),
        .m_axi_wready(m_axi_tw_wready),
        .m_axi_bid(m_axi_tw_bid),
        .m_axi_bresp(m_axi_tw_bresp),
        .m_axi_bvalid(m_axi_tw_bvalid),
        .m_axi_bready(m_axi_tw_bready),
        .m_axi_arid(m_axi_tw_arid),
        .m_axi_araddr(m_axi_tw_araddr),
        .m_axi_arlen(m_axi_tw_arlen),
        .m_axi_arsize(m_axi_tw_arsize),
        .m_axi_arburst(m_axi_tw_arburst),
        .m_axi_arlock(m_axi_tw_arlock),
        .m_axi_arcache(m_axi_tw_arcache),
        .m_axi_arprot(m_axi_tw_arprot),
        .m_axi_arvalid(m_axi_tw_arvalid),
        .m_axi_arready(m_axi_tw_arready),
        .m_axi_rid(m_axi_tw_rid),
        .m_axi_rdata(m_axi_tw_rdata),
        .m_axi_rresp(m_axi_tw_rresp),
        .m_axi_rlast(m_axi_tw_rlast),
        .m_axi_rvalid(m_axi_tw_rvalid),
        .m_axi_rready(m_axi_tw_rready)
    );

endmodule
`default_nettype wire
