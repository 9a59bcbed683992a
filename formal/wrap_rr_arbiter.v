// SPDX-License-Identifier: Apache-2.0
// dma_rr_arbiter: the grant is one-hot (or zero when nothing requests), only a
// requester is granted, grant_idx names the grant, `any` is |req; round robin:
// the grant is the first requester after the last one granted (a reference
// pointer kept here, tied to the arbiter's own by a tap); no starvation: a
// requester that keeps requesting is granted after at most N-1 grants to others.
`default_nettype none
module wrap_rr_arbiter #(
    parameter N = 4
) (
    input wire         clk,
    input wire         rst,
    input wire [N-1:0] req,
    input wire         advance
);
    localparam IDX_W = (N <= 1) ? 1 : $clog2(N);
    wire [N-1:0]     grant;
    wire [IDX_W-1:0] grant_idx;
    wire             any;
    dma_rr_arbiter #(.N(N)) dut (.clk(clk), .rst(rst), .req(req), .advance(advance),
                                 .grant(grant), .grant_idx(grant_idx), .any(any));
`ifdef FORMAL
    reg f_past = 1'b0;
    always @(posedge clk) f_past <= 1'b1;
    always @* if (!f_past) assume(rst);

    wire [IDX_W-1:0] f_last_dut;   // tap: dut.last
    // reference pointer and reference grant
    reg  [IDX_W-1:0] f_last = N - 1;
    always @(posedge clk)
        if (rst) f_last <= N - 1;
        else if (advance && any) f_last <= grant_idx;
    reg [IDX_W-1:0] f_ref;
    reg             f_found;
    integer k, c;
    always @* begin
        f_ref = 0; f_found = 1'b0;
        for (k = 1; k <= N; k = k + 1) begin
            c = (f_last + k) % N;
            if (!f_found && req[c]) begin f_found = 1'b1; f_ref = c; end
        end
    end

    // starvation counters: grants to others while requester i waits
    reg [7:0] f_wait [0:N-1];
    integer i;
    initial for (i = 0; i < N; i = i + 1) f_wait[i] = 0;
    always @(posedge clk)
        for (i = 0; i < N; i = i + 1)
            if (rst || !req[i] || (advance && grant[i])) f_wait[i] <= 0;
            else if (advance && any) f_wait[i] <= f_wait[i] + 1'b1;

    // distance from the pointer to requester i: the grants it can still lose
    function [IDX_W:0] dist;
        input [IDX_W-1:0] last;
        input integer     r;
        begin
            dist = (r + N - last - 1) % N;
        end
    endfunction

    always @* if (f_past && !rst) begin
        assert(f_last_dut == f_last);               // tap invariant
        assert(f_last < N);
        assert(any == |req);
        assert((grant & (grant - 1'b1)) == 0);     // at most one grant
        assert((grant & ~req) == 0);               // only to a requester
        assert((grant != 0) == any);
        if (any) assert(grant == ({{(N-1){1'b0}}, 1'b1} << grant_idx) && grant_idx == f_ref);
    end
    always @* if (f_past && !rst)
        for (i = 0; i < N; i = i + 1) begin
            assert(f_wait[i] <= N - 1);
            if (req[i]) assert(f_wait[i] + dist(f_last, i) <= N - 1);
        end
    always @* if (!rst) cover(f_wait[0] == N - 1);
`endif
endmodule
`default_nettype wire
