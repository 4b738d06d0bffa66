// See cpu.h. Feature bits: Intel SDM vol. 2A, CPUID leaf 1 (ECX: FMA 12, OSXSAVE 27, AVX 28)
// and leaf 7 sub-leaf 0 (EBX: AVX2 5, AVX512F 16); XCR0 bits 1-2 (SSE, AVX state) and 5-7
// (opmask, ZMM0-15 upper halves, ZMM16-31).
#include "cpu.h"

#include <atomic>
#include <cstdint>
#include <cstring>

#if defined(__x86_64__) || defined(_M_X64)
#define NEURITE_X64 1
#if defined(_MSC_VER)
#include <immintrin.h>
#include <intrin.h>
#else
#include <cpuid.h>
#endif
#elif defined(__aarch64__) || defined(_M_ARM64)
#define NEURITE_ARM64 1
#endif

namespace neurite {
namespace {

#if NEURITE_X64
void cpuid(uint32_t leaf, uint32_t sub, uint32_t regs[4]) {
#if defined(_MSC_VER)
  int r[4];
  __cpuidex(r, static_cast<int>(leaf), static_cast<int>(sub));
  for (int i = 0; i < 4; ++i) regs[i] = static_cast<uint32_t>(r[i]);
#else
  __cpuid_count(leaf, sub, regs[0], regs[1], regs[2], regs[3]);
#endif
}

// XCR0: which register state the OS saves on context switches. Only call if OSXSAVE is set.
uint64_t xcr0() {
#if defined(_MSC_VER)
  return _xgetbv(0);
#else
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (static_cast<uint64_t>(hi) << 32) | lo;
#endif
}

struct X86Features {
  bool avx2_fma = false;
  bool avx512f = false;
};

X86Features detect_x86() {
  X86Features f;
  uint32_t r[4];
  cpuid(0, 0, r);
  const uint32_t max_leaf = r[0];
  if (max_leaf < 7) return f;
  cpuid(1, 0, r);
  const bool fma = (r[2] >> 12) & 1, osxsave = (r[2] >> 27) & 1, avx = (r[2] >> 28) & 1;
  if (!osxsave || !avx || !fma) return f;
  const uint64_t xcr = xcr0();
  const bool ymm_saved = (xcr & 0x6) == 0x6;
  const bool zmm_saved = ymm_saved && (xcr & 0xE0) == 0xE0;
  cpuid(7, 0, r);
  const bool avx2 = (r[1] >> 5) & 1, avx512f = (r[1] >> 16) & 1;
  f.avx2_fma = ymm_saved && avx2;
  f.avx512f = zmm_saved && avx512f && f.avx2_fma;
  return f;
}
#endif

struct Support {
  bool isa[kIsaCount] = {};
};

Support detect() {
  Support s;
  s.isa[static_cast<int>(Isa::generic)] = true;
#if NEURITE_X64
  const X86Features f = detect_x86();
  s.isa[static_cast<int>(Isa::avx2)] = f.avx2_fma;
  s.isa[static_cast<int>(Isa::avx512)] = f.avx512f;
#elif NEURITE_ARM64
  s.isa[static_cast<int>(Isa::neon)] = true;
#endif
  return s;
}

const Support& support() {
  static const Support s = detect();
  return s;
}

std::atomic<int> g_active{-1};

}  // namespace

const char* isa_name(Isa isa) noexcept {
  switch (isa) {
    case Isa::generic: return "generic";
    case Isa::avx2: return "avx2";
    case Isa::avx512: return "avx512";
    case Isa::neon: return "neon";
  }
  return "unknown";
}

bool isa_from_name(const char* name, Isa* out) noexcept {
  for (int i = 0; i < kIsaCount; ++i) {
    if (std::strcmp(name, isa_name(static_cast<Isa>(i))) == 0) {
      *out = static_cast<Isa>(i);
      return true;
    }
  }
  return false;
}

bool isa_supported(Isa isa) noexcept {
  const int i = static_cast<int>(isa);
  return i >= 0 && i < kIsaCount && support().isa[i];
}

Isa best_isa() noexcept {
  for (Isa isa : {Isa::avx512, Isa::avx2, Isa::neon}) {
    if (isa_supported(isa)) return isa;
  }
  return Isa::generic;
}

Isa active_isa() noexcept {
  int a = g_active.load(std::memory_order_relaxed);
  if (a < 0) {
    int expected = -1;
    g_active.compare_exchange_strong(expected, static_cast<int>(best_isa()));
    a = g_active.load(std::memory_order_relaxed);
  }
  return static_cast<Isa>(a);
}

bool set_active_isa(Isa isa) noexcept {
  if (!isa_supported(isa)) return false;
  g_active.store(static_cast<int>(isa), std::memory_order_relaxed);
  return true;
}

}  // namespace neurite
