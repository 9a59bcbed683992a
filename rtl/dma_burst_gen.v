// Burst legalizer: splits one transfer {addr, len} into AXI4 INCR bursts that
// never cross a 4 KiB boundary and never exceed min(MAX_BURST_LEN, cap_beats)
// beats. Bursts are full-width (AxSIZE = log2 bytes per beat) and start at the
// beat-aligned address; the caller masks partial first/last beats with strobes.
// Used unchanged by the read (AR) and the write (AW) side of the datapath.
//
// Timing: everything is counted in beats, and each burst takes three short
// steps (CALC: room to the 4 KiB boundary; SIZE: burst length; EMIT: offer the
// registered burst), so no path holds more than one carry chain. A transfer
// waits in a stage register (its beat count computed on entry), so the next
// transfer starts as soon as the last burst of the current one is taken. One
// burst every three cycles is far above what the data bus needs for bursts
// of three beats or more.
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

    localparam [1:0] IDLE = 2'd0, CALC = 2'd1, SIZE = 2'd2, EMIT = 2'd3;

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
    reg [1:0]            state;
    reg [BA_W-1:0]       baddr;         // next beat to cover
    reg [CNT_WIDTH-1:0]  rem;           // beats still to cover
    reg [CNT_WIDTH-1:0]  issued;        // beats covered by bursts already taken
    reg [8:0]            limit;         // CALC result: min(cap, MAX, room in page)
    reg                  rem_big;       // CALC result: rem > 256

    wire [PG_W:0] page_room = PAGE_BEATS - {1'b0, baddr[PG_W-1:0]};   // 1..PAGE_BEATS
    wire [8:0]    cap       = (cap_beats < MAX_BEATS) ? cap_beats : MAX_BEATS;
    wire [12:0]   room_x    = {{(12-PG_W){1'b0}}, page_room};
    wire          page_lim  = (room_x < {4'd0, cap});
    wire          fits      = !rem_big && (rem[8:0] <= limit);

    assign bst_addr = {baddr, {BYTES_LOG2{1'b0}}};

    wire take_s0 = s0_valid && ((state == IDLE) || (state == EMIT && bst_ready && bst_last));

    always @(posedge clk) begin
        if (rst) begin
            s0_valid  <= 1'b0;
            s0_baddr  <= {BA_W{1'b0}};
            s0_beats  <= {CNT_WIDTH{1'b0}};
            s0_user   <= {USER_WIDTH{1'b0}};
            bst_user  <= {USER_WIDTH{1'b0}};
            state     <= IDLE;
            baddr     <= {BA_W{1'b0}};
            rem       <= {CNT_WIDTH{1'b0}};
            issued    <= {CNT_WIDTH{1'b0}};
            limit     <= 9'd0;
            rem_big   <= 1'b0;
            bst_valid <= 1'b0;
            bst_beats <= 9'd0;
            bst_last  <= 1'b0;
        end else begin
            if (take_s0)
                s0_valid <= 1'b0;
            else if (xfer_valid && !s0_valid) begin
                s0_valid <= 1'b1;
                s0_baddr <= xfer_addr[ADDR_WIDTH-1:BYTES_LOG2];
                s0_beats <= span[LEN_WIDTH:BYTES_LOG2];
                s0_user  <= xfer_user;
            end

            case (state)
            CALC: begin
                limit   <= page_lim ? room_x[8:0] : cap;
                rem_big <= |rem[CNT_WIDTH-1:9];
                state   <= SIZE;
            end
            SIZE: begin
                bst_beats <= fits ? rem[8:0] : limit;
                bst_last  <= fits;
                bst_valid <= 1'b1;
                state     <= EMIT;
            end
            EMIT: begin
                if (trunc_en) begin
                    bst_valid <= 1'b0;
                    rem       <= trunc_beats - issued;
                    state     <= CALC;
                end else if (bst_ready) begin
                    bst_valid <= 1'b0;
                    baddr     <= baddr + {{(BA_W-9){1'b0}}, bst_beats};
                    rem       <= rem - {{(CNT_WIDTH-9){1'b0}}, bst_beats};
                    issued    <= issued + {{(CNT_WIDTH-9){1'b0}}, bst_beats};
                    state     <= bst_last ? IDLE : CALC;
                end
            end
            default: ;
            endcase

            if (take_s0) begin
                baddr  <= s0_baddr;
                rem    <= s0_beats;
                issued <= {CNT_WIDTH{1'b0}};
                bst_user <= s0_user;
                state  <= CALC;
            end
        end
    end
endmodule
