// SPDX-License-Identifier: Apache-2.0
// The whole product in one block: the DMA engine (dma_engine), whose data and
// descriptor ports are merged (dma_axi_mux) and translated by the IOMMU
// (dma_iommu) before memory; one AXI4-Lite register port for both, split by
// address bit 12 (0x0000-0x0FFF engine, 0x1000-0x1FFF IOMMU).
// The IOMMU's device ID for every access is the channel number (AxUSER).
// Ports (docs/architecture.md): s_axil_*, m_axi_* (memory, ID_WIDTH + 1 bits
// of ID), m_axi_tw_* (the IOMMU's table accesses), m_axis_*/s_axis_*,
// irq[NUM_CHANNELS-1:0], irq_global, irq_iommu.
`default_nettype none
module dma_top #(
    parameter NUM_CHANNELS    = 4,
    parameter DATA_WIDTH      = 64,    // >= 64 (the IOMMU's table reads are 8 bytes)
    parameter ADDR_WIDTH      = 64,
    parameter ID_WIDTH        = 4,     // engine ID width; memory port has ID_WIDTH + 1
    parameter LEN_WIDTH       = 32,
    parameter MAX_BURST_LEN   = 256,
    parameter TLB_ENTRIES     = 16
) (
    input  wire                        clk,
    input  wire                        rst,
    input  wire [12:0]                 s_axil_awaddr,
    input  wire [2:0]                  s_axil_awprot,
    input  wire                        s_axil_awvalid,
    output wire                        s_axil_awready,
    input  wire [31:0]                 s_axil_wdata,
    input  wire [3:0]                  s_axil_wstrb,
    input  wire                        s_axil_wvalid,
    output wire                        s_axil_wready,
    output wire [1:0]                  s_axil_bresp,
    output wire                        s_axil_bvalid,
    input  wire                        s_axil_bready,
    input  wire [12:0]                 s_axil_araddr,
    input  wire [2:0]                  s_axil_arprot,
    input  wire                        s_axil_arvalid,
    output wire                        s_axil_arready,
    output wire [31:0]                 s_axil_rdata,
    output wire [1:0]                  s_axil_rresp,
    output wire                        s_axil_rvalid,
    input  wire                        s_axil_rready,
    output wire [ID_WIDTH:0]         m_axi_awid,
    output wire [ADDR_WIDTH-1:0]       m_axi_awaddr,
    output wire [7:0]                  m_axi_awlen,
    output wire [2:0]                  m_axi_awsize,
    output wire [1:0]                  m_axi_awburst,
    output wire                        m_axi_awlock,
    output wire [3:0]                  m_axi_awcache,
    output wire [2:0]                  m_axi_awprot,
    output wire                        m_axi_awvalid,
    input  wire                        m_axi_awready,
    output wire [DATA_WIDTH-1:0]       m_axi_wdata,
    output wire [DATA_WIDTH/8-1:0]     m_axi_wstrb,
    output wire                        m_axi_wlast,
    output wire                        m_axi_wvalid,
    input  wire                        m_axi_wready,
    input  wire [ID_WIDTH:0]         m_axi_bid,
    input  wire [1:0]                  m_axi_bresp,
    input  wire                        m_axi_bvalid,
    output wire                        m_axi_bready,
    output wire [ID_WIDTH:0]         m_axi_arid,
    output wire [ADDR_WIDTH-1:0]       m_axi_araddr,
    output wire [7:0]                  m_axi_arlen,
    output wire [2:0]                  m_axi_arsize,
    output wire [1:0]                  m_axi_arburst,
    output wire                        m_axi_arlock,
    output wire [3:0]                  m_axi_arcache,
    output wire [2:0]                  m_axi_arprot,
    output wire                        m_axi_arvalid,
    input  wire                        m_axi_arready,
    input  wire [ID_WIDTH:0]         m_axi_rid,
    input  wire [DATA_WIDTH-1:0]       m_axi_rdata,
    input  wire [1:0]                  m_axi_rresp,
    input  wire                        m_axi_rlast,
    input  wire                        m_axi_rvalid,
    output wire                        m_axi_rready,
    output wire [DATA_WIDTH-1:0]       m_axis_tdata,
    output wire [DATA_WIDTH/8-1:0]     m_axis_tkeep,
    output wire                        m_axis_tlast,
    output wire                        m_axis_tvalid,
    input  wire                        m_axis_tready,
    input  wire [DATA_WIDTH-1:0]       s_axis_tdata,
    input  wire [DATA_WIDTH/8-1:0]     s_axis_tkeep,
    input  wire                        s_axis_tlast,
    input  wire                        s_axis_tvalid,
    output wire                        s_axis_tready,
    // the IOMMU's table and queue accesses (see dma_iommu)
    output wire [0:0]                  m_axi_tw_awid,
    output wire [ADDR_WIDTH-1:0]       m_axi_tw_awaddr,
    output wire [7:0]                  m_axi_tw_awlen,
    output wire [2:0]                  m_axi_tw_awsize,
    output wire [1:0]                  m_axi_tw_awburst,
    output wire                        m_axi_tw_awlock,
    output wire [3:0]                  m_axi_tw_awcache,
    output wire [2:0]                  m_axi_tw_awprot,
    output wire                        m_axi_tw_awvalid,
    input  wire                        m_axi_tw_awready,
    output wire [DATA_WIDTH-1:0]       m_axi_tw_wdata,
    output wire [DATA_WIDTH/8-1:0]     m_axi_tw_wstrb,
    output wire                        m_axi_tw_wlast,
    output wire                        m_axi_tw_wvalid,
    input  wire                        m_axi_tw_wready,
    input  wire [0:0]                  m_axi_tw_bid,
    input  wire [1:0]                  m_axi_tw_bresp,
    input  wire                        m_axi_tw_bvalid,
    output wire                        m_axi_tw_bready,
    output wire [0:0]                  m_axi_tw_arid,
    output wire [ADDR_WIDTH-1:0]       m_axi_tw_araddr,
    output wire [7:0]                  m_axi_tw_arlen,
    output wire [2:0]                  m_axi_tw_arsize,
    output wire [1:0]                  m_axi_tw_arburst,
    output wire                        m_axi_tw_arlock,
    output wire [3:0]                  m_axi_tw_arcache,
    output wire [2:0]                  m_axi_tw_arprot,
    output wire                        m_axi_tw_arvalid,
    input  wire                        m_axi_tw_arready,
    input  wire [0:0]                  m_axi_tw_rid,
    input  wire [DATA_WIDTH-1:0]       m_axi_tw_rdata,
    input  wire [1:0]                  m_axi_tw_rresp,
    input  wire                        m_axi_tw_rlast,
    input  wire                        m_axi_tw_rvalid,
    output wire                        m_axi_tw_rready,
    output wire [NUM_CHANNELS-1:0]     irq,
    output wire                        irq_global,
    output wire                        irq_iommu
);

    // parameter checks: an unsupported value stops elaboration (dma_param_check.vh)
    `include "dma_param_check.vh"
    generate
        if (DATA_WIDTH < 64 || DATA_WIDTH > 512 || (DATA_WIDTH & (DATA_WIDTH - 1)) != 0) begin : g_check0
            `DMA_PARAM_ERROR(dma_top__parameter_error__DATA_WIDTH_must_be_a_power_of_two_from_64_to_512, "dma_top: DATA_WIDTH must be a power of two from 64 to 512")
        end
        if (TLB_ENTRIES < 1) begin : g_check1
            `DMA_PARAM_ERROR(dma_top__parameter_error__TLB_ENTRIES_must_be_at_least_1, "dma_top: TLB_ENTRIES must be at least 1")
        end
        if (ADDR_WIDTH < 56 || ADDR_WIDTH > 64) begin : g_check2
            `DMA_PARAM_ERROR(dma_top__parameter_error__ADDR_WIDTH_must_be_56_to_64, "dma_top: ADDR_WIDTH must be 56 to 64 (Sv39 physical addresses are 56 bits)")
        end
    endgenerate
    localparam CH_W   = (NUM_CHANNELS <= 1) ? 1 : $clog2(NUM_CHANNELS);
    localparam USER_W = 4;             // device IDs 0..15 (channels)

    wire [12:0]                 e_axil_awaddr;
    wire [2:0]                  e_axil_awprot;
    wire                        e_axil_awvalid;
    wire                        e_axil_awready;
    wire [31:0]                 e_axil_wdata;
    wire [3:0]                  e_axil_wstrb;
    wire                        e_axil_wvalid;
    wire                        e_axil_wready;
    wire [1:0]                  e_axil_bresp;
    wire                        e_axil_bvalid;
    wire                        e_axil_bready;
    wire [12:0]                 e_axil_araddr;
    wire [2:0]                  e_axil_arprot;
    wire                        e_axil_arvalid;
    wire                        e_axil_arready;
    wire [31:0]                 e_axil_rdata;
    wire [1:0]                  e_axil_rresp;
    wire                        e_axil_rvalid;
    wire                        e_axil_rready;
    wire [12:0]                 i_axil_awaddr;
    wire [2:0]                  i_axil_awprot;
    wire                        i_axil_awvalid;
    wire                        i_axil_awready;
    wire [31:0]                 i_axil_wdata;
    wire [3:0]                  i_axil_wstrb;
    wire                        i_axil_wvalid;
    wire                        i_axil_wready;
    wire [1:0]                  i_axil_bresp;
    wire                        i_axil_bvalid;
    wire                        i_axil_bready;
    wire [12:0]                 i_axil_araddr;
    wire [2:0]                  i_axil_arprot;
    wire                        i_axil_arvalid;
    wire                        i_axil_arready;
    wire [31:0]                 i_axil_rdata;
    wire [1:0]                  i_axil_rresp;
    wire                        i_axil_rvalid;
    wire                        i_axil_rready;
    dma_axil_split #(.ADDR_WIDTH(13), .SPLIT_BIT(12)) axil_split (
        .clk(clk), .rst(rst),
        .s_axil_awaddr(s_axil_awaddr),
        .s_axil_awprot(s_axil_awprot),
        .s_axil_awvalid(s_axil_awvalid),
        .s_axil_awready(s_axil_awready),
        .s_axil_wdata(s_axil_wdata),
        .s_axil_wstrb(s_axil_wstrb),
        .s_axil_wvalid(s_axil_wvalid),
        .s_axil_wready(s_axil_wready),
        .s_axil_bresp(s_axil_bresp),
        .s_axil_bvalid(s_axil_bvalid),
        .s_axil_bready(s_axil_bready),
        .s_axil_araddr(s_axil_araddr),
        .s_axil_arprot(s_axil_arprot),
        .s_axil_arvalid(s_axil_arvalid),
        .s_axil_arready(s_axil_arready),
        .s_axil_rdata(s_axil_rdata),
        .s_axil_rresp(s_axil_rresp),
        .s_axil_rvalid(s_axil_rvalid),
        .s_axil_rready(s_axil_rready),
        .m0_axil_awaddr(e_axil_awaddr),
        .m0_axil_awprot(e_axil_awprot),
        .m0_axil_awvalid(e_axil_awvalid),
        .m0_axil_awready(e_axil_awready),
        .m0_axil_wdata(e_axil_wdata),
        .m0_axil_wstrb(e_axil_wstrb),
        .m0_axil_wvalid(e_axil_wvalid),
        .m0_axil_wready(e_axil_wready),
        .m0_axil_bresp(e_axil_bresp),
        .m0_axil_bvalid(e_axil_bvalid),
        .m0_axil_bready(e_axil_bready),
        .m0_axil_araddr(e_axil_araddr),
        .m0_axil_arprot(e_axil_arprot),
        .m0_axil_arvalid(e_axil_arvalid),
        .m0_axil_arready(e_axil_arready),
        .m0_axil_rdata(e_axil_rdata),
        .m0_axil_rresp(e_axil_rresp),
        .m0_axil_rvalid(e_axil_rvalid),
        .m0_axil_rready(e_axil_rready),
        .m1_axil_awaddr(i_axil_awaddr),
        .m1_axil_awprot(i_axil_awprot),
        .m1_axil_awvalid(i_axil_awvalid),
        .m1_axil_awready(i_axil_awready),
        .m1_axil_wdata(i_axil_wdata),
        .m1_axil_wstrb(i_axil_wstrb),
        .m1_axil_wvalid(i_axil_wvalid),
        .m1_axil_wready(i_axil_wready),
        .m1_axil_bresp(i_axil_bresp),
        .m1_axil_bvalid(i_axil_bvalid),
        .m1_axil_bready(i_axil_bready),
        .m1_axil_araddr(i_axil_araddr),
        .m1_axil_arprot(i_axil_arprot),
        .m1_axil_arvalid(i_axil_arvalid),
        .m1_axil_arready(i_axil_arready),
        .m1_axil_rdata(i_axil_rdata),
        .m1_axil_rresp(i_axil_rresp),
        .m1_axil_rvalid(i_axil_rvalid),
        .m1_axil_rready(i_axil_rready)
    );

    wire [ID_WIDTH-1:0]         d_axi_awid;
    wire [ADDR_WIDTH-1:0]       d_axi_awaddr;
    wire [7:0]                  d_axi_awlen;
    wire [2:0]                  d_axi_awsize;
    wire [1:0]                  d_axi_awburst;
    wire                        d_axi_awlock;
    wire [3:0]                  d_axi_awcache;
    wire [2:0]                  d_axi_awprot;
    wire                        d_axi_awvalid;
    wire                        d_axi_awready;
    wire [DATA_WIDTH-1:0]       d_axi_wdata;
    wire [DATA_WIDTH/8-1:0]     d_axi_wstrb;
    wire                        d_axi_wlast;
    wire                        d_axi_wvalid;
    wire                        d_axi_wready;
    wire [ID_WIDTH-1:0]         d_axi_bid;
    wire [1:0]                  d_axi_bresp;
    wire                        d_axi_bvalid;
    wire                        d_axi_bready;
    wire [ID_WIDTH-1:0]         d_axi_arid;
    wire [ADDR_WIDTH-1:0]       d_axi_araddr;
    wire [7:0]                  d_axi_arlen;
    wire [2:0]                  d_axi_arsize;
    wire [1:0]                  d_axi_arburst;
    wire                        d_axi_arlock;
    wire [3:0]                  d_axi_arcache;
    wire [2:0]                  d_axi_arprot;
    wire                        d_axi_arvalid;
    wire                        d_axi_arready;
    wire [ID_WIDTH-1:0]         d_axi_rid;
    wire [DATA_WIDTH-1:0]       d_axi_rdata;
    wire [1:0]                  d_axi_rresp;
    wire                        d_axi_rlast;
    wire                        d_axi_rvalid;
    wire                        d_axi_rready;
    wire [ID_WIDTH-1:0]         g_axi_awid;
    wire [ADDR_WIDTH-1:0]       g_axi_awaddr;
    wire [7:0]                  g_axi_awlen;
    wire [2:0]                  g_axi_awsize;
    wire [1:0]                  g_axi_awburst;
    wire                        g_axi_awlock;
    wire [3:0]                  g_axi_awcache;
    wire [2:0]                  g_axi_awprot;
    wire                        g_axi_awvalid;
    wire                        g_axi_awready;
    wire [DATA_WIDTH-1:0]       g_axi_wdata;
    wire [DATA_WIDTH/8-1:0]     g_axi_wstrb;
    wire                        g_axi_wlast;
    wire                        g_axi_wvalid;
    wire                        g_axi_wready;
    wire [ID_WIDTH-1:0]         g_axi_bid;
    wire [1:0]                  g_axi_bresp;
    wire                        g_axi_bvalid;
    wire                        g_axi_bready;
    wire [ID_WIDTH-1:0]         g_axi_arid;
    wire [ADDR_WIDTH-1:0]       g_axi_araddr;
    wire [7:0]                  g_axi_arlen;
    wire [2:0]                  g_axi_arsize;
    wire [1:0]                  g_axi_arburst;
    wire                        g_axi_arlock;
    wire [3:0]                  g_axi_arcache;
    wire [2:0]                  g_axi_arprot;
    wire                        g_axi_arvalid;
    wire                        g_axi_arready;
    wire [ID_WIDTH-1:0]         g_axi_rid;
    wire [DATA_WIDTH-1:0]       g_axi_rdata;
    wire [1:0]                  g_axi_rresp;
    wire                        g_axi_rlast;
    wire                        g_axi_rvalid;
    wire                        g_axi_rready;
    wire [CH_W-1:0] d_axi_awuser, d_axi_aruser, g_axi_awuser, g_axi_aruser;

    dma_engine #(
        .NUM_CHANNELS(NUM_CHANNELS), .DATA_WIDTH(DATA_WIDTH), .ADDR_WIDTH(ADDR_WIDTH), .ID_WIDTH(ID_WIDTH),
        .SG_ID_WIDTH(ID_WIDTH), .LEN_WIDTH(LEN_WIDTH), .MAX_BURST_LEN(MAX_BURST_LEN), .AXIL_ADDR_WIDTH(13),
        .IOMMU_PRESENT(1)
    ) engine (
        .clk(clk), .rst(rst),
        .s_axil_awaddr(e_axil_awaddr),
        .s_axil_awprot(e_axil_awprot),
        .s_axil_awvalid(e_axil_awvalid),
        .s_axil_awready(e_axil_awready),
        .s_axil_wdata(e_axil_wdata),
        .s_axil_wstrb(e_axil_wstrb),
        .s_axil_wvalid(e_axil_wvalid),
        .s_axil_wready(e_axil_wready),
        .s_axil_bresp(e_axil_bresp),
        .s_axil_bvalid(e_axil_bvalid),
        .s_axil_bready(e_axil_bready),
        .s_axil_araddr(e_axil_araddr),
        .s_axil_arprot(e_axil_arprot),
        .s_axil_arvalid(e_axil_arvalid),
        .s_axil_arready(e_axil_arready),
        .s_axil_rdata(e_axil_rdata),
        .s_axil_rresp(e_axil_rresp),
        .s_axil_rvalid(e_axil_rvalid),
        .s_axil_rready(e_axil_rready),
        .m_axi_awid(d_axi_awid),
        .m_axi_awaddr(d_axi_awaddr),
        .m_axi_awlen(d_axi_awlen),
        .m_axi_awsize(d_axi_awsize),
        .m_axi_awburst(d_axi_awburst),
        .m_axi_awlock(d_axi_awlock),
        .m_axi_awcache(d_axi_awcache),
        .m_axi_awprot(d_axi_awprot),
        .m_axi_awvalid(d_axi_awvalid),
        .m_axi_awready(d_axi_awready),
        .m_axi_wdata(d_axi_wdata),
        .m_axi_wstrb(d_axi_wstrb),
        .m_axi_wlast(d_axi_wlast),
        .m_axi_wvalid(d_axi_wvalid),
        .m_axi_wready(d_axi_wready),
        .m_axi_bid(d_axi_bid),
        .m_axi_bresp(d_axi_bresp),
        .m_axi_bvalid(d_axi_bvalid),
        .m_axi_bready(d_axi_bready),
        .m_axi_arid(d_axi_arid),
        .m_axi_araddr(d_axi_araddr),
        .m_axi_arlen(d_axi_arlen),
        .m_axi_arsize(d_axi_arsize),
        .m_axi_arburst(d_axi_arburst),
        .m_axi_arlock(d_axi_arlock),
        .m_axi_arcache(d_axi_arcache),
        .m_axi_arprot(d_axi_arprot),
        .m_axi_arvalid(d_axi_arvalid),
        .m_axi_arready(d_axi_arready),
        .m_axi_rid(d_axi_rid),
        .m_axi_rdata(d_axi_rdata),
        .m_axi_rresp(d_axi_rresp),
        .m_axi_rlast(d_axi_rlast),
        .m_axi_rvalid(d_axi_rvalid),
        .m_axi_rready(d_axi_rready),
        .m_axi_awuser(d_axi_awuser), .m_axi_aruser(d_axi_aruser),
        .m_axi_sg_awid(g_axi_awid),
        .m_axi_sg_awaddr(g_axi_awaddr),
        .m_axi_sg_awlen(g_axi_awlen),
        .m_axi_sg_awsize(g_axi_awsize),
        .m_axi_sg_awburst(g_axi_awburst),
        .m_axi_sg_awlock(g_axi_awlock),
        .m_axi_sg_awcache(g_axi_awcache),
        .m_axi_sg_awprot(g_axi_awprot),
        .m_axi_sg_awvalid(g_axi_awvalid),
        .m_axi_sg_awready(g_axi_awready),
        .m_axi_sg_wdata(g_axi_wdata),
        .m_axi_sg_wstrb(g_axi_wstrb),
        .m_axi_sg_wlast(g_axi_wlast),
        .m_axi_sg_wvalid(g_axi_wvalid),
        .m_axi_sg_wready(g_axi_wready),
        .m_axi_sg_bid(g_axi_bid),
        .m_axi_sg_bresp(g_axi_bresp),
        .m_axi_sg_bvalid(g_axi_bvalid),
        .m_axi_sg_bready(g_axi_bready),
        .m_axi_sg_arid(g_axi_arid),
        .m_axi_sg_araddr(g_axi_araddr),
        .m_axi_sg_arlen(g_axi_arlen),
        .m_axi_sg_arsize(g_axi_arsize),
        .m_axi_sg_arburst(g_axi_arburst),
        .m_axi_sg_arlock(g_axi_arlock),
        .m_axi_sg_arcache(g_axi_arcache),
        .m_axi_sg_arprot(g_axi_arprot),
        .m_axi_sg_arvalid(g_axi_arvalid),
        .m_axi_sg_arready(g_axi_arready),
        .m_axi_sg_rid(g_axi_rid),
        .m_axi_sg_rdata(g_axi_rdata),
        .m_axi_sg_rresp(g_axi_rresp),
        .m_axi_sg_rlast(g_axi_rlast),
        .m_axi_sg_rvalid(g_axi_rvalid),
        .m_axi_sg_rready(g_axi_rready),
        .m_axi_sg_awuser(g_axi_awuser), .m_axi_sg_aruser(g_axi_aruser),
        .m_axis_tdata(m_axis_tdata), .m_axis_tkeep(m_axis_tkeep), .m_axis_tlast(m_axis_tlast),
        .m_axis_tvalid(m_axis_tvalid), .m_axis_tready(m_axis_tready),
        .s_axis_tdata(s_axis_tdata), .s_axis_tkeep(s_axis_tkeep), .s_axis_tlast(s_axis_tlast),
        .s_axis_tvalid(s_axis_tvalid), .s_axis_tready(s_axis_tready),
        .irq(irq), .irq_global(irq_global)
    );

    wire [ID_WIDTH:0]           u_axi_awid;
    wire [ADDR_WIDTH-1:0]       u_axi_awaddr;
    wire [7:0]                  u_axi_awlen;
    wire [2:0]                  u_axi_awsize;
    wire [1:0]                  u_axi_awburst;
    wire                        u_axi_awlock;
    wire [3:0]                  u_axi_awcache;
    wire [2:0]                  u_axi_awprot;
    wire                        u_axi_awvalid;
    wire                        u_axi_awready;
    wire [DATA_WIDTH-1:0]       u_axi_wdata;
    wire [DATA_WIDTH/8-1:0]     u_axi_wstrb;
    wire                        u_axi_wlast;
    wire                        u_axi_wvalid;
    wire                        u_axi_wready;
    wire [ID_WIDTH:0]           u_axi_bid;
    wire [1:0]                  u_axi_bresp;
    wire                        u_axi_bvalid;
    wire                        u_axi_bready;
    wire [ID_WIDTH:0]           u_axi_arid;
    wire [ADDR_WIDTH-1:0]       u_axi_araddr;
    wire [7:0]                  u_axi_arlen;
    wire [2:0]                  u_axi_arsize;
    wire [1:0]                  u_axi_arburst;
    wire                        u_axi_arlock;
    wire [3:0]                  u_axi_arcache;
    wire [2:0]                  u_axi_arprot;
    wire                        u_axi_arvalid;
    wire                        u_axi_arready;
    wire [ID_WIDTH:0]           u_axi_rid;
    wire [DATA_WIDTH-1:0]       u_axi_rdata;
    wire [1:0]                  u_axi_rresp;
    wire                        u_axi_rlast;
    wire                        u_axi_rvalid;
    wire                        u_axi_rready;
    wire [USER_W-1:0] u_axi_awuser, u_axi_aruser;
    dma_axi_mux #(
        .DATA_WIDTH(DATA_WIDTH), .ADDR_WIDTH(ADDR_WIDTH), .S_ID_WIDTH(ID_WIDTH), .USER_WIDTH(USER_W)
    ) port_mux (
        .clk(clk), .rst(rst),
        .s0_axi_awid(d_axi_awid),
        .s0_axi_awaddr(d_axi_awaddr),
        .s0_axi_awlen(d_axi_awlen),
        .s0_axi_awsize(d_axi_awsize),
        .s0_axi_awburst(d_axi_awburst),
        .s0_axi_awlock(d_axi_awlock),
        .s0_axi_awcache(d_axi_awcache),
        .s0_axi_awprot(d_axi_awprot),
        .s0_axi_awvalid(d_axi_awvalid),
        .s0_axi_awready(d_axi_awready),
        .s0_axi_wdata(d_axi_wdata),
        .s0_axi_wstrb(d_axi_wstrb),
        .s0_axi_wlast(d_axi_wlast),
        .s0_axi_wvalid(d_axi_wvalid),
        .s0_axi_wready(d_axi_wready),
        .s0_axi_bid(d_axi_bid),
        .s0_axi_bresp(d_axi_bresp),
        .s0_axi_bvalid(d_axi_bvalid),
        .s0_axi_bready(d_axi_bready),
        .s0_axi_arid(d_axi_arid),
        .s0_axi_araddr(d_axi_araddr),
        .s0_axi_arlen(d_axi_arlen),
        .s0_axi_arsize(d_axi_arsize),
        .s0_axi_arburst(d_axi_arburst),
        .s0_axi_arlock(d_axi_arlock),
        .s0_axi_arcache(d_axi_arcache),
        .s0_axi_arprot(d_axi_arprot),
        .s0_axi_arvalid(d_axi_arvalid),
        .s0_axi_arready(d_axi_arready),
        .s0_axi_rid(d_axi_rid),
        .s0_axi_rdata(d_axi_rdata),
        .s0_axi_rresp(d_axi_rresp),
        .s0_axi_rlast(d_axi_rlast),
        .s0_axi_rvalid(d_axi_rvalid),
        .s0_axi_rready(d_axi_rready),
        .s0_axi_awuser({{(USER_W-CH_W){1'b0}}, d_axi_awuser}), .s0_axi_aruser({{(USER_W-CH_W){1'b0}}, d_axi_aruser}),
        .s1_axi_awid(g_axi_awid),
        .s1_axi_awaddr(g_axi_awaddr),
        .s1_axi_awlen(g_axi_awlen),
        .s1_axi_awsize(g_axi_awsize),
        .s1_axi_awburst(g_axi_awburst),
        .s1_axi_awlock(g_axi_awlock),
        .s1_axi_awcache(g_axi_awcache),
        .s1_axi_awprot(g_axi_awprot),
        .s1_axi_awvalid(g_axi_awvalid),
        .s1_axi_awready(g_axi_awready),
        .s1_axi_wdata(g_axi_wdata),
        .s1_axi_wstrb(g_axi_wstrb),
        .s1_axi_wlast(g_axi_wlast),
        .s1_axi_wvalid(g_axi_wvalid),
        .s1_axi_wready(g_axi_wready),
        .s1_axi_bid(g_axi_bid),
        .s1_axi_bresp(g_axi_bresp),
        .s1_axi_bvalid(g_axi_bvalid),
        .s1_axi_bready(g_axi_bready),
        .s1_axi_arid(g_axi_arid),
        .s1_axi_araddr(g_axi_araddr),
        .s1_axi_arlen(g_axi_arlen),
        .s1_axi_arsize(g_axi_arsize),
        .s1_axi_arburst(g_axi_arburst),
        .s1_axi_arlock(g_axi_arlock),
        .s1_axi_arcache(g_axi_arcache),
        .s1_axi_arprot(g_axi_arprot),
        .s1_axi_arvalid(g_axi_arvalid),
        .s1_axi_arready(g_axi_arready),
        .s1_axi_rid(g_axi_rid),
        .s1_axi_rdata(g_axi_rdata),
        .s1_axi_rresp(g_axi_rresp),
        .s1_axi_rlast(g_axi_rlast),
        .s1_axi_rvalid(g_axi_rvalid),
        .s1_axi_rready(g_axi_rready),
        .s1_axi_awuser({{(USER_W-CH_W){1'b0}}, g_axi_awuser}), .s1_axi_aruser({{(USER_W-CH_W){1'b0}}, g_axi_aruser}),
        .m_axi_awid(u_axi_awid),
        .m_axi_awaddr(u_axi_awaddr),
        .m_axi_awlen(u_axi_awlen),
        .m_axi_awsize(u_axi_awsize),
        .m_axi_awburst(u_axi_awburst),
        .m_axi_awlock(u_axi_awlock),
        .m_axi_awcache(u_axi_awcache),
        .m_axi_awprot(u_axi_awprot),
        .m_axi_awvalid(u_axi_awvalid),
        .m_axi_awready(u_axi_awready),
        .m_axi_wdata(u_axi_wdata),
        .m_axi_wstrb(u_axi_wstrb),
        .m_axi_wlast(u_axi_wlast),
        .m_axi_wvalid(u_axi_wvalid),
        .m_axi_wready(u_axi_wready),
        .m_axi_bid(u_axi_bid),
        .m_axi_bresp(u_axi_bresp),
        .m_axi_bvalid(u_axi_bvalid),
        .m_axi_bready(u_axi_bready),
        .m_axi_arid(u_axi_arid),
        .m_axi_araddr(u_axi_araddr),
        .m_axi_arlen(u_axi_arlen),
        .m_axi_arsize(u_axi_arsize),
        .m_axi_arburst(u_axi_arburst),
        .m_axi_arlock(u_axi_arlock),
        .m_axi_arcache(u_axi_arcache),
        .m_axi_arprot(u_axi_arprot),
        .m_axi_arvalid(u_axi_arvalid),
        .m_axi_arready(u_axi_arready),
        .m_axi_rid(u_axi_rid),
        .m_axi_rdata(u_axi_rdata),
        .m_axi_rresp(u_axi_rresp),
        .m_axi_rlast(u_axi_rlast),
        .m_axi_rvalid(u_axi_rvalid),
        .m_axi_rready(u_axi_rready),
        .m_axi_awuser(u_axi_awuser), .m_axi_aruser(u_axi_aruser)
    );

    dma_iommu #(
        .DATA_WIDTH(DATA_WIDTH), .ADDR_WIDTH(ADDR_WIDTH), .ID_WIDTH(ID_WIDTH + 1),
        .USER_WIDTH(USER_W), .TLB_ENTRIES(TLB_ENTRIES)
    ) iommu (
        .clk(clk), .rst(rst),
        .s_axil_awaddr(i_axil_awaddr[11:0]), .s_axil_awvalid(i_axil_awvalid), .s_axil_awready(i_axil_awready),
        .s_axil_wdata(i_axil_wdata), .s_axil_wstrb(i_axil_wstrb), .s_axil_wvalid(i_axil_wvalid),
        .s_axil_wready(i_axil_wready), .s_axil_bresp(i_axil_bresp), .s_axil_bvalid(i_axil_bvalid),
        .s_axil_bready(i_axil_bready), .s_axil_araddr(i_axil_araddr[11:0]), .s_axil_arvalid(i_axil_arvalid),
        .s_axil_arready(i_axil_arready), .s_axil_rdata(i_axil_rdata), .s_axil_rresp(i_axil_rresp),
        .s_axil_rvalid(i_axil_rvalid), .s_axil_rready(i_axil_rready),
        .s_axi_awid(u_axi_awid),
        .s_axi_awaddr(u_axi_awaddr),
        .s_axi_awlen(u_axi_awlen),
        .s_axi_awsize(u_axi_awsize),
        .s_axi_awburst(u_axi_awburst),
        .s_axi_awlock(u_axi_awlock),
        .s_axi_awcache(u_axi_awcache),
        .s_axi_awprot(u_axi_awprot),
        .s_axi_awvalid(u_axi_awvalid),
        .s_axi_awready(u_axi_awready),
        .s_axi_wdata(u_axi_wdata),
        .s_axi_wstrb(u_axi_wstrb),
        .s_axi_wlast(u_axi_wlast),
        .s_axi_wvalid(u_axi_wvalid),
        .s_axi_wready(u_axi_wready),
        .s_axi_bid(u_axi_bid),
        .s_axi_bresp(u_axi_bresp),
        .s_axi_bvalid(u_axi_bvalid),
        .s_axi_bready(u_axi_bready),
        .s_axi_arid(u_axi_arid),
        .s_axi_araddr(u_axi_araddr),
        .s_axi_arlen(u_axi_arlen),
        .s_axi_arsize(u_axi_arsize),
        .s_axi_arburst(u_axi_arburst),
        .s_axi_arlock(u_axi_arlock),
        .s_axi_arcache(u_axi_arcache),
        .s_axi_arprot(u_axi_arprot),
        .s_axi_arvalid(u_axi_arvalid),
        .s_axi_arready(u_axi_arready),
        .s_axi_rid(u_axi_rid),
        .s_axi_rdata(u_axi_rdata),
        .s_axi_rresp(u_axi_rresp),
        .s_axi_rlast(u_axi_rlast),
        .s_axi_rvalid(u_axi_rvalid),
        .s_axi_rready(u_axi_rready),
        .s_axi_awuser(u_axi_awuser), .s_axi_aruser(u_axi_aruser),
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
        .m_axi_tw_awid(m_axi_tw_awid),
        .m_axi_tw_awaddr(m_axi_tw_awaddr),
        .m_axi_tw_awlen(m_axi_tw_awlen),
        .m_axi_tw_awsize(m_axi_tw_awsize),
        .m_axi_tw_awburst(m_axi_tw_awburst),
        .m_axi_tw_awlock(m_axi_tw_awlock),
        .m_axi_tw_awcache(m_axi_tw_awcache),
        .m_axi_tw_awprot(m_axi_tw_awprot),
        .m_axi_tw_awvalid(m_axi_tw_awvalid),
        .m_axi_tw_awready(m_axi_tw_awready),
        .m_axi_tw_wdata(m_axi_tw_wdata),
        .m_axi_tw_wstrb(m_axi_tw_wstrb),
        .m_axi_tw_wlast(m_axi_tw_wlast),
        .m_axi_tw_wvalid(m_axi_tw_wvalid),
        .m_axi_tw_wready(m_axi_tw_wready),
        .m_axi_tw_bid(m_axi_tw_bid),
        .m_axi_tw_bresp(m_axi_tw_bresp),
        .m_axi_tw_bvalid(m_axi_tw_bvalid),
        .m_axi_tw_bready(m_axi_tw_bready),
        .m_axi_tw_arid(m_axi_tw_arid),
        .m_axi_tw_araddr(m_axi_tw_araddr),
        .m_axi_tw_arlen(m_axi_tw_arlen),
        .m_axi_tw_arsize(m_axi_tw_arsize),
        .m_axi_tw_arburst(m_axi_tw_arburst),
        .m_axi_tw_arlock(m_axi_tw_arlock),
        .m_axi_tw_arcache(m_axi_tw_arcache),
        .m_axi_tw_arprot(m_axi_tw_arprot),
        .m_axi_tw_arvalid(m_axi_tw_arvalid),
        .m_axi_tw_arready(m_axi_tw_arready),
        .m_axi_tw_rid(m_axi_tw_rid),
        .m_axi_tw_rdata(m_axi_tw_rdata),
        .m_axi_tw_rresp(m_axi_tw_rresp),
        .m_axi_tw_rlast(m_axi_tw_rlast),
        .m_axi_tw_rvalid(m_axi_tw_rvalid),
        .m_axi_tw_rready(m_axi_tw_rready),
        .irq(irq_iommu)
    );
    // the IOMMU page decodes 12 address bits; AxPROT carries nothing it checks
    wire unused_top = ^{i_axil_awaddr[12], i_axil_araddr[12], i_axil_awprot, i_axil_arprot};
endmodule
`default_nettype wire
