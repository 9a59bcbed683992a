// SPDX-License-Identifier: Apache-2.0
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
//
// This module holds the request pipeline (Q, P, SEL, DEC), the fault records
// and the output stages; the parts, each behind registers of those stages:
//   dma_iommu_iotlb     IOTLB: tag match (P), first-match selection (SEL), fill,
//                       IOTINVAL.VMA;
//   dma_iommu_dc_cache  device contexts per DID, IODIR.INVAL_DDT;
//   dma_iommu_walker    device-context reads and checks, Sv39 walk;
//   dma_iommu_err_resp  W routing of decided AWs, SLVERR answers of faults.
`default_nettype none
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
    output wire                    walk_req,
    output wire [63:0]             walk_addr,
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
    localparam [3:0] MODE_BARE = 4'd1, MODE_1LVL = 4'd2;   // anything else: Off
    localparam [11:0] C_RD_PAGE   = 12'd13,  C_WR_PAGE   = 12'd15,
                      C_ALL_OFF   = 12'd256;
    localparam [5:0]  TTYP_READ = 6'd2, TTYP_WRITE = 6'd3;
    localparam WQ_LOG2  = 2;
    localparam WQ_DEPTH = 1 << WQ_LOG2;    // AWs whose W burst is pending

    // =========================================================== request path
    // Q: the request register. AR or AW is taken from the slave port into Q when
    //    Q is empty (READY comes from flip-flops); one direction is looked at per
    //    cycle (sel_w, registered), alternating when both wait.
    // P: the request being translated, loaded from Q with the IOTLB tag match of
    //    every entry (registered in the IOTLB). Phase SEL: the first matching entry is
    //    selected into the l_* registers, with the device context; phase DEC: pass,
    //    fault or start a walk. A walk fills the l_* registers itself (DEC next), a
    //    device-context load goes back to SEL.
    // A request that hits is forwarded on m_axi 3 cycles after its handshake.
    wire r_block, w_block;          // a faulted request of that direction is being answered
    reg  sel_w;                     // the direction Q takes from next
    reg  [2:0] w_cnt;               // AWs taken whose W burst has not gone by
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
    reg                   p_canon;
    wire [26:0]           p_vpn = p_addr[38:12];
    assign p_rd = p_valid && !p_w;
    assign p_wr = p_valid && p_w;

    // ---- the parts: IOTLB, device-context cache, walker. They hold the registers
    // they held as blocks of one module (the IOTLB P's match vectors, the walker the
    // walk state and the leaf) with the same logic around them: the cycle counts
    // and the paths do not change.
    wire        q_to_p, take, dec, need_dc, need_ptw, do_pass, do_fault;
    // IOTLB: the lookup of Q's request (tags registered with P), the selection (SEL)
    wire        t_hit, t_perm;
    wire [1:0]  t_lvl;
    wire [43:0] t_ppn;
    // device-context cache: the context of P's device
    wire        s_dc_v, s_dc_bare, s_dc_dtf;
    wire [43:0] s_dc_ppn;
    wire [19:0] fill_pscid;         // the PSCID of the walk's device (an IOTLB fill's tag)
    // walker
    wire        wk_idle, wk_ptw, wk_fault, wk_cause_dc, wk_leaf, wk_fill, wk_dc_load;
    wire [11:0] wk_cause;
    wire        f_g, f_r, f_w, f_d;
    wire [1:0]  f_lvl;
    wire [43:0] f_ppn;
    wire [USER_WIDTH-1:0] wk_did;
    wire [26:0] wk_vpn;
    wire        wk_dc_bare, wk_dc_dtf;
    wire [43:0] wk_dc_ppn;
    wire [19:0] wk_dc_pscid;
    wire        dc_loaded = wk_dc_load;       // a device context was loaded for P: SEL again
    wire        idle = wk_idle;

    reg         l_need_dc;         // SEL: the device context is to be read (the walk's address)

    dma_iommu_iotlb #(.USER_WIDTH(USER_WIDTH), .TLB_ENTRIES(TLB_ENTRIES)) iotlb (
        .clk(clk), .rst(rst),
        .lk_load(q_to_p), .lk_did(q_did), .lk_vpn(q_addr[38:12]), .lk_w(q_w),
        .lk_repok(dc_loaded && !take && !p_sel),
        .hit(t_hit), .hit_perm(t_perm), .hit_lvl(t_lvl), .hit_ppn(t_ppn),
        .fill(wk_fill), .fill_did(wk_did), .fill_pscid(fill_pscid), .fill_vpn(wk_vpn),
        .fill_g(f_g), .fill_lvl(f_lvl), .fill_ppn(f_ppn), .fill_r(f_r), .fill_w(f_w), .fill_d(f_d),
        .ctx_load(dc_loaded), .ctx_did(wk_did), .ctx_pscid(wk_dc_pscid),
        .inv_vma(inv_vma), .inv_pscv(inv_pscv), .inv_pscid(inv_pscid), .inv_av(inv_av), .inv_vpn(inv_vpn)
    );

    dma_iommu_dc_cache #(.USER_WIDTH(USER_WIDTH)) dc_cache (
        .clk(clk), .rst(rst),
        .wr(dc_loaded), .wr_did(wk_did), .wr_bare(wk_dc_bare), .wr_dtf(wk_dc_dtf), .wr_ppn(wk_dc_ppn),
        .wr_pscid(wk_dc_pscid),
        .inv(inv_ddt), .inv_dv(inv_dv), .inv_did(inv_did),
        .rd_did(p_did), .rd_v(s_dc_v), .rd_bare(s_dc_bare), .rd_dtf(s_dc_dtf), .rd_ppn(s_dc_ppn),
        .rd2_did(wk_did), .rd2_pscid(fill_pscid)
    );

    dma_iommu_walker #(.USER_WIDTH(USER_WIDTH)) walker (
        .clk(clk), .rst(rst), .ddt_ppn(ddt_ppn),
        .req_did(p_did), .req_vpn(p_vpn), .req_w(p_w), .req_dc(l_need_dc), .req_root(s_dc_ppn),
        .done(take), .start_dc(dec && need_dc), .start_ptw(dec && need_ptw),
        .idle(wk_idle), .ptw(wk_ptw),
        .walk_req(walk_req), .walk_addr(walk_addr), .walk_ack(walk_ack), .walk_resp(walk_resp),
        .walk_data(walk_data), .walk_err(walk_err),
        .fault(wk_fault), .cause(wk_cause), .cause_dc(wk_cause_dc),
        .leaf(wk_leaf), .fill(wk_fill), .fill_g(f_g), .fill_lvl(f_lvl), .fill_ppn(f_ppn),
        .fill_r(f_r), .fill_w(f_w), .fill_d(f_d), .wk_did(wk_did), .wk_vpn(wk_vpn),
        .dc_load(wk_dc_load), .dc_bare(wk_dc_bare), .dc_dtf(wk_dc_dtf), .dc_ppn(wk_dc_ppn),
        .dc_pscid(wk_dc_pscid)
    );

    wire m_bare = (mode == MODE_BARE);
    wire m_1lvl = (mode == MODE_1LVL);

    // SEL results: l_tlb_ok = Sv39, canonical and an entry matches; l_fault0 = mode Off or
    // a non-canonical Sv39 address; l_need_dc / l_need_ptw: a walk is needed
    reg         l_perm, l_tlb_ok, l_direct, l_off, l_fault0, l_1lvl, l_need_ptw, l_dtf;
    reg  [1:0]  l_lvl;
    reg  [43:0] l_ppn;

    // ---- DEC
    wire            walk_fault = wk_fault;      // the walk for the request in P found a fault
    wire [11:0]     walk_cause = wk_cause;
    wire            walk_cause_dc = wk_cause_dc; // a DC fault (always reported, DTF assumed 0)
    reg             walked;           // the request needed a walk: its final lookup is no hit

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
    assign need_dc  = l_need_dc && !walk_fault;
    assign need_ptw = l_need_ptw && !walk_fault;

    wire flt_free = !flt_valid;
    assign dec = p_valid && !p_sel && idle;
    wire p_blk = p_w ? w_block : r_block;
    // no AxREADY term: the output stage has room (r_room / w_room when it was taken)
    assign do_pass  = dec && !p_blk && (l_direct || pass_tlb) && !walk_fault;
    assign do_fault = dec && !p_blk && fault_now && flt_free;
    assign take     = do_pass || do_fault;
    assign q_to_p   = q_valid && (!p_valid || take) && !wk_fill;
    wire [55:0] h_pa = (d_lvl == 2'd0) ? {d_ppn, p_addr[11:0]} :
                       (d_lvl == 2'd1) ? {d_ppn[43:9], p_addr[20:0]} :
                                         {d_ppn[43:18], p_addr[29:0]};
    wire [ADDR_WIDTH-1:0] pa = pass_tlb ? {{(ADDR_WIDTH-56){1'b0}}, h_pa} : p_addr;

    assign ev_translate  = do_pass && l_1lvl;
    assign ev_hit        = do_pass && pass_tlb && !walked;
    assign ev_miss       = dec && need_ptw;
    assign ev_walk_cycle = wk_ptw;

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
            p_did <= {USER_WIDTH{1'b0}}; p_canon <= 1'b0;
        end else begin
            if (q_to_p) begin
                p_valid <= 1'b1; p_sel <= 1'b1;
                p_w <= q_w; p_id <= q_id; p_addr <= q_addr; p_len <= q_len; p_size <= q_size;
                p_prot <= q_prot; p_burst <= q_burst; p_lock <= q_lock; p_cache <= q_cache;
                p_did <= q_did; p_canon <= q_canonical;
            end else if (take) begin
                p_valid <= 1'b0;
            end else if (p_sel) begin
                p_sel <= 1'b0;
            end else if (dc_loaded) begin
                p_sel <= 1'b1;          // a device context was loaded: select again (IOTLB: lk_repok)
            end
        end
    end

    // ---- SEL registers, the walk's mark, fault records
    always @(posedge clk) begin
        if (rst) begin
            walked        <= 1'b0;
            flt_valid     <= 1'b0;
            flt_cause     <= 12'd0;
            flt_ttyp      <= 6'd0;
            flt_did       <= 24'd0;
            flt_iova      <= 64'd0;
            l_perm <= 1'b0; l_tlb_ok <= 1'b0; l_direct <= 1'b0; l_off <= 1'b0; l_fault0 <= 1'b0;
            l_1lvl <= 1'b0; l_need_dc <= 1'b0; l_need_ptw <= 1'b0; l_dtf <= 1'b0;
            l_lvl <= 2'd0; l_ppn <= 44'd0; l_fromf <= 1'b0;
        end else begin
            if (flt_valid && flt_ready)
                flt_valid <= 1'b0;

            // SEL: the selected entry and the device context of the request in P
            if (p_valid && p_sel) begin
                l_fromf  <= 1'b0;
                {l_perm, l_lvl, l_ppn} <= {t_perm, t_lvl, t_ppn};
                l_1lvl   <= m_1lvl;
                l_need_dc  <= m_1lvl && !s_dc_v;
                l_tlb_ok   <= m_1lvl && s_dc_v && !s_dc_bare && p_canon && t_hit;
                l_need_ptw <= m_1lvl && s_dc_v && !s_dc_bare && p_canon && !t_hit;
                l_fault0   <= !(m_bare || m_1lvl) || (m_1lvl && s_dc_v && !s_dc_bare && !p_canon);
                l_dtf    <= s_dc_dtf;
                l_direct <= m_bare || (m_1lvl && s_dc_v && s_dc_bare);
                l_off    <= !m_bare && !m_1lvl;
            end

            // DEC (idle: the walker waits)
            if (take) begin
                walked <= 1'b0;
                if (do_fault && report_now) begin
                    flt_valid <= 1'b1;
                    flt_cause <= cause_now;
                    flt_ttyp  <= p_w ? TTYP_WRITE : TTYP_READ;
                    flt_did   <= {{(24-USER_WIDTH){1'b0}}, p_did};
                    flt_iova  <= {{(64-ADDR_WIDTH){1'b0}}, p_addr};
                end
            end else if (dec && need_ptw && !need_dc) begin
                walked <= 1'b1;
            end

            // a good leaf: the request in P is decided on it next cycle (DEC takes the
            // translation from f_*; the IOTLB entry is written meanwhile)
            if (wk_leaf) begin
                l_fromf    <= 1'b1;
                l_tlb_ok   <= 1'b1;
                l_need_ptw <= 1'b0;
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

    // ================================ write data routing and local responses
    wire rd_idle, wr_idle;
    dma_iommu_err_resp #(.DATA_WIDTH(DATA_WIDTH), .ID_WIDTH(ID_WIDTH), .WQ_LOG2(WQ_LOG2)) err_resp (
        .clk(clk), .rst(rst),
        .dec_pass(do_pass), .dec_fault(do_fault), .dec_w(p_w), .dec_id(p_id), .dec_len(p_len),
        .r_block(r_block), .w_block(w_block), .rd_idle(rd_idle), .wr_idle(wr_idle),
        .w_burst_done(w_burst_done),
        .s_axi_wdata(s_axi_wdata), .s_axi_wstrb(s_axi_wstrb), .s_axi_wlast(s_axi_wlast),
        .s_axi_wvalid(s_axi_wvalid), .s_axi_wready(s_axi_wready),
        .s_axi_bid(s_axi_bid), .s_axi_bresp(s_axi_bresp), .s_axi_bvalid(s_axi_bvalid), .s_axi_bready(s_axi_bready),
        .s_axi_rid(s_axi_rid), .s_axi_rdata(s_axi_rdata), .s_axi_rresp(s_axi_rresp), .s_axi_rlast(s_axi_rlast),
        .s_axi_rvalid(s_axi_rvalid), .s_axi_rready(s_axi_rready),
        .m_axi_wdata(m_axi_wdata), .m_axi_wstrb(m_axi_wstrb), .m_axi_wlast(m_axi_wlast),
        .m_axi_wvalid(m_axi_wvalid), .m_axi_wready(m_axi_wready),
        .m_axi_bid(m_axi_bid), .m_axi_bresp(m_axi_bresp), .m_axi_bvalid(m_axi_bvalid), .m_axi_bready(m_axi_bready),
        .m_axi_rid(m_axi_rid), .m_axi_rdata(m_axi_rdata), .m_axi_rresp(m_axi_rresp), .m_axi_rlast(m_axi_rlast),
        .m_axi_rvalid(m_axi_rvalid), .m_axi_rready(m_axi_rready)
    );

    // registered (for timing): one cycle late. A request taken from the slave port
    // counts as busy from its handshake, so a command that saw !busy cannot race a
    // lookup begun before it; a walk starts 3 cycles after the handshake at the earliest.
    // A faulted request being answered (r_block / w_block) is decided and uses no
    // translation state, so it does not count: its answer may wait for write data that
    // the engine can only send once its reads have gone through, and a command holding
    // the unit until it ended would never see !busy.
    reg busy_r, drained_r;
    always @(posedge clk) begin
        busy_r    <= !rst && (!wk_idle || walk_fault || flt_valid
                              || q_valid || p_valid || q_take_r || q_take_w);
        drained_r <= rst || (rd_idle && wr_idle && !m_axi_arvalid && !m_axi_awvalid
                             && !ars_valid && !aws_valid && !do_pass);
    end
    assign busy    = busy_r;
    assign drained = drained_r;
endmodule
`default_nettype wire
