// Scatter-gather front end: NUM_CHANNELS descriptor channels sharing
//  - one AXI4 master port for descriptors (m_axi_sg): fetches (ARID = channel)
//    and status write-backs (AWID = 0, so B responses come back in order);
//  - the datapath's command port (round-robin between channels, one
//    descriptor = one command; the command tag is the channel number);
//  - the datapath's status port (routed to the channel by tag, then written
//    back into the descriptor's STATUS/BYTES words).
// Descriptor traffic has its own port so that it never takes cycles from the
// data bus; docs/descriptors.md gives the formats.
module dma_frontend #(
    parameter NUM_CHANNELS   = 4,
    parameter DATA_WIDTH     = 64,
    parameter ADDR_WIDTH     = 64,
    parameter LEN_WIDTH      = 32,
    parameter SG_ID_WIDTH    = 4,    // >= log2(NUM_CHANNELS)
    parameter CMD_DEPTH_LOG2 = 2,    // descriptors in flight per channel
    parameter PF_DEPTH_LOG2  = 1     // prefetched descriptors per channel
) (
    input  wire                         clk,
    input  wire                         rst,

    // register block, channel c in bits [c*W +: W]
    input  wire [NUM_CHANNELS-1:0]      ch_run,
    input  wire [NUM_CHANNELS-1:0]      ch_reset,
    input  wire [NUM_CHANNELS-1:0]      ch_doorbell,
    input  wire [NUM_CHANNELS-1:0]      ch_cur_desc_wr,
    input  wire [NUM_CHANNELS*64-1:0]   ch_cur_desc_wdata,
    input  wire [NUM_CHANNELS*8-1:0]    ch_coal_count,
    input  wire [NUM_CHANNELS*32-1:0]   ch_coal_timeout,
    output wire [NUM_CHANNELS*2-1:0]    ch_state,
    output wire [NUM_CHANNELS-1:0]      ch_waiting,
    output wire [NUM_CHANNELS*4-1:0]    ch_err_code,
    output wire [NUM_CHANNELS*64-1:0]   ch_err_desc,
    output wire [NUM_CHANNELS*64-1:0]   ch_cur_desc,
    output wire [NUM_CHANNELS*32-1:0]   ch_completed,
    output wire [NUM_CHANNELS-1:0]      ch_irq_done_set,
    output wire [NUM_CHANNELS-1:0]      ch_irq_err_set,
    output wire [NUM_CHANNELS-1:0]      ch_irq_idle_set,

    // datapath command and status ports
    output wire                         dp_cmd_valid,
    input  wire                         dp_cmd_ready,
    output wire [ADDR_WIDTH-1:0]        dp_cmd_src_addr,
    output wire [ADDR_WIDTH-1:0]        dp_cmd_dst_addr,
    output wire [LEN_WIDTH-1:0]         dp_cmd_len,
    output wire                         dp_cmd_src_kind,
    output wire                         dp_cmd_dst_kind,
    output wire                         dp_cmd_eop,
    output wire [$clog2(NUM_CHANNELS > 1 ? NUM_CHANNELS : 2)-1:0]              dp_cmd_tag,
    input  wire                         dp_sts_valid,
    output wire                         dp_sts_ready,
    input  wire [$clog2(NUM_CHANNELS > 1 ? NUM_CHANNELS : 2)-1:0]              dp_sts_tag,
    input  wire [LEN_WIDTH-1:0]         dp_sts_bytes,
    input  wire [3:0]                   dp_sts_error,
    input  wire                         dp_sts_eop,

    // descriptor port (AXI4 master)
    output wire [SG_ID_WIDTH-1:0]       m_axi_sg_awid,
    output reg  [ADDR_WIDTH-1:0]        m_axi_sg_awaddr,
    output wire [7:0]                   m_axi_sg_awlen,
    output wire [2:0]                   m_axi_sg_awsize,
    output wire [1:0]                   m_axi_sg_awburst,
    output wire                         m_axi_sg_awlock,
    output wire [3:0]                   m_axi_sg_awcache,
    output wire [2:0]                   m_axi_sg_awprot,
    output reg  [$clog2(NUM_CHANNELS > 1 ? NUM_CHANNELS : 2)-1:0]              m_axi_sg_awuser,   // channel (device ID for an IOMMU)
    output reg                          m_axi_sg_awvalid,
    input  wire                         m_axi_sg_awready,
    output wire [DATA_WIDTH-1:0]        m_axi_sg_wdata,
    output wire [DATA_WIDTH/8-1:0]      m_axi_sg_wstrb,
    output wire                         m_axi_sg_wlast,
    output wire                         m_axi_sg_wvalid,
    input  wire                         m_axi_sg_wready,
    input  wire [SG_ID_WIDTH-1:0]       m_axi_sg_bid,
    input  wire [1:0]                   m_axi_sg_bresp,
    input  wire                         m_axi_sg_bvalid,
    output wire                         m_axi_sg_bready,
    output reg  [SG_ID_WIDTH-1:0]       m_axi_sg_arid,
    output reg  [ADDR_WIDTH-1:0]        m_axi_sg_araddr,
    output wire [7:0]                   m_axi_sg_arlen,
    output wire [2:0]                   m_axi_sg_arsize,
    output wire [1:0]                   m_axi_sg_arburst,
    output wire                         m_axi_sg_arlock,
    output wire [3:0]                   m_axi_sg_arcache,
    output wire [2:0]                   m_axi_sg_arprot,
    output reg  [$clog2(NUM_CHANNELS > 1 ? NUM_CHANNELS : 2)-1:0]              m_axi_sg_aruser,   // channel (device ID for an IOMMU)
    output reg                          m_axi_sg_arvalid,
    input  wire                         m_axi_sg_arready,
    input  wire [SG_ID_WIDTH-1:0]       m_axi_sg_rid,
    input  wire [DATA_WIDTH-1:0]        m_axi_sg_rdata,
    input  wire [1:0]                   m_axi_sg_rresp,
    input  wire                         m_axi_sg_rlast,
    input  wire                         m_axi_sg_rvalid,
    output wire                         m_axi_sg_rready
);
    localparam N      = NUM_CHANNELS;
    localparam CH_W   = (N <= 1) ? 1 : $clog2(N);
    localparam NB     = DATA_WIDTH / 8;
    localparam OFF_W  = $clog2(NB);
    // the first 32 bytes of a descriptor, and the beat that completes NEXT
    localparam FETCH_BEATS = (DATA_WIDTH >= 256) ? 1 : 256 / DATA_WIDTH;
    localparam NEXT_BEAT   = (DATA_WIDTH >= 64) ? 0 : 64 / DATA_WIDTH - 1;
    localparam BEAT_W      = (FETCH_BEATS <= 1) ? 1 : $clog2(FETCH_BEATS);
    // STATUS/BYTES (8 bytes at +0x20): beats and lane offset of the write-back
    localparam WB_BEATS    = (DATA_WIDTH == 32) ? 2 : 1;
    localparam WB_LANE     = (NB == 64) ? 32 : 0;
    localparam [ADDR_WIDTH-1:0] BEAT_MASK = {{(ADDR_WIDTH-OFF_W){1'b0}}, {OFF_W{1'b1}}};

    assign m_axi_sg_arlen   = FETCH_BEATS[7:0] - 8'd1;
    assign m_axi_sg_arsize  = OFF_W[2:0];
    assign m_axi_sg_arburst = 2'b01;
    assign m_axi_sg_arlock  = 1'b0;
    assign m_axi_sg_arcache = 4'b0011;
    assign m_axi_sg_arprot  = 3'b000;
    assign m_axi_sg_awid    = {SG_ID_WIDTH{1'b0}};
    assign m_axi_sg_awlen   = WB_BEATS[7:0] - 8'd1;
    assign m_axi_sg_awsize  = OFF_W[2:0];
    assign m_axi_sg_awburst = 2'b01;
    assign m_axi_sg_awlock  = 1'b0;
    assign m_axi_sg_awcache = 4'b0011;
    assign m_axi_sg_awprot  = 3'b000;

    // ------------------------------------------------------------ channels
    wire [N-1:0]            fetch_req, fetch_grant, cmd_req, cmd_grant;
    wire [N*ADDR_WIDTH-1:0] fetch_addr_v, cmd_src_v, cmd_dst_v, sts_addr_v;
    wire [N*LEN_WIDTH-1:0]  cmd_len_v;
    wire [N-1:0]            cmd_sk_v, cmd_dk_v, cmd_eop_v, sts_irq_v;
    wire [N-1:0]            next_pulse, next_err, done_pulse;
    wire [N-1:0]            sts_for, wb_done_v;
    wire                    wb_irq_b;
    wire [1:0]              wb_bus_err;

    // ------------------------------------------------- descriptor fetch (AR/R)
    wire [CH_W-1:0] f_idx;
    wire            f_any;
    wire            ar_slot = !m_axi_sg_arvalid || m_axi_sg_arready;
    dma_rr_arbiter #(.N(N)) fetch_arb (
        .clk(clk), .rst(rst), .req(fetch_req), .advance(ar_slot),
        .grant(fetch_grant), .grant_idx(f_idx), .any(f_any)
    );
    wire ar_load = ar_slot && f_any;

    always @(posedge clk) begin
        if (rst) begin
            m_axi_sg_arvalid <= 1'b0;
            m_axi_sg_araddr  <= {ADDR_WIDTH{1'b0}};
            m_axi_sg_arid    <= {SG_ID_WIDTH{1'b0}};
            m_axi_sg_aruser  <= {CH_W{1'b0}};
        end else if (ar_load) begin
            m_axi_sg_arvalid <= 1'b1;
            m_axi_sg_araddr  <= fetch_addr_v[f_idx*ADDR_WIDTH +: ADDR_WIDTH];
            m_axi_sg_arid    <= {{(SG_ID_WIDTH-CH_W){1'b0}}, f_idx};
            m_axi_sg_aruser  <= f_idx;
        end else if (m_axi_sg_arready) begin
            m_axi_sg_arvalid <= 1'b0;
        end
    end

    // space for every fetched beat is reserved before its AR goes out
    assign m_axi_sg_rready = 1'b1;
    wire [CH_W-1:0] r_ch = m_axi_sg_rid[CH_W-1:0];
    wire [1:0] r_err = m_axi_sg_rresp[1] ? (m_axi_sg_rresp[0] ? 2'd2 : 2'd1) : 2'd0;
    wire unused_rid;
    generate
        if (SG_ID_WIDTH > CH_W) begin : g_rid_hi
            assign unused_rid = ^{m_axi_sg_rid[SG_ID_WIDTH-1:CH_W], m_axi_sg_rlast, m_axi_sg_bid};
        end else begin : g_rid
            assign unused_rid = ^{m_axi_sg_rlast, m_axi_sg_bid};
        end
    endgenerate

    genvar c;
    generate
        for (c = 0; c < N; c = c + 1) begin : g_ch
            // assembly of this channel's fetch beats (they arrive in order per ID)
            reg  [255:0]      asm;
            reg  [BEAT_W-1:0] beat;
            reg  [1:0]        err_acc;
            wire              hit  = m_axi_sg_rvalid && (r_ch == c);
            wire [255:0]      asm_now;
            wire [1:0]        err_now = (err_acc != 2'd0) ? err_acc : r_err;
            if (FETCH_BEATS == 1) begin : g_one
                // one beat holds the 32 bytes (the rest of a 512-bit beat is not needed)
                assign asm_now = m_axi_sg_rdata[255:0];
                wire unused_beat = ^{beat, asm, m_axi_sg_rdata >> 256};
            end else begin : g_many
                reg [255:0] merged;
                always @* begin
                    merged = asm;
                    merged[beat*DATA_WIDTH +: DATA_WIDTH] = m_axi_sg_rdata;
                end
                assign asm_now = merged;
            end
            wire last_beat = (beat == FETCH_BEATS[BEAT_W-1:0] - 1'b1) || (FETCH_BEATS == 1);
            assign next_pulse[c]  = hit && (beat == NEXT_BEAT[BEAT_W-1:0]);
            assign next_err[c]    = (err_now != 2'd0);
            assign done_pulse[c]  = hit && last_beat;
            always @(posedge clk) begin
                if (rst) begin
                    asm     <= 256'd0;
                    beat    <= {BEAT_W{1'b0}};
                    err_acc <= 2'd0;
                end else if (hit) begin
                    asm     <= asm_now;
                    beat    <= last_beat ? {BEAT_W{1'b0}} : beat + 1'b1;
                    err_acc <= last_beat ? 2'd0 : err_now;
                end
            end

            dma_sg_channel #(
                .ADDR_WIDTH(ADDR_WIDTH), .LEN_WIDTH(LEN_WIDTH),
                .CMD_DEPTH_LOG2(CMD_DEPTH_LOG2), .PF_DEPTH_LOG2(PF_DEPTH_LOG2)
            ) chan (
                .clk(clk), .rst(rst),
                .run(ch_run[c]), .reset_req(ch_reset[c]), .doorbell(ch_doorbell[c]),
                .cur_desc_wr(ch_cur_desc_wr[c]), .cur_desc_wdata(ch_cur_desc_wdata[c*64 +: 64]),
                .coal_count(ch_coal_count[c*8 +: 8]), .coal_timeout(ch_coal_timeout[c*32 +: 32]),
                .state(ch_state[c*2 +: 2]), .waiting(ch_waiting[c]),
                .err_code(ch_err_code[c*4 +: 4]), .err_desc(ch_err_desc[c*64 +: 64]),
                .cur_desc(ch_cur_desc[c*64 +: 64]), .completed(ch_completed[c*32 +: 32]),
                .irq_done_set(ch_irq_done_set[c]), .irq_err_set(ch_irq_err_set[c]),
                .irq_idle_set(ch_irq_idle_set[c]),
                .fetch_req(fetch_req[c]), .fetch_addr(fetch_addr_v[c*ADDR_WIDTH +: ADDR_WIDTH]),
                .fetch_grant(fetch_grant[c] && ar_load),
                .fetch_next_valid(next_pulse[c]), .fetch_next(asm_now[63:0]),
                .fetch_next_err(next_err[c]),
                .fetch_done(done_pulse[c]), .fetch_data(asm_now), .fetch_resp_err(err_now),
                .cmd_req(cmd_req[c]),
                .cmd_src(cmd_src_v[c*ADDR_WIDTH +: ADDR_WIDTH]),
                .cmd_dst(cmd_dst_v[c*ADDR_WIDTH +: ADDR_WIDTH]),
                .cmd_len(cmd_len_v[c*LEN_WIDTH +: LEN_WIDTH]),
                .cmd_src_kind(cmd_sk_v[c]), .cmd_dst_kind(cmd_dk_v[c]), .cmd_eop(cmd_eop_v[c]),
                .cmd_grant(cmd_grant[c]),
                .sts_valid(sts_for[c]), .sts_error(dp_sts_error),
                .sts_desc_addr(sts_addr_v[c*ADDR_WIDTH +: ADDR_WIDTH]), .sts_desc_irq(sts_irq_v[c]),
                .wb_done(wb_done_v[c]), .wb_irq(wb_irq_b), .wb_bus_err(wb_bus_err)
            );
        end
    endgenerate

    // ---------------------------------------------------------- commands
    wire [N-1:0]    c_grant;
    wire [CH_W-1:0] c_idx;
    wire            c_any;
    dma_rr_arbiter #(.N(N)) cmd_arb (
        .clk(clk), .rst(rst), .req(cmd_req), .advance(dp_cmd_ready),
        .grant(c_grant), .grant_idx(c_idx), .any(c_any)
    );
    assign dp_cmd_valid    = c_any;
    assign dp_cmd_src_addr = cmd_src_v[c_idx*ADDR_WIDTH +: ADDR_WIDTH];
    assign dp_cmd_dst_addr = cmd_dst_v[c_idx*ADDR_WIDTH +: ADDR_WIDTH];
    assign dp_cmd_len      = cmd_len_v[c_idx*LEN_WIDTH +: LEN_WIDTH];
    assign dp_cmd_src_kind = cmd_sk_v[c_idx];
    assign dp_cmd_dst_kind = cmd_dk_v[c_idx];
    assign dp_cmd_eop      = cmd_eop_v[c_idx];
    assign dp_cmd_tag      = c_idx;
    assign cmd_grant       = c_grant & {N{dp_cmd_ready}};

    // ------------------------------------------------ status -> write-back
    // write-back request: {channel, irq, descriptor address, BYTES, STATUS}
    localparam WBQ_W = CH_W + 1 + ADDR_WIDTH + 64;
    wire             wbq_full, wbq_empty;
    wire [WBQ_W-1:0] wbq_head;
    wire             sts_fire = dp_sts_valid && dp_sts_ready;
    assign dp_sts_ready = !wbq_full;
    assign sts_for = sts_fire ? ({{(N-1){1'b0}}, 1'b1} << dp_sts_tag) : {N{1'b0}};

    wire [31:0] status_word = {1'b1, dp_sts_eop, 26'd0, dp_sts_error};
    wire [31:0] bytes_word  = {{(32-LEN_WIDTH){1'b0}}, dp_sts_bytes};
    wire aw_slot = !m_axi_sg_awvalid || m_axi_sg_awready;
    wire ws_full, ws_empty, bs_full, bs_empty;
    wire aw_load = !wbq_empty && aw_slot && !ws_full && !bs_full;

    dma_fifo #(.WIDTH(WBQ_W), .DEPTH_LOG2(CMD_DEPTH_LOG2)) wb_req_q (
        .clk(clk), .rst(rst),
        .wr_en(sts_fire),
        .din({dp_sts_tag, sts_irq_v[dp_sts_tag], sts_addr_v[dp_sts_tag*ADDR_WIDTH +: ADDR_WIDTH],
              bytes_word, status_word}),
        .full(wbq_full),
        .rd_en(aw_load), .dout(wbq_head), .empty(wbq_empty)
    );
    wire [63:0]           wb_value = wbq_head[63:0];
    wire [ADDR_WIDTH-1:0] wb_addr  = wbq_head[64 +: ADDR_WIDTH];
    wire [CH_W:0]         wb_tail  = wbq_head[WBQ_W-1 -: CH_W + 1];   // {channel, irq}

    always @(posedge clk) begin
        if (rst) begin
            m_axi_sg_awvalid <= 1'b0;
            m_axi_sg_awaddr  <= {ADDR_WIDTH{1'b0}};
            m_axi_sg_awuser  <= {CH_W{1'b0}};
        end else if (aw_load) begin
            m_axi_sg_awvalid <= 1'b1;
            m_axi_sg_awuser  <= wb_tail[CH_W:1];
            m_axi_sg_awaddr  <= (wb_addr | {{(ADDR_WIDTH-6){1'b0}}, 6'h20}) & ~BEAT_MASK;
        end else if (m_axi_sg_awready) begin
            m_axi_sg_awvalid <= 1'b0;
        end
    end

    // W stage: the 8 status bytes, in one beat (two at 32 bits)
    wire [63:0] ws_value;
    wire [CH_W:0] ws_tail;
    reg  ws_beat;
    wire w_fire = m_axi_sg_wvalid && m_axi_sg_wready;
    dma_fifo #(.WIDTH(64 + CH_W + 1), .DEPTH_LOG2(1)) wb_w_q (
        .clk(clk), .rst(rst),
        .wr_en(aw_load), .din({wb_tail, wb_value}), .full(ws_full),
        .rd_en(w_fire && m_axi_sg_wlast), .dout({ws_tail, ws_value}), .empty(ws_empty)
    );
    assign m_axi_sg_wvalid = !ws_empty;
    generate
        if (DATA_WIDTH == 32) begin : g_wb32
            assign m_axi_sg_wdata = ws_beat ? ws_value[63:32] : ws_value[31:0];
            assign m_axi_sg_wstrb = 4'hF;
            assign m_axi_sg_wlast = ws_beat;
        end else begin : g_wb
            assign m_axi_sg_wdata = {{(DATA_WIDTH-64){1'b0}}, ws_value} << (WB_LANE * 8);
            assign m_axi_sg_wstrb = {{(NB-8){1'b0}}, 8'hFF} << WB_LANE;
            assign m_axi_sg_wlast = 1'b1;
        end
    endgenerate
    always @(posedge clk) begin
        if (rst)
            ws_beat <= 1'b0;
        else if (w_fire)
            ws_beat <= (WB_BEATS == 2) ? !ws_beat : 1'b0;
    end

    // B stage: responses in AW order
    wire [CH_W:0] bs_tail;
    wire b_fire = m_axi_sg_bvalid && m_axi_sg_bready;
    assign m_axi_sg_bready = !bs_empty;
    dma_fifo #(.WIDTH(CH_W + 1), .DEPTH_LOG2(2)) wb_b_q (
        .clk(clk), .rst(rst),
        .wr_en(aw_load), .din(wb_tail), .full(bs_full),
        .rd_en(b_fire), .dout(bs_tail), .empty(bs_empty)
    );
    assign wb_irq_b   = bs_tail[0];
    assign wb_bus_err = m_axi_sg_bresp[1] ? (m_axi_sg_bresp[0] ? 2'd2 : 2'd1) : 2'd0;
    // (an empty FIFO's head may be X: never shift by it unless firing)
    assign wb_done_v  = b_fire ? ({{(N-1){1'b0}}, 1'b1} << bs_tail[CH_W:1]) : {N{1'b0}};
    wire unused_ws = ^ws_tail;
endmodule
