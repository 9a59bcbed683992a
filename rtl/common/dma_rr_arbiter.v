// SPDX-License-Identifier: Apache-2.0
// Round-robin arbiter: grants one requester per cycle, starting the search
// just after the last one granted, so every requester is served in turn.
// The grant is combinational; `advance` (grant taken) moves the pointer.
// For each value of the pointer the search order is a constant, so the grant
// is a fixed-priority pick per pointer value and one multiplexer (no adders).
`default_nettype none
module dma_rr_arbiter #(
    parameter N = 4
) (
    input  wire                 clk,
    input  wire                 rst,
    input  wire [N-1:0]         req,
    input  wire                 advance,
    output reg  [N-1:0]         grant,
    output reg  [IDX_W-1:0]     grant_idx,
    output wire                 any
);
    localparam IDX_W = (N <= 1) ? 1 : $clog2(N);

    reg [IDX_W-1:0] last;
    integer l, k;
    reg [IDX_W:0] cand;
    reg found;

    assign any = |req;

    always @* begin
        grant     = {N{1'b0}};
        grant_idx = {IDX_W{1'b0}};
        found     = 1'b0;
        cand      = {(IDX_W+1){1'b0}};
        for (l = 0; l < N; l = l + 1) begin
            for (k = 1; k <= N; k = k + 1) begin
                cand = l[IDX_W:0] + k[IDX_W:0];
                if (cand >= N[IDX_W:0])
                    cand = cand - N[IDX_W:0];
                if (last == l[IDX_W-1:0] && !found && req[cand[IDX_W-1:0]]) begin
                    found                  = 1'b1;
                    grant[cand[IDX_W-1:0]] = 1'b1;
                    grant_idx              = cand[IDX_W-1:0];
                end
            end
        end
    end

    always @(posedge clk) begin
        if (rst)
            last <= N[IDX_W-1:0] - 1'b1;   // so that requester 0 goes first
        else if (advance && found)
            last <= grant_idx;
    end
endmodule
`default_nettype wire
