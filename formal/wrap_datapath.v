// SPDX-License-Identifier: Apache-2.0
// dma_datapath: its interfaces and the engine's safety rules.
//   m_axi    a correct AXI4 master (fv_axi4, master side; the slave assumed legal,
//            with free IDs, data, responses and READYs); W never before its AW;
//   m_axis   a correct AXI4-Stream source; s_axis a correct sink (the device free);
//   command  a VALID/READY sink (the environment holds a command until taken);
//   status   a VALID/READY source (held until taken, payload stable);
// and, against a table of the commands accepted (symbolic addresses, lengths,
// kinds and tags):
//   reads only of the source: every AR burst lies within the beats covering
//       [src, src+len) of a memory-source command accepted before it;
//   no byte outside [dst, dst+len): every W beat's strobed byte lies in the
//       destination range of a memory-destination command accepted before it
//       (the beat's address from its AW burst and its index in the burst);
//   exactly one status per command, in command order: a status is shown only
//       for an accepted command without one, with its tag; BAD_CMD exactly for
//       a zero length or a stream-to-stream command (and then 0 bytes);
//       the bytes reported never exceed the length, equal it for a memory
//       source without error and for a stream source that did not end early;
//   bytes reported = bytes written: when every accepted command has its status,
//       the strobed W bytes equal the bytes reported for memory destinations
//       and the kept m_axis bytes those reported for stream destinations; a
//       memory-destination status never reports more than has been written.
`default_nettype none
module wrap_datapath #(
    parameter MAX_BURST_LEN = 4,
    parameter MAX_LEN       = 16,   // command lengths used, bytes
    parameter NC            = 3     // commands accepted at most (the table)
) (
    input wire        clk,
    input wire        rst,
    input wire        cmd_valid,
    input wire [15:0] cmd_src_addr,
    input wire [15:0] cmd_dst_addr,
    input wire [19:0] cmd_len,
    input wire        cmd_src_kind,
    input wire        cmd_dst_kind,
    input wire        cmd_eop,
    input wire [1:0]  cmd_tag,
    input wire        sts_ready,
    input wire        m_axi_awready,
    input wire        m_axi_wready,
    input wire [0:0]  m_axi_bid,
    input wire [1:0]  m_axi_bresp,
    input wire        m_axi_bvalid,
    input wire        m_axi_arready,
    input wire [0:0]  m_axi_rid,
    input wire [31:0] m_axi_rdata,
    input wire [1:0]  m_axi_rresp,
    input wire        m_axi_rlast,
    input wire        m_axi_rvalid,
    input wire        m_axis_tready,
    input wire [31:0] s_axis_tdata,
    input wire [3:0]  s_axis_tkeep,
    input wire        s_axis_tlast,
    input wire        s_axis_tvalid
);
    `include "dma_regs_defs.vh"
    wire        cmd_ready, sts_valid, sts_eop;
    wire [1:0]  sts_tag;
    wire [19:0] sts_bytes;
    wire [3:0]  sts_error;
    wire [0:0]  m_axi_awid, m_axi_arid;
    wire [15:0] m_axi_awaddr, m_axi_araddr;
    wire [7:0]  m_axi_awlen, m_axi_arlen;
    wire [2:0]  m_axi_awsize, m_axi_arsize, m_axi_awprot, m_axi_arprot;
    wire [1:0]  m_axi_awburst, m_axi_arburst, m_axi_awuser, m_axi_aruser;
    wire        m_axi_awlock, m_axi_arlock;
    wire [3:0]  m_axi_awcache, m_axi_arcache;
    wire        m_axi_awvalid, m_axi_wvalid, m_axi_wlast, m_axi_bready, m_axi_arvalid, m_axi_rready;
    wire [31:0] m_axi_wdata, m_axis_tdata;
    wire [3:0]  m_axi_wstrb, m_axis_tkeep;
    wire        m_axis_tlast, m_axis_tvalid, s_axis_tready;

    dma_datapath #(.DATA_WIDTH(32), .ADDR_WIDTH(16), .ID_WIDTH(1), .LEN_WIDTH(20), .TAG_WIDTH(2),
                   .MAX_BURST_LEN(MAX_BURST_LEN), .RD_OUTSTANDING(2), .WR_OUTSTANDING(2),
                   .CMD_DEPTH_LOG2(1), .FIFO_DEPTH_LOG2(3)) dut (
        .clk(clk), .rst(rst),
        .cmd_valid(cmd_valid), .cmd_ready(cmd_ready), .cmd_src_addr(cmd_src_addr),
        .cmd_dst_addr(cmd_dst_addr), .cmd_len(cmd_len), .cmd_src_kind(cmd_src_kind),
        .cmd_dst_kind(cmd_dst_kind), .cmd_eop(cmd_eop), .cmd_tag(cmd_tag),
        .sts_valid(sts_valid), .sts_ready(sts_ready), .sts_tag(sts_tag), .sts_bytes(sts_bytes),
        .sts_error(sts_error), .sts_eop(sts_eop),
        .m_axi_awid(m_axi_awid), .m_axi_awaddr(m_axi_awaddr), .m_axi_awlen(m_axi_awlen),
        .m_axi_awsize(m_axi_awsize), .m_axi_awburst(m_axi_awburst), .m_axi_awlock(m_axi_awlock),
        .m_axi_awcache(m_axi_awcache), .m_axi_awprot(m_axi_awprot), .m_axi_awuser(m_axi_awuser),
        .m_axi_awvalid(m_axi_awvalid), .m_axi_awready(m_axi_awready),
        .m_axi_wdata(m_axi_wdata), .m_axi_wstrb(m_axi_wstrb), .m_axi_wlast(m_axi_wlast),
        .m_axi_wvalid(m_axi_wvalid), .m_axi_wready(m_axi_wready),
        .m_axi_bid(m_axi_bid), .m_axi_bresp(m_axi_bresp), .m_axi_bvalid(m_axi_bvalid),
        .m_axi_bready(m_axi_bready),
        .m_axi_arid(m_axi_arid), .m_axi_araddr(m_axi_araddr), .m_axi_arlen(m_axi_arlen),
        .m_axi_arsize(m_axi_arsize), .m_axi_arburst(m_axi_arburst), .m_axi_arlock(m_axi_arlock),
        .m_axi_arcache(m_axi_arcache), .m_axi_arprot(m_axi_arprot), .m_axi_aruser(m_axi_aruser),
        .m_axi_arvalid(m_axi_arvalid), .m_axi_arready(m_axi_arready),
        .m_axi_rid(m_axi_rid), .m_axi_rdata(m_axi_rdata), .m_axi_rresp(m_axi_rresp),
        .m_axi_rlast(m_axi_rlast), .m_axi_rvalid(m_axi_rvalid), .m_axi_rready(m_axi_rready),
        .m_axis_tdata(m_axis_tdata), .m_axis_tkeep(m_axis_tkeep), .m_axis_tlast(m_axis_tlast),
        .m_axis_tvalid(m_axis_tvalid), .m_axis_tready(m_axis_tready),
        .s_axis_tdata(s_axis_tdata), .s_axis_tkeep(s_axis_tkeep), .s_axis_tlast(s_axis_tlast),
        .s_axis_tvalid(s_axis_tvalid), .s_axis_tready(s_axis_tready));
