// Which SIMD path the dispatched kernels take, chosen once when the addon loads.
//
// On x86-64 the CPU is asked with cpuid and the OS with xgetbv (it must save YMM state for
// AVX2 and ZMM/opmask state for AVX-512, or using them faults). On arm64, NEON is baseline
// and the default. Elsewhere only the portable path exists. NEURITE_ISA=generic|avx2|avx512|neon
// forces one (the addon refuses to load, with a message, if the CPU lacks it); set_active_isa()
// switches at run time for tests and A/B benchmarks. The choice is process-wide.
//
// This is a plain header: no templates, no inline code, so the ISA-flagged kernel files may
// include it without the linker ever picking their copy of shared code.
#pragma once

namespace neurite {

enum class Isa : int { generic = 0, avx2 = 1, avx512 = 2, neon = 3 };
constexpr int kIsaCount = 4;

// "generic", "avx2", "avx512", "neon".
const char* isa_name(Isa isa) noexcept;
// Parses a name as above; false if unknown.
bool isa_from_name(const char* name, Isa* out) noexcept;

// True if this build has kernels for `isa` and this CPU and OS can run them.
bool isa_supported(Isa isa) noexcept;
// The fastest supported ISA.
Isa best_isa() noexcept;

// The ISA the dispatched kernels use now (best_isa() until set).
Isa active_isa() noexcept;
// Switches the dispatched kernels; false (and no change) if `isa` is not supported.
bool set_active_isa(Isa isa) noexcept;

}  // namespace neurite
