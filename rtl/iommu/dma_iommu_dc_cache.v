// SPDX-License-Identifier: Apache-2.0
// Device-context cache of the IOMMU translation unit (dma_iommu_xlate): one
// entry per device ID with what translation needs of a checked base-format
// device context (first stage Bare, tc.DTF, fsc.PPN, ta.PSCID).
//
// Write (wr): the walker's context, visible the next cycle. Two read ports,
// combinational from the entries: the request being selected (rd_did) and the
// walk's device (rd2_did: the PSCID an IOTLB fill is tagged with).
// IODIR.INVAL_DDT (inv): the entries of inv_did (inv_dv) or all are compared in
// the cycle of the command and cleared in the next one, after any write of
// that cycle (the invalidation wins).
`default_nettype none
module dma_iommu_dc_cache #(
    parameter USER_WIDTH = 4        // device ID width: 2^USER_WIDTH entries
) (
    input  wire                  clk,
    input  wire                  rst,
    input  wire                  wr,
    input  wire [USER_WIDTH-1:0] wr_did,
    input  wire                  wr_bare,    // first stage Bare: pass through
    input  wire                  wr_dtf,
    input  wire [43:0]           wr_ppn,
    input  wire [19:0]           wr_pscid,
    input  wire                  inv,
    input  wire                  inv_dv,
    input  wire [23:0]           inv_did,
    input  wire [USER_WIDTH-1:0] rd_did,
    output wire                  rd_v,
    output wire                  rd_bare,
    output wire                  rd_dtf,
    output wire [43:0]           rd_ppn,
    input  wire [USER_WIDTH-1:0] rd2_did,
    output wire [19:0]           rd2_pscid
);
    localparam NDEV = 1 << USER_WIDTH;

    reg             dc_v    [0:NDEV-1];
    reg             dc_bare [0:NDEV-1];
    reg             dc_dtf  [0:NDEV-1];
    reg  [43:0]     dc_ppn  [0:NDEV-1];
    reg  [19:0]     dc_pscid[0:NDEV-1];
    reg              inv_ddt_d;           // IODIR.INVAL_DDT: clear the contexts of ddt_kill
    reg  [NDEV-1:0]  ddt_kill;

    assign rd_v      = dc_v[rd_did];
    assign rd_bare   = dc_bare[rd_did];
    assign rd_dtf    = dc_dtf[rd_did];
    assign rd_ppn    = dc_ppn[rd_did];
    assign rd2_pscid = dc_pscid[rd2_did];

    integer d;
    always @(posedge clk) begin
        if (rst) begin
            inv_ddt_d <= 1'b0;
            ddt_kill  <= {NDEV{1'b0}};
            for (d = 0; d < NDEV; d = d + 1) begin
                dc_v[d] <= 1'b0; dc_bare[d] <= 1'b0; dc_dtf[d] <= 1'b0;
                dc_ppn[d] <= 44'd0; dc_pscid[d] <= 20'd0;
            end
        end else begin
            if (wr) begin
                dc_v[wr_did]     <= 1'b1;
                dc_bare[wr_did]  <= wr_bare;
                dc_dtf[wr_did]   <= wr_dtf;
                dc_ppn[wr_did]   <= wr_ppn;
                dc_pscid[wr_did] <= wr_pscid;
            end
            inv_ddt_d <= inv;
            for (d = 0; d < NDEV; d = d + 1) begin
                ddt_kill[d] <= !inv_dv || inv_did == d[23:0];
                if (inv_ddt_d && ddt_kill[d])
                    dc_v[d] <= 1'b0;
            end
        end
    end
endmodule
`default_nettype wire
