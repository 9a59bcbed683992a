// SPDX-License-Identifier: Apache-2.0
// IOMMU-originated MSIs (fctl.WSI = 0): each 0 -> 1 of ipsr.cip or ipsr.fip
// (cip_ev, fip_ev from dma_iommu_regs) makes the vector icvec gives that
// cause pending; a pending vector whose msi_vec_ctl.M is 0 is sent as one
// 4-byte write of msi_data to msi_addr through dma_iommu_mem (requester 3),
// lowest vector first, one at a time. A masked vector stays pending and is
// sent once unmasked (and while fctl.WSI = 0); events on a vector already
// pending make one message.
// The pending bit is cleared when its message is taken, so an event while it
// is being sent makes another. A write answered with an error is not retried:
// it becomes a fault record (cause 273, iotval = msi_addr) for the fault queue.
// Everything here is registered and off the translation path; with the port
// idle, AWVALID rises two clock edges after the edge that sets the ipsr bit.
`default_nettype none
module dma_iommu_msi #(
    parameter MSI_VECTORS = 4          // msi_cfg_tbl entries (IOMMU_MSI_VECTORS)
) (
    input  wire                     clk,
    input  wire                     rst,
    input  wire                     wsi,        // fctl.WSI: 1 = wire-signalled, no messages
    input  wire                     cip_ev,     // ipsr.cip went 0 -> 1 (pulse)
    input  wire                     fip_ev,     // ipsr.fip went 0 -> 1 (pulse)
    input  wire [3:0]               civ,        // icvec fields (always < MSI_VECTORS)
    input  wire [3:0]               fiv,
    input  wire [MSI_VECTORS*54-1:0] msi_addr,  // entry v: address bits 55:2
    input  wire [MSI_VECTORS*32-1:0] msi_data,
    input  wire [MSI_VECTORS-1:0]   msi_mask,   // msi_vec_ctl.M
    // memory accesses (dma_iommu_mem, a 4-byte write)
    output reg                      mem_req,
    output reg  [63:0]              mem_addr,
    output reg  [63:0]              mem_wdata,
    output reg  [7:0]               mem_wstrb,
    input  wire                     mem_ack,
    input  wire                     mem_done,
    input  wire                     mem_err,
    // a failed MSI, for the fault queue
    output reg                      flt_valid,
    output reg  [63:0]              flt_iova,
    input  wire                     flt_ready
);
    localparam [1:0] S_IDLE = 2'd0, S_SEND = 2'd1, S_FLT = 2'd2;
    reg [1:0] st;
    reg [MSI_VECTORS-1:0] pend;

    // this cycle's events, by vector
    reg [MSI_VECTORS-1:0] ev;
    integer i;
    always @* begin
        for (i = 0; i < MSI_VECTORS; i = i + 1)
            ev[i] = !wsi && ((cip_ev && civ == i[3:0]) || (fip_ev && fiv == i[3:0]));
    end

    // the lowest unmasked pending vector, and its entry (none sent in wire mode)
    wire [MSI_VECTORS-1:0] ready = (pend | ev) & ~msi_mask & {MSI_VECTORS{!wsi}};
    reg  [MSI_VECTORS-1:0] pick;
    reg  [53:0] p_addr;
    reg  [31:0] p_data;
    integer j;
    always @* begin
        pick = {MSI_VECTORS{1'b0}}; p_addr = 54'd0; p_data = 32'd0;
        for (j = MSI_VECTORS - 1; j >= 0; j = j - 1)
            if (ready[j]) begin
                pick = {MSI_VECTORS{1'b0}};
                pick[j] = 1'b1;
                p_addr = msi_addr[j*54 +: 54];
                p_data = msi_data[j*32 +: 32];
            end
    end
    wire take = (st == S_IDLE) && (|ready);

    always @(posedge clk) begin
        if (rst) begin
            st <= S_IDLE; pend <= {MSI_VECTORS{1'b0}};
            mem_req <= 1'b0; mem_addr <= 64'd0; mem_wdata <= 64'd0; mem_wstrb <= 8'd0;
            flt_valid <= 1'b0; flt_iova <= 64'd0;
        end else begin
            pend <= (pend | ev) & ~(take ? pick : {MSI_VECTORS{1'b0}});
            if (mem_req && mem_ack)
                mem_req <= 1'b0;
            case (st)
                S_IDLE: if (take) begin
                    st        <= S_SEND;
                    mem_req   <= 1'b1;
                    mem_addr  <= {8'd0, p_addr, 2'b00};
                    mem_wdata <= {p_data, p_data};
                    mem_wstrb <= p_addr[0] ? 8'hF0 : 8'h0F;     // address bit 2: the upper word
                end
                S_SEND: if (mem_done) begin
                    if (mem_err) begin
                        st <= S_FLT; flt_valid <= 1'b1; flt_iova <= mem_addr;
                    end else begin
                        st <= S_IDLE;
                    end
                end
                S_FLT: if (flt_ready) begin
                    st <= S_IDLE; flt_valid <= 1'b0;
                end
                default: st <= S_IDLE;
            endcase
        end
    end
endmodule
`default_nettype wire
