// SPDX-License-Identifier: Apache-2.0
// Burst legalizer: splits one transfer {addr, len} into AXI4 INCR bursts that
// never cross a 4 KiB boundary and never exceed min(MAX_BURST_LEN, cap_beats)
// beats. Bursts are full-width (AxSIZE = log2 bytes per beat) and start at the
// beat-aligned address; the caller masks partial first/last beats with strobes.
// Used by the read (AR) and the write (AW) side of the datapath.
//
// Timing and area: everything is counted in beats from a per-transfer base
// address (loaded once), and each burst takes three short steps -- CALC (where
// the burst starts, beats left, room to the 4 KiB boundary), SIZE (burst
// length), EMIT (offer the registered burst) -- so no path holds more than a
// short run of carry chains and no wide register needs a multiplexer. The
// transfer is taken from the head of the caller's queue (its beat count is
// computed on the way in); with TAKE_AT_LAST the next one is taken as the last
// burst of the current one is accepted. One burst every three cycles is far
// above what the data bus needs for bursts of three beats or more.
//
// Short transfers skip CALC and SIZE: a transfer the caller allows (xfer_fast_ok)
// of fewer than 16 beats' worth of bytes that fits MAX_BURST_LEN and its 4 KiB page
// is one burst, so it is loaded into the burst registers as it is taken and
// offered in the next cycle. Taken with TAKE_AT_LAST, back-to-back short
// transfers go out one burst per cycle.
//
// The burst registers may drive an AXI address channel directly: bst_valid
// only rises once emit_ok allows it and then stays up until bst_ready (no
// trunc_en is used on such a channel).
`default_nettype none
module dma_burst_gen #(
    parameter ADDR_WIDTH    = 64,
    parameter LEN_WIDTH     = 32,
    parameter BYTES_LOG2    = 3,     // log2(bytes per beat)
    parameter MAX_BURST_LEN = 256,
    parameter USER_WIDTH    = 1,     // carried with the transfer to its bursts
    parameter TAKE_AT_LAST  = 1,     // 0: take the next transfer only when idle
    // beat counts: a transfer of 2**LEN_WIDTH-1 bytes at any offset
    parameter CNT_WIDTH     = LEN_WIDTH - BYTES_LOG2 + 1
) (
    input  wire                   clk,
    input  wire                   rst,
    // transfer in: the head of a first-word-fall-through queue, popped by xfer_ready
    input  wire                   xfer_valid,
    output wire                   xfer_ready,
    input  wire [ADDR_WIDTH-1:0]  xfer_addr,
    input  wire [LEN_WIDTH-1:0]   xfer_len,      // bytes, >= 1
    input  wire [USER_WIDTH-1:0]  xfer_user,
    input  wire                   xfer_skip,     // pop this transfer without any burst
    // run-time burst cap (1..MAX_BURST_LEN)
    input  wire [8:0]             cap_beats,
    // a burst may be offered (checked before bst_valid rises)
    input  wire                   emit_ok,
    // a burst may be offered right after the one accepted in this cycle (checked
    // instead of emit_ok when a short transfer is taken at the last burst of the
    // one before, TAKE_AT_LAST)
    input  wire                   emit_ok_last,
    // the transfer at the queue head may use the short-transfer path: its cap is
    // MAX_BURST_LEN (cap_beats still belongs to the transfer before it at take)
    input  wire                   xfer_fast_ok,
    // the transfer turned out shorter (stream ended early): its new total in
    // beats (at least one more than the beats already issued). Accepted only
    // while bst_valid is high; the caller holds bst_ready low in that cycle.
    input  wire                   trunc_en,
    input  wire [CNT_WIDTH-1:0]   trunc_beats,
    // bursts out (registered; stable while bst_valid is high)
    output reg                    bst_valid,
    input  wire                   bst_ready,
    output wire [ADDR_WIDTH-1:0]  bst_addr,      // beat-aligned
    output reg  [7:0]             bst_len,       // beats - 1 (AxLEN)
    output wire [8:0]             bst_beats,     // 1..256
    output reg                    bst_last,      // last burst of the transfer
    output reg  [USER_WIDTH-1:0]  bst_user       // the user field of the transfer being split
);

    // parameter checks: an unsupported value stops elaboration (dma_param_check.vh)
    `include "dma_param_check.vh"
    generate
        if (MAX_BURST_LEN < 1 || MAX_BURST_LEN > 256) begin : g_check0
            `DMA_PARAM_ERROR(dma_burst_gen__parameter_error__MAX_BURST_LEN_must_be_1_to_256, "dma_burst_gen: MAX_BURST_LEN must be 1 to 256")
        end
    endgenerate
    localparam BA_W = ADDR_WIDTH - BYTES_LOG2;     // beat address width
    localparam PG_W = 12 - BYTES_LOG2;             // beat index inside a 4 KiB page
    localparam [31:0] MAX_BURST_LEN_32 = MAX_BURST_LEN;   // sized: a -G override is 32 bits
    localparam [8:0]  MAX_BEATS = MAX_BURST_LEN_32[8:0];

    localparam [1:0] IDLE = 2'd0, CALC = 2'd1, SIZE = 2'd2, EMIT = 2'd3;

    // beats of the transfer at the queue head: (len + off + N-1) / N
    // (offset + N - 1 first: one carry chain on the wide sum)
    wire [BYTES_LOG2:0]  pad  = {1'b0, xfer_addr[BYTES_LOG2-1:0]} + {1'b0, {BYTES_LOG2{1'b1}}};
    wire [LEN_WIDTH:0]   span = {1'b0, xfer_len} + {{(LEN_WIDTH-BYTES_LOG2){1'b0}}, pad};
    wire unused_span = ^span[BYTES_LOG2-1:0];

    reg [1:0]            state;
    reg [BA_W-1:0]       base;          // first beat of the transfer
    reg [CNT_WIDTH-1:0]  total;         // beats of the transfer
    reg [CNT_WIDTH-1:0]  issued;        // beats covered by bursts already accepted
    reg [CNT_WIDTH-1:0]  rem_m1;        // CALC: total - issued - 1
    reg [BA_W-1:0]       cur;           // CALC: base + issued, the next burst's first beat
    reg [7:0]            limit_m1;      // CALC: min(cap, MAX, room in the page) - 1
    reg [PG_W-1:0]       cur_lo;        // beat index in the page of the next burst

    // issued at the beat address width (a transfer never wraps the address space)
    wire [BA_W-1:0] issued_x;
    generate
        if (BA_W > CNT_WIDTH) begin : g_ext
            assign issued_x = {{(BA_W-CNT_WIDTH){1'b0}}, issued};
        end else begin : g_cut
            assign issued_x = issued[BA_W-1:0];
            if (BA_W < CNT_WIDTH) begin : g_unused
                wire unused_issued = ^issued[CNT_WIDTH-1:BA_W];
            end
        end
    endgenerate

    // room to the 4 KiB boundary, minus one: ~(beat index in the page)
    wire [PG_W-1:0] room_m1  = ~cur_lo;
    wire [8:0]      cap      = (cap_beats < MAX_BEATS) ? cap_beats : MAX_BEATS;
    wire [8:0]      cap_m1   = cap - 9'd1;
    wire [12:0]     room_x   = {{(13-PG_W){1'b0}}, room_m1};
    wire            page_lim = (room_x < {4'd0, cap_m1});
    wire            fits     = (rem_m1[CNT_WIDTH-1:8] == {(CNT_WIDTH-8){1'b0}}) && (rem_m1[7:0] <= limit_m1);

    assign bst_addr  = {cur, {BYTES_LOG2{1'b0}}};
    assign bst_beats = {1'b0, bst_len} + 9'd1;
    wire [12:0] beats_x = {4'd0, bst_beats};
    wire unused_beats_x = ^beats_x[12:PG_W];

    wire accept = (state == EMIT) && bst_ready && !trunc_en;
    wire take   = xfer_valid && ((state == IDLE) || (TAKE_AT_LAST != 0 && accept && bst_last));
    assign xfer_ready = take;

    // short transfer at the queue head: fewer than 16 beats' worth of bytes, so its
    // last beat is (len + offset - 1) / N <= 16 beats after its first; one burst
    // if that fits MAX_BURST_LEN and the room left in its page
    localparam SW = BYTES_LOG2 + 5;
    wire          short_len = (xfer_len[LEN_WIDTH-1:BYTES_LOG2+4] == {(LEN_WIDTH-BYTES_LOG2-4){1'b0}});
    wire [SW-1:0] last_off  = {1'b0, xfer_len[BYTES_LOG2+3:0]}
                            + {{(SW-BYTES_LOG2){1'b0}}, xfer_addr[BYTES_LOG2-1:0]} - {{(SW-1){1'b0}}, 1'b1};
    wire [4:0]    short_m1  = last_off[SW-1:BYTES_LOG2];          // beats - 1 (<= 16)
    wire          unused_last_off = ^last_off[BYTES_LOG2-1:0];
    wire [PG_W-1:0] head_room_m1 = ~xfer_addr[11:BYTES_LOG2];
    wire          fast      = xfer_fast_ok && !xfer_skip && short_len
                           && ({4'd0, short_m1} < MAX_BEATS)
                           && ({8'd0, short_m1} <= {{(13-PG_W){1'b0}}, head_room_m1});
    // offered at once when allowed; otherwise SIZE waits for emit_ok (registers loaded)
    wire          fast_emit = fast && ((state == IDLE) ? emit_ok : emit_ok_last);

    always @(posedge clk) begin
        if (rst) begin
            state     <= IDLE;
            bst_valid <= 1'b0;
        end else begin
            case (state)
            CALC: state <= SIZE;
            SIZE: if (emit_ok) begin
                bst_valid <= 1'b1;
                state     <= EMIT;
            end
            EMIT: begin
                if (trunc_en) begin
                    bst_valid <= 1'b0;
                    state     <= CALC;
                end else if (bst_ready) begin
                    bst_valid <= 1'b0;
                    state     <= bst_last ? IDLE : CALC;
                end
            end
            default: ;
            endcase
            if (take) begin
                state     <= xfer_skip ? IDLE : !fast ? CALC : fast_emit ? EMIT : SIZE;
                bst_valid <= fast_emit;
            end
        end
    end

    // datapath registers: loaded with enables only (no reset needed)
    always @(posedge clk) begin
        if (take) begin
            base     <= xfer_addr[ADDR_WIDTH-1:BYTES_LOG2];
            bst_user <= xfer_user;
        end
        if (take)
            total <= span[LEN_WIDTH:BYTES_LOG2];
        else if (state == EMIT && trunc_en)
            total <= trunc_beats;
        if (take)
            issued <= {CNT_WIDTH{1'b0}};
        else if (accept)
            issued <= issued + {{(CNT_WIDTH-8){1'b0}}, bst_len} + 1'b1;
        if (take)
            cur_lo <= xfer_addr[11:BYTES_LOG2];
        else if (accept)
            cur_lo <= cur[PG_W-1:0] + beats_x[PG_W-1:0];
        if (take && fast) begin
            // the burst, and the CALC results SIZE would turn into it (fits: last)
            rem_m1   <= {{(CNT_WIDTH-5){1'b0}}, short_m1};
            cur      <= xfer_addr[ADDR_WIDTH-1:BYTES_LOG2];
            limit_m1 <= 8'hFF;
            bst_len  <= {3'd0, short_m1};
            bst_last <= 1'b1;
        end
        if (state == CALC) begin
            rem_m1   <= total + ~issued;
            cur      <= base + issued_x;
            limit_m1 <= page_lim ? room_x[7:0] : cap_m1[7:0];
        end
        if (state == SIZE) begin
            bst_len  <= fits ? rem_m1[7:0] : limit_m1;
            bst_last <= fits;
        end
    end
endmodule
`default_nettype wire
