// One scatter-gather channel: follows its descriptor chain, prefetches
// descriptors, hands transfer commands to the shared datapath, tracks the
// descriptors in flight, counts completions, coalesces interrupts, and halts
// at the first error. Shared units (fetch port, command arbiter, status
// write-back) live in dma_frontend; this module only holds per-channel state.
//
// Descriptor (64 bytes, 64-byte aligned; docs/descriptors.md):
//   0x00 NEXT  [63:6] next descriptor, bit 0 EOC (end of chain: not followed)
//   0x08 SRC   0x10 DST   0x18 LEN (bytes)   0x1C CTRL
//   0x20 STATUS and 0x24 BYTES: written back by the engine
// The channel fetches the first 32 bytes; NEXT arrives first, so the next
// fetch starts before the rest of the descriptor has arrived.
//
// States: IDLE -> RUNNING (RUN=1) -> STOPPING (RUN=0, error or RESET: no new
// work, in-flight work completes) -> IDLE, or HALTED after an error.
// At the end of its chain (EOC) a running channel waits; a doorbell makes it
// re-read the NEXT field of that last descriptor and go on if it was linked.
module dma_sg_channel #(
    parameter ADDR_WIDTH     = 64,
    parameter LEN_WIDTH      = 32,
    parameter CMD_DEPTH_LOG2 = 2,   // descriptors in flight in the datapath
    parameter PF_DEPTH_LOG2  = 1    // prefetched descriptors
) (
    input  wire                  clk,
    input  wire                  rst,
    // register block
    input  wire                  run,
    input  wire                  reset_req,        // pulse
    input  wire                  doorbell,         // pulse
    input  wire                  cur_desc_wr,      // pulse
    input  wire [63:0]           cur_desc_wdata,
    input  wire [7:0]            coal_count,
    input  wire [31:0]           coal_timeout,
    output reg  [1:0]            state,
    output wire                  waiting,
    output reg  [3:0]            err_code,
    output reg  [63:0]           err_desc,
    output wire [63:0]           cur_desc,
    output reg  [31:0]           completed,
    output reg                   irq_done_set,
    output reg                   irq_err_set,
    output reg                   irq_idle_set,
    // descriptor fetch (shared AR port)
    output wire                  fetch_req,
    output wire [ADDR_WIDTH-1:0] fetch_addr,
    input  wire                  fetch_grant,      // AR taken this cycle
    // fetch data: this channel's R beats, already assembled to 256 bits
    input  wire                  fetch_next_valid, // pulse: NEXT of the oldest fetch arrived
    input  wire [63:0]           fetch_next,
    input  wire                  fetch_next_err,   // NEXT arrived with an error response
    input  wire                  fetch_done,       // whole descriptor arrived
    input  wire [255:0]          fetch_data,
    input  wire [1:0]            fetch_resp_err,   // 0 ok, 1 SLVERR, 2 DECERR (any beat)
    // transfer command to the datapath
    output wire                  cmd_req,
    output wire [ADDR_WIDTH-1:0] cmd_src,
    output wire [ADDR_WIDTH-1:0] cmd_dst,
    output wire [LEN_WIDTH-1:0]  cmd_len,
    output wire                  cmd_src_kind,
    output wire                  cmd_dst_kind,
    output wire                  cmd_eop,
    input  wire                  cmd_grant,
    // datapath status for this channel (in command order)
    input  wire                  sts_valid,
    input  wire [3:0]            sts_error,
    output wire [ADDR_WIDTH-1:0] sts_desc_addr,    // descriptor the status belongs to
    output wire                  sts_desc_irq,
    // status write-back finished for one of this channel's descriptors
    input  wire                  wb_done,
    input  wire                  wb_irq,
    input  wire [1:0]            wb_bus_err        // 0 ok, 1 SLVERR, 2 DECERR
);
    localparam [1:0] ST_IDLE = 2'd0, ST_RUNNING = 2'd1, ST_HALTED = 2'd2, ST_STOPPING = 2'd3;
    localparam [3:0] E_FETCH_SLVERR = 4'd8,  E_FETCH_DECERR = 4'd9,
                     E_WB_SLVERR    = 4'd10, E_WB_DECERR    = 4'd11,
                     E_DESC_ALIGN   = 4'd12, E_DESC_MALFORMED = 4'd13;
    localparam [7:0] CTRL_MAGIC = 8'hD5;
    localparam PF_DEPTH  = 1 << PF_DEPTH_LOG2;
    // prefetch entry: {err, ctrl, len, dst, src, addr}
    localparam PF_W = 4 + 32 + 32 + 3 * ADDR_WIDTH;

    // ------------------------------------------------------------------ chain
    reg                   next_valid;   // next_addr is the next descriptor to fetch
    reg  [ADDR_WIDTH-1:0] next_addr;
    reg                   at_eoc;       // the last fetched descriptor ended the chain
    reg  [ADDR_WIDTH-1:0] eoc_addr;     // that descriptor (re-read on a doorbell)
    reg                   bell;         // doorbell rung since the last re-read
    reg                   stop_halt;    // STOPPING because of an error
    reg                   stop_reset;   // STOPPING because of RESET

    // fetches in flight, oldest first: {relink, address}
    wire                  fq_full, fq_empty;
    wire                  fq_relink;
    wire [ADDR_WIDTH-1:0] fq_addr;
    reg  [1:0]            fq_count;

    // prefetched descriptors
    wire                  pf_full, pf_empty;
    wire [PF_W-1:0]       pf_head;
    reg  [PF_DEPTH_LOG2:0] pf_count;
    wire [ADDR_WIDTH-1:0] pf_addr = pf_head[ADDR_WIDTH-1:0];
    wire [3:0]            pf_err  = pf_head[PF_W-1 -: 4];
    wire [31:0]           pf_ctrl = pf_head[PF_W-5 -: 32];

    // descriptors in the datapath: {irq, address}
    wire                  if_full, if_empty;
    wire                  if_irq;
    wire [ADDR_WIDTH-1:0] if_addr;
    reg  [CMD_DEPTH_LOG2+1:0] wb_pending;   // statuses whose write-back has not finished

    wire running  = (state == ST_RUNNING);
    wire drained  = fq_empty && if_empty && (wb_pending == 0);

    // ------------------------------------------------------------------ fetch
    wire pf_room   = ({1'b0, pf_count} + {{PF_DEPTH_LOG2{1'b0}}, fq_count} < PF_DEPTH);
    wire misaligned = (next_addr[5:0] != 6'd0);
    wire want_next = running && next_valid && pf_room && (fq_count < 2'd2) && !misaligned;
    wire want_link = running && at_eoc && bell && fq_empty && pf_room;
    // a misaligned NEXT becomes an error entry instead of a fetch
    wire push_align_err = running && next_valid && misaligned && fq_empty && !pf_full;

    assign fetch_req  = want_next || want_link;
    assign fetch_addr = want_next ? next_addr : eoc_addr;

    dma_fifo #(.WIDTH(ADDR_WIDTH + 1), .DEPTH_LOG2(1)) fetch_q (
        .clk(clk), .rst(rst),
        .wr_en(fetch_grant), .din({!want_next, fetch_addr}), .full(fq_full),
        .rd_en(fetch_done), .dout({fq_relink, fq_addr}), .empty(fq_empty)
    );

    // malformed: reserved CTRL bits, bad magic, zero or too long length, stream->stream
    wire [31:0] d_len  = fetch_data[223:192];
    wire [31:0] d_ctrl = fetch_data[255:224];
    wire len_too_big;
    generate
        if (LEN_WIDTH < 32) begin : g_len_check
            assign len_too_big = |d_len[31:LEN_WIDTH];
        end else begin : g_len_ok
            assign len_too_big = 1'b0;
        end
    endgenerate
    wire malformed = (d_ctrl[31:24] != CTRL_MAGIC) || (d_ctrl[23:4] != 20'd0)
                  || (d_len == 32'd0) || len_too_big || (d_ctrl[1] && d_ctrl[2]);
    wire [3:0] fetch_err = (fetch_resp_err == 2'd1) ? E_FETCH_SLVERR :
                           (fetch_resp_err == 2'd2) ? E_FETCH_DECERR :
                           malformed ? E_DESC_MALFORMED : 4'd0;
    // relinks only learn NEXT, unless the read failed
    wire push_fetched = fetch_done && (!fq_relink || fetch_resp_err != 2'd0);

    wire pf_push = push_fetched || push_align_err;
    wire [PF_W-1:0] pf_din = push_align_err
        ? {E_DESC_ALIGN, 32'd0, 32'd0, {ADDR_WIDTH{1'b0}}, {ADDR_WIDTH{1'b0}}, next_addr}
        : {(fq_relink ? ((fetch_resp_err == 2'd1) ? E_FETCH_SLVERR : E_FETCH_DECERR) : fetch_err),
           d_ctrl, d_len, fetch_data[128 +: ADDR_WIDTH], fetch_data[64 +: ADDR_WIDTH], fq_addr};

    wire pf_pop;
    wire pf_flush;
    dma_fifo #(.WIDTH(PF_W), .DEPTH_LOG2(PF_DEPTH_LOG2)) prefetch_q (
        .clk(clk), .rst(rst || pf_flush),
        .wr_en(pf_push), .din(pf_din), .full(pf_full),
        .rd_en(pf_pop), .dout(pf_head), .empty(pf_empty)
    );

    // ---------------------------------------------------------------- commands
    assign cmd_req      = running && !pf_empty && (pf_err == 4'd0) && !if_full;
    assign cmd_src      = pf_head[ADDR_WIDTH +: ADDR_WIDTH];
    assign cmd_dst      = pf_head[2*ADDR_WIDTH +: ADDR_WIDTH];
    assign cmd_len      = pf_head[3*ADDR_WIDTH +: LEN_WIDTH];
    assign cmd_src_kind = pf_ctrl[1];
    assign cmd_dst_kind = pf_ctrl[2];
    assign cmd_eop      = pf_ctrl[3];
    assign pf_pop       = cmd_grant;

    // an error entry at the head halts the channel (the descriptors before it are done)
    wire head_error = running && !pf_empty && (pf_err != 4'd0);

    dma_fifo #(.WIDTH(ADDR_WIDTH + 1), .DEPTH_LOG2(CMD_DEPTH_LOG2)) inflight_q (
        .clk(clk), .rst(rst),
        .wr_en(cmd_grant), .din({pf_ctrl[0], pf_addr}), .full(if_full),
        .rd_en(sts_valid), .dout({if_irq, if_addr}), .empty(if_empty)
    );
    assign sts_desc_addr = if_addr;
    assign sts_desc_irq  = if_irq;

    // ------------------------------------------------------------------ errors
    // write-backs finish in status order, so a FIFO tells whose finished
    wire [ADDR_WIDTH-1:0] wb_done_addr;
    wire wbq_full, wbq_empty;
    dma_fifo #(.WIDTH(ADDR_WIDTH), .DEPTH_LOG2(CMD_DEPTH_LOG2)) wb_q (
        .clk(clk), .rst(rst),
        .wr_en(sts_valid), .din(if_addr), .full(wbq_full),
        .rd_en(wb_done), .dout(wb_done_addr), .empty(wbq_empty)
    );
    // NEXT comes early through fetch_next; CTRL[31:4] was checked at fetch
    wire unused_q = ^{fq_full, wbq_full, wbq_empty, fetch_data[63:0], pf_ctrl[31:4]};
    wire [3:0] wb_err_code = (wb_bus_err == 2'd1) ? E_WB_SLVERR : E_WB_DECERR;
    wire       err_sts     = sts_valid && (sts_error != 4'd0);
    wire       err_wb      = wb_done && (wb_bus_err != 2'd0);
    wire       new_error   = head_error || err_sts || err_wb;
    wire [3:0] new_code    = head_error ? pf_err : err_sts ? sts_error : wb_err_code;
    wire [63:0] new_desc   = head_error ? {{(64-ADDR_WIDTH){1'b0}}, pf_addr}
                           : err_sts ? {{(64-ADDR_WIDTH){1'b0}}, if_addr}
                           : {{(64-ADDR_WIDTH){1'b0}}, wb_done_addr};


    // ---------------------------------------------------------- interrupts
    reg  [7:0]  coal_seen;
    reg  [31:0] coal_timer;
    wire [7:0]  coal_limit = (coal_count == 8'd0) ? 8'd1 : coal_count;
    wire        count_irq  = wb_done && (wb_bus_err == 2'd0) && wb_irq;
    reg         waiting_q;
    assign waiting = running && at_eoc && !bell && drained && pf_empty;

    // ---------------------------------------------------- next descriptor
    // first descriptor not started yet (CUR_DESC); at the end of the chain, the last
    // descriptor's NEXT with bit 0 (EOC) set
    assign cur_desc = !pf_empty ? {{(64-ADDR_WIDTH){1'b0}}, pf_addr}
                    : !fq_empty && !fq_relink ? {{(64-ADDR_WIDTH){1'b0}}, fq_addr}
                    : {{(64-ADDR_WIDTH){1'b0}}, next_addr} | {63'd0, at_eoc && !next_valid};

    wire stop_done = (state == ST_STOPPING) && drained;
    // flush prefetched descriptors when a stop completes; CUR_DESC keeps the first one
    assign pf_flush = stop_done;

    always @(posedge clk) begin
        if (rst) begin
            state        <= ST_IDLE;
            next_valid   <= 1'b0;
            next_addr    <= {ADDR_WIDTH{1'b0}};
            at_eoc       <= 1'b0;
            eoc_addr     <= {ADDR_WIDTH{1'b0}};
            bell         <= 1'b0;
            stop_halt    <= 1'b0;
            stop_reset   <= 1'b0;
            fq_count     <= 2'd0;
            pf_count     <= {(PF_DEPTH_LOG2+1){1'b0}};
            wb_pending   <= {(CMD_DEPTH_LOG2+2){1'b0}};
            err_code     <= 4'd0;
            err_desc     <= 64'd0;
            completed    <= 32'd0;
            irq_done_set <= 1'b0;
            irq_err_set  <= 1'b0;
            irq_idle_set <= 1'b0;
            coal_seen    <= 8'd0;
            coal_timer   <= 32'd0;
            waiting_q    <= 1'b0;
        end else begin
            irq_done_set <= 1'b0;
            irq_err_set  <= 1'b0;
            irq_idle_set <= 1'b0;

            // bookkeeping counters
            fq_count   <= fq_count + {1'b0, fetch_grant} - {1'b0, fetch_done};
            pf_count   <= stop_done ? {(PF_DEPTH_LOG2+1){1'b0}}
                        : pf_count + {{PF_DEPTH_LOG2{1'b0}}, pf_push} - {{PF_DEPTH_LOG2{1'b0}}, pf_pop};
            wb_pending <= wb_pending + {{(CMD_DEPTH_LOG2+1){1'b0}}, sts_valid}
                                     - {{(CMD_DEPTH_LOG2+1){1'b0}}, wb_done};
            if (doorbell)
                bell <= 1'b1;

            // following the chain
            if (fetch_grant) begin
                if (want_next) begin
                    next_valid <= 1'b0;         // known again once NEXT arrives
                end else if (!doorbell) begin
                    bell <= 1'b0;               // this re-read answers the doorbell
                end
            end
            if (push_align_err)
                next_valid <= 1'b0;
            if (fetch_next_valid) begin
                if (!fetch_next_err && !fetch_next[0]) begin
                    next_valid <= 1'b1;
                    next_addr  <= fetch_next[ADDR_WIDTH-1:0];
                    at_eoc     <= 1'b0;
                end else if (!fetch_next_err) begin
                    at_eoc     <= 1'b1;
                    eoc_addr   <= fq_addr;
                    next_addr  <= fetch_next[ADDR_WIDTH-1:0] & ~{{(ADDR_WIDTH-1){1'b0}}, 1'b1};
                end
            end

            // completions and interrupt coalescing
            if (wb_done && wb_bus_err == 2'd0)
                completed <= completed + 32'd1;
            if (count_irq) begin
                if (coal_seen + 8'd1 >= coal_limit) begin
                    coal_seen    <= 8'd0;
                    coal_timer   <= 32'd0;
                    irq_done_set <= 1'b1;
                end else begin
                    coal_seen    <= coal_seen + 8'd1;
                    coal_timer   <= coal_timeout;
                end
            end else if (coal_seen != 8'd0 && coal_timeout != 32'd0) begin
                if (coal_timer <= 32'd1) begin
                    coal_seen    <= 8'd0;
                    coal_timer   <= 32'd0;
                    irq_done_set <= 1'b1;
                end else begin
                    coal_timer <= coal_timer - 32'd1;
                end
            end

            waiting_q <= waiting;
            if (waiting && !waiting_q)
                irq_idle_set <= 1'b1;

            // first error wins; the channel stops taking work
            if (new_error && err_code == 4'd0 && state != ST_HALTED) begin
                err_code <= new_code;
                err_desc <= new_desc;
            end

            case (state)
                ST_IDLE: begin
                    if (reset_req) begin
                        completed <= 32'd0;
                        coal_seen <= 8'd0;
                        err_code  <= 4'd0;
                    end else if (run) begin
                        state <= ST_RUNNING;
                    end
                end
                ST_RUNNING: begin
                    if (new_error || reset_req || !run) begin
                        state      <= ST_STOPPING;
                        stop_halt  <= new_error;
                        stop_reset <= reset_req;
                    end
                end
                ST_STOPPING: begin
                    if (new_error)
                        stop_halt <= 1'b1;
                    if (reset_req)
                        stop_reset <= 1'b1;
                    if (drained) begin
                        // resume later from the first descriptor not started
                        if (!pf_empty) begin
                            next_addr  <= pf_addr;
                            next_valid <= 1'b1;
                            at_eoc     <= 1'b0;
                        end
                        if (stop_reset) begin
                            state     <= ST_IDLE;
                            completed <= 32'd0;
                            coal_seen <= 8'd0;
                            err_code  <= 4'd0;
                        end else if (stop_halt) begin
                            state       <= ST_HALTED;
                            irq_err_set <= 1'b1;
                        end else begin
                            state        <= ST_IDLE;
                            irq_idle_set <= 1'b1;
                        end
                        stop_halt  <= 1'b0;
                        stop_reset <= 1'b0;
                    end
                end
                default: begin // ST_HALTED
                    if (reset_req) begin
                        state     <= ST_IDLE;
                        completed <= 32'd0;
                        coal_seen <= 8'd0;
                        err_code  <= 4'd0;
                    end
                end
            endcase

            // software chooses where to (re)start while the channel is not running
            if (cur_desc_wr && (state == ST_IDLE || state == ST_HALTED)) begin
                next_addr  <= cur_desc_wdata[ADDR_WIDTH-1:0] & ~{{(ADDR_WIDTH-1){1'b0}}, 1'b1};
                next_valid <= !cur_desc_wdata[0];
                at_eoc     <= 1'b0;
                bell       <= 1'b0;
            end
        end
    end
endmodule
