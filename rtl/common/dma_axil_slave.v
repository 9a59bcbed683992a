// SPDX-License-Identifier: Apache-2.0
// AXI4-Lite slave front end shared by the register blocks (dma_regs,
// dma_iommu_regs): the handshakes, one write and one read at a time, and the
// responses; the register block behind it only decodes.
//
// Write: AW and W are taken independently (in any order or together) into
// one-entry holding registers; once both are held and no B response is pending,
// wr_req is high for one cycle with wr_addr/wr_data/wr_strb (and wr_mask, the
// strobes as a bit mask: new = (old & ~wr_mask) | (wr_data & wr_mask)); the block
// answers wr_err in that cycle, and B follows (SLVERR if wr_err and ERR_RESP).
// Read: AR is taken into a register when no read is in progress; rd_req is high
// for one cycle with rd_addr; the block returns rd_data/rd_err RD_STAGES cycles
// later (0: combinationally in the rd_req cycle; n: after n pipeline registers of
// its own), and R follows in the next cycle (zero data and SLVERR if rd_err and
// ERR_RESP). Every VALID/READY output comes from a flip-flop.
`default_nettype none
module dma_axil_slave #(
    parameter ADDR_WIDTH = 12,
    parameter RD_STAGES  = 0,   // pipeline registers of the block's read multiplexer
    parameter ERR_RESP   = 1    // 1: wr_err/rd_err answer SLVERR; 0: always OKAY
) (
    input  wire                  clk,
    input  wire                  rst,

    input  wire [ADDR_WIDTH-1:0] s_axil_awaddr,
    input  wire [2:0]            s_axil_awprot,
    input  wire                  s_axil_awvalid,
    output wire                  s_axil_awready,
    input  wire [31:0]           s_axil_wdata,
    input  wire [3:0]            s_axil_wstrb,
    input  wire                  s_axil_wvalid,
    output wire                  s_axil_wready,
    output reg  [1:0]            s_axil_bresp,
    output reg                   s_axil_bvalid,
    input  wire                  s_axil_bready,
    input  wire [ADDR_WIDTH-1:0] s_axil_araddr,
    input  wire [2:0]            s_axil_arprot,
    input  wire                  s_axil_arvalid,
    output wire                  s_axil_arready,
    output reg  [31:0]           s_axil_rdata,
    output reg  [1:0]            s_axil_rresp,
    output reg                   s_axil_rvalid,
    input  wire                  s_axil_rready,

    // to the register block
    output wire                  wr_req,
    output reg  [ADDR_WIDTH-1:0] wr_addr,
    output reg  [31:0]           wr_data,
    output reg  [3:0]            wr_strb,
    output wire [31:0]           wr_mask,
    input  wire                  wr_err,
    output wire                  rd_req,
    output reg  [ADDR_WIDTH-1:0] rd_addr,
    input  wire [31:0]           rd_data,
    input  wire                  rd_err
);
    `include "dma_param_check.vh"
    generate
        if (RD_STAGES < 0 || RD_STAGES > 4) begin : g_check0
            `DMA_PARAM_ERROR(dma_axil_slave__parameter_error__RD_STAGES_must_be_0_to_4, "dma_axil_slave: RD_STAGES must be 0 to 4")
        end
    endgenerate

    localparam [1:0] OKAY = 2'b00, SLVERR = 2'b10;
    localparam RW = (RD_STAGES > 0) ? RD_STAGES : 1;

    // protection bits are not used
    wire unused_prot = ^{s_axil_awprot, s_axil_arprot};

    // ------------------------------------------------------------------ write
    reg aw_full, w_full;
    assign s_axil_awready = !aw_full;
    assign s_axil_wready  = !w_full;
    assign wr_req  = aw_full && w_full && !s_axil_bvalid;
    assign wr_mask = {{8{wr_strb[3]}}, {8{wr_strb[2]}}, {8{wr_strb[1]}}, {8{wr_strb[0]}}};

    always @(posedge clk) begin
        if (rst) begin
            aw_full <= 1'b0; wr_addr <= {ADDR_WIDTH{1'b0}};
            w_full  <= 1'b0; wr_data <= 32'd0; wr_strb <= 4'd0;
            s_axil_bvalid <= 1'b0; s_axil_bresp <= OKAY;
        end else begin
            if (s_axil_awvalid && !aw_full) begin
                aw_full <= 1'b1;
                wr_addr <= s_axil_awaddr;
            end
            if (s_axil_wvalid && !w_full) begin
                w_full  <= 1'b1;
                wr_data <= s_axil_wdata;
                wr_strb <= s_axil_wstrb;
            end
            if (wr_req) begin
                aw_full <= 1'b0;
                w_full  <= 1'b0;
                s_axil_bvalid <= 1'b1;
                s_axil_bresp  <= (wr_err && ERR_RESP != 0) ? SLVERR : OKAY;
            end else if (s_axil_bvalid && s_axil_bready) begin
                s_axil_bvalid <= 1'b0;
            end
        end
    end

    // ------------------------------------------------------------------ read
    reg          ar_full;          // rd_req
    wire         rd_busy, rd_done;
    assign rd_req = ar_full;
    assign s_axil_arready = !ar_full && !rd_busy && !s_axil_rvalid;

    // the block's read pipeline: RD_STAGES cycles from rd_req to rd_data
    generate
        if (RD_STAGES == 0) begin : g_comb
            assign rd_busy = 1'b0;
            assign rd_done = ar_full;
        end else begin : g_pipe
            reg  [RW-1:0] rd_wait;
            wire [RW-1:0] rd_next;
            if (RW == 1) begin : g_one
                assign rd_next = ar_full;
            end else begin : g_shift
                assign rd_next = {rd_wait[RW-2:0], ar_full};
            end
            always @(posedge clk) begin
                if (rst)
                    rd_wait <= {RW{1'b0}};
                else
                    rd_wait <= rd_next;
            end
            assign rd_busy = |rd_wait;
            assign rd_done = rd_wait[RW-1];
        end
    endgenerate

    always @(posedge clk) begin
        if (rst) begin
            ar_full <= 1'b0; rd_addr <= {ADDR_WIDTH{1'b0}};
            s_axil_rvalid <= 1'b0; s_axil_rdata <= 32'd0; s_axil_rresp <= OKAY;
        end else begin
            if (s_axil_arvalid && s_axil_arready) begin
                ar_full <= 1'b1;
                rd_addr <= s_axil_araddr;
            end else begin
                ar_full <= 1'b0;
            end
            if (rd_done) begin
                s_axil_rvalid <= 1'b1;
                s_axil_rdata  <= (rd_err && ERR_RESP != 0) ? 32'd0 : rd_data;
                s_axil_rresp  <= (rd_err && ERR_RESP != 0) ? SLVERR : OKAY;
            end else if (s_axil_rvalid && s_axil_rready) begin
                s_axil_rvalid <= 1'b0;
            end
        end
    end
endmodule
`default_nettype wire
