// SPDX-License-Identifier: Apache-2.0
// AXI4 bus-master datapath (the engine's back end).
//
// Executes transfer commands {src, dst, len, src kind, dst kind, eop, tag} and
// reports one status {tag, bytes, error, eop} per command, in command order.
// Kinds: memory (AXI4 master port) or stream (m_axis to a device, s_axis from a
// device); memory->memory, memory->stream and stream->memory are supported.
//
//   cmd -> command queues -> AR legalizer -> m_axi AR ......> R --+
//                                                                  v
//                               s_axis ---------------------> realigner
//                                                                  |
//           AW legalizer -> m_axi AW     W FIFO <--------------+---+----> m_axis FIFO
//                              |            |
//                     W sequencer (WLAST) --+--> m_axi W;  m_axi B -> completion
//
// Several commands and several read and write bursts are in flight at once.
// Writes for memory sources are issued ahead of their data (the data is sure to
// come, possibly poisoned by a read error, then written with zero strobes);
// writes for stream sources are issued only once their beats are buffered, so
// an early TLAST shortens the transfer without any padding burst.
`default_nettype none
module dma_datapath #(
    parameter DATA_WIDTH      = 64,   // 32..512
    parameter ADDR_WIDTH      = 64,
    parameter ID_WIDTH        = 4,
    parameter LEN_WIDTH       = 32,   // command length field, bytes (>= 20)
    parameter TAG_WIDTH       = 8,
    parameter MAX_BURST_LEN   = 256,  // beats, 1..256
    parameter RD_OUTSTANDING  = 4,    // read bursts in flight
    parameter WR_OUTSTANDING  = 4,    // write bursts in flight
    parameter CMD_DEPTH_LOG2  = 2,    // commands in flight = 2**CMD_DEPTH_LOG2
    parameter FIFO_DEPTH_LOG2 = 6,    // write data FIFO, beats
    parameter RD_ID           = 0,    // ARID used for data reads
    parameter WR_ID           = 0     // AWID used for data writes
) (
    input  wire                     clk,
    input  wire                     rst,

    // command port
    input  wire                     cmd_valid,
    output wire                     cmd_ready,
    input  wire [ADDR_WIDTH-1:0]    cmd_src_addr,
    input  wire [ADDR_WIDTH-1:0]    cmd_dst_addr,
    input  wire [LEN_WIDTH-1:0]     cmd_len,
    input  wire                     cmd_src_kind,   // 0 memory, 1 stream (s_axis)
    input  wire                     cmd_dst_kind,   // 0 memory, 1 stream (m_axis)
    input  wire                     cmd_eop,        // memory->stream: TLAST on the last beat
    input  wire [TAG_WIDTH-1:0]     cmd_tag,

    // status port
    output reg                      sts_valid,
    input  wire                     sts_ready,
    output reg  [TAG_WIDTH-1:0]     sts_tag,
    output reg  [LEN_WIDTH-1:0]     sts_bytes,
    output reg  [3:0]               sts_error,
    output reg                      sts_eop,        // stream->memory: TLAST ended the transfer

    // AXI4 master
    output wire [ID_WIDTH-1:0]      m_axi_awid,
    output reg  [ADDR_WIDTH-1:0]    m_axi_awaddr,
    output reg  [7:0]               m_axi_awlen,
    output wire [2:0]               m_axi_awsize,
    output wire [1:0]               m_axi_awburst,
    output wire                     m_axi_awlock,
    output wire [3:0]               m_axi_awcache,
    output wire [2:0]               m_axi_awprot,
    output reg  [TAG_WIDTH-1:0]     m_axi_awuser,   // the command's tag (device ID for an IOMMU)
    output reg                      m_axi_awvalid,
    input  wire                     m_axi_awready,
    output wire [DATA_WIDTH-1:0]    m_axi_wdata,
    output wire [DATA_WIDTH/8-1:0]  m_axi_wstrb,
    output wire                     m_axi_wlast,
    output wire                     m_axi_wvalid,
    input  wire                     m_axi_wready,
    input  wire [ID_WIDTH-1:0]      m_axi_bid,
    input  wire [1:0]               m_axi_bresp,
    input  wire                     m_axi_bvalid,
    output wire                     m_axi_bready,
    output wire [ID_WIDTH-1:0]      m_axi_arid,
    output wire [ADDR_WIDTH-1:0]    m_axi_araddr,
    output wire [7:0]               m_axi_arlen,
    output wire [2:0]               m_axi_arsize,
    output wire [1:0]               m_axi_arburst,
    output wire                     m_axi_arlock,
    output wire [3:0]               m_axi_arcache,
    output wire [2:0]               m_axi_arprot,
    output wire [TAG_WIDTH-1:0]     m_axi_aruser,   // the command's tag (device ID for an IOMMU)
    output wire                     m_axi_arvalid,
    input  wire                     m_axi_arready,
    input  wire [ID_WIDTH-1:0]      m_axi_rid,
    input  wire [DATA_WIDTH-1:0]    m_axi_rdata,
    input  wire [1:0]               m_axi_rresp,
    input  wire                     m_axi_rlast,
    input  wire                     m_axi_rvalid,
    output wire                     m_axi_rready,

    // AXI4-Stream to a device (memory->stream)
    output wire [DATA_WIDTH-1:0]    m_axis_tdata,
    output wire [DATA_WIDTH/8-1:0]  m_axis_tkeep,
    output wire                     m_axis_tlast,
    output wire                     m_axis_tvalid,
    input  wire                     m_axis_tready,

    // AXI4-Stream from a device (stream->memory)
    input  wire [DATA_WIDTH-1:0]    s_axis_tdata,
    input  wire [DATA_WIDTH/8-1:0]  s_axis_tkeep,
    input  wire                     s_axis_tlast,
    input  wire                     s_axis_tvalid,
    output wire                     s_axis_tready
);

    // parameter checks: an unsupported value stops elaboration (dma_param_check.vh)
    `include "dma_param_check.vh"
    generate
        if (DATA_WIDTH < 32 || DATA_WIDTH > 512 || (DATA_WIDTH & (DATA_WIDTH - 1)) != 0) begin : g_check0
            `DMA_PARAM_ERROR(dma_datapath__parameter_error__DATA_WIDTH_must_be_a_power_of_two_from_32_to_512, "dma_datapath: DATA_WIDTH must be a power of two from 32 to 512")
        end
        if (MAX_BURST_LEN < 1 || MAX_BURST_LEN > 256) begin : g_check1
            `DMA_PARAM_ERROR(dma_datapath__parameter_error__MAX_BURST_LEN_must_be_1_to_256, "dma_datapath: MAX_BURST_LEN must be 1 to 256")
        end
        if (LEN_WIDTH < 20) begin : g_check2
            `DMA_PARAM_ERROR(dma_datapath__parameter_error__LEN_WIDTH_must_be_at_least_20, "dma_datapath: LEN_WIDTH must be at least 20")
        end
    endgenerate
    localparam N        = DATA_WIDTH / 8;
    localparam OFF_W    = $clog2(N);
    localparam RD_OUT_W = $clog2(RD_OUTSTANDING + 1);
    localparam [31:0] RD_OUTSTANDING_32 = RD_OUTSTANDING;
    localparam WR_OUT_W = $clog2(WR_OUTSTANDING + 1);
    localparam WR_Q_LOG2 = (WR_OUTSTANDING <= 1) ? 1 : $clog2(WR_OUTSTANDING);
    // stream->memory bursts wait for their data: at most half the W FIFO each
    localparam S2MM_BURST = ((1 << (FIFO_DEPTH_LOG2 - 1)) < MAX_BURST_LEN)
                          ? (1 << (FIFO_DEPTH_LOG2 - 1)) : MAX_BURST_LEN;
    // beats written into the W FIFO minus beats claimed by issued write bursts
    localparam CREDIT_W = $clog2(WR_OUTSTANDING * 256 + (1 << FIFO_DEPTH_LOG2)) + 2;
    // transfer lengths in beats (dma_burst_gen, dma_realign)
    localparam CNT_W    = LEN_WIDTH - OFF_W + 1;

    // status error codes (docs/architecture.md)
    // status codes: the register map's error codes (regmap/dma_regmap.py, generated)
    `include "dma_regs_defs.vh"
    localparam [3:0] ERR_NONE       = DMA_ERR_NONE,
                     ERR_RD_SLVERR  = DMA_ERR_RD_SLVERR,
                     ERR_RD_DECERR  = DMA_ERR_RD_DECERR,
                     ERR_WR_SLVERR  = DMA_ERR_WR_SLVERR,
                     ERR_WR_DECERR  = DMA_ERR_WR_DECERR,
                     ERR_BAD_CMD    = DMA_ERR_BAD_CMD;

    assign m_axi_awid    = WR_ID[ID_WIDTH-1:0];
    assign m_axi_awsize  = OFF_W[2:0];
    assign m_axi_awburst = 2'b01;      // INCR
    assign m_axi_awlock  = 1'b0;
    assign m_axi_awcache = 4'b0011;    // normal, non-cacheable, bufferable
    assign m_axi_awprot  = 3'b000;
    assign m_axi_arid    = RD_ID[ID_WIDTH-1:0];
    assign m_axi_arsize  = OFF_W[2:0];
    assign m_axi_arburst = 2'b01;
    assign m_axi_arlock  = 1'b0;
    assign m_axi_arcache = 4'b0011;
    assign m_axi_arprot  = 3'b000;

    // One ID per direction and in-order responses: the IDs carry no information.
    wire unused_inputs = ^{m_axi_bid, m_axi_rid};

    // =====================================================================
    // Command intake: one queue per consumer, all in command order
    // =====================================================================
    wire cmd_bad = (cmd_len == {LEN_WIDTH{1'b0}}) || (cmd_src_kind && cmd_dst_kind);

    wire q_rd_full, q_aln_full, q_wr_full, q_sts_full;
    assign cmd_ready = !q_rd_full && !q_aln_full && !q_wr_full && !q_sts_full;
    wire cmd_fire = cmd_valid && cmd_ready;

    // read side: {src, len}
    wire                  q_rd_empty;
    wire [ADDR_WIDTH-1:0] rd_xfer_addr;
    wire [LEN_WIDTH-1:0]  rd_xfer_len;
    wire [TAG_WIDTH-1:0]  rd_xfer_tag;
    wire                  rd_xfer_pop;
    // (a bad command enters the queues too, marked, and is dropped at their
    // heads: the queues' write enables do not wait for the length check)
    wire                  rd_xfer_bad;
    dma_fifo #(.WIDTH(ADDR_WIDTH + LEN_WIDTH + TAG_WIDTH + 1), .DEPTH_LOG2(CMD_DEPTH_LOG2)) q_rd (
        .clk(clk), .rst(rst),
        .wr_en(cmd_fire && !cmd_src_kind), .din({cmd_src_addr, cmd_len, cmd_tag, cmd_bad}), .full(q_rd_full),
        .rd_en(rd_xfer_pop), .dout({rd_xfer_addr, rd_xfer_len, rd_xfer_tag, rd_xfer_bad}), .empty(q_rd_empty)
    );

    // realigner: {so, do, len, src kind, dst kind, eop}
    // A stream destination ignores cmd_dst_addr: its beats are packed from lane 0
    // (do = 0, forced here, before the queue). A stream source ignores
    // cmd_src_addr: the realigner takes its offset from the stream, not from so.
    wire                  q_aln_empty;
    wire [OFF_W-1:0]      aln_so, aln_do;
    wire [LEN_WIDTH-1:0]  aln_len;
    wire                  aln_src_stream, aln_dst_stream, aln_eop, aln_pop, aln_bad;
    wire [OFF_W-1:0]      cmd_do = cmd_dst_addr[OFF_W-1:0] & {OFF_W{!cmd_dst_kind}};
    dma_fifo #(.WIDTH(2*OFF_W + LEN_WIDTH + 4), .DEPTH_LOG2(CMD_DEPTH_LOG2), .OUT_REG(1)) q_aln (
        .clk(clk), .rst(rst),
        .wr_en(cmd_fire),
        .din({cmd_src_addr[OFF_W-1:0], cmd_do, cmd_len, cmd_src_kind, cmd_dst_kind, cmd_eop, cmd_bad}),
        .full(q_aln_full),
        .rd_en(aln_pop), .dout({aln_so, aln_do, aln_len, aln_src_stream, aln_dst_stream, aln_eop, aln_bad}),
        .empty(q_aln_empty)
    );

    // write side: {dst, len, src kind}
    wire                  q_wr_empty;
    wire [ADDR_WIDTH-1:0] wr_xfer_addr;
    wire [LEN_WIDTH-1:0]  wr_xfer_len;
    wire                  wr_xfer_src_stream;
    wire [TAG_WIDTH-1:0]  wr_xfer_tag;
    wire                  wr_xfer_pop, wr_xfer_bad;
    dma_fifo #(.WIDTH(ADDR_WIDTH + LEN_WIDTH + 2 + TAG_WIDTH), .DEPTH_LOG2(CMD_DEPTH_LOG2)) q_wr (
        .clk(clk), .rst(rst),
        .wr_en(cmd_fire && !cmd_dst_kind), .din({cmd_dst_addr, cmd_len, cmd_src_kind, cmd_tag, cmd_bad}),
        .full(q_wr_full),
        .rd_en(wr_xfer_pop), .dout({wr_xfer_addr, wr_xfer_len, wr_xfer_src_stream, wr_xfer_tag, wr_xfer_bad}),
        .empty(q_wr_empty)
    );

    // status order: {tag, bad, dst kind}
    wire                  q_sts_empty;
    wire [TAG_WIDTH-1:0]  st_tag;
    wire                  st_bad, st_dst_stream;
    wire                  st_pop;
    dma_fifo #(.WIDTH(TAG_WIDTH + 2), .DEPTH_LOG2(CMD_DEPTH_LOG2 + 1), .OUT_REG(1)) q_sts (
        .clk(clk), .rst(rst),
        .wr_en(cmd_fire), .din({cmd_tag, cmd_bad, cmd_dst_kind}), .full(q_sts_full),
        .rd_en(st_pop), .dout({st_tag, st_bad, st_dst_stream}), .empty(q_sts_empty)
    );

    // =====================================================================
    // Read side: AR bursts
    // =====================================================================
    // The legalizer's burst registers drive the AR channel directly.
    wire                  ar_bst_last;
    wire [8:0]            ar_bst_beats;
    wire                  ar_xfer_ready;
    reg  [RD_OUT_W-1:0]   rd_inflight;

    assign rd_xfer_pop = ar_xfer_ready;

    wire ar_fire      = m_axi_arvalid && m_axi_arready;
    // a read burst is over once its last beat is in the R queue
    wire r_burst_done = m_axi_rvalid && m_axi_rready && m_axi_rlast;

    dma_burst_gen #(.ADDR_WIDTH(ADDR_WIDTH), .LEN_WIDTH(LEN_WIDTH), .BYTES_LOG2(OFF_W),
                    .MAX_BURST_LEN(MAX_BURST_LEN), .USER_WIDTH(TAG_WIDTH), .TAKE_AT_LAST(1)) ar_gen (
        .clk(clk), .rst(rst),
        .xfer_valid(!q_rd_empty), .xfer_ready(ar_xfer_ready),
        .xfer_addr(rd_xfer_addr), .xfer_len(rd_xfer_len), .xfer_user(rd_xfer_tag), .xfer_skip(rd_xfer_bad),
        .cap_beats(MAX_BURST_LEN[8:0]),
        .emit_ok(rd_inflight < RD_OUTSTANDING[RD_OUT_W-1:0]),
        // a short read taken as the burst before it is accepted needs room for both
        .emit_ok_last(({1'b0, rd_inflight} + 1'b1) < RD_OUTSTANDING_32[RD_OUT_W:0]), .xfer_fast_ok(1'b1),
        .trunc_en(1'b0), .trunc_beats({CNT_W{1'b0}}),
        .bst_valid(m_axi_arvalid), .bst_ready(m_axi_arready),
        .bst_addr(m_axi_araddr), .bst_len(m_axi_arlen), .bst_beats(ar_bst_beats),
        .bst_last(ar_bst_last), .bst_user(m_axi_aruser)
    );
    // reads need no per-transfer boundary: R beats are counted by the realigner
    wire unused_ar = ^{ar_bst_last, ar_bst_beats};

    always @(posedge clk) begin
        if (rst)
            rd_inflight <= {RD_OUT_W{1'b0}};
        else
            rd_inflight <= rd_inflight + {{(RD_OUT_W-1){1'b0}}, ar_fire}
                                       - {{(RD_OUT_W-1){1'b0}}, r_burst_done};
    end

    // =====================================================================
    // Realigner: R or s_axis in (through register slices); W FIFO or m_axis FIFO out
    // =====================================================================
    // R and s_axis input queues (registered RREADY / TREADY = not full)
    wire                  r_empty, r_full, r_ready;
    wire                  r_valid = !r_empty;
    wire [DATA_WIDTH-1:0] r_data;
    wire [1:0]            r_err;
    assign m_axi_rready = !r_full;
    dma_fifo #(.WIDTH(DATA_WIDTH + 2), .DEPTH_LOG2(2)) q_r (
        .clk(clk), .rst(rst),
        .wr_en(m_axi_rvalid),
        .din({m_axi_rdata, m_axi_rresp[1] ? (m_axi_rresp[0] ? 2'd2 : 2'd1) : 2'd0}),
        .full(r_full),
        .rd_en(r_ready), .dout({r_data, r_err}), .empty(r_empty)
    );

    // the byte count of a TLAST beat: TKEEP's contiguous ones from lane 0
    // (TKEEP[0] = 0 counts as a full beat)
    reg [OFF_W:0] s_keep_bytes;
    integer k;
    always @* begin
        s_keep_bytes = N[OFF_W:0];
        for (k = N - 1; k >= 1; k = k - 1)
            if (!s_axis_tkeep[k]) s_keep_bytes = k[OFF_W:0];
        if (!s_axis_tkeep[0]) s_keep_bytes = N[OFF_W:0];
    end
    wire                  sv_empty, sv_full, sv_ready, sv_last;
    wire                  sv_valid = !sv_empty;
    wire [DATA_WIDTH-1:0] sv_data;
    wire [OFF_W:0]        sv_bytes;
    assign s_axis_tready = !sv_full;
    dma_fifo #(.WIDTH(DATA_WIDTH + OFF_W + 2), .DEPTH_LOG2(2), .OUT_REG(1)) q_s (
        .clk(clk), .rst(rst),
        .wr_en(s_axis_tvalid),
        .din({s_axis_tdata, s_axis_tlast ? s_keep_bytes : N[OFF_W:0], s_axis_tlast}),
        .full(sv_full),
        .rd_en(sv_ready), .dout({sv_data, sv_bytes, sv_last}), .empty(sv_empty)
    );

    wire                  in_ready;
    wire                  out_valid, out_last;
    wire [DATA_WIDTH-1:0] out_data;
    wire [N-1:0]          out_strb;
    wire [2:0]            out_user;
    wire                  done_valid, done_eop;
    wire [LEN_WIDTH-1:0]  done_good;
    wire [CNT_W-1:0]      done_beats;
    wire [1:0]            done_err;
    wire [2:0]            done_user;       // {src stream, dst stream, eop} of the done transfer

    // the transfer of the beat in the realigner's output register
    wire out_src_stream = out_user[2];
    wire out_dst_stream = out_user[1];
    wire out_eop        = out_user[0];
    wire done_s2mm      = done_user[2] && !done_user[1];
    wire unused_user    = ^{out_src_stream, done_user[0]};

    wire wq_full, ms_full;
    wire out_ready   = out_dst_stream ? !ms_full : !wq_full;
    // registered "room for two more beats" of the W and m_axis FIFOs (their
    // occupancy mirrored here), for the realigner's working transfer
    localparam WQ_CNT_W = FIFO_DEPTH_LOG2 + 1;
    localparam [WQ_CNT_W-1:0] WQ_DEPTH = 1 << FIFO_DEPTH_LOG2;
    reg  [WQ_CNT_W-1:0] wq_cnt;
    reg  [2:0]          ms_cnt;
    reg                 wq_room2, ms_room2;
    wire                wq_wr = out_valid && out_ready && !out_dst_stream;
    wire                ms_wr = out_valid && out_ready &&  out_dst_stream;
    wire                wq_rd = wq_move;     // q_w -> q_wo
    wire                ms_rd = m_axis_tvalid && m_axis_tready;
    wire [WQ_CNT_W-1:0] wq_cnt_next = wq_cnt + {{(WQ_CNT_W-1){1'b0}}, wq_wr}
                                             - {{(WQ_CNT_W-1){1'b0}}, wq_rd};
    wire [2:0]          ms_cnt_next = ms_cnt + {2'b0, ms_wr} - {2'b0, ms_rd};
    always @(posedge clk) begin
        if (rst) begin
            wq_cnt   <= {WQ_CNT_W{1'b0}};
            ms_cnt   <= 3'd0;
            wq_room2 <= 1'b1;
            ms_room2 <= 1'b1;
        end else begin
            wq_cnt   <= wq_cnt_next;
            ms_cnt   <= ms_cnt_next;
            // (compares on the current count, selected by the change: no adder in the path)
            wq_room2 <= (wq_wr && !wq_rd) ? (wq_cnt <= WQ_DEPTH - 3)
                      : (wq_rd && !wq_wr) ? (wq_cnt <= WQ_DEPTH - 1)
                      :                     (wq_cnt <= WQ_DEPTH - 2);
            ms_room2 <= (ms_cnt_next <= 3'd2);
        end
    end
    wire st_done_pop;   // a completion record is consumed (status)

    // the realigner's working transfer decides which slice it reads
    wire realign_stream, realign_dst_stream;
    assign r_ready  = in_ready && !realign_stream;
    assign sv_ready = in_ready &&  realign_stream;

    dma_realign #(.DATA_WIDTH(DATA_WIDTH), .LEN_WIDTH(LEN_WIDTH), .USER_WIDTH(3),
                  .DONE_SLOTS(1 << CMD_DEPTH_LOG2), .DST_BIT(1)) realign (
        .clk(clk), .rst(rst),
        .xfer_valid(!q_aln_empty), .xfer_pop(aln_pop),
        .xfer_so(aln_so), .xfer_do(aln_do), .xfer_len(aln_len), .xfer_src_stream(aln_src_stream),
        .xfer_user({aln_src_stream, aln_dst_stream, aln_eop}), .xfer_skip(aln_bad),
        .in_stream(realign_stream), .dst_stream(realign_dst_stream),
        .in_valid(realign_stream ? sv_valid : r_valid),
        .in_ready(in_ready),
        .in_data(realign_stream ? sv_data : r_data),
        .in_err(r_err),
        .in_last(sv_last),
        .in_bytes(sv_bytes),
        .out_room(realign_dst_stream ? ms_room2 : wq_room2),
        .out_valid(out_valid), .out_ready(out_ready),
        .out_data(out_data), .out_strb(out_strb), .out_last(out_last), .out_user(out_user),
        .done_valid(done_valid), .done_good(done_good), .done_err(done_err), .done_eop(done_eop),
.done_beats(done_beats), .done_user(done_user), .done_free(st_done_pop)
    );

    wire out_fire = out_valid && out_ready;

    // completion record per transfer: {bytes delivered, read error, eop}
    // (the realigner starts a transfer only when this queue has room for it)
    wire                 q_done_empty;
    wire [LEN_WIDTH-1:0] cd_good;
    wire [1:0]           cd_err;
    wire                 cd_eop;
    wire                 q_done_full;
    dma_fifo #(.WIDTH(LEN_WIDTH + 3), .DEPTH_LOG2(CMD_DEPTH_LOG2)) q_done (
        .clk(clk), .rst(rst),
        .wr_en(done_valid), .din({done_good, done_err, done_eop}), .full(q_done_full),
        .rd_en(st_done_pop), .dout({cd_good, cd_err, cd_eop}), .empty(q_done_empty)
    );
    wire unused_done = q_done_full;

    // stream->memory: the transfer's output beats, i.e. its W beats
    // (popped before the transfer's status, so the same slots cover it)
    wire                 q_s2end_empty, q_s2end_full;
    wire [CNT_W-1:0]     s2end_beats;
    wire                 s2end_pop;
    dma_fifo #(.WIDTH(CNT_W), .DEPTH_LOG2(CMD_DEPTH_LOG2)) q_s2end (
        .clk(clk), .rst(rst),
        .wr_en(done_valid && done_s2mm), .din(done_beats), .full(q_s2end_full),
        .rd_en(s2end_pop), .dout(s2end_beats), .empty(q_s2end_empty)
    );
    wire unused_s2end = q_s2end_full;

    // =====================================================================
    // memory->stream output
    // =====================================================================
    wire ms_empty, ms_xfer_end;
    dma_fifo #(.WIDTH(DATA_WIDTH + N + 2), .DEPTH_LOG2(2)) q_ms (
        .clk(clk), .rst(rst),
        .wr_en(out_fire && out_dst_stream),
        .din({out_data, out_strb, out_last && out_eop, out_last}), .full(ms_full),
        .rd_en(m_axis_tvalid && m_axis_tready),
        .dout({m_axis_tdata, m_axis_tkeep, m_axis_tlast, ms_xfer_end}),
        .empty(ms_empty)
    );
    assign m_axis_tvalid = !ms_empty;

    // transfers fully delivered on m_axis, waiting for their status
    reg [CMD_DEPTH_LOG2+1:0] ms_done_cnt;

    // =====================================================================
    // Write side: W FIFO, AW bursts, W sequencing, B completion
    // =====================================================================
    // The W FIFO (block RAM, registered read) drains through a register into
    // a small W output queue (distributed RAM) that drives the W channel:
    // WREADY only touches the small queue, the block RAM's slow output only
    // feeds flip-flops, and no handshake path reaches the block RAM.
    wire                 wq_empty, wo_empty, wo_full;
    wire                 w_fire = m_axi_wvalid && m_axi_wready;
    wire [DATA_WIDTH-1:0] wq_data;
    wire [N-1:0]         wq_strb;
    reg  [2:0]           wo_cnt;        // beats in the register and the output queue
    reg                  wp_valid;
    reg  [DATA_WIDTH+N-1:0] wp_data;
    wire                 wq_move = !wq_empty && !wo_cnt[2];
    always @(posedge clk) begin
        if (rst) begin
            wo_cnt   <= 3'd0;
            wp_valid <= 1'b0;
        end else begin
            wo_cnt   <= wo_cnt + {2'b0, wq_move} - {2'b0, w_fire};
            wp_valid <= wq_move;
        end
        if (wq_move)
            wp_data <= {wq_data, wq_strb};
    end
    wire unused_wo = wo_full;
    dma_fifo #(.WIDTH(DATA_WIDTH + N), .DEPTH_LOG2(FIFO_DEPTH_LOG2), .OUT_REG(1)) q_w (
        .clk(clk), .rst(rst),
        .wr_en(out_fire && !out_dst_stream), .din({out_data, out_strb}), .full(wq_full),
        .rd_en(wq_move), .dout({wq_data, wq_strb}), .empty(wq_empty)
    );
    dma_fifo #(.WIDTH(DATA_WIDTH + N), .DEPTH_LOG2(2)) q_wo (
        .clk(clk), .rst(rst),
        .wr_en(wp_valid), .din(wp_data), .full(wo_full),
        .rd_en(w_fire), .dout({m_axi_wdata, m_axi_wstrb}), .empty(wo_empty)
    );

    wire                  aw_bst_valid, aw_bst_last;
    wire [ADDR_WIDTH-1:0] aw_bst_addr;
    wire [8:0]            aw_bst_beats;
    wire [7:0]            aw_bst_len;
    wire                  aw_xfer_ready;
    wire                  aw_s2mm;          // current write transfer has a stream source
    reg                   aw_trunc_done;    // its stream-end record has been applied
    reg  [WR_OUT_W-1:0]   wr_inflight;
    reg  signed [CREDIT_W-1:0] w_credit;
    reg                   aw_last_r;
    wire [TAG_WIDTH-1:0]  aw_tag;

    assign wr_xfer_pop = aw_xfer_ready;

    wire aw_trunc   = aw_bst_valid && aw_s2mm && !aw_trunc_done && !q_s2end_empty;
    // a stream-sourced burst goes out once its data is buffered and, unless the
    // stream has ended, at least one more beat proves it is not the last one
    // (w_credit_ok is registered: the offered burst must have been stable for a
    // cycle, and w_credit only grows while it is offered)
    reg  w_credit_ok;
    wire aw_data_ok = !aw_s2mm || aw_trunc_done || w_credit_ok;
    wire aw_slot    = !m_axi_awvalid || m_axi_awready;
    wire q_wb_full, q_bq_full;
    wire aw_load    = aw_bst_valid && aw_slot && !aw_trunc && aw_data_ok
                   && (wr_inflight < WR_OUTSTANDING[WR_OUT_W-1:0]) && !q_wb_full && !q_bq_full;
    wire aw_fire    = m_axi_awvalid && m_axi_awready;
    assign s2end_pop = aw_load && aw_bst_last && aw_s2mm;

    dma_burst_gen #(.ADDR_WIDTH(ADDR_WIDTH), .LEN_WIDTH(LEN_WIDTH), .BYTES_LOG2(OFF_W),
                    .MAX_BURST_LEN(MAX_BURST_LEN), .USER_WIDTH(TAG_WIDTH + 1), .TAKE_AT_LAST(1)) aw_gen (
        .clk(clk), .rst(rst),
        .xfer_valid(!q_wr_empty), .xfer_ready(aw_xfer_ready),
        .xfer_addr(wr_xfer_addr), .xfer_len(wr_xfer_len), .xfer_user({wr_xfer_src_stream, wr_xfer_tag}),
        .xfer_skip(wr_xfer_bad),
        .cap_beats(aw_s2mm ? S2MM_BURST[8:0] : MAX_BURST_LEN[8:0]),
        .emit_ok(1'b1), .emit_ok_last(1'b1),
        // a stream-sourced write waits for its data and may be cut: no short path
        .xfer_fast_ok(!wr_xfer_src_stream),
        .trunc_en(aw_trunc), .trunc_beats(s2end_beats),
        .bst_valid(aw_bst_valid), .bst_ready(aw_load),
        .bst_addr(aw_bst_addr), .bst_len(aw_bst_len), .bst_beats(aw_bst_beats), .bst_last(aw_bst_last),
        .bst_user({aw_s2mm, aw_tag})
    );

    always @(posedge clk) begin
        if (rst) begin
            m_axi_awvalid <= 1'b0;
            m_axi_awaddr  <= {ADDR_WIDTH{1'b0}};
            m_axi_awlen   <= 8'd0;
            aw_last_r     <= 1'b0;
            aw_trunc_done <= 1'b0;
            m_axi_awuser  <= {TAG_WIDTH{1'b0}};
        end else begin
            if (aw_load) begin
                m_axi_awvalid <= 1'b1;
                m_axi_awaddr  <= aw_bst_addr;
                m_axi_awlen   <= aw_bst_len;
                m_axi_awuser  <= aw_tag;
                aw_last_r     <= aw_bst_last;
            end else if (m_axi_awready) begin
                m_axi_awvalid <= 1'b0;
            end
            if (aw_load && aw_bst_last)
                aw_trunc_done <= 1'b0;
            else if (aw_trunc)
                aw_trunc_done <= 1'b1;
        end
    end

    // W sequencer: burst lengths in AW order, WLAST on each burst's final beat
    wire       q_wb_empty;
    wire [7:0] wb_len;      // AWLEN of the burst being written
    reg  [7:0] w_beat_idx;
    dma_fifo #(.WIDTH(8), .DEPTH_LOG2(WR_Q_LOG2)) q_wb (
        .clk(clk), .rst(rst),
        .wr_en(aw_fire), .din(m_axi_awlen), .full(q_wb_full),
        .rd_en(w_fire && m_axi_wlast), .dout(wb_len), .empty(q_wb_empty)
    );
    assign m_axi_wvalid = !q_wb_empty && !wo_empty;
    assign m_axi_wlast  = (w_beat_idx == wb_len);

    // B completion: one entry per write burst, flagged on a transfer's last one
    wire       q_bq_empty, bq_last;
    wire       q_wdone_full, q_wdone_empty;
    wire       b_fire = m_axi_bvalid && m_axi_bready;
    reg  [1:0] b_err;   // first write error of the current transfer: 0, 1 SLVERR, 2 DECERR
    wire [1:0] b_err_now = (b_err != 2'd0) ? b_err
                         : (m_axi_bresp[1] ? (m_axi_bresp[0] ? 2'd2 : 2'd1) : 2'd0);
    dma_fifo #(.WIDTH(1), .DEPTH_LOG2(WR_Q_LOG2)) q_bq (
        .clk(clk), .rst(rst),
        .wr_en(aw_fire), .din(aw_last_r), .full(q_bq_full),
        .rd_en(b_fire), .dout(bq_last), .empty(q_bq_empty)
    );
    assign m_axi_bready = !q_bq_empty && !q_wdone_full;

    wire [1:0] wd_err;
    dma_fifo #(.WIDTH(2), .DEPTH_LOG2(CMD_DEPTH_LOG2)) q_wdone (
        .clk(clk), .rst(rst),
        .wr_en(b_fire && bq_last), .din(b_err_now), .full(q_wdone_full),
        .rd_en(st_pop && !st_bad && !st_dst_stream), .dout(wd_err), .empty(q_wdone_empty)
    );

    always @(posedge clk) begin
        if (rst) begin
            w_beat_idx  <= 8'd0;
            b_err       <= 2'd0;
            wr_inflight <= {WR_OUT_W{1'b0}};
            w_credit    <= {CREDIT_W{1'b0}};
            w_credit_ok <= 1'b0;
        end else begin
            if (w_fire)
                w_beat_idx <= m_axi_wlast ? 8'd0 : w_beat_idx + 8'd1;
            if (b_fire)
                b_err <= bq_last ? 2'd0 : b_err_now;
            wr_inflight <= wr_inflight + {{(WR_OUT_W-1){1'b0}}, aw_load}
                                       - {{(WR_OUT_W-1){1'b0}}, b_fire};
            w_credit_ok <= aw_bst_valid && !aw_load
                        && (w_credit > $signed({{(CREDIT_W-9){1'b0}}, aw_bst_beats}));
            w_credit <= w_credit
                      + ((out_fire && !out_dst_stream) ? 1 : 0)
                      - (aw_load ? $signed({{(CREDIT_W-9){1'b0}}, aw_bst_beats}) : 0);
        end
    end

    // =====================================================================
    // Status, in command order
    // =====================================================================
    wire st_data_done = st_dst_stream ? (ms_done_cnt != 0) : !q_wdone_empty;
    wire st_slot      = !sts_valid || sts_ready;
    assign st_pop     = !q_sts_empty && st_slot && (st_bad || (!q_done_empty && st_data_done));
    assign st_done_pop = st_pop && !st_bad;

    wire ms_end_fire  = m_axis_tvalid && m_axis_tready && ms_xfer_end;

    always @(posedge clk) begin
        if (rst) begin
            sts_valid   <= 1'b0;
            sts_tag     <= {TAG_WIDTH{1'b0}};
            sts_bytes   <= {LEN_WIDTH{1'b0}};
            sts_error   <= ERR_NONE;
            sts_eop     <= 1'b0;
            ms_done_cnt <= 0;
        end else begin
            if (st_pop) begin
                sts_valid <= 1'b1;
                sts_tag   <= st_tag;
                sts_bytes <= st_bad ? {LEN_WIDTH{1'b0}} : cd_good;
                sts_eop   <= !st_bad && cd_eop;
                if (st_bad)
                    sts_error <= ERR_BAD_CMD;
                else if (cd_err != 2'd0)
                    sts_error <= (cd_err == 2'd1) ? ERR_RD_SLVERR : ERR_RD_DECERR;
                else if (!st_dst_stream && wd_err != 2'd0)
                    sts_error <= (wd_err == 2'd1) ? ERR_WR_SLVERR : ERR_WR_DECERR;
                else
                    sts_error <= ERR_NONE;
            end else if (sts_ready) begin
                sts_valid <= 1'b0;
            end
            ms_done_cnt <= ms_done_cnt + {{(CMD_DEPTH_LOG2+1){1'b0}}, ms_end_fire}
                         - {{(CMD_DEPTH_LOG2+1){1'b0}}, st_pop && !st_bad && st_dst_stream};
        end
    end
endmodule
`default_nettype wire
