// Byte-lane realigner: turns the beats of one source (memory read data, or a
// packed AXI4-Stream) into beats aligned for the destination, one beat per
// cycle, with the strobes of partial first/last beats.
//
// Each transfer {so, do, len} is read from the head of a first-word-fall-through
// queue (xfer_*) and popped when its last output beat leaves, so consecutive
// transfers follow each other without a bubble. Output beat k is a window of
// two input beats shifted by `sh` bytes:
//   so >  do: out[k] = {in[k+1], in[k]} >> (so-do)     (in[0] is preloaded)
//   so <= do: out[k] = {in[k], in[k-1]} >> (N+so-do)
// When no input beat is left, the last output is flushed from the held beat.
//
// Stream sources: so is the offset into the head stream beat left over by the
// previous transfer. A transfer takes exactly `len` bytes unless TLAST ends the
// packet first (then it ends early: done_len < len, done_eop = 1). A beat whose
// bytes are not all taken stays on the stream (not popped) for the next
// transfer. On a TLAST beat, TKEEP's contiguous ones from lane 0 give the byte
// count (TKEEP[0] = 0 counts as a full beat); other beats are always full.
//
// A read error (in_err) poisons the transfer: from the failing beat on, every
// output beat has a zero strobe, so nothing derived from bad data is written.
module dma_realign #(
    parameter DATA_WIDTH = 64,
    parameter LEN_WIDTH  = 32
) (
    input  wire                    clk,
    input  wire                    rst,
    // transfer queue head (stable while xfer_valid and not popped)
    input  wire                    xfer_valid,
    output wire                    xfer_pop,
    input  wire [$clog2(DATA_WIDTH/8)-1:0] xfer_so,         // memory source offset in beat
    input  wire [$clog2(DATA_WIDTH/8)-1:0] xfer_do,         // destination offset in beat
    input  wire [LEN_WIDTH-1:0]    xfer_len,         // bytes, >= 1
    input  wire                    xfer_src_stream,
    // source beats
    input  wire                    in_valid,
    output wire                    in_ready,
    input  wire [DATA_WIDTH-1:0]   in_data,
    input  wire [1:0]              in_err,           // 0 ok, else read error code
    input  wire                    in_last,          // stream TLAST
    input  wire [DATA_WIDTH/8-1:0] in_keep,          // stream TKEEP
    // aligned beats
    output wire                    out_valid,
    input  wire                    out_ready,
    output wire [DATA_WIDTH-1:0]   out_data,
    output wire [DATA_WIDTH/8-1:0] out_strb,
    output wire                    out_last,         // last beat of the transfer
    // transfer completion (fires with the last output beat)
    input  wire                    done_ready,
    output wire                    done_valid,
    output wire [LEN_WIDTH-1:0]    done_len,         // bytes the transfer covered
    output wire [LEN_WIDTH-1:0]    done_good,        // bytes delivered before a read error
    output wire [1:0]              done_err,
    output wire                    done_eop          // stream TLAST ended the transfer
);
    localparam N     = DATA_WIDTH / 8;
    localparam OFF_W = $clog2(N);
    localparam [OFF_W:0] NB = N[OFF_W:0];

    // ---- state ---------------------------------------------------------------
    reg                    fresh;       // next cycle starts the transfer at the queue head
    reg                    preloaded;
    reg                    first_in;
    reg                    first_out;
    reg  [LEN_WIDTH-1:0]   in_rem;      // bytes still to take from the source
    reg  [LEN_WIDTH-1:0]   out_rem;     // bytes still to emit
    reg  [LEN_WIDTH-1:0]   len_act;     // transfer length, shortened by an early TLAST
    reg  [LEN_WIDTH-1:0]   good;
    reg  [1:0]             err;
    reg                    eop_seen;
    reg  [OFF_W-1:0]       so_lat;
    reg  [OFF_W-1:0]       stream_off;  // bytes of the head stream beat already taken
    reg  [DATA_WIDTH-1:0]  prev;

    // values for this cycle: straight from the queue head on a fresh transfer
    wire [OFF_W-1:0]     so        = fresh ? (xfer_src_stream ? stream_off : xfer_so) : so_lat;
    wire                 first_in_c  = fresh | first_in;
    wire                 first_out_c = fresh | first_out;
    wire                 preloaded_c = !fresh & preloaded;
    wire [LEN_WIDTH-1:0] in_rem_c  = fresh ? xfer_len : in_rem;
    wire [LEN_WIDTH-1:0] out_rem_c = fresh ? xfer_len : out_rem;
    wire [LEN_WIDTH-1:0] len_c     = fresh ? xfer_len : len_act;
    wire [LEN_WIDTH-1:0] good_c    = fresh ? {LEN_WIDTH{1'b0}} : good;
    wire [1:0]           err_c     = fresh ? 2'd0 : err;
    wire                 eop_c     = !fresh & eop_seen;

    wire                 pre   = (so > xfer_do);
    wire [OFF_W:0]       sh    = pre ? {1'b0, so} - {1'b0, xfer_do}
                                     : NB + {1'b0, so} - {1'b0, xfer_do};

    wire preload = pre && !preloaded_c;
    wire consume = preload || (in_rem_c != {LEN_WIDTH{1'b0}});
    wire produce = !preload;

    // ---- input side --------------------------------------------------------------
    // valid bytes in this source beat: contiguous TKEEP ones on a stream TLAST beat
    reg [OFF_W:0] keep_bytes;
    integer i;
    always @* begin
        keep_bytes = NB;
        for (i = N - 1; i >= 1; i = i - 1)
            if (!in_keep[i]) keep_bytes = i[OFF_W:0];
    end
    wire [OFF_W:0] beat_bytes = (xfer_src_stream && in_last) ? keep_bytes : NB;
    wire [OFF_W:0] avail      = first_in_c ? beat_bytes - {1'b0, so} : beat_bytes;
    wire           take_all   = (in_rem_c >= {{(LEN_WIDTH-OFF_W-1){1'b0}}, avail});
    wire [OFF_W:0] take       = take_all ? avail : in_rem_c[OFF_W:0];
    wire [LEN_WIDTH-1:0] in_rem_after = in_rem_c - {{(LEN_WIDTH-OFF_W-1){1'b0}}, take};
    wire           stream_end = xfer_src_stream && in_last && take_all && consume;
    wire [LEN_WIDTH-1:0] shortfall = stream_end ? in_rem_after : {LEN_WIDTH{1'b0}};
    // a stream beat is popped only when all its bytes are taken
    wire           pop_in     = !xfer_src_stream || take_all;

    // ---- output side -------------------------------------------------------------
    wire [LEN_WIDTH-1:0] out_rem_eff = out_rem_c - shortfall;
    wire [OFF_W:0]       lo          = first_out_c ? {1'b0, xfer_do} : {(OFF_W+1){1'b0}};
    wire [OFF_W:0]       room        = NB - lo;
    wire                 last_out    = (out_rem_eff <= {{(LEN_WIDTH-OFF_W-1){1'b0}}, room});
    wire [OFF_W:0]       nbytes      = last_out ? out_rem_eff[OFF_W:0] : room;
    wire [OFF_W:0]       hi          = lo + nbytes;                 // one past the last lane
    wire [N-1:0]         mask_lo     = {N{1'b1}} << lo;
    wire [N-1:0]         mask_hi     = ~({N{1'b1}} << hi);          // hi == N: all lanes
    wire [N-1:0]         strb        = mask_lo & mask_hi;

    wire [1:0]           err_in  = (consume && !xfer_src_stream) ? in_err : 2'd0;
    wire [1:0]           err_now = (err_c != 2'd0) ? err_c : err_in;

    wire [2*DATA_WIDTH-1:0] window = {in_data, prev};

    wire fire = xfer_valid
             && (!consume || in_valid)
             && (!produce || out_ready)
             && (!(produce && last_out) || done_ready);
    wire finish = fire && produce && last_out;

    assign in_ready  = fire && consume && pop_in;
    assign out_valid = xfer_valid && produce && (!consume || in_valid)
                    && (!last_out || done_ready);
    assign out_data  = window[sh*8 +: DATA_WIDTH];
    assign out_strb  = (err_now != 2'd0) ? {N{1'b0}} : strb;
    assign out_last  = last_out;
    assign xfer_pop  = finish;

    wire [LEN_WIDTH-1:0] good_next = good_c + ((err_now != 2'd0) ? {LEN_WIDTH{1'b0}}
                                              : {{(LEN_WIDTH-OFF_W-1){1'b0}}, nbytes});
    assign done_valid = finish;
    assign done_len   = len_c - shortfall;
    assign done_good  = good_next;
    assign done_err   = err_now;
    assign done_eop   = eop_c | stream_end;

    always @(posedge clk) begin
        if (rst) begin
            fresh      <= 1'b1;
            preloaded  <= 1'b0;
            first_in   <= 1'b1;
            first_out  <= 1'b1;
            in_rem     <= {LEN_WIDTH{1'b0}};
            out_rem    <= {LEN_WIDTH{1'b0}};
            len_act    <= {LEN_WIDTH{1'b0}};
            good       <= {LEN_WIDTH{1'b0}};
            err        <= 2'd0;
            eop_seen   <= 1'b0;
            so_lat     <= {OFF_W{1'b0}};
            stream_off <= {OFF_W{1'b0}};
            prev       <= {DATA_WIDTH{1'b0}};
        end else if (fire) begin
            fresh     <= finish;
            so_lat    <= so;
            preloaded <= preloaded_c | preload;
            first_in  <= first_in_c & !consume;
            first_out <= first_out_c & !produce;
            in_rem    <= consume ? (stream_end ? {LEN_WIDTH{1'b0}} : in_rem_after) : in_rem_c;
            out_rem   <= produce ? out_rem_eff - {{(LEN_WIDTH-OFF_W-1){1'b0}}, nbytes} : out_rem_eff;
            len_act   <= len_c - shortfall;
            good      <= produce ? good_next : good_c;
            err       <= err_now;
            eop_seen  <= eop_c | stream_end;
            if (consume) begin
                prev <= in_data;
                if (xfer_src_stream)
                    stream_off <= pop_in ? {OFF_W{1'b0}}
                                         : (first_in_c ? so : {OFF_W{1'b0}}) + take[OFF_W-1:0];
            end
        end
    end
endmodule
