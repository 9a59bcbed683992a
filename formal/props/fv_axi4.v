// SPDX-License-Identifier: Apache-2.0
// AXI4 (full) property set, written from the AMBA AXI4 specification:
//   A3.2   every channel keeps the VALID/READY rules: VALID low after reset,
//          VALID held until READY, payload stable while VALID && !READY
//          (fv_handshake on AW, W, B, AR, R);
//   A3.4.1 AxBURST is not reserved; AxSIZE is not wider than the bus; an INCR
//          burst never crosses a 4 KiB boundary; a WRAP burst has 2, 4, 8 or 16
//          beats and an aligned address; a FIXED burst at most 16; and the
//          master's own bound: at most MAX_BURST beats (<= 256);
//   A3.3   W data follows AW order (AXI4 has no WID): WLAST on exactly the last
//          beat of each AW burst, no W beats beyond what the issued AW bursts
//          allow, and -- when W_BEFORE_AW = 0, where the design promises it --
//          no W beat before its AW; B only after both the AW and the last W beat
//          of that write (the AXI4 write response dependency), with the BID of
//          such a completed write; R only for an outstanding AR, with its ID,
//          RLAST on exactly the last beat of that burst (bursts of one ID come
//          back in order; different IDs may interleave);
//   bounds  at most MAX_RD_OUT reads and MAX_WR_OUT writes outstanding;
//   liveness as safety: the environment's READYs within ENV_WAIT cycles of
//          VALID (assumed), the block's READYs within DUT_WAIT (asserted), the
//          slave's responses within MAX_RESP cycles of being owed.
// IDs are checked for one symbolic ID (f_id, any constant value): what is
// proved for it holds for every ID. The slave's per-ID rules are then assumed
// for that one ID only, so a proof of a master whose responses matter for
// every ID uses one instance per ID with FIXED_ID set.
// MASTER_IS_DUT = 1: the block under test is the master (the master's rules are
// asserted, the slave's assumed); 0: it is the slave (the reverse).
`default_nettype none
module fv_axi4 #(
    parameter ID_WIDTH      = 4,
    parameter ADDR_WIDTH    = 32,
    parameter DATA_WIDTH    = 32,
    parameter USER_WIDTH    = 1,
    parameter MASTER_IS_DUT = 1,
    parameter MAX_BURST     = 256,
    parameter MAX_RD_OUT    = 4,
    parameter MAX_WR_OUT    = 4,
    parameter W_BEFORE_AW   = 1,   // 0: the master promises W never before its AW
    parameter ENV_WAIT      = 0,
    parameter DUT_WAIT      = 0,
    parameter MAX_RESP      = 0,
    parameter QLOG2         = 3,   // tracking queue depth 2**QLOG2 >= MAX_*_OUT
    parameter FIXED_ID      = -1   // >= 0: check this ID instead of a symbolic one
) (
    input wire                    clk,
    input wire                    rst,
    input wire [ID_WIDTH-1:0]     awid,
    input wire [ADDR_WIDTH-1:0]   awaddr,
    input wire [7:0]              awlen,
    input wire [2:0]              awsize,
    input wire [1:0]              awburst,
    input wire                    awlock,
    input wire [3:0]              awcache,
    input wire [2:0]              awprot,
    input wire [USER_WIDTH-1:0]   awuser,
    input wire                    awvalid,
    input wire                    awready,
    input wire [DATA_WIDTH-1:0]   wdata,
    input wire [DATA_WIDTH/8-1:0] wstrb,
    input wire                    wlast,
    input wire                    wvalid,
    input wire                    wready,
    input wire [ID_WIDTH-1:0]     bid,
    input wire [1:0]              bresp,
    input wire                    bvalid,
    input wire                    bready,
    input wire [ID_WIDTH-1:0]     arid,
    input wire [ADDR_WIDTH-1:0]   araddr,
    input wire [7:0]              arlen,
    input wire [2:0]              arsize,
    input wire [1:0]              arburst,
    input wire                    arlock,
    input wire [3:0]              arcache,
    input wire [2:0]              arprot,
    input wire [USER_WIDTH-1:0]   aruser,
    input wire                    arvalid,
    input wire                    arready,
    input wire [ID_WIDTH-1:0]     rid,
    input wire [DATA_WIDTH-1:0]   rdata,
    input wire [1:0]              rresp,
    input wire                    rlast,
    input wire                    rvalid,
    input wire                    rready,
    // the checker's state, for a wrapper's invariants
    output reg [8:0]              f_wr_out,   // AWs handshaken, B not yet
    output reg [8:0]              f_rd_out,   // ARs handshaken, last R not yet
    output reg [8:0]              f_b_due,    // writes complete (AW and WLAST), B not yet
    output reg [QLOG2:0]          f_awq_n,    // AWs whose W burst is not complete
    output reg [QLOG2:0]          f_wq_n,     // W bursts complete before their AW
    output reg [8:0]              f_wbeat     // beats of the W burst in progress
);
`ifdef FORMAL
    localparam M  = MASTER_IS_DUT, S = !MASTER_IS_DUT;
    localparam MW = M ? ENV_WAIT : DUT_WAIT;   // bound on AWREADY, WREADY, ARREADY
    localparam SW = M ? DUT_WAIT : ENV_WAIT;   // bound on BREADY, RREADY
    localparam NB = DATA_WIDTH / 8;
    localparam D  = 1 << QLOG2;
    localparam [2:0] SIZE_MAX = $clog2(NB);

    wire [ID_WIDTH-1:0] f_id;
    generate if (FIXED_ID >= 0) begin : g_fixed_id
        assign f_id = FIXED_ID;
    end else begin : g_any_id
        (* anyconst *) reg [ID_WIDTH-1:0] f_id_any;
        assign f_id = f_id_any;
    end endgenerate

    fv_handshake #(.WIDTH(ID_WIDTH + ADDR_WIDTH + 8 + 3 + 2 + 1 + 4 + 3 + USER_WIDTH), .SRC_IS_DUT(M), .MAX_WAIT(MW)) h_aw (
        .clk(clk), .rst(rst), .valid(awvalid), .ready(awready),
        .payload({awid, awaddr, awlen, awsize, awburst, awlock, awcache, awprot, awuser}));
    fv_handshake #(.WIDTH(DATA_WIDTH + NB + 1), .SRC_IS_DUT(M), .MAX_WAIT(MW)) h_w (
        .clk(clk), .rst(rst), .valid(wvalid), .ready(wready), .payload({wdata, wstrb, wlast}));
    fv_handshake #(.WIDTH(ID_WIDTH + ADDR_WIDTH + 8 + 3 + 2 + 1 + 4 + 3 + USER_WIDTH), .SRC_IS_DUT(M), .MAX_WAIT(MW)) h_ar (
        .clk(clk), .rst(rst), .valid(arvalid), .ready(arready),
        .payload({arid, araddr, arlen, arsize, arburst, arlock, arcache, arprot, aruser}));
    fv_handshake #(.WIDTH(ID_WIDTH + 2), .SRC_IS_DUT(S), .MAX_WAIT(SW)) h_b (
        .clk(clk), .rst(rst), .valid(bvalid), .ready(bready), .payload({bid, bresp}));
    fv_handshake #(.WIDTH(ID_WIDTH + DATA_WIDTH + 2 + 1), .SRC_IS_DUT(S), .MAX_WAIT(SW)) h_r (
        .clk(clk), .rst(rst), .valid(rvalid), .ready(rready), .payload({rid, rdata, rresp, rlast}));

    wire aw_hs = awvalid && awready, w_hs = wvalid && wready, b_hs = bvalid && bready;
    wire ar_hs = arvalid && arready, r_hs = rvalid && rready;

    // ------------------------------------------------------ address rules (A3.4.1)
    function legal_addr;
        input [ADDR_WIDTH-1:0] addr;
        input [7:0]            len;
        input [2:0]            size;
        input [1:0]            burst;
        reg   [13:0]           start, bytes;
        begin
            start = {2'b00, addr[11:0]} & ~((14'd1 << size) - 14'd1);
            bytes = ({6'd0, len} + 14'd1) << size;
            legal_addr = (burst != 2'b11) && (size <= SIZE_MAX)
                      && ({1'b0, len} + 9'd1 <= MAX_BURST)
                      && (burst != 2'b01 || start + bytes <= 14'd4096)
                      && (burst != 2'b00 || len <= 8'd15)
                      && (burst != 2'b10 || ((len == 8'd1 || len == 8'd3 || len == 8'd7 || len == 8'd15)
                                             && (addr[6:0] & ((7'd1 << size) - 7'd1)) == 7'd0));
        end
    endfunction

    // ------------------------------------------------------ write tracking
    reg [ID_WIDTH-1:0] awq_id  [0:D-1];
    reg [7:0]          awq_len [0:D-1];
    reg [7:0]          wq_len  [0:D-1];
    reg [QLOG2-1:0]    awq_rp = 0, awq_wp = 0, wq_rp = 0, wq_wp = 0;
    reg [8:0]          f_b_id = 0;   // of f_b_due: those with BID f_id
    initial begin f_wr_out = 0; f_rd_out = 0; f_b_due = 0; f_awq_n = 0; f_wq_n = 0; f_wbeat = 0; end

    // the AW burst the W beat of this cycle belongs to, if known
    wire        w_known = (f_awq_n != 0) || (aw_hs && f_wq_n == 0);
    wire [7:0]  w_len   = (f_awq_n != 0) ? awq_len[awq_rp] : awlen;
    wire [ID_WIDTH-1:0] w_id = (f_awq_n != 0) ? awq_id[awq_rp] : awid;
    wire        w_done  = w_hs && wlast;
    // this cycle's AW: matched with a W burst already complete, consumed by this
    // cycle's last W beat, or queued
    wire        aw_match_wq = aw_hs && f_wq_n != 0;
    wire        aw_direct   = aw_hs && f_awq_n == 0 && f_wq_n == 0 && w_done;
    wire        aw_push     = aw_hs && !aw_match_wq && !aw_direct;
    wire        awq_pop     = w_done && w_known && f_awq_n != 0;
    wire        wq_push     = w_done && !w_known;
    // writes that become complete this cycle (their B is then due)
    wire        c_w  = w_done && w_known;
    wire        c_w_id = c_w && (w_id == f_id);
    wire        c_aw = aw_match_wq;
    wire        c_aw_id = c_aw && (awid == f_id);

    always @(posedge clk) begin
        if (rst) begin
            awq_rp <= 0; awq_wp <= 0; wq_rp <= 0; wq_wp <= 0;
            f_awq_n <= 0; f_wq_n <= 0; f_wbeat <= 0;
            f_wr_out <= 0; f_b_due <= 0; f_b_id <= 0;
        end else begin
            if (aw_push) begin
                awq_id[awq_wp]  <= awid;
                awq_len[awq_wp] <= awlen;
                awq_wp <= awq_wp + 1'b1;
            end
            if (awq_pop) awq_rp <= awq_rp + 1'b1;
            f_awq_n <= f_awq_n + aw_push - awq_pop;
            if (wq_push) begin
                wq_len[wq_wp] <= f_wbeat[7:0];
                wq_wp <= wq_wp + 1'b1;
            end
            if (aw_match_wq) wq_rp <= wq_rp + 1'b1;
            f_wq_n <= f_wq_n + wq_push - aw_match_wq;
            if (w_hs) f_wbeat <= wlast ? 9'd0 : f_wbeat + 9'd1;
            f_wr_out <= f_wr_out + aw_hs - b_hs;
            f_b_due  <= f_b_due + c_w + c_aw - b_hs;
            f_b_id   <= f_b_id + (c_w_id) + (c_aw_id) - (b_hs && bid == f_id);
        end
    end

    // ------------------------------------------------------ read tracking (ID f_id)
    reg [7:0]       rq_len [0:D-1];
    reg [QLOG2-1:0] rq_rp = 0, rq_wp = 0;
    reg [QLOG2:0]   rq_n = 0;        // f_id bursts outstanding
    reg [8:0]       rbeat = 0;       // beats of the f_id burst in progress
    wire r_id  = (rid == f_id);
    wire rq_push = ar_hs && arid == f_id;
    wire rq_pop  = r_hs && rlast && r_id;
    always @(posedge clk) begin
        if (rst) begin
            rq_rp <= 0; rq_wp <= 0; rq_n <= 0; rbeat <= 0; f_rd_out <= 0;
        end else begin
            if (rq_push) begin
                rq_len[rq_wp] <= arlen;
                rq_wp <= rq_wp + 1'b1;
            end
            if (rq_pop) rq_rp <= rq_rp + 1'b1;
            rq_n <= rq_n + rq_push - rq_pop;
            if (r_hs && r_id) rbeat <= rlast ? 9'd0 : rbeat + 9'd1;
            f_rd_out <= f_rd_out + ar_hs - (r_hs && rlast);
        end
    end

    // ------------------------------------------------------ the rules
    // (MR: a master's rule, SR: a slave's; asserted of the block's side)
    always @* if (!rst) begin
        // master: address channels
        if (awvalid) begin
            if (M) assert(legal_addr(awaddr, awlen, awsize, awburst));
            else   assume(legal_addr(awaddr, awlen, awsize, awburst));
        end
        if (arvalid) begin
            if (M) assert(legal_addr(araddr, arlen, arsize, arburst));
            else   assume(legal_addr(araddr, arlen, arsize, arburst));
        end
        // master: W beats against the AW bursts
        if (w_hs && w_known) begin
            if (M) assert(wlast == (f_wbeat == {1'b0, w_len}));
            else   assume(wlast == (f_wbeat == {1'b0, w_len}));
        end
        if (wvalid && !w_known) begin
            if (W_BEFORE_AW == 0) begin
                if (M) assert(0); else assume(0);
            end
            // a W burst ahead of its AW is still at most MAX_BURST beats
            if (M) assert(f_wbeat < MAX_BURST || wlast);
            else   assume(f_wbeat < MAX_BURST || wlast);
        end
        if (aw_match_wq) begin   // a W burst completed ahead had this AW's length
            if (M) assert(awlen == wq_len[wq_rp]); else assume(awlen == wq_len[wq_rp]);
        end
        if (aw_hs && f_wq_n == 0 && f_awq_n == 0 && f_wbeat != 0) begin   // one in progress ahead
            if (M) assert({1'b0, awlen} >= f_wbeat); else assume({1'b0, awlen} >= f_wbeat);
        end
        // master: outstanding bounds (which also keep the tracking queues in range)
        if (M) begin
            assert(f_wr_out <= MAX_WR_OUT && f_rd_out <= MAX_RD_OUT);
            assert(f_wq_n < D && f_wq_n <= MAX_WR_OUT);
        end else begin
            assume(f_wr_out <= MAX_WR_OUT && f_rd_out <= MAX_RD_OUT);
            assume(f_wq_n < D && f_wq_n <= MAX_WR_OUT);
        end
        // slave: B only for a complete write, with its ID
        if (bvalid) begin
            if (S) assert(f_b_due != 0 && (bid != f_id || f_b_id != 0) && bresp != 2'b01);
            else   assume(f_b_due != 0 && (bid != f_id || f_b_id != 0) && bresp != 2'b01);
        end
        // slave: R only for an outstanding read, with its ID; RLAST on the last beat
        if (rvalid) begin
            if (S) assert(r_id ? (rq_n != 0) : (f_rd_out > rq_n));
            else   assume(r_id ? (rq_n != 0) : (f_rd_out > rq_n));
            if (S) assert(rresp != 2'b01); else assume(rresp != 2'b01);
        end
        if (rvalid && r_id && rq_n != 0) begin
            if (S) assert(rlast == (rbeat == {1'b0, rq_len[rq_rp]}));
            else   assume(rlast == (rbeat == {1'b0, rq_len[rq_rp]}));
        end
    end

    // response latency bound
    reg [15:0] f_bwait = 0, f_rwait = 0;
    always @(posedge clk) begin
        if (rst || bvalid || f_b_due == 0) f_bwait <= 0;
        else if (f_bwait != 16'hffff) f_bwait <= f_bwait + 1'b1;
        if (rst || rvalid || f_rd_out == 0) f_rwait <= 0;
        else if (f_rwait != 16'hffff) f_rwait <= f_rwait + 1'b1;
    end
    generate if (MAX_RESP > 0) begin : g_resp
        always @* if (!rst) begin
            if (S) begin
                assert(f_bwait <= MAX_RESP);
                assert(f_rwait <= MAX_RESP);
            end else begin
                assume(f_bwait <= MAX_RESP);
                assume(f_rwait <= MAX_RESP);
            end
        end
    end endgenerate
`endif
endmodule
`default_nettype wire
