// Burst legalizer: splits one transfer {addr, len} into AXI4 INCR bursts that
// never cross a 4 KiB boundary and never exceed min(MAX_BURST_LEN, cap_beats)
// beats. Bursts are full-width (AxSIZE = log2 bytes per beat) and start at the
// beat-aligned address; the caller masks partial first/last beats with strobes.
// Used unchanged by the read (AR) and the write (AW) side of the datapath.
//
// Timing and area: everything is counted in beats from a per-transfer base
// address (loaded once), and each burst takes short steps -- CALC (where the
// burst starts, beats left), ROOM (room to the 4 KiB boundary), SIZE (burst
// length), EMIT (offer the registered burst) -- so no path holds more than one
// carry chain and no wide register needs a multiplexer. A transfer waits in a
// stage register (its beat count computed on entry), so the next transfer
// starts as soon as the last burst of the current one is taken. One burst every
// four cycles is far above what the data bus needs for bursts of 4+ beats.
module dma_burst_gen #(
    parameter ADDR_WIDTH    = 64,
    parameter LEN_WIDTH     = 32,
    parameter BYTES_LOG2    = 3,     // log2(bytes per beat)
    parameter MAX_BURST_LEN = 256,
    parameter USER_WIDTH    = 1,     // carried with the transfer to its bursts
    // beat counts: a transfer of 2**LEN_WIDTH-1 bytes at any offset
    parameter CNT_WIDTH     = LEN_WIDTH - BYTES_LOG2 + 1
) (
    input  wire                   clk,
    input  wire                   rst,
    // transfer in
    input  wire                   xfer_valid,
    output wire                   xfer_ready,
    input  wire [ADDR_WIDTH-1:0]  xfer_addr,
    input  wire [LEN_WIDTH-1:0]   xfer_len,      // bytes, >= 1
    input  wire [USER_WIDTH-1:0]  xfer_user,
    // run-time burst cap (1..MAX_BURST_LEN)
    input  wire [8:0]             cap_beats,
    // the transfer turned out shorter (stream ended early): its new total in
    // beats (at least one more than the beats already issued). Accepted only
    // while bst_valid is high; the caller holds bst_ready low in that cycle.
    input  wire                   trunc_en,
    input  wire [CNT_WIDTH-1:0]   trunc_beats,
    // bursts out (registered; stable while bst_valid is high)
    output reg                    bst_valid,
    input  wire                   bst_ready,
    output wire [ADDR_WIDTH-1:0]  bst_addr,      // beat-aligned
    output reg  [8:0]             bst_beats,     // 1..256
    output reg                    bst_last,      // last burst of the transfer
    output reg  [USER_WIDTH-1:0]  bst_user       // the user field of the transfer being split
);
    localparam BA_W       = ADDR_WIDTH - BYTES_LOG2;     // beat address width
    localparam PG_W       = 12 - BYTES_LOG2;             // beat index inside a 4 KiB page
    localparam [PG_W:0] PAGE_BEATS = 1 << PG_W;
    localparam [8:0]    MAX_BEATS  = MAX_BURST_LEN;

    localparam [2:0] IDLE = 3'd0, CALC = 3'd1, ROOM = 3'd2, SIZE = 3'd3, EMIT = 3'd4;

    // ---- stage register: the next transfer, in beats ---------------------------
    reg                  s0_valid;
    reg [BA_W-1:0]       s0_baddr;
    reg [CNT_WIDTH-1:0]  s0_beats;
    reg [USER_WIDTH-1:0] s0_user;
    // (offset + N - 1 first: one carry chain on the wide sum)
    wire [BYTES_LOG2:0]  pad  = {1'b0, xfer_addr[BYTES_LOG2-1:0]} + {1'b0, {BYTES_LOG2{1'b1}}};
    wire [LEN_WIDTH:0]   span = {1'b0, xfer_len} + {{(LEN_WIDTH-BYTES_LOG2){1'b0}}, pad};
    wire unused_span = ^span[BYTES_LOG2-1:0];
    assign xfer_ready = !s0_valid;

    // ---- the transfer being split ----------------------------------------------
    reg [2:0]            state;
    reg [BA_W-1:0]       base;          // first beat of the transfer
    reg [CNT_WIDTH-1:0]  total;         // beats of the transfer
    reg [CNT_WIDTH-1:0]  issued;        // beats covered by bursts already taken
    reg [CNT_WIDTH-1:0]  rem;           // CALC: total - issued
    reg [BA_W-1:0]       cur;           // CALC: base + issued, the next burst's first beat
    reg [8:0]            limit;         // ROOM: min(cap, MAX, room in the page)

    // issued, at the beat address width (a transfer never wraps the address space)
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

    wire [PG_W:0] page_room = PAGE_BEATS - {1'b0, cur[PG_W-1:0]};   // 1..PAGE_BEATS
    wire [12:0]   room_x    = {{(12-PG_W){1'b0}}, page_room};
    wire [8:0]    cap       = (cap_beats < MAX_BEATS) ? cap_beats : MAX_BEATS;
    wire          page_lim  = (room_x < {4'd0, cap});
    wire          fits      = (rem[CNT_WIDTH-1:9] == {(CNT_WIDTH-9){1'b0}}) && (rem[8:0] <= limit);

    assign bst_addr = {cur, {BYTES_LOG2{1'b0}}};

    wire take_s0 = s0_valid && ((state == IDLE) || (state == EMIT && bst_ready && bst_last && !trunc_en));

    always @(posedge clk) begin
        if (rst) begin
            s0_valid  <= 1'b0;
            state     <= IDLE;
            bst_valid <= 1'b0;
        end else begin
            if (take_s0)
                s0_valid <= 1'b0;
            else if (xfer_valid && !s0_valid)
                s0_valid <= 1'b1;

            case (state)
            CALC:    state <= ROOM;
            ROOM:    state <= SIZE;
            SIZE: begin
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
            if (take_s0)
                state <= CALC;
        end
    end

    // datapath registers: loaded with enables only (no reset needed)
    always @(posedge clk) begin
        if (xfer_valid && !s0_valid) begin
            s0_baddr <= xfer_addr[ADDR_WIDTH-1:BYTES_LOG2];
            s0_beats <= span[LEN_WIDTH:BYTES_LOG2];
            s0_user  <= xfer_user;
        end
        if (take_s0) begin
            base     <= s0_baddr;
            bst_user <= s0_user;
        end
        if (take_s0)
            total <= s0_beats;
        else if (state == EMIT && trunc_en)
            total <= trunc_beats;
        if (take_s0)
            issued <= {CNT_WIDTH{1'b0}};
        else if (state == EMIT && bst_ready && !trunc_en)
            issued <= issued + {{(CNT_WIDTH-9){1'b0}}, bst_beats};
        if (state == CALC) begin
            rem <= total - issued;
            cur <= base + issued_x;
        end
        if (state == ROOM)
            limit <= page_lim ? room_x[8:0] : cap;
        if (state == SIZE) begin
            bst_beats <= fits ? rem[8:0] : limit;
            bst_last  <= fits;
        end
    end
endmodule
