// SPDX-License-Identifier: Apache-2.0
// dma_frontend with its dma_sg_channel instances: its interfaces and the
// channel rules, with symbolic descriptors (the R data is free) and free
// register inputs (RUN, RESET, doorbells, CUR_DESC writes, GCTRL.BME; the
// interrupt coalescing settings, which only time interrupts, are constants).
//   m_axi_sg   a correct AXI4 master (fv_axi4, master side; the slave assumed
//              legal with free data and responses; W may lead its AW);
//   command    a VALID/READY source to the datapath, one tag per channel;
//   status     a VALID/READY sink; the datapath is modelled as the environment:
//              statuses come back in command order with the command's tag;
//   msi        a VALID/READY sink (msi_take; the message held until taken);
// and the channel rules:
//   a descriptor fetch (AR, ARID = channel) starts only for a channel that was
//       RUNNING when the fetch was granted, two cycles before, with BME = 1;
//   a command starts only for a channel RUNNING in the cycle before, with BME = 1;
//   a channel that reports IDLE or HALTED has no fetch pending or outstanding,
//       no command pending or in the datapath, and every status it received
//       written back (AW count of its write-backs = statuses received);
//   no write-back AW without a status received for its channel (AWUSER).
`default_nettype none
module wrap_frontend #(
    parameter N = 2
) (
    input wire           clk,
    input wire           rst,
    input wire [N-1:0]   ch_run,
    input wire [N-1:0]   ch_reset,
    input wire [N-1:0]   ch_doorbell,
    input wire [N-1:0]   ch_cur_desc_wr,
    input wire [N*64-1:0] ch_cur_desc_wdata,
    input wire           bus_enable,
    input wire           dp_cmd_ready,
    input wire           dp_sts_valid,
    input wire [0:0]     dp_sts_tag,
    input wire [19:0]    dp_sts_bytes,
    input wire [3:0]     dp_sts_error,
    input wire           dp_sts_eop,
    input wire           msi_valid,
    input wire [15:0]    msi_addr,
    input wire [31:0]    msi_data,
    input wire [0:0]     msi_user,
    input wire [1:0]     msi_vec,
    input wire           m_axi_sg_awready,
    input wire           m_axi_sg_wready,
    input wire [0:0]     m_axi_sg_bid,
    input wire [1:0]     m_axi_sg_bresp,
    input wire           m_axi_sg_bvalid,
    input wire           m_axi_sg_arready,
    input wire [0:0]     m_axi_sg_rid,
    input wire [63:0]    m_axi_sg_rdata,
    input wire [1:0]     m_axi_sg_rresp,
    input wire           m_axi_sg_rlast,
    input wire           m_axi_sg_rvalid
);
    `include "dma_regs_defs.vh"
    wire [N*2-1:0]  ch_state;
    wire [N-1:0]    ch_waiting, ch_irq_done_set, ch_irq_err_set, ch_irq_idle_set;
    wire [N*4-1:0]  ch_err_code;
    wire [N*64-1:0] ch_err_desc, ch_cur_desc;
    wire [N*32-1:0] ch_completed;
    wire            busy, dp_cmd_valid, dp_cmd_src_kind, dp_cmd_dst_kind, dp_cmd_eop, dp_sts_ready;
    wire [15:0]     dp_cmd_src_addr, dp_cmd_dst_addr;
    wire [19:0]     dp_cmd_len;
    wire [0:0]      dp_cmd_tag;
    wire            msi_take, msi_b_valid, msi_b_err;
    wire [1:0]      msi_b_vec;
    wire [0:0]      m_axi_sg_awid, m_axi_sg_arid, m_axi_sg_awuser, m_axi_sg_aruser;
    wire [15:0]     m_axi_sg_awaddr, m_axi_sg_araddr;
    wire [7:0]      m_axi_sg_awlen, m_axi_sg_arlen;
    wire [2:0]      m_axi_sg_awsize, m_axi_sg_arsize, m_axi_sg_awprot, m_axi_sg_arprot;
    wire [1:0]      m_axi_sg_awburst, m_axi_sg_arburst;
    wire            m_axi_sg_awlock, m_axi_sg_arlock;
    wire [3:0]      m_axi_sg_awcache, m_axi_sg_arcache;
    wire            m_axi_sg_awvalid, m_axi_sg_wvalid, m_axi_sg_wlast, m_axi_sg_bready;
    wire            m_axi_sg_arvalid, m_axi_sg_rready;
    wire [63:0]     m_axi_sg_wdata;
    wire [7:0]      m_axi_sg_wstrb;

    dma_frontend #(.NUM_CHANNELS(N), .DATA_WIDTH(64), .ADDR_WIDTH(16), .LEN_WIDTH(20),
                   .SG_ID_WIDTH(1), .CMD_DEPTH_LOG2(1), .PF_DEPTH_LOG2(1)) dut (
        .clk(clk), .rst(rst),
        .ch_run(ch_run), .ch_reset(ch_reset), .ch_doorbell(ch_doorbell),
        .ch_cur_desc_wr(ch_cur_desc_wr), .ch_cur_desc_wdata(ch_cur_desc_wdata),
        .ch_coal_count({N{8'd2}}), .ch_coal_timeout({N{32'd3}}),
        .ch_state(ch_state), .ch_waiting(ch_waiting), .ch_err_code(ch_err_code),
        .ch_err_desc(ch_err_desc), .ch_cur_desc(ch_cur_desc), .ch_completed(ch_completed),
        .ch_irq_done_set(ch_irq_done_set), .ch_irq_err_set(ch_irq_err_set),
        .ch_irq_idle_set(ch_irq_idle_set),
        .bus_enable(bus_enable), .busy(busy),
        .dp_cmd_valid(dp_cmd_valid), .dp_cmd_ready(dp_cmd_ready), .dp_cmd_src_addr(dp_cmd_src_addr),
        .dp_cmd_dst_addr(dp_cmd_dst_addr), .dp_cmd_len(dp_cmd_len), .dp_cmd_src_kind(dp_cmd_src_kind),
        .dp_cmd_dst_kind(dp_cmd_dst_kind), .dp_cmd_eop(dp_cmd_eop), .dp_cmd_tag(dp_cmd_tag),
        .dp_sts_valid(dp_sts_valid), .dp_sts_ready(dp_sts_ready), .dp_sts_tag(dp_sts_tag),
        .dp_sts_bytes(dp_sts_bytes), .dp_sts_error(dp_sts_error), .dp_sts_eop(dp_sts_eop),
        .msi_valid(msi_valid), .msi_addr(msi_addr), .msi_data(msi_data), .msi_user(msi_user),
        .msi_vec(msi_vec), .msi_take(msi_take), .msi_b_valid(msi_b_valid), .msi_b_vec(msi_b_vec),
        .msi_b_err(msi_b_err),
        .m_axi_sg_awid(m_axi_sg_awid), .m_axi_sg_awaddr(m_axi_sg_awaddr), .m_axi_sg_awlen(m_axi_sg_awlen),
        .m_axi_sg_awsize(m_axi_sg_awsize), .m_axi_sg_awburst(m_axi_sg_awburst),
        .m_axi_sg_awlock(m_axi_sg_awlock), .m_axi_sg_awcache(m_axi_sg_awcache),
        .m_axi_sg_awprot(m_axi_sg_awprot), .m_axi_sg_awuser(m_axi_sg_awuser),
        .m_axi_sg_awvalid(m_axi_sg_awvalid), .m_axi_sg_awready(m_axi_sg_awready),
        .m_axi_sg_wdata(m_axi_sg_wdata), .m_axi_sg_wstrb(m_axi_sg_wstrb), .m_axi_sg_wlast(m_axi_sg_wlast),
        .m_axi_sg_wvalid(m_axi_sg_wvalid), .m_axi_sg_wready(m_axi_sg_wready),
        .m_axi_sg_bid(m_axi_sg_bid), .m_axi_sg_bresp(m_axi_sg_bresp), .m_axi_sg_bvalid(m_axi_sg_bvalid),
        .m_axi_sg_bready(m_axi_sg_bready),
        .m_axi_sg_arid(m_axi_sg_arid), .m_axi_sg_araddr(m_axi_sg_araddr), .m_axi_sg_arlen(m_axi_sg_arlen),
        .m_axi_sg_arsize(m_axi_sg_arsize), .m_axi_sg_arburst(m_axi_sg_arburst),
        .m_axi_sg_arlock(m_axi_sg_arlock), .m_axi_sg_arcache(m_axi_sg_arcache),
        .m_axi_sg_arprot(m_axi_sg_arprot), .m_axi_sg_aruser(m_axi_sg_aruser),
        .m_axi_sg_arvalid(m_axi_sg_arvalid), .m_axi_sg_arready(m_axi_sg_arready),
        .m_axi_sg_rid(m_axi_sg_rid), .m_axi_sg_rdata(m_axi_sg_rdata), .m_axi_sg_rresp(m_axi_sg_rresp),
        .m_axi_sg_rlast(m_axi_sg_rlast), .m_axi_sg_rvalid(m_axi_sg_rvalid),
        .m_axi_sg_rready(m_axi_sg_rready));