`ifdef FORMAL
    reg f_past = 1'b0;
    always @(posedge clk) f_past <= 1'b1;
    always @* if (!f_past) assume(rst);
    always @* if (f_past) assume(!rst);

    // ---------------------------------------------------------------- interfaces
    // the datapath uses one ID (0) in each direction: the checker checks that
    // one (FIXED_ID), so the slave's per-ID rules are assumed for the ID in use
    wire [8:0] f_wr_out, f_rd_out, f_b_due, f_wbeat;
    wire [3:0] f_awq_n, f_wq_n;
    fv_axi4 #(.ID_WIDTH(1), .ADDR_WIDTH(16), .DATA_WIDTH(32), .USER_WIDTH(2), .MASTER_IS_DUT(1),
              .MAX_BURST(MAX_BURST_LEN), .MAX_RD_OUT(2), .MAX_WR_OUT(2), .W_BEFORE_AW(0),
              .FIXED_ID(0)) p_axi (
        .clk(clk), .rst(rst),
        .awid(m_axi_awid), .awaddr(m_axi_awaddr), .awlen(m_axi_awlen), .awsize(m_axi_awsize),
        .awburst(m_axi_awburst), .awlock(m_axi_awlock), .awcache(m_axi_awcache), .awprot(m_axi_awprot),
        .awuser(m_axi_awuser), .awvalid(m_axi_awvalid), .awready(m_axi_awready),
        .wdata(m_axi_wdata), .wstrb(m_axi_wstrb), .wlast(m_axi_wlast), .wvalid(m_axi_wvalid),
        .wready(m_axi_wready), .bid(m_axi_bid), .bresp(m_axi_bresp), .bvalid(m_axi_bvalid),
        .bready(m_axi_bready),
        .arid(m_axi_arid), .araddr(m_axi_araddr), .arlen(m_axi_arlen), .arsize(m_axi_arsize),
        .arburst(m_axi_arburst), .arlock(m_axi_arlock), .arcache(m_axi_arcache), .arprot(m_axi_arprot),
        .aruser(m_axi_aruser), .arvalid(m_axi_arvalid), .arready(m_axi_arready),
        .rid(m_axi_rid), .rdata(m_axi_rdata), .rresp(m_axi_rresp), .rlast(m_axi_rlast),
        .rvalid(m_axi_rvalid), .rready(m_axi_rready),
        .f_wr_out(f_wr_out), .f_rd_out(f_rd_out), .f_b_due(f_b_due), .f_awq_n(f_awq_n),
        .f_wq_n(f_wq_n), .f_wbeat(f_wbeat));
    fv_axis #(.DATA_WIDTH(32), .MASTER_IS_DUT(1)) p_m_axis (
        .clk(clk), .rst(rst), .tdata(m_axis_tdata), .tkeep(m_axis_tkeep), .tlast(m_axis_tlast),
        .tvalid(m_axis_tvalid), .tready(m_axis_tready));
    fv_axis #(.DATA_WIDTH(32), .MASTER_IS_DUT(0)) p_s_axis (
        .clk(clk), .rst(rst), .tdata(s_axis_tdata), .tkeep(s_axis_tkeep), .tlast(s_axis_tlast),
        .tvalid(s_axis_tvalid), .tready(s_axis_tready));
    fv_handshake #(.WIDTH(16 + 16 + 20 + 3 + 2), .SRC_IS_DUT(0)) p_cmd (
        .clk(clk), .rst(rst), .valid(cmd_valid), .ready(cmd_ready),
        .payload({cmd_src_addr, cmd_dst_addr, cmd_len, cmd_src_kind, cmd_dst_kind, cmd_eop, cmd_tag}));
    fv_handshake #(.WIDTH(2 + 20 + 4 + 1), .SRC_IS_DUT(1)) p_sts (
        .clk(clk), .rst(rst), .valid(sts_valid), .ready(sts_ready),
        .payload({sts_tag, sts_bytes, sts_error, sts_eop}));

    // ---------------------------------------------------------------- commands
    wire cmd_hs = cmd_valid && cmd_ready;
    wire sts_hs = sts_valid && sts_ready;
    reg [2:0]  f_ncmd = 3'd0, f_nsts = 3'd0;
    reg [15:0] c_dst [0:NC-1];
    reg [15:0] c_src [0:NC-1];
    reg [5:0]  c_len [0:NC-1];
    reg        c_src_s [0:NC-1], c_dst_s [0:NC-1], c_bad [0:NC-1];
    reg [1:0]  c_tag [0:NC-1];
    // the environment: lengths up to MAX_LEN (zero allowed: a bad command), no
    // range wraps the address space, at most NC commands
    always @* if (cmd_valid) begin
        assume(cmd_len <= MAX_LEN);
        assume({1'b0, cmd_src_addr} + cmd_len <= 21'h10000 && {1'b0, cmd_dst_addr} + cmd_len <= 21'h10000);
        assume(f_ncmd < NC);
    end
    // data values never steer the datapath and no property here reads them: the
    // memory and the device send zeros (fewer free bits for the solver)
    always @* assume(m_axi_rdata == 32'd0 && s_axis_tdata == 32'd0);
    always @(posedge clk) begin
        if (rst) begin
            f_ncmd <= 3'd0;
            f_nsts <= 3'd0;
        end else begin
            if (cmd_hs) begin
                c_dst[f_ncmd]   <= cmd_dst_addr;
                c_src[f_ncmd]   <= cmd_src_addr;
                c_len[f_ncmd]   <= cmd_len[5:0];
                c_src_s[f_ncmd] <= cmd_src_kind;
                c_dst_s[f_ncmd] <= cmd_dst_kind;
                c_bad[f_ncmd]   <= (cmd_len == 20'd0) || (cmd_src_kind && cmd_dst_kind);
                c_tag[f_ncmd]   <= cmd_tag;
                f_ncmd <= f_ncmd + 3'd1;
            end
            if (sts_hs) f_nsts <= f_nsts + 3'd1;
        end
    end

    // a byte address inside a memory destination of an accepted command
    function allowed;
        input [15:0] a;
        integer i;
        begin
            allowed = 1'b0;
            for (i = 0; i < NC; i = i + 1)
                if (i < f_ncmd && !c_dst_s[i] && a >= c_dst[i] && {1'b0, a} < {1'b0, c_dst[i]} + c_len[i])
                    allowed = 1'b1;
        end
    endfunction

    // a read burst inside the beats of a memory source of an accepted command:
    // [a, a + 4 * beats) within [src rounded down, src + len rounded up) to the beat
    function read_ok;
        input [15:0] a;
        input [7:0]  len;
        integer i;
        reg [16:0] lo, hi, end_b;
        begin
            read_ok = 1'b0;
            for (i = 0; i < NC; i = i + 1) begin
                lo    = {1'b0, c_src[i][15:2], 2'b00};
                hi    = ({1'b0, c_src[i]} + c_len[i] + 17'd3) & 17'h1fffc;
                end_b = {1'b0, a} + {7'd0, len, 2'b00} + 17'd4;
                if (i < f_ncmd && !c_src_s[i] && c_len[i] != 0 && {1'b0, a} >= lo && end_b <= hi)
                    read_ok = 1'b1;
            end
        end
    endfunction

    // ---------------------------------------------------------------- W beat addresses
    // the AW bursts whose W beats are not all written (W follows AW order)
    wire       aw_hs = m_axi_awvalid && m_axi_awready;
    wire       w_hs  = m_axi_wvalid && m_axi_wready;
    reg [13:0] aq [0:3];     // beat address (addr >> 2) of each burst
    reg [1:0]  aq_rp = 2'd0, aq_wp = 2'd0;
    reg [2:0]  aq_n = 3'd0;
    wire       aq_push = aw_hs && !(w_hs && m_axi_wlast && aq_n == 0);
    wire       aq_pop  = w_hs && m_axi_wlast && aq_n != 0;
    always @(posedge clk) begin
        if (rst) begin
            aq_rp <= 2'd0; aq_wp <= 2'd0; aq_n <= 3'd0;
        end else begin
            if (aq_push) begin
                aq[aq_wp] <= m_axi_awaddr[15:2];
                aq_wp <= aq_wp + 2'd1;
            end
            if (aq_pop) aq_rp <= aq_rp + 2'd1;
            aq_n <= aq_n + aq_push - aq_pop;
        end
    end
    wire [13:0] w_base = (aq_n != 0) ? aq[aq_rp] : m_axi_awaddr[15:2];
    wire [15:0] w_addr = {w_base + f_wbeat[7:0], 2'b00};

    // ---------------------------------------------------------------- byte counts
    function [2:0] ones4;
        input [3:0] v;
        ones4 = v[0] + v[1] + v[2] + v[3];
    endfunction
    reg [7:0] f_wbytes = 8'd0, f_mbytes = 8'd0, f_rep_mem = 8'd0, f_rep_str = 8'd0;
    wire ms_hs = m_axis_tvalid && m_axis_tready;
    always @(posedge clk) begin
        if (rst) begin
            f_wbytes <= 8'd0; f_mbytes <= 8'd0; f_rep_mem <= 8'd0; f_rep_str <= 8'd0;
        end else begin
            if (w_hs)  f_wbytes <= f_wbytes + ones4(m_axi_wstrb);
            if (ms_hs) f_mbytes <= f_mbytes + ones4(m_axis_tkeep);
            if (sts_hs && !c_dst_s[f_nsts]) f_rep_mem <= f_rep_mem + sts_bytes[7:0];
            if (sts_hs &&  c_dst_s[f_nsts]) f_rep_str <= f_rep_str + sts_bytes[7:0];
        end
    end

    // ---------------------------------------------------------------- the rules
    always @* if (f_past && !rst) begin
        // no byte outside [dst, dst+len)
        if (w_hs) begin
            assert(aq_n != 0);
            if (m_axi_wstrb[0]) assert(allowed(w_addr));
            if (m_axi_wstrb[1]) assert(allowed(w_addr + 16'd1));
            if (m_axi_wstrb[2]) assert(allowed(w_addr + 16'd2));
            if (m_axi_wstrb[3]) assert(allowed(w_addr + 16'd3));
        end
        // no read outside the beats of a memory source
        if (m_axi_arvalid) assert(read_ok(m_axi_araddr, m_axi_arlen));
        // nothing on m_axis without a stream-destination command
        if (m_axis_tvalid) assert(f_ncmd != 0);
        // one status per command, in order, with its tag and a consistent result
        if (sts_valid) begin
            assert(f_nsts < f_ncmd);
            assert(sts_tag == c_tag[f_nsts]);
            assert((sts_error == DMA_ERR_BAD_CMD) == c_bad[f_nsts]);
            assert(sts_bytes <= c_len[f_nsts]);
            if (c_bad[f_nsts]) assert(sts_bytes == 20'd0 && !sts_eop);
            if (!c_src_s[f_nsts]) begin
                assert(!sts_eop);
                if (sts_error == DMA_ERR_NONE) assert(sts_bytes == c_len[f_nsts]);
            end
            if (c_src_s[f_nsts] && !c_bad[f_nsts] && !sts_eop && sts_error == DMA_ERR_NONE)
                assert(sts_bytes == c_len[f_nsts]);
            if (c_dst_s[f_nsts])
                assert(sts_error != DMA_ERR_WR_SLVERR && sts_error != DMA_ERR_WR_DECERR);
            if (!c_dst_s[f_nsts]) assert(f_rep_mem + sts_bytes[7:0] <= f_wbytes);
            else                  assert(f_rep_str + sts_bytes[7:0] <= f_mbytes);
        end
        // bytes reported = bytes written, once every command is reported
        if (f_nsts == f_ncmd) begin
            assert(f_wbytes == f_rep_mem);
            assert(f_mbytes == f_rep_str);
            assert(!m_axi_wvalid && !m_axis_tvalid && !m_axi_awvalid);
        end
    end

    // what the depth reaches
    always @* if (f_past && !rst) begin
        // a 16-byte memory-to-memory copy, source and destination unaligned
        // differently (5 read and 5 write beats: two bursts each), reported
        cover(sts_hs && f_nsts == 3'd0 && !c_src_s[0] && !c_dst_s[0] && sts_bytes == 20'd16
              && sts_error == DMA_ERR_NONE && c_dst[0][1:0] == 2'd3 && f_wbytes == 8'd16);
        // a memory-to-memory copy reported
        cover(sts_hs && f_nsts == 3'd0 && !c_src_s[0] && !c_dst_s[0] && sts_bytes != 20'd0
              && sts_error == DMA_ERR_NONE);
        // two full write bursts (aligned 16 bytes at MAX_BURST_LEN 2): the second ends
        cover(w_hs && m_axi_wlast && f_ncmd == 3'd1 && f_wbytes == 8'd12 && c_dst[0][1:0] == 2'd0
              && c_len[0] == 6'd16 && m_axi_wstrb == 4'hf);
        // the same, reported
        cover(sts_hs && f_nsts == 3'd0 && !c_src_s[0] && !c_dst_s[0] && sts_bytes == 20'd16
              && sts_error == DMA_ERR_NONE && c_dst[0][1:0] == 2'd0 && c_src[0][1:0] == 2'd0);
        cover(sts_hs && f_nsts == 3'd1 && !c_dst_s[1] && sts_bytes == 20'd16);
        cover(sts_hs && f_nsts == NC - 1);
        cover(w_hs && m_axi_wlast && m_axi_awaddr[11:0] == 12'hffc);
    end
`endif
endmodule
`default_nettype wire
