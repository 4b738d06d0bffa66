// Argument helpers shared by the recurrent cell bindings (rnn, lstm, gru, mgu).
#pragma once

#include <string>

#include "args.h"

namespace neurite {

// A mask argument: an empty Float32Array (every step real) or at least B values.
// Returns nullptr for the empty case.
inline const float* cell_mask(const Args& args, size_t i, int64_t B) {
  Napi::Float32Array mask = args.f32(i, "mask");
  const int64_t have = static_cast<int64_t>(mask.ElementLength());
  if (have == 0) return nullptr;
  if (have < B) {
    args.range_error("mask has " + std::to_string(have) +
                     " elements, needs 0 (no mask) or at least B (" + std::to_string(B) + ")");
  }
  return mask.Data();
}

// Reads B (argument 0) and H (argument 1): both >= 1 so the gate blocks are well formed.
struct CellDims {
  int64_t B, H;
};

inline CellDims cell_dims(const Args& args) {
  const int64_t B = args.dim(0, "B", 1);
  const int64_t H = args.dim(1, "H", 1);
  // Keep G * H * H (the largest operand, weight_hh) representable with room to spare.
  if (mul_sat(mul_sat(4, H), H) > (int64_t{1} << 40) || mul_sat(mul_sat(4, H), B) > (int64_t{1} << 40)) {
    args.range_error("B=" + std::to_string(B) + ", H=" + std::to_string(H) + " is too large");
  }
  return {B, H};
}

inline std::string bh_text(const CellDims& d, int64_t G) {
  return "B=" + std::to_string(d.B) + ", H=" + std::to_string(d.H) + ", " + std::to_string(G) +
         " gates";
}

// T (argument 0), B and H (1, 2) of a sequence kernel, with the same limits as cell_dims.
struct SeqDims {
  int64_t T;
  CellDims d;
  // Floats of a state sequence of T + 1 slots of (B, H) (h, c and their gradients).
  int64_t slots() const { return mul_sat(T + 1, mul_sat(d.B, d.H)); }
};

// "T=.., B=.., H=.., G gates": what a sequence buffer's length was worked out from.
inline std::string seq_text(const SeqDims& s, int64_t G) {
  return "T=" + std::to_string(s.T) + ", " + bh_text(s.d, G);
}

inline SeqDims seq_dims(const Args& args) {
  const int64_t T = args.dim(0, "T", 0);
  const int64_t B = args.dim(1, "B", 1);
  const int64_t H = args.dim(2, "H", 1);
  if (mul_sat(mul_sat(4, H), H) > (int64_t{1} << 40) ||
      mul_sat(mul_sat(mul_sat(4, H), B), T + 1) > (int64_t{1} << 40)) {
    args.range_error("T=" + std::to_string(T) + ", B=" + std::to_string(B) + ", H=" +
                     std::to_string(H) + " is too large");
  }
  return {T, {B, H}};
}

// A sequence mask: an empty Float32Array (every step real) or at least T * B values.
inline const float* seq_mask(const Args& args, size_t i, int64_t T, int64_t B) {
  Napi::Float32Array mask = args.f32(i, "mask");
  const int64_t have = static_cast<int64_t>(mask.ElementLength());
  if (have == 0) return nullptr;
  if (have < T * B) {
    args.range_error("mask has " + std::to_string(have) +
                     " elements, needs 0 (no mask) or at least T*B (" + std::to_string(T * B) + ")");
  }
  return mask.Data();
}

}  // namespace neurite
