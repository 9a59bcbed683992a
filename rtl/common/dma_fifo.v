// SPDX-License-Identifier: Apache-2.0
// Synchronous FIFO with first-word fall-through: dout shows the head entry
// whenever empty is low, and holds it until rd_en pops it.
// Writes when full and reads when empty are ignored (callers check the flags).
// empty and full are registered, so callers may use them in timing-critical
// handshakes without a path through the pointer arithmetic.
// OUT_REG = 1 adds an output register (one more entry, one more cycle from
// write to dout): dout then comes from flops, not from the RAM's read port.
`default_nettype none
module dma_fifo #(
    parameter WIDTH      = 8,
    parameter DEPTH_LOG2 = 2,
    parameter OUT_REG    = 0
) (
    input  wire                  clk,
    input  wire                  rst,
    input  wire                  wr_en,
    input  wire [WIDTH-1:0]      din,
    output reg                   full,
    input  wire                  rd_en,
    output wire [WIDTH-1:0]      dout,
    output wire                  empty
);

    // parameter checks: an unsupported value stops elaboration (dma_param_check.vh)
    `include "dma_param_check.vh"
    generate
        if (WIDTH < 1 || DEPTH_LOG2 < 1) begin : g_check0
            `DMA_PARAM_ERROR(dma_fifo__parameter_error__WIDTH_and_DEPTH_LOG2_must_be_at_least_1, "dma_fifo: WIDTH and DEPTH_LOG2 must be at least 1")
        end
    endgenerate
    localparam [DEPTH_LOG2:0] DEPTH = 1 << DEPTH_LOG2;

    // An entry is never read in the cycle it is written (it is not yet
    // counted), so a block RAM needs no read-during-write bypass logic.
    (* no_rw_check *)
    reg [WIDTH-1:0]      mem [0:(1<<DEPTH_LOG2)-1];
`ifndef SYNTHESIS
    // Simulation: entries never written read as zero, not X. A realigner flush
    // beat takes its masked (strobe 0) lanes from whatever the input queue shows.
    integer init_i;
    initial for (init_i = 0; init_i < (1 << DEPTH_LOG2); init_i = init_i + 1)
        mem[init_i] = {WIDTH{1'b0}};
`endif
    reg [DEPTH_LOG2-1:0] wr_ptr;
    reg [DEPTH_LOG2-1:0] rd_ptr;
    reg [DEPTH_LOG2:0]   count;

    reg  ram_empty;
    wire ram_rd;
    wire do_wr = wr_en && !full;
    wire do_rd = ram_rd && !ram_empty;
    wire [WIDTH-1:0] ram_dout = mem[rd_ptr];

    generate
        if (OUT_REG != 0) begin : g_out
            reg             out_valid;
            reg [WIDTH-1:0] out_data;
            // refill the output register whenever it is free or being popped
            assign ram_rd = !out_valid || rd_en;
            always @(posedge clk) begin
                if (rst)
                    out_valid <= 1'b0;
                else if (ram_rd)
                    out_valid <= !ram_empty;
                if (ram_rd && !ram_empty)
                    out_data <= ram_dout;
            end
            assign dout  = out_data;
            assign empty = !out_valid;
        end else begin : g_direct
            assign ram_rd = rd_en;
            assign dout   = ram_dout;
            assign empty  = ram_empty;
        end
    endgenerate

    always @(posedge clk) begin
        if (do_wr)
            mem[wr_ptr] <= din;
    end

    always @(posedge clk) begin
        if (rst) begin
            wr_ptr <= {DEPTH_LOG2{1'b0}};
            rd_ptr <= {DEPTH_LOG2{1'b0}};
            count  <= {(DEPTH_LOG2+1){1'b0}};
            ram_empty <= 1'b1;
            full   <= 1'b0;
        end else begin
            if (do_wr) wr_ptr <= wr_ptr + 1'b1;
            if (do_rd) rd_ptr <= rd_ptr + 1'b1;
            if (do_wr && !do_rd) begin
                count <= count + 1'b1;
                ram_empty <= 1'b0;
                full  <= (count == DEPTH - 1'b1);
            end else if (do_rd && !do_wr) begin
                count <= count - 1'b1;
                full  <= 1'b0;
                ram_empty <= (count == {{DEPTH_LOG2{1'b0}}, 1'b1});
            end
        end
    end
endmodule
`default_nettype wire
