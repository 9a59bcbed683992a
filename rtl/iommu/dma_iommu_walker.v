// SPDX-License-Identifier: Apache-2.0
// Walker of the IOMMU translation unit (dma_iommu_xlate): reads a device
// context (base format, 32 bytes at ddt_ppn * 4096 + DID * 32) or walks the
// Sv39 tables for the request being decided, one 8-byte read at a time on the
// `walk` port (walk_req is held until walk_ack; walk_resp brings the data).
//
// While idle, the walk's registers follow the request (req_*), so a walk that
// starts (start_dc / start_ptw) uses the request of that cycle.
// Device context: checked as its doublewords arrive (cause 258 on tc.V = 0, no
// more reads; 257 on a read error; 259 for a misconfiguration, once all four are
// in); a good one is handed out with dc_load one cycle after the last
// doubleword (dc_* hold it).
// Sv39: page fault (13 read, 15 write) for a PTE with V = 0, W without R,
// bits 63:54 set, a non-leaf with U, A or D set or at level 0, a misaligned
// superpage, a leaf with U = 0 or A = 0; access fault (5 read, 7 write) on a
// read error. Permissions (R, W, D) are the translation unit's to check. A good
// leaf raises `leaf` in the cycle its PTE arrives and `fill` (with fill_*) the
// next cycle, for the IOTLB.
// A fault (fault, cause, cause_dc) is held until `done`.
`default_nettype none
module dma_iommu_walker #(
    parameter USER_WIDTH = 4        // device ID width (<= 7: a DID's context within the 4 KiB directory)
) (
    input  wire                  clk,
    input  wire                  rst,
    input  wire [43:0]           ddt_ppn,
    // the request being decided
    input  wire [USER_WIDTH-1:0] req_did,
    input  wire [26:0]           req_vpn,
    input  wire                  req_w,
    input  wire                  req_dc,     // its device context is to be read (else its page tables)
    input  wire [43:0]           req_root,   // fsc.PPN of its cached device context
    input  wire                  done,       // the request was decided: drop the fault
    input  wire                  start_dc,
    input  wire                  start_ptw,
    output wire                  idle,
    output wire                  ptw,        // an Sv39 walk is in progress
    // table reads (8 bytes each)
    output reg                   walk_req,
    output reg  [63:0]           walk_addr,
    input  wire                  walk_ack,   // request taken
    input  wire                  walk_resp,  // data returned
    input  wire [63:0]           walk_data,
    input  wire                  walk_err,
    // fault
    output reg                   fault,
    output reg  [11:0]           cause,
    output reg                   cause_dc,   // a device-context fault (not suppressed by DTF)
    // leaf
    output wire                  leaf,
    output reg                   fill,
    output reg                   fill_g,
    output reg  [1:0]            fill_lvl,
    output reg  [43:0]           fill_ppn,
    output reg                   fill_r,
    output reg                   fill_w,
    output reg                   fill_d,
    output reg  [USER_WIDTH-1:0] wk_did,     // the walk's device and VPN
    output reg  [26:0]           wk_vpn,
    // device context
    output wire                  dc_load,
    output reg                   dc_bare,    // first stage Bare
    output reg                   dc_dtf,
    output reg  [43:0]           dc_ppn,     // fsc.PPN
    output reg  [19:0]           dc_pscid    // ta.PSCID
);
    localparam [11:0] C_RD_ACCESS = 12'd5,   C_WR_ACCESS = 12'd7,
                      C_RD_PAGE   = 12'd13,  C_WR_PAGE   = 12'd15,
                      C_DDT_LOAD  = 12'd257, C_DDT_INVAL = 12'd258, C_DDT_MISCONF = 12'd259;

    reg  [2:0] st;
    localparam [2:0] S_IDLE = 3'd0, S_DC = 3'd1, S_PTW = 3'd2, S_DCW = 3'd3;

    // parameter checks: an unsupported value stops elaboration (dma_param_check.vh)
    `include "dma_param_check.vh"
    generate
        if (USER_WIDTH < 1 || USER_WIDTH > 7) begin : g_check0
            `DMA_PARAM_ERROR(dma_iommu_walker__parameter_error__USER_WIDTH_must_be_1_to_7, "dma_iommu_walker: USER_WIDTH must be 1 to 7")
        end
    endgenerate
    assign idle = (st == S_IDLE);
    assign ptw  = (st == S_PTW);

    reg  [1:0]  dc_word;            // device-context doubleword being read
    reg         dc_pdtv;            // tc.PDTV of the context being read
    reg         dc_bad;             // a check failed on a doubleword read so far
    reg  [1:0]  lvl;                // Sv39 level being read
    reg         w_write;

    // device-context checks (spec: DC configuration checks, for what this IOMMU
    // supports: Sv39 first stage, Bare second stage, no ATS/PRI/T2GPA/PDT/AD updates),
    // made on each doubleword as it arrives; the context is handed out one cycle
    // after the last one (S_DCW)
    wire [63:0] dw = walk_data;
    wire tc_bad   = (|dw[23:12]) || (|dw[63:32])
                 || dw[1] || dw[2] || dw[3] || dw[6]                  // EN_ATS, EN_PRI, T2GPA, PRPR
                 || dw[7] || dw[8]                                    // GADE, SADE
                 || dw[10] || dw[11]                                  // SBE, SXL
                 || (!dw[5] && dw[9]);                                // DPE without PDT
    wire gatp_bad = (dw[63:60] != 4'd0);                              // second stage must be Bare
    wire ta_bad   = (|dw[11:0]) || (|dw[63:32]);
    wire [3:0] fsc_mode = dw[63:60];
    wire fsc_bad  = dc_pdtv ? (fsc_mode != 4'd0)                      // no process directories
                            : ((fsc_mode != 4'd0 && fsc_mode != 4'd8) || (|dw[59:44]));
    assign dc_load = (st == S_DCW) && !dc_bad;

    // Sv39 PTE checks
    wire [63:0] pte = walk_data;
    wire pte_v = pte[0], pte_r = pte[1], pte_w = pte[2], pte_x = pte[3];
    wire pte_u = pte[4], pte_g = pte[5], pte_a = pte[6], pte_d = pte[7];
    wire pte_leaf = pte_r || pte_x;
    wire pte_bad  = !pte_v || (!pte_r && pte_w) || (|pte[63:54])
                 || (!pte_leaf && (pte_u || pte_a || pte_d));
    wire [43:0] pte_ppn = pte[53:10];
    wire misaligned_super = (lvl == 2'd2) ? (|pte_ppn[17:0]) : (lvl == 2'd1) ? (|pte_ppn[8:0]) : 1'b0;
    wire leaf_fault = !pte_u || !pte_a || misaligned_super;
    assign leaf = ptw && walk_resp && !walk_err && !(pte_bad || (!pte_leaf && lvl == 2'd0))
               && pte_leaf && !leaf_fault;

    wire [11:0] page_cause   = w_write ? C_WR_PAGE : C_RD_PAGE;
    wire [11:0] access_cause = w_write ? C_WR_ACCESS : C_RD_ACCESS;
    // the device context of DID d is the 32 bytes at ddtp.PPN * 4096 + d * 32
    wire [11:0] dc_off = {{(7-USER_WIDTH){1'b0}}, req_did, 5'd0};

    always @(posedge clk) begin
        if (rst) begin
            st        <= S_IDLE;
            walk_req  <= 1'b0;
            walk_addr <= 64'd0;
            fault     <= 1'b0;
            cause     <= 12'd0;
            cause_dc  <= 1'b0;
            dc_word   <= 2'd0;
            dc_pdtv   <= 1'b0;
            dc_dtf    <= 1'b0;
            dc_pscid  <= 20'd0;
            dc_ppn    <= 44'd0;
            dc_bare   <= 1'b0;
            dc_bad    <= 1'b0;
            lvl       <= 2'd0;
            wk_did    <= {USER_WIDTH{1'b0}};
            wk_vpn    <= 27'd0;
            w_write   <= 1'b0;
            fill <= 1'b0; fill_g <= 1'b0; fill_lvl <= 2'd0; fill_ppn <= 44'd0;
            fill_r <= 1'b0; fill_w <= 1'b0; fill_d <= 1'b0;
        end else begin
            if (walk_req && walk_ack)
                walk_req <= 1'b0;

            case (st)
                S_IDLE: begin
                    if (done) begin
                        fault <= 1'b0;
                    end else if (start_dc) begin
                        st        <= S_DC;
                        walk_req  <= 1'b1;
                    end else if (start_ptw) begin
                        st        <= S_PTW;
                        walk_req  <= 1'b1;
                    end
                    // the walk's registers are loaded in every idle cycle (only used by a walk;
                    // the memory port looks at walk_addr only while walk_req is set)
                    begin
                        wk_did    <= req_did;
                        wk_vpn    <= req_vpn;
                        w_write   <= req_w;
                        dc_word   <= 2'd0;
                        lvl       <= 2'd2;
                        walk_addr <= req_dc ? {8'd0, ddt_ppn, dc_off}
                                            : {8'd0, req_root, req_vpn[26:18], 3'd0};
                    end
                end

                S_DC: if (walk_resp) begin
                    walk_addr[4:3] <= dc_word + 2'd1;
                    if (walk_err) begin
                        st <= S_IDLE; fault <= 1'b1; cause <= C_DDT_LOAD; cause_dc <= 1'b1;
                    end else if (dc_word == 2'd0 && !dw[0]) begin
                        st <= S_IDLE; fault <= 1'b1; cause <= C_DDT_INVAL; cause_dc <= 1'b1;
                    end else begin
                        case (dc_word)
                            2'd0: begin
                                dc_bad <= tc_bad; dc_pdtv <= dw[5]; dc_dtf <= dw[4];
                            end
                            2'd1: dc_bad <= dc_bad || gatp_bad;
                            2'd2: begin
                                dc_bad <= dc_bad || ta_bad; dc_pscid <= dw[31:12];
                            end
                            default: begin
                                dc_bad <= dc_bad || fsc_bad;
                                dc_bare <= dc_pdtv || (fsc_mode == 4'd0);
                                dc_ppn <= dw[43:0];
                            end
                        endcase
                        if (dc_word == 2'd3) begin
                            st <= S_DCW;
                        end else begin
                            dc_word   <= dc_word + 2'd1;
                            walk_req  <= 1'b1;
                        end
                    end
                end

                S_DCW: begin
                    st <= S_IDLE;
                    if (dc_bad) begin
                        fault <= 1'b1; cause <= C_DDT_MISCONF; cause_dc <= 1'b1;
                    end
                end

                S_PTW: if (walk_resp) begin
                    // the next level's PTE (unused unless this one is a pointer)
                    walk_addr <= {8'd0, pte_ppn, (lvl == 2'd2) ? wk_vpn[17:9] : wk_vpn[8:0], 3'd0};
                    if (walk_err) begin
                        st <= S_IDLE; fault <= 1'b1; cause <= access_cause; cause_dc <= 1'b0;
                    end else if (pte_bad || (!pte_leaf && lvl == 2'd0)) begin
                        st <= S_IDLE; fault <= 1'b1; cause <= page_cause; cause_dc <= 1'b0;
                    end else if (pte_leaf) begin
                        st <= S_IDLE;
                        if (leaf_fault) begin
                            fault <= 1'b1; cause <= page_cause; cause_dc <= 1'b0;
                        end else begin
                            fill     <= 1'b1;
                            fill_g   <= pte_g;
                            fill_lvl <= lvl;
                            fill_ppn <= pte_ppn;
                            fill_r   <= pte_r;
                            fill_w   <= pte_w;
                            fill_d   <= pte_d;
                        end
                    end else begin
                        lvl       <= lvl - 2'd1;
                        walk_req  <= 1'b1;
                    end
                end

                default: st <= S_IDLE;
            endcase
            // the IOTLB takes the leaf in the cycle of `fill`
            if (fill)
                fill <= 1'b0;
        end
    end

    // tc.V was checked on arrival, custom bits are ignored, GSCID/PPN unused (Bare);
    // PTE RSW bits are software's
    wire unused_x = ^{pte[9:8]};
endmodule
`default_nettype wire
