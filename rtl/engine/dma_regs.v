// SPDX-License-Identifier: Apache-2.0
// DMA engine register block: an AXI4-Lite slave implementing the register map of
// docs/registers.md (generated, with rtl/include/dma_regs_defs.vh, from regmap/dma_regmap.py).
//
// AXI4-Lite: AW and W are taken independently (in any order or together) into
// one-entry holding registers; the write is performed once both are held and no
// B response is pending. One read is taken at a time: AR is held one cycle, the
// register is sampled, and R is returned. Every VALID/READY output comes from a
// flop. Address bits [1:0] are ignored. Unmapped addresses answer SLVERR (writes
// to them have no effect); writes to RO registers are ignored and answer OKAY.
// (The same handshakes as dma_axil_slave, kept here: behind that module this block
// mapped to about 1000 more LUT4 on ECP5 with the yowasp Yosys 0.70 flow.)
//
// Front-end interface: per-channel vectors are flattened, channel c in [c*W +: W].
// ch_reset, ch_doorbell and ch_cur_desc_wr are one-cycle pulses; the ch_irq_*_set
// inputs are one-cycle pulses setting IRQ_STATUS bits (a set wins over a W1C clear in
// the same cycle, not over a channel reset).
// irq[c] = registered |(IRQ_STATUS & {IE_IDLE, IE_ERR, IE_DONE}) in wire mode (CTRL.MSI = 0),
// 0 in message mode; irq_global = GCTRL.GIE & (|irq | |MSI_ERR).
// MSI: the vector table (NUM_CHANNELS + 1 entries) is stored here and goes to dma_msi
// with one event pulse per vector: channel c's in message mode when it sets an enabled
// IRQ_STATUS bit, the error vector's from dma_msi itself. MSI_PBA is read from dma_msi;
// MSI_ERR is a W1C register here, set by dma_msi's msi_err_set pulses.
`default_nettype none
module dma_regs #(
    parameter NUM_CHANNELS    = 4,    // 1..8
    parameter DATA_WIDTH      = 64,   // reported in CAP0 (as bytes per beat)
    parameter ADDR_WIDTH      = 64,   // reported in CAP0
    parameter LEN_WIDTH       = 32,   // reported in CAP0
    parameter MAX_BURST_LEN   = 256,  // reported in CAP1
    parameter CMD_DEPTH       = 4,    // reported in CAP1
    parameter IOMMU_PRESENT   = 0,    // reported in CAP1
    parameter AXIL_ADDR_WIDTH = 13    // at least 12
) (
    input  wire                       clk,
    input  wire                       rst,

    // AXI4-Lite slave
    input  wire [AXIL_ADDR_WIDTH-1:0] s_axil_awaddr,
    input  wire [2:0]                 s_axil_awprot,
    input  wire                       s_axil_awvalid,
    output wire                       s_axil_awready,
    input  wire [31:0]                s_axil_wdata,
    input  wire [3:0]                 s_axil_wstrb,
    input  wire                       s_axil_wvalid,
    output wire                       s_axil_wready,
    output wire [1:0]                 s_axil_bresp,
    output wire                       s_axil_bvalid,
    input  wire                       s_axil_bready,
    input  wire [AXIL_ADDR_WIDTH-1:0] s_axil_araddr,
    input  wire [2:0]                 s_axil_arprot,
    input  wire                       s_axil_arvalid,
    output wire                       s_axil_arready,
    output wire [31:0]                s_axil_rdata,
    output wire [1:0]                 s_axil_rresp,
    output wire                       s_axil_rvalid,
    input  wire                       s_axil_rready,

    // to the front end
    output wire [NUM_CHANNELS-1:0]    ch_run,
    output wire [NUM_CHANNELS-1:0]    ch_reset,
    output wire [NUM_CHANNELS-1:0]    ch_doorbell,
    output wire [NUM_CHANNELS-1:0]    ch_cur_desc_wr,
    output wire [NUM_CHANNELS*64-1:0] ch_cur_desc_wdata,
    output wire [NUM_CHANNELS*8-1:0]  ch_coal_count,
    output wire [NUM_CHANNELS*32-1:0] ch_coal_timeout,
    // GCTRL.BME (bus-master enable) and GSTATUS.QUIESCENT
    output wire                       bus_enable,
    input  wire                       quiescent,

    // MSI vector table (vector v in [v*W +: W]) and per-vector events, to dma_msi
    output wire [(NUM_CHANNELS+1)*64-1:0] vec_addr,
    output wire [(NUM_CHANNELS+1)*32-1:0] vec_data,
    output wire [NUM_CHANNELS:0]        vec_mask,
    output wire [NUM_CHANNELS:0]        msi_event,      // channel events (the error vector's bit is 0)
    input  wire [NUM_CHANNELS:0]        msi_pending,    // MSI_PBA
    input  wire [NUM_CHANNELS:0]        msi_err_set,    // pulses setting MSI_ERR bits

    // from the front end
    input  wire [NUM_CHANNELS*2-1:0]  ch_state,
    input  wire [NUM_CHANNELS-1:0]    ch_waiting,
    input  wire [NUM_CHANNELS*4-1:0]  ch_err_code,
    input  wire [NUM_CHANNELS*64-1:0] ch_err_desc,
    input  wire [NUM_CHANNELS*64-1:0] ch_cur_desc,
    input  wire [NUM_CHANNELS*32-1:0] ch_completed,
    input  wire [NUM_CHANNELS-1:0]    ch_irq_done_set,
    input  wire [NUM_CHANNELS-1:0]    ch_irq_err_set,
    input  wire [NUM_CHANNELS-1:0]    ch_irq_idle_set,

    // interrupts
    output wire [NUM_CHANNELS-1:0]    irq,
    output wire                       irq_global
);

`include "dma_regs_defs.vh"

    localparam NUM_VEC = NUM_CHANNELS + 1;   // MSI vectors: one per channel, then the error vector

    localparam [1:0] RESP_OKAY   = 2'b00;
    localparam [1:0] RESP_SLVERR = 2'b10;

    // capability values, truncated to their fields
    localparam [31:0] P_NCH   = NUM_CHANNELS;
    localparam [31:0] P_BEAT  = DATA_WIDTH / 8;
    localparam [31:0] P_AW    = ADDR_WIDTH;
    localparam [31:0] P_LW    = LEN_WIDTH;
    localparam [31:0] P_MBL   = MAX_BURST_LEN;
    localparam [31:0] P_DEPTH = CMD_DEPTH;
    localparam [31:0] P_IOMMU = IOMMU_PRESENT;
    localparam [31:0] CAP0_VALUE = {P_LW[7:0], P_AW[7:0], P_BEAT[7:0], P_NCH[7:0]};
    localparam [31:0] P_NVEC  = NUM_VEC;
    localparam [31:0] CAP1_VALUE = {3'd0, P_NVEC[3:0], P_IOMMU[0], P_DEPTH[7:0], P_MBL[15:0]};

    // AXI4-Lite protection bits are not used
    wire unused_prot = ^{s_axil_awprot, s_axil_arprot};

    // ------------------------------------------------------------------ write side
    reg                       aw_full;
    reg [AXIL_ADDR_WIDTH-1:0] aw_addr;
    reg                       w_full;
    reg [31:0]                w_data;
    reg [3:0]                 w_strb;
    reg                       b_valid;
    reg [1:0]                 b_resp;

    assign s_axil_awready = !aw_full;
    assign s_axil_wready  = !w_full;
    assign s_axil_bvalid  = b_valid;
    assign s_axil_bresp   = b_resp;

    // the write happens in the cycle both halves are held and no response is pending
    wire wr_go = aw_full && w_full && !b_valid;

    // byte-strobe merge of the held write data into a 32-bit register value
    wire [31:0] w_bmask = {{8{w_strb[3]}}, {8{w_strb[2]}}, {8{w_strb[1]}}, {8{w_strb[0]}}};

    // ------------------------------------------------------------------ address decode
    // Offsets within the page, word aligned; page0 when the address is below 0x1000.
    wire [11:0] wr_off = {aw_addr[11:2], 2'b00};
    wire        wr_page0;
    wire [11:0] rd_off;
    wire        rd_page0;

    reg                       ar_full;
    reg [AXIL_ADDR_WIDTH-1:0] ar_addr;
    reg                       r_valid;
    reg [31:0]                r_data;
    reg [1:0]                 r_resp;

    assign rd_off = {ar_addr[11:2], 2'b00};

    generate
        if (AXIL_ADDR_WIDTH > 12) begin : g_page
            assign wr_page0 = ~|aw_addr[AXIL_ADDR_WIDTH-1:12];
            assign rd_page0 = ~|ar_addr[AXIL_ADDR_WIDTH-1:12];
        end else begin : g_nopage
            assign wr_page0 = 1'b1;
            assign rd_page0 = 1'b1;
        end
    endgenerate

    wire unused_addr_lsb = ^{aw_addr[1:0], ar_addr[1:0]};

    // global registers
    wire wr_gctrl = wr_page0 && (wr_off == DMA_REG_GCTRL);
    wire wr_msierr = wr_page0 && (wr_off == DMA_REG_MSI_ERR);
    // which offsets name a register: generated from the map (dma_regs_defs.vh)
    wire wr_glob_hit = wr_page0 && dma_glob_reg_hit(wr_off);
    wire rd_glob_hit = rd_page0 && dma_glob_reg_hit(rd_off);

    // per-channel: does the offset within the channel block name a register?
    wire [11:0] wr_choff = {6'd0, wr_off[5:0]};
    wire [11:0] rd_choff = {6'd0, rd_off[5:0]};
    wire wr_chreg_ok = dma_ch_reg_hit(wr_choff);
    wire rd_chreg_ok = dma_ch_reg_hit(rd_choff);

    // channel block selects: wr_ch_sel[c] when the address is in channel c's block
    wire [NUM_CHANNELS-1:0] wr_ch_sel;
    wire [NUM_CHANNELS-1:0] rd_ch_sel;
    wire [NUM_CHANNELS*32-1:0] ch_rword;     // channel c's read word (0 unless selected)
    wire [NUM_CHANNELS-1:0]    irq_q;        // registered per-channel irq lines
    wire [NUM_CHANNELS-1:0]    busy;

    // per-vector: the same for the MSI vector table
    wire [11:0] wr_vecoff = {8'd0, wr_off[3:0]};
    wire [11:0] rd_vecoff = {8'd0, rd_off[3:0]};
    wire wr_vecreg_ok = dma_vec_reg_hit(wr_vecoff);
    wire rd_vecreg_ok = dma_vec_reg_hit(rd_vecoff);
    wire [NUM_VEC-1:0]    wr_vec_sel;
    wire [NUM_VEC-1:0]    rd_vec_sel;
    wire [NUM_VEC*32-1:0] vec_rword;          // vector v's read word (0 unless selected)

    wire wr_hit = wr_glob_hit || (wr_chreg_ok && |wr_ch_sel) || (wr_vecreg_ok && |wr_vec_sel);
    wire rd_hit = rd_glob_hit || (rd_chreg_ok && |rd_ch_sel) || (rd_vecreg_ok && |rd_vec_sel);

    // ------------------------------------------------------------------ global registers
    reg gie, bme;
    always @(posedge clk) begin
        if (rst) begin
            gie <= 1'b0;
            bme <= 1'b0;
        end else if (wr_go && wr_gctrl && w_strb[0]) begin
            gie <= w_data[DMA_GCTRL_GIE_SHIFT];
            bme <= w_data[DMA_GCTRL_BME_SHIFT];
        end
    end
    assign bus_enable = bme;

    // GSTATUS: one bit per channel, absent channels read 0
    wire [7:0] gs_busy;
    wire [7:0] gs_irq;
    genvar gi;
    generate
        for (gi = 0; gi < 8; gi = gi + 1) begin : g_gs
            if (gi < NUM_CHANNELS) begin : g_present
                assign gs_busy[gi] = busy[gi];
                assign gs_irq[gi]  = irq_q[gi];
            end else begin : g_absent
                assign gs_busy[gi] = 1'b0;
                assign gs_irq[gi]  = 1'b0;
            end
        end
    endgenerate
    wire [31:0] gstatus_word = {7'd0, quiescent, gs_irq, 8'd0, gs_busy};

    // MSI_ERR (W1C; a set wins over a clear in the same cycle) and MSI_PBA
    reg  [NUM_VEC-1:0] msi_err;
    wire [NUM_VEC-1:0] msi_err_clr = (wr_go && wr_msierr) ? (w_data[NUM_VEC-1:0] & w_bmask[NUM_VEC-1:0])
                                                           : {NUM_VEC{1'b0}};
    always @(posedge clk) begin
        if (rst)
            msi_err <= {NUM_VEC{1'b0}};
        else
            msi_err <= (msi_err & ~msi_err_clr) | msi_err_set;
    end
    wire [31:0] msi_err_word = {{(32-NUM_VEC){1'b0}}, msi_err};
    wire [31:0] msi_pba_word = {{(32-NUM_VEC){1'b0}}, msi_pending};

    reg [31:0] glob_rword;
    always @(*) begin
        glob_rword = 32'd0;
        if (rd_page0) begin
            case (rd_off)
                DMA_REG_ID:      glob_rword = DMA_ID_VALUE;
                DMA_REG_VERSION: glob_rword = DMA_VERSION_VALUE;
                DMA_REG_CAP0:    glob_rword = CAP0_VALUE;
                DMA_REG_CAP1:    glob_rword = CAP1_VALUE;
                DMA_REG_GCTRL:   glob_rword = {30'd0, bme, gie};
                DMA_REG_GSTATUS: glob_rword = gstatus_word;
                DMA_REG_MSI_PBA: glob_rword = msi_pba_word;
                DMA_REG_MSI_ERR: glob_rword = msi_err_word;
                default:         glob_rword = 32'd0;
            endcase
        end
    end

    // ------------------------------------------------------------------ channels
    genvar c;
    generate
        for (c = 0; c < NUM_CHANNELS; c = c + 1) begin : g_ch
            localparam [5:0] BLOCK = 6'd4 + c;     // offset[11:6] of this channel's block

            assign wr_ch_sel[c] = wr_page0 && (wr_off[11:6] == BLOCK);
            assign rd_ch_sel[c] = rd_page0 && (rd_off[11:6] == BLOCK);

            wire wr_this = wr_go && wr_ch_sel[c];
            wire w_ctrl  = wr_this && (wr_choff == DMA_CH_CTRL);
            wire w_coal  = wr_this && (wr_choff == DMA_CH_COAL_TIMEOUT);
            wire w_cdlo  = wr_this && (wr_choff == DMA_CH_CUR_DESC_LO);
            wire w_cdhi  = wr_this && (wr_choff == DMA_CH_CUR_DESC_HI);
            wire w_db    = wr_this && (wr_choff == DMA_CH_DOORBELL);
            wire w_irqs  = wr_this && (wr_choff == DMA_CH_IRQ_STATUS);
            wire w_reset = w_ctrl && w_strb[0] && w_data[DMA_CH_CTRL_RESET_SHIFT];

            // stored CTRL bits (RESET is a pulse, not stored)
            reg [31:0] ctrl;
            reg [31:0] coal_timeout;
            reg [31:0] cd_lo;
            reg [31:0] cd_hi;
            reg [2:0]  irq_status;      // {IDLE, ERR, DONE}
            reg        reset_p;
            reg        db_p;
            reg        cd_wr_p;
            reg        irq_r;
            reg        msi_ev_r;

            localparam [31:0] CTRL_STORED = DMA_CH_CTRL_RUN_MASK | DMA_CH_CTRL_IE_DONE_MASK |
                                            DMA_CH_CTRL_IE_ERR_MASK | DMA_CH_CTRL_IE_IDLE_MASK |
                                            DMA_CH_CTRL_MSI_MASK | DMA_CH_CTRL_COAL_COUNT_MASK;

            wire [2:0] irq_set = {ch_irq_idle_set[c], ch_irq_err_set[c], ch_irq_done_set[c]};
            wire [2:0] irq_clr = (w_irqs && w_strb[0]) ? {w_data[DMA_CH_IRQ_STATUS_IDLE_SHIFT],
                                                         w_data[DMA_CH_IRQ_STATUS_ERR_SHIFT],
                                                         w_data[DMA_CH_IRQ_STATUS_DONE_SHIFT]}
                                                       : 3'b000;
            wire [2:0] ie = {ctrl[DMA_CH_CTRL_IE_IDLE_SHIFT], ctrl[DMA_CH_CTRL_IE_ERR_SHIFT],
                             ctrl[DMA_CH_CTRL_IE_DONE_SHIFT]};

            always @(posedge clk) begin
                if (rst) begin
                    ctrl         <= 32'd0;
                    coal_timeout <= 32'd0;
                    cd_lo        <= 32'd0;
                    cd_hi        <= 32'd0;
                    irq_status   <= 3'b000;
                    reset_p      <= 1'b0;
                    db_p         <= 1'b0;
                    cd_wr_p      <= 1'b0;
                    irq_r        <= 1'b0;
                    msi_ev_r     <= 1'b0;
                end else begin
                    if (w_ctrl)
                        ctrl <= ((ctrl & ~w_bmask) | (w_data & w_bmask)) & CTRL_STORED;
                    if (w_coal)
                        coal_timeout <= (coal_timeout & ~w_bmask) | (w_data & w_bmask);
                    if (w_cdlo)
                        cd_lo <= (cd_lo & ~w_bmask) | (w_data & w_bmask);
                    if (w_cdhi)
                        cd_hi <= (cd_hi & ~w_bmask) | (w_data & w_bmask);
                    // a channel reset clears IRQ_STATUS, even a set in the same cycle
                    // (the channel raises none from the reset pulse until it is IDLE)
                    if (w_reset)
                        irq_status <= 3'b000;
                    else
                        irq_status <= (irq_status & ~irq_clr) | irq_set;
                    reset_p <= w_reset;
                    db_p    <= w_db;
                    cd_wr_p <= w_cdlo || w_cdhi;
                    // wire mode: the level; message mode: an event per enabled set
                    irq_r    <= !ctrl[DMA_CH_CTRL_MSI_SHIFT] && |(irq_status & ie);
                    msi_ev_r <= ctrl[DMA_CH_CTRL_MSI_SHIFT] && |(irq_set & ie) && !w_reset;
                end
            end

            assign ch_run[c]                   = ctrl[DMA_CH_CTRL_RUN_SHIFT];
            assign ch_reset[c]                 = reset_p;
            assign ch_doorbell[c]              = db_p;
            assign ch_cur_desc_wr[c]           = cd_wr_p;
            assign ch_cur_desc_wdata[c*64 +: 64] = {cd_hi, cd_lo};
            assign ch_coal_count[c*8 +: 8]     = ctrl[DMA_CH_CTRL_COAL_COUNT_SHIFT +: 8];
            assign ch_coal_timeout[c*32 +: 32] = coal_timeout;
            assign irq_q[c]                    = irq_r;
            assign msi_event[c]                = msi_ev_r;
            assign busy[c]                     = ch_state[c*2];  // RUNNING (1) or STOPPING (3)

            wire [31:0] status_word = {20'd0, ch_err_code[c*4 +: 4], 5'd0, ch_waiting[c],
                                       ch_state[c*2 +: 2]};
            reg [31:0] rword;
            always @(*) begin
                rword = 32'd0;
                if (rd_ch_sel[c]) begin
                    case (rd_choff)
                        DMA_CH_CTRL:         rword = ctrl;
                        DMA_CH_COAL_TIMEOUT: rword = coal_timeout;
                        DMA_CH_STATUS:       rword = status_word;
                        DMA_CH_CUR_DESC_LO:  rword = ch_cur_desc[c*64 +: 32];
                        DMA_CH_CUR_DESC_HI:  rword = ch_cur_desc[c*64+32 +: 32];
                        DMA_CH_ERR_DESC_LO:  rword = ch_err_desc[c*64 +: 32];
                        DMA_CH_ERR_DESC_HI:  rword = ch_err_desc[c*64+32 +: 32];
                        DMA_CH_COMPLETED:    rword = ch_completed[c*32 +: 32];
                        DMA_CH_IRQ_STATUS:   rword = {29'd0, irq_status};
                        default:             rword = 32'd0;  // DOORBELL (WO) and gaps
                    endcase
                end
            end
            assign ch_rword[c*32 +: 32] = rword;
        end
    endgenerate


    assign msi_event[NUM_VEC-1] = 1'b0;    // the error vector's events come from dma_msi

    // ------------------------------------------------------------------ MSI vector table
    genvar v;
    generate
        for (v = 0; v < NUM_VEC; v = v + 1) begin : g_vec
            localparam [7:0] VBLOCK = DMA_VEC0_BASE[11:4] + v;   // offset[11:4] of this vector

            assign wr_vec_sel[v] = wr_page0 && (wr_off[11:4] == VBLOCK);
            assign rd_vec_sel[v] = rd_page0 && (rd_off[11:4] == VBLOCK);

            wire wr_this = wr_go && wr_vec_sel[v];
            reg [31:0] a_lo, a_hi, d;
            reg        mask;
            always @(posedge clk) begin
                if (rst) begin
                    a_lo <= 32'd0;
                    a_hi <= 32'd0;
                    d    <= 32'd0;
                    mask <= 1'b1;
                end else if (wr_this) begin
                    if (wr_vecoff == DMA_VEC_ADDR_LO)
                        a_lo <= ((a_lo & ~w_bmask) | (w_data & w_bmask)) & DMA_VEC_ADDR_LO_ADDR_MASK;
                    if (wr_vecoff == DMA_VEC_ADDR_HI)
                        a_hi <= (a_hi & ~w_bmask) | (w_data & w_bmask);
                    if (wr_vecoff == DMA_VEC_DATA)
                        d <= (d & ~w_bmask) | (w_data & w_bmask);
                    if (wr_vecoff == DMA_VEC_CTRL && w_strb[0])
                        mask <= w_data[DMA_VEC_CTRL_MASK_SHIFT];
                end
            end
            assign vec_addr[v*64 +: 64] = {a_hi, a_lo};
            assign vec_data[v*32 +: 32] = d;
            assign vec_mask[v]          = mask;

            reg [31:0] rword;
            always @(*) begin
                rword = 32'd0;
                if (rd_vec_sel[v]) begin
                    case (rd_vecoff)
                        DMA_VEC_ADDR_LO: rword = a_lo;
                        DMA_VEC_ADDR_HI: rword = a_hi;
                        DMA_VEC_DATA:    rword = d;
                        DMA_VEC_CTRL:    rword = {31'd0, mask};
                        default:         rword = 32'd0;
                    endcase
                end
            end
            assign vec_rword[v*32 +: 32] = rword;
        end
    endgenerate

    assign irq        = irq_q;
    assign irq_global = gie && (|irq_q || |msi_err);

    // ------------------------------------------------------------------ write handshakes
    always @(posedge clk) begin
        if (rst) begin
            aw_full <= 1'b0;
            aw_addr <= {AXIL_ADDR_WIDTH{1'b0}};
            w_full  <= 1'b0;
            w_data  <= 32'd0;
            w_strb  <= 4'd0;
            b_valid <= 1'b0;
            b_resp  <= RESP_OKAY;
        end else begin
            if (s_axil_awvalid && !aw_full) begin
                aw_full <= 1'b1;
                aw_addr <= s_axil_awaddr;
            end
            if (s_axil_wvalid && !w_full) begin
                w_full <= 1'b1;
                w_data <= s_axil_wdata;
                w_strb <= s_axil_wstrb;
            end
            if (wr_go) begin
                aw_full <= 1'b0;
                w_full  <= 1'b0;
                b_valid <= 1'b1;
                b_resp  <= wr_hit ? RESP_OKAY : RESP_SLVERR;
            end else if (b_valid && s_axil_bready) begin
                b_valid <= 1'b0;
            end
        end
    end

    // ------------------------------------------------------------------ read handshakes
    // reads take two register stages: the selected word of each channel (and
    // of the global registers) first, then their OR (the read multiplexer
    // split in two for Fmax)
    reg                          rd2_full, rd2_hit;
    reg [31:0]                   rd2_glob;
    reg [NUM_CHANNELS*32-1:0]    rd2_ch;
    reg [31:0]                   rd2_vec;     // the vectors' words, already ORed
    reg [31:0]                   rd2_chor;
    reg [31:0]                   vec_or;
    integer k2;
    always @(*) begin
        rd2_chor = 32'd0;
        for (k2 = 0; k2 < NUM_CHANNELS; k2 = k2 + 1)
            rd2_chor = rd2_chor | rd2_ch[k2*32 +: 32];
        vec_or = 32'd0;
        for (k2 = 0; k2 < NUM_VEC; k2 = k2 + 1)
            vec_or = vec_or | vec_rword[k2*32 +: 32];
    end
    assign s_axil_arready = !ar_full && !rd2_full && !r_valid;
    assign s_axil_rvalid  = r_valid;
    assign s_axil_rdata   = r_data;
    assign s_axil_rresp   = r_resp;

    always @(posedge clk) begin
        if (rst) begin
            ar_full <= 1'b0;
            ar_addr <= {AXIL_ADDR_WIDTH{1'b0}};
            rd2_full <= 1'b0;
            rd2_hit  <= 1'b0;
            rd2_glob <= 32'd0;
            rd2_ch   <= {(NUM_CHANNELS*32){1'b0}};
            rd2_vec  <= 32'd0;
            r_valid <= 1'b0;
            r_data  <= 32'd0;
            r_resp  <= RESP_OKAY;
        end else begin
            if (s_axil_arvalid && s_axil_arready) begin
                ar_full <= 1'b1;
                ar_addr <= s_axil_araddr;
            end
            if (ar_full) begin
                ar_full  <= 1'b0;
                rd2_full <= 1'b1;
                rd2_hit  <= rd_hit;
                rd2_glob <= glob_rword;
                rd2_ch   <= ch_rword;
                rd2_vec  <= vec_or;
            end
            if (rd2_full) begin
                rd2_full <= 1'b0;
                r_valid  <= 1'b1;
                r_data   <= rd2_hit ? (rd2_glob | rd2_chor | rd2_vec) : 32'd0;
                r_resp   <= rd2_hit ? RESP_OKAY : RESP_SLVERR;
            end else if (r_valid && s_axil_rready) begin
                r_valid <= 1'b0;
            end
        end
    end

endmodule
`default_nettype wire
