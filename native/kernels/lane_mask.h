// Lane masks of 16-float (AVX-512) vectors, as plain integers, for the masked loads and stores
// of partial vectors. No intrinsics here, so any file may include it whatever its ISA flags.
#pragma once

#include <algorithm>
#include <cstdint>

namespace neurite {

// Lanes [0, n) of a 16-lane vector, n clamped to 0..16.
inline uint32_t first_lanes16(int64_t n) {
  return (uint32_t{1} << std::clamp<int64_t>(n, 0, 16)) - 1;
}

// Lanes [lo, hi) of a 16-lane vector, both clamped to 0..16.
inline uint32_t lane_range16(int64_t lo, int64_t hi) {
  return first_lanes16(hi) & ~first_lanes16(lo);
}

}  // namespace neurite