`ifdef FORMAL
    reg f_past = 1'b0;
    always @(posedge clk) f_past <= 1'b1;
    always @* if (!f_past) assume(rst);
    always @* if (f_past) assume(!rst);

    // ---------------------------------------------------------------- interfaces
    // one checker per ARID (fv_axi4_ids): the slave's per-ID rules are assumed
    // for every ID
    fv_axi4_ids #(.ID_WIDTH(1), .ADDR_WIDTH(16), .DATA_WIDTH(64), .USER_WIDTH(1), .MASTER_IS_DUT(1),
          .MAX_BURST(4), .MAX_RD_OUT(4), .MAX_WR_OUT(8), .W_BEFORE_AW(1), .QLOG2(3)) p_axi (
        .clk(clk), .rst(rst),
        .awid(m_axi_sg_awid), .awaddr(m_axi_sg_awaddr), .awlen(m_axi_sg_awlen), .awsize(m_axi_sg_awsize),
        .awburst(m_axi_sg_awburst), .awlock(m_axi_sg_awlock), .awcache(m_axi_sg_awcache),
        .awprot(m_axi_sg_awprot), .awuser(m_axi_sg_awuser), .awvalid(m_axi_sg_awvalid),
        .awready(m_axi_sg_awready),
        .wdata(m_axi_sg_wdata), .wstrb(m_axi_sg_wstrb), .wlast(m_axi_sg_wlast), .wvalid(m_axi_sg_wvalid),
        .wready(m_axi_sg_wready), .bid(m_axi_sg_bid), .bresp(m_axi_sg_bresp), .bvalid(m_axi_sg_bvalid),
        .bready(m_axi_sg_bready),
        .arid(m_axi_sg_arid), .araddr(m_axi_sg_araddr), .arlen(m_axi_sg_arlen), .arsize(m_axi_sg_arsize),
        .arburst(m_axi_sg_arburst), .arlock(m_axi_sg_arlock), .arcache(m_axi_sg_arcache),
        .arprot(m_axi_sg_arprot), .aruser(m_axi_sg_aruser), .arvalid(m_axi_sg_arvalid),
        .arready(m_axi_sg_arready),
        .rid(m_axi_sg_rid), .rdata(m_axi_sg_rdata), .rresp(m_axi_sg_rresp), .rlast(m_axi_sg_rlast),
        .rvalid(m_axi_sg_rvalid), .rready(m_axi_sg_rready));
    fv_handshake #(.WIDTH(16 + 16 + 20 + 3 + 1), .SRC_IS_DUT(1)) p_cmd (
        .clk(clk), .rst(rst), .valid(dp_cmd_valid), .ready(dp_cmd_ready),
        .payload({dp_cmd_src_addr, dp_cmd_dst_addr, dp_cmd_len, dp_cmd_src_kind, dp_cmd_dst_kind,
                  dp_cmd_eop, dp_cmd_tag}));
    fv_handshake #(.WIDTH(1 + 20 + 4 + 1), .SRC_IS_DUT(0)) p_sts (
        .clk(clk), .rst(rst), .valid(dp_sts_valid), .ready(dp_sts_ready),
        .payload({dp_sts_tag, dp_sts_bytes, dp_sts_error, dp_sts_eop}));
    fv_handshake #(.WIDTH(16 + 32 + 1 + 2), .SRC_IS_DUT(0)) p_msi (
        .clk(clk), .rst(rst), .valid(msi_valid), .ready(msi_take),
        .payload({msi_addr, msi_data, msi_user, msi_vec}));

    // ---------------------------------------------------------------- the datapath
    // commands in flight, in order (a 4-entry queue of tags): a status only for
    // the oldest, with its tag
    wire cmd_hs = dp_cmd_valid && dp_cmd_ready;
    wire sts_hs = dp_sts_valid && dp_sts_ready;
    reg  [3:0] dq;                  // tags, entry i at bit i
    reg  [2:0] dq_n = 3'd0;
    always @* begin
        if (dq_n == 3'd4) assume(!dp_cmd_ready);
        if (dp_sts_valid) assume(dq_n != 0 && dp_sts_tag == dq[0]);
    end
    always @(posedge clk)
        if (rst) dq_n <= 3'd0;
        else begin
            dq_n <= dq_n + cmd_hs - sts_hs;
            if (sts_hs) dq <= {1'b0, dq[3:1]};
            if (cmd_hs) dq[dq_n - sts_hs] <= dp_cmd_tag;
        end
    // msi_vec names a vector that exists (channels and the error vector)
    always @* if (msi_valid) assume(msi_vec <= N);

    // ---------------------------------------------------------------- per channel
    wire ar_hs = m_axi_sg_arvalid && m_axi_sg_arready;
    wire r_end = m_axi_sg_rvalid && m_axi_sg_rready && m_axi_sg_rlast;
    wire aw_hs = m_axi_sg_awvalid && m_axi_sg_awready;
    // an MSI is one 4-byte beat; a write-back is one 8-byte beat (DATA_WIDTH 64)
    wire aw_wb = aw_hs && m_axi_sg_awsize == 3'd3;
    wire ar_new  = m_axi_sg_arvalid && !(f_ar_held);
    wire cmd_new = dp_cmd_valid && !(f_cmd_held);
    reg  f_ar_held = 1'b0, f_cmd_held = 1'b0;
    reg  f_bme1 = 1'b0, f_bme2 = 1'b0;
    always @(posedge clk) begin
        f_ar_held  <= !rst && m_axi_sg_arvalid && !m_axi_sg_arready;
        f_cmd_held <= !rst && dp_cmd_valid && !dp_cmd_ready;
        f_bme1 <= bus_enable;
        f_bme2 <= f_bme1;
    end
    reg [1:0] st1 [0:N-1];
    reg [1:0] st2 [0:N-1];
    reg [3:0] f_fetch [0:N-1];   // fetches outstanding (AR taken, last R not yet)
    reg [3:0] f_cmds  [0:N-1];   // commands in the datapath
    reg [4:0] f_sts   [0:N-1];   // statuses received minus write-back AWs
    genvar c;
    generate for (c = 0; c < N; c = c + 1) begin : g_ch
        wire [1:0] st = ch_state[c*2 +: 2];
        initial begin f_fetch[c] = 0; f_cmds[c] = 0; f_sts[c] = 0; end
        always @(posedge clk) begin
            st1[c] <= st;
            st2[c] <= st1[c];
            if (rst) begin
                f_fetch[c] <= 0; f_cmds[c] <= 0; f_sts[c] <= 0;
            end else begin
                f_fetch[c] <= f_fetch[c] + (ar_hs && m_axi_sg_arid == c) - (r_end && m_axi_sg_rid == c);
                f_cmds[c]  <= f_cmds[c] + (cmd_hs && dp_cmd_tag == c) - (sts_hs && dp_sts_tag == c);
                f_sts[c]   <= f_sts[c] + (sts_hs && dp_sts_tag == c) - (aw_wb && m_axi_sg_awuser == c);
            end
        end
        always @* if (f_past && !rst) begin
            if (ar_new && m_axi_sg_arid == c) assert(st2[c] == DMA_STATE_RUNNING && f_bme2);
            if (cmd_new && dp_cmd_tag == c)   assert(st1[c] == DMA_STATE_RUNNING && f_bme1);
            if (aw_wb && m_axi_sg_awuser == c) assert(f_sts[c] != 0);
            if (st == DMA_STATE_IDLE || st == DMA_STATE_HALTED) begin
                assert(f_fetch[c] == 0 && !(m_axi_sg_arvalid && m_axi_sg_arid == c));
                assert(f_cmds[c] == 0 && !(dp_cmd_valid && dp_cmd_tag == c));
                assert(f_sts[c] == 0);
            end
        end
    end endgenerate

    always @* if (f_past && !rst) begin
        cover(sts_hs && dp_sts_tag == 1'b1);
        cover(aw_wb && m_axi_sg_awuser == 1'b1);
        cover(ch_state[1:0] == DMA_STATE_IDLE && ch_completed[31:0] == 32'd1);
    end
`endif
endmodule
`default_nettype wire
