// SPDX-License-Identifier: Apache-2.0
// dma_iommu_xlate (with its IOTLB, device-context cache, walker and error
// responder): its interfaces and what it may forward.
//   s_axi   a correct AXI4 slave (fv_axi4, slave side; the engine assumed a legal
//           master that never sends W before its AW, as the datapath proof shows);
//   m_axi   a correct AXI4 master (one checker per ID, the memory assumed legal);
//   walk    table reads: the memory takes a read (walk_ack) only while it is
//           requested and answers it once (walk_resp) before the next one;
//   faults  a VALID/READY source (flt_valid until flt_ready, record stable);
// the mode (ddtp) and the directory base are constants of a run, chosen freely;
// and what is forwarded:
//   Off     nothing reaches m_axi (every request is answered with an error);
//   Bare    every request goes out unchanged and in order in its direction (ID,
//           address, length, size, burst, lock, cache, prot), every W beat unchanged
//           and in order;
//   1LVL    with tables that hold no valid entry (every table read has V = 0: no
//           device has a valid context), nothing reaches m_axi: no request is
//           forwarded without a valid translation for its device, and no W beat.
// SV39 = 1 checks translations against a symbolic memory instead: mode 1LVL,
// one request at a time on s_axi, device 0's context four free (but fixed)
// doublewords, device 1's invalid, one free PTE at a free address, every other
// table read V = 0. A request may then be forwarded only for device 0, and only
// to its own address when its context's first stage is Bare (fsc.MODE 0 or
// PDTV), or to the gigapage its level-2 PTE maps ({PTE.PPN[43:18],
// address[29:0]}) when fsc is Sv39 and the model holds that PTE (the free PTE,
// or a context word when the tables overlap the directory);
// a W beat only for a forwarded write of device 0.
// Invalidations are not exercised (tied off); hold is free.
`default_nettype none
module wrap_iommu_xlate #(
    parameter TLB_ENTRIES = 1,
    parameter SV39        = 0    // 1: the 1LVL translation check (see below)
) (
    input wire        clk,
    input wire        rst,
    input wire [3:0]  mode,
    input wire [43:0] ddt_ppn,
    input wire        hold,
    input wire        walk_ack,
    input wire        walk_resp,
    input wire [63:0] walk_data,
    input wire        walk_err,
    input wire        flt_ready,
    input wire [0:0]  s_axi_awid,
    input wire [55:0] s_axi_awaddr,
    input wire [7:0]  s_axi_awlen,
    input wire [2:0]  s_axi_awsize,
    input wire [1:0]  s_axi_awburst,
    input wire        s_axi_awlock,
    input wire [3:0]  s_axi_awcache,
    input wire [2:0]  s_axi_awprot,
    input wire [0:0]  s_axi_awuser,
    input wire        s_axi_awvalid,
    input wire [63:0] s_axi_wdata,
    input wire [7:0]  s_axi_wstrb,
    input wire        s_axi_wlast,
    input wire        s_axi_wvalid,
    input wire        s_axi_bready,
    input wire [0:0]  s_axi_arid,
    input wire [55:0] s_axi_araddr,
    input wire [7:0]  s_axi_arlen,
    input wire [2:0]  s_axi_arsize,
    input wire [1:0]  s_axi_arburst,
    input wire        s_axi_arlock,
    input wire [3:0]  s_axi_arcache,
    input wire [2:0]  s_axi_arprot,
    input wire [0:0]  s_axi_aruser,
    input wire        s_axi_arvalid,
    input wire        s_axi_rready,
    input wire        m_axi_awready,
    input wire        m_axi_wready,
    input wire [0:0]  m_axi_bid,
    input wire [1:0]  m_axi_bresp,
    input wire        m_axi_bvalid,
    input wire        m_axi_arready,
    input wire [0:0]  m_axi_rid,
    input wire [63:0] m_axi_rdata,
    input wire [1:0]  m_axi_rresp,
    input wire        m_axi_rlast,
    input wire        m_axi_rvalid
);
    wire        busy, drained, walk_req, flt_valid;
    wire [63:0] walk_addr, flt_iova;
    wire [11:0] flt_cause;
    wire [5:0]  flt_ttyp;
    wire [23:0] flt_did;
    wire        ev_translate, ev_hit, ev_miss, ev_walk_cycle;
    wire        s_axi_awready, s_axi_wready, s_axi_bvalid, s_axi_arready, s_axi_rvalid, s_axi_rlast;
    wire [0:0]  s_axi_bid, s_axi_rid;
    wire [1:0]  s_axi_bresp, s_axi_rresp;
    wire [63:0] s_axi_rdata;
    wire [0:0]  m_axi_awid, m_axi_arid;
    wire [55:0] m_axi_awaddr, m_axi_araddr;
    wire [7:0]  m_axi_awlen, m_axi_arlen;
    wire [2:0]  m_axi_awsize, m_axi_arsize, m_axi_awprot, m_axi_arprot;
    wire [1:0]  m_axi_awburst, m_axi_arburst;
    wire        m_axi_awlock, m_axi_arlock;
    wire [3:0]  m_axi_awcache, m_axi_arcache;
    wire        m_axi_awvalid, m_axi_wvalid, m_axi_wlast, m_axi_bready, m_axi_arvalid, m_axi_rready;
    wire [63:0] m_axi_wdata;
    wire [7:0]  m_axi_wstrb;

    dma_iommu_xlate #(.DATA_WIDTH(64), .ADDR_WIDTH(56), .ID_WIDTH(1), .USER_WIDTH(1),
                      .TLB_ENTRIES(TLB_ENTRIES)) dut (
        .clk(clk), .rst(rst), .mode(mode), .ddt_ppn(ddt_ppn),
        .inv_vma(1'b0), .inv_pscv(1'b0), .inv_pscid(20'd0), .inv_av(1'b0), .inv_vpn(27'd0),
        .inv_ddt(1'b0), .inv_dv(1'b0), .inv_did(24'd0), .hold(hold), .busy(busy), .drained(drained),
        .walk_req(walk_req), .walk_addr(walk_addr), .walk_ack(walk_ack), .walk_resp(walk_resp),
        .walk_data(walk_data), .walk_err(walk_err),
        .flt_valid(flt_valid), .flt_ready(flt_ready), .flt_cause(flt_cause), .flt_ttyp(flt_ttyp),
        .flt_did(flt_did), .flt_iova(flt_iova),
        .ev_translate(ev_translate), .ev_hit(ev_hit), .ev_miss(ev_miss), .ev_walk_cycle(ev_walk_cycle),
        .s_axi_awid(s_axi_awid), .s_axi_awaddr(s_axi_awaddr), .s_axi_awlen(s_axi_awlen),
        .s_axi_awsize(s_axi_awsize), .s_axi_awburst(s_axi_awburst), .s_axi_awlock(s_axi_awlock),
        .s_axi_awcache(s_axi_awcache), .s_axi_awprot(s_axi_awprot), .s_axi_awuser(s_axi_awuser),
        .s_axi_awvalid(s_axi_awvalid), .s_axi_awready(s_axi_awready),
        .s_axi_wdata(s_axi_wdata), .s_axi_wstrb(s_axi_wstrb), .s_axi_wlast(s_axi_wlast),
        .s_axi_wvalid(s_axi_wvalid), .s_axi_wready(s_axi_wready),
        .s_axi_bid(s_axi_bid), .s_axi_bresp(s_axi_bresp), .s_axi_bvalid(s_axi_bvalid),
        .s_axi_bready(s_axi_bready),
        .s_axi_arid(s_axi_arid), .s_axi_araddr(s_axi_araddr), .s_axi_arlen(s_axi_arlen),
        .s_axi_arsize(s_axi_arsize), .s_axi_arburst(s_axi_arburst), .s_axi_arlock(s_axi_arlock),
        .s_axi_arcache(s_axi_arcache), .s_axi_arprot(s_axi_arprot), .s_axi_aruser(s_axi_aruser),
        .s_axi_arvalid(s_axi_arvalid), .s_axi_arready(s_axi_arready),
        .s_axi_rid(s_axi_rid), .s_axi_rdata(s_axi_rdata), .s_axi_rresp(s_axi_rresp),
        .s_axi_rlast(s_axi_rlast), .s_axi_rvalid(s_axi_rvalid), .s_axi_rready(s_axi_rready),
        .m_axi_awid(m_axi_awid), .m_axi_awaddr(m_axi_awaddr), .m_axi_awlen(m_axi_awlen),
        .m_axi_awsize(m_axi_awsize), .m_axi_awburst(m_axi_awburst), .m_axi_awlock(m_axi_awlock),
        .m_axi_awcache(m_axi_awcache), .m_axi_awprot(m_axi_awprot),
        .m_axi_awvalid(m_axi_awvalid), .m_axi_awready(m_axi_awready),
        .m_axi_wdata(m_axi_wdata), .m_axi_wstrb(m_axi_wstrb), .m_axi_wlast(m_axi_wlast),
        .m_axi_wvalid(m_axi_wvalid), .m_axi_wready(m_axi_wready),
        .m_axi_bid(m_axi_bid), .m_axi_bresp(m_axi_bresp), .m_axi_bvalid(m_axi_bvalid),
        .m_axi_bready(m_axi_bready),
        .m_axi_arid(m_axi_arid), .m_axi_araddr(m_axi_araddr), .m_axi_arlen(m_axi_arlen),
        .m_axi_arsize(m_axi_arsize), .m_axi_arburst(m_axi_arburst), .m_axi_arlock(m_axi_arlock),
        .m_axi_arcache(m_axi_arcache), .m_axi_arprot(m_axi_arprot),
        .m_axi_arvalid(m_axi_arvalid), .m_axi_arready(m_axi_arready),
        .m_axi_rid(m_axi_rid), .m_axi_rdata(m_axi_rdata), .m_axi_rresp(m_axi_rresp),
        .m_axi_rlast(m_axi_rlast), .m_axi_rvalid(m_axi_rvalid), .m_axi_rready(m_axi_rready));
`ifdef FORMAL
    reg f_past = 1'b0;
    always @(posedge clk) f_past <= 1'b1;
    always @* if (!f_past) assume(rst);
    always @* if (f_past) assume(!rst);
    // the configuration is constant during a run
    always @(posedge clk) if (f_past) assume(mode == $past(mode) && ddt_ppn == $past(ddt_ppn));
    wire is_bare = (mode == 4'd1), is_1lvl = (mode == 4'd2), is_off = !is_bare && !is_1lvl;

    // ---------------------------------------------------------------- interfaces
    wire [8:0] s_wr_out, s_rd_out, s_b_due, s_wbeat;
    wire [3:0] s_awq_n, s_wq_n;
    fv_axi4 #(.ID_WIDTH(1), .ADDR_WIDTH(56), .DATA_WIDTH(64), .USER_WIDTH(1), .MASTER_IS_DUT(0),
              .MAX_BURST(4), .MAX_RD_OUT(2), .MAX_WR_OUT(2), .W_BEFORE_AW(0)) p_s (
        .clk(clk), .rst(rst),
        .awid(s_axi_awid), .awaddr(s_axi_awaddr), .awlen(s_axi_awlen), .awsize(s_axi_awsize),
        .awburst(s_axi_awburst), .awlock(s_axi_awlock), .awcache(s_axi_awcache), .awprot(s_axi_awprot),
        .awuser(s_axi_awuser), .awvalid(s_axi_awvalid), .awready(s_axi_awready),
        .wdata(s_axi_wdata), .wstrb(s_axi_wstrb), .wlast(s_axi_wlast), .wvalid(s_axi_wvalid),
        .wready(s_axi_wready), .bid(s_axi_bid), .bresp(s_axi_bresp), .bvalid(s_axi_bvalid),
        .bready(s_axi_bready),
        .arid(s_axi_arid), .araddr(s_axi_araddr), .arlen(s_axi_arlen), .arsize(s_axi_arsize),
        .arburst(s_axi_arburst), .arlock(s_axi_arlock), .arcache(s_axi_arcache), .arprot(s_axi_arprot),
        .aruser(s_axi_aruser), .arvalid(s_axi_arvalid), .arready(s_axi_arready),
        .rid(s_axi_rid), .rdata(s_axi_rdata), .rresp(s_axi_rresp), .rlast(s_axi_rlast),
        .rvalid(s_axi_rvalid), .rready(s_axi_rready),
        .f_wr_out(s_wr_out), .f_rd_out(s_rd_out), .f_b_due(s_b_due), .f_awq_n(s_awq_n),
        .f_wq_n(s_wq_n), .f_wbeat(s_wbeat));
    // (one checker per ID on m_axi, fv_axi4_ids: the memory's per-ID rules are assumed for both)
    fv_axi4_ids #(.ID_WIDTH(1), .ADDR_WIDTH(56), .DATA_WIDTH(64), .USER_WIDTH(1), .MASTER_IS_DUT(1),
              .MAX_BURST(4), .MAX_RD_OUT(2), .MAX_WR_OUT(2), .W_BEFORE_AW(1)) p_m (
        .clk(clk), .rst(rst),
        .awid(m_axi_awid), .awaddr(m_axi_awaddr), .awlen(m_axi_awlen), .awsize(m_axi_awsize),
        .awburst(m_axi_awburst), .awlock(m_axi_awlock), .awcache(m_axi_awcache), .awprot(m_axi_awprot),
        .awuser(1'b0), .awvalid(m_axi_awvalid), .awready(m_axi_awready),
        .wdata(m_axi_wdata), .wstrb(m_axi_wstrb), .wlast(m_axi_wlast), .wvalid(m_axi_wvalid),
        .wready(m_axi_wready), .bid(m_axi_bid), .bresp(m_axi_bresp), .bvalid(m_axi_bvalid),
        .bready(m_axi_bready),
        .arid(m_axi_arid), .araddr(m_axi_araddr), .arlen(m_axi_arlen), .arsize(m_axi_arsize),
        .arburst(m_axi_arburst), .arlock(m_axi_arlock), .arcache(m_axi_arcache), .arprot(m_axi_arprot),
        .aruser(1'b0), .arvalid(m_axi_arvalid), .arready(m_axi_arready),
        .rid(m_axi_rid), .rdata(m_axi_rdata), .rresp(m_axi_rresp), .rlast(m_axi_rlast),
        .rvalid(m_axi_rvalid), .rready(m_axi_rready));
    fv_handshake #(.WIDTH(12 + 6 + 24 + 64), .SRC_IS_DUT(1)) p_flt (
        .clk(clk), .rst(rst), .valid(flt_valid), .ready(flt_ready),
        .payload({flt_cause, flt_ttyp, flt_did, flt_iova}));
    // the walk port: walk_req is held until walk_ack with its address (asserted);
    // one read at a time, answered once (assumed)
    reg f_walk_out = 1'b0;
    always @(posedge clk)
        if (rst) f_walk_out <= 1'b0;
        else f_walk_out <= (f_walk_out && !walk_resp) || (walk_req && walk_ack);
    always @* begin
        if (walk_ack)  assume(walk_req && !f_walk_out);
        if (walk_resp) assume(f_walk_out);
    end
    always @(posedge clk) if (f_past && !rst && !$past(rst) && $past(walk_req && !walk_ack)) begin
        assert(walk_req && walk_addr == $past(walk_addr));
    end
    always @(posedge clk) if (f_past && !rst && $past(rst)) assert(!walk_req);

    // ---------------------------------------------------------------- what is forwarded
    wire s_ar_hs = s_axi_arvalid && s_axi_arready, s_aw_hs = s_axi_awvalid && s_axi_awready;
    wire s_w_hs  = s_axi_wvalid && s_axi_wready;
    wire m_ar_hs = m_axi_arvalid && m_axi_arready, m_aw_hs = m_axi_awvalid && m_axi_awready;
    wire m_w_hs  = m_axi_wvalid && m_axi_wready;
    localparam RQW = 1 + 56 + 8 + 3 + 2 + 1 + 4 + 3;
    wire [RQW-1:0] s_ar = {s_axi_arid, s_axi_araddr, s_axi_arlen, s_axi_arsize, s_axi_arburst,
                           s_axi_arlock, s_axi_arcache, s_axi_arprot};
    wire [RQW-1:0] s_aw = {s_axi_awid, s_axi_awaddr, s_axi_awlen, s_axi_awsize, s_axi_awburst,
                           s_axi_awlock, s_axi_awcache, s_axi_awprot};
    wire [RQW-1:0] m_ar = {m_axi_arid, m_axi_araddr, m_axi_arlen, m_axi_arsize, m_axi_arburst,
                           m_axi_arlock, m_axi_arcache, m_axi_arprot};
    wire [RQW-1:0] m_aw = {m_axi_awid, m_axi_awaddr, m_axi_awlen, m_axi_awsize, m_axi_awburst,
                           m_axi_awlock, m_axi_awcache, m_axi_awprot};
    // reference queues (Bare): requests and W beats taken on s_axi, not yet seen on m_axi
    reg [RQW-1:0] arq [0:3];
    reg [RQW-1:0] awq [0:3];
    reg [72:0]    wq  [0:7];
    reg [1:0] arq_rp = 0, arq_wp = 0, awq_rp = 0, awq_wp = 0;
    reg [2:0] arq_n = 0, awq_n = 0, wq_rp = 0, wq_wp = 0;
    reg [3:0] wq_n = 0;
    always @(posedge clk) begin
        if (rst) begin
            arq_rp <= 0; arq_wp <= 0; arq_n <= 0; awq_rp <= 0; awq_wp <= 0; awq_n <= 0;
            wq_rp <= 0; wq_wp <= 0; wq_n <= 0;
        end else begin
            if (s_ar_hs) begin arq[arq_wp] <= s_ar; arq_wp <= arq_wp + 1'b1; end
            if (m_ar_hs) arq_rp <= arq_rp + 1'b1;
            arq_n <= arq_n + s_ar_hs - m_ar_hs;
            if (s_aw_hs) begin awq[awq_wp] <= s_aw; awq_wp <= awq_wp + 1'b1; end
            if (m_aw_hs) awq_rp <= awq_rp + 1'b1;
            awq_n <= awq_n + s_aw_hs - m_aw_hs;
            if (s_w_hs) begin wq[wq_wp] <= {s_axi_wdata, s_axi_wstrb, s_axi_wlast}; wq_wp <= wq_wp + 1'b1; end
            if (m_w_hs) wq_rp <= wq_rp + 1'b1;
            wq_n <= wq_n + s_w_hs - m_w_hs;
        end
    end
    // 1LVL: no valid table entry anywhere (V, bit 0, of every doubleword read is 0)
    always @* if (SV39 == 0 && is_1lvl && walk_resp) assume(!walk_data[0]);

    // ---------------------------------------------------------------- SV39: a symbolic memory
    (* anyconst *) reg [63:0] f_dc0, f_dc1, f_dc2, f_dc3, f_pte, f_pte_addr;
    reg  [63:0] f_waddr;               // the address of the table read in flight
    always @(posedge clk) if (walk_req && walk_ack) f_waddr <= walk_addr;
    wire [63:0] f_dc_base = {8'd0, ddt_ppn, 12'd0};   // device 0's context
    // the model's memory: device 0's context words, the PTE; unknown elsewhere (V = 0)
    function [63:0] mem_word;
        input [63:0] a;
        mem_word = (a[63:12] == f_dc_base[63:12] && a[11:5] == 7'd0)
                   ? (a[4:3] == 2'd0 ? f_dc0 : a[4:3] == 2'd1 ? f_dc1 : a[4:3] == 2'd2 ? f_dc2 : f_dc3)
                   : f_pte;
    endfunction
    function mem_known;
        input [63:0] a;
        mem_known = (a[63:12] == f_dc_base[63:12] && a[11:5] == 7'd0)
                 || (a[63:12] != f_dc_base[63:12] && a == f_pte_addr);
    endfunction
    wire [63:0] f_mem       = mem_word(f_waddr);
    wire        f_mem_known = mem_known(f_waddr);
    // the request in flight (one at a time)
    reg        f_cur_w, f_cur_did, f_m_aw_seen;
    reg [55:0] f_cur_addr;
    wire [3:0] f_fsc_mode = f_dc3[63:60];
    wire       f_bare     = (f_fsc_mode == 4'd0) || f_dc0[5];
    wire [63:0] f_l2_addr = {8'd0, f_dc3[43:0], f_cur_addr[38:30], 3'd0};
    wire [63:0] f_l2_pte  = mem_word(f_l2_addr);   // the level-2 PTE of the request
    function fwd_ok;
        input [55:0] pa;
        begin
            fwd_ok = !f_cur_did && ((f_bare && pa == f_cur_addr)
                  || (!f_bare && f_fsc_mode == 4'd8 && mem_known(f_l2_addr)
                      && pa == {f_l2_pte[53:28], f_cur_addr[29:0]}));
        end
    endfunction
    generate if (SV39) begin : g_sv39
        always @* begin
            assume(is_1lvl);
            // one request at a time on s_axi (the mapping of m_axi to s_axi is then exact)
            assume(!(s_axi_arvalid && s_axi_awvalid));
            if (s_axi_arvalid || s_axi_awvalid) assume(s_rd_out == 0 && s_wr_out == 0);
            // the memory: fixed words where the model has them, V = 0 elsewhere
            if (walk_resp && f_mem_known) assume(walk_data == f_mem);
            if (walk_resp && !f_mem_known) assume(!walk_data[0]);
        end
        always @(posedge clk) begin
            if (s_ar_hs) begin f_cur_w <= 1'b0; f_cur_did <= s_axi_aruser; f_cur_addr <= s_axi_araddr; end
            if (s_aw_hs) begin f_cur_w <= 1'b1; f_cur_did <= s_axi_awuser; f_cur_addr <= s_axi_awaddr; end
            if (rst || s_aw_hs) f_m_aw_seen <= 1'b0;
            else if (m_aw_hs) f_m_aw_seen <= 1'b1;
        end
        always @* if (f_past && !rst) begin
            if (m_axi_arvalid) assert(!f_cur_w && (s_rd_out != 0) && fwd_ok(m_axi_araddr));
            if (m_axi_awvalid) assert(f_cur_w && (s_wr_out != 0) && fwd_ok(m_axi_awaddr));
            if (m_axi_wvalid)  assert(f_cur_w && !f_cur_did && (m_axi_awvalid || f_m_aw_seen));
        end
        always @* if (f_past && !rst) begin
            cover(m_ar_hs && !f_bare);
            cover(m_aw_hs && !f_bare);
        end
    end endgenerate

    always @* if (f_past && !rst) begin
        if (is_off || (is_1lvl && SV39 == 0)) assert(!m_axi_arvalid && !m_axi_awvalid && !m_axi_wvalid);
        if (is_bare) begin
            if (m_axi_arvalid) assert(arq_n != 0 && m_ar == arq[arq_rp]);
            if (m_axi_awvalid) assert(awq_n != 0 && m_aw == awq[awq_rp]);
            // (a W beat may pass through in the cycle it arrives)
            if (m_axi_wvalid)  assert(wq_n != 0 ? {m_axi_wdata, m_axi_wstrb, m_axi_wlast} == wq[wq_rp]
                                                : s_axi_wvalid && {m_axi_wdata, m_axi_wstrb, m_axi_wlast}
                                                  == {s_axi_wdata, s_axi_wstrb, s_axi_wlast});
            assert(arq_n <= 3'd4 && awq_n <= 3'd4 && wq_n <= 4'd8);
        end
    end

    always @* if (f_past && !rst && SV39 == 0) begin
        cover(is_bare && m_w_hs && m_axi_wlast);
        cover(is_bare && m_ar_hs && arq_n == 3'd2);
        cover(is_1lvl && s_axi_bvalid && s_axi_bready && s_axi_bresp == 2'b10);
        cover(is_1lvl && s_axi_rvalid && s_axi_rready && s_axi_rlast);
    end
`endif
endmodule
`default_nettype wire
