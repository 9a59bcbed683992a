// SPDX-License-Identifier: Apache-2.0
// dma_regs (the engine's register block, with its dma_axil_slave): s_axil is a
// correct AXI4-Lite slave (fv_axil, slave side; the master assumed legal with at
// most 2 writes and 2 reads outstanding and READYs within 3 cycles) that answers
// every write and every read, at any address, within 6 cycles of being owed.
// Every input from the front end, the MSI unit and QUIESCENT is free.
`default_nettype none
module wrap_regs #(
    parameter NUM_CHANNELS = 2
) (
    input wire        clk,
    input wire        rst,
    input wire [12:0] s_axil_awaddr,
    input wire [2:0]  s_axil_awprot,
    input wire        s_axil_awvalid,
    input wire [31:0] s_axil_wdata,
    input wire [3:0]  s_axil_wstrb,
    input wire        s_axil_wvalid,
    input wire        s_axil_bready,
    input wire [12:0] s_axil_araddr,
    input wire [2:0]  s_axil_arprot,
    input wire        s_axil_arvalid,
    input wire        s_axil_rready,
    input wire                       quiescent,
    input wire [NUM_CHANNELS:0]      msi_pending,
    input wire [NUM_CHANNELS:0]      msi_err_set,
    input wire [NUM_CHANNELS*2-1:0]  ch_state,
    input wire [NUM_CHANNELS-1:0]    ch_waiting,
    input wire [NUM_CHANNELS*4-1:0]  ch_err_code,
    input wire [NUM_CHANNELS*64-1:0] ch_err_desc,
    input wire [NUM_CHANNELS*64-1:0] ch_cur_desc,
    input wire [NUM_CHANNELS*32-1:0] ch_completed,
    input wire [NUM_CHANNELS-1:0]    ch_irq_done_set,
    input wire [NUM_CHANNELS-1:0]    ch_irq_err_set,
    input wire [NUM_CHANNELS-1:0]    ch_irq_idle_set
);
    wire s_axil_awready, s_axil_wready, s_axil_bvalid, s_axil_arready, s_axil_rvalid;
    wire [1:0] s_axil_bresp, s_axil_rresp;
    wire [31:0] s_axil_rdata;
    wire [NUM_CHANNELS-1:0] ch_run, ch_reset, ch_doorbell, ch_cur_desc_wr, irq;
    wire [NUM_CHANNELS*64-1:0] ch_cur_desc_wdata;
    wire [NUM_CHANNELS*8-1:0]  ch_coal_count;
    wire [NUM_CHANNELS*32-1:0] ch_coal_timeout;
    wire bus_enable, irq_global;
    wire [(NUM_CHANNELS+1)*64-1:0] vec_addr;
    wire [(NUM_CHANNELS+1)*32-1:0] vec_data;
    wire [NUM_CHANNELS:0] vec_mask, msi_event;
    dma_regs #(.NUM_CHANNELS(NUM_CHANNELS), .AXIL_ADDR_WIDTH(13)) dut (
        .clk(clk), .rst(rst),
        .s_axil_awaddr(s_axil_awaddr), .s_axil_awprot(s_axil_awprot), .s_axil_awvalid(s_axil_awvalid),
        .s_axil_awready(s_axil_awready), .s_axil_wdata(s_axil_wdata), .s_axil_wstrb(s_axil_wstrb),
        .s_axil_wvalid(s_axil_wvalid), .s_axil_wready(s_axil_wready), .s_axil_bresp(s_axil_bresp),
        .s_axil_bvalid(s_axil_bvalid), .s_axil_bready(s_axil_bready), .s_axil_araddr(s_axil_araddr),
        .s_axil_arprot(s_axil_arprot), .s_axil_arvalid(s_axil_arvalid), .s_axil_arready(s_axil_arready),
        .s_axil_rdata(s_axil_rdata), .s_axil_rresp(s_axil_rresp), .s_axil_rvalid(s_axil_rvalid),
        .s_axil_rready(s_axil_rready),
        .ch_run(ch_run), .ch_reset(ch_reset), .ch_doorbell(ch_doorbell), .ch_cur_desc_wr(ch_cur_desc_wr),
        .ch_cur_desc_wdata(ch_cur_desc_wdata), .ch_coal_count(ch_coal_count),
        .ch_coal_timeout(ch_coal_timeout), .bus_enable(bus_enable), .quiescent(quiescent),
        .vec_addr(vec_addr), .vec_data(vec_data), .vec_mask(vec_mask), .msi_event(msi_event),
        .msi_pending(msi_pending), .msi_err_set(msi_err_set),
        .ch_state(ch_state), .ch_waiting(ch_waiting), .ch_err_code(ch_err_code), .ch_err_desc(ch_err_desc),
        .ch_cur_desc(ch_cur_desc), .ch_completed(ch_completed), .ch_irq_done_set(ch_irq_done_set),
        .ch_irq_err_set(ch_irq_err_set), .ch_irq_idle_set(ch_irq_idle_set),
        .irq(irq), .irq_global(irq_global));
`ifdef FORMAL
    reg f_past = 1'b0;
    always @(posedge clk) f_past <= 1'b1;
    always @* if (!f_past) assume(rst);
    always @* if (f_past) assume(!rst);
    wire [3:0] f_aw_out, f_w_out, f_ar_out;
    fv_axil #(.ADDR_WIDTH(13), .MASTER_IS_DUT(0), .MAX_OUT(2), .ENV_WAIT(3), .MAX_RESP(6)) p_axil (
        .clk(clk), .rst(rst),
        .awaddr(s_axil_awaddr), .awprot(s_axil_awprot), .awvalid(s_axil_awvalid), .awready(s_axil_awready),
        .wdata(s_axil_wdata), .wstrb(s_axil_wstrb), .wvalid(s_axil_wvalid), .wready(s_axil_wready),
        .bresp(s_axil_bresp), .bvalid(s_axil_bvalid), .bready(s_axil_bready),
        .araddr(s_axil_araddr), .arprot(s_axil_arprot), .arvalid(s_axil_arvalid), .arready(s_axil_arready),
        .rdata(s_axil_rdata), .rresp(s_axil_rresp), .rvalid(s_axil_rvalid), .rready(s_axil_rready),
        .f_aw_out(f_aw_out), .f_w_out(f_w_out), .f_ar_out(f_ar_out));
    always @* if (f_past && !rst) begin
        cover(s_axil_bvalid && s_axil_bready && f_aw_out == 4'd2);
        cover(s_axil_rvalid && s_axil_rready && s_axil_awready == 1'b0);
    end
`endif
endmodule
`default_nettype wire
