// Synchronous FIFO with first-word fall-through: dout shows the head entry
// whenever empty is low, and holds it until rd_en pops it.
// Writes when full and reads when empty are ignored (callers check the flags).
module dma_fifo #(
    parameter WIDTH      = 8,
    parameter DEPTH_LOG2 = 2
) (
    input  wire                  clk,
    input  wire                  rst,
    input  wire                  wr_en,
    input  wire [WIDTH-1:0]      din,
    output wire                  full,
    input  wire                  rd_en,
    output wire [WIDTH-1:0]      dout,
    output wire                  empty
);

    reg [WIDTH-1:0]      mem [0:(1<<DEPTH_LOG2)-1];
    reg [DEPTH_LOG2:0]   wr_ptr;
    reg [DEPTH_LOG2:0]   rd_ptr;

    wire do_wr = wr_en && !full;
    wire do_rd = rd_en && !empty;

    wire [DEPTH_LOG2:0] count = wr_ptr - rd_ptr;
    assign empty = (wr_ptr == rd_ptr);
    assign full  = (count == {1'b1, {DEPTH_LOG2{1'b0}}});
    assign dout  = mem[rd_ptr[DEPTH_LOG2-1:0]];

    always @(posedge clk) begin
        if (do_wr)
            mem[wr_ptr[DEPTH_LOG2-1:0]] <= din;
    end

    always @(posedge clk) begin
        if (rst) begin
            wr_ptr <= {(DEPTH_LOG2+1){1'b0}};
            rd_ptr <= {(DEPTH_LOG2+1){1'b0}};
        end else begin
            if (do_wr) wr_ptr <= wr_ptr + 1'b1;
            if (do_rd) rd_ptr <= rd_ptr + 1'b1;
        end
    end
endmodule
