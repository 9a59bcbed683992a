// SPDX-License-Identifier: Apache-2.0
// The DMA engine: AXI4-Lite register block + scatter-gather front end
// (NUM_CHANNELS channels) + AXI4 datapath. Ports (docs/architecture.md):
//   s_axil_*   AXI4-Lite slave, registers (docs/registers.md)
//   m_axi_*    AXI4 master, data
//   m_axi_sg_* AXI4 master, descriptor fetch and status write-back
//   m_axis_*   AXI4-Stream to a device; s_axis_* AXI4-Stream from a device
//   irq[c]     per-channel interrupt; irq_global = GCTRL.GIE & |irq
`default_nettype none
module dma_engine #(
    parameter NUM_CHANNELS    = 4,
    parameter DATA_WIDTH      = 64,
    parameter ADDR_WIDTH      = 64,
    parameter ID_WIDTH        = 4,
    parameter SG_ID_WIDTH     = 4,
    parameter LEN_WIDTH       = 32,
    parameter MAX_BURST_LEN   = 256,
    parameter RD_OUTSTANDING  = 4,
    parameter WR_OUTSTANDING  = 4,
    parameter CMD_DEPTH_LOG2  = 2,
    parameter FIFO_DEPTH_LOG2 = 6,
    parameter PF_DEPTH_LOG2   = 1,
    parameter AXIL_ADDR_WIDTH = 13,
    parameter IOMMU_PRESENT   = 0     // reported in CAP1 (dma_top sets it)
) (
    input  wire                        clk,
    input  wire                        rst,

    input  wire [AXIL_ADDR_WIDTH-1:0]  s_axil_awaddr,
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
    input  wire [AXIL_ADDR_WIDTH-1:0]  s_axil_araddr,
    input  wire [2:0]                  s_axil_arprot,
    input  wire                        s_axil_arvalid,
    output wire                        s_axil_arready,
    output wire [31:0]                 s_axil_rdata,
    output wire [1:0]                  s_axil_rresp,
    output wire                        s_axil_rvalid,
    input  wire                        s_axil_rready,

    output wire [ID_WIDTH-1:0]         m_axi_awid,
    output wire [ADDR_WIDTH-1:0]       m_axi_awaddr,
    output wire [7:0]                  m_axi_awlen,
    output wire [2:0]                  m_axi_awsize,
    output wire [1:0]                  m_axi_awburst,
    output wire                        m_axi_awlock,
    output wire [3:0]                  m_axi_awcache,
    output wire [2:0]                  m_axi_awprot,
    output wire [$clog2(NUM_CHANNELS > 1 ? NUM_CHANNELS : 2)-1:0]             m_axi_awuser,
    output wire                        m_axi_awvalid,
    input  wire                        m_axi_awready,
    output wire [DATA_WIDTH-1:0]       m_axi_wdata,
    output wire [DATA_WIDTH/8-1:0]     m_axi_wstrb,
    output wire                        m_axi_wlast,
    output wire                        m_axi_wvalid,
    input  wire                        m_axi_wready,
    input  wire [ID_WIDTH-1:0]         m_axi_bid,
    input  wire [1:0]                  m_axi_bresp,
    input  wire                        m_axi_bvalid,
    output wire                        m_axi_bready,
    output wire [ID_WIDTH-1:0]         m_axi_arid,
    output wire [ADDR_WIDTH-1:0]       m_axi_araddr,
    output wire [7:0]                  m_axi_arlen,
    output wire [2:0]                  m_axi_arsize,
    output wire [1:0]                  m_axi_arburst,
    output wire                        m_axi_arlock,
    output wire [3:0]                  m_axi_arcache,
    output wire [2:0]                  m_axi_arprot,
    output wire [$clog2(NUM_CHANNELS > 1 ? NUM_CHANNELS : 2)-1:0]             m_axi_aruser,
    output wire                        m_axi_arvalid,
    input  wire                        m_axi_arready,
    input  wire [ID_WIDTH-1:0]         m_axi_rid,
    input  wire [DATA_WIDTH-1:0]       m_axi_rdata,
    input  wire [1:0]                  m_axi_rresp,
    input  wire                        m_axi_rlast,
    input  wire                        m_axi_rvalid,
    output wire                        m_axi_rready,

    output wire [SG_ID_WIDTH-1:0]      m_axi_sg_awid,
    output wire [ADDR_WIDTH-1:0]       m_axi_sg_awaddr,
    output wire [7:0]                  m_axi_sg_awlen,
    output wire [2:0]                  m_axi_sg_awsize,
    output wire [1:0]                  m_axi_sg_awburst,
    output wire                        m_axi_sg_awlock,
    output wire [3:0]                  m_axi_sg_awcache,
    output wire [2:0]                  m_axi_sg_awprot,
    output wire [$clog2(NUM_CHANNELS > 1 ? NUM_CHANNELS : 2)-1:0]             m_axi_sg_awuser,
    output wire                        m_axi_sg_awvalid,
    input  wire                        m_axi_sg_awready,
    output wire [DATA_WIDTH-1:0]       m_axi_sg_wdata,
    output wire [DATA_WIDTH/8-1:0]     m_axi_sg_wstrb,
    output wire                        m_axi_sg_wlast,
    output wire                        m_axi_sg_wvalid,
    input  wire                        m_axi_sg_wready,
    input  wire [SG_ID_WIDTH-1:0]      m_axi_sg_bid,
    input  wire [1:0]                  m_axi_sg_bresp,
    input  wire                        m_axi_sg_bvalid,
    output wire                        m_axi_sg_bready,
    output wire [SG_ID_WIDTH-1:0]      m_axi_sg_arid,
    output wire [ADDR_WIDTH-1:0]       m_axi_sg_araddr,
    output wire [7:0]                  m_axi_sg_arlen,
    output wire [2:0]                  m_axi_sg_arsize,
    output wire [1:0]                  m_axi_sg_arburst,
    output wire                        m_axi_sg_arlock,
    output wire [3:0]                  m_axi_sg_arcache,
    output wire [2:0]                  m_axi_sg_arprot,
    output wire [$clog2(NUM_CHANNELS > 1 ? NUM_CHANNELS : 2)-1:0]             m_axi_sg_aruser,
    output wire                        m_axi_sg_arvalid,
    input  wire                        m_axi_sg_arready,
    input  wire [SG_ID_WIDTH-1:0]      m_axi_sg_rid,
    input  wire [DATA_WIDTH-1:0]       m_axi_sg_rdata,
    input  wire [1:0]                  m_axi_sg_rresp,
    input  wire                        m_axi_sg_rlast,
    input  wire                        m_axi_sg_rvalid,
    output wire                        m_axi_sg_rready,

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

    output wire [NUM_CHANNELS-1:0]     irq,
    output wire                        irq_global
);

    // parameter checks: an unsupported value stops elaboration (dma_param_check.vh)
    `include "dma_param_check.vh"
    generate
        if (NUM_CHANNELS < 1 || NUM_CHANNELS > 8) begin : g_check0
            `DMA_PARAM_ERROR(dma_engine__parameter_error__NUM_CHANNELS_must_be_1_to_8, "dma_engine: NUM_CHANNELS must be 1 to 8")
        end
        if (DATA_WIDTH < 32 || DATA_WIDTH > 512 || (DATA_WIDTH & (DATA_WIDTH - 1)) != 0) begin : g_check1
            `DMA_PARAM_ERROR(dma_engine__parameter_error__DATA_WIDTH_must_be_a_power_of_two_from_32_to_512, "dma_engine: DATA_WIDTH must be a power of two from 32 to 512")
        end
        if (MAX_BURST_LEN < 1 || MAX_BURST_LEN > 256) begin : g_check2
            `DMA_PARAM_ERROR(dma_engine__parameter_error__MAX_BURST_LEN_must_be_1_to_256, "dma_engine: MAX_BURST_LEN must be 1 to 256")
        end
        if (LEN_WIDTH < 20 || LEN_WIDTH > 32) begin : g_check3
            `DMA_PARAM_ERROR(dma_engine__parameter_error__LEN_WIDTH_must_be_20_to_32, "dma_engine: LEN_WIDTH must be 20 to 32")
        end
        if (AXIL_ADDR_WIDTH < 12) begin : g_check4
            `DMA_PARAM_ERROR(dma_engine__parameter_error__AXIL_ADDR_WIDTH_must_be_at_least_12, "dma_engine: AXIL_ADDR_WIDTH must be at least 12")
        end
        if ((1 << SG_ID_WIDTH) < NUM_CHANNELS) begin : g_check5
            `DMA_PARAM_ERROR(dma_engine__parameter_error__SG_ID_WIDTH_must_hold_a_channel_number, "dma_engine: SG_ID_WIDTH must hold a channel number")
        end
    endgenerate
    localparam N    = NUM_CHANNELS;
    localparam CH_W = (N <= 1) ? 1 : $clog2(N);

    wire [N-1:0]    ch_run, ch_reset, ch_doorbell, ch_cur_desc_wr, ch_waiting;
    wire [N*64-1:0] ch_cur_desc_wdata, ch_err_desc, ch_cur_desc;
    wire [N*8-1:0]  ch_coal_count;
    wire [N*32-1:0] ch_coal_timeout, ch_completed;
    wire [N*2-1:0]  ch_state;
    wire [N*4-1:0]  ch_err_code;
    wire [N-1:0]    ch_irq_done_set, ch_irq_err_set, ch_irq_idle_set;
    wire            bus_enable;     // GCTRL.BME
    wire            fe_busy;
    // MSI: vector table and events (dma_regs) <-> dma_msi <-> the front end's write port
    localparam NV    = N + 1;
    localparam VEC_W = $clog2(N + 1);
    wire [NV*64-1:0]      vec_addr;
    wire [NV*32-1:0]      vec_data;
    wire [NV-1:0]         vec_mask, msi_event, msi_pending, msi_err_set;
    wire                  msi_busy, msi_valid, msi_take, msi_b_valid, msi_b_err;
    wire [ADDR_WIDTH-1:0] msi_addr;
    wire [31:0]           msi_data;
    wire [CH_W-1:0]       msi_user;
    wire [VEC_W-1:0]      msi_vec, msi_b_vec;
    reg             quiescent_q;    // GSTATUS.QUIESCENT

    dma_regs #(
        .NUM_CHANNELS(N), .DATA_WIDTH(DATA_WIDTH), .ADDR_WIDTH(ADDR_WIDTH), .LEN_WIDTH(LEN_WIDTH),
        .MAX_BURST_LEN(MAX_BURST_LEN), .CMD_DEPTH(1 << CMD_DEPTH_LOG2), .IOMMU_PRESENT(IOMMU_PRESENT),
        .AXIL_ADDR_WIDTH(AXIL_ADDR_WIDTH)
    ) regs (
        .clk(clk), .rst(rst),
        .s_axil_awaddr(s_axil_awaddr), .s_axil_awprot(s_axil_awprot), .s_axil_awvalid(s_axil_awvalid),
        .s_axil_awready(s_axil_awready), .s_axil_wdata(s_axil_wdata), .s_axil_wstrb(s_axil_wstrb),
        .s_axil_wvalid(s_axil_wvalid), .s_axil_wready(s_axil_wready), .s_axil_bresp(s_axil_bresp),
        .s_axil_bvalid(s_axil_bvalid), .s_axil_bready(s_axil_bready), .s_axil_araddr(s_axil_araddr),
        .s_axil_arprot(s_axil_arprot), .s_axil_arvalid(s_axil_arvalid), .s_axil_arready(s_axil_arready),
        .s_axil_rdata(s_axil_rdata), .s_axil_rresp(s_axil_rresp), .s_axil_rvalid(s_axil_rvalid),
        .s_axil_rready(s_axil_rready),
        .ch_run(ch_run), .ch_reset(ch_reset), .ch_doorbell(ch_doorbell),
        .ch_cur_desc_wr(ch_cur_desc_wr), .ch_cur_desc_wdata(ch_cur_desc_wdata),
        .ch_coal_count(ch_coal_count), .ch_coal_timeout(ch_coal_timeout),
        .bus_enable(bus_enable), .quiescent(quiescent_q),
        .vec_addr(vec_addr), .vec_data(vec_data), .vec_mask(vec_mask), .msi_event(msi_event),
        .msi_pending(msi_pending), .msi_err_set(msi_err_set),
        .ch_state(ch_state), .ch_waiting(ch_waiting), .ch_err_code(ch_err_code),
        .ch_err_desc(ch_err_desc), .ch_cur_desc(ch_cur_desc), .ch_completed(ch_completed),
        .ch_irq_done_set(ch_irq_done_set), .ch_irq_err_set(ch_irq_err_set),
        .ch_irq_idle_set(ch_irq_idle_set),
        .irq(irq), .irq_global(irq_global)
    );

    wire                  dp_cmd_valid, dp_cmd_ready, dp_cmd_src_kind, dp_cmd_dst_kind, dp_cmd_eop;
    wire [ADDR_WIDTH-1:0] dp_cmd_src_addr, dp_cmd_dst_addr;
    wire [LEN_WIDTH-1:0]  dp_cmd_len, dp_sts_bytes;
    wire [CH_W-1:0]       dp_cmd_tag, dp_sts_tag;
    wire                  dp_sts_valid, dp_sts_ready, dp_sts_eop;
    wire [3:0]            dp_sts_error;

    dma_frontend #(
        .NUM_CHANNELS(N), .DATA_WIDTH(DATA_WIDTH), .ADDR_WIDTH(ADDR_WIDTH), .LEN_WIDTH(LEN_WIDTH),
        .SG_ID_WIDTH(SG_ID_WIDTH), .CMD_DEPTH_LOG2(CMD_DEPTH_LOG2), .PF_DEPTH_LOG2(PF_DEPTH_LOG2)
    ) frontend (
        .clk(clk), .rst(rst),
        .ch_run(ch_run), .ch_reset(ch_reset), .ch_doorbell(ch_doorbell),
        .ch_cur_desc_wr(ch_cur_desc_wr), .ch_cur_desc_wdata(ch_cur_desc_wdata),
        .ch_coal_count(ch_coal_count), .ch_coal_timeout(ch_coal_timeout),
        .ch_state(ch_state), .ch_waiting(ch_waiting), .ch_err_code(ch_err_code),
        .ch_err_desc(ch_err_desc), .ch_cur_desc(ch_cur_desc), .ch_completed(ch_completed),
        .ch_irq_done_set(ch_irq_done_set), .ch_irq_err_set(ch_irq_err_set),
        .ch_irq_idle_set(ch_irq_idle_set),
        .bus_enable(bus_enable), .busy(fe_busy),
        .dp_cmd_valid(dp_cmd_valid), .dp_cmd_ready(dp_cmd_ready),
        .dp_cmd_src_addr(dp_cmd_src_addr), .dp_cmd_dst_addr(dp_cmd_dst_addr), .dp_cmd_len(dp_cmd_len),
        .dp_cmd_src_kind(dp_cmd_src_kind), .dp_cmd_dst_kind(dp_cmd_dst_kind), .dp_cmd_eop(dp_cmd_eop),
        .dp_cmd_tag(dp_cmd_tag),
        .dp_sts_valid(dp_sts_valid), .dp_sts_ready(dp_sts_ready), .dp_sts_tag(dp_sts_tag),
        .dp_sts_bytes(dp_sts_bytes), .dp_sts_error(dp_sts_error), .dp_sts_eop(dp_sts_eop),
        .msi_valid(msi_valid), .msi_addr(msi_addr), .msi_data(msi_data), .msi_user(msi_user),
        .msi_vec(msi_vec), .msi_take(msi_take), .msi_b_valid(msi_b_valid), .msi_b_vec(msi_b_vec),
        .msi_b_err(msi_b_err),
        .m_axi_sg_awid(m_axi_sg_awid),
        .m_axi_sg_awaddr(m_axi_sg_awaddr),
        .m_axi_sg_awlen(m_axi_sg_awlen),
        .m_axi_sg_awsize(m_axi_sg_awsize),
        .m_axi_sg_awburst(m_axi_sg_awburst),
        .m_axi_sg_awlock(m_axi_sg_awlock),
        .m_axi_sg_awcache(m_axi_sg_awcache),
        .m_axi_sg_awprot(m_axi_sg_awprot), .m_axi_sg_awuser(m_axi_sg_awuser),
        .m_axi_sg_awvalid(m_axi_sg_awvalid),
        .m_axi_sg_awready(m_axi_sg_awready),
        .m_axi_sg_wdata(m_axi_sg_wdata),
        .m_axi_sg_wstrb(m_axi_sg_wstrb),
        .m_axi_sg_wlast(m_axi_sg_wlast),
        .m_axi_sg_wvalid(m_axi_sg_wvalid),
        .m_axi_sg_wready(m_axi_sg_wready),
        .m_axi_sg_bid(m_axi_sg_bid),
        .m_axi_sg_bresp(m_axi_sg_bresp),
        .m_axi_sg_bvalid(m_axi_sg_bvalid),
        .m_axi_sg_bready(m_axi_sg_bready),
        .m_axi_sg_arid(m_axi_sg_arid),
        .m_axi_sg_araddr(m_axi_sg_araddr),
        .m_axi_sg_arlen(m_axi_sg_arlen),
        .m_axi_sg_arsize(m_axi_sg_arsize),
        .m_axi_sg_arburst(m_axi_sg_arburst),
        .m_axi_sg_arlock(m_axi_sg_arlock),
        .m_axi_sg_arcache(m_axi_sg_arcache),
        .m_axi_sg_arprot(m_axi_sg_arprot), .m_axi_sg_aruser(m_axi_sg_aruser),
        .m_axi_sg_arvalid(m_axi_sg_arvalid),
        .m_axi_sg_arready(m_axi_sg_arready),
        .m_axi_sg_rid(m_axi_sg_rid),
        .m_axi_sg_rdata(m_axi_sg_rdata),
        .m_axi_sg_rresp(m_axi_sg_rresp),
        .m_axi_sg_rlast(m_axi_sg_rlast),
        .m_axi_sg_rvalid(m_axi_sg_rvalid),
        .m_axi_sg_rready(m_axi_sg_rready)
    );

    dma_msi #(.NUM_VECTORS(NV), .ADDR_WIDTH(ADDR_WIDTH), .USER_WIDTH(CH_W)) msi (
        .clk(clk), .rst(rst), .bus_enable(bus_enable),
        .event_set(msi_event), .vec_addr(vec_addr), .vec_data(vec_data), .vec_mask(vec_mask),
        .pending(msi_pending), .busy(msi_busy),
        .msi_valid(msi_valid), .msi_addr(msi_addr), .msi_data(msi_data), .msi_user(msi_user),
        .msi_vec(msi_vec), .msi_take(msi_take), .msi_b_valid(msi_b_valid), .msi_b_vec(msi_b_vec),
        .msi_b_err(msi_b_err), .msi_err_set(msi_err_set)
    );

    dma_datapath #(
        .DATA_WIDTH(DATA_WIDTH), .ADDR_WIDTH(ADDR_WIDTH), .ID_WIDTH(ID_WIDTH), .LEN_WIDTH(LEN_WIDTH),
        .TAG_WIDTH(CH_W), .MAX_BURST_LEN(MAX_BURST_LEN), .RD_OUTSTANDING(RD_OUTSTANDING),
        .WR_OUTSTANDING(WR_OUTSTANDING), .CMD_DEPTH_LOG2(CMD_DEPTH_LOG2), .FIFO_DEPTH_LOG2(FIFO_DEPTH_LOG2)
    ) datapath (
        .clk(clk), .rst(rst),
        .cmd_valid(dp_cmd_valid), .cmd_ready(dp_cmd_ready), .cmd_src_addr(dp_cmd_src_addr),
        .cmd_dst_addr(dp_cmd_dst_addr), .cmd_len(dp_cmd_len), .cmd_src_kind(dp_cmd_src_kind),
        .cmd_dst_kind(dp_cmd_dst_kind), .cmd_eop(dp_cmd_eop), .cmd_tag(dp_cmd_tag),
        .sts_valid(dp_sts_valid), .sts_ready(dp_sts_ready), .sts_tag(dp_sts_tag),
        .sts_bytes(dp_sts_bytes), .sts_error(dp_sts_error), .sts_eop(dp_sts_eop),
        .m_axi_awid(m_axi_awid),
        .m_axi_awaddr(m_axi_awaddr),
        .m_axi_awlen(m_axi_awlen),
        .m_axi_awsize(m_axi_awsize),
        .m_axi_awburst(m_axi_awburst),
        .m_axi_awlock(m_axi_awlock),
        .m_axi_awcache(m_axi_awcache),
        .m_axi_awprot(m_axi_awprot), .m_axi_awuser(m_axi_awuser),
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
        .m_axi_arprot(m_axi_arprot), .m_axi_aruser(m_axi_aruser),
        .m_axi_arvalid(m_axi_arvalid),
        .m_axi_arready(m_axi_arready),
        .m_axi_rid(m_axi_rid),
        .m_axi_rdata(m_axi_rdata),
        .m_axi_rresp(m_axi_rresp),
        .m_axi_rlast(m_axi_rlast),
        .m_axi_rvalid(m_axi_rvalid),
        .m_axi_rready(m_axi_rready),
        .m_axis_tdata(m_axis_tdata), .m_axis_tkeep(m_axis_tkeep), .m_axis_tlast(m_axis_tlast),
        .m_axis_tvalid(m_axis_tvalid), .m_axis_tready(m_axis_tready),
        .s_axis_tdata(s_axis_tdata), .s_axis_tkeep(s_axis_tkeep), .s_axis_tlast(s_axis_tlast),
        .s_axis_tvalid(s_axis_tvalid), .s_axis_tready(s_axis_tready)
    );

    // ---------------------------------------------------------- quiescence (GSTATUS)
    // Outstanding transactions counted at the memory ports (address handshake in,
    // last response out), commands in the datapath (accepted, status not yet taken),
    // and anything about to start: with BME = 0 and all of them zero the engine
    // touches memory no more until BME is set again.
    localparam OW = 9;
    reg  [OW-1:0] out_rd, out_wr, out_sg_rd, out_sg_wr, out_cmd;
    wire [OW-1:0] one = {{(OW-1){1'b0}}, 1'b1};
    wire [OW-1:0] zero = {OW{1'b0}};
    wire m_ar_hs  = m_axi_arvalid && m_axi_arready;
    wire m_r_hs   = m_axi_rvalid && m_axi_rready && m_axi_rlast;
    wire m_aw_hs  = m_axi_awvalid && m_axi_awready;
    wire m_b_hs   = m_axi_bvalid && m_axi_bready;
    wire sg_ar_hs = m_axi_sg_arvalid && m_axi_sg_arready;
    wire sg_r_hs  = m_axi_sg_rvalid && m_axi_sg_rready && m_axi_sg_rlast;
    wire sg_aw_hs = m_axi_sg_awvalid && m_axi_sg_awready;
    wire sg_b_hs  = m_axi_sg_bvalid && m_axi_sg_bready;
    wire cmd_hs   = dp_cmd_valid && dp_cmd_ready;
    wire sts_hs   = dp_sts_valid && dp_sts_ready;
    always @(posedge clk) begin
        if (rst) begin
            out_rd      <= zero;
            out_wr      <= zero;
            out_sg_rd   <= zero;
            out_sg_wr   <= zero;
            out_cmd     <= zero;
            quiescent_q <= 1'b1;
        end else begin
            out_rd    <= out_rd    + (m_ar_hs  ? one : zero) - (m_r_hs  ? one : zero);
            out_wr    <= out_wr    + (m_aw_hs  ? one : zero) - (m_b_hs  ? one : zero);
            out_sg_rd <= out_sg_rd + (sg_ar_hs ? one : zero) - (sg_r_hs ? one : zero);
            out_sg_wr <= out_sg_wr + (sg_aw_hs ? one : zero) - (sg_b_hs ? one : zero);
            out_cmd   <= out_cmd   + (cmd_hs   ? one : zero) - (sts_hs  ? one : zero);
            quiescent_q <= !bus_enable && !fe_busy && !msi_busy && !dp_cmd_valid
                           && !m_axi_arvalid && !m_axi_awvalid && !m_axi_sg_arvalid && !m_axi_sg_awvalid
                           && out_rd == zero && out_wr == zero && out_sg_rd == zero
                           && out_sg_wr == zero && out_cmd == zero
                           && !m_ar_hs && !m_aw_hs && !sg_ar_hs && !sg_aw_hs && !cmd_hs;
        end
    end
endmodule
`default_nettype wire
