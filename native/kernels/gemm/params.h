// Block sizes of the sgemm driver, one row per dispatch target (flame/blis keeps the same
// numbers in config/<arch>/bli_cntx_init_<arch>.c).
//
//   MR x NR  register tile of the micro-kernel (C stays in registers across the k loop)
//   KC       depth of a packed block: a KC x NR micro-panel of B stays in L1
//   MC       rows of the packed A block (MC x KC) kept in L2
//   NC       columns of the packed B block (KC x NC) kept in L3
//
// MC is a multiple of MR and NC a multiple of NR. Values for avx512 were tuned on Zen 5
// (32 KiB L1d, 1 MiB L2 per core); the others follow BLIS's haswell and armv8a configs.
//
// Data only (no inline functions), so the ISA-flagged micro-kernel files may include it.
#pragma once

#include "../../common/cpu.h"

namespace neurite {

struct GemmBlocking {
  int mr, nr, kc, mc, nc;
};

// Indexed by Isa: generic, avx2, avx512, neon.
constexpr GemmBlocking kGemmBlocking[kIsaCount] = {
    /* generic */ {4, 16, 256, 128, 2048},
    /* avx2    */ {6, 16, 256, 144, 4080},
    /* avx512  */ {14, 32, 256, 224, 4096},
    /* neon    */ {8, 12, 256, 128, 3072},
};

}  // namespace neurite
