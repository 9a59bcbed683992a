// SPDX-License-Identifier: Apache-2.0
// dma_fifo against a model: an occupancy count and one tracked entry (written at
// a time the solver picks, with any value). Properties:
//   - empty == no entries; full == the RAM's DEPTH entries (with OUT_REG the
//     output register holds one more); the capacity is exactly DEPTH (+1);
//   - writes when full and reads when empty change nothing;
//   - the tracked entry leaves in order (after every entry written before it)
//     and with its value: dout shows it when it is at the head;
//   - an entry is never shown before it is written (write-to-dout latency
//     1 cycle, 2 with OUT_REG).
`default_nettype none
module wrap_fifo #(
    parameter WIDTH      = 4,
    parameter DEPTH_LOG2 = 2,
    parameter OUT_REG    = 0
) (
    input wire             clk,
    input wire             rst,
    input wire             wr_en,
    input wire [WIDTH-1:0] din,
    input wire             rd_en,
    input wire             f_pick     // the write to track
);
    wire             full, empty;
    wire [WIDTH-1:0] dout;
    dma_fifo #(.WIDTH(WIDTH), .DEPTH_LOG2(DEPTH_LOG2), .OUT_REG(OUT_REG)) dut (
        .clk(clk), .rst(rst), .wr_en(wr_en), .din(din), .full(full),
        .rd_en(rd_en), .dout(dout), .empty(empty));
`ifdef FORMAL
    localparam DEPTH = 1 << DEPTH_LOG2;
    localparam CAP   = DEPTH + (OUT_REG != 0 ? 1 : 0);
    reg f_past = 1'b0;
    always @(posedge clk) f_past <= 1'b1;
    always @* if (!f_past) assume(rst);

    wire push = wr_en && !full;
    wire pop  = rd_en && !empty;
    reg [DEPTH_LOG2+1:0] f_n = 0;       // entries
    always @(posedge clk)
        if (rst) f_n <= 0;
        else     f_n <= f_n + push - pop;

    // the tracked entry
    reg             f_in = 1'b0;       // in the FIFO
    reg             f_done = 1'b0;     // tracked once already
    reg [DEPTH_LOG2+1:0] f_ahead = 0;  // entries before it
    reg [WIDTH-1:0] f_val;
    reg [1:0]       f_age = 0;         // cycles since it was written (saturating)
    always @(posedge clk)
        if (rst) begin
            f_in <= 1'b0; f_done <= 1'b0;
        end else begin
            if (push && f_pick && !f_in && !f_done) begin
                f_in <= 1'b1; f_done <= 1'b1; f_val <= din;
                f_ahead <= f_n - pop; f_age <= 0;
            end else if (f_in) begin
                if (pop && f_ahead == 0) f_in <= 1'b0;
                if (pop && f_ahead != 0) f_ahead <= f_ahead - 1'b1;
                if (f_age != 2'd3) f_age <= f_age + 1'b1;
            end
        end

    always @* if (f_past && !rst) begin
        assert(f_n <= CAP);
        assert(empty == (f_n == 0) || (OUT_REG != 0 && f_n != 0 && empty));
        if (OUT_REG == 0) assert(full == (f_n == DEPTH));
        else              assert(full == (f_n - !empty == DEPTH));
        if (f_in) assert(f_ahead < f_n);
        if (f_in && f_ahead == 0 && !empty) assert(dout == f_val);
        // the head is shown as soon as it can be: 1 cycle after the write (2 with OUT_REG)
        if (f_in && f_ahead == 0 && f_age >= (OUT_REG != 0 ? 1 : 0)) assert(!empty);
    end
    // with OUT_REG, empty may lag one cycle behind the first write
    always @(posedge clk) if (f_past && !rst && !$past(rst) && OUT_REG != 0)
        if ($past(f_n != 0 && !pop) || $past(f_n > 1)) assert(!empty);
    // covers: full and drained again
    always @* if (!rst) cover(full);
`endif
endmodule
`default_nettype wire
