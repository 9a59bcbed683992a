// IOMMU translation unit: an AXI4 slave (from the DMA engine) to an AXI4
// master (to memory) that translates every AR and AW address.
//
// Device ID = AxUSER. ddtp mode Off: every request faults (cause 256); Bare:
// addresses pass unchanged; 1LVL: the device context (base format, 32 bytes)
// is read from the device directory and cached per device; its first stage
// is Bare (pass through) or Sv39 (IOTLB, page-table walk).
//
// A hit in the IOTLB is decided combinationally from the request on the
// slave port, and the translated request is registered to the master port:
// one cycle added. On a miss the request waits on the slave port (its payload
// is stable until the handshake) while the walker reads the tables through
// the `walk` port; the walk fills the IOTLB and the lookup then hits.
//
// A faulting request is taken from the slave port and never forwarded: a read
// is answered with SLVERR beats (zero data), a write has its W beats
// swallowed and is answered SLVERR; both only once every earlier request of
// that direction has completed, so responses stay in order. A fault record is
// handed to the fault queue unless DC.tc.DTF suppresses it.
//
// Bursts must not cross 4 KiB (AXI rule): one translation covers a burst.
module dma_iommu_xlate #(
    parameter DATA_WIDTH  = 64,
    parameter ADDR_WIDTH  = 64,
    parameter ID_WIDTH    = 5,
    parameter USER_WIDTH  = 4,     // device ID width (AxUSER)
    parameter TLB_ENTRIES = 16
) (
    input  wire                    clk,
    input  wire                    rst,
    // configuration (ddtp)
    input  wire [3:0]              mode,          // 0 Off, 1 Bare, 2 1LVL
    input  wire [43:0]             ddt_ppn,
    // invalidations from the command queue
    input  wire                    inv_vma,
    input  wire                    inv_pscv,
    input  wire [19:0]             inv_pscid,
    input  wire                    inv_av,
    input  wire [26:0]             inv_vpn,
    input  wire                    inv_ddt,
    input  wire                    inv_dv,
    input  wire [23:0]             inv_did,
    output wire                    busy,          // a translation or a fault is in progress
    output wire                    drained,       // no forwarded request is outstanding
    // table reads (8 bytes each)
    output reg                     walk_req,
    output reg  [63:0]             walk_addr,
    input  wire                    walk_ack,      // request taken
    input  wire                    walk_resp,     // data returned
    input  wire [63:0]             walk_data,
    input  wire                    walk_err,
    // fault records
    output reg                     flt_valid,
    input  wire                    flt_ready,
    output reg  [11:0]             flt_cause,
    output reg  [5:0]              flt_ttyp,
    output reg  [23:0]             flt_did,
    output reg  [63:0]             flt_iova,
    // performance events (pulses / levels)
    output wire                    ev_translate,
    output wire                    ev_hit,
    output wire                    ev_miss,
    output wire                    ev_walk_cycle,
    // slave port (from the engine)
    input  wire [ID_WIDTH-1:0]     s_axi_awid,
    input  wire [ADDR_WIDTH-1:0]   s_axi_awaddr,
    input  wire [7:0]              s_axi_awlen,
    input  wire [2:0]              s_axi_awsize,
    input  wire [1:0]              s_axi_awburst,
    input  wire                    s_axi_awlock,
    input  wire [3:0]              s_axi_awcache,
    input  wire [2:0]              s_axi_awprot,
    input  wire [USER_WIDTH-1:0]   s_axi_awuser,
    input  wire                    s_axi_awvalid,
    output wire                    s_axi_awready,
    input  wire [DATA_WIDTH-1:0]   s_axi_wdata,
    input  wire [DATA_WIDTH/8-1:0] s_axi_wstrb,
    input  wire                    s_axi_wlast,
    input  wire                    s_axi_wvalid,
    output wire                    s_axi_wready,
    output wire [ID_WIDTH-1:0]     s_axi_bid,
    output wire [1:0]              s_axi_bresp,
    output wire                    s_axi_bvalid,
    input  wire                    s_axi_bready,
    input  wire [ID_WIDTH-1:0]     s_axi_arid,
    input  wire [ADDR_WIDTH-1:0]   s_axi_araddr,
    input  wire [7:0]              s_axi_arlen,
    input  wire [2:0]              s_axi_arsize,
    input  wire [1:0]              s_axi_arburst,
    input  wire                    s_axi_arlock,
    input  wire [3:0]              s_axi_arcache,
    input  wire [2:0]              s_axi_arprot,
    input  wire [USER_WIDTH-1:0]   s_axi_aruser,
    input  wire                    s_axi_arvalid,
    output wire                    s_axi_arready,
    output wire [ID_WIDTH-1:0]     s_axi_rid,
    output wire [DATA_WIDTH-1:0]   s_axi_rdata,
    output wire [1:0]              s_axi_rresp,
    output wire                    s_axi_rlast,
    output wire                    s_axi_rvalid,
    input  wire                    s_axi_rready,
    // master port (to memory)
    output reg  [ID_WIDTH-1:0]     m_axi_awid,
    output reg  [ADDR_WIDTH-1:0]   m_axi_awaddr,
    output reg  [7:0]              m_axi_awlen,
    output reg  [2:0]              m_axi_awsize,
    output reg  [1:0]              m_axi_awburst,
    output reg                     m_axi_awlock,
    output reg  [3:0]              m_axi_awcache,
    output reg  [2:0]              m_axi_awprot,
    output reg                     m_axi_awvalid,
    input  wire                    m_axi_awready,
    output wire [DATA_WIDTH-1:0]   m_axi_wdata,
    output wire [DATA_WIDTH/8-1:0] m_axi_wstrb,
    output wire                    m_axi_wlast,
    output wire                    m_axi_wvalid,
    input  wire                    m_axi_wready,
    input  wire [ID_WIDTH-1:0]     m_axi_bid,
    input  wire [1:0]              m_axi_bresp,
    input  wire                    m_axi_bvalid,
    output wire                    m_axi_bready,
    output reg  [ID_WIDTH-1:0]     m_axi_arid,
    output reg  [ADDR_WIDTH-1:0]   m_axi_araddr,
    output reg  [7:0]              m_axi_arlen,
    output reg  [2:0]              m_axi_arsize,
    output reg  [1:0]              m_axi_arburst,
    output reg                     m_axi_arlock,
    output reg  [3:0]              m_axi_arcache,
    output reg  [2:0]              m_axi_arprot,
    output reg                     m_axi_arvalid,
    input  wire                    m_axi_arready,
    input  wire [ID_WIDTH-1:0]     m_axi_rid,
    input  wire [DATA_WIDTH-1:0]   m_axi_rdata,
    input  wire [1:0]              m_axi_rresp,
    input  wire                    m_axi_rlast,
    input  wire                    m_axi_rvalid,
    output wire                    m_axi_rready
);
    localparam NDEV   = 1 << USER_WIDTH;
    localparam TLB_W  = (TLB_ENTRIES <= 1) ? 1 : $clog2(TLB_ENTRIES);
    localparam [3:0] MODE_OFF = 4'd0, MODE_BARE = 4'd1, MODE_1LVL = 4'd2;
    localparam [11:0] C_RD_ACCESS = 12'd5,   C_WR_ACCESS = 12'd7,
                      C_RD_PAGE   = 12'd13,  C_WR_PAGE   = 12'd15,
                      C_ALL_OFF   = 12'd256, C_DDT_LOAD  = 12'd257,
                      C_DDT_INVAL = 12'd258, C_DDT_MISCONF = 12'd259;
    localparam [5:0]  TTYP_READ = 6'd2, TTYP_WRITE = 6'd3;

    // ===================================================== request selection
    // one request direction is looked at per cycle; a walk sticks to its direction
    reg  use_w;                     // 1: the AW request is being looked at
    reg  turn_w;                    // alternate between directions when both wait
    reg  [2:0] st;
    localparam [2:0] S_IDLE = 3'd0, S_DC = 3'd1, S_PTW = 3'd2;

    reg  r_block, w_block;          // a faulted request of that direction is being answered
    wire r_cand = s_axi_arvalid && !r_block;
    wire w_cand = s_axi_awvalid && !w_block;
    // a write cannot be taken while its W-order queue is full; the reads must go on
    // then (the engine's write data may be waiting for read data)
    wire w_room;
    wire sel_w  = (st != S_IDLE) ? use_w : (w_cand && w_room && (!r_cand || turn_w));

    wire [ADDR_WIDTH-1:0] q_addr = sel_w ? s_axi_awaddr : s_axi_araddr;
    wire [USER_WIDTH-1:0] q_did  = sel_w ? s_axi_awuser : s_axi_aruser;
    wire                  q_valid = sel_w ? w_cand : r_cand;
    wire [26:0]           q_vpn  = q_addr[38:12];

    // ============================================ device-context cache (per DID)
    reg             dc_v    [0:NDEV-1];
    reg             dc_bare [0:NDEV-1];  // first stage Bare: pass through
    reg             dc_dtf  [0:NDEV-1];
    reg  [43:0]     dc_ppn  [0:NDEV-1];
    reg  [19:0]     dc_pscid[0:NDEV-1];
    wire            q_dc_v     = dc_v[q_did];
    wire            q_dc_bare  = dc_bare[q_did];
    wire [19:0]     q_pscid    = dc_pscid[q_did];

    // ====================================================================== IOTLB
    reg             t_v    [0:TLB_ENTRIES-1];
    reg  [USER_WIDTH-1:0] t_did[0:TLB_ENTRIES-1];
    reg  [19:0]     t_pscid[0:TLB_ENTRIES-1];
    reg             t_g    [0:TLB_ENTRIES-1];
    reg  [26:0]     t_vpn  [0:TLB_ENTRIES-1];
    reg  [1:0]      t_lvl  [0:TLB_ENTRIES-1];
    reg  [43:0]     t_ppn  [0:TLB_ENTRIES-1];
    reg             t_r    [0:TLB_ENTRIES-1];
    reg             t_w    [0:TLB_ENTRIES-1];
    reg             t_d    [0:TLB_ENTRIES-1];
    reg  [TLB_W-1:0] t_next;              // round-robin replacement

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

    reg              hit;
    reg [TLB_W-1:0]  hit_idx;
    integer e;
    always @* begin
        hit = 1'b0;
        hit_idx = {TLB_W{1'b0}};
        for (e = 0; e < TLB_ENTRIES; e = e + 1) begin
            if (!hit && t_v[e] && t_did[e] == q_did && t_pscid[e] == q_pscid
                && vpn_match(t_vpn[e], q_vpn, t_lvl[e])) begin
                hit     = 1'b1;
                hit_idx = e[TLB_W-1:0];
            end
        end
    end
    wire [1:0]  h_lvl = t_lvl[hit_idx];
    wire [43:0] h_ppn = t_ppn[hit_idx];
    wire [55:0] h_pa  = (h_lvl == 2'd0) ? {h_ppn, q_addr[11:0]} :
                        (h_lvl == 2'd1) ? {h_ppn[43:9], q_addr[20:0]} :
                                          {h_ppn[43:18], q_addr[29:0]};
    wire h_perm_ok = sel_w ? (t_w[hit_idx] && t_d[hit_idx]) : t_r[hit_idx];
    // Sv39: bits 63:39 of the IOVA must all equal bit 38
    wire canonical = (q_addr[ADDR_WIDTH-1:38] == {(ADDR_WIDTH-38){1'b0}})
                  || (q_addr[ADDR_WIDTH-1:38] == {(ADDR_WIDTH-38){1'b1}});

    // ============================================================ decision
    reg            walk_fault;       // the walk for the waiting request found a fault
    reg [11:0]     walk_cause;
    reg            walk_cause_dc;    // a DC fault (always reported, DTF assumed 0)

    wire sv39 = (mode == MODE_1LVL) && q_dc_v && !q_dc_bare;
    wire pass_direct = (mode == MODE_BARE) || ((mode == MODE_1LVL) && q_dc_v && q_dc_bare);
    wire pass_tlb    = sv39 && canonical && hit && h_perm_ok;
    wire fault_now   = (mode == MODE_OFF) || (mode != MODE_BARE && mode != MODE_1LVL)
                    || (sv39 && !canonical) || (sv39 && canonical && hit && !h_perm_ok)
                    || walk_fault;
    wire [11:0] cause_now =
          walk_fault ? walk_cause
        : (mode != MODE_BARE && mode != MODE_1LVL) ? C_ALL_OFF
        : (sel_w ? C_WR_PAGE : C_RD_PAGE);
    // DTF hides translation faults, not the directory's (spec fault cause table)
    wire report_now = walk_fault ? (walk_cause_dc || !dc_dtf[q_did])
                    : (mode != MODE_BARE && mode != MODE_1LVL) ? 1'b1
                    : !dc_dtf[q_did];
    wire need_dc  = (mode == MODE_1LVL) && !q_dc_v && !walk_fault;
    wire need_ptw = sv39 && canonical && !hit && !walk_fault;

    wire ar_slot = !m_axi_arvalid || m_axi_arready;
    wire aw_slot = !m_axi_awvalid || m_axi_awready;
    wire wq_full, wq_empty;
    assign w_room = !wq_full;
    wire flt_free = !flt_valid;
    wire idle = (st == S_IDLE);

    wire do_pass  = idle && q_valid && (pass_direct || pass_tlb) && !walk_fault
                 && (sel_w ? (aw_slot && !wq_full) : ar_slot);
    wire do_fault = idle && q_valid && fault_now && flt_free
                 && (sel_w ? !wq_full : 1'b1);
    wire take     = do_pass || do_fault;
    wire [ADDR_WIDTH-1:0] pa = pass_tlb ? {{(ADDR_WIDTH-56){1'b0}}, h_pa} : q_addr;

    assign s_axi_arready = take && !sel_w;
    assign s_axi_awready = take && sel_w;

    assign ev_translate  = do_pass && (mode == MODE_1LVL);
    reg  walked;          // the waiting request needed a walk: its final lookup is no hit
    assign ev_hit        = do_pass && pass_tlb && !walked;
    assign ev_miss       = idle && q_valid && need_ptw;
    assign ev_walk_cycle = (st == S_PTW);

    // ====================================================== forwarded requests
    reg [15:0] rd_out;   // read bursts forwarded and not finished
    reg [15:0] wr_out;   // write bursts forwarded and not acknowledged
    wire m_r_done = m_axi_rvalid && m_axi_rready && m_axi_rlast;
    wire m_b_done = m_axi_bvalid && m_axi_bready;

    always @(posedge clk) begin
        if (rst) begin
            m_axi_arvalid <= 1'b0;
            m_axi_awvalid <= 1'b0;
            m_axi_arid <= {ID_WIDTH{1'b0}}; m_axi_araddr <= {ADDR_WIDTH{1'b0}}; m_axi_arlen <= 8'd0;
            m_axi_arsize <= 3'd0; m_axi_arburst <= 2'd0; m_axi_arlock <= 1'b0;
            m_axi_arcache <= 4'd0; m_axi_arprot <= 3'd0;
            m_axi_awid <= {ID_WIDTH{1'b0}}; m_axi_awaddr <= {ADDR_WIDTH{1'b0}}; m_axi_awlen <= 8'd0;
            m_axi_awsize <= 3'd0; m_axi_awburst <= 2'd0; m_axi_awlock <= 1'b0;
            m_axi_awcache <= 4'd0; m_axi_awprot <= 3'd0;
        end else begin
            if (do_pass && !sel_w) begin
                m_axi_arvalid <= 1'b1;
                m_axi_arid <= s_axi_arid; m_axi_araddr <= pa; m_axi_arlen <= s_axi_arlen;
                m_axi_arsize <= s_axi_arsize; m_axi_arburst <= s_axi_arburst;
                m_axi_arlock <= s_axi_arlock; m_axi_arcache <= s_axi_arcache; m_axi_arprot <= s_axi_arprot;
            end else if (m_axi_arready) begin
                m_axi_arvalid <= 1'b0;
            end
            if (do_pass && sel_w) begin
                m_axi_awvalid <= 1'b1;
                m_axi_awid <= s_axi_awid; m_axi_awaddr <= pa; m_axi_awlen <= s_axi_awlen;
                m_axi_awsize <= s_axi_awsize; m_axi_awburst <= s_axi_awburst;
                m_axi_awlock <= s_axi_awlock; m_axi_awcache <= s_axi_awcache; m_axi_awprot <= s_axi_awprot;
            end else if (m_axi_awready) begin
                m_axi_awvalid <= 1'b0;
            end
        end
    end

    // ===================================================== write data routing
    // one entry per accepted AW, in order: 1 = forward its W beats, 0 = drop them
    wire wq_fwd;
    wire s_w_fire = s_axi_wvalid && s_axi_wready;
    dma_fifo #(.WIDTH(1), .DEPTH_LOG2(2)) w_order_q (
        .clk(clk), .rst(rst),
        .wr_en(take && sel_w), .din(do_pass), .full(wq_full),
        .rd_en(s_w_fire && s_axi_wlast), .dout(wq_fwd), .empty(wq_empty)
    );
    assign m_axi_wvalid  = s_axi_wvalid && !wq_empty && wq_fwd;
    assign m_axi_wdata   = s_axi_wdata;
    assign m_axi_wstrb   = s_axi_wstrb;
    assign m_axi_wlast   = s_axi_wlast;
    assign s_axi_wready  = !wq_empty && (wq_fwd ? m_axi_wready : 1'b1);

    // ====================================================== local responses
    reg              r_err_act;     // emitting SLVERR read beats
    reg [ID_WIDTH-1:0] r_err_id;
    reg [7:0]        r_err_left;
    reg              r_err_wait;    // waiting for earlier reads to finish
    reg              b_err_wait;    // waiting for the dropped burst's W beats and earlier Bs
    reg [ID_WIDTH-1:0] b_err_id;
    reg              w_dropped;     // the dropped burst's last W beat went by
    wire             b_err_act = b_err_wait && w_dropped && (wr_out == 16'd0);

    assign s_axi_rvalid = r_err_act ? 1'b1 : m_axi_rvalid;
    assign s_axi_rid    = r_err_act ? r_err_id : m_axi_rid;
    assign s_axi_rdata  = r_err_act ? {DATA_WIDTH{1'b0}} : m_axi_rdata;
    assign s_axi_rresp  = r_err_act ? 2'b10 : m_axi_rresp;
    assign s_axi_rlast  = r_err_act ? (r_err_left == 8'd0) : m_axi_rlast;
    assign m_axi_rready = !r_err_act && s_axi_rready;

    assign s_axi_bvalid = b_err_act ? 1'b1 : m_axi_bvalid;
    assign s_axi_bid    = b_err_act ? b_err_id : m_axi_bid;
    assign s_axi_bresp  = b_err_act ? 2'b10 : m_axi_bresp;
    assign m_axi_bready = !b_err_act && s_axi_bready;

    always @(posedge clk) begin
        if (rst) begin
            rd_out     <= 16'd0;
            wr_out     <= 16'd0;
            r_block    <= 1'b0;
            w_block    <= 1'b0;
            r_err_act  <= 1'b0;
            r_err_wait <= 1'b0;
            r_err_id   <= {ID_WIDTH{1'b0}};
            r_err_left <= 8'd0;
            b_err_wait <= 1'b0;
            b_err_id   <= {ID_WIDTH{1'b0}};
            w_dropped  <= 1'b0;
        end else begin
            rd_out <= rd_out + {15'd0, do_pass && !sel_w} - {15'd0, m_r_done};
            wr_out <= wr_out + {15'd0, do_pass && sel_w} - {15'd0, m_b_done};
            if (do_fault && !sel_w) begin
                r_block    <= 1'b1;
                r_err_wait <= 1'b1;
                r_err_id   <= s_axi_arid;
                r_err_left <= s_axi_arlen;
            end
            if (r_err_wait && rd_out == 16'd0) begin
                r_err_wait <= 1'b0;
                r_err_act  <= 1'b1;
            end
            if (r_err_act && s_axi_rready) begin
                if (r_err_left == 8'd0) begin
                    r_err_act <= 1'b0;
                    r_block   <= 1'b0;
                end else begin
                    r_err_left <= r_err_left - 8'd1;
                end
            end
            if (do_fault && sel_w) begin
                w_block    <= 1'b1;
                b_err_wait <= 1'b1;
                b_err_id   <= s_axi_awid;
                w_dropped  <= 1'b0;
            end
            if (b_err_wait && s_w_fire && s_axi_wlast && !wq_fwd)
                w_dropped <= 1'b1;
            if (b_err_act && s_axi_bready) begin
                b_err_wait <= 1'b0;
                w_block    <= 1'b0;
            end
        end
    end

    // ================================================================ walker
    reg  [1:0]  dc_word;            // device-context doubleword being read
    reg  [63:0] dc_tc, dc_gatp, dc_ta;
    reg  [1:0]  lvl;                // Sv39 level being read
    reg  [USER_WIDTH-1:0] w_did;
    reg  [26:0] w_vpn;
    reg         w_write;

    // device-context checks (spec: DC configuration checks, for what this IOMMU
    // supports: Sv39 first stage, Bare second stage, no ATS/PRI/T2GPA/PDT/AD updates)
    wire [63:0] fsc = walk_data;    // the last doubleword read
    wire [3:0]  fsc_mode  = fsc[63:60];
    wire        tc_pdtv   = dc_tc[5];
    wire dc_misconf = (|dc_tc[23:12]) || (|dc_tc[63:32])
                   || dc_tc[1] || dc_tc[2] || dc_tc[3] || dc_tc[6]   // EN_ATS, EN_PRI, T2GPA, PRPR
                   || dc_tc[7] || dc_tc[8]                            // GADE, SADE
                   || dc_tc[10] || dc_tc[11]                          // SBE, SXL
                   || (!tc_pdtv && dc_tc[9])                          // DPE without PDT
                   || (dc_gatp[63:60] != 4'd0)                        // second stage must be Bare
                   || (|dc_ta[11:0]) || (|dc_ta[63:32])
                   || (tc_pdtv ? (fsc_mode != 4'd0)                   // no process directories
                               : ((fsc_mode != 4'd0 && fsc_mode != 4'd8) || (|fsc[59:44])));

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

    wire [11:0] page_cause   = w_write ? C_WR_PAGE : C_RD_PAGE;
    wire [11:0] access_cause = w_write ? C_WR_ACCESS : C_RD_ACCESS;

    integer d, k;
    always @(posedge clk) begin
        if (rst) begin
            st            <= S_IDLE;
            use_w         <= 1'b0;
            turn_w        <= 1'b0;
            walk_req      <= 1'b0;
            walk_addr     <= 64'd0;
            walk_fault    <= 1'b0;
            walked        <= 1'b0;
            walk_cause    <= 12'd0;
            walk_cause_dc <= 1'b0;
            dc_word       <= 2'd0;
            dc_tc         <= 64'd0;
            dc_gatp       <= 64'd0;
            dc_ta         <= 64'd0;
            lvl           <= 2'd0;
            w_did         <= {USER_WIDTH{1'b0}};
            w_vpn         <= 27'd0;
            w_write       <= 1'b0;
            t_next        <= {TLB_W{1'b0}};
            flt_valid     <= 1'b0;
            flt_cause     <= 12'd0;
            flt_ttyp      <= 6'd0;
            flt_did       <= 24'd0;
            flt_iova      <= 64'd0;
            for (d = 0; d < NDEV; d = d + 1) begin
                dc_v[d] <= 1'b0; dc_bare[d] <= 1'b0; dc_dtf[d] <= 1'b0;
                dc_ppn[d] <= 44'd0; dc_pscid[d] <= 20'd0;
            end
            for (k = 0; k < TLB_ENTRIES; k = k + 1) begin
                t_v[k] <= 1'b0; t_did[k] <= {USER_WIDTH{1'b0}}; t_pscid[k] <= 20'd0; t_g[k] <= 1'b0;
                t_vpn[k] <= 27'd0; t_lvl[k] <= 2'd0; t_ppn[k] <= 44'd0;
                t_r[k] <= 1'b0; t_w[k] <= 1'b0; t_d[k] <= 1'b0;
            end
        end else begin
            if (flt_valid && flt_ready)
                flt_valid <= 1'b0;
            if (walk_req && walk_ack)
                walk_req <= 1'b0;

            case (st)
                S_IDLE: begin
                    if (take) begin
                        turn_w     <= !sel_w;
                        walk_fault <= 1'b0;
                        walked     <= 1'b0;
                        if (do_fault && report_now) begin
                            flt_valid <= 1'b1;
                            flt_cause <= cause_now;
                            flt_ttyp  <= sel_w ? TTYP_WRITE : TTYP_READ;
                            flt_did   <= {{(24-USER_WIDTH){1'b0}}, q_did};
                            flt_iova  <= {{(64-ADDR_WIDTH){1'b0}}, q_addr};
                        end
                    end else if (q_valid && need_dc) begin
                        st        <= S_DC;
                        use_w     <= sel_w;
                        w_did     <= q_did;
                        w_write   <= sel_w;
                        dc_word   <= 2'd0;
                        walk_req  <= 1'b1;
                        walk_addr <= {8'd0, ddt_ppn, 12'd0}
                                   + {{(64-USER_WIDTH-5){1'b0}}, q_did, 5'd0};
                    end else if (q_valid && need_ptw) begin
                        st        <= S_PTW;
                        walked    <= 1'b1;
                        use_w     <= sel_w;
                        w_did     <= q_did;
                        w_vpn     <= q_vpn;
                        w_write   <= sel_w;
                        lvl       <= 2'd2;
                        walk_req  <= 1'b1;
                        walk_addr <= {8'd0, dc_ppn[q_did], 12'd0} + {52'd0, q_vpn[26:18], 3'd0};
                    end
                end

                S_DC: if (walk_resp) begin
                    if (walk_err) begin
                        st <= S_IDLE; walk_fault <= 1'b1; walk_cause <= C_DDT_LOAD; walk_cause_dc <= 1'b1;
                    end else begin
                        case (dc_word)
                            2'd0: dc_tc   <= walk_data;
                            2'd1: dc_gatp <= walk_data;
                            2'd2: dc_ta   <= walk_data;
                            default: ;
                        endcase
                        if (dc_word == 2'd0 && !walk_data[0]) begin
                            st <= S_IDLE; walk_fault <= 1'b1; walk_cause <= C_DDT_INVAL; walk_cause_dc <= 1'b1;
                        end else if (dc_word == 2'd3) begin
                            st <= S_IDLE;
                            if (dc_misconf) begin
                                walk_fault <= 1'b1; walk_cause <= C_DDT_MISCONF; walk_cause_dc <= 1'b1;
                            end else begin
                                dc_v[w_did]     <= 1'b1;
                                dc_bare[w_did]  <= tc_pdtv || (fsc_mode == 4'd0);
                                dc_dtf[w_did]   <= dc_tc[4];
                                dc_ppn[w_did]   <= fsc[43:0];
                                dc_pscid[w_did] <= dc_ta[31:12];
                            end
                        end else begin
                            dc_word   <= dc_word + 2'd1;
                            walk_req  <= 1'b1;
                            walk_addr <= walk_addr + 64'd8;
                        end
                    end
                end

                S_PTW: if (walk_resp) begin
                    if (walk_err) begin
                        st <= S_IDLE; walk_fault <= 1'b1; walk_cause <= access_cause; walk_cause_dc <= 1'b0;
                    end else if (pte_bad || (!pte_leaf && lvl == 2'd0)) begin
                        st <= S_IDLE; walk_fault <= 1'b1; walk_cause <= page_cause; walk_cause_dc <= 1'b0;
                    end else if (pte_leaf) begin
                        st <= S_IDLE;
                        if (leaf_fault) begin
                            walk_fault <= 1'b1; walk_cause <= page_cause; walk_cause_dc <= 1'b0;
                        end else begin
                            t_v[t_next]     <= 1'b1;
                            t_did[t_next]   <= w_did;
                            t_pscid[t_next] <= dc_pscid[w_did];
                            t_g[t_next]     <= pte_g;
                            t_vpn[t_next]   <= w_vpn;
                            t_lvl[t_next]   <= lvl;
                            t_ppn[t_next]   <= pte_ppn;
                            t_r[t_next]     <= pte_r;
                            t_w[t_next]     <= pte_w;
                            t_d[t_next]     <= pte_d;
                            t_next <= (t_next == TLB_ENTRIES[TLB_W-1:0] - 1'b1) ? {TLB_W{1'b0}} : t_next + 1'b1;
                        end
                    end else begin
                        lvl       <= lvl - 2'd1;
                        walk_req  <= 1'b1;
                        walk_addr <= {8'd0, pte_ppn, 12'd0}
                                   + {52'd0, (lvl == 2'd2) ? w_vpn[17:9] : w_vpn[8:0], 3'd0};
                    end
                end

                default: st <= S_IDLE;
            endcase

            // invalidations (the walker never runs concurrently with one: see busy)
            if (inv_vma) begin
                for (k = 0; k < TLB_ENTRIES; k = k + 1)
                    if ((!inv_pscv || (t_pscid[k] == inv_pscid && !t_g[k]))
                        && (!inv_av || vpn_match(t_vpn[k], inv_vpn, t_lvl[k])))
                        t_v[k] <= 1'b0;
            end
            if (inv_ddt) begin
                for (d = 0; d < NDEV; d = d + 1)
                    if (!inv_dv || inv_did == d[23:0])
                        dc_v[d] <= 1'b0;
            end
        end
    end

    assign drained = (rd_out == 16'd0) && (wr_out == 16'd0) && !m_axi_arvalid && !m_axi_awvalid;
    assign busy = (st != S_IDLE) || walk_fault || flt_valid || r_block || w_block
               || (q_valid && (need_dc || need_ptw));

    // tc.V was checked on arrival, custom bits are ignored, GSCID/PPN unused (Bare);
    // PTE RSW bits are software's
    wire unused_x = ^{dc_tc[31:24], dc_tc[0], dc_gatp[59:0], pte[9:8]};
endmodule
