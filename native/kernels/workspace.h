// Scratch memory for kernels that need temporary matrices (im2col columns, transposed
// gradients, gathered patches). Each thread owns a few grow-only slots that live as long as
// the thread, so a training loop that repeats the same shapes allocates them once; touching
// fresh pages is slow on the machines neurite targets. Never freed before thread exit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace neurite {

// Slot `slot` (0..3) of the calling thread's scratch, at least n floats, contents unspecified.
inline float* workspace(int slot, int64_t n) {
  thread_local std::vector<float> slots[4];
  std::vector<float>& buffer = slots[slot];
  if (static_cast<int64_t>(buffer.size()) < n) {
    buffer.clear();
    buffer.shrink_to_fit();
    buffer.resize(static_cast<size_t>(n));
  }
  return buffer.data();
}

// As workspace(), aligned to 64 bytes (packed GEMM panels).
inline float* aligned_workspace(int slot, int64_t n) {
  const auto raw = reinterpret_cast<uintptr_t>(workspace(slot, n + 16));
  return reinterpret_cast<float*>((raw + 63) & ~static_cast<uintptr_t>(63));
}

}  // namespace neurite
