// Pooling kernels (see pool.h). Planes are split over the threads; each plane is written by
// one thread only, so backward accumulation needs no atomics.
#include "pool.h"

#include <algorithm>
#include <bit>
#include <limits>
#include <vector>

#include "lane_mask.h"
#include "simd_loop.h"

#if NEURITE_SIMD_CLONES
#include <immintrin.h>
#endif

namespace neurite {
namespace {

int64_t plane_grain(int64_t work_per_plane) {
  return std::max<int64_t>(1, 16384 / std::max<int64_t>(work_per_plane, 1));
}

// Window rows [h0, h1) and columns [w0, w1) inside the image, plus the window's full extent
// clipped to the padded image (for count_include_pad).
struct Window {
  int64_t h0, h1, w0, w1;
};

inline Window window(const ConvGeometry& g, int64_t oh, int64_t ow) {
  const int64_t hs = oh * g.stride_h - g.pad_top, ws = ow * g.stride_w - g.pad_left;
  return {std::max<int64_t>(hs, 0), std::min<int64_t>(hs + g.KH, g.H), std::max<int64_t>(ws, 0),
          std::min<int64_t>(ws + g.KW, g.W)};
}

inline float avg_divisor(const ConvGeometry& g, const Window& w, bool count_include_pad) {
  if (count_include_pad) return static_cast<float>(g.KH * g.KW);
  return static_cast<float>(std::max<int64_t>((w.h1 - w.h0) * (w.w1 - w.w0), 1));
}

}  // namespace

namespace {

// Windows that tile the image: K x K, stride K, no padding, no dilation. Every window lies
// inside the image, so there are no bounds checks, and the scan order below (rows kh, then
// columns kw) matches the generic loop's, which keeps its tie and NaN rules: the first element
// starts the window, and a later v replaces best only when best is not NaN and v is NaN or
// greater, i.e. when !(v <= best) && best == best. Written branch-free over a row of outputs so
// that the ow loops vectorize at the baseline ISA.
inline bool is_tiling(const ConvGeometry& g) {
  return g.KH == g.KW && g.stride_h == g.KH && g.stride_w == g.KW && g.pad_top == 0 &&
         g.pad_left == 0 && g.dilation_h == 1 && g.dilation_w == 1 && g.KH >= 1;
}

inline void take_if_better(float v, float cand, float& best, float& at) {
  // No branch and no conditional FP operation, so GCC if-converts and vectorizes the callers
  // even under -ftrapping-math: the choice is a bit mask applied with integer operations.
  const uint32_t take = static_cast<uint32_t>(!__builtin_islessequal(v, best)) &
                        static_cast<uint32_t>(best == best);
  const uint32_t mask = 0u - take;
  best = std::bit_cast<float>((std::bit_cast<uint32_t>(v) & mask) |
                              (std::bit_cast<uint32_t>(best) & ~mask));
  at = std::bit_cast<float>((std::bit_cast<uint32_t>(cand) & mask) |
                            (std::bit_cast<uint32_t>(at) & ~mask));
}

// K = 2, the common case: the four candidates of each output stay in registers.
#if NEURITE_SIMD_CLONES
// take_if_better on 16 lanes.
__attribute__((target("avx512f"), always_inline)) inline void take_if_better_avx512(
    __m512 v, __m512 cand, __m512& best, __m512& at) {
  const __mmask16 take =
      _mm512_cmp_ps_mask(v, best, _CMP_NLE_UQ) & _mm512_cmp_ps_mask(best, best, _CMP_ORD_Q);
  best = _mm512_mask_mov_ps(best, take, v);
  at = _mm512_mask_mov_ps(at, take, cand);
}

// max_pool_2x2_plane on AVX-512, 16 outputs at a time: the two input rows are loaded as 32
// floats each and split into even and odd columns, then the four candidates are compared in
// the scalar loop's order with the same rule (take v unless v <= best or best is NaN), so
// outputs and argmax are identical. Plane indices stay below 2^24, exact in float.
__attribute__((target("avx512f"))) void max_pool_2x2_plane_avx512(const ConvGeometry& g,
                                                                  const float* xc, float* oc,
                                                                  float* ac) {
  const int64_t W = g.W, OW = g.OW;
  const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
  const __m512i odd = _mm512_set_epi32(31, 29, 27, 25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1);
  const __m512 two_iota = _mm512_set_ps(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
  const __m512 one = _mm512_set1_ps(1.0f), fw = _mm512_set1_ps(static_cast<float>(W));
  auto lanes = [](int64_t n) { return static_cast<__mmask16>(first_lanes16(n)); };
  for (int64_t oh = 0; oh < g.OH; ++oh) {
    const float* r0 = xc + 2 * oh * W;
    const float* r1 = r0 + W;
    for (int64_t ow = 0; ow < OW; ow += 16) {
      const int64_t n = std::min<int64_t>(16, OW - ow);
      const __mmask16 lo = lanes(2 * n), hi = lanes(2 * n - 16), out = lanes(n);
      const __m512 a0 = _mm512_maskz_loadu_ps(lo, r0 + 2 * ow);
      const __m512 b0 = _mm512_maskz_loadu_ps(hi, r0 + 2 * ow + 16);
      const __m512 a1 = _mm512_maskz_loadu_ps(lo, r1 + 2 * ow);
      const __m512 b1 = _mm512_maskz_loadu_ps(hi, r1 + 2 * ow + 16);
      const __m512 i00 =
          _mm512_add_ps(_mm512_set1_ps(static_cast<float>(2 * oh * W + 2 * ow)), two_iota);
      __m512 best = _mm512_permutex2var_ps(a0, even, b0), at = i00;
      take_if_better_avx512(_mm512_permutex2var_ps(a0, odd, b0), _mm512_add_ps(i00, one), best, at);
      take_if_better_avx512(_mm512_permutex2var_ps(a1, even, b1), _mm512_add_ps(i00, fw), best, at);
      take_if_better_avx512(_mm512_permutex2var_ps(a1, odd, b1),
                            _mm512_add_ps(_mm512_add_ps(i00, fw), one), best, at);
      _mm512_mask_storeu_ps(oc + oh * OW + ow, out, best);
      _mm512_mask_storeu_ps(ac + oh * OW + ow, out, at);
    }
  }
}
#endif

void max_pool_2x2_plane(const ConvGeometry& g, const float* xc, float* oc, float* ac) {
  const int64_t W = g.W, OW = g.OW;
  for (int64_t oh = 0; oh < g.OH; ++oh) {
    const float* r0 = xc + 2 * oh * W;
    const float* r1 = r0 + W;
    float* o = oc + oh * OW;
    float* a = ac + oh * OW;
    const int32_t base = static_cast<int32_t>(2 * oh * W);
    for (int64_t ow = 0; ow < OW; ++ow) {
      const int32_t i00 = base + static_cast<int32_t>(2 * ow);
      float best = r0[2 * ow];
      float at = static_cast<float>(i00);
      take_if_better(r0[2 * ow + 1], static_cast<float>(i00 + 1), best, at);
      take_if_better(r1[2 * ow], static_cast<float>(i00 + static_cast<int32_t>(W)), best, at);
      take_if_better(r1[2 * ow + 1], static_cast<float>(i00 + static_cast<int32_t>(W) + 1), best, at);
      o[ow] = best;
      a[ow] = at;
    }
  }
}

// Any K: the output row is the running maximum, updated once per (kh, kw) window offset.
void max_pool_kxk_plane(const ConvGeometry& g, const float* xc, float* oc, float* ac) {
  const int64_t K = g.KH, W = g.W, OW = g.OW;
  for (int64_t oh = 0; oh < g.OH; ++oh) {
    float* o = oc + oh * OW;
    float* a = ac + oh * OW;
    for (int64_t kh = 0; kh < K; ++kh) {
      const int64_t ih = oh * K + kh;
      const float* r = xc + ih * W;
      for (int64_t kw = 0; kw < K; ++kw) {
        const int32_t base = static_cast<int32_t>(ih * W + kw);
        const int32_t k32 = static_cast<int32_t>(K);
        if (kh == 0 && kw == 0) {
          for (int64_t ow = 0; ow < OW; ++ow) {
            o[ow] = r[ow * K];
            a[ow] = static_cast<float>(base + static_cast<int32_t>(ow) * k32);
          }
          continue;
        }
        for (int64_t ow = 0; ow < OW; ++ow) {
          float best = o[ow], at = a[ow];
          take_if_better(r[ow * K + kw], static_cast<float>(base + static_cast<int32_t>(ow) * k32), best, at);
          o[ow] = best;
          a[ow] = at;
        }
      }
    }
  }
}

}  // namespace

void max_pool2d_forward(ThreadPool& pool, const ConvGeometry& g, int64_t NC, const float* x,
                        float* out, float* argmax) noexcept {
  if (NC == 0) return;
  const int64_t P = g.OH * g.OW, HW = g.H * g.W;
  if (is_tiling(g) && P > 0) {
    const bool avx512 = active_isa() == Isa::avx512;
    pool.parallel_for(NC, plane_grain(HW), [&](int64_t c0, int64_t c1) {
      for (int64_t c = c0; c < c1; ++c) {
#if NEURITE_SIMD_CLONES
        if (g.KH == 2 && avx512) {
          max_pool_2x2_plane_avx512(g, x + c * HW, out + c * P, argmax + c * P);
          continue;
        }
#endif
        if (g.KH == 2) max_pool_2x2_plane(g, x + c * HW, out + c * P, argmax + c * P);
        else max_pool_kxk_plane(g, x + c * HW, out + c * P, argmax + c * P);
      }
    });
    return;
  }
  pool.parallel_for(NC, plane_grain(P * g.KH * g.KW), [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) {
      const float* xc = x + c * HW;
      for (int64_t oh = 0; oh < g.OH; ++oh) {
        for (int64_t ow = 0; ow < g.OW; ++ow) {
          float best = -std::numeric_limits<float>::infinity();
          int64_t at = -1;
          for (int64_t kh = 0; kh < g.KH; ++kh) {
            const int64_t ih = oh * g.stride_h - g.pad_top + kh * g.dilation_h;
            if (ih < 0 || ih >= g.H) continue;
            for (int64_t kw = 0; kw < g.KW; ++kw) {
              const int64_t iw = ow * g.stride_w - g.pad_left + kw * g.dilation_w;
              if (iw < 0 || iw >= g.W) continue;
              const float v = xc[ih * g.W + iw];
              // NaN propagates, as in PyTorch: the first NaN wins and stays.
              if (at < 0 || v > best || (v != v && best == best)) {
                best = v;
                at = ih * g.W + iw;
              }
            }
          }
          out[c * P + oh * g.OW + ow] = best;
          argmax[c * P + oh * g.OW + ow] = static_cast<float>(at);
        }
      }
    }
  });
}

namespace {

#if NEURITE_SIMD_CLONES
// GCC 12's AVX-512 headers trip -Wmaybe-uninitialized (their _mm512_undefined_ps).
#pragma GCC diagnostic push
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
// One plane of the 2 x 2 tiling fast path (see max_pool2d_backward), in AVX-512: a gather
// instead of a scatter. Every input lies in exactly one window, so each dx row adds its
// window's dout where the window's argmax names it: 16 dx elements per step against 8
// outputs duplicated pairwise, a masked add (unmatched elements keep their bits, -0 included),
// and no data-dependent addresses. The gather is only right if every argmax in [0, HW) lies in
// its own window, which max_pool2d_forward guarantees but the kernel's contract does not: a
// first pass checks it and returns false (the caller then scatters) if one does not.
__attribute__((target("avx512f"))) bool max_pool_backward_2x2_plane_avx512(
    int64_t W, int64_t OH, int64_t OW, int64_t HW, const float* dout, const float* argmax,
    float* dx, bool accumulate) {
  const __m512 iota = _mm512_set_ps(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
  const __m512 two_iota = _mm512_add_ps(iota, iota);
  const __m512 zero = _mm512_setzero_ps(), one = _mm512_set1_ps(1.0f);
  const __m512 fw = _mm512_set1_ps(static_cast<float>(W)), fw1 = _mm512_add_ps(fw, one);
  const __m512 fhw = _mm512_set1_ps(static_cast<float>(HW));
  // Pass 1: q = argmax - (window origin) must be 0, 1, W or W + 1 for every index in [0, HW).
  for (int64_t oh = 0; oh < OH; ++oh) {
    const float* a = argmax + oh * OW;
    const float row0 = static_cast<float>(2 * oh * W);
    for (int64_t ow = 0; ow < OW; ow += 16) {
      const __mmask16 lanes = static_cast<__mmask16>(first_lanes16(OW - ow));
      const __m512 v = _mm512_maskz_loadu_ps(lanes, a + ow);
      const __m512 q = _mm512_sub_ps(v, _mm512_add_ps(_mm512_set1_ps(row0 + static_cast<float>(2 * ow)), two_iota));
      const __mmask16 inside = _mm512_cmp_ps_mask(q, zero, _CMP_EQ_OQ) | _mm512_cmp_ps_mask(q, one, _CMP_EQ_OQ) |
                               _mm512_cmp_ps_mask(q, fw, _CMP_EQ_OQ) | _mm512_cmp_ps_mask(q, fw1, _CMP_EQ_OQ);
      const __mmask16 valid = _mm512_cmp_ps_mask(v, zero, _CMP_GE_OQ) & _mm512_cmp_ps_mask(v, fhw, _CMP_LT_OQ);
      if (lanes & valid & ~inside) return false;
    }
  }
  // Pass 2: the gather, two dx rows per output row. Without accumulate it writes every
  // element the windows cover; an odd last row or column, covered by none, is zeroed first.
  if (!accumulate && (2 * OW != W || 2 * OH * W != HW)) {
    std::fill(dx, dx + HW, 0.0f);
    accumulate = true;
  }
  const __m512i pairs = _mm512_set_epi32(7, 7, 6, 6, 5, 5, 4, 4, 3, 3, 2, 2, 1, 1, 0, 0);
  for (int64_t oh = 0; oh < OH; ++oh) {
    const float* a = argmax + oh * OW;
    const float* d = dout + oh * OW;
    for (int64_t kh = 0; kh < 2; ++kh) {
      float* row = dx + (2 * oh + kh) * W;
      const float base = static_cast<float>((2 * oh + kh) * W);
      // 8 outputs (16 dx elements) per step; the last step masked.
      for (int64_t ow = 0; ow < OW; ow += 8) {
        const int64_t n = std::min<int64_t>(8, OW - ow);
        const __mmask16 outs = static_cast<__mmask16>(first_lanes16(n));
        const __mmask16 elems = static_cast<__mmask16>(first_lanes16(2 * n));
        const __m512 av = _mm512_permutexvar_ps(pairs, _mm512_maskz_loadu_ps(outs, a + ow));
        const __m512 dv = _mm512_permutexvar_ps(pairs, _mm512_maskz_loadu_ps(outs, d + ow));
        const __m512 idx = _mm512_add_ps(_mm512_set1_ps(base + static_cast<float>(2 * ow)), iota);
        const __mmask16 m = elems & _mm512_cmp_ps_mask(av, idx, _CMP_EQ_OQ);
        const __m512 x = accumulate ? _mm512_maskz_loadu_ps(elems, row + 2 * ow) : zero;
        _mm512_mask_storeu_ps(row + 2 * ow, elems, _mm512_mask_add_ps(x, m, x, dv));
      }
    }
  }
  return true;
}
#pragma GCC diagnostic pop
#endif

}  // namespace

void max_pool2d_backward(ThreadPool& pool, int64_t NC, int64_t HW, int64_t P, int64_t W,
                         int64_t K, const float* dout, const float* argmax, float* dx,
                         bool accumulate) noexcept {
  if (NC == 0) return;
  if (P == 0) {
    if (!accumulate) std::fill(dx, dx + NC * HW, 0.0f);
    return;
  }
  // The 2 x 2 tiling fast path (AVX-512) needs the plane to be H x W with OH x OW windows at
  // stride 2, OW >= 16. W and K are hints from the caller: any other combination takes the
  // scatter, as do K >= 3 (each output there already stands for 9 or more inputs) and the
  // narrower ISAs (where the gather's extra compares cost more than the scatter's addressing).
  const auto scatter_plane = [&](int64_t c) {
    float* dxc = dx + c * HW;
    if (!accumulate) std::fill(dxc, dxc + HW, 0.0f);
    for (int64_t p = 0; p < P; ++p) {
      const float at = argmax[c * P + p];
      // NaN fails both comparisons, so any entry forward did not write is skipped.
      if (at >= 0.0f && at < static_cast<float>(HW)) dxc[static_cast<int64_t>(at)] += dout[c * P + p];
    }
  };
#if NEURITE_SIMD_CLONES
  if (K == 2 && W >= 2 && HW % W == 0 && HW <= (int64_t{1} << 24) && active_isa() == Isa::avx512) {
    const int64_t H = HW / W, OH = H / 2, OW = W / 2;
    // Output rows shorter than 16 spend more on the masked steps than the scatter on its
    // addressing (measured on 28 x 28 planes: 0.6x).
    if (OH * OW == P && OW >= 16) {
      pool.parallel_for(NC, plane_grain(HW), [&](int64_t c0, int64_t c1) {
        for (int64_t c = c0; c < c1; ++c)
          if (!max_pool_backward_2x2_plane_avx512(W, OH, OW, HW, dout + c * P, argmax + c * P,
                                                  dx + c * HW, accumulate))
            scatter_plane(c);
      });
      return;
    }
  }
#endif
  pool.parallel_for(NC, plane_grain(P), [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) scatter_plane(c);
  });
}

void avg_pool2d_forward(ThreadPool& pool, const ConvGeometry& g, int64_t NC,
                        bool count_include_pad, const float* x, float* out) noexcept {
  const int64_t P = g.OH * g.OW, HW = g.H * g.W;
  pool.parallel_for(NC, plane_grain(P * g.KH * g.KW), [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) {
      const float* xc = x + c * HW;
      for (int64_t oh = 0; oh < g.OH; ++oh) {
        for (int64_t ow = 0; ow < g.OW; ++ow) {
          const Window w = window(g, oh, ow);
          float s = 0;
          for (int64_t ih = w.h0; ih < w.h1; ++ih)
            for (int64_t iw = w.w0; iw < w.w1; ++iw) s += xc[ih * g.W + iw];
          out[c * P + oh * g.OW + ow] = s / avg_divisor(g, w, count_include_pad);
        }
      }
    }
  });
}

