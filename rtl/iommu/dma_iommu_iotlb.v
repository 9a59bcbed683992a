// SPDX-License-Identifier: Apache-2.0
// IOTLB of the IOMMU translation unit (dma_iommu_xlate): TLB_ENTRIES fully
// associative entries of Sv39 leaves, tagged {device ID, PSCID, VPN, level}.
//
// Lookup (two pipeline stages of the translation unit, P and SEL):
//   - in the cycle of lk_load every entry's tag is compared with lk_* and the
//     result is registered (p_tag: valid and {DID, VPN} match, p_pok: the
//     entry's PSCID is that of its device's cached context, p_perm: the
//     entry allows the access);
//   - from the next cycle on, hit / hit_* give the lowest-numbered entry that
//     matches (a binary tree on the registered vectors; its level and PPN are
//     read from the entries then). lk_repok reloads p_pok from pok_new (the
//     request's device context has just been loaded: select again).
// The PSCID is not compared at lookup: t_pok says whether an entry's PSCID is
// that of its device's cached context. It is set on a fill (the fill's PSCID
// is the cached context's) and recomputed for the device's entries when its
// context is loaded (ctx_load; pok_new is registered from ctx_did / ctx_pscid
// every cycle, so they must be held the cycle before ctx_load).
//
// Fill: an entry is written at t_next (round robin) in the cycle of fill.
// IOTINVAL.VMA: the entries are compared in the cycle of inv_vma and cleared in
// the next one (visible to lookups loaded two cycles after the command).
// Forms: all; PSCID (inv_pscv, global entries excluded); address (inv_av, the
// entry's page contains inv_vpn); both.
`default_nettype none
module dma_iommu_iotlb #(
    parameter USER_WIDTH  = 4,      // device ID width
    parameter TLB_ENTRIES = 16
) (
    input  wire                  clk,
    input  wire                  rst,
    // lookup
    input  wire                  lk_load,
    input  wire [USER_WIDTH-1:0] lk_did,
    input  wire [26:0]           lk_vpn,
    input  wire                  lk_w,       // a write: needs W and D (else R)
    input  wire                  lk_repok,
    output wire                  hit,
    output wire                  hit_perm,
    output wire [1:0]            hit_lvl,
    output wire [43:0]           hit_ppn,
    // fill from a walk
    input  wire                  fill,
    input  wire [USER_WIDTH-1:0] fill_did,
    input  wire [19:0]           fill_pscid,
    input  wire [26:0]           fill_vpn,
    input  wire                  fill_g,
    input  wire [1:0]            fill_lvl,
    input  wire [43:0]           fill_ppn,
    input  wire                  fill_r,
    input  wire                  fill_w,
    input  wire                  fill_d,
    // a device context is loaded into the context cache
    input  wire                  ctx_load,
    input  wire [USER_WIDTH-1:0] ctx_did,
    input  wire [19:0]           ctx_pscid,
    // IOTINVAL.VMA
    input  wire                  inv_vma,
    input  wire                  inv_pscv,
    input  wire [19:0]           inv_pscid,
    input  wire                  inv_av,
    input  wire [26:0]           inv_vpn
);
    localparam TLB_W = (TLB_ENTRIES <= 1) ? 1 : $clog2(TLB_ENTRIES);
    localparam TN    = 1 << TLB_W;         // the selection tree's leaves (entries padded)

    // parameter checks: an unsupported value stops elaboration (dma_param_check.vh)
    `include "dma_param_check.vh"
    generate
        if (TLB_ENTRIES < 1 || USER_WIDTH < 1) begin : g_check0
            `DMA_PARAM_ERROR(dma_iommu_iotlb__parameter_error__TLB_ENTRIES_and_USER_WIDTH_must_be_at_least_1, "dma_iommu_iotlb: TLB_ENTRIES and USER_WIDTH must be at least 1")
        end
    endgenerate

    reg             t_v    [0:TLB_ENTRIES-1];
    reg  [USER_WIDTH-1:0] t_did[0:TLB_ENTRIES-1];
    reg  [19:0]     t_pscid[0:TLB_ENTRIES-1];
    reg             t_pok  [0:TLB_ENTRIES-1];  // t_pscid == the PSCID of t_did's cached context
    reg             t_g    [0:TLB_ENTRIES-1];
    reg  [26:0]     t_vpn  [0:TLB_ENTRIES-1];
    reg  [1:0]      t_lvl  [0:TLB_ENTRIES-1];
    reg  [43:0]     t_ppn  [0:TLB_ENTRIES-1];
    reg             t_r    [0:TLB_ENTRIES-1];
    reg             t_w    [0:TLB_ENTRIES-1];
    reg             t_d    [0:TLB_ENTRIES-1];
    reg  [TLB_W-1:0] t_next;              // round-robin replacement
    reg              inv_vma_d;           // IOTINVAL.VMA: clear the entries of inv_kill
    reg  [TLB_ENTRIES-1:0] inv_kill, inv_kill2;   // PSCID and address conditions

    function vpn_match;
        input [26:0] a, b;
        input [1:0]  lvl;
        begin
            case (lvl)
                2'd0:    vpn_match = (a == b);
                2'd1:    vpn_match = (a[26:9] == b[26:9]);
                default: vpn_match = (a[26:18] == b[26:18]);
            endcase
        end
    endfunction

    // ---- tag match (registered into p_tag in the cycle of lk_load)
    reg [TLB_ENTRIES-1:0] q_match, q_pok, q_perm;
    integer e;
    always @* begin
        for (e = 0; e < TLB_ENTRIES; e = e + 1) begin
            q_match[e] = t_v[e] && t_did[e] == lk_did && vpn_match(t_vpn[e], lk_vpn, t_lvl[e]);
            q_pok[e]   = t_pok[e];
            q_perm[e]  = lk_w ? (t_w[e] && t_d[e]) : t_r[e];
        end
    end

    reg  [TLB_ENTRIES-1:0] p_tag;   // valid entries whose {DID, VPN} match
    reg  [TLB_ENTRIES-1:0] p_pok;   // t_pok when the lookup was loaded (or its context)
    reg  [TLB_ENTRIES-1:0] p_perm;  // the entry allows the access (R; W and D)
    // t_pok once the context being loaded is in the cache
    reg  [TLB_ENTRIES-1:0] pok_new;
    always @(posedge clk) begin
        if (rst) begin
            p_tag <= {TLB_ENTRIES{1'b0}}; p_pok <= {TLB_ENTRIES{1'b0}}; p_perm <= {TLB_ENTRIES{1'b0}};
        end else if (lk_load) begin
            p_tag <= q_match; p_pok <= q_pok; p_perm <= q_perm;
        end else if (lk_repok) begin
            p_pok <= pok_new;
        end
    end

    // ---- selection: the first matching entry (a binary tree: lower index wins)
    localparam SW = 47;             // {perm, lvl, ppn}
    reg  [2*TN-2:0]    n_any;
    reg  [(2*TN-1)*SW-1:0] n_d;
    integer k;
    always @* begin
        n_any = {(2*TN-1){1'b0}};
        n_d   = {((2*TN-1)*SW){1'b0}};
        for (k = 0; k < TLB_ENTRIES; k = k + 1) begin
            n_any[TN-1+k] = p_tag[k] && p_pok[k];
            n_d[(TN-1+k)*SW +: SW] = {p_perm[k], t_lvl[k], t_ppn[k]};
        end
        for (k = TN - 2; k >= 0; k = k - 1) begin
            n_any[k] = n_any[2*k+1] || n_any[2*k+2];
            n_d[k*SW +: SW] = n_any[2*k+1] ? n_d[(2*k+1)*SW +: SW] : n_d[(2*k+2)*SW +: SW];
        end
    end
    assign hit = n_any[0];
    assign {hit_perm, hit_lvl, hit_ppn} = n_d[0 +: SW];

    // (registered: at ctx_load it is that of the cycle before, when all its inputs were settled)
    integer c;
    always @(posedge clk) begin
        for (c = 0; c < TLB_ENTRIES; c = c + 1)
            pok_new[c] <= (t_did[c] == ctx_did) ? (t_pscid[c] == ctx_pscid) : t_pok[c];
    end

    integer i;
    always @(posedge clk) begin
        if (rst) begin
            t_next    <= {TLB_W{1'b0}};
            inv_vma_d <= 1'b0;
            inv_kill  <= {TLB_ENTRIES{1'b0}};
            inv_kill2 <= {TLB_ENTRIES{1'b0}};
            for (i = 0; i < TLB_ENTRIES; i = i + 1) begin
                t_v[i] <= 1'b0; t_did[i] <= {USER_WIDTH{1'b0}}; t_pscid[i] <= 20'd0; t_pok[i] <= 1'b0;
                t_g[i] <= 1'b0; t_vpn[i] <= 27'd0; t_lvl[i] <= 2'd0; t_ppn[i] <= 44'd0;
                t_r[i] <= 1'b0; t_w[i] <= 1'b0; t_d[i] <= 1'b0;
            end
        end else begin
            // a device context was loaded: the entries of its device match again iff
            // the PSCID is theirs
            if (ctx_load) begin
                for (i = 0; i < TLB_ENTRIES; i = i + 1)
                    t_pok[i] <= pok_new[i];
            end

            if (fill) begin
                t_v[t_next]     <= 1'b1;
                t_did[t_next]   <= fill_did;
                t_pscid[t_next] <= fill_pscid;
                t_pok[t_next]   <= 1'b1;
                t_g[t_next]     <= fill_g;
                t_vpn[t_next]   <= fill_vpn;
                t_lvl[t_next]   <= fill_lvl;
                t_ppn[t_next]   <= fill_ppn;
                t_r[t_next]     <= fill_r;
                t_w[t_next]     <= fill_w;
                t_d[t_next]     <= fill_d;
                t_next <= (t_next == TLB_ENTRIES[TLB_W-1:0] - 1'b1) ? {TLB_W{1'b0}} : t_next + 1'b1;
            end

            // IOTINVAL.VMA: the entries are compared in the cycle of the command and
            // cleared in the next (the translation unit lets no request look at them
            // before: hold)
            inv_vma_d <= inv_vma;
            for (i = 0; i < TLB_ENTRIES; i = i + 1) begin
                inv_kill[i]  <= !inv_pscv || (t_pscid[i] == inv_pscid && !t_g[i]);
                inv_kill2[i] <= !inv_av || vpn_match(t_vpn[i], inv_vpn, t_lvl[i]);
                if (inv_vma_d && inv_kill[i] && inv_kill2[i])
                    t_v[i] <= 1'b0;
            end
        end
    end
endmodule
`default_nettype wire
