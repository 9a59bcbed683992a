/* SPDX-License-Identifier: Apache-2.0 */
/* In-memory formats of the RISC-V IOMMU specification v1.0 that the generated
 * dma_iommu_regs.h does not describe (it covers the register page only): device
 * context, first-stage Sv39 PTEs, commands and fault records. Private to the library. */
#ifndef OBDMA_IOMMU_SPEC_H
#define OBDMA_IOMMU_SPEC_H

/* ddtp.iommu_mode values */
#define RV_DDTP_MODE_OFF  0u
#define RV_DDTP_MODE_BARE 1u
#define RV_DDTP_MODE_1LVL 2u

/* base-format device context: 4 doublewords */
#define RV_DC_SIZE        32u
#define RV_DC_TC          0u
#define RV_DC_IOHGATP     8u
#define RV_DC_TA          16u
#define RV_DC_FSC         24u
#define RV_DC_TC_V        0x1u
#define RV_TA_PSCID_SHIFT 12
#define RV_TA_PSCID_MAX   0xFFFFFu
#define RV_ATP_MODE_SHIFT 60
#define RV_IOSATP_SV39    8u
#define RV_PPN_MASK       0x00000FFFFFFFFFFFull   /* 44 bits */

/* Sv39 */
#define RV_PTE_V 0x01u
#define RV_PTE_R 0x02u
#define RV_PTE_W 0x04u
#define RV_PTE_X 0x08u
#define RV_PTE_U 0x10u
#define RV_PTE_G 0x20u
#define RV_PTE_A 0x40u
#define RV_PTE_D 0x80u
#define RV_PTE_PPN_SHIFT 10
#define RV_SV39_VA_BITS  39

/* commands: 16 bytes; dword0 opcode [6:0], func3 [9:7] */
#define RV_CMD_SIZE           16u
#define RV_CMD_FUNC3_SHIFT    7
#define RV_OP_IOTINVAL        1u
#define RV_OP_IOFENCE         2u
#define RV_OP_IODIR           3u
#define RV_FUNC_IOTINVAL_VMA  0u
#define RV_FUNC_IOFENCE_C     0u
#define RV_FUNC_IODIR_INVAL_DDT 0u
#define RV_CMD_AV             (1ull << 10)     /* IOTINVAL / IOFENCE: address valid */
#define RV_CMD_PSCID_SHIFT    12               /* IOTINVAL: PSCID [31:12] */
#define RV_CMD_PSCV           (1ull << 32)
#define RV_CMD_IOFENCE_DATA_SHIFT 32           /* IOFENCE.C: DATA [63:32]; dword1 = ADDR >> 2 */
#define RV_CMD_DV             (1ull << 33)     /* IODIR: device ID valid, DID [63:40] */
#define RV_CMD_DID_SHIFT      40
#define RV_CMD_ADDR_SHIFT     10               /* IOTINVAL dword1: ADDR[63:12] at [53:10] */

/* fault record: 32 bytes */
#define RV_FQ_REC_SIZE   32u
#define RV_FQ_CAUSE_MASK 0xFFFu
#define RV_FQ_PID_SHIFT  12
#define RV_FQ_PID_MASK   0xFFFFFu
#define RV_FQ_PV_SHIFT   32
#define RV_FQ_PRIV_SHIFT 33
#define RV_FQ_TTYP_SHIFT 34
#define RV_FQ_TTYP_MASK  0x3Fu
#define RV_FQ_DID_SHIFT  40
#define RV_FQ_DID_MASK   0xFFFFFFu

#endif /* OBDMA_IOMMU_SPEC_H */
