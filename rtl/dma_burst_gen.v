// Burst legalizer: splits one transfer {addr, len} into AXI4 INCR bursts that
// never cross a 4 KiB boundary and never exceed min(MAX_BURST_LEN, cap_beats)
// beats. Bursts are full-width (AxSIZE = log2 bytes per beat) and start at the
// beat-aligned address; the caller masks partial first/last beats with strobes.
// Used unchanged by the read (AR) and the write (AW) side of the datapath.
module dma_burst_gen #(
    parameter ADDR_WIDTH    = 64,
    parameter LEN_WIDTH     = 32,
    parameter BYTES_LOG2    = 3,     // log2(bytes per beat)
    parameter MAX_BURST_LEN = 256
) (
    input  wire                   clk,
    input  wire                   rst,
    // transfer in
    input  wire                   xfer_valid,
    output wire                   xfer_ready,
    input  wire [ADDR_WIDTH-1:0]  xfer_addr,
    input  wire [LEN_WIDTH-1:0]   xfer_len,      // bytes, >= 1
    // run-time burst cap (1..MAX_BURST_LEN)
    input  wire [8:0]             cap_beats,
    // shorten the remaining transfer by `trunc_bytes` (stream ended early);
    // the caller holds bst_ready low in that cycle
    input  wire                   trunc_en,
    input  wire [LEN_WIDTH-1:0]   trunc_bytes,
    // bursts out (payload is stable while bst_valid is high)
    output wire                   bst_valid,
    input  wire                   bst_ready,
    output wire [ADDR_WIDTH-1:0]  bst_addr,      // beat-aligned
    output wire [8:0]             bst_beats,     // 1..256
    output wire                   bst_last       // last burst of the transfer
);
    localparam BYTES     = 1 << BYTES_LOG2;
    localparam PAGE_BEATS = 4096 / BYTES;

    reg                   active;
    reg [ADDR_WIDTH-1:0]  addr;     // next byte to cover (first burst may be unaligned)
    reg [LEN_WIDTH-1:0]   rem;

    wire [BYTES_LOG2-1:0] off = addr[BYTES_LOG2-1:0];
    wire [ADDR_WIDTH-1:0] addr_aligned = {addr[ADDR_WIDTH-1:BYTES_LOG2], {BYTES_LOG2{1'b0}}};

    // beats left before the next 4 KiB boundary: 1..PAGE_BEATS
    wire [12:0] beats_to_page = PAGE_BEATS[12:0] - {{(13-(12-BYTES_LOG2)){1'b0}}, addr[11:BYTES_LOG2]};
    // beats needed for the rest of the transfer
    wire [LEN_WIDTH:0] span      = {1'b0, rem} + {{(LEN_WIDTH+1-BYTES_LOG2){1'b0}}, off} + (BYTES - 1);
    wire [LEN_WIDTH+1-BYTES_LOG2-1:0] beats_rem = span[LEN_WIDTH:BYTES_LOG2];
    wire unused_span = ^span[BYTES_LOG2-1:0];

    wire [8:0]  max_beats  = (cap_beats < MAX_BURST_LEN[8:0]) ? cap_beats : MAX_BURST_LEN[8:0];
    wire [12:0] limit_beats = ({4'd0, max_beats} < beats_to_page) ? {4'd0, max_beats} : beats_to_page;
    wire        fits        = (beats_rem <= {{(LEN_WIDTH+1-BYTES_LOG2-13){1'b0}}, limit_beats});
    wire [12:0] beats       = fits ? beats_rem[12:0] : limit_beats;
    wire [LEN_WIDTH-1:0] burst_bytes = ({{(LEN_WIDTH-13){1'b0}}, beats} << BYTES_LOG2)
                                     - {{(LEN_WIDTH-BYTES_LOG2){1'b0}}, off};

    assign xfer_ready = !active;
    assign bst_valid  = active;
    assign bst_addr   = addr_aligned;
    assign bst_beats  = beats[8:0];
    assign bst_last   = fits;

    always @(posedge clk) begin
        if (rst) begin
            active <= 1'b0;
            addr   <= {ADDR_WIDTH{1'b0}};
            rem    <= {LEN_WIDTH{1'b0}};
        end else if (!active) begin
            if (xfer_valid) begin
                active <= 1'b1;
                addr   <= xfer_addr;
                rem    <= xfer_len;
            end
        end else if (bst_ready) begin
            if (fits) begin
                active <= 1'b0;
            end else begin
                addr <= addr_aligned + ({{(ADDR_WIDTH-13){1'b0}}, beats} << BYTES_LOG2);
                rem  <= rem - burst_bytes;
            end
        end else if (trunc_en) begin
            rem <= rem - trunc_bytes;
        end
    end
endmodule
