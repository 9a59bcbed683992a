// SPDX-License-Identifier: Apache-2.0
// IOMMU command queue: reads 16-byte commands from the in-memory queue at
// cqb, executes them in order and advances cqh.
//   IOTINVAL.VMA   invalidate IOTLB entries (all, by PSCID, by address, both)
//   IOTINVAL.GVMA  second stage is Bare here: invalidates every IOTLB entry
//   IODIR.INVAL_DDT invalidate cached device contexts (all, or one DID)
//   IOFENCE.C      wait until every earlier command and every request being
//                  translated is done (and, with PR/PW, every forwarded one),
//                  then optionally write DATA to ADDR and/or raise fence_w_ip
// Anything else, or a reserved bit set, sets cmd_ill and stops the queue with
// cqh on that command; a memory fault sets cqmf (queue stopped likewise).
`default_nettype none
module dma_iommu_cq (
    input  wire        clk,
    input  wire        rst,
    input  wire        cqen,
    input  wire [43:0] cqb_ppn,
    input  wire [4:0]  cqb_log2sz,     // queue has 2^(log2sz+1) entries
    input  wire [31:0] cqt,
    input  wire        stalled,        // cmd_ill or cqmf pending in cqcsr
    output reg  [31:0] cqh,
    output reg         cqon,
    output wire        busy,
    output reg         set_cmd_ill,
    output reg         set_cqmf,
    output reg         set_fence_w_ip,
    // to the translation unit
    output reg         inv_vma,
    output reg         inv_pscv,
    output reg  [19:0] inv_pscid,
    output reg         inv_av,
    output reg  [26:0] inv_vpn,
    output reg         inv_ddt,
    output reg         inv_dv,
    output reg  [23:0] inv_did,
    input  wire        xlate_busy,
    output reg         xlate_hold,     // waiting for !xlate_busy: the unit takes no new request
    input  wire        xlate_drained,  // nothing forwarded is outstanding
    // memory accesses
    output reg         mem_req,
    output reg         mem_we,
    output reg  [63:0] mem_addr,
    output reg  [63:0] mem_wdata,
    output reg  [7:0]  mem_wstrb,
    input  wire        mem_ack,
    input  wire        mem_done,
    input  wire [63:0] mem_rdata,
    input  wire        mem_err
);
    localparam [2:0] S_IDLE = 3'd0, S_RD0 = 3'd1, S_RD1 = 3'd2, S_EXEC = 3'd3,
                     S_FENCE = 3'd4, S_FWRITE = 3'd5, S_DEC = 3'd6;
    reg        c_inval, c_iodir, c_fence;   // the command read, decoded (S_DEC)
    reg [2:0]  st;
    reg [63:0] d0, d1;

    // registered (for timing): the size mask, the slot of cqh, "a command is
    // waiting", cqh + 1; a command is fetched only when they are those of the current
    // cqh (it and cqon have not changed at the last clock edge: was_idle, cqon_d)
    reg  [31:0] size_mask;
    reg  [63:0] slot;
    reg  [31:0] next_h;
    reg         pending;
    reg         was_idle, cqon_d;
    always @(posedge clk) begin
        size_mask <= (32'd2 << cqb_log2sz) - 32'd1;
        slot      <= {8'd0, cqb_ppn, 12'd0} + {28'd0, (cqh & size_mask), 4'd0};
        next_h    <= (cqh + 32'd1) & size_mask;
        pending   <= (cqh != (cqt & size_mask));
        was_idle  <= !rst && (st == S_IDLE);
        cqon_d    <= !rst && cqon;
    end

    wire [6:0] opcode = d0[6:0];
    wire [2:0] func3  = d0[9:7];
    // IOTINVAL: AV[10] PSCID[31:12] PSCV[32] GV[33] GSCID[59:44]; ADDR[63:12] in dword1[61:10]
    wire inval_ok = (func3 == 3'd0 || func3 == 3'd1) && !d0[11] && (d0[43:34] == 10'd0)
                 && (d0[63:60] == 4'd0) && (d1[9:0] == 10'd0) && (d1[63:62] == 2'd0)
                 && !(func3 == 3'd1 && d0[32]);
    // IOFENCE.C: AV[10] WSI[11] PR[12] PW[13] DATA[63:32]; ADDR[63:2] in dword1[61:0]
    wire fence_ok = (func3 == 3'd0) && (d0[31:14] == 18'd0) && (d1[63:62] == 2'd0);
    // IODIR.INVAL_DDT: DV[33] DID[63:40]; PID reserved for this function
    wire iodir_ok = (func3 == 3'd0) && (d0[31:10] == 22'd0) && !d0[32] && (d0[39:34] == 6'd0)
                 && (d1 == 64'd0);

    assign busy = (st != S_IDLE);
    // an invalidation (or a fence) waits until no request is being translated; under
    // steady traffic that needs the unit to stop taking requests for a few cycles. A
    // fence with PR/PW waits for the forwarded requests too: it holds the unit only
    // once they are done (the engine may need new writes to finish its reads).
    // (registered: the unit's AxREADY comes from flip-flops)
    always @(posedge clk)
        xlate_hold <= !rst && ((st == S_EXEC && (c_inval || c_iodir))
                               || (st == S_FENCE && (!(d0[12] || d0[13]) || xlate_drained)));

    always @(posedge clk) begin
        if (rst) begin
            st <= S_IDLE; cqh <= 32'd0; cqon <= 1'b0;
            d0 <= 64'd0; d1 <= 64'd0; c_inval <= 1'b0; c_iodir <= 1'b0; c_fence <= 1'b0;
            set_cmd_ill <= 1'b0; set_cqmf <= 1'b0; set_fence_w_ip <= 1'b0;
            inv_vma <= 1'b0; inv_pscv <= 1'b0; inv_pscid <= 20'd0; inv_av <= 1'b0; inv_vpn <= 27'd0;
            inv_ddt <= 1'b0; inv_dv <= 1'b0; inv_did <= 24'd0;
            mem_req <= 1'b0; mem_we <= 1'b0; mem_addr <= 64'd0; mem_wdata <= 64'd0; mem_wstrb <= 8'd0;
        end else begin
            set_cmd_ill <= 1'b0; set_cqmf <= 1'b0; set_fence_w_ip <= 1'b0;
            inv_vma <= 1'b0; inv_ddt <= 1'b0;
            if (mem_req && mem_ack)
                mem_req <= 1'b0;
            if (!cqen) begin
                cqon <= 1'b0;
            end else if (!cqon && st == S_IDLE) begin
                cqon <= 1'b1;           // cqen 0 -> 1: the queue starts at index 0
                cqh  <= 32'd0;
            end
            case (st)
                S_IDLE: if (was_idle && cqon && cqon_d && cqen && !stalled && pending) begin
                    st <= S_RD0; mem_req <= 1'b1; mem_we <= 1'b0; mem_addr <= slot;
                end
                S_RD0: if (mem_done) begin
                    if (mem_err) begin
                        st <= S_IDLE; set_cqmf <= 1'b1;
                    end else begin
                        d0 <= mem_rdata; st <= S_RD1;
                        mem_req <= 1'b1; mem_addr <= {slot[63:4], 4'h8};   // slots are 16-byte aligned
                    end
                end
                S_RD1: if (mem_done) begin
                    if (mem_err) begin
                        st <= S_IDLE; set_cqmf <= 1'b1;
                    end else begin
                        d1 <= mem_rdata; st <= S_DEC;
                    end
                end
                S_DEC: begin
                    c_inval <= (opcode == 7'd1) && inval_ok;
                    c_iodir <= (opcode == 7'd3) && iodir_ok;
                    c_fence <= (opcode == 7'd2) && fence_ok;
                    st <= S_EXEC;
                end
                S_EXEC: begin
                    if (c_inval) begin
                        // wait for the walker: an invalidation never races a fill
                        if (!xlate_busy) begin
                            inv_vma   <= 1'b1;
                            inv_pscv  <= (func3 == 3'd0) && d0[32];
                            inv_pscid <= d0[31:12];
                            inv_av    <= (func3 == 3'd0) && d0[10];
                            inv_vpn   <= d1[36:10];
                            cqh <= next_h;
                            st  <= S_IDLE;
                        end
                    end else if (c_iodir) begin
                        if (!xlate_busy) begin
                            inv_ddt <= 1'b1;
                            inv_dv  <= d0[33];
                            inv_did <= d0[63:40];
                            cqh <= next_h;
                            st  <= S_IDLE;
                        end
                    end else if (c_fence) begin
                        st <= S_FENCE;
                    end else begin
                        set_cmd_ill <= 1'b1;    // cqh stays on the illegal command
                        st <= S_IDLE;
                    end
                end
                S_FENCE: if (!xlate_busy && (!(d0[12] || d0[13]) || xlate_drained)) begin
                    if (d0[10]) begin
                        st <= S_FWRITE; mem_req <= 1'b1; mem_we <= 1'b1;
                        mem_addr  <= {d1[61:0], 2'b00};
                        mem_wdata <= {d0[63:32], d0[63:32]};
                        mem_wstrb <= d1[0] ? 8'hF0 : 8'h0F;
                    end else begin
                        set_fence_w_ip <= d0[11];
                        cqh <= next_h;
                        st  <= S_IDLE;
                    end
                end
                S_FWRITE: if (mem_done) begin
                    if (mem_err) begin
                        set_cqmf <= 1'b1;
                    end else begin
                        set_fence_w_ip <= d0[11];
                        cqh <= next_h;
                    end
                    st <= S_IDLE;
                end
                default: st <= S_IDLE;
            endcase
        end
    end
endmodule
`default_nettype wire
