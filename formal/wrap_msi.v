// SPDX-License-Identifier: Apache-2.0
// dma_msi: the message register is a VALID/READY source (fv_handshake on
// msi_valid/msi_take: low after reset, held until taken, payload stable). A
// pick happens exactly when no message is held or being loaded, the bus master
// is enabled and some vector is pending and unmasked; the next cycle loads the
// picked vector's table entry, and the message appears exactly in the cycle
// after that (two cycles after the pick) and leaves exactly on msi_take. It is
// for the round-robin pick among the vectors pending and unmasked in the pick
// cycle (a reference pointer kept here, tied to the arbiter's own by a tap) and
// carries that vector's table entry (address, data) of the load cycle and its
// AWUSER; the pending bits follow their model exactly (set by an event, cleared
// by the pick unless an event sets the bit in the same cycle); an error B
// response of vector v < NV-1 sets msi_err_set[v] and the error vector's pending
// bit one cycle later, one of the error vector sets only msi_err_set (no event,
// no loop); busy is msi_valid or a pick being loaded. Liveness (as safety): a
// pending unmasked vector is picked after at most NV-1 picks of others, and
// within LAT_BOUND cycles while the bus master stays enabled and every message
// is taken within TAKE_WAIT cycles of being offered (a window in which the
// environment breaks either condition starts over).
`default_nettype none
module wrap_msi #(
    parameter NUM_VECTORS = 4,
    parameter ADDR_WIDTH  = 8,
    parameter USER_WIDTH  = 1,
    parameter TAKE_WAIT   = 2
) (
    input wire                      clk,
    input wire                      rst,
    input wire                      bus_enable,
    input wire [NUM_VECTORS-1:0]    event_set,
    input wire [NUM_VECTORS*64-1:0] vec_addr,
    input wire [NUM_VECTORS*32-1:0] vec_data,
    input wire [NUM_VECTORS-1:0]    vec_mask,
    input wire                      msi_take,
    input wire                      msi_b_valid,
    input wire [VEC_W-1:0]          msi_b_vec,
    input wire                      msi_b_err
);
    localparam NV    = NUM_VECTORS;
    localparam VEC_W = (NV <= 1) ? 1 : $clog2(NV);
    localparam ERRV  = NV - 1;
    localparam TW    = TAKE_WAIT;
    // cycles a pending unmasked vector waits before its pick, at most: the end
    // of a message already picked (its load cycle and TW+1 cycles offered), then
    // NV-1 messages of other vectors (a pick cycle, a load cycle and up to TW+1
    // cycles offered each)
    localparam LAT_BOUND = (TW + 2) + (NV - 1) * (TW + 3);

    wire [NV-1:0]         pending;
    wire                  busy, msi_valid;
    wire [ADDR_WIDTH-1:0] msi_addr;
    wire [31:0]           msi_data;
    wire [USER_WIDTH-1:0] msi_user;
    wire [VEC_W-1:0]      msi_vec;
    wire [NV-1:0]         msi_err_set;
    dma_msi #(.NUM_VECTORS(NV), .ADDR_WIDTH(ADDR_WIDTH), .USER_WIDTH(USER_WIDTH)) dut (
        .clk(clk), .rst(rst), .bus_enable(bus_enable), .event_set(event_set),
        .vec_addr(vec_addr), .vec_data(vec_data), .vec_mask(vec_mask),
        .pending(pending), .busy(busy),
        .msi_valid(msi_valid), .msi_addr(msi_addr), .msi_data(msi_data), .msi_user(msi_user),
        .msi_vec(msi_vec), .msi_take(msi_take),
        .msi_b_valid(msi_b_valid), .msi_b_vec(msi_b_vec), .msi_b_err(msi_b_err),
        .msi_err_set(msi_err_set));
`ifdef FORMAL
    reg f_past = 1'b0;
    always @(posedge clk) f_past <= 1'b1;
    always @* if (!f_past) assume(rst);
    always @* if (f_past) assume(!rst);

    // the message channel: a VALID/READY source (no bound on msi_take here)
    fv_handshake #(.WIDTH(ADDR_WIDTH + 32 + USER_WIDTH + VEC_W), .SRC_IS_DUT(1)) p_msg (
        .clk(clk), .rst(rst), .valid(msi_valid), .ready(msi_take),
        .payload({msi_addr, msi_data, msi_user, msi_vec}));

    // ---------------------------------------------------------------- model
    wire [VEC_W-1:0] f_last_dut;   // tap: dut.vec_arb.last
    reg  [VEC_W-1:0] f_last = ERRV;
    wire [NV-1:0]    f_cand = pending & ~vec_mask;
    reg              p_pick = 0;        // a pick in the previous cycle: its entry loads now
    wire             f_pick = !msi_valid && !p_pick && bus_enable && (f_cand != 0);
    // the round-robin pick: the first candidate after the last one picked
    reg  [VEC_W-1:0] f_ref;
    reg              f_found;
    integer k, c;
    always @* begin
        f_ref = 0; f_found = 1'b0;
        for (k = 1; k <= NV; k = k + 1) begin
            c = (f_last + k) % NV;
            if (!f_found && f_cand[c]) begin f_found = 1'b1; f_ref = c; end
        end
    end
    wire [NV-1:0] f_ref_1h = {{(NV-1){1'b0}}, 1'b1} << f_ref;
    // this cycle's events: the inputs, and the error vector's for a failed
    // message of another vector
    wire          f_berr  = msi_b_valid && msi_b_err;
    wire          f_errev = f_berr && msi_b_vec < ERRV;
    wire [NV-1:0] f_ev    = event_set | ({{(NV-1){1'b0}}, f_errev} << ERRV);

    always @(posedge clk)
        if (rst) f_last <= ERRV;
        else if (f_pick) f_last <= f_ref;

    // the previous cycle, as seen here
    reg                     p_rst = 1, p_valid = 0, p_take = 0, p_be = 0, p_berr = 0, p_bvalid = 0;
    reg [VEC_W-1:0]         p_ref = 0, p_bvec = 0;
    reg [NV-1:0]            p_pend = 0, p_cand = 0, p_ev = 0, p_evset = 0;
    reg [NV*ADDR_WIDTH-1:0] p_addr = 0;
    reg [NV*32-1:0]         p_data = 0;
    // two cycles back (the pick of a message appearing now)
    reg                     pp_rst = 1, pp_pick = 0, pp_be = 0;
    reg [VEC_W-1:0]         pp_ref = 0;
    reg [NV-1:0]            pp_pend = 0, pp_cand = 0;
    integer v;
    always @(posedge clk) begin
        pp_rst <= p_rst; pp_pick <= p_pick; pp_be <= p_be; pp_ref <= p_ref; pp_pend <= p_pend; pp_cand <= p_cand;
        p_rst <= rst; p_pick <= !rst && f_pick; p_valid <= msi_valid; p_take <= msi_take; p_be <= bus_enable;
        p_berr <= f_berr; p_bvalid <= msi_b_valid; p_ref <= f_ref; p_bvec <= msi_b_vec;
        p_pend <= pending; p_cand <= f_cand; p_ev <= f_ev; p_evset <= event_set;
        for (v = 0; v < NV; v = v + 1)
            p_addr[v*ADDR_WIDTH +: ADDR_WIDTH] <= vec_addr[v*64 +: ADDR_WIDTH];
        p_data <= vec_data;
    end
    wire [NV-1:0] p_pick_1h = p_pick ? ({{(NV-1){1'b0}}, 1'b1} << p_ref) : {NV{1'b0}};
    wire [NV-1:0] p_bvec_1h = {{(NV-1){1'b0}}, 1'b1} << p_bvec;   // 0 when p_bvec >= NV

    always @* if (f_past && !rst) begin
        assert(busy == (msi_valid || p_pick));
        assert(!(msi_valid && p_pick));
        assert(f_last_dut == f_last);                         // tap invariant
        assert(f_last < NV);
        if (msi_valid) assert(msi_vec < NV);
        if (msi_valid) assert(msi_user == ((msi_vec == ERRV) ? {USER_WIDTH{1'b0}} : msi_vec[USER_WIDTH-1:0]));
    end

    always @* if (f_past && !p_rst && !rst) begin
        // a message appears exactly two cycles after a pick, and leaves
        // exactly on msi_take
        assert(msi_valid == (pp_pick || (p_valid && !p_take)));
        // the picked vector's pending bit clears, unless an event set it
        if (p_pick) assert(pending[p_ref] == p_ev[p_ref]);
    end
    always @* if (f_past && !p_rst && !pp_rst && !rst) begin
        // a new message: picked with the bus master enabled, for a vector then
        // pending and unmasked (the round-robin one), with its table entry of
        // the load cycle (the one after the pick)
        if (msi_valid && !p_valid) begin
            assert(pp_pick);
            assert(pp_be);
            assert(pp_cand[msi_vec] && pp_pend[msi_vec]);
            assert(msi_vec == pp_ref);
            assert(msi_addr == p_addr[msi_vec*ADDR_WIDTH +: ADDR_WIDTH]);
            assert(msi_data == p_data[msi_vec*32 +: 32]);
        end
    end
    always @* if (f_past && !p_rst && !rst) begin
        // every pending bit: kept, set by an event, cleared only by its pick
        assert(pending == ((p_pend & ~p_pick_1h) | p_ev));
        // error responses
        assert(msi_err_set == (p_berr ? p_bvec_1h : {NV{1'b0}}));
        if (p_berr && p_bvec < ERRV) assert(msi_err_set[p_bvec] && pending[ERRV]);
        // a response of the error vector itself raises no error-vector event
        if (p_bvalid && p_bvec == ERRV && !p_evset[ERRV])
            assert(pending[ERRV] == (p_pend[ERRV] && !(p_pick && p_ref == ERRV)));
    end

    // ---------------------------------------------------------------- liveness
    (* anyconst *) reg [VEC_W-1:0] f_v;      // the tracked vector
    always @* assume(f_v < NV);
    wire f_vcand = f_cand[f_v];
    wire f_vpick = f_pick && f_ref == f_v;
    // picks of other vectors while f_v is pending and unmasked
    reg [7:0] f_starve = 0;
    always @(posedge clk)
        if (rst || !f_vcand || f_vpick) f_starve <= 0;
        else if (f_pick) f_starve <= f_starve + 1'b1;
    // stall cycles of the message offered (msi_valid && !msi_take so far)
    reg [7:0] f_twait = 0;
    always @(posedge clk)
        if (rst || !msi_valid || msi_take) f_twait <= 0;
        else if (f_twait != 8'hff) f_twait <= f_twait + 1'b1;
    // cycles f_v has waited, while the bus master is enabled and the
    // environment takes every message within TAKE_WAIT cycles
    wire f_env_bad = msi_valid && !msi_take && f_twait >= TW;
    reg [7:0] f_lat = 0;
    always @(posedge clk)
        if (rst || !f_vcand || !bus_enable || f_env_bad || f_vpick) f_lat <= 0;
        else if (f_lat != 8'hff) f_lat <= f_lat + 1'b1;

    // positions between the pointer and f_v: the picks f_v can still lose
    wire [VEC_W:0] f_dist = (f_v + NV - f_last - 1) % NV;
    always @* if (f_past && !rst) begin
        assert(f_starve <= NV - 1);
        if (f_vcand) assert(f_starve + f_dist <= NV - 1);
        assert(f_lat <= LAT_BOUND);
        // (the invariant behind the bound: the cycles spent so far)
        assert(f_lat <= (msi_valid ? f_starve * (TW + 3) + 1 + f_twait
                         : p_pick  ? f_starve * (TW + 3)
                         :           (TW + 2) + f_starve * (TW + 3)));
    end
    always @* if (f_past && !rst) begin
        cover(f_vpick && f_lat == LAT_BOUND);
        cover(msi_err_set[0] && pending[ERRV]);
    end
`endif
endmodule
`default_nettype wire
