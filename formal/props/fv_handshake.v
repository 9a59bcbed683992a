// SPDX-License-Identifier: Apache-2.0
// Formal property set for one VALID/READY channel (an AXI4 / AXI4-Lite /
// AXI4-Stream channel, or a block's own valid/ready port), written from the
// handshake rules of the AMBA AXI4 specification (A3.2.1, A3.2.2) and the
// AXI4-Stream specification (2.2.1):
//   - after reset VALID is low (the source may raise it only after reset);
//   - once VALID is high it stays high until the cycle READY is high;
//   - the payload does not change while VALID && !READY;
//   - optional liveness as safety: READY within MAX_WAIT cycles of VALID.
// SRC_IS_DUT chooses the side: 1 = the block under test drives VALID and the
// payload (those rules are asserted, the READY bound is assumed of the
// environment); 0 = the environment drives them (assumed; the READY bound is
// asserted of the block).
`default_nettype none
module fv_handshake #(
    parameter WIDTH      = 1,
    parameter SRC_IS_DUT = 1,
    parameter MAX_WAIT   = 0     // 0: no bound on READY
) (
    input wire             clk,
    input wire             rst,
    input wire             valid,
    input wire             ready,
    input wire [WIDTH-1:0] payload
);
`ifdef FORMAL
    reg f_past = 1'b0;
    always @(posedge clk) f_past <= 1'b1;

    // rules on the source
    always @(posedge clk) if (f_past) begin
        if ($past(rst) && !rst) begin
            if (SRC_IS_DUT) assert(!valid); else assume(!valid);
        end
        if (!$past(rst) && !rst && $past(valid && !ready)) begin
            if (SRC_IS_DUT) assert(valid); else assume(valid);
            if (SRC_IS_DUT) assert(payload == $past(payload)); else assume(payload == $past(payload));
        end
    end

    // liveness as safety: READY within MAX_WAIT cycles of VALID
    reg [15:0] f_wait = 16'd0;
    always @(posedge clk)
        if (rst || !valid || ready) f_wait <= 16'd0;
        else if (f_wait != 16'hffff) f_wait <= f_wait + 16'd1;
    generate if (MAX_WAIT > 0) begin : g_wait
        always @* if (!rst && valid && f_wait >= MAX_WAIT) begin
            if (SRC_IS_DUT) assume(ready); else assert(ready);
        end
    end endgenerate
`endif
endmodule
`default_nettype wire
