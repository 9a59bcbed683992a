// Register slice (skid buffer) for a valid/ready channel: full throughput,
// and every output -- m_valid, m_data and s_ready -- comes straight from a
// register, so no combinational path crosses the slice in either direction.
module dma_skid #(
    parameter WIDTH = 8
) (
    input  wire             clk,
    input  wire             rst,
    input  wire             s_valid,
    output wire             s_ready,
    input  wire [WIDTH-1:0] s_data,
    output reg              m_valid,
    input  wire             m_ready,
    output reg  [WIDTH-1:0] m_data
);
    reg             sk_valid;   // a beat parked while the output was stalled
    reg [WIDTH-1:0] sk_data;

    assign s_ready = !sk_valid;
    wire in_take = s_valid && !sk_valid;

    always @(posedge clk) begin
        if (rst) begin
            m_valid  <= 1'b0;
            sk_valid <= 1'b0;
        end else if (!m_valid || m_ready) begin
            m_valid  <= sk_valid || in_take;
            sk_valid <= 1'b0;
        end else if (in_take) begin
            sk_valid <= 1'b1;
        end
    end

    // data registers need no reset
    always @(posedge clk) begin
        if (!m_valid || m_ready) begin
            if (sk_valid)
                m_data <= sk_data;
            else if (in_take)
                m_data <= s_data;
        end else if (in_take) begin
            sk_data <= s_data;
        end
    end
endmodule
