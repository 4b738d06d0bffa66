// simd_loop(begin, end, body): runs body(i) for i in [begin, end) in a loop compiled for the
// widest vector ISA the CPU (and OS) supports, for the compute-bound elementwise kernels
// (exp, sigmoid, tanh and softmax, whose memory traffic is small next to their math).
//
// On x86-64 with GCC or Clang the same loop is also compiled with target("avx2") and
// target("avx512f") function attributes (no per-file flags, so binding.gyp and CMake need
// nothing), and each call takes the clone of the process-wide active ISA (native/common/cpu.h:
// cpuid plus the OS's saved register state, NEURITE_ISA, setIsa()), as GEMM does.
// Everywhere else it is the plain loop, which the compiler vectorizes for the baseline ISA.
//
// The clones compute the same IEEE operations in the same order and never fuse a multiply
// with an add (GCC fuses by default in C++ once FMA is available, which AVX2/AVX-512 code
// has): every ISA gives identical bits, as every thread count does. With GCC the loops carry
// optimize("fp-contract=off"); with Clang the pragma below turns contraction off for the rest
// of the including file.
#pragma once

#include <cstdint>

#include "../common/cpu.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define NEURITE_SIMD_CLONES 1
#else
#define NEURITE_SIMD_CLONES 0
#endif

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#define NEURITE_NO_CONTRACT
#elif defined(__GNUC__)
#define NEURITE_NO_CONTRACT __attribute__((optimize("fp-contract=off")))
#else
#define NEURITE_NO_CONTRACT
#endif

namespace neurite {

namespace detail {

template <typename Body>
NEURITE_NO_CONTRACT void loop_generic(int64_t begin, int64_t end, Body body) {
  for (int64_t i = begin; i < end; ++i) body(i);
}

#if NEURITE_SIMD_CLONES
template <typename Body>
__attribute__((target("avx2"))) NEURITE_NO_CONTRACT void loop_avx2(int64_t begin, int64_t end, Body body) {
  for (int64_t i = begin; i < end; ++i) body(i);
}

template <typename Body>
__attribute__((target("avx512f"))) NEURITE_NO_CONTRACT void loop_avx512(int64_t begin, int64_t end, Body body) {
  for (int64_t i = begin; i < end; ++i) body(i);
}
#endif

}  // namespace detail

// `body` should capture what it uses by value (pointers and scalars), so that after inlining
// nothing it reads can alias what it writes.
template <typename Body>
void simd_loop(int64_t begin, int64_t end, Body body) {
#if NEURITE_SIMD_CLONES
  switch (active_isa()) {
    case Isa::avx512: return detail::loop_avx512(begin, end, body);
    case Isa::avx2: return detail::loop_avx2(begin, end, body);
    default: break;
  }
#endif
  detail::loop_generic(begin, end, body);
}

}  // namespace neurite
