// SPDX-License-Identifier: Apache-2.0
// IOMMU register page (RISC-V IOMMU v1.0 layout), AXI4-Lite, 32-bit accesses;
// an 8-byte register is two 32-bit halves (low at its offset, high at +4).
// Implemented: capabilities, fctl, ddtp, cqb/cqh/cqt, fqb/fqh/fqt, cqcsr,
// fqcsr, ipsr, icvec, msi_cfg_tbl (MSI_VECTORS entries), and four 64-bit
// performance counters in the custom area (0x2B0 translations, 0x2B8 IOTLB
// hits, 0x2C0 IOTLB misses, 0x2C8 page-walk cycles). Every other offset of
// the page reads 0 and ignores writes, as the specification asks for
// registers that are not implemented.
// Interrupts: fctl.WSI = 1 (reset) drives irq from ipsr; fctl.WSI = 0 holds
// irq low and dma_iommu_msi sends messages on cip_ev / fip_ev.
`default_nettype none
module dma_iommu_regs #(
    parameter PAS = 56,               // physical address bits (capabilities.PAS)
    parameter MSI_VECTORS = 4         // msi_cfg_tbl entries (IOMMU_MSI_VECTORS; a power of two, <= 16)
) (
    input  wire        clk,
    input  wire        rst,
    input  wire [11:0] s_axil_awaddr,
    input  wire        s_axil_awvalid,
    output wire        s_axil_awready,
    input  wire [31:0] s_axil_wdata,
    input  wire [3:0]  s_axil_wstrb,
    input  wire        s_axil_wvalid,
    output wire        s_axil_wready,
    output wire [1:0]  s_axil_bresp,
    output wire        s_axil_bvalid,
    input  wire        s_axil_bready,
    input  wire [11:0] s_axil_araddr,
    input  wire        s_axil_arvalid,
    output wire        s_axil_arready,
    output wire [31:0] s_axil_rdata,
    output wire [1:0]  s_axil_rresp,
    output wire        s_axil_rvalid,
    input  wire        s_axil_rready,
    // configuration
    output reg  [3:0]  ddtp_mode,
    output reg  [43:0] ddtp_ppn,
    output reg  [43:0] cqb_ppn,
    output reg  [4:0]  cqb_log2sz,
    output reg  [31:0] cqt,
    output reg  [43:0] fqb_ppn,
    output reg  [4:0]  fqb_log2sz,
    output reg  [31:0] fqh,
    output reg         cqen,
    output reg         fqen,
    output wire        cq_stalled,
    output wire        fq_stalled,
    // from the queues
    input  wire [31:0] cqh,
    input  wire        cqon,
    input  wire        cq_busy,
    input  wire        set_cmd_ill,
    input  wire        set_cqmf,
    input  wire        set_fence_w_ip,
    input  wire [31:0] fqt,
    input  wire        fqon,
    input  wire        set_fqof,
    input  wire        set_fqmf,
    input  wire        set_fip,
    // performance events
    input  wire        ev_translate,
    input  wire        ev_hit,
    input  wire        ev_miss,
    input  wire        ev_walk_cycle,
    // MSI configuration (dma_iommu_msi)
    output reg         fctl_wsi,
    output reg  [3:0]  civ,
    output reg  [3:0]  fiv,
    output wire [MSI_VECTORS*54-1:0] msi_addr,    // entry v: address bits 55:2
    output wire [MSI_VECTORS*32-1:0] msi_data,
    output wire [MSI_VECTORS-1:0]    msi_mask,
    output reg         cip_ev,        // ipsr.cip went 0 -> 1 at the last edge
    output reg         fip_ev,
    // wire-signaled interrupt: fctl.WSI & (ipsr.cip | ipsr.fip)
    output wire        irq
);
    // offsets and fields: regmap/iommu_regmap.py (generated)
    `include "dma_iommu_regs_defs.vh"
    localparam [5:0] PAS_BITS = (PAS > IOMMU_PAS_MAX) ? IOMMU_PAS_MAX[5:0] : PAS[5:0];
    // version, Sv39, IGS = both (MSI and WSI), PAS
    localparam [63:0] CAPABILITIES =
          ({56'd0, IOMMU_VERSION}                    << IOMMU_CAPABILITIES_VERSION_SHIFT)
        | (64'd1                                      << IOMMU_CAPABILITIES_SV39_SHIFT)
        | (64'd2                                      << IOMMU_CAPABILITIES_IGS_SHIFT)
        | ({58'd0, PAS_BITS}                          << IOMMU_CAPABILITIES_PAS_SHIFT);
    wire [63:0] capabilities = CAPABILITIES;

    reg cie, fie;
    reg cqmf, cmd_ill, fence_w_ip;
    reg fqmf, fqof;
    reg cip, fip;
    reg [63:0] cnt_translate, cnt_hit, cnt_miss, cnt_walk;
    reg [3:0]  ev_r;

    assign cq_stalled = cqmf || cmd_ill;
    assign fq_stalled = fqmf || fqof;
    assign irq = fctl_wsi && (cip || fip);

    // ------------------------------------------------------------- AXI4-Lite
    // handshakes and responses (every access answers OKAY: unimplemented offsets
    // read 0 and ignore writes, as the specification asks)
    wire        do_write, rd_req;
    wire [11:0] aw_addr, rd_addr;
    wire [31:0] w_data, w_mask;
    wire [3:0]  w_strb;
    reg  [31:0] rd;
    dma_axil_slave #(.ADDR_WIDTH(12), .RD_STAGES(0), .ERR_RESP(0)) axil (
        .clk(clk), .rst(rst),
        .s_axil_awaddr(s_axil_awaddr), .s_axil_awprot(3'd0), .s_axil_awvalid(s_axil_awvalid),
        .s_axil_awready(s_axil_awready),
        .s_axil_wdata(s_axil_wdata), .s_axil_wstrb(s_axil_wstrb), .s_axil_wvalid(s_axil_wvalid),
        .s_axil_wready(s_axil_wready),
        .s_axil_bresp(s_axil_bresp), .s_axil_bvalid(s_axil_bvalid), .s_axil_bready(s_axil_bready),
        .s_axil_araddr(s_axil_araddr), .s_axil_arprot(3'd0), .s_axil_arvalid(s_axil_arvalid),
        .s_axil_arready(s_axil_arready),
        .s_axil_rdata(s_axil_rdata), .s_axil_rresp(s_axil_rresp), .s_axil_rvalid(s_axil_rvalid),
        .s_axil_rready(s_axil_rready),
        .wr_req(do_write), .wr_addr(aw_addr), .wr_data(w_data), .wr_strb(w_strb), .wr_mask(w_mask),
        .wr_err(1'b0),
        .rd_req(rd_req), .rd_addr(rd_addr), .rd_data(rd), .rd_err(1'b0)
    );

    function [31:0] merge;
        input [31:0] old, data;
        input [3:0]  strb;
        integer i;
        begin
            for (i = 0; i < 4; i = i + 1)
                merge[i*8 +: 8] = strb[i] ? data[i*8 +: 8] : old[i*8 +: 8];
        end
    endfunction

    wire [31:0] ddtp_lo = {ddtp_ppn[21:0], 5'd0, 1'b0, ddtp_mode};
    wire [31:0] ddtp_hi = {10'd0, ddtp_ppn[43:22]};
    wire [31:0] cqb_lo  = {cqb_ppn[21:0], 5'd0, cqb_log2sz};
    wire [31:0] cqb_hi  = {10'd0, cqb_ppn[43:22]};
    wire [31:0] fqb_lo  = {fqb_ppn[21:0], 5'd0, fqb_log2sz};
    wire [31:0] fqb_hi  = {10'd0, fqb_ppn[43:22]};
    wire [31:0] cqcsr   = {14'd0, cq_busy, cqon, 4'd0, fence_w_ip, cmd_ill, 1'b0, cqmf, 6'd0, cie, cqen};
    wire [31:0] fqcsr   = {14'd0, 1'b0, fqon, 6'd0, fqof, fqmf, 6'd0, fie, fqen};
    wire [31:0] ipsr    = {30'd0, fip, cip};
    wire [31:0] wv      = merge(32'd0, w_data, w_strb);   // written bytes, others 0
    wire [31:0] m_ddtp_lo = merge(ddtp_lo, w_data, w_strb);
    wire [31:0] m_ddtp_hi = merge(ddtp_hi, w_data, w_strb);
    wire [31:0] m_cqb_lo  = merge(cqb_lo, w_data, w_strb);
    wire [31:0] m_cqb_hi  = merge(cqb_hi, w_data, w_strb);
    wire [31:0] m_fqb_lo  = merge(fqb_lo, w_data, w_strb);
    wire [31:0] m_fqb_hi  = merge(fqb_hi, w_data, w_strb);
    wire [31:0] icvec     = {24'd0, fiv, civ};
    // 32-bit accesses only (bits 1:0 ignored); reserved and read-only bits of a write
    wire unused_w = ^{rd_req, rd_addr[1:0], aw_addr[1:0], w_mask, wv[31:4], m_ddtp_lo[9:0], m_ddtp_hi[31:22],
                      m_cqb_lo[9:5], m_cqb_hi[31:22], m_fqb_lo[9:5], m_fqb_hi[31:22]};

    // interrupt events: a hardware set of a pending bit that is 0, or that software
    // clears in the same cycle (the set wins: the bit goes 1 -> 0 -> 1 at once)
    wire ipsr_wr = do_write && ({aw_addr[11:2], 2'b00} == IOMMU_REG_IPSR) && w_strb[0];
    wire hw_cip  = cie && (set_cmd_ill || set_cqmf || set_fence_w_ip);
    wire hw_fip  = fie && (set_fqof || set_fqmf || set_fip);
    // icvec fields are WARL: a vector beyond the table is ignored
    localparam integer NV = MSI_VECTORS;
    wire civ_ok = {28'd0, w_data[3:0]} < NV;
    wire fiv_ok = {28'd0, w_data[7:4]} < NV;

    always @(posedge clk) begin
        if (rst) begin
            ddtp_mode <= 4'd0; ddtp_ppn <= 44'd0;      // Off after reset: everything blocked
            cqb_ppn <= 44'd0; cqb_log2sz <= 5'd0; cqt <= 32'd0;
            fqb_ppn <= 44'd0; fqb_log2sz <= 5'd0; fqh <= 32'd0;
            cqen <= 1'b0; cie <= 1'b0; fqen <= 1'b0; fie <= 1'b0;
            cqmf <= 1'b0; cmd_ill <= 1'b0; fence_w_ip <= 1'b0; fqmf <= 1'b0; fqof <= 1'b0;
            cip <= 1'b0; fip <= 1'b0; civ <= 4'd0; fiv <= 4'd0;
            fctl_wsi <= 1'b1;                          // wire-signalled after reset
            cip_ev <= 1'b0; fip_ev <= 1'b0;
            cnt_translate <= 64'd0; cnt_hit <= 64'd0; cnt_miss <= 64'd0; cnt_walk <= 64'd0; ev_r <= 4'd0;
        end else begin
            // hardware events (a software write-1-to-clear in the same cycle loses)
            // (the events are registered first: counted a cycle late)
            ev_r          <= {ev_translate, ev_hit, ev_miss, ev_walk_cycle};
            cnt_translate <= cnt_translate + {63'd0, ev_r[3]};
            cnt_hit       <= cnt_hit + {63'd0, ev_r[2]};
            cnt_miss      <= cnt_miss + {63'd0, ev_r[1]};
            cnt_walk      <= cnt_walk + {63'd0, ev_r[0]};

            if (do_write) begin
                case ({aw_addr[11:2], 2'b00})
                    IOMMU_REG_DDTP: begin
                        // WARL: only Off, Bare and 1LVL are accepted
                        if (w_strb[0] && (wv[3:0] <= 4'd2)) ddtp_mode <= wv[3:0];
                        ddtp_ppn[21:0] <= m_ddtp_lo[31:10];
                    end
                    IOMMU_REG_DDTP_HI: ddtp_ppn[43:22] <= m_ddtp_hi[21:0];
                    IOMMU_REG_CQB: begin
                        cqb_log2sz     <= m_cqb_lo[4:0];
                        cqb_ppn[21:0]  <= m_cqb_lo[31:10];
                    end
                    IOMMU_REG_CQB_HI: cqb_ppn[43:22] <= m_cqb_hi[21:0];
                    IOMMU_REG_CQT: cqt <= merge(cqt, w_data, w_strb);
                    IOMMU_REG_FQB: begin
                        fqb_log2sz     <= m_fqb_lo[4:0];
                        fqb_ppn[21:0]  <= m_fqb_lo[31:10];
                    end
                    IOMMU_REG_FQB_HI: fqb_ppn[43:22] <= m_fqb_hi[21:0];
                    IOMMU_REG_FQH: fqh <= merge(fqh, w_data, w_strb);
                    IOMMU_REG_CQCSR: begin
                        if (w_strb[0]) begin cqen <= w_data[0]; cie <= w_data[1]; end
                        if (w_strb[1]) begin
                            if (w_data[8])  cqmf       <= 1'b0;
                            if (w_data[10]) cmd_ill    <= 1'b0;
                            if (w_data[11]) fence_w_ip <= 1'b0;
                        end
                        // a queue being enabled starts clean
                        if (w_strb[0] && w_data[0] && !cqen) begin
                            cqmf <= 1'b0; cmd_ill <= 1'b0; fence_w_ip <= 1'b0;
                        end
                    end
                    IOMMU_REG_FQCSR: begin
                        if (w_strb[0]) begin fqen <= w_data[0]; fie <= w_data[1]; end
                        if (w_strb[1]) begin
                            if (w_data[8]) fqmf <= 1'b0;
                            if (w_data[9]) fqof <= 1'b0;
                        end
                        if (w_strb[0] && w_data[0] && !fqen) begin
                            fqmf <= 1'b0; fqof <= 1'b0;
                        end
                    end
                    IOMMU_REG_IPSR: if (w_strb[0]) begin
                        if (w_data[0]) cip <= 1'b0;
                        if (w_data[1]) fip <= 1'b0;
                    end
                    IOMMU_REG_FCTL: if (w_strb[0]) fctl_wsi <= w_data[1];
                    IOMMU_REG_ICVEC: if (w_strb[0]) begin
                        if (civ_ok) civ <= w_data[3:0];
                        if (fiv_ok) fiv <= w_data[7:4];
                    end
                    default: ;
                endcase
            end

            // queue events; an interrupt is pending while enabled (set wins over clear)
            if (set_cmd_ill)    cmd_ill    <= 1'b1;
            if (set_cqmf)       cqmf       <= 1'b1;
            if (set_fence_w_ip) fence_w_ip <= 1'b1;
            if (set_fqof)       fqof       <= 1'b1;
            if (set_fqmf)       fqmf       <= 1'b1;
            if (hw_cip) cip <= 1'b1;
            if (hw_fip) fip <= 1'b1;
            cip_ev <= hw_cip && (!cip || (ipsr_wr && w_data[0]));
            fip_ev <= hw_fip && (!fip || (ipsr_wr && w_data[1]));
        end
    end

    // ------------------------------------------------------- msi_cfg_tbl
    // entry v at IOMMU_MSI_CFG_TBL + 16 v: msi_addr (low, high), msi_data, msi_vec_ctl
    wire [MSI_VECTORS*128-1:0] tbl_words;
    genvar gv;
    generate
        for (gv = 0; gv < MSI_VECTORS; gv = gv + 1) begin : g_msi
            localparam integer IDX = gv;     // IOMMU_MSI_CFG_TBL is 256-byte aligned, entries 16 bytes
            reg [53:0] a_q;
            reg [31:0] d_q;
            reg        m_q;
            wire sel = do_write && (aw_addr[11:8] == IOMMU_MSI_CFG_TBL[11:8]) && ({28'd0, aw_addr[7:4]} == IDX);
            wire [31:0] m_lo = merge({a_q[29:0], 2'b00}, w_data, w_strb);
            wire [31:0] m_hi = merge({8'd0, a_q[53:30]}, w_data, w_strb);
            always @(posedge clk) begin
                if (rst) begin
                    a_q <= 54'd0; d_q <= 32'd0; m_q <= 1'b1;     // masked after reset
                end else if (sel) begin
                    case (aw_addr[3:2])
                        2'd0: a_q[29:0]  <= m_lo[31:2];
                        2'd1: a_q[53:30] <= m_hi[23:0];
                        2'd2: d_q        <= merge(d_q, w_data, w_strb);
                        default: if (w_strb[0]) m_q <= w_data[0];
                    endcase
                end
            end
            wire unused_tbl = ^{m_lo[1:0], m_hi[31:24]};
            assign msi_addr[gv*54 +: 54] = a_q;
            assign msi_data[gv*32 +: 32] = d_q;
            assign msi_mask[gv]          = m_q;
            assign tbl_words[gv*128 +: 128] = {31'd0, m_q, d_q, 8'd0, a_q[53:30], a_q[29:0], 2'b00};
        end
    endgenerate
    wire        in_tbl = (rd_addr[11:8] == IOMMU_MSI_CFG_TBL[11:8]) && ({28'd0, rd_addr[7:4]} < NV);
    wire [31:0] tbl_rd = tbl_words[rd_addr[7:2]*32 +: 32];

    // -------------------------------------------------------------- read path
    always @* begin
        case ({rd_addr[11:2], 2'b00})
            IOMMU_REG_CAPABILITIES:    rd = capabilities[31:0];
            IOMMU_REG_CAPABILITIES_HI: rd = capabilities[63:32];
            IOMMU_REG_FCTL:            rd = {30'd0, fctl_wsi, 1'b0};   // BE = 0: little-endian
            IOMMU_REG_DDTP:            rd = ddtp_lo;
            IOMMU_REG_DDTP_HI:         rd = ddtp_hi;
            IOMMU_REG_CQB:             rd = cqb_lo;
            IOMMU_REG_CQB_HI:          rd = cqb_hi;
            IOMMU_REG_CQH:             rd = cqh;
            IOMMU_REG_CQT:             rd = cqt;
            IOMMU_REG_FQB:             rd = fqb_lo;
            IOMMU_REG_FQB_HI:          rd = fqb_hi;
            IOMMU_REG_FQH:             rd = fqh;
            IOMMU_REG_FQT:             rd = fqt;
            IOMMU_REG_CQCSR:           rd = cqcsr;
            IOMMU_REG_FQCSR:           rd = fqcsr;
            IOMMU_REG_IPSR:            rd = ipsr;
            IOMMU_REG_CNT_TRANSLATE:    rd = cnt_translate[31:0];
            IOMMU_REG_CNT_TRANSLATE_HI: rd = cnt_translate[63:32];
            IOMMU_REG_CNT_HIT:          rd = cnt_hit[31:0];
            IOMMU_REG_CNT_HIT_HI:       rd = cnt_hit[63:32];
            IOMMU_REG_CNT_MISS:         rd = cnt_miss[31:0];
            IOMMU_REG_CNT_MISS_HI:      rd = cnt_miss[63:32];
            IOMMU_REG_CNT_WALK:         rd = cnt_walk[31:0];
            IOMMU_REG_CNT_WALK_HI:      rd = cnt_walk[63:32];
            IOMMU_REG_ICVEC:            rd = icvec;
            default: rd = in_tbl ? tbl_rd : 32'd0;
        endcase
    end
endmodule
`default_nettype wire
