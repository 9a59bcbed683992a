// SPDX-License-Identifier: Apache-2.0
// Response side of the IOMMU translation unit (dma_iommu_xlate): routes the
// write data of every decided AW and answers faulted requests locally.
//
// A decided request (dec_pass: forwarded to memory, dec_fault: aborted; at
// most one per cycle) enters here in decision order:
//   - a write gets an entry in the W routing queue: its W beats go to m_axi
//     (forwarded) or are taken and dropped (faulted). The caller reserves the
//     room: at most 2^WQ_LOG2 decided writes whose W bursts have not gone by
//     (w_burst_done);
//   - a faulted read is answered with dec_len + 1 SLVERR beats of zero data
//     once every earlier forwarded read has finished; a faulted write with
//     SLVERR on B once its W beats have gone by and every earlier forwarded
//     write has been acknowledged. Meanwhile r_block / w_block is set: the
//     caller decides no request of that direction until it drops, so
//     responses stay in request order.
// Other R and B traffic passes through from m_axi.
`default_nettype none
module dma_iommu_err_resp #(
    parameter DATA_WIDTH = 64,
    parameter ID_WIDTH   = 5,
    parameter WQ_LOG2    = 2        // W routing queue: 2^WQ_LOG2 writes
) (
    input  wire                    clk,
    input  wire                    rst,
    // the decided request
    input  wire                    dec_pass,
    input  wire                    dec_fault,
    input  wire                    dec_w,
    input  wire [ID_WIDTH-1:0]     dec_id,
    input  wire [7:0]              dec_len,
    output reg                     r_block,       // a faulted read is being answered
    output reg                     w_block,       // a faulted write is being answered
    output wire                    rd_idle,       // no forwarded read is outstanding
    output wire                    wr_idle,       // no forwarded write is outstanding
    output wire                    w_burst_done,  // the last W beat of a burst is taken
    // slave side (from the engine)
    input  wire [DATA_WIDTH-1:0]   s_axi_wdata,
    input  wire [DATA_WIDTH/8-1:0] s_axi_wstrb,
    input  wire                    s_axi_wlast,
    input  wire                    s_axi_wvalid,
    output wire                    s_axi_wready,
    output wire [ID_WIDTH-1:0]     s_axi_bid,
    output wire [1:0]              s_axi_bresp,
    output wire                    s_axi_bvalid,
    input  wire                    s_axi_bready,
    output wire [ID_WIDTH-1:0]     s_axi_rid,
    output wire [DATA_WIDTH-1:0]   s_axi_rdata,
    output wire [1:0]              s_axi_rresp,
    output wire                    s_axi_rlast,
    output wire                    s_axi_rvalid,
    input  wire                    s_axi_rready,
    // master side (to memory)
    output wire [DATA_WIDTH-1:0]   m_axi_wdata,
    output wire [DATA_WIDTH/8-1:0] m_axi_wstrb,
    output wire                    m_axi_wlast,
    output wire                    m_axi_wvalid,
    input  wire                    m_axi_wready,
    input  wire [ID_WIDTH-1:0]     m_axi_bid,
    input  wire [1:0]              m_axi_bresp,
    input  wire                    m_axi_bvalid,
    output wire                    m_axi_bready,
    input  wire [ID_WIDTH-1:0]     m_axi_rid,
    input  wire [DATA_WIDTH-1:0]   m_axi_rdata,
    input  wire [1:0]              m_axi_rresp,
    input  wire                    m_axi_rlast,
    input  wire                    m_axi_rvalid,
    output wire                    m_axi_rready
);
    localparam WQ_DEPTH = 1 << WQ_LOG2;

    // parameter checks: an unsupported value stops elaboration (dma_param_check.vh)
    `include "dma_param_check.vh"
    generate
        if (WQ_LOG2 < 1 || DATA_WIDTH < 8) begin : g_check0
            `DMA_PARAM_ERROR(dma_iommu_err_resp__parameter_error__WQ_LOG2_must_be_at_least_1, "dma_iommu_err_resp: WQ_LOG2 must be at least 1, DATA_WIDTH at least 8")
        end
    endgenerate

    // ===================================================== write data routing
    // one entry per decided AW, in order: 1 = forward its W beats, 0 = drop them
    reg  [WQ_DEPTH-1:0] wq_bits;
    reg  [WQ_LOG2-1:0]  wq_wr, wq_rd;
    reg  [WQ_LOG2:0]    wq_cnt;
    reg                 wq_nempty;
    wire wq_fwd = wq_bits[wq_rd];
    wire wq_push = (dec_pass || dec_fault) && dec_w;
    wire s_w_fire = s_axi_wvalid && s_axi_wready;
    assign w_burst_done = s_w_fire && s_axi_wlast;
    always @(posedge clk) begin
        if (rst) begin
            wq_bits <= {WQ_DEPTH{1'b0}}; wq_wr <= {WQ_LOG2{1'b0}}; wq_rd <= {WQ_LOG2{1'b0}};
            wq_cnt <= {(WQ_LOG2+1){1'b0}}; wq_nempty <= 1'b0;
        end else begin
            if (wq_push) begin
                wq_bits[wq_wr] <= dec_pass;
                wq_wr <= wq_wr + 1'b1;
            end
            if (w_burst_done)
                wq_rd <= wq_rd + 1'b1;
            wq_cnt <= wq_cnt + {{WQ_LOG2{1'b0}}, wq_push} - {{WQ_LOG2{1'b0}}, w_burst_done};
            wq_nempty <= (wq_cnt + {{WQ_LOG2{1'b0}}, wq_push} - {{WQ_LOG2{1'b0}}, w_burst_done})
                         != {(WQ_LOG2+1){1'b0}};
        end
    end
    assign m_axi_wvalid  = s_axi_wvalid && wq_nempty && wq_fwd;
    assign m_axi_wdata   = s_axi_wdata;
    assign m_axi_wstrb   = s_axi_wstrb;
    assign m_axi_wlast   = s_axi_wlast;
    assign s_axi_wready  = wq_nempty && (wq_fwd ? m_axi_wready : 1'b1);

    // ====================================================== local responses
    reg [15:0] rd_out;   // read bursts forwarded and not finished
    reg [15:0] wr_out;   // write bursts forwarded and not acknowledged
    wire m_r_done = m_axi_rvalid && m_axi_rready && m_axi_rlast;
    wire m_b_done = m_axi_bvalid && m_axi_bready;
    reg              r_err_act;     // emitting SLVERR read beats
    reg [ID_WIDTH-1:0] r_err_id;
    reg [7:0]        r_err_left;
    reg              r_err_wait;    // waiting for earlier reads to finish
    reg              b_err_wait;    // waiting for the dropped burst's W beats and earlier Bs
    reg [ID_WIDTH-1:0] b_err_id;
    reg              w_dropped;     // the dropped burst's last W beat went by
    wire             b_err_act = b_err_wait && w_dropped && (wr_out == 16'd0);
    assign rd_idle = (rd_out == 16'd0);
    assign wr_idle = (wr_out == 16'd0);

    assign s_axi_rvalid = r_err_act ? 1'b1 : m_axi_rvalid;
    assign s_axi_rid    = r_err_act ? r_err_id : m_axi_rid;
    assign s_axi_rdata  = r_err_act ? {DATA_WIDTH{1'b0}} : m_axi_rdata;
    assign s_axi_rresp  = r_err_act ? 2'b10 : m_axi_rresp;
    assign s_axi_rlast  = r_err_act ? (r_err_left == 8'd0) : m_axi_rlast;
    assign m_axi_rready = !r_err_act && s_axi_rready;

    assign s_axi_bvalid = b_err_act ? 1'b1 : m_axi_bvalid;
    assign s_axi_bid    = b_err_act ? b_err_id : m_axi_bid;
    assign s_axi_bresp  = b_err_act ? 2'b10 : m_axi_bresp;
    assign m_axi_bready = !b_err_act && s_axi_bready;

    always @(posedge clk) begin
        if (rst) begin
            rd_out     <= 16'd0;
            wr_out     <= 16'd0;
            r_block    <= 1'b0;
            w_block    <= 1'b0;
            r_err_act  <= 1'b0;
            r_err_wait <= 1'b0;
            r_err_id   <= {ID_WIDTH{1'b0}};
            r_err_left <= 8'd0;
            b_err_wait <= 1'b0;
            b_err_id   <= {ID_WIDTH{1'b0}};
            w_dropped  <= 1'b0;
        end else begin
            rd_out <= rd_out + {15'd0, dec_pass && !dec_w} - {15'd0, m_r_done};
            wr_out <= wr_out + {15'd0, dec_pass && dec_w} - {15'd0, m_b_done};
            if (dec_fault && !dec_w) begin
                r_block    <= 1'b1;
                r_err_wait <= 1'b1;
                r_err_id   <= dec_id;
                r_err_left <= dec_len;
            end
            if (r_err_wait && rd_out == 16'd0) begin
                r_err_wait <= 1'b0;
                r_err_act  <= 1'b1;
            end
            if (r_err_act && s_axi_rready) begin
                if (r_err_left == 8'd0) begin
                    r_err_act <= 1'b0;
                    r_block   <= 1'b0;
                end else begin
                    r_err_left <= r_err_left - 8'd1;
                end
            end
            if (dec_fault && dec_w) begin
                w_block    <= 1'b1;
                b_err_wait <= 1'b1;
                b_err_id   <= dec_id;
                w_dropped  <= 1'b0;
            end
            if (b_err_wait && w_burst_done && !wq_fwd)
                w_dropped <= 1'b1;
            if (b_err_act && s_axi_bready) begin
                b_err_wait <= 1'b0;
                w_block    <= 1'b0;
            end
        end
    end
endmodule
`default_nettype wire
