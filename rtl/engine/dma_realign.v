// SPDX-License-Identifier: Apache-2.0
// Byte-lane realigner: turns the beats of one source (memory read data, or a
// packed AXI4-Stream) into beats aligned for the destination, one beat per
// cycle, with the strobes of partial first/last beats.
//
// Each transfer {so, do, len} is taken from a first-word-fall-through queue
// into a prefetch register (its output beat count and strobe masks computed
// on the way in) and starts from there (its input beat count and shift then).
// Per beat only counters and registered flags decide, so no byte arithmetic
// sits between the handshakes (the engine's Fmax).
// Output beat k is a window of two input beats shifted by `sh` bytes:
//   so >  do: out[k] = {in[k+1], in[k]} >> (so-do)     (in[0] is preloaded)
//   so <= do: out[k] = {in[k], in[k-1]} >> (N+so-do)
// When no input beat is left, the last output is flushed from the held beat.
// Memory-source transfers follow each other without a bubble; a transfer that
// has a stream source, or follows one, starts one cycle after the previous
// transfer's last beat (where a stream transfer starts in the head stream beat
// is only known then).
//
// Stream sources: so is the offset into the head stream beat left over by the
// previous transfer. A transfer takes exactly `len` bytes unless TLAST ends the
// packet first (then it ends early: fewer bytes, done_eop = 1). A beat whose
// bytes are not all taken stays on the stream (not popped) for the next
// transfer. in_bytes gives the bytes of a stream TLAST beat (else N).
//
// A read error (in_err) poisons the transfer: from the failing beat on, every
// output beat has a zero strobe, so nothing derived from bad data is written.
//
// Output beats leave through a register. A beat is produced only when its
// destination has room for two (out_room, a registered flag of the caller), so
// the output register always drains and no handshake path crosses it.
// A transfer's completion record
// {good bytes, error, eop, output beats} comes with its last output beat;
// a transfer starts only when a completion record slot is free (DONE_SLOTS
// slots, one freed per done_free pulse), so the output never waits for it.
`default_nettype none
module dma_realign #(
    parameter DATA_WIDTH = 64,
    parameter LEN_WIDTH  = 32,
    parameter USER_WIDTH = 1,
    parameter DONE_SLOTS = 4,
    parameter DST_BIT    = 0,        // the bit of xfer_user that selects the destination
    parameter CNT_WIDTH  = LEN_WIDTH - $clog2(DATA_WIDTH/8) + 1
) (
    input  wire                    clk,
    input  wire                    rst,
    // transfer queue head (first-word fall-through)
    input  wire                    xfer_valid,
    output wire                    xfer_pop,
    input  wire [$clog2(DATA_WIDTH/8)-1:0] xfer_so,         // memory source offset in beat
    input  wire [$clog2(DATA_WIDTH/8)-1:0] xfer_do,         // destination offset in beat
    input  wire [LEN_WIDTH-1:0]    xfer_len,         // bytes, >= 1
    input  wire                    xfer_src_stream,
    input  wire [USER_WIDTH-1:0]   xfer_user,        // carried to the output beats
    input  wire                    xfer_skip,        // pop this transfer and drop it
    // source beats
    output wire                    in_stream,        // 1: the working transfer reads the stream
    output wire                    dst_stream,       // xfer_user[DST_BIT] of the working transfer
    input  wire                    in_valid,
    output wire                    in_ready,
    input  wire [DATA_WIDTH-1:0]   in_data,
    input  wire [1:0]              in_err,           // 0 ok, else read error code
    input  wire                    in_last,          // stream TLAST
    input  wire [$clog2(DATA_WIDTH/8):0] in_bytes,   // stream: bytes in a TLAST beat (1..N)
    // aligned beats
    input  wire                    out_room,         // the working transfer's destination
                                                     // can take two more beats (registered)
    output reg                     out_valid,
    input  wire                    out_ready,
    output reg  [DATA_WIDTH-1:0]   out_data,
    output reg  [DATA_WIDTH/8-1:0] out_strb,
    output reg                     out_last,         // last beat of the transfer
    output reg  [USER_WIDTH-1:0]   out_user,
    // completion, the cycle after the last output beat left
    output wire                    done_valid,
    output wire [LEN_WIDTH-1:0]    done_good,        // bytes delivered before a read error
    output wire [1:0]              done_err,
    output wire                    done_eop,         // stream TLAST ended the transfer
    output wire [CNT_WIDTH-1:0]    done_beats,       // output beats of the transfer
    output wire [USER_WIDTH-1:0]   done_user,        // xfer_user of the transfer
    input  wire                    done_free         // a completion record was consumed
);
    localparam N      = DATA_WIDTH / 8;
    localparam OFF_W  = $clog2(N);
    localparam CW     = CNT_WIDTH;
    localparam [OFF_W:0]   NB   = N[OFF_W:0];
    localparam [N-1:0]     ONES = {N{1'b1}};
    localparam CRED_W = $clog2(DONE_SLOTS + 1);
    localparam [OFF_W-1:0] NM1  = {OFF_W{1'b1}};   // N - 1

    // =====================================================================
    // Prefetch register: the next transfer, with its per-transfer values
    // =====================================================================
    reg                  pf_v;
    reg                  pf_stream;
    reg [USER_WIDTH-1:0] pf_user;
    reg [LEN_WIDTH-1:0]  pf_len;
    reg [OFF_W-1:0]      pf_do;
    reg [CW-1:0]         pf_nout;       // output beats
    reg                  pf_nout_one;
    reg [N-1:0]          pf_first_mask, pf_last_mask;
    reg [OFF_W-1:0]      pf_so;         // memory source offset (a stream source starts
                                        // where the previous transfer left the stream)

    // beats covering len bytes from offset `off`: (len + off + N-1) / N
    /* verilator lint_off UNUSEDSIGNAL */   // span's low bits: the offset in the last beat
    function [CW-1:0] beats_of(input [LEN_WIDTH-1:0] len, input [OFF_W-1:0] off);
        reg [LEN_WIDTH:0] span;
        reg [OFF_W:0]     pad;      // off + N - 1: one carry chain, not two
        begin
            pad  = {1'b0, off} + {1'b0, NM1};
            span = {1'b0, len} + {{(LEN_WIDTH-OFF_W){1'b0}}, pad};
            beats_of = span[LEN_WIDTH:OFF_W];
        end
    endfunction
    // beats_of(len, off) == 1, without the adder: 1 <= len + off <= N
    function one_beat(input [LEN_WIDTH-1:0] len, input [OFF_W-1:0] off);
        begin
            one_beat = (len[LEN_WIDTH-1:OFF_W+1] == {(LEN_WIDTH-OFF_W-1){1'b0}})
                    && (len[OFF_W:0] <= NB - {1'b0, off});
        end
    endfunction
    /* verilator lint_on UNUSEDSIGNAL */
    // lane one past the last byte of the final beat: ((len + off - 1) mod N) + 1
    function [OFF_W:0] end_of(input [OFF_W-1:0] len_lo, input [OFF_W-1:0] off);
        reg [OFF_W-1:0] t;
        begin
            t = len_lo + off + NM1;
            end_of = {1'b0, t} + 1'b1;
        end
    endfunction

    wire [CW-1:0] x_nout = beats_of(xfer_len, xfer_do);
    wire [OFF_W:0] x_out_end = end_of(xfer_len[OFF_W-1:0], xfer_do);

    assign xfer_pop = xfer_valid && !pf_v;

    // =====================================================================
    // Working transfer
    // =====================================================================
    reg                  act;
    reg                  stream;
    reg [USER_WIDTH-1:0] user;
    reg                  preload;   // preload: the next input beat is in[0] of a so > do transfer
    reg [OFF_W-1:0]      d;
    reg [CW-1:0]         in_cnt, out_cnt;
    reg                  in_zero, in_one, out_one;
    reg [OFF_W:0]        in_end;
    reg [N-1:0]          last_mask;
    // strobe masks of the next output beat (all ones unless it is the first / the last)
    reg [N-1:0]          cur_first, cur_last;
    reg [OFF_W:0]        nd;            // N - d: a packet ending within nd bytes ends this beat
    reg [1:0]            err;
    reg                  eop_seen;
    reg [OFF_W-1:0]      stream_off;    // bytes of the head stream beat already taken
    reg [DATA_WIDTH-9:0] prev;          // the last input beat taken, but its byte 0 (never shifted out)
    reg [CRED_W-1:0]     cred;          // free completion record slots

    // the values that depend on where the source starts, computed as the
    // transfer starts (stream_off is stable then: a stream-source transfer
    // only starts when no transfer is active)
    wire [OFF_W-1:0] l_so     = pf_stream ? stream_off : pf_so;
    wire [CW-1:0]    l_nin    = beats_of(pf_len, l_so);
    wire [OFF_W:0]   l_in_end = end_of(pf_len[OFF_W-1:0], l_so);
    wire [OFF_W-1:0] l_d      = pf_do - l_so;

    // ---- per beat ---------------------------------------------------------
    wire consume = !in_zero;
    wire produce = !preload;
    wire o_ready = !out_valid || out_ready;     // always true when out_room is honest
    wire fire    = act && (!consume || in_valid) && (!produce || out_room);

    wire           tl         = stream && in_last;
    wire           ge         = (in_end >= in_bytes);
    wire           pop_in     = !stream || !in_one || ge;
    wire           stream_end = consume && tl && (!in_one || ge);
    wire [OFF_W+1:0] ebd      = {1'b0, in_bytes} + {2'b0, d};  // end lane of the packet
    wire           early_now  = (in_bytes <= nd);
    wire           last_out   = produce && (stream_end ? early_now : out_one);
    wire           finish     = fire && last_out;
    // a memory-source transfer's last beat: the next transfer may start in the
    // same cycle (after a stream-source one it starts a cycle later, which keeps
    // the stream end arithmetic out of the load path)
    wire           finish_mem = fire && produce && out_one && !stream;

    wire [1:0] err_in  = (consume && !stream) ? in_err : 2'd0;
    wire [1:0] err_now = (err != 2'd0) ? err : err_in;

    // (a packet end beyond this beat shifts all ones out: a full mask)
    wire [N-1:0] strb     = cur_first & (stream_end ? ~(ONES << ebd) : cur_last);
    // the shift sh = N - d is 1..N bytes: drop the window's first byte and
    // select with N-1-d = ~d, a plain N:1 byte multiplexer
    wire [2*DATA_WIDTH-9:0] window = {in_data, prev};
    wire [OFF_W-1:0]        sel    = ~d;

    assign in_ready  = fire && consume && pop_in;
    assign in_stream  = stream;
    assign dst_stream = user[DST_BIT];

    // ---- loading the next transfer ---------------------------------------------
    wire cred_ok  = (cred != {CRED_W{1'b0}});
    wire load_mem = pf_v && !pf_stream && cred_ok && (!act || finish_mem);
    wire load_str = pf_v &&  pf_stream && cred_ok && !act;
    wire load     = load_mem || load_str;

    always @(posedge clk) begin
        if (rst) begin
            pf_v <= 1'b0;
        end else if (xfer_pop) begin
            pf_v <= !xfer_skip;
        end else if (load) begin
            pf_v <= 1'b0;
        end
        if (xfer_pop) begin
            pf_stream     <= xfer_src_stream;
            pf_user       <= xfer_user;
            pf_len        <= xfer_len;
            pf_do         <= xfer_do;
            pf_nout       <= x_nout;
            pf_nout_one   <= one_beat(xfer_len, xfer_do);
            pf_first_mask <= ONES << xfer_do;
            pf_last_mask  <= ~(ONES << x_out_end);
            pf_so         <= xfer_so;
        end
    end

    always @(posedge clk) begin
        if (rst) begin
            act        <= 1'b0;
            stream     <= 1'b0;
            user       <= {USER_WIDTH{1'b0}};
            preload    <= 1'b0;
            d          <= {OFF_W{1'b0}};
            nd         <= NB;
            cur_first  <= ONES;
            cur_last   <= ONES;
            in_cnt     <= {CW{1'b0}};
            out_cnt    <= {CW{1'b0}};
            in_zero    <= 1'b1;
            in_one     <= 1'b0;
            out_one    <= 1'b0;
            in_end     <= NB;
            last_mask  <= ONES;
            err        <= 2'd0;
            eop_seen   <= 1'b0;
            stream_off <= {OFF_W{1'b0}};
            prev       <= {(DATA_WIDTH-8){1'b0}};
        end else begin
            if (fire) begin
                if (finish) act <= 1'b0;
                preload   <= 1'b0;
                err       <= err_now;
                eop_seen  <= eop_seen || stream_end;
                if (consume) begin
                    prev    <= in_data[DATA_WIDTH-1:8];
                    in_cnt  <= in_cnt - 1'b1;
                    in_one  <= !stream_end && (in_cnt == {{(CW-2){1'b0}}, 2'd2});
                    in_zero <= stream_end || in_one;
                    if (stream)
                        stream_off <= pop_in ? {OFF_W{1'b0}} : in_end[OFF_W-1:0];
                end
                if (produce) begin
                    out_cnt <= out_cnt - 1'b1;
                    out_one   <= (out_cnt == {{(CW-2){1'b0}}, 2'd2});
                    cur_first <= ONES;
                    cur_last  <= (out_cnt == {{(CW-2){1'b0}}, 2'd2}) ? last_mask : ONES;
                end
                // the packet ended before the transfer's last output beat:
                // one more beat flushes what is held
                if (stream_end && !(produce && early_now)) begin
                    out_one   <= 1'b1;
                    cur_last  <= ~(ONES << {1'b0, ebd[OFF_W-1:0]});
                end
            end
            if (load) begin
                act        <= 1'b1;
                stream     <= pf_stream;
                user       <= pf_user;
                err        <= 2'd0;
                eop_seen   <= 1'b0;
                out_cnt    <= pf_nout;
                out_one    <= pf_nout_one;
                cur_first  <= pf_first_mask;
                last_mask  <= pf_last_mask;
                cur_last   <= pf_nout_one ? pf_last_mask : ONES;
                in_zero    <= 1'b0;
                in_cnt  <= l_nin;
                in_one  <= one_beat(pf_len, l_so);
                in_end  <= l_in_end;
                d       <= l_d;
                nd      <= NB - {1'b0, l_d};
                preload <= (l_so > pf_do);
            end
        end
    end

    // ---- output register ---------------------------------------------------------
    reg [1:0] o_err;
    reg       o_eop;
    always @(posedge clk) begin
        if (rst) begin
            out_valid <= 1'b0;
            out_data  <= {DATA_WIDTH{1'b0}};
            out_strb  <= {N{1'b0}};
            out_last  <= 1'b0;
            out_user  <= {USER_WIDTH{1'b0}};
            o_err     <= 2'd0;
            o_eop     <= 1'b0;
        end else if (o_ready) begin
            out_valid <= fire && produce;
            if (fire && produce) begin
                out_data <= window[sel*8 +: DATA_WIDTH];
                out_strb <= (err_now != 2'd0) ? {N{1'b0}} : strb;
                out_last <= last_out;
                out_user <= user;
                o_err    <= err_now;
                o_eop    <= eop_seen || stream_end;
            end
        end
    end

    // ---- completion record and its slots -----------------------------------------
    // Each beat handed over is counted a cycle later (its strobe bytes from a
    // register), so the record leaves a cycle after the transfer's last beat.
    reg                 c_valid, c_last, c_eop;
    reg [1:0]           c_err;
    reg [USER_WIDTH-1:0] c_user;
    reg [OFF_W:0]       c_bytes;
    reg [LEN_WIDTH-1:0] good_acc;
    reg [CW-1:0]        beats_acc;
    reg [OFF_W:0]       strb_bytes;
    integer i;
    always @* begin
        strb_bytes = {(OFF_W+1){1'b0}};
        for (i = 0; i < N; i = i + 1)
            strb_bytes = strb_bytes + {{OFF_W{1'b0}}, out_strb[i]};
    end
    wire handoff = out_valid && out_ready;

    assign done_valid = c_valid && c_last;
    assign done_good  = good_acc + {{(LEN_WIDTH-OFF_W-1){1'b0}}, c_bytes};
    assign done_beats = beats_acc + 1'b1;
    assign done_err   = c_err;
    assign done_eop   = c_eop;
    assign done_user  = c_user;

    always @(posedge clk) begin
        if (rst) begin
            c_valid   <= 1'b0;
            good_acc  <= {LEN_WIDTH{1'b0}};
            beats_acc <= {CW{1'b0}};
            cred      <= DONE_SLOTS[CRED_W-1:0];
        end else begin
            c_valid <= handoff;
            if (c_valid) begin
                good_acc  <= c_last ? {LEN_WIDTH{1'b0}} : done_good;
                beats_acc <= c_last ? {CW{1'b0}} : done_beats;
            end
            cred <= cred - {{(CRED_W-1){1'b0}}, load} + {{(CRED_W-1){1'b0}}, done_free};
        end
        if (handoff) begin
            c_last  <= out_last;
            c_bytes <= strb_bytes;
            c_err   <= o_err;
            c_eop   <= o_eop;
            c_user  <= out_user;
        end
    end
endmodule
`default_nettype wire