void avg_pool2d_backward(ThreadPool& pool, const ConvGeometry& g, int64_t NC,
                         bool count_include_pad, const float* dout, float* dx) noexcept {
  const int64_t P = g.OH * g.OW, HW = g.H * g.W;
  pool.parallel_for(NC, plane_grain(P * g.KH * g.KW), [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) {
      float* dxc = dx + c * HW;
      for (int64_t oh = 0; oh < g.OH; ++oh) {
        for (int64_t ow = 0; ow < g.OW; ++ow) {
          const Window w = window(g, oh, ow);
          const float d = dout[c * P + oh * g.OW + ow] / avg_divisor(g, w, count_include_pad);
          for (int64_t ih = w.h0; ih < w.h1; ++ih)
            for (int64_t iw = w.w0; iw < w.w1; ++iw) dxc[ih * g.W + iw] += d;
        }
      }
    }
  });
}

namespace {
inline int64_t adaptive_start(int64_t o, int64_t in, int64_t out) { return (o * in) / out; }
inline int64_t adaptive_end(int64_t o, int64_t in, int64_t out) {
  return ((o + 1) * in + out - 1) / out;
}
}  // namespace

void adaptive_avg_pool2d_forward(ThreadPool& pool, int64_t NC, int64_t H, int64_t W, int64_t OH,
                                 int64_t OW, const float* x, float* out) noexcept {
  pool.parallel_for(NC, plane_grain(H * W), [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) {
      const float* xc = x + c * H * W;
      for (int64_t oh = 0; oh < OH; ++oh) {
        const int64_t h0 = adaptive_start(oh, H, OH), h1 = adaptive_end(oh, H, OH);
        for (int64_t ow = 0; ow < OW; ++ow) {
          const int64_t w0 = adaptive_start(ow, W, OW), w1 = adaptive_end(ow, W, OW);
          float s = 0;
          for (int64_t ih = h0; ih < h1; ++ih)
            for (int64_t iw = w0; iw < w1; ++iw) s += xc[ih * W + iw];
          out[(c * OH + oh) * OW + ow] = s / static_cast<float>((h1 - h0) * (w1 - w0));
        }
      }
    }
  });
}

void adaptive_avg_pool2d_backward(ThreadPool& pool, int64_t NC, int64_t H, int64_t W,
                                  int64_t OH, int64_t OW, const float* dout, float* dx) noexcept {
  pool.parallel_for(NC, plane_grain(H * W), [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) {
      float* dxc = dx + c * H * W;
      for (int64_t oh = 0; oh < OH; ++oh) {
        const int64_t h0 = adaptive_start(oh, H, OH), h1 = adaptive_end(oh, H, OH);
        for (int64_t ow = 0; ow < OW; ++ow) {
          const int64_t w0 = adaptive_start(ow, W, OW), w1 = adaptive_end(ow, W, OW);
          const float d =
              dout[(c * OH + oh) * OW + ow] / static_cast<float>((h1 - h0) * (w1 - w0));
          for (int64_t ih = h0; ih < h1; ++ih)
            for (int64_t iw = w0; iw < w1; ++iw) dxc[ih * W + iw] += d;
        }
      }
    }
  });
}

}  // namespace neurite
