// IOMMU translation unit: an AXI4 slave (from the DMA engine) to an AXI4
// master (to memory) that translates every AR and AW address.
//
// Device ID = AxUSER. ddtp mode Off: every request faults (cause 256); Bare:
// addresses pass unchanged; 1LVL: the device context (base format, 32 bytes)
// is read from the device directory and cached per device; its first stage
// is Bare (pass through) or Sv39 (IOTLB, page-table walk).
//
// Pipeline (one request at a time in each stage, for 125 MHz on ECP5):
//   Q    the request is taken from the slave port into a register (AxREADY
//        comes from flip-flops: one direction is offered per cycle);
//   P    the IOTLB tags are compared with Q's address (registered match vector);
//   SEL  the first matching entry and the device context are registered;
//   DEC  pass (the translated request is registered to the master port), fault,
//        or walk. A hit leaves on m_axi 4 cycles after its handshake; a new
//        request can enter P every 2 cycles. On a miss the walker reads the
//        tables through the `walk` port and fills the IOTLB and the SEL
//        registers at once: the request is decided the next cycle.
//
// A faulting request is never forwarded: a read is answered with SLVERR beats
// (zero data), a write has its W beats swallowed and is answered SLVERR; both
// only once every earlier request of that direction has completed, so
// responses stay in order. A fault record is handed to the fault queue unless
// DC.tc.DTF suppresses it.
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
    input  wire                    hold,          // take no new request (the command queue waits for !busy)
    output wire                    busy,          // a request, a walk or a fault is in progress
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
    localparam TN     = 1 << TLB_W;        // the selection tree's leaves (entries padded)
    localparam [3:0] MODE_BARE = 4'd1, MODE_1LVL = 4'd2;   // anything else: Off
    localparam [11:0] C_RD_ACCESS = 12'd5,   C_WR_ACCESS = 12'd7,
                      C_RD_PAGE   = 12'd13,  C_WR_PAGE   = 12'd15,
                      C_ALL_OFF   = 12'd256, C_DDT_LOAD  = 12'd257,
                      C_DDT_INVAL = 12'd258, C_DDT_MISCONF = 12'd259;
    localparam [5:0]  TTYP_READ = 6'd2, TTYP_WRITE = 6'd3;
    localparam WQ_DEPTH = 4;               // AWs whose W burst is pending

    reg  [2:0] st;
    localparam [2:0] S_IDLE = 3'd0, S_DC = 3'd1, S_PTW = 3'd2, S_DCW = 3'd3;
    wire idle = (st == S_IDLE);

    // =========================================================== request path
    // Q: the request register. AR or AW is taken from the slave port into Q when
    //    Q is empty (READY comes from flip-flops); one direction is looked at per
    //    cycle (sel_w, registered), alternating when both wait.
    // P: the request being translated, loaded from Q with the IOTLB tag match of
    //    every entry (p_tag, p_pok, p_perm). Phase SEL: the first matching entry is selected into
    //    the l_* registers, with the device context; phase DEC: pass, fault or
    //    start a walk. A walk fills the l_* registers itself (DEC next), a device-
    //    context load goes back to SEL.
    // A request that hits is forwarded on m_axi 3 cycles after its handshake.
    reg  r_block, w_block;          // a faulted request of that direction is being answered
    reg  sel_w;                     // the direction Q takes from next
    reg  [2:0] w_cnt;               // AWs taken whose W burst has not gone by
    wire s_w_fire;
    wire w_burst_done;
    reg  q_valid, q_w;
    reg  [ID_WIDTH-1:0]   q_id;
    reg  [ADDR_WIDTH-1:0] q_addr;
    reg  [7:0]            q_len;
    reg  [2:0]            q_size, q_prot;
    reg  [1:0]            q_burst;
    reg                   q_lock;
    reg  [3:0]            q_cache;
    reg  [USER_WIDTH-1:0] q_did;

    // Q never takes the direction of the request in P: a request in P then never
    // waits for an earlier fault of its direction to be answered (r_block, w_block;
    // the answer may need the other direction to move: the engine may hold RREADY
    // low until its writes drain)
    //
    // A request is only taken when its direction's output stage (master register
    // + one skid register) is sure to have room for it once it is decided (r_room,
    // w_room: at most two requests per direction between Q and the master port),
    // so a decided request never waits for the master's AxREADY: a read the memory
    // cannot take yet (its R channel blocked until the engine's writes drain)
    // never holds the pipeline in front of a write.
    wire p_rd, p_wr;
    reg  r_room, w_room;            // fewer than two requests of the direction are held
    wire r_ok = !r_block && !p_rd && r_room;
    wire w_ok = !w_block && !p_wr && w_room && (w_cnt != WQ_DEPTH[2:0]);
    wire r_cand = s_axi_arvalid && r_ok;
    wire w_cand = s_axi_awvalid && w_ok;
    assign s_axi_arready = !q_valid && !hold && !sel_w && r_ok;
    assign s_axi_awready = !q_valid && !hold &&  sel_w && w_ok;
    wire q_take_r = s_axi_arvalid && s_axi_arready;
    wire q_take_w = s_axi_awvalid && s_axi_awready;

    // ============================================ device-context cache (per DID)
    reg             dc_v    [0:NDEV-1];
    reg             dc_bare [0:NDEV-1];  // first stage Bare: pass through
    reg             dc_dtf  [0:NDEV-1];
    reg  [43:0]     dc_ppn  [0:NDEV-1];
    reg  [19:0]     dc_pscid[0:NDEV-1];

    // ====================================================================== IOTLB
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
    reg              inv_ddt_d;           // IODIR.INVAL_DDT: clear the contexts of ddt_kill
    reg  [NDEV-1:0]  ddt_kill;
    reg              f_pend;              // a walk's leaf is written into entry t_next
    reg              f_g, f_r, f_w, f_d;
    reg  [1:0]       f_lvl;
    reg  [43:0]      f_ppn;

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

    // tag match against Q (registered into p_tag with P). The PSCID is not compared
    // here: t_pok says whether an entry's PSCID is that of its device's context
    // (kept up to date when a context is loaded), so {DID, PSCID} == {q_did,
    // dc_pscid[q_did]} is t_did == q_did && t_pok.
    reg [TLB_ENTRIES-1:0] q_match, q_pok, q_perm;
    integer e;
    always @* begin
        for (e = 0; e < TLB_ENTRIES; e = e + 1) begin
            q_match[e] = t_v[e] && t_did[e] == q_did && vpn_match(t_vpn[e], q_addr[38:12], t_lvl[e]);
            q_pok[e]   = t_pok[e];
            q_perm[e]  = q_w ? (t_w[e] && t_d[e]) : t_r[e];
        end
    end
    // Sv39: bits 63:39 of the IOVA must all equal bit 38
    wire q_canonical = (q_addr[ADDR_WIDTH-1:38] == {(ADDR_WIDTH-38){1'b0}})
                    || (q_addr[ADDR_WIDTH-1:38] == {(ADDR_WIDTH-38){1'b1}});

    reg  p_valid, p_w, p_sel;       // p_sel: phase SEL (else DEC while idle)
    reg  [ID_WIDTH-1:0]   p_id;
    reg  [ADDR_WIDTH-1:0] p_addr;
    reg  [7:0]            p_len;
    reg  [2:0]            p_size, p_prot;
    reg  [1:0]            p_burst;
    reg                   p_lock;
    reg  [3:0]            p_cache;
    reg  [USER_WIDTH-1:0] p_did;
    reg  [TLB_ENTRIES-1:0] p_tag;   // valid entries whose {DID, VPN} match
    reg  [TLB_ENTRIES-1:0] p_pok;   // t_pok when P was loaded (or its context)
    reg  [TLB_ENTRIES-1:0] p_perm;  // the entry allows the access (R; W and D)
    // t_pok once the context being loaded (S_DCW) is in the cache
    reg  [TLB_ENTRIES-1:0] pok_new;
    reg                   p_canon;
    wire [26:0]           p_vpn = p_addr[38:12];
    assign p_rd = p_valid && !p_w;
    assign p_wr = p_valid && p_w;

    // ---- SEL: the first matching entry (a binary tree: lower index wins)
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

    wire m_bare = (mode == MODE_BARE);
    wire m_1lvl = (mode == MODE_1LVL);
    wire s_dc_v    = dc_v[p_did];
    wire s_dc_bare = dc_bare[p_did];

    // SEL results: l_tlb_ok = Sv39, canonical and an entry matches; l_fault0 = mode Off or
    // a non-canonical Sv39 address; l_need_dc / l_need_ptw: a walk is needed
    reg         l_perm, l_tlb_ok, l_direct, l_off, l_fault0, l_1lvl, l_need_dc, l_need_ptw, l_dtf;
    wire        dc_loaded;       // a device context was loaded for P: SEL again
    reg  [1:0]  l_lvl;
    reg  [43:0] l_ppn;

    // ---- DEC
    reg            walk_fault;       // the walk for the request in P found a fault
    reg [11:0]     walk_cause;
    reg            walk_cause_dc;    // a DC fault (always reported, DTF assumed 0)
    reg            walked;           // the request needed a walk: its final lookup is no hit

    // the translation: the selected entry, or the leaf just walked (f_*)
    reg         l_fromf;
    wire [43:0] d_ppn  = l_fromf ? f_ppn : l_ppn;
    wire [1:0]  d_lvl  = l_fromf ? f_lvl : l_lvl;
    wire        d_perm = l_fromf ? (p_w ? (f_w && f_d) : f_r) : l_perm;
    wire pass_tlb  = l_tlb_ok && d_perm;
    wire fault_now = l_fault0 || (l_tlb_ok && !d_perm) || walk_fault;
    wire [11:0] cause_now = walk_fault ? walk_cause : l_off ? C_ALL_OFF : (p_w ? C_WR_PAGE : C_RD_PAGE);
    // DTF hides translation faults, not the directory's (spec fault cause table)
    wire report_now = walk_fault ? (walk_cause_dc || !l_dtf) : (l_off || !l_dtf);
    wire need_dc  = l_need_dc && !walk_fault;
    wire need_ptw = l_need_ptw && !walk_fault;

    wire flt_free = !flt_valid;
    wire dec   = p_valid && !p_sel && idle;
    wire p_blk = p_w ? w_block : r_block;
    // no AxREADY term: the output stage has room (r_room / w_room when it was taken)
    wire do_pass  = dec && !p_blk && (l_direct || pass_tlb) && !walk_fault;
    wire do_fault = dec && !p_blk && fault_now && flt_free;
    wire take     = do_pass || do_fault;
    wire q_to_p   = q_valid && (!p_valid || take) && !f_pend;
    wire [55:0] h_pa = (d_lvl == 2'd0) ? {d_ppn, p_addr[11:0]} :
                       (d_lvl == 2'd1) ? {d_ppn[43:9], p_addr[20:0]} :
                                         {d_ppn[43:18], p_addr[29:0]};
    wire [ADDR_WIDTH-1:0] pa = pass_tlb ? {{(ADDR_WIDTH-56){1'b0}}, h_pa} : p_addr;

    assign ev_translate  = do_pass && l_1lvl;
    assign ev_hit        = do_pass && pass_tlb && !walked;
    assign ev_miss       = dec && need_ptw;
    assign ev_walk_cycle = (st == S_PTW);

    always @(posedge clk) begin
        if (rst) begin
            sel_w <= 1'b0;
            q_valid <= 1'b0; q_w <= 1'b0; q_id <= {ID_WIDTH{1'b0}}; q_addr <= {ADDR_WIDTH{1'b0}};
            q_len <= 8'd0; q_size <= 3'd0; q_prot <= 3'd0; q_burst <= 2'd0; q_lock <= 1'b0;
            q_cache <= 4'd0; q_did <= {USER_WIDTH{1'b0}};
            w_cnt <= 3'd0;
        end else begin
            // direction: alternate after a take, else go where a request waits
            if (q_take_r || q_take_w)
                sel_w <= !sel_w;
            else if (sel_w ? (!w_cand && r_cand) : (!r_cand && w_cand))
                sel_w <= !sel_w;
            w_cnt <= w_cnt + {2'd0, q_take_w} - {2'd0, w_burst_done};
            if (q_take_r || q_take_w) begin
                q_valid <= 1'b1;
                q_w     <= q_take_w;
                q_id    <= q_take_w ? s_axi_awid    : s_axi_arid;
                q_addr  <= q_take_w ? s_axi_awaddr  : s_axi_araddr;
                q_len   <= q_take_w ? s_axi_awlen   : s_axi_arlen;
                q_size  <= q_take_w ? s_axi_awsize  : s_axi_arsize;
                q_burst <= q_take_w ? s_axi_awburst : s_axi_arburst;
                q_lock  <= q_take_w ? s_axi_awlock  : s_axi_arlock;
                q_cache <= q_take_w ? s_axi_awcache : s_axi_arcache;
                q_prot  <= q_take_w ? s_axi_awprot  : s_axi_arprot;
                q_did   <= q_take_w ? s_axi_awuser  : s_axi_aruser;
            end else if (q_to_p) begin
                q_valid <= 1'b0;
            end
        end
    end

    always @(posedge clk) begin
        if (rst) begin
            p_valid <= 1'b0; p_w <= 1'b0; p_sel <= 1'b0;
            p_id <= {ID_WIDTH{1'b0}}; p_addr <= {ADDR_WIDTH{1'b0}}; p_len <= 8'd0;
            p_size <= 3'd0; p_prot <= 3'd0; p_burst <= 2'd0; p_lock <= 1'b0; p_cache <= 4'd0;
            p_did <= {USER_WIDTH{1'b0}}; p_tag <= {TLB_ENTRIES{1'b0}}; p_pok <= {TLB_ENTRIES{1'b0}};
            p_perm <= {TLB_ENTRIES{1'b0}}; p_canon <= 1'b0;
        end else begin
            if (q_to_p) begin
                p_valid <= 1'b1; p_sel <= 1'b1;
                p_w <= q_w; p_id <= q_id; p_addr <= q_addr; p_len <= q_len; p_size <= q_size;
                p_prot <= q_prot; p_burst <= q_burst; p_lock <= q_lock; p_cache <= q_cache;
                p_did <= q_did; p_tag <= q_match; p_pok <= q_pok; p_perm <= q_perm; p_canon <= q_canonical;
            end else if (take) begin
                p_valid <= 1'b0;
            end else if (p_sel) begin
                p_sel <= 1'b0;
            end else if (dc_loaded) begin
                p_sel <= 1'b1;          // a device context was loaded: select again
                p_pok <= pok_new;
            end
        end
    end

    // ============================================ output stages (AR, AW)
    // Each direction: the master port's registers and one skid register behind
    // them (older first). r_held / w_held count the requests of the direction taken
    // from the slave port and not yet handed to the master (or answered as a fault);
    // Q takes one only while fewer than two are held, so the pair always has room
    // for the request being decided.
    localparam RQ_W = ID_WIDTH + ADDR_WIDTH + 21;     // {id, addr, len, size, burst, lock, cache, prot}
    wire [RQ_W-1:0] p_req = {p_id, pa, p_len, p_size, p_burst, p_lock, p_cache, p_prot};
    reg             ars_valid, aws_valid;
    reg  [RQ_W-1:0] ars_req, aws_req;
    reg  [1:0]      r_held, w_held;
    wire ar_push = do_pass && !p_w;
    wire aw_push = do_pass && p_w;
    wire ar_hs   = m_axi_arvalid && m_axi_arready;
    wire aw_hs   = m_axi_awvalid && m_axi_awready;
    wire ar_free = !m_axi_arvalid || m_axi_arready;   // the master register is (being) emptied
    wire aw_free = !m_axi_awvalid || m_axi_awready;
    wire [1:0] r_held_n = r_held + {1'b0, q_take_r} - {1'b0, ar_hs} - {1'b0, do_fault && !p_w};
    wire [1:0] w_held_n = w_held + {1'b0, q_take_w} - {1'b0, aw_hs} - {1'b0, do_fault && p_w};

    always @(posedge clk) begin
        if (rst) begin
            m_axi_arvalid <= 1'b0;
            m_axi_awvalid <= 1'b0;
            {m_axi_arid, m_axi_araddr, m_axi_arlen, m_axi_arsize, m_axi_arburst,
             m_axi_arlock, m_axi_arcache, m_axi_arprot} <= {RQ_W{1'b0}};
            {m_axi_awid, m_axi_awaddr, m_axi_awlen, m_axi_awsize, m_axi_awburst,
             m_axi_awlock, m_axi_awcache, m_axi_awprot} <= {RQ_W{1'b0}};
            ars_valid <= 1'b0; ars_req <= {RQ_W{1'b0}};
            aws_valid <= 1'b0; aws_req <= {RQ_W{1'b0}};
            r_held <= 2'd0; w_held <= 2'd0;
            r_room <= 1'b1; w_room <= 1'b1;
        end else begin
            r_held <= r_held_n;
            w_held <= w_held_n;
            r_room <= (r_held_n != 2'd2);
            w_room <= (w_held_n != 2'd2);
            // AR: the master register takes the skid's request first, else P's
            if (ar_free) begin
                m_axi_arvalid <= ars_valid || ar_push;
                if (ars_valid)
                    {m_axi_arid, m_axi_araddr, m_axi_arlen, m_axi_arsize, m_axi_arburst,
                     m_axi_arlock, m_axi_arcache, m_axi_arprot} <= ars_req;
                else if (ar_push)
                    {m_axi_arid, m_axi_araddr, m_axi_arlen, m_axi_arsize, m_axi_arburst,
                     m_axi_arlock, m_axi_arcache, m_axi_arprot} <= p_req;
                ars_valid <= ars_valid && ar_push;
            end else if (ar_push) begin
                ars_valid <= 1'b1;
            end
            if (ar_push && (ars_valid || !ar_free))
                ars_req <= p_req;
            // AW likewise
            if (aw_free) begin
                m_axi_awvalid <= aws_valid || aw_push;
                if (aws_valid)
                    {m_axi_awid, m_axi_awaddr, m_axi_awlen, m_axi_awsize, m_axi_awburst,
                     m_axi_awlock, m_axi_awcache, m_axi_awprot} <= aws_req;
                else if (aw_push)
                    {m_axi_awid, m_axi_awaddr, m_axi_awlen, m_axi_awsize, m_axi_awburst,
                     m_axi_awlock, m_axi_awcache, m_axi_awprot} <= p_req;
                aws_valid <= aws_valid && aw_push;
            end else if (aw_push) begin
                aws_valid <= 1'b1;
            end
            if (aw_push && (aws_valid || !aw_free))
                aws_req <= p_req;
        end
    end

    // ===================================================== write data routing
    // one entry per decided AW, in order: 1 = forward its W beats, 0 = drop them.
    // Room is reserved when the AW is taken (w_cnt), so a decided AW never waits.
    reg  [WQ_DEPTH-1:0] wq_bits;
    reg  [1:0]          wq_wr, wq_rd;
    reg  [2:0]          wq_cnt;
    reg                 wq_nempty;
    wire wq_fwd = wq_bits[wq_rd];
    wire wq_push = take && p_w;
    assign s_w_fire = s_axi_wvalid && s_axi_wready;
    assign w_burst_done = s_w_fire && s_axi_wlast;
    always @(posedge clk) begin
        if (rst) begin
            wq_bits <= {WQ_DEPTH{1'b0}}; wq_wr <= 2'd0; wq_rd <= 2'd0; wq_cnt <= 3'd0; wq_nempty <= 1'b0;
        end else begin
            if (wq_push) begin
                wq_bits[wq_wr] <= do_pass;
                wq_wr <= wq_wr + 2'd1;
            end
            if (w_burst_done)
                wq_rd <= wq_rd + 2'd1;
            wq_cnt <= wq_cnt + {2'd0, wq_push} - {2'd0, w_burst_done};
            wq_nempty <= (wq_cnt + {2'd0, wq_push} - {2'd0, w_burst_done}) != 3'd0;
        end
    end
    assign m_axi_wvalid  = s_axi_wvalid && wq_nempty && wq_fwd;
    assign m_axi_wdata   = s_axi_wdata;
    assign m_axi_wstrb   = s_axi_wstrb;
    assign m_axi_wlast   = s_axi_wlast;
    assign s_axi_wready  = wq_nempty && (wq_fwd ? m_axi_wready : 1'b1);

    // ====================================================== local responses
    reg [15:0] rd_out;   // read bursts forwarded and not finished
    reg [15:0] wr_out;   // write bursts forwarded and not acknowledged
    wire m_r_done = m_axi_rvalid && m_axi_rready && m_axi_rlast;
    wire m_b_done = m_axi_bvalid && m_axi_bready;
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
            rd_out <= rd_out + {15'd0, do_pass && !p_w} - {15'd0, m_r_done};
            wr_out <= wr_out + {15'd0, do_pass && p_w} - {15'd0, m_b_done};
            if (do_fault && !p_w) begin
                r_block    <= 1'b1;
                r_err_wait <= 1'b1;
                r_err_id   <= p_id;
                r_err_left <= p_len;
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
            if (do_fault && p_w) begin
                w_block    <= 1'b1;
                b_err_wait <= 1'b1;
                b_err_id   <= p_id;
                w_dropped  <= 1'b0;
            end
            if (b_err_wait && w_burst_done && !wq_fwd)
                w_dropped <= 1'b1;
            if (b_err_act && s_axi_bready) begin
                b_err_wait <= 1'b0;
                w_block    <= 1'b0;
            end
        end
    end

    // ================================================================ walker
    reg  [1:0]  dc_word;            // device-context doubleword being read
    reg         dc_pdtv, dc_dtf_n;  // tc.PDTV, tc.DTF of the context being read
    reg  [19:0] dc_pscid_n;         // ta.PSCID
    reg  [43:0] dc_ppn_n;           // fsc.PPN
    reg         dc_bare_n;          // first stage Bare
    reg         dc_bad;             // a check failed on a doubleword read so far
    reg  [1:0]  lvl;                // Sv39 level being read
    reg  [USER_WIDTH-1:0] w_did;
    reg  [26:0] w_vpn;
    reg         w_write;

    // device-context checks (spec: DC configuration checks, for what this IOMMU
    // supports: Sv39 first stage, Bare second stage, no ATS/PRI/T2GPA/PDT/AD updates),
    // made on each doubleword as it arrives; the context is written into the cache
    // one cycle after the last one (S_DCW)
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
    assign dc_loaded = (st == S_DCW) && !dc_bad;
    // (registered: in S_DCW it is that of the cycle before, when all its inputs were settled)
    always @(posedge clk) begin
        for (e = 0; e < TLB_ENTRIES; e = e + 1)
            pok_new[e] <= (t_did[e] == w_did) ? (t_pscid[e] == dc_pscid_n) : t_pok[e];
    end

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
    // the device context of DID d is the 32 bytes at ddtp.PPN * 4096 + d * 32
    wire [11:0] dc_off = {{(7-USER_WIDTH){1'b0}}, p_did, 5'd0};

    integer d;
    always @(posedge clk) begin
        if (rst) begin
            st            <= S_IDLE;
            walk_req      <= 1'b0;
            walk_addr     <= 64'd0;
            walk_fault    <= 1'b0;
            walked        <= 1'b0;
            walk_cause    <= 12'd0;
            walk_cause_dc <= 1'b0;
            dc_word       <= 2'd0;
            dc_pdtv       <= 1'b0;
            dc_dtf_n      <= 1'b0;
            dc_pscid_n    <= 20'd0;
            dc_ppn_n      <= 44'd0;
            dc_bare_n     <= 1'b0;
            dc_bad        <= 1'b0;
            lvl           <= 2'd0;
            w_did         <= {USER_WIDTH{1'b0}};
            w_vpn         <= 27'd0;
            w_write       <= 1'b0;
            t_next        <= {TLB_W{1'b0}};
            inv_vma_d     <= 1'b0;
            inv_ddt_d     <= 1'b0;
            ddt_kill      <= {NDEV{1'b0}};
            f_pend <= 1'b0; f_g <= 1'b0; f_lvl <= 2'd0; f_ppn <= 44'd0; f_r <= 1'b0; f_w <= 1'b0; f_d <= 1'b0;
            inv_kill      <= {TLB_ENTRIES{1'b0}};
            inv_kill2     <= {TLB_ENTRIES{1'b0}};
            flt_valid     <= 1'b0;
            flt_cause     <= 12'd0;
            flt_ttyp      <= 6'd0;
            flt_did       <= 24'd0;
            flt_iova      <= 64'd0;
            l_perm <= 1'b0; l_tlb_ok <= 1'b0; l_direct <= 1'b0; l_off <= 1'b0; l_fault0 <= 1'b0;
            l_1lvl <= 1'b0; l_need_dc <= 1'b0; l_need_ptw <= 1'b0; l_dtf <= 1'b0;
            l_lvl <= 2'd0; l_ppn <= 44'd0; l_fromf <= 1'b0;
            for (d = 0; d < NDEV; d = d + 1) begin
                dc_v[d] <= 1'b0; dc_bare[d] <= 1'b0; dc_dtf[d] <= 1'b0;
                dc_ppn[d] <= 44'd0; dc_pscid[d] <= 20'd0;
            end
            for (k = 0; k < TLB_ENTRIES; k = k + 1) begin
                t_v[k] <= 1'b0; t_did[k] <= {USER_WIDTH{1'b0}}; t_pscid[k] <= 20'd0; t_pok[k] <= 1'b0;
                t_g[k] <= 1'b0; t_vpn[k] <= 27'd0; t_lvl[k] <= 2'd0; t_ppn[k] <= 44'd0;
                t_r[k] <= 1'b0; t_w[k] <= 1'b0; t_d[k] <= 1'b0;
            end
        end else begin
            if (flt_valid && flt_ready)
                flt_valid <= 1'b0;
            if (walk_req && walk_ack)
                walk_req <= 1'b0;

            // SEL: the selected entry and the device context of the request in P
            if (p_valid && p_sel) begin
                l_fromf  <= 1'b0;
                {l_perm, l_lvl, l_ppn} <= n_d[0 +: SW];
                l_1lvl   <= m_1lvl;
                l_need_dc  <= m_1lvl && !s_dc_v;
                l_tlb_ok   <= m_1lvl && s_dc_v && !s_dc_bare && p_canon && n_any[0];
                l_need_ptw <= m_1lvl && s_dc_v && !s_dc_bare && p_canon && !n_any[0];
                l_fault0   <= !(m_bare || m_1lvl) || (m_1lvl && s_dc_v && !s_dc_bare && !p_canon);
                l_dtf    <= dc_dtf[p_did];
                l_direct <= m_bare || (m_1lvl && s_dc_v && s_dc_bare);
                l_off    <= !m_bare && !m_1lvl;
            end

            case (st)
                S_IDLE: begin
                    if (take) begin
                        walk_fault <= 1'b0;
                        walked     <= 1'b0;
                        if (do_fault && report_now) begin
                            flt_valid <= 1'b1;
                            flt_cause <= cause_now;
                            flt_ttyp  <= p_w ? TTYP_WRITE : TTYP_READ;
                            flt_did   <= {{(24-USER_WIDTH){1'b0}}, p_did};
                            flt_iova  <= {{(64-ADDR_WIDTH){1'b0}}, p_addr};
                        end
                    end else if (dec && need_dc) begin
                        st        <= S_DC;
                        walk_req  <= 1'b1;
                    end else if (dec && need_ptw) begin
                        st        <= S_PTW;
                        walked    <= 1'b1;
                        walk_req  <= 1'b1;
                    end
                    // the walk's registers are loaded in every idle cycle (only used by a walk;
                    // the memory port looks at walk_addr only while walk_req is set)
                    begin
                        w_did     <= p_did;
                        w_vpn     <= p_vpn;
                        w_write   <= p_w;
                        dc_word   <= 2'd0;
                        lvl       <= 2'd2;
                        walk_addr <= l_need_dc ? {8'd0, ddt_ppn, dc_off}
                                               : {8'd0, dc_ppn[p_did], p_vpn[26:18], 3'd0};
                    end
                end

                S_DC: if (walk_resp) begin
                    walk_addr[4:3] <= dc_word + 2'd1;
                    if (walk_err) begin
                        st <= S_IDLE; walk_fault <= 1'b1; walk_cause <= C_DDT_LOAD; walk_cause_dc <= 1'b1;
                    end else if (dc_word == 2'd0 && !dw[0]) begin
                        st <= S_IDLE; walk_fault <= 1'b1; walk_cause <= C_DDT_INVAL; walk_cause_dc <= 1'b1;
                    end else begin
                        case (dc_word)
                            2'd0: begin
                                dc_bad <= tc_bad; dc_pdtv <= dw[5]; dc_dtf_n <= dw[4];
                            end
                            2'd1: dc_bad <= dc_bad || gatp_bad;
                            2'd2: begin
                                dc_bad <= dc_bad || ta_bad; dc_pscid_n <= dw[31:12];
                            end
                            default: begin
                                dc_bad <= dc_bad || fsc_bad;
                                dc_bare_n <= dc_pdtv || (fsc_mode == 4'd0);
                                dc_ppn_n <= dw[43:0];
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
                        walk_fault <= 1'b1; walk_cause <= C_DDT_MISCONF; walk_cause_dc <= 1'b1;
                    end else begin
                        dc_v[w_did]     <= 1'b1;
                        dc_bare[w_did]  <= dc_bare_n;
                        dc_dtf[w_did]   <= dc_dtf_n;
                        dc_ppn[w_did]   <= dc_ppn_n;
                        dc_pscid[w_did] <= dc_pscid_n;
                        // the entries of this device match again iff the PSCID is theirs
                        for (k = 0; k < TLB_ENTRIES; k = k + 1)
                            t_pok[k] <= pok_new[k];
                    end
                end

                S_PTW: if (walk_resp) begin
                    // the next level's PTE (unused unless this one is a pointer)
                    walk_addr <= {8'd0, pte_ppn, (lvl == 2'd2) ? w_vpn[17:9] : w_vpn[8:0], 3'd0};
                    if (walk_err) begin
                        st <= S_IDLE; walk_fault <= 1'b1; walk_cause <= access_cause; walk_cause_dc <= 1'b0;
                    end else if (pte_bad || (!pte_leaf && lvl == 2'd0)) begin
                        st <= S_IDLE; walk_fault <= 1'b1; walk_cause <= page_cause; walk_cause_dc <= 1'b0;
                    end else if (pte_leaf) begin
                        st <= S_IDLE;
                        if (leaf_fault) begin
                            walk_fault <= 1'b1; walk_cause <= page_cause; walk_cause_dc <= 1'b0;
                        end else begin
                            // the entry is written into the IOTLB next cycle (f_*)
                            f_pend <= 1'b1;
                            l_fromf <= 1'b1;   // DEC takes the translation from f_*
                            f_g    <= pte_g;
                            f_lvl  <= lvl;
                            f_ppn  <= pte_ppn;
                            f_r    <= pte_r;
                            f_w    <= pte_w;
                            f_d    <= pte_d;
                            // the request in P is decided on the new entry next cycle
                            l_tlb_ok   <= 1'b1;
                            l_need_ptw <= 1'b0;
                        end
                    end else begin
                        lvl       <= lvl - 2'd1;
                        walk_req  <= 1'b1;
                    end
                end

                default: st <= S_IDLE;
            endcase

            // IOTLB fill, a cycle after the leaf PTE arrived (P is decided meanwhile
            // from the l_* registers; no request enters P before the entry is in: q_to_p)
            if (f_pend) begin
                f_pend          <= 1'b0;
                t_v[t_next]     <= 1'b1;
                t_did[t_next]   <= w_did;
                t_pscid[t_next] <= dc_pscid[w_did];
                t_pok[t_next]   <= 1'b1;
                t_g[t_next]     <= f_g;
                t_vpn[t_next]   <= w_vpn;
                t_lvl[t_next]   <= f_lvl;
                t_ppn[t_next]   <= f_ppn;
                t_r[t_next]     <= f_r;
                t_w[t_next]     <= f_w;
                t_d[t_next]     <= f_d;
                t_next <= (t_next == TLB_ENTRIES[TLB_W-1:0] - 1'b1) ? {TLB_W{1'b0}} : t_next + 1'b1;
            end

            // invalidations (never concurrent with a walk or a request in Q or P: see busy);
            // IOTINVAL.VMA: the entries are compared in the cycle of the command and
            // cleared in the next (no request can look at them before: hold)
            inv_vma_d <= inv_vma;
            for (k = 0; k < TLB_ENTRIES; k = k + 1) begin
                inv_kill[k]  <= !inv_pscv || (t_pscid[k] == inv_pscid && !t_g[k]);
                inv_kill2[k] <= !inv_av || vpn_match(t_vpn[k], inv_vpn, t_lvl[k]);
                if (inv_vma_d && inv_kill[k] && inv_kill2[k])
                    t_v[k] <= 1'b0;
            end
            // IODIR.INVAL_DDT likewise
            inv_ddt_d <= inv_ddt;
            for (d = 0; d < NDEV; d = d + 1) begin
                ddt_kill[d] <= !inv_dv || inv_did == d[23:0];
                if (inv_ddt_d && ddt_kill[d])
                    dc_v[d] <= 1'b0;
            end
        end
    end

    // registered (for timing): one cycle late. A request taken from the slave port
    // counts as busy from its handshake, so a command that saw !busy cannot race a
    // lookup begun before it; a walk starts 3 cycles after the handshake at the earliest.
    reg busy_r, drained_r;
    always @(posedge clk) begin
        busy_r    <= !rst && ((st != S_IDLE) || walk_fault || flt_valid || r_block || w_block
                              || q_valid || p_valid || q_take_r || q_take_w);
        drained_r <= rst || ((rd_out == 16'd0) && (wr_out == 16'd0) && !m_axi_arvalid && !m_axi_awvalid
                             && !ars_valid && !aws_valid && !do_pass);
    end
    assign busy    = busy_r;
    assign drained = drained_r;

    // tc.V was checked on arrival, custom bits are ignored, GSCID/PPN unused (Bare);
    // PTE RSW bits are software's
    wire unused_x = ^{pte[9:8]};
endmodule
