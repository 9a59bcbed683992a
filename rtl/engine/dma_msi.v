// SPDX-License-Identifier: Apache-2.0
// Message-signalled interrupts: one pending bit per vector, and the one message
// on its way to the descriptor port (docs/registers.md, "Message-signalled
// interrupts").
//
// An event (a one-cycle pulse from the register block) sets its vector's pending
// bit. While the bus master is enabled, a pending and unmasked vector is picked
// round robin, its pending bit clearing in the same cycle (an event in that cycle
// sets it again: a new message); the pick is registered (one-hot) and the next
// cycle loads that vector's table entry into the request register (an AND-OR of
// the registered pick: no path from the pending bits through the arbiter into the
// 96 bits of address and data, for Fmax). The front end takes
// the request into its write-back AW stage (msi_take), and reports the write's B
// response (msi_b_valid); an error response is passed on as msi_err_set for the
// vector, and also makes an event of the error vector (the last one) unless that
// is the vector that failed. Every output is a flip-flop.
`default_nettype none
module dma_msi #(
    parameter NUM_VECTORS = 5,      // NUM_CHANNELS + 1; the last is the error vector
    parameter ADDR_WIDTH  = 64,
    parameter USER_WIDTH  = 2       // AWUSER: the vector's channel (device ID)
) (
    input  wire                          clk,
    input  wire                          rst,
    input  wire                          bus_enable,     // GCTRL.BME
    input  wire [NUM_VECTORS-1:0]        event_set,      // pulses from the register block
    input  wire [NUM_VECTORS*64-1:0]     vec_addr,       // vector table (register block)
    input  wire [NUM_VECTORS*32-1:0]     vec_data,
    input  wire [NUM_VECTORS-1:0]        vec_mask,
    output wire [NUM_VECTORS-1:0]        pending,        // MSI_PBA
    output wire                          busy,           // a message taken, not yet sent
    // to the front end's write-back port
    output reg                           msi_valid,
    output reg  [ADDR_WIDTH-1:0]         msi_addr,
    output reg  [31:0]                   msi_data,
    output reg  [USER_WIDTH-1:0]         msi_user,
    output reg  [VEC_W-1:0]              msi_vec,
    input  wire                          msi_take,
    input  wire                          msi_b_valid,
    input  wire [VEC_W-1:0]              msi_b_vec,
    input  wire                          msi_b_err,
    output reg  [NUM_VECTORS-1:0]        msi_err_set     // to MSI_ERR
);
    localparam NV    = NUM_VECTORS;
    localparam VEC_W = (NV <= 1) ? 1 : $clog2(NV);
    localparam ERRV  = NV - 1;

    initial begin
        if (NV < 2 || NV > 16) begin
            $display("dma_msi: NUM_VECTORS must be 2..16 (got %0d)", NV);
            $finish;
        end
    end

    reg  [NV-1:0] pend;
    assign pending = pend;

    // the error vector's event: a failed message of another vector
    wire [NV-1:0] b_err_vec = (msi_b_valid && msi_b_err) ? ({{(NV-1){1'b0}}, 1'b1} << msi_b_vec)
                                                         : {NV{1'b0}};
    wire          err_event = |b_err_vec[NV-2:0];

    wire [NV-1:0]    cand = pend & ~vec_mask;
    wire [NV-1:0]    grant;
    wire [VEC_W-1:0] grant_idx;
    wire             any;
    reg              sel_valid;          // a vector picked, its entry loads next cycle
    reg  [NV-1:0]    sel;                // the picked vector, one-hot
    reg  [VEC_W-1:0] sel_idx;
    wire             pick = !msi_valid && !sel_valid && bus_enable && any;
    dma_rr_arbiter #(.N(NV)) vec_arb (
        .clk(clk), .rst(rst), .req(cand), .advance(pick),
        .grant(grant), .grant_idx(grant_idx), .any(any)
    );

    // the picked vector's table entry (AND-OR of the registered one-hot pick)
    reg [63:0] sel_addr;
    reg [31:0] sel_data;
    integer v;
    always @* begin
        sel_addr = 64'd0;
        sel_data = 32'd0;
        for (v = 0; v < NV; v = v + 1) begin
            sel_addr = sel_addr | (vec_addr[v*64 +: 64] & {64{sel[v]}});
            sel_data = sel_data | (vec_data[v*32 +: 32] & {32{sel[v]}});
        end
    end
    wire [ADDR_WIDTH-1:0] sel_addr_w = sel_addr[ADDR_WIDTH-1:0];
    generate
        if (ADDR_WIDTH < 64) begin : g_addr_hi
            wire unused_addr_hi = ^sel_addr[63:ADDR_WIDTH];
        end
    endgenerate

    wire [NV-1:0] ev = event_set | {err_event, {(NV-1){1'b0}}};

    always @(posedge clk) begin
        if (rst) begin
            pend        <= {NV{1'b0}};
            sel_valid   <= 1'b0;
            sel         <= {NV{1'b0}};
            sel_idx     <= {VEC_W{1'b0}};
            msi_valid   <= 1'b0;
            msi_addr    <= {ADDR_WIDTH{1'b0}};
            msi_data    <= 32'd0;
            msi_user    <= {USER_WIDTH{1'b0}};
            msi_vec     <= {VEC_W{1'b0}};
            msi_err_set <= {NV{1'b0}};
        end else begin
            pend        <= (pend & ~(grant & {NV{pick}})) | ev;
            msi_err_set <= b_err_vec;
            sel_valid <= pick;
            if (pick) begin
                sel     <= grant;
                sel_idx <= grant_idx;
            end
            if (sel_valid) begin
                msi_valid <= 1'b1;
                msi_addr  <= sel_addr_w;     // bits 1:0 are 0 in the table
                msi_data  <= sel_data;
                // vector c is channel c's (device ID c); the error vector uses 0
                msi_user  <= (sel_idx == ERRV[VEC_W-1:0]) ? {USER_WIDTH{1'b0}}
                                                          : sel_idx[USER_WIDTH-1:0];
                msi_vec   <= sel_idx;
            end else if (msi_take) begin
                msi_valid <= 1'b0;
            end
        end
    end
    assign busy = msi_valid || sel_valid;

    generate
        if (VEC_W > USER_WIDTH) begin : g_user_narrow
            wire unused_idx = ^sel_idx[VEC_W-1:USER_WIDTH];
        end
    endgenerate
endmodule
`default_nettype wire
