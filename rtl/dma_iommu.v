// IOMMU (a subset of the RISC-V IOMMU v1.0; docs/iommu.md) between the DMA
// engine and memory: register page (dma_iommu_regs), translation unit
// (dma_iommu_xlate: device contexts, Sv39 walk, IOTLB, faults), command queue
// (dma_iommu_cq), fault queue (dma_iommu_fq) and the IOMMU's own memory
// accesses (dma_iommu_mem). Translated traffic and the IOMMU's own accesses
// share the downstream port through dma_axi_mux (its ID is one bit wider).
module dma_iommu #(
    parameter DATA_WIDTH  = 64,      // >= 64
    parameter ADDR_WIDTH  = 64,
    parameter ID_WIDTH    = 5,       // upstream ID width; downstream is ID_WIDTH + 1
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
    output wire [ID_WIDTH+1-1:0]         m_axi_awid,
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
    input  wire [ID_WIDTH+1-1:0]         m_axi_bid,
    input  wire [1:0]                    m_axi_bresp,
    input  wire                          m_axi_bvalid,
    output wire                          m_axi_bready,
    output wire [ID_WIDTH+1-1:0]         m_axi_arid,
    output wire [ADDR_WIDTH-1:0]         m_axi_araddr,
    output wire [7:0]                    m_axi_arlen,
    output wire [2:0]                    m_axi_arsize,
    output wire [1:0]                    m_axi_arburst,
    output wire                          m_axi_arlock,
    output wire [3:0]                    m_axi_arcache,
    output wire [2:0]                    m_axi_arprot,
    output wire                          m_axi_arvalid,
    input  wire                          m_axi_arready,
    input  wire [ID_WIDTH+1-1:0]         m_axi_rid,
    input  wire [DATA_WIDTH-1:0]         m_axi_rdata,
    input  wire [1:0]                    m_axi_rresp,
    input  wire                          m_axi_rlast,
    input  wire                          m_axi_rvalid,
    output wire                          m_axi_rready,
    output wire                    irq
);
    wire [3:0]  ddtp_mode;
    wire [43:0] ddtp_ppn, cqb_ppn, fqb_ppn;
    wire [4:0]  cqb_log2sz, fqb_log2sz;
    wire [31:0] cqt, cqh, fqh, fqt;
    wire        cqen, fqen, cq_stalled, fq_stalled, cqon, fqon, cq_busy;
    wire        set_cmd_ill, set_cqmf, set_fence_w_ip, set_fqof, set_fqmf, set_fip;
    wire        ev_translate, ev_hit, ev_miss, ev_walk_cycle;

    dma_iommu_regs #(.PAS((ADDR_WIDTH < 56) ? ADDR_WIDTH : 56)) regs (
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
        .ev_walk_cycle(ev_walk_cycle), .irq(irq)
    );

    // invalidations and table/queue memory accesses
    wire        inv_vma, inv_pscv, inv_av, inv_ddt, inv_dv, xlate_busy, xlate_drained;
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
    wire [7:0]  cq_wstrb;
    wire [2:0]  mem_ack, mem_done;
    wire        mem_err;

    wire [ID_WIDTH-1:0]           x_axi_awid;
    wire [ADDR_WIDTH-1:0]         x_axi_awaddr;
    wire [7:0]                    x_axi_awlen;
    wire [2:0]                    x_axi_awsize;
    wire [1:0]                    x_axi_awburst;
    wire                          x_axi_awlock;
    wire [3:0]                    x_axi_awcache;
    wire [2:0]                    x_axi_awprot;
    wire                          x_axi_awvalid;
    wire                          x_axi_awready;
    wire [DATA_WIDTH-1:0]         x_axi_wdata;
    wire [DATA_WIDTH/8-1:0]       x_axi_wstrb;
    wire                          x_axi_wlast;
    wire                          x_axi_wvalid;
    wire                          x_axi_wready;
    wire [ID_WIDTH-1:0]           x_axi_bid;
    wire [1:0]                    x_axi_bresp;
    wire                          x_axi_bvalid;
    wire                          x_axi_bready;
    wire [ID_WIDTH-1:0]           x_axi_arid;
    wire [ADDR_WIDTH-1:0]         x_axi_araddr;
    wire [7:0]                    x_axi_arlen;
    wire [2:0]                    x_axi_arsize;
    wire [1:0]                    x_axi_arburst;
    wire                          x_axi_arlock;
    wire [3:0]                    x_axi_arcache;
    wire [2:0]                    x_axi_arprot;
    wire                          x_axi_arvalid;
    wire                          x_axi_arready;
    wire [ID_WIDTH-1:0]           x_axi_rid;
    wire [DATA_WIDTH-1:0]         x_axi_rdata;
    wire [1:0]                    x_axi_rresp;
    wire                          x_axi_rlast;
    wire                          x_axi_rvalid;
    wire                          x_axi_rready;
    wire [ID_WIDTH-1:0]           i_axi_awid;
    wire [ADDR_WIDTH-1:0]         i_axi_awaddr;
    wire [7:0]                    i_axi_awlen;
    wire [2:0]                    i_axi_awsize;
    wire [1:0]                    i_axi_awburst;
    wire                          i_axi_awlock;
    wire [3:0]                    i_axi_awcache;
    wire [2:0]                    i_axi_awprot;
    wire                          i_axi_awvalid;
    wire                          i_axi_awready;
    wire [DATA_WIDTH-1:0]         i_axi_wdata;
    wire [DATA_WIDTH/8-1:0]       i_axi_wstrb;
    wire                          i_axi_wlast;
    wire                          i_axi_wvalid;
    wire                          i_axi_wready;
    wire [ID_WIDTH-1:0]           i_axi_bid;
    wire [1:0]                    i_axi_bresp;
    wire                          i_axi_bvalid;
    wire                          i_axi_bready;
    wire [ID_WIDTH-1:0]           i_axi_arid;
    wire [ADDR_WIDTH-1:0]         i_axi_araddr;
    wire [7:0]                    i_axi_arlen;
    wire [2:0]                    i_axi_arsize;
    wire [1:0]                    i_axi_arburst;
    wire                          i_axi_arlock;
    wire [3:0]                    i_axi_arcache;
    wire [2:0]                    i_axi_arprot;
    wire                          i_axi_arvalid;
    wire                          i_axi_arready;
    wire [ID_WIDTH-1:0]           i_axi_rid;
    wire [DATA_WIDTH-1:0]         i_axi_rdata;
    wire [1:0]                    i_axi_rresp;
    wire                          i_axi_rlast;
    wire                          i_axi_rvalid;
    wire                          i_axi_rready;

    dma_iommu_xlate #(
        .DATA_WIDTH(DATA_WIDTH), .ADDR_WIDTH(ADDR_WIDTH), .ID_WIDTH(ID_WIDTH),
        .USER_WIDTH(USER_WIDTH), .TLB_ENTRIES(TLB_ENTRIES)
    ) xlate (
        .clk(clk), .rst(rst), .mode(ddtp_mode), .ddt_ppn(ddtp_ppn),
        .inv_vma(inv_vma), .inv_pscv(inv_pscv), .inv_pscid(inv_pscid), .inv_av(inv_av), .inv_vpn(inv_vpn),
        .inv_ddt(inv_ddt), .inv_dv(inv_dv), .inv_did(inv_did), .busy(xlate_busy), .drained(xlate_drained),
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
        .m_axi_awid(x_axi_awid),
        .m_axi_awaddr(x_axi_awaddr),
        .m_axi_awlen(x_axi_awlen),
        .m_axi_awsize(x_axi_awsize),
        .m_axi_awburst(x_axi_awburst),
        .m_axi_awlock(x_axi_awlock),
        .m_axi_awcache(x_axi_awcache),
        .m_axi_awprot(x_axi_awprot),
        .m_axi_awvalid(x_axi_awvalid),
        .m_axi_awready(x_axi_awready),
        .m_axi_wdata(x_axi_wdata),
        .m_axi_wstrb(x_axi_wstrb),
        .m_axi_wlast(x_axi_wlast),
        .m_axi_wvalid(x_axi_wvalid),
        .m_axi_wready(x_axi_wready),
        .m_axi_bid(x_axi_bid),
        .m_axi_bresp(x_axi_bresp),
        .m_axi_bvalid(x_axi_bvalid),
        .m_axi_bready(x_axi_bready),
        .m_axi_arid(x_axi_arid),
        .m_axi_araddr(x_axi_araddr),
        .m_axi_arlen(x_axi_arlen),
        .m_axi_arsize(x_axi_arsize),
        .m_axi_arburst(x_axi_arburst),
        .m_axi_arlock(x_axi_arlock),
        .m_axi_arcache(x_axi_arcache),
        .m_axi_arprot(x_axi_arprot),
        .m_axi_arvalid(x_axi_arvalid),
        .m_axi_arready(x_axi_arready),
        .m_axi_rid(x_axi_rid),
        .m_axi_rdata(x_axi_rdata),
        .m_axi_rresp(x_axi_rresp),
        .m_axi_rlast(x_axi_rlast),
        .m_axi_rvalid(x_axi_rvalid),
        .m_axi_rready(x_axi_rready)
    );

    dma_iommu_cq cq (
        .clk(clk), .rst(rst), .cqen(cqen), .cqb_ppn(cqb_ppn), .cqb_log2sz(cqb_log2sz), .cqt(cqt),
        .stalled(cq_stalled), .cqh(cqh), .cqon(cqon), .busy(cq_busy),
        .set_cmd_ill(set_cmd_ill), .set_cqmf(set_cqmf), .set_fence_w_ip(set_fence_w_ip),
        .inv_vma(inv_vma), .inv_pscv(inv_pscv), .inv_pscid(inv_pscid), .inv_av(inv_av), .inv_vpn(inv_vpn),
        .inv_ddt(inv_ddt), .inv_dv(inv_dv), .inv_did(inv_did),
        .xlate_busy(xlate_busy), .xlate_drained(xlate_drained),
        .mem_req(cq_req), .mem_we(cq_we), .mem_addr(cq_addr), .mem_wdata(cq_wdata), .mem_wstrb(cq_wstrb),
        .mem_ack(mem_ack[2]), .mem_done(mem_done[2]), .mem_rdata(mem_rdata), .mem_err(mem_err)
    );

    dma_iommu_fq fq (
        .clk(clk), .rst(rst), .fqen(fqen), .fqb_ppn(fqb_ppn), .fqb_log2sz(fqb_log2sz), .fqh(fqh),
        .stalled(fq_stalled), .fqt(fqt), .fqon(fqon), .set_fqof(set_fqof), .set_fqmf(set_fqmf),
        .set_fip(set_fip),
        .flt_valid(flt_valid), .flt_ready(flt_ready), .flt_cause(flt_cause), .flt_ttyp(flt_ttyp),
        .flt_did(flt_did), .flt_iova(flt_iova),
        .mem_req(fq_req), .mem_addr(fq_addr), .mem_wdata(fq_wdata),
        .mem_ack(mem_ack[1]), .mem_done(mem_done[1]), .mem_err(mem_err)
    );

    dma_iommu_mem #(.DATA_WIDTH(DATA_WIDTH), .ADDR_WIDTH(ADDR_WIDTH), .ID_WIDTH(ID_WIDTH)) mem (
        .clk(clk), .rst(rst),
        .req({cq_req, fq_req, walk_req}), .req_we({cq_we, 1'b1, 1'b0}),
        .req_addr({cq_addr, fq_addr, walk_addr}), .req_wdata({cq_wdata, fq_wdata, 64'd0}),
        .req_wstrb({cq_wstrb, 8'hFF, 8'h00}),
        .ack(mem_ack), .done(mem_done), .rdata(mem_rdata), .err(mem_err),
        .m_axi_awid(i_axi_awid),
        .m_axi_awaddr(i_axi_awaddr),
        .m_axi_awlen(i_axi_awlen),
        .m_axi_awsize(i_axi_awsize),
        .m_axi_awburst(i_axi_awburst),
        .m_axi_awlock(i_axi_awlock),
        .m_axi_awcache(i_axi_awcache),
        .m_axi_awprot(i_axi_awprot),
        .m_axi_awvalid(i_axi_awvalid),
        .m_axi_awready(i_axi_awready),
        .m_axi_wdata(i_axi_wdata),
        .m_axi_wstrb(i_axi_wstrb),
        .m_axi_wlast(i_axi_wlast),
        .m_axi_wvalid(i_axi_wvalid),
        .m_axi_wready(i_axi_wready),
        .m_axi_bid(i_axi_bid),
        .m_axi_bresp(i_axi_bresp),
        .m_axi_bvalid(i_axi_bvalid),
        .m_axi_bready(i_axi_bready),
        .m_axi_arid(i_axi_arid),
        .m_axi_araddr(i_axi_araddr),
        .m_axi_arlen(i_axi_arlen),
        .m_axi_arsize(i_axi_arsize),
        .m_axi_arburst(i_axi_arburst),
        .m_axi_arlock(i_axi_arlock),
        .m_axi_arcache(i_axi_arcache),
        .m_axi_arprot(i_axi_arprot),
        .m_axi_arvalid(i_axi_arvalid),
        .m_axi_arready(i_axi_arready),
        .m_axi_rid(i_axi_rid),
        .m_axi_rdata(i_axi_rdata),
        .m_axi_rresp(i_axi_rresp),
        .m_axi_rlast(i_axi_rlast),
        .m_axi_rvalid(i_axi_rvalid),
        .m_axi_rready(i_axi_rready)
    );

    wire [USER_WIDTH-1:0] unused_awuser, unused_aruser;
    dma_axi_mux #(
        .DATA_WIDTH(DATA_WIDTH), .ADDR_WIDTH(ADDR_WIDTH), .S_ID_WIDTH(ID_WIDTH), .USER_WIDTH(USER_WIDTH)
    ) mux (
        .clk(clk), .rst(rst),
        .s0_axi_awid(x_axi_awid),
        .s0_axi_awaddr(x_axi_awaddr),
        .s0_axi_awlen(x_axi_awlen),
        .s0_axi_awsize(x_axi_awsize),
        .s0_axi_awburst(x_axi_awburst),
        .s0_axi_awlock(x_axi_awlock),
        .s0_axi_awcache(x_axi_awcache),
        .s0_axi_awprot(x_axi_awprot),
        .s0_axi_awvalid(x_axi_awvalid),
        .s0_axi_awready(x_axi_awready),
        .s0_axi_wdata(x_axi_wdata),
        .s0_axi_wstrb(x_axi_wstrb),
        .s0_axi_wlast(x_axi_wlast),
        .s0_axi_wvalid(x_axi_wvalid),
        .s0_axi_wready(x_axi_wready),
        .s0_axi_bid(x_axi_bid),
        .s0_axi_bresp(x_axi_bresp),
        .s0_axi_bvalid(x_axi_bvalid),
        .s0_axi_bready(x_axi_bready),
        .s0_axi_arid(x_axi_arid),
        .s0_axi_araddr(x_axi_araddr),
        .s0_axi_arlen(x_axi_arlen),
        .s0_axi_arsize(x_axi_arsize),
        .s0_axi_arburst(x_axi_arburst),
        .s0_axi_arlock(x_axi_arlock),
        .s0_axi_arcache(x_axi_arcache),
        .s0_axi_arprot(x_axi_arprot),
        .s0_axi_arvalid(x_axi_arvalid),
        .s0_axi_arready(x_axi_arready),
        .s0_axi_rid(x_axi_rid),
        .s0_axi_rdata(x_axi_rdata),
        .s0_axi_rresp(x_axi_rresp),
        .s0_axi_rlast(x_axi_rlast),
        .s0_axi_rvalid(x_axi_rvalid),
        .s0_axi_rready(x_axi_rready),
        .s0_axi_awuser({USER_WIDTH{1'b0}}), .s0_axi_aruser({USER_WIDTH{1'b0}}),
        .s1_axi_awid(i_axi_awid),
        .s1_axi_awaddr(i_axi_awaddr),
        .s1_axi_awlen(i_axi_awlen),
        .s1_axi_awsize(i_axi_awsize),
        .s1_axi_awburst(i_axi_awburst),
        .s1_axi_awlock(i_axi_awlock),
        .s1_axi_awcache(i_axi_awcache),
        .s1_axi_awprot(i_axi_awprot),
        .s1_axi_awvalid(i_axi_awvalid),
        .s1_axi_awready(i_axi_awready),
        .s1_axi_wdata(i_axi_wdata),
        .s1_axi_wstrb(i_axi_wstrb),
        .s1_axi_wlast(i_axi_wlast),
        .s1_axi_wvalid(i_axi_wvalid),
        .s1_axi_wready(i_axi_wready),
        .s1_axi_bid(i_axi_bid),
        .s1_axi_bresp(i_axi_bresp),
        .s1_axi_bvalid(i_axi_bvalid),
        .s1_axi_bready(i_axi_bready),
        .s1_axi_arid(i_axi_arid),
        .s1_axi_araddr(i_axi_araddr),
        .s1_axi_arlen(i_axi_arlen),
        .s1_axi_arsize(i_axi_arsize),
        .s1_axi_arburst(i_axi_arburst),
        .s1_axi_arlock(i_axi_arlock),
        .s1_axi_arcache(i_axi_arcache),
        .s1_axi_arprot(i_axi_arprot),
        .s1_axi_arvalid(i_axi_arvalid),
        .s1_axi_arready(i_axi_arready),
        .s1_axi_rid(i_axi_rid),
        .s1_axi_rdata(i_axi_rdata),
        .s1_axi_rresp(i_axi_rresp),
        .s1_axi_rlast(i_axi_rlast),
        .s1_axi_rvalid(i_axi_rvalid),
        .s1_axi_rready(i_axi_rready),
        .s1_axi_awuser({USER_WIDTH{1'b0}}), .s1_axi_aruser({USER_WIDTH{1'b0}}),
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
        .m_axi_rready(m_axi_rready),
        .m_axi_awuser(unused_awuser), .m_axi_aruser(unused_aruser)
    );
    wire unused_top = ^{unused_awuser, unused_aruser};
endmodule
