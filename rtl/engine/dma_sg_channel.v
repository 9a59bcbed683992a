// SPDX-License-Identifier: Apache-2.0
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
// Starting an IDLE channel whose chain had ended (RUN) counts as a doorbell.
//
// Errors are reported in chain order. The first error event (a datapath status
// or write-back error, or an error entry at the prefetch queue's head) stops
// the channel taking work at once, but ERR_CODE/ERR_DESC are only latched in
// chain order: a descriptor's data error is latched with its write-back (which
// finishes in chain order; a failed write-back wins over the data error), and
// an error entry at the head (fetch error, malformed, misaligned) only once
// every descriptor before it has been written back without error.
//
// Prefetch slots (flip-flops, 2^PF_DEPTH_LOG2 of them, a circular queue): a
// fetch reserves the slot it will fill when it is issued (prefetched plus
// in-flight descriptors never exceed the slots), its address is written there
// at once and its R beats are written straight into the fields; the slot
// becomes a queue entry when the last beat arrives. The fetches in flight are
// thus the slots after the queue's tail, oldest first (a relink, which only
// learns NEXT, is alone in flight and leaves its slot free again).
// Timing: the fetch and command requests are registers, computed from the
// current state and dropped in the cycle after a grant. They are never
// wrongly high: apart from the channel's own grants, the only way a request
// is withdrawn is leaving RUNNING, which the register anticipates (the
// error events that stop a channel are registers too). The fetch
// grant itself is registered in the front end, so it arrives in the cycle
// after the request was picked (maybe just after the channel left RUNNING:
// the fetch then completes like any other in flight, and `drained` stays low
// while a request is pending).
`default_nettype none
module dma_sg_channel #(
    parameter ADDR_WIDTH     = 64,
    parameter LEN_WIDTH      = 32,
    parameter DATA_WIDTH     = 64,  // width of the descriptor R beats
    parameter CMD_DEPTH_LOG2 = 2,   // descriptors in flight in the datapath
    parameter PF_DEPTH_LOG2  = 1    // prefetched descriptors (at least 1)
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
    output wire                  irq_done_set,     // (none from a RESET until IDLE)
    output wire                  irq_err_set,
    output wire                  irq_idle_set,
    // descriptor fetch (shared AR port)
    output wire                  fetch_req,
    output wire [ADDR_WIDTH-1:0] fetch_addr,
    input  wire                  fetch_grant,      // registered grant of the request of the
                                                   // cycle before (never two cycles in a row)
    // this channel's descriptor R beats (registered in the front end), in order
    input  wire                  beat_valid,
    input  wire [DATA_WIDTH-1:0] beat_data,
    input  wire [1:0]            beat_err,         // 0 ok, 1 SLVERR, 2 DECERR
    input  wire                  beat_len_bad,     // LEN lane of this beat: 0 or too long
    input  wire                  beat_ctrl_bad,    // CTRL lane of this beat: malformed
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
    // state and error codes: the register map's (regmap/dma_regmap.py, generated)
    `include "dma_regs_defs.vh"
    localparam [1:0] ST_IDLE = DMA_STATE_IDLE, ST_RUNNING = DMA_STATE_RUNNING,
                     ST_HALTED = DMA_STATE_HALTED, ST_STOPPING = DMA_STATE_STOPPING;
    localparam [3:0] E_FETCH_SLVERR = DMA_ERR_FETCH_SLVERR, E_FETCH_DECERR = DMA_ERR_FETCH_DECERR,
                     E_WB_SLVERR    = DMA_ERR_WB_SLVERR,    E_WB_DECERR    = DMA_ERR_WB_DECERR,
                     E_DESC_ALIGN   = DMA_ERR_DESC_ALIGN,   E_DESC_MALFORMED = DMA_ERR_DESC_MALFORMED;
    localparam PF_DEPTH = 1 << PF_DEPTH_LOG2;
    localparam PW       = PF_DEPTH_LOG2;
    // descriptor beats: the first 32 bytes; where NEXT ends, where LEN and CTRL are
    localparam FETCH_BEATS = (DATA_WIDTH >= 256) ? 1 : 256 / DATA_WIDTH;
    localparam BEAT_W      = (FETCH_BEATS <= 1) ? 1 : $clog2(FETCH_BEATS);
    localparam NEXT_BEAT   = (DATA_WIDTH >= 64) ? 0 : 64 / DATA_WIDTH - 1;
    localparam LEN_BEAT    = (DATA_WIDTH >= 256) ? 0 : 192 / DATA_WIDTH;
    localparam CTRL_BEAT   = (DATA_WIDTH >= 256) ? 0 : 224 / DATA_WIDTH;
    // the part of a slot filled from the beats: bytes 0x08..0x1F (SRC, DST, LEN, CTRL)
    localparam IMG_W = 192;

    // ------------------------------------------------------------------ chain
    reg                   next_valid;   // next_addr is the next descriptor to fetch
    reg  [ADDR_WIDTH-1:0] next_addr;
    reg                   at_eoc;       // the last fetched descriptor ended the chain
    reg  [ADDR_WIDTH-1:0] eoc_addr;     // that descriptor (re-read on a doorbell)
    reg                   bell;         // doorbell rung since the last re-read
    reg                   stop_halt;    // STOPPING because of an error
    reg                   stop_reset;   // STOPPING because of RESET

    // fetches in flight (they fill the slots from the queue's tail on)
    reg  [1:0]            fq_count;
    reg                   relink_q;     // the fetch in flight is a relink (then it is alone)
    wire                  fq_empty = (fq_count == 2'd0);

    // prefetch queue
    reg  [PW-1:0]         pf_rd, pf_wr;
    reg  [PW:0]           pf_count;
    reg                   pf_empty;     // pf_count == 0, as a register
    wire                  pf_full  = pf_count[PW];

    // descriptors in the datapath: {irq, address}
    wire                  ifq_full, ifq_empty;   // (the counts below are used instead)
    reg  [CMD_DEPTH_LOG2:0]   if_count;     // descriptors in the datapath
    reg                   if_full;
    wire                  if_irq;
    wire [ADDR_WIDTH-1:0] if_addr;
    reg  [CMD_DEPTH_LOG2+1:0] wb_pending;   // statuses whose write-back has not finished

    wire running  = (state == ST_RUNNING);
    // nothing in flight anywhere (a register)
    reg  drained;
    wire [1:0]                fq_count_n   = fq_count + {1'b0, fetch_grant} - {1'b0, fetch_done};
    wire [CMD_DEPTH_LOG2:0]   if_count_n   = if_count + {{CMD_DEPTH_LOG2{1'b0}}, cmd_grant}
                                                      - {{CMD_DEPTH_LOG2{1'b0}}, sts_valid};
    wire [CMD_DEPTH_LOG2+1:0] wb_pending_n = wb_pending + {{(CMD_DEPTH_LOG2+1){1'b0}}, sts_valid}
                                                        - {{(CMD_DEPTH_LOG2+1){1'b0}}, wb_done};

    // ------------------------------------------------------------------ fetch
    wire [PW+1:0] used    = {1'b0, pf_count} + {{PW{1'b0}}, fq_count};
    wire pf_room    = (used < PF_DEPTH) && (fq_count < 2'd2);
    wire misaligned = (next_addr[5:0] != 6'd0);
    // requests are registered from next-cycle terms: the channel stays or starts
    // running, a doorbell counts at once, and a granted request drops
    wire stays_running;
    wire run_ok     = running ? stays_running
                              : (state == ST_IDLE && run && !reset_req && !cur_desc_wr);
    wire want_next  = next_valid && pf_room && !misaligned && !relink_q;
    wire want_link  = at_eoc && (bell || doorbell) && fq_empty && pf_room && !next_valid && !relink_q;
    // a misaligned NEXT becomes an error entry instead of a fetch
    wire push_align_err = running && next_valid && misaligned && fq_empty && !pf_full;

    reg  fetch_req_q;
    assign fetch_req  = fetch_req_q;
    assign fetch_addr = next_valid ? next_addr : eoc_addr;
    wire   grant_link = fetch_grant && !next_valid;

    // beats of the oldest fetch in flight
    reg  [BEAT_W-1:0] beat;
    reg  [1:0]        err_acc;
    reg               bad_acc;
    wire [1:0]        err_now   = (err_acc != 2'd0) ? err_acc : beat_err;
    wire              last_beat = (FETCH_BEATS == 1) || (beat == FETCH_BEATS[BEAT_W-1:0] - 1'b1);
    wire              bad_now   = bad_acc || (beat == LEN_BEAT[BEAT_W-1:0] && beat_len_bad)
                                          || (beat == CTRL_BEAT[BEAT_W-1:0] && beat_ctrl_bad);
    wire              next_pulse = beat_valid && (beat == NEXT_BEAT[BEAT_W-1:0]);
    wire              next_err   = (err_now != 2'd0);
    wire              fetch_done = beat_valid && last_beat;
    wire [63:0]       fetch_next;
    reg  [63:0]       rl_next;      // a relink's NEXT, held until its read has ended
    reg               rl_ok_q;      // the relink's read ended without error: act on rl_next
                                    // (a cycle later, so that no R-channel term reaches next_addr)
    generate
        if (DATA_WIDTH >= 64) begin : g_next_one
            assign fetch_next = beat_data[63:0];
        end else begin : g_next_two
            reg [31:0] next_lo;
            always @(posedge clk) begin
                if (beat_valid && beat == {BEAT_W{1'b0}})
                    next_lo <= beat_data[31:0];
            end
            assign fetch_next = {beat_data[31:0], next_lo};
        end
    endgenerate

    // relinks only learn NEXT, unless the read failed
    wire push_fetched = fetch_done && (!relink_q || err_now != 2'd0);
    // a slot keeps the error as flags (bus error of the read, malformed, misaligned);
    // the error code is only encoded at the head
    wire [1:0] push_rerr = push_align_err ? 2'd0 : err_now;
    wire       push_mal  = !push_align_err && bad_now && !relink_q;
    wire       push_rl   = !push_align_err && relink_q;   // a failed re-read of the last NEXT

    wire pf_push = push_fetched || push_align_err;
    wire pf_pop;
    // slot that the next fetch (or alignment error entry) reserves
    wire [PW+1:0] fq_ext     = {{PW{1'b0}}, fq_count};
    wire [PW-1:0] grant_slot = pf_wr + fq_ext[PW-1:0];
    wire          slot_free  = (used < PF_DEPTH);

    // ------------------------------------------------------------------ slots
    wire [PF_DEPTH*IMG_W-1:0]      img_v;
    wire [PF_DEPTH*ADDR_WIDTH-1:0] addr_v;
    wire [PF_DEPTH*2-1:0]          rerr_v;
    wire [PF_DEPTH-1:0]            mal_v, align_v, rl_v;
    genvar s, h;
    generate
        for (s = 0; s < PF_DEPTH; s = s + 1) begin : g_slot
            reg [IMG_W-1:0]      img;
            reg [ADDR_WIDTH-1:0] addr;
            reg [1:0]            rerr;
            reg                  mal, align, rl;
            localparam [PW-1:0] SI = s;
            wire tail = (pf_wr == SI);
            for (h = 2; h < 8; h = h + 1) begin : g_chunk
                localparam HB = (h * 32) / DATA_WIDTH;
                localparam HO = (h * 32) % DATA_WIDTH;
                always @(posedge clk) begin
                    if (beat_valid && tail && beat == HB[BEAT_W-1:0])
                        img[(h-2)*32 +: 32] <= beat_data[HO +: 32];
                end
            end
            always @(posedge clk) begin
                // the next slot to reserve follows fetch_addr until a fetch (or an
                // alignment error entry) takes it: no grant on this enable
                if (grant_slot == SI && slot_free)
                    addr <= fetch_addr;
                if (pf_push && tail) begin
                    rerr  <= push_rerr;
                    mal   <= push_mal;
                    align <= push_align_err;
                    rl    <= push_rl;
                end
            end
            assign img_v[s*IMG_W +: IMG_W]           = img;
            assign addr_v[s*ADDR_WIDTH +: ADDR_WIDTH] = addr;
            assign rerr_v[s*2 +: 2]                   = rerr;
            assign mal_v[s]                           = mal;
            assign align_v[s]                         = align;
            assign rl_v[s]                            = rl;
        end
    endgenerate

    wire [IMG_W-1:0]      pf_img  = img_v[pf_rd*IMG_W +: IMG_W];
    wire [ADDR_WIDTH-1:0] pf_addr = addr_v[pf_rd*ADDR_WIDTH +: ADDR_WIDTH];
    wire [1:0]            pf_rerr  = rerr_v[pf_rd*2 +: 2];
    wire                  pf_mal   = mal_v[pf_rd];
    wire                  pf_align = align_v[pf_rd];
    wire                  pf_relink = rl_v[pf_rd];   // (its address is the chain's last descriptor)
    wire                  pf_bad   = (pf_rerr != 2'd0) || pf_mal || pf_align;
    wire [3:0]            pf_err   = pf_align ? E_DESC_ALIGN :
                                     (pf_rerr == 2'd1) ? E_FETCH_SLVERR :
                                     (pf_rerr == 2'd2) ? E_FETCH_DECERR :
                                     pf_mal ? E_DESC_MALFORMED : 4'd0;
    wire [3:0]            pf_ctrl = pf_img[160 +: 4];
    wire [ADDR_WIDTH-1:0] fq_addr = addr_v[pf_wr*ADDR_WIDTH +: ADDR_WIDTH];   // oldest fetch in flight

    // ---------------------------------------------------------------- commands
    // registered like the fetch request: the head, the in-flight room and the state
    // only change through this channel's own grant or by leaving RUNNING
    reg cmd_req_q;
    assign cmd_req      = cmd_req_q;
    assign cmd_src      = pf_img[0 +: ADDR_WIDTH];
    assign cmd_dst      = pf_img[64 +: ADDR_WIDTH];
    assign cmd_len      = pf_img[128 +: LEN_WIDTH];
    assign cmd_src_kind = pf_ctrl[1];
    assign cmd_dst_kind = pf_ctrl[2];
    assign cmd_eop      = pf_ctrl[3];
    assign pf_pop       = cmd_grant;

    // an error entry at the head halts the channel (the descriptors before it are done)
    // (registered: an error entry stays at the head, it is never popped)
    reg  head_bad_q;
    reg  [3:0] head_code_q;         // its code, registered with it
    wire head_error = running && head_bad_q;

    // the queue is written a cycle after the grant (a status cannot follow its command
    // that closely); if_count/if_full above count the descriptors at once
    reg                  if_push_q;
    reg [ADDR_WIDTH:0]   if_din_q;
    always @(posedge clk) begin
        if (rst)
            if_push_q <= 1'b0;
        else
            if_push_q <= cmd_grant;
        if_din_q <= {pf_ctrl[0], pf_addr};
    end
    dma_fifo #(.WIDTH(ADDR_WIDTH + 1), .DEPTH_LOG2(CMD_DEPTH_LOG2)) inflight_q (
        .clk(clk), .rst(rst),
        .wr_en(if_push_q), .din(if_din_q), .full(ifq_full),
        .rd_en(sts_valid), .dout({if_irq, if_addr}), .empty(ifq_empty)
    );
    assign sts_desc_addr = if_addr;
    assign sts_desc_irq  = if_irq;

    // ------------------------------------------------------------------ errors
    // write-backs finish in status order, so a FIFO tells whose finished (and with
    // which datapath error code)
    wire [ADDR_WIDTH-1:0] wb_done_addr;
    wire [3:0]            wb_done_sts;
    wire wbq_full, wbq_empty;
    // A descriptor waits here from its status to its write-back's B response: the
    // front end holds up to 2^CMD_DEPTH_LOG2 write-backs (status register and
    // write-back queue) and 4 awaiting B (wb_b_q), so the queue has room for all of
    // them and a margin (a full queue would lose a descriptor's place)
    localparam WBQ_LOG2 = $clog2((1 << CMD_DEPTH_LOG2) + 8);
    dma_fifo #(.WIDTH(ADDR_WIDTH + 4), .DEPTH_LOG2(WBQ_LOG2)) wb_q (
        .clk(clk), .rst(rst),
        .wr_en(sts_valid), .din({sts_error, if_addr}), .full(wbq_full),
        .rd_en(wb_done), .dout({wb_done_sts, wb_done_addr}), .empty(wbq_empty)
    );
    // NEXT comes early through fetch_next; CTRL[31:4] and LEN's range were checked by
    // the front end; a slot's SRC/DST/LEN bits above the widths are not used
    wire unused_q = ^{wbq_full, wbq_empty, ifq_full, ifq_empty, pf_img, beat_data, fq_ext};
    // ADDR_WIDTH < 64: the upper bits of 64-bit descriptor addresses are not used
    // (the driver keeps addresses below 2^ADDR_WIDTH; docs/descriptors.md)
    generate
        if (ADDR_WIDTH < 64) begin : g_addr_hi
            wire unused_addr_hi = ^{cur_desc_wdata[63:ADDR_WIDTH], rl_next[63:ADDR_WIDTH]};
        end
    endgenerate
    wire [3:0] wb_err_code = (wb_bus_err == 2'd1) ? E_WB_SLVERR : E_WB_DECERR;
    wire       err_sts     = sts_valid && (sts_error != 4'd0);
    wire       err_wb      = wb_done && (wb_bus_err != 2'd0);
    wire       ev_now      = err_sts || err_wb;
    // A status or write-back error is registered first (as if it had arrived one
    // cycle later); the head error flag is a register too. The state machine stops
    // taking work on the first of these (new_error).
    reg                   ev_q;
    // The error of a descriptor in flight is latched with its write-back, in chain
    // order: the write-back's own error, else the datapath's code (registered too).
    reg                   wbe_q;
    reg  [3:0]            wbe_code_q;
    reg  [ADDR_WIDTH-1:0] wbe_desc_q;
    always @(posedge clk) begin
        if (rst) begin
            ev_q  <= 1'b0;
            wbe_q <= 1'b0;
        end else begin
            ev_q  <= ev_now;
            wbe_q <= wb_done && (wb_bus_err != 2'd0 || wb_done_sts != 4'd0);
        end
        wbe_code_q <= (wb_bus_err != 2'd0) ? wb_err_code : wb_done_sts;
        wbe_desc_q <= wb_done_addr;
    end
    wire        new_error = head_error || ev_q;
    assign      stays_running = run && !reset_req && !new_error;
    // an error entry at the head is the channel's error once nothing before it is in
    // flight (all earlier descriptors written back) and none of them failed; it is
    // acted on while running, or while the stop it caused (or an error) completes
    wire        quiet      = (if_count == 0) && (wb_pending == 0);
    wire        head_final = head_bad_q && quiet
                             && (running || (state == ST_STOPPING && stop_halt));
    wire        err_latch  = wbe_q || head_final;
    wire [3:0]  new_code   = wbe_q ? wbe_code_q : head_code_q;
    wire [63:0] new_desc   = {{(64-ADDR_WIDTH){1'b0}}, wbe_q ? wbe_desc_q : pf_addr};

    // ---------------------------------------------------------- interrupts
    reg  [7:0]  coal_seen;
    reg  [31:0] coal_timer;
    // coal_seen + 1 >= max(COUNT, 1), as coal_seen >= max(COUNT, 1) - 1 (registered; no
    // wrap: coal_seen stays below the limit)
    reg  [7:0]  coal_lim_m1;
    always @(posedge clk)
        coal_lim_m1 <= (coal_count == 8'd0) ? 8'd0 : coal_count - 8'd1;
    // a completion with IRQ counts for coalescing one cycle after its write-back
    reg         count_irq;
    always @(posedge clk)
        count_irq <= !rst && wb_done && (wb_bus_err == 2'd0) && wb_irq;
    reg         waiting_q;
    assign waiting = running && at_eoc && !bell && drained && pf_empty;
    // interrupt set pulses (registers); none is raised from a RESET until the channel
    // is IDLE again (the one of the reset pulse's own cycle is masked here)
    reg         irq_done_q, irq_err_q, irq_idle_q;
    assign irq_done_set = irq_done_q && !reset_req;
    assign irq_err_set  = irq_err_q  && !reset_req;
    assign irq_idle_set = irq_idle_q && !reset_req;

    // ---------------------------------------------------- next descriptor
    // first descriptor not started yet (CUR_DESC); at the end of the chain, the
    // address of the last descriptor (whose NEXT a doorbell or RUN re-reads) with
    // bit 0 (EOC) set: next_addr holds it then (= eoc_addr; next_addr is only
    // fetched while next_valid)
    wire   chain_end = at_eoc && !next_valid;
    assign cur_desc = !pf_empty ? {{(64-ADDR_WIDTH){1'b0}}, pf_addr}
                    : !fq_empty && !relink_q ? {{(64-ADDR_WIDTH){1'b0}}, fq_addr}
                    : {{(64-ADDR_WIDTH){1'b0}}, next_addr} | {63'd0, chain_end};

    wire stop_done = (state == ST_STOPPING) && drained;
    // coalesced completions still pending are signalled when the channel reaches the
    // end of its chain or a stop (or halt) completes: no more completions will come
    wire coal_flush = (waiting && !waiting_q) || stop_done;
    // a CUR_DESC write with bit 0 set: resume after that (64-byte aligned) descriptor,
    // re-reading its NEXT; a misaligned one halts with DESC_ALIGN like any address
    wire [ADDR_WIDTH-1:0] cd_addr = cur_desc_wdata[ADDR_WIDTH-1:0] & ~{{(ADDR_WIDTH-1){1'b0}}, 1'b1};
    wire                  cd_eoc  = cur_desc_wdata[0] && (cd_addr[5:0] == 6'd0);
    // prefetched descriptors are flushed when a stop completes; CUR_DESC keeps the first one

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
            relink_q     <= 1'b0;
            rl_ok_q      <= 1'b0;
            head_bad_q   <= 1'b0;
            head_code_q  <= 4'd0;
            fetch_req_q  <= 1'b0;
            cmd_req_q    <= 1'b0;
            pf_count     <= {(PW+1){1'b0}};
            pf_empty     <= 1'b1;
            pf_rd        <= {PW{1'b0}};
            pf_wr        <= {PW{1'b0}};
            beat         <= {BEAT_W{1'b0}};
            err_acc      <= 2'd0;
            bad_acc      <= 1'b0;
            wb_pending   <= {(CMD_DEPTH_LOG2+2){1'b0}};
            if_count     <= {(CMD_DEPTH_LOG2+1){1'b0}};
            if_full      <= 1'b0;
            drained      <= 1'b1;
            err_code     <= 4'd0;
            err_desc     <= 64'd0;
            completed    <= 32'd0;
            irq_done_q   <= 1'b0;
            irq_err_q    <= 1'b0;
            irq_idle_q   <= 1'b0;
            coal_seen    <= 8'd0;
            coal_timer   <= 32'd0;
            waiting_q    <= 1'b0;
        end else begin
            irq_done_q <= 1'b0;
            irq_err_q  <= 1'b0;
            irq_idle_q <= 1'b0;

            // bookkeeping counters
            fetch_req_q <= run_ok && (want_next || want_link) && !fetch_grant;
            cmd_req_q   <= running && stays_running && !pf_empty && !pf_bad && !if_full && !cmd_grant;
            head_bad_q <= !pf_empty && pf_bad;   // (head_error: only while running)
            head_code_q <= pf_err;
            fq_count   <= fq_count_n;
            if_count   <= if_count_n;
            if_full    <= if_count_n[CMD_DEPTH_LOG2];
            // all counts zero and none can rise in this cycle (flip-flops only: a cycle
            // late when the last count falls; an error event comes with a count above
            // zero, so it is acted on first)
            drained    <= (fq_count == 2'd0) && (if_count == 0) && (wb_pending == 0)
                          && !fetch_grant && !fetch_req_q && !cmd_req_q && !rl_ok_q;
            // a relink stays marked until its NEXT is acted on (rl_ok_q), or its read failed
            rl_ok_q <= fetch_done && relink_q && !next_err;
            if (grant_link)
                relink_q <= 1'b1;
            else if ((fetch_done && next_err) || rl_ok_q)
                relink_q <= 1'b0;
            if (stop_done) begin
                pf_count <= {(PW+1){1'b0}};
                pf_empty <= 1'b1;
                pf_rd    <= {PW{1'b0}};
                pf_wr    <= {PW{1'b0}};
            end else begin
                pf_count <= pf_count + {{PW{1'b0}}, pf_push} - {{PW{1'b0}}, pf_pop};
                pf_empty <= (pf_count + {{PW{1'b0}}, pf_push} - {{PW{1'b0}}, pf_pop}) == {(PW+1){1'b0}};
                if (pf_push)
                    pf_wr <= pf_wr + 1'b1;
                if (pf_pop)
                    pf_rd <= pf_rd + 1'b1;
            end
            if (beat_valid) begin
                beat    <= last_beat ? {BEAT_W{1'b0}} : beat + 1'b1;
                err_acc <= last_beat ? 2'd0 : err_now;
                bad_acc <= last_beat ? 1'b0 : bad_now;
            end
            wb_pending <= wb_pending_n;
            if (doorbell)
                bell <= 1'b1;

            // following the chain
            if (fetch_grant) begin
                if (next_valid) begin
                    next_valid <= 1'b0;         // known again once NEXT arrives
                end else if (!doorbell) begin
                    bell <= 1'b0;               // this re-read answers the doorbell
                end
            end
            if (push_align_err)
                next_valid <= 1'b0;
            // a re-read of the last NEXT (relink) is only acted on once the whole read
            // has arrived without error: a later beat's error must not leave the link
            // taken (the appended descriptors would be fetched ahead and skipped)
            if (next_pulse && relink_q)
                rl_next <= fetch_next;
            if (rl_ok_q) begin
                if (!rl_next[0]) begin
                    next_valid <= 1'b1;
                    next_addr  <= rl_next[ADDR_WIDTH-1:0];
                    at_eoc     <= 1'b0;
                end else begin
                    at_eoc     <= 1'b1;
                    eoc_addr   <= fq_addr;
                    next_addr  <= fq_addr;      // (CUR_DESC at the end of the chain)
                end
            end
            if (next_pulse && !relink_q) begin
                if (!next_err && !fetch_next[0]) begin
                    next_valid <= 1'b1;
                    next_addr  <= fetch_next[ADDR_WIDTH-1:0];
                    at_eoc     <= 1'b0;
                end else if (!next_err) begin
                    at_eoc     <= 1'b1;
                    eoc_addr   <= fq_addr;
                    next_addr  <= fq_addr;      // (CUR_DESC at the end of the chain)
                end
            end

            // completions and interrupt coalescing
            if (wb_done && wb_bus_err == 2'd0)
                completed <= completed + 32'd1;
            if (count_irq) begin
                if (coal_seen >= coal_lim_m1 || coal_flush) begin
                    coal_seen  <= 8'd0;
                    coal_timer <= 32'd0;
                    irq_done_q <= 1'b1;
                end else begin
                    coal_seen  <= coal_seen + 8'd1;
                    coal_timer <= coal_timeout;
                end
            end else if (coal_seen != 8'd0 && (coal_flush || coal_timeout != 32'd0)) begin
                if (coal_flush || coal_timer <= 32'd1) begin
                    coal_seen  <= 8'd0;
                    coal_timer <= 32'd0;
                    irq_done_q <= 1'b1;
                end else begin
                    coal_timer <= coal_timer - 32'd1;
                end
            end

            waiting_q <= waiting;
            if (waiting && !waiting_q)
                irq_idle_q <= 1'b1;

            // the first error in chain order is reported (the channel has already
            // stopped taking work at the first error event, new_error)
            if (err_latch && err_code == 4'd0 && state != ST_HALTED) begin
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
                        // the chain had ended: look at the last NEXT again (a doorbell)
                        if (chain_end)
                            bell <= 1'b1;
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
                        // resume later from the first descriptor not started (after a failed
                        // re-read of the last NEXT: after that last descriptor, as before)
                        if (!pf_empty && !pf_relink) begin
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
                            state     <= ST_HALTED;
                            irq_err_q <= 1'b1;
                        end else begin
                            state      <= ST_IDLE;
                            irq_idle_q <= 1'b1;
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

            // no interrupt from a RESET until the channel is IDLE again
            if (reset_req || stop_reset) begin
                irq_done_q <= 1'b0;
                irq_err_q  <= 1'b0;
                irq_idle_q <= 1'b0;
            end

            // software chooses where to (re)start while the channel is not running
            if (cur_desc_wr && (state == ST_IDLE || state == ST_HALTED)) begin
                next_addr  <= cd_addr;
                next_valid <= !cd_eoc;
                at_eoc     <= cd_eoc;
                eoc_addr   <= cd_addr;
                bell       <= 1'b0;
            end
        end
    end
endmodule
`default_nettype wire
