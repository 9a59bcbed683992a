// SPDX-License-Identifier: Apache-2.0
// dma_burst_gen driving an AXI4 read address channel (as in dma_datapath): the
// AR rules of fv_axi4 (VALID held, payload stable, INCR within 4 KiB, at most
// MAX_BURST_LEN beats, full-width size) and the split itself: the bursts of a
// transfer start at its beat-aligned address, follow each other without gap or
// overlap, respect the run-time cap, and together cover exactly the transfer's
// beats; bst_last marks the last one. A burst is offered only when allowed in the
// cycle before: by emit_ok_last right after an accepted burst (a short transfer
// taken at the last burst of the one before), by emit_ok otherwise.
`default_nettype none
module wrap_burst_gen #(
    parameter MAX_BURST_LEN = 4
) (
    input wire        clk,
    input wire        rst,
    input wire        xfer_valid,
    input wire [15:0] xfer_addr,
    input wire [11:0] xfer_len,
    input wire [8:0]  cap_beats,
    input wire        emit_ok,
    input wire        emit_ok_last,
    input wire        xfer_fast_ok,
    input wire        arready
);
    localparam BL = 2;   // 4 bytes per beat (DATA_WIDTH 32)
    wire        xfer_ready, bst_valid, bst_last;
    wire [15:0] bst_addr;
    wire [7:0]  bst_len;
    wire [8:0]  bst_beats;
    wire [0:0]  bst_user;
    dma_burst_gen #(.ADDR_WIDTH(16), .LEN_WIDTH(12), .BYTES_LOG2(BL), .MAX_BURST_LEN(MAX_BURST_LEN),
                    .USER_WIDTH(1), .TAKE_AT_LAST(1)) dut (
        .clk(clk), .rst(rst), .xfer_valid(xfer_valid), .xfer_ready(xfer_ready),
        .xfer_addr(xfer_addr), .xfer_len(xfer_len), .xfer_user(1'b0), .xfer_skip(1'b0),
        .cap_beats(cap_beats), .emit_ok(emit_ok), .emit_ok_last(emit_ok_last),
        .xfer_fast_ok(xfer_fast_ok), .trunc_en(1'b0), .trunc_beats(11'd0),
        .bst_valid(bst_valid), .bst_ready(arready), .bst_addr(bst_addr), .bst_len(bst_len),
        .bst_beats(bst_beats), .bst_last(bst_last), .bst_user(bst_user));
`ifdef FORMAL
    reg f_past = 1'b0;
    always @(posedge clk) f_past <= 1'b1;
    always @* if (!f_past) assume(rst);
    always @* if (f_past) assume(!rst);
    // the transfer queue head: held until taken; a transfer never wraps the address space
    always @(posedge clk) if (f_past && $past(xfer_valid && !xfer_ready)) begin
        assume(xfer_valid && xfer_addr == $past(xfer_addr) && xfer_len == $past(xfer_len));
    end
    always @* if (xfer_valid) assume(xfer_len != 0 && {1'b0, xfer_addr} + xfer_len <= 17'h10000);
    // the cap is constant (as in the datapath: per transfer)
    always @(posedge clk) if (f_past) assume(cap_beats == $past(cap_beats));
    always @* assume(cap_beats >= 1 && cap_beats <= MAX_BURST_LEN);
    // a transfer offered for the short path has the full cap (as in the datapath)
    always @* if (xfer_valid && xfer_fast_ok) assume(cap_beats == MAX_BURST_LEN);

    wire [8:0] f_wr_out, f_rd_out, f_b_due, f_wbeat;
    wire [3:0] f_awq_n, f_wq_n;
    fv_axi4 #(.ID_WIDTH(1), .ADDR_WIDTH(16), .DATA_WIDTH(32), .USER_WIDTH(1), .MASTER_IS_DUT(1),
              .MAX_BURST(MAX_BURST_LEN), .MAX_RD_OUT(255), .MAX_WR_OUT(4), .W_BEFORE_AW(0)) p_ar (
        .clk(clk), .rst(rst),
        .awid(1'b0), .awaddr(16'd0), .awlen(8'd0), .awsize(3'd2), .awburst(2'b01), .awlock(1'b0),
        .awcache(4'd0), .awprot(3'd0), .awuser(1'b0), .awvalid(1'b0), .awready(1'b0),
        .wdata(32'd0), .wstrb(4'd0), .wlast(1'b0), .wvalid(1'b0), .wready(1'b0),
        .bid(1'b0), .bresp(2'b00), .bvalid(1'b0), .bready(1'b0),
        .arid(1'b0), .araddr(bst_addr), .arlen(bst_len), .arsize(BL[2:0]), .arburst(2'b01), .arlock(1'b0),
        .arcache(4'b0011), .arprot(3'd0), .aruser(bst_user), .arvalid(bst_valid), .arready(arready),
        .rid(1'b0), .rdata(32'd0), .rresp(2'b00), .rlast(1'b0), .rvalid(1'b0), .rready(1'b0),
        .f_wr_out(f_wr_out), .f_rd_out(f_rd_out), .f_b_due(f_b_due), .f_awq_n(f_awq_n),
        .f_wq_n(f_wq_n), .f_wbeat(f_wbeat));

    // the transfer being split: its next beat address and the beats left
    reg        f_busy = 1'b0;
    reg [13:0] f_next;      // next beat address (addr >> 2)
    reg [11:0] f_left;      // beats not yet covered
    wire take = xfer_valid && xfer_ready;
    wire [11:0] f_beats = ({1'b0, xfer_len} + xfer_addr[1:0] + 3) >> 2;
    wire acc = bst_valid && arready;
    always @(posedge clk)
        if (rst) f_busy <= 1'b0;
        else begin
            if (acc) begin
                f_next <= f_next + bst_beats;
                f_left <= f_left - bst_beats;
                if (bst_last) f_busy <= 1'b0;
            end
            if (take) begin
                f_busy <= 1'b1; f_next <= xfer_addr[15:2]; f_left <= f_beats;
            end
        end
    always @* if (f_past && !rst) begin
        if (take) assert(!f_busy || (acc && bst_last));
        if (bst_valid) begin
            assert(f_busy);
            assert(bst_addr[1:0] == 2'b00 && bst_addr[15:2] == f_next);
            assert(bst_beats <= cap_beats && bst_beats <= f_left);
            assert(bst_last == (bst_beats == f_left));
        end
    end
    // offered only when allowed (f_prev_*: last cycle's emit_ok, emit_ok_last, valid, accept)
    reg f_prev_ok = 1'b0, f_prev_ok_last = 1'b0, f_prev_valid = 1'b0, f_prev_acc = 1'b0, f_prev_last = 1'b0;
    always @(posedge clk) begin
        f_prev_ok <= emit_ok; f_prev_ok_last <= emit_ok_last;
        f_prev_valid <= bst_valid && !rst; f_prev_acc <= acc && !rst; f_prev_last <= bst_last;
    end
    always @* if (f_past && !rst && bst_valid && (!f_prev_valid || f_prev_acc))
        assert(f_prev_acc ? f_prev_ok_last : f_prev_ok);
    always @* if (!rst) cover(acc && bst_last && bst_addr[11:0] == 12'hffc);
    // two transfers' bursts back to back, without a gap
    always @* if (!rst) cover(bst_valid && f_prev_acc && f_prev_last);
`endif
endmodule
`default_nettype wire
