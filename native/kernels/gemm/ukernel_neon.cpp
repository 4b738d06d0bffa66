// sgemm micro-kernel for arm64 NEON: an 8 x 12 tile of C in 24 q registers (the shape of
// BLIS's armv8a sgemm kernel); see ukernel.h for the contract. Per step of k: two loads of A
// (8 rows), three loads of B (12 columns), 24 lane-indexed FMAs.
//
// NEON is baseline on armv8-a, so this file needs no extra flags; it is compiled only for
// arm64 (binding.gyp and CMakeLists.txt conditions). Includes nothing but ukernel.h and the
// intrinsics header; helpers have internal linkage.
#if defined(__aarch64__) || defined(_M_ARM64)

#include <arm_neon.h>

#include "ukernel.h"

namespace neurite {
namespace {

constexpr int kMR = 8, kNR = 12;

inline float32x4_t fma_lane(float32x4_t acc, float32x4_t b, float32x4_t a, int lane) {
  switch (lane) {
    case 0: return vfmaq_laneq_f32(acc, b, a, 0);
    case 1: return vfmaq_laneq_f32(acc, b, a, 1);
    case 2: return vfmaq_laneq_f32(acc, b, a, 2);
    default: return vfmaq_laneq_f32(acc, b, a, 3);
  }
}

}  // namespace

void sgemm_ukernel_neon_8x12(int64_t k, const float* a, const float* b, float* c, int64_t ldc,
                             int m, int n, float beta) {
  float32x4_t acc[kMR][3];
  for (int i = 0; i < kMR; ++i)
    for (int v = 0; v < 3; ++v) acc[i][v] = vdupq_n_f32(0.0f);

  for (int64_t p = 0; p < k; ++p) {
    const float32x4_t a0 = vld1q_f32(a), a1 = vld1q_f32(a + 4);
    const float32x4_t b0 = vld1q_f32(b), b1 = vld1q_f32(b + 4), b2 = vld1q_f32(b + 8);
    for (int i = 0; i < kMR; ++i) {
      const float32x4_t ai = i < 4 ? a0 : a1;
      acc[i][0] = fma_lane(acc[i][0], b0, ai, i & 3);
      acc[i][1] = fma_lane(acc[i][1], b1, ai, i & 3);
      acc[i][2] = fma_lane(acc[i][2], b2, ai, i & 3);
    }
    a += kMR;
    b += kNR;
  }

  const float32x4_t vbeta = vdupq_n_f32(beta);
  if (m == kMR && n == kNR) {
    for (int i = 0; i < kMR; ++i) {
      for (int v = 0; v < 3; ++v) {
        float* ci = c + i * ldc + v * 4;
        float32x4_t r = acc[i][v];
        if (beta != 0.0f) r = vfmaq_f32(r, vbeta, vld1q_f32(ci));
        vst1q_f32(ci, r);
      }
    }
    return;
  }
  // Edge tile: store the accumulators, then merge the live part with the same multiply-add
  // (fused, like vfmaq_f32) so edge and full tiles round alike.
  float tile[kMR * kNR];
  for (int i = 0; i < kMR; ++i)
    for (int v = 0; v < 3; ++v) vst1q_f32(tile + i * kNR + v * 4, acc[i][v]);
  for (int i = 0; i < m; ++i) {
    float* ci = c + i * ldc;
    for (int j = 0; j < n; ++j) {
      const float t = tile[i * kNR + j];
      ci[j] = beta == 0.0f ? t : vgetq_lane_f32(vfmaq_f32(vdupq_n_f32(t), vdupq_n_f32(beta), vdupq_n_f32(ci[j])), 0);
    }
  }
}

}  // namespace neurite

#endif  // arm64
