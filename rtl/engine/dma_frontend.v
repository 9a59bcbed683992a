// SPDX-License-Identifier: Apache-2.0
// Scatter-gather front end: NUM_CHANNELS descriptor channels sharing
//  - one AXI4 master port for descriptors (m_axi_sg): fetches (ARID = channel)
//    and status write-backs (AWID = 0, so B responses come back in order);
//  - the datapath's command port (round-robin between channels, one
//    descriptor = one command; the command tag is the channel number);
//  - the datapath's status port (routed to the channel by tag, then written
//    back into the descriptor's STATUS/BYTES words).
// Descriptor traffic has its own port so that it never takes cycles from the
// data bus; docs/descriptors.md gives the formats.
// MSI messages (from dma_msi) share the write-back path: one 4-byte write each,
// taken into the AW stage ahead of queued write-backs, its B response (in order,
// AWID 0 like every write here) reported back on msi_b_*.
`default_nettype none
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
    // GCTRL.BME: while 0 no descriptor fetch and no command starts (write-backs of
    // started transfers still go out); busy: a fetch or a write-back is on its way to
    // the m_axi_sg port (for GSTATUS.QUIESCENT)
    input  wire                         bus_enable,
    output wire                         busy,
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

    // MSI messages (dma_msi): taken when msi_take is 1; the B response comes back on msi_b_*
    input  wire                         msi_valid,
    input  wire [ADDR_WIDTH-1:0]        msi_addr,
    input  wire [31:0]                  msi_data,
    input  wire [$clog2(NUM_CHANNELS > 1 ? NUM_CHANNELS : 2)-1:0]              msi_user,
    input  wire [$clog2(NUM_CHANNELS + 1)-1:0]                                  msi_vec,
    output wire                         msi_take,
    output reg                          msi_b_valid,
    output reg  [$clog2(NUM_CHANNELS + 1)-1:0]                                  msi_b_vec,
    output reg                          msi_b_err,

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
    output wire [ADDR_WIDTH-1:0]        m_axi_sg_araddr,
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
    // STATUS/BYTES (8 bytes at +0x20): beats and lane offset of the write-back
    localparam WB_BEATS    = (DATA_WIDTH == 32) ? 2 : 1;
    localparam WB_LANE     = (NB == 64) ? 32 : 0;
    localparam [ADDR_WIDTH-1:0] BEAT_MASK = {{(ADDR_WIDTH-OFF_W){1'b0}}, {OFF_W{1'b1}}};
    localparam VEC_W  = $clog2(NUM_CHANNELS + 1);
    // an MSI's 32-bit lane within a beat
    localparam LANE_W = (OFF_W > 2) ? OFF_W - 2 : 1;

    assign m_axi_sg_arlen   = FETCH_BEATS[7:0] - 8'd1;
    assign m_axi_sg_arsize  = OFF_W[2:0];
    assign m_axi_sg_arburst = 2'b01;
    assign m_axi_sg_arlock  = 1'b0;
    assign m_axi_sg_arcache = 4'b0011;
    assign m_axi_sg_arprot  = 3'b000;
    assign m_axi_sg_awid    = {SG_ID_WIDTH{1'b0}};
    reg    aw_msi_q;        // the AW register holds an MSI (one 4-byte beat)
    assign m_axi_sg_awlen   = aw_msi_q ? 8'd0 : WB_BEATS[7:0] - 8'd1;
    assign m_axi_sg_awsize  = aw_msi_q ? 3'd2 : OFF_W[2:0];
    assign m_axi_sg_awburst = 2'b01;
    assign m_axi_sg_awlock  = 1'b0;
    assign m_axi_sg_awcache = 4'b0011;
    assign m_axi_sg_awprot  = 3'b000;

    // ------------------------------------------------------------ channels
    wire [N-1:0]            fetch_req, fetch_grant, cmd_req, cmd_grant;
    wire [N*ADDR_WIDTH-1:0] fetch_addr_v, cmd_src_v, cmd_dst_v, sts_addr_v;
    wire [N*LEN_WIDTH-1:0]  cmd_len_v;
    wire [N-1:0]            cmd_sk_v, cmd_dk_v, cmd_eop_v, sts_irq_v;
    wire [N-1:0]            sts_for, wb_done_v;
    wire                    wb_irq_b;
    wire [1:0]              wb_bus_err;
    wire [3:0]              sts_error_q;

    // ------------------------------------------------- descriptor fetch (AR/R)
    // The arbiter picks among the registered requests while the AR stage is empty;
    // its one-hot grant is registered and is the channels' fetch_grant in the next
    // cycle, when the AR register loads (at most one fetch every other cycle, plenty
    // for 4-beat fetches). ARREADY only empties the AR register.
    wire [N-1:0]    f_grant;
    wire [CH_W-1:0] f_idx;
    wire            f_any;
    reg  [N-1:0]    f_grant_q;
    reg  [CH_W-1:0] f_idx_q;
    reg             ar_load;
    wire            ar_free = !m_axi_sg_arvalid && !ar_load && bus_enable;
    dma_rr_arbiter #(.N(N)) fetch_arb (
        .clk(clk), .rst(rst), .req(fetch_req), .advance(ar_free),
        .grant(f_grant), .grant_idx(f_idx), .any(f_any)
    );
    always @(posedge clk) begin
        if (rst) begin
            ar_load   <= 1'b0;
            f_grant_q <= {N{1'b0}};
            f_idx_q   <= {CH_W{1'b0}};
        end else begin
            ar_load   <= ar_free && f_any;
            f_grant_q <= f_grant & {N{ar_free}};
            f_idx_q   <= f_idx;
        end
    end
    assign fetch_grant = f_grant_q;
    // ARADDR is the OR of one register per channel, each loaded with the channel's
    // address if granted and zero if not (no wide multiplexer behind the grant)
    wire [N*ADDR_WIDTH-1:0] ar_addr_v;
    reg  [ADDR_WIDTH-1:0]   ar_addr;
    integer fi;
    always @* begin
        ar_addr = {ADDR_WIDTH{1'b0}};
        for (fi = 0; fi < N; fi = fi + 1)
            ar_addr = ar_addr | ar_addr_v[fi*ADDR_WIDTH +: ADDR_WIDTH];
    end
    assign m_axi_sg_araddr = ar_addr;

    always @(posedge clk) begin
        if (rst) begin
            m_axi_sg_arvalid <= 1'b0;
            m_axi_sg_arid    <= {SG_ID_WIDTH{1'b0}};
            m_axi_sg_aruser  <= {CH_W{1'b0}};
        end else if (ar_load) begin
            m_axi_sg_arvalid <= 1'b1;
            m_axi_sg_arid    <= {{(SG_ID_WIDTH-CH_W){1'b0}}, f_idx_q};
            m_axi_sg_aruser  <= f_idx_q;
        end else if (m_axi_sg_arready) begin
            m_axi_sg_arvalid <= 1'b0;
        end
    end

    // space for every fetched beat is reserved before its AR goes out; the beats are
    // registered here, then go to their channel (which writes them into its slot)
    assign m_axi_sg_rready = 1'b1;
    reg                  r_valid_q;
    reg [CH_W-1:0]       r_ch_q;
    reg [DATA_WIDTH-1:0] r_data_q;
    reg [1:0]            r_err_q;
    always @(posedge clk) begin
        if (rst) begin
            r_valid_q <= 1'b0;
            r_ch_q    <= {CH_W{1'b0}};
            r_data_q  <= {DATA_WIDTH{1'b0}};
            r_err_q   <= 2'd0;
        end else begin
            r_valid_q <= m_axi_sg_rvalid;
            if (m_axi_sg_rvalid) begin
                r_ch_q   <= m_axi_sg_rid[CH_W-1:0];
                r_data_q <= m_axi_sg_rdata;
                r_err_q  <= m_axi_sg_rresp[1] ? (m_axi_sg_rresp[0] ? 2'd2 : 2'd1) : 2'd0;
            end
        end
    end
    // descriptor checks on the lanes that hold LEN (0x18) and CTRL (0x1C) in their beat
    localparam LEN_OFF  = (DATA_WIDTH >= 256) ? 192 : 192 % DATA_WIDTH;
    localparam CTRL_OFF = (DATA_WIDTH >= 256) ? 224 : 224 % DATA_WIDTH;
    localparam [7:0] CTRL_MAGIC = 8'hD5;
    // malformed: reserved CTRL bits, bad magic, zero or too long length, stream->stream.
    // One LUT level of the checks (per nibble) is done on the way into the R register,
    // the rest after it.
    wire [31:0] in_len  = m_axi_sg_rdata[LEN_OFF +: 32];
    wire [31:0] in_ctrl = m_axi_sg_rdata[CTRL_OFF +: 32];
    wire in_len_big;
    generate
        if (LEN_WIDTH < 32) begin : g_len_check
            assign in_len_big = |in_len[31:LEN_WIDTH];
        end else begin : g_len_ok
            assign in_len_big = 1'b0;
        end
    endgenerate
    wire [7:0] in_len_nz;
    genvar g;
    generate
        for (g = 0; g < 8; g = g + 1) begin : g_len_nz
            assign in_len_nz[g] = |in_len[4*g +: 4];
        end
    endgenerate
    wire [7:0] in_ctrl_bad = {in_ctrl[31:28] != CTRL_MAGIC[7:4], in_ctrl[27:24] != CTRL_MAGIC[3:0],
                              |in_ctrl[23:20], |in_ctrl[19:16], |in_ctrl[15:12], |in_ctrl[11:8],
                              |in_ctrl[7:4], in_ctrl[1] && in_ctrl[2]};
    reg  [7:0] r_len_nz_q, r_ctrl_bad_q;
    reg        r_len_big_q;
    always @(posedge clk) begin
        if (rst) begin
            r_len_nz_q   <= 8'd0;
            r_ctrl_bad_q <= 8'd0;
            r_len_big_q  <= 1'b0;
        end else if (m_axi_sg_rvalid) begin
            r_len_nz_q   <= in_len_nz;
            r_ctrl_bad_q <= in_ctrl_bad;
            r_len_big_q  <= in_len_big;
        end
    end
    wire r_len_bad  = (r_len_nz_q == 8'd0) || r_len_big_q;
    wire r_ctrl_bad = (r_ctrl_bad_q != 8'd0);
    wire unused_ctrl = ^{in_ctrl[3], in_ctrl[0]};   // EOP and IRQ: any value
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
            localparam [CH_W-1:0] CI = c;
            reg [ADDR_WIDTH-1:0] ar_addr_q;
            always @(posedge clk) begin
                if (rst)
                    ar_addr_q <= {ADDR_WIDTH{1'b0}};
                else if (ar_load)
                    ar_addr_q <= f_grant_q[c] ? fetch_addr_v[c*ADDR_WIDTH +: ADDR_WIDTH] : {ADDR_WIDTH{1'b0}};
            end
            assign ar_addr_v[c*ADDR_WIDTH +: ADDR_WIDTH] = ar_addr_q;
            dma_sg_channel #(
                .ADDR_WIDTH(ADDR_WIDTH), .LEN_WIDTH(LEN_WIDTH), .DATA_WIDTH(DATA_WIDTH),
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
                .fetch_grant(fetch_grant[c]),
                .beat_valid(r_valid_q && r_ch_q == CI), .beat_data(r_data_q), .beat_err(r_err_q),
                .beat_len_bad(r_len_bad), .beat_ctrl_bad(r_ctrl_bad),
                .cmd_req(cmd_req[c]),
                .cmd_src(cmd_src_v[c*ADDR_WIDTH +: ADDR_WIDTH]),
                .cmd_dst(cmd_dst_v[c*ADDR_WIDTH +: ADDR_WIDTH]),
                .cmd_len(cmd_len_v[c*LEN_WIDTH +: LEN_WIDTH]),
                .cmd_src_kind(cmd_sk_v[c]), .cmd_dst_kind(cmd_dk_v[c]), .cmd_eop(cmd_eop_v[c]),
                .cmd_grant(cmd_grant[c]),
                .sts_valid(sts_for[c]), .sts_error(sts_error_q),
                .sts_desc_addr(sts_addr_v[c*ADDR_WIDTH +: ADDR_WIDTH]), .sts_desc_irq(sts_irq_v[c]),
                .wb_done(wb_done_v[c]), .wb_irq(wb_irq_b), .wb_bus_err(wb_bus_err)
            );
        end
    endgenerate

    // ---------------------------------------------------------- commands
    // Requests are registers. The round-robin pick of one cycle is registered
    // (c_sel) and issued in the next if that channel still requests and the
    // output register is empty; the command is then an AND-OR of c_sel (a
    // flip-flop, not the arbiter's logic) into the output register for the
    // datapath. No path runs from a channel's request through the arbiter into
    // the wide multiplexer, nor from the datapath's ready into the channels.
    reg             c_out_valid;
    reg  [N-1:0]    c_sel;
    wire [N-1:0]    c_sel_req = c_sel & cmd_req;
    // wb_credit: the write-back queue has room for the status of one more command
    // counting every command issued whose status has not left the queue yet (below)
    reg             wb_credit;
    wire            c_issue   = !c_out_valid && (|c_sel_req) && bus_enable && wb_credit;
    wire [N-1:0]    c_grant;
    wire [CH_W-1:0] c_idx;
    wire            c_any;
    dma_rr_arbiter #(.N(N)) cmd_arb (
        .clk(clk), .rst(rst), .req(cmd_req), .advance(c_issue),
        .grant(c_grant), .grant_idx(c_idx), .any(c_any)
    );
    wire unused_cmd_arb = ^{c_idx, c_any};
    assign cmd_grant = c_sel_req & {N{c_issue}};
    // after an issue, pick again once the granted channel's request has dropped
    always @(posedge clk) begin
        if (rst)
            c_sel <= {N{1'b0}};
        else
            c_sel <= c_issue ? {N{1'b0}} : c_grant;
    end
    reg [CH_W-1:0] c_sel_idx;
    integer si;
    always @* begin
        c_sel_idx = {CH_W{1'b0}};
        for (si = 0; si < N; si = si + 1)
            if (c_sel[si]) c_sel_idx = si[CH_W-1:0];
    end
    reg [ADDR_WIDTH-1:0] c_src, c_dst;
    reg [LEN_WIDTH-1:0]  c_len;
    reg                  c_sk, c_dk, c_eop;
    integer ci;
    always @* begin
        c_src = {ADDR_WIDTH{1'b0}};
        c_dst = {ADDR_WIDTH{1'b0}};
        c_len = {LEN_WIDTH{1'b0}};
        c_sk  = 1'b0;
        c_dk  = 1'b0;
        c_eop = 1'b0;
        for (ci = 0; ci < N; ci = ci + 1) begin
            c_src = c_src | (cmd_src_v[ci*ADDR_WIDTH +: ADDR_WIDTH] & {ADDR_WIDTH{c_sel[ci]}});
            c_dst = c_dst | (cmd_dst_v[ci*ADDR_WIDTH +: ADDR_WIDTH] & {ADDR_WIDTH{c_sel[ci]}});
            c_len = c_len | (cmd_len_v[ci*LEN_WIDTH +: LEN_WIDTH] & {LEN_WIDTH{c_sel[ci]}});
            c_sk  = c_sk  | (cmd_sk_v[ci]  & c_sel[ci]);
            c_dk  = c_dk  | (cmd_dk_v[ci]  & c_sel[ci]);
            c_eop = c_eop | (cmd_eop_v[ci] & c_sel[ci]);
        end
    end
    reg [ADDR_WIDTH-1:0] o_src, o_dst;
    reg [LEN_WIDTH-1:0]  o_len;
    reg                  o_sk, o_dk, o_eop;
    reg [CH_W-1:0]       o_tag;
    always @(posedge clk) begin
        if (rst)
            c_out_valid <= 1'b0;
        else if (c_issue)
            c_out_valid <= 1'b1;
        else if (dp_cmd_ready)
            c_out_valid <= 1'b0;
        if (c_issue) begin
            o_src <= c_src;
            o_dst <= c_dst;
            o_len <= c_len;
            o_sk  <= c_sk;
            o_dk  <= c_dk;
            o_eop <= c_eop;
            o_tag <= c_sel_idx;
        end
    end
    assign dp_cmd_valid    = c_out_valid;
    assign dp_cmd_src_addr = o_src;
    assign dp_cmd_dst_addr = o_dst;
    assign dp_cmd_len      = o_len;
    assign dp_cmd_src_kind = o_sk;
    assign dp_cmd_dst_kind = o_dk;
    assign dp_cmd_eop      = o_eop;
    assign dp_cmd_tag      = o_tag;

    // ------------------------------------------------ status -> write-back
    // write-back request: {channel, irq, descriptor address, BYTES, STATUS}
    localparam WBQ_W = CH_W + 1 + ADDR_WIDTH + 64;
    wire             wbq_full, wbq_empty;
    wire [WBQ_W-1:0] wbq_head;
    // datapath statuses are registered on the way in; the register always drains
    // into the write-back queue in the next cycle, because dp_sts_ready (a register)
    // only accepts a status when the queue has room for it counting the one held
    reg                 sts_valid_q;
    reg [CH_W-1:0]      sts_tag_q;
    reg [LEN_WIDTH-1:0] sts_bytes_q;
    reg [3:0]           sts_err_q;
    reg                 sts_eop_q;
    reg [N-1:0]         sts_ch_q;      // the tag, decoded
    reg  [CMD_DEPTH_LOG2:0] wbq_count;   // occupancy of the write-back queue
    reg                 sts_room_q;
    wire                sts_fire = sts_valid_q;
    wire                sts_take = dp_sts_valid && sts_room_q;
    assign dp_sts_ready = sts_room_q;
    always @(posedge clk) begin
        if (rst) begin
            sts_valid_q <= 1'b0;
            sts_tag_q   <= {CH_W{1'b0}};
            sts_bytes_q <= {LEN_WIDTH{1'b0}};
            sts_err_q   <= 4'd0;
            sts_eop_q   <= 1'b0;
            sts_ch_q    <= {N{1'b0}};
        end else begin
            sts_valid_q <= sts_take;
            if (sts_take) begin
                sts_tag_q   <= dp_sts_tag;
                sts_bytes_q <= dp_sts_bytes;
                sts_err_q   <= dp_sts_error;
                sts_eop_q   <= dp_sts_eop;
                sts_ch_q    <= {{(N-1){1'b0}}, 1'b1} << dp_sts_tag;
            end
        end
    end
    assign sts_error_q = sts_err_q;
    assign sts_for = sts_ch_q & {N{sts_fire}};

    wire [31:0] status_word = {1'b1, sts_eop_q, 26'd0, sts_err_q};
    wire [31:0] bytes_word  = {{(32-LEN_WIDTH){1'b0}}, sts_bytes_q};
    // AW loads only while empty, so AWREADY does not reach the queues
    wire aw_slot = !m_axi_sg_awvalid;
    wire ws_full, ws_empty, bs_full, bs_empty;
    wire unused_wbq = wbq_full;
    wire aw_ok   = aw_slot && !ws_full && !bs_full;
    // an MSI goes first: write-backs are bounded, a message could otherwise wait long
    assign msi_take = msi_valid && aw_ok;
    wire aw_load = !wbq_empty && aw_ok && !msi_valid;     // a write-back leaves the queue
    wire aw_any  = aw_load || msi_take;
    wire [CMD_DEPTH_LOG2:0] wbq_count_n = wbq_count + {{CMD_DEPTH_LOG2{1'b0}}, sts_fire}
                                                    - {{CMD_DEPTH_LOG2{1'b0}}, aw_load};
    wire [CMD_DEPTH_LOG2+1:0] wbq_held_n = {1'b0, wbq_count_n} + {{(CMD_DEPTH_LOG2+1){1'b0}}, sts_take};
    // Status credit. Behind dma_top's port multiplexer a write-back (or MSI) whose AW
    // was granted after a data burst's AW can only send its W beat after that burst's
    // data, which the datapath produces only while it can hand over the statuses of
    // earlier commands. So the datapath's statuses must never wait for the write-back
    // port: a command is issued only while the write-back queue has room for its status
    // counting every command issued and not yet written back (wb_used: +1 per command
    // issued, -1 per write-back leaving the queue; a status on its way from the
    // datapath to the queue stays counted). dp_sts_ready then never drops (sts_room_q
    // stays as the safety net it was). The late c_issue only picks one of two
    // precomputed compares.
    reg  [CMD_DEPTH_LOG2+1:0] wb_used;
    wire [CMD_DEPTH_LOG2+1:0] wb_base = wb_used - {{(CMD_DEPTH_LOG2+1){1'b0}}, aw_load};
    localparam [CMD_DEPTH_LOG2+1:0] WBQ_DEPTH = 1 << CMD_DEPTH_LOG2;
    wire credit_if_issue = (wb_base < WBQ_DEPTH - 1);
    wire credit_if_not   = (wb_base < WBQ_DEPTH);
    always @(posedge clk) begin
        if (rst) begin
            wbq_count  <= {(CMD_DEPTH_LOG2+1){1'b0}};
            sts_room_q <= 1'b0;
            wb_used    <= {(CMD_DEPTH_LOG2+2){1'b0}};
            wb_credit  <= 1'b0;
        end else begin
            wbq_count  <= wbq_count_n;
            sts_room_q <= (wbq_held_n < (1 << CMD_DEPTH_LOG2));
            wb_used    <= wb_base + {{(CMD_DEPTH_LOG2+1){1'b0}}, c_issue};
            wb_credit  <= c_issue ? credit_if_issue : credit_if_not;
        end
    end

    dma_fifo #(.WIDTH(WBQ_W), .DEPTH_LOG2(CMD_DEPTH_LOG2)) wb_req_q (
        .clk(clk), .rst(rst),
        .wr_en(sts_fire),
        .din({sts_tag_q, sts_irq_v[sts_tag_q], sts_addr_v[sts_tag_q*ADDR_WIDTH +: ADDR_WIDTH],
              bytes_word, status_word}),
        .full(wbq_full),
        .rd_en(aw_load), .dout(wbq_head), .empty(wbq_empty)
    );
    assign busy = ar_load || sts_valid_q || !wbq_empty;
    wire [63:0]           wb_value = wbq_head[63:0];
    wire [ADDR_WIDTH-1:0] wb_addr  = wbq_head[64 +: ADDR_WIDTH];
    wire [CH_W:0]         wb_tail  = wbq_head[WBQ_W-1 -: CH_W + 1];   // {channel, irq}

    always @(posedge clk) begin
        if (rst) begin
            m_axi_sg_awvalid <= 1'b0;
            m_axi_sg_awaddr  <= {ADDR_WIDTH{1'b0}};
            m_axi_sg_awuser  <= {CH_W{1'b0}};
            aw_msi_q         <= 1'b0;
        end else if (aw_any) begin
            m_axi_sg_awvalid <= 1'b1;
            m_axi_sg_awuser  <= msi_take ? msi_user : wb_tail[CH_W:1];
            m_axi_sg_awaddr  <= msi_take ? msi_addr
                                         : (wb_addr | {{(ADDR_WIDTH-6){1'b0}}, 6'h20}) & ~BEAT_MASK;
            aw_msi_q         <= msi_take;
        end else if (m_axi_sg_awready) begin
            m_axi_sg_awvalid <= 1'b0;
        end
    end
    wire [LANE_W-1:0] msi_lane;
    generate
        if (OFF_W > 2) begin : g_lane
            assign msi_lane = msi_addr[OFF_W-1:2];
        end else begin : g_lane0
            assign msi_lane = 1'b0;
        end
    endgenerate

    // W stage: the 8 status bytes, in one beat (two at 32 bits); or an MSI's 4 bytes
    // (the data word on every 32-bit lane, the strobes of its own)
    wire [63:0]       ws_value;
    wire [CH_W:0]     ws_tail;
    wire              ws_msi;
    wire [LANE_W-1:0] ws_lane;
    reg  ws_beat;
    wire w_fire = m_axi_sg_wvalid && m_axi_sg_wready;
    wire [63:0]   w_in_value = msi_take ? {32'd0, msi_data} : wb_value;
    dma_fifo #(.WIDTH(1 + LANE_W + 64 + CH_W + 1), .DEPTH_LOG2(1)) wb_w_q (
        .clk(clk), .rst(rst),
        .wr_en(aw_any), .din({msi_take, msi_lane, wb_tail, w_in_value}), .full(ws_full),
        .rd_en(w_fire && m_axi_sg_wlast), .dout({ws_msi, ws_lane, ws_tail, ws_value}), .empty(ws_empty)
    );
    assign m_axi_sg_wvalid = !ws_empty;
    generate
        if (DATA_WIDTH == 32) begin : g_wb32
            assign m_axi_sg_wdata = (ws_beat && !ws_msi) ? ws_value[63:32] : ws_value[31:0];
            assign m_axi_sg_wstrb = 4'hF;
            assign m_axi_sg_wlast = ws_beat || ws_msi;
            wire unused_lane = ^ws_lane;
        end else begin : g_wb
            assign m_axi_sg_wdata = ws_msi ? {(NB/4){ws_value[31:0]}}
                                           : {{(DATA_WIDTH-64){1'b0}}, ws_value} << (WB_LANE * 8);
            assign m_axi_sg_wstrb = ws_msi ? {{(NB-4){1'b0}}, 4'hF} << (ws_lane * 4)
                                           : {{(NB-8){1'b0}}, 8'hFF} << WB_LANE;
            assign m_axi_sg_wlast = 1'b1;
        end
    endgenerate
    always @(posedge clk) begin
        if (rst)
            ws_beat <= 1'b0;
        else if (w_fire)
            ws_beat <= (WB_BEATS == 2) ? (!ws_beat && !ws_msi) : 1'b0;
    end

    // B stage: responses in AW order; an entry is {MSI, channel or vector, irq}
    wire [VEC_W-1:0] wb_ch_ext;
    generate
        if (VEC_W > CH_W) begin : g_ch_ext
            assign wb_ch_ext = {{(VEC_W-CH_W){1'b0}}, wb_tail[CH_W:1]};
        end else begin : g_ch_same
            assign wb_ch_ext = wb_tail[CH_W:1];
        end
    endgenerate
    wire [VEC_W+1:0] bs_in = msi_take ? {1'b1, msi_vec, 1'b0} : {1'b0, wb_ch_ext, wb_tail[0]};
    wire [VEC_W+1:0] bs_head;
    wire             bs_msi = bs_head[VEC_W+1];
    wire [VEC_W-1:0] bs_idx = bs_head[VEC_W:1];
    wire b_fire = m_axi_sg_bvalid && m_axi_sg_bready;
    assign m_axi_sg_bready = !bs_empty;
    dma_fifo #(.WIDTH(VEC_W + 2), .DEPTH_LOG2(2)) wb_b_q (
        .clk(clk), .rst(rst),
        .wr_en(aw_any), .din(bs_in), .full(bs_full),
        .rd_en(b_fire), .dout(bs_head), .empty(bs_empty)
    );
    // B responses are registered before they reach the channels (or dma_msi)
    // (an empty FIFO's head may be X: never shift by it unless firing)
    reg [N-1:0] b_done_q;       // the channel of the response, decoded
    reg [1:0]   b_err_q;
    reg         b_irq_q;
    always @(posedge clk) begin
        if (rst) begin
            b_done_q    <= {N{1'b0}};
            b_err_q     <= 2'd0;
            b_irq_q     <= 1'b0;
            msi_b_valid <= 1'b0;
            msi_b_vec   <= {VEC_W{1'b0}};
            msi_b_err   <= 1'b0;
        end else begin
            b_done_q    <= (b_fire && !bs_msi) ? ({{(N-1){1'b0}}, 1'b1} << bs_idx[CH_W-1:0])
                                               : {N{1'b0}};
            msi_b_valid <= b_fire && bs_msi;
            if (b_fire) begin
                b_err_q   <= m_axi_sg_bresp[1] ? (m_axi_sg_bresp[0] ? 2'd2 : 2'd1) : 2'd0;
                b_irq_q   <= bs_head[0];
                msi_b_vec <= bs_idx;
                msi_b_err <= m_axi_sg_bresp[1];
            end
        end
    end
    assign wb_irq_b   = b_irq_q;
    assign wb_bus_err = b_err_q;
    assign wb_done_v  = b_done_q;
    wire unused_ws = ^ws_tail;
endmodule
`default_nettype wire
