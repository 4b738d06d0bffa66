// Block sizes of the sgemm driver, one row per dispatch target (flame/blis keeps the same
// numbers in config/<arch>/bli_cntx_init_<arch>.c).
//
//   MR x NR  register tile of the micro-kernel (C stays in registers across the k loop)
//   KC       depth of a packed block (the micro-kernel's k loop)
//   MC       rows of the packed A block (MC x KC) kept in L2
//   NC       columns of the packed B block (KC x NC) kept in L3
//
// MC is a multiple of MR and NC a multiple of NR. The x86 rows were measured on the development
// machine (AMD EPYC family 19h: 32 KiB L1d, 1 MiB L2 per core, 32 MiB L3), single thread, by
// CPU time: KC = 512 beat 256 by 4-6% at M=N=K 1024 and 2048 (C is read and written half as
// often; the KC x NR panel of B then lives in L2, which still feeds the FMAs), and NC = 2048
// keeps each thread's packed B at 4 MiB of L3. neon follows BLIS's armv8a configuration.
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
    /* avx2    */ {6, 16, 512, 144, 2048},
    /* avx512  */ {14, 32, 512, 112, 2048},
    /* neon    */ {8, 12, 256, 128, 3072},
};

}  // namespace neurite
