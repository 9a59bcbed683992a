// SPDX-License-Identifier: Apache-2.0
// IOMMU fault queue: writes 32-byte fault records at fqb + fqt*32 and
// advances fqt. A full queue (fqt + 1 == fqh) drops the record and sets fqof;
// a memory fault sets fqmf; records are dropped while the queue is off or an
// error is pending. Records come from the translation unit and, with lower
// priority, from the MSI sender (an MSI write that failed: cause 273, TTYP 0,
// DID 0, iotval the MSI's address, as the specification asks).
//   dword0: CAUSE[11:0] PID[31:12]=0 PV[32]=0 PRIV[33]=0 TTYP[39:34] DID[63:40]
//   dword1: 0   dword2: iotval (the IOVA)   dword3: iotval2 = 0
`default_nettype none
module dma_iommu_fq (
    input  wire        clk,
    input  wire        rst,
    input  wire        fqen,
    input  wire [43:0] fqb_ppn,
    input  wire [4:0]  fqb_log2sz,
    input  wire [31:0] fqh,
    input  wire        stalled,        // fqmf or fqof pending in fqcsr
    output reg  [31:0] fqt,
    output reg         fqon,
    output reg         set_fqof,
    output reg         set_fqmf,
    output reg         set_fip,        // a record was written
    // records from the translation unit
    input  wire        flt_valid,
    output wire        flt_ready,
    input  wire [11:0] flt_cause,
    input  wire [5:0]  flt_ttyp,
    input  wire [23:0] flt_did,
    input  wire [63:0] flt_iova,
    // "IOMMU MSI write access fault" records from the MSI sender
    input  wire        msi_flt_valid,
    output wire        msi_flt_ready,
    input  wire [63:0] msi_flt_iova,
    // memory accesses
    output reg         mem_req,
    output reg  [63:0] mem_addr,
    output reg  [63:0] mem_wdata,
    input  wire        mem_ack,
    input  wire        mem_done,
    input  wire        mem_err
);
    reg        writing;
    reg  [1:0] word;
    reg  [63:0] rec2;
    // the queue's size mask, slot address and full flag are registered (for timing);
    // a record is taken only when they are those of the current fqt (settle, settle2:
    // fqt or fqon changed at one of the last two clock edges)
    reg  [31:0] size_mask;
    reg  [31:0] next_t;
    reg  [63:0] slot;
    reg         full;
    reg         settle, settle2;   // full is computed from next_t: two cycles
    wire        t_update = writing && mem_done && !mem_err && (word == 2'd3);
    wire        on_update = fqen ? (!fqon && !writing) : fqon;

    localparam [11:0] CAUSE_MSI_WRITE_FAULT = 12'd273;
    wire   can_take = !writing && !settle && !settle2;
    assign flt_ready     = can_take;
    assign msi_flt_ready = can_take && !flt_valid;     // the translation unit's records first
    wire   take_x = flt_valid && can_take;
    wire   take   = take_x || (msi_flt_valid && msi_flt_ready);
    wire [11:0] r_cause = take_x ? flt_cause : CAUSE_MSI_WRITE_FAULT;
    wire [5:0]  r_ttyp  = take_x ? flt_ttyp : 6'd0;
    wire [23:0] r_did   = take_x ? flt_did : 24'd0;
    wire [63:0] r_iova  = take_x ? flt_iova : msi_flt_iova;

    always @(posedge clk) begin
        size_mask <= (32'd2 << fqb_log2sz) - 32'd1;
        next_t    <= (fqt + 32'd1) & size_mask;
        full      <= (next_t == (fqh & size_mask));
        slot      <= {8'd0, fqb_ppn, 12'd0} + {27'd0, fqt & size_mask, 5'd0};
    end

    always @(posedge clk) begin
        if (rst) begin
            writing <= 1'b0; word <= 2'd0; rec2 <= 64'd0;
            fqt <= 32'd0; fqon <= 1'b0; settle <= 1'b1; settle2 <= 1'b1;
            set_fqof <= 1'b0; set_fqmf <= 1'b0; set_fip <= 1'b0;
            mem_req <= 1'b0; mem_addr <= 64'd0; mem_wdata <= 64'd0;
        end else begin
            set_fqof <= 1'b0; set_fqmf <= 1'b0; set_fip <= 1'b0;
            settle <= t_update || on_update;
            settle2 <= settle;
            if (mem_req && mem_ack)
                mem_req <= 1'b0;
            if (!fqen) begin
                fqon <= 1'b0;
            end else if (!fqon && !writing) begin
                fqon <= 1'b1;           // fqen 0 -> 1: the queue starts at index 0
                fqt  <= 32'd0;
            end
            if (take) begin
                if (fqon && fqen && !stalled) begin
                    if (full) begin
                        set_fqof <= 1'b1;
                    end else begin
                        writing   <= 1'b1;
                        word      <= 2'd0;
                        rec2      <= r_iova;
                        mem_req   <= 1'b1;
                        mem_addr  <= slot;
                        mem_wdata <= {r_did, r_ttyp, 2'b00, 20'd0, r_cause};
                    end
                end
            end
            if (writing && mem_done) begin
                if (mem_err) begin
                    writing  <= 1'b0;
                    set_fqmf <= 1'b1;
                end else if (word == 2'd3) begin
                    writing <= 1'b0;
                    fqt     <= next_t;
                    set_fip <= 1'b1;
                end else begin
                    word      <= word + 2'd1;
                    mem_req   <= 1'b1;
                    mem_addr  <= {mem_addr[63:5], word + 2'd1, 3'd0};   // slots are 32-byte aligned
                    mem_wdata <= (word == 2'd0) ? 64'd0 : (word == 2'd1) ? rec2 : 64'd0;
                end
            end
        end
    end
endmodule
`default_nettype wire
