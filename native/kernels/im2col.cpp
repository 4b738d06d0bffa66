// im2col / col2im (see im2col.h for the layout). For each (c, kh, kw) row, the range of
// output columns whose input column lies inside the image is computed once, so the inner
// loops carry no bounds checks and the stride-1 case is a straight copy.
#include "im2col.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "../common/cpu.h"
#include "lane_mask.h"
#include "transpose16.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define NEURITE_IM2COL_AVX512 1
#endif

namespace neurite {
namespace {

// Smallest o >= 0 with o*stride + offset >= 0, and smallest o with o*stride + offset >= limit,
// both clamped to [0, count].
inline void valid_range(int64_t offset, int64_t stride, int64_t limit, int64_t count,
                        int64_t& lo, int64_t& hi) {
  auto ceil_div = [](int64_t a, int64_t b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); };
  lo = std::clamp<int64_t>(ceil_div(-offset, stride), 0, count);
  hi = std::clamp<int64_t>(ceil_div(limit - offset, stride), lo, count);
}

#if defined(NEURITE_IM2COL_AVX512)
// Output rows [oh0, oh1) of one row of col for stride_w == 1 and OW <= 64, on AVX-512: each
// output row (OW floats) is one to four masked loads and stores, the padding lanes zeroed by
// the load mask (masked-off lanes are never read, so the source pointer may point into the
// padding). Small images have
// rows of 10-32 floats, for which a memcpy call per row cost more than the copy (LeNet-5's
// first convolution, forward: 0.54 -> 0.41 ms at batch 64).
__attribute__((target("avx512f"))) void im2col_row_avx512(const float* xc, int64_t W,
                                                          int64_t oh0, int64_t oh1,
                                                          int64_t OW, int64_t stride_h,
                                                          int64_t oh_off,
                                                          int64_t ow_off, int64_t oh_lo,
                                                          int64_t oh_hi, int64_t ow_lo,
                                                          int64_t ow_hi, float* row) {
  const int vectors = static_cast<int>((OW + 15) / 16);
  __mmask16 valid[4], width[4];
  for (int v = 0; v < vectors; ++v) {
    width[v] = static_cast<__mmask16>(first_lanes16(OW - 16 * v));
    valid[v] = static_cast<__mmask16>(lane_range16(ow_lo - 16 * v, ow_hi - 16 * v));
  }
  const __m512 zero = _mm512_setzero_ps();
  // The last vector of an output row is stored whole, its extra lanes landing on the next
  // rows (written next), unless that would pass the end of this row of col: partial masked
  // stores measured slower.
  for (int64_t oh = oh0; oh < oh1; ++oh) {
    float* dst = row + (oh - oh0) * OW;
    const bool last = (oh - oh0) * OW + vectors * 16 > (oh1 - oh0) * OW;
    if (oh < oh_lo || oh >= oh_hi) {
      for (int v = 0; v < vectors; ++v) {
        if (last) _mm512_mask_storeu_ps(dst + v * 16, width[v], zero);
        else _mm512_storeu_ps(dst + v * 16, zero);
      }
      continue;
    }
    // Pointer arithmetic on the integer index: the base may lie before the image.
    const int64_t base = (oh * stride_h + oh_off) * W + ow_off;
    for (int v = 0; v < vectors; ++v) {
      const __m512 x = _mm512_maskz_loadu_ps(valid[v], xc + (base + v * 16));
      if (last) _mm512_mask_storeu_ps(dst + v * 16, width[v], x);
      else _mm512_storeu_ps(dst + v * 16, x);
    }
  }
}

// im2col_row_avx512 for OW a multiple of 16, written straight into packed-B panels (NR a
// multiple of 16): column n of the row, counted from n0, goes to
// panels[(n / NR) * panel_stride + n % NR], so each 16-lane vector lands whole inside one
// panel and the row never passes through a buffer (copying it out of one cost as much as
// building it: CIFAR CNN's second convolution, forward).
__attribute__((target("avx512f"))) void im2col_row_panels_avx512(
    const float* xc, int64_t W, int64_t oh0, int64_t oh1, int64_t OW, int64_t stride_h,
    int64_t oh_off, int64_t ow_off, int64_t oh_lo, int64_t oh_hi, int64_t ow_lo, int64_t ow_hi,
    int64_t n0, int64_t NR, int64_t panel_stride, float* panels) {
  const int vectors = static_cast<int>(OW / 16);
  __mmask16 valid[4];
  for (int v = 0; v < vectors; ++v) {
    valid[v] = static_cast<__mmask16>(lane_range16(ow_lo - 16 * v, ow_hi - 16 * v));
  }
  const __m512 zero = _mm512_setzero_ps();
  // Vectors go to consecutive columns: walk the panels instead of dividing per store.
  float* panel = panels + n0 / NR * panel_stride;
  int64_t lane = n0 % NR;
  for (int64_t oh = oh0; oh < oh1; ++oh) {
    const bool inside = oh >= oh_lo && oh < oh_hi;
    const int64_t base = (oh * stride_h + oh_off) * W + ow_off;
    for (int v = 0; v < vectors; ++v) {
      // Pointer arithmetic on the integer index: the base may lie before the image.
      _mm512_storeu_ps(panel + lane,
                       inside ? _mm512_maskz_loadu_ps(valid[v], xc + (base + v * 16)) : zero);
      lane += 16;
      if (lane == NR) {
        lane = 0;
        panel += panel_stride;
      }
    }
  }
}

// GCC 12's AVX-512 headers trip -Wmaybe-uninitialized (their _mm512_undefined_ps) in the
// transposes below (transpose16.h).
#pragma GCC diagnostic push
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
// TransposedIm2col::pack on AVX-512; OW is a multiple of 16, at most 64.
__attribute__((target("avx512f"))) void pack_transposed_avx512(
    const ConvGeometry& g, const float* x, const TransposedIm2col::Row* rows, int64_t K,
    int64_t p0, int64_t ps, float* packed) {
  const int64_t n_pad = (K + 31) / 32 * 32;
  const int64_t next_row = (g.KH - 1) * g.dilation_h - g.pad_top + g.stride_h;
  for (int64_t p = p0; p < p0 + ps; p += 16) {
    const int64_t oh = p / g.OW, ow = p % g.OW, v = ow / 16;
    const int64_t offset = oh * g.stride_h * g.W + ow;
    if (ow == 0) {
      // The input row the next output row brings into the window, in every channel (of
      // every group: cheaper than working out which): dozens of interleaved streams, which
      // the hardware prefetchers do not follow.
      const int64_t ih = oh * g.stride_h + next_row;
      if (ih >= 0 && ih < g.H) {
        for (int64_t c = 0; c < g.C; ++c) {
          const char* row = reinterpret_cast<const char*>(x + (c * g.H + ih) * g.W);
          for (int64_t w = 0; w < g.W; w += 16) _mm_prefetch(row + 4 * w, _MM_HINT_T0);
        }
      }
    }
    float* dst = packed + (p - p0) * 32;
    for (int64_t q = 0; q < n_pad; q += 32, dst += ps * 32) {
      // 32 rows of col at these 16 positions, transposed 16 at a time into the left and
      // right halves of 16 panel rows (positions) of 32 floats (col rows).
      for (int half = 0; half < 32; half += 16) {
        __m512 block[16];
#pragma GCC unroll 16
        for (int j = 0; j < 16; ++j) {
          const int64_t k = q + half + j;
          const TransposedIm2col::Row& r = rows[std::min(k, K - 1)];
          const bool inside = k < K && oh >= r.oh_lo && oh < r.oh_hi;
          // Pointer arithmetic on the integer index: masked-off lanes are never read.
          block[j] = _mm512_maskz_loadu_ps(inside ? r.mask[v] : 0, x + (r.base + offset));
        }
        transpose16x16(block);
#pragma GCC unroll 16
        for (int i = 0; i < 16; ++i) _mm512_storeu_ps(dst + i * 32 + half, block[i]);
      }
    }
  }
}

#pragma GCC diagnostic pop

// col2im for stride_w == 1, W <= 64 and KW <= 16 on AVX-512: for each input row that channel
// c and kernel row kh reach, the KW col rows that add into it are summed into one vector per 16
// columns (loaded once, stored once). Adding the KW rows one at a time straight into memory
// stalled on every load that overlapped the previous row's store (they are one column apart).
// Each element still gets the same additions in the same order as in the scalar loop (kh,
// then kw), and masked adds leave the other lanes untouched, so the result is identical.
__attribute__((target("avx512f"))) void col2im_channel_row_avx512(const ConvGeometry& g,
                                                                  const float* rows,
                                                                  int64_t ldcol, int64_t kh,
                                                                  float* dxc) {
  const int64_t OW = g.OW, W = g.W, KW = g.KW;
  const int vectors = static_cast<int>((W + 15) / 16);
  // Lane iw of vector v takes col column ow = iw - ow_off(kw) when 0 <= ow < OW.
  __mmask16 width[4], take[16][4];
  int64_t ow_off[16];
  for (int v = 0; v < vectors; ++v) width[v] = static_cast<__mmask16>(first_lanes16(W - 16 * v));
  for (int64_t kw = 0; kw < KW; ++kw) {
    ow_off[kw] = kw * g.dilation_w - g.pad_left;
    for (int v = 0; v < vectors; ++v) {
      const uint32_t inside = lane_range16(ow_off[kw] - 16 * v, ow_off[kw] + OW - 16 * v);
      take[kw][v] = static_cast<__mmask16>(inside & width[v]);
    }
  }
  const int64_t oh_off = kh * g.dilation_h - g.pad_top;
  int64_t oh_lo, oh_hi;
  valid_range(oh_off, g.stride_h, g.H, g.OH, oh_lo, oh_hi);
  for (int64_t oh = oh_lo; oh < oh_hi; ++oh) {
    float* d = dxc + (oh * g.stride_h + oh_off) * W;
    for (int v = 0; v < vectors; ++v) {
      __m512 acc = _mm512_maskz_loadu_ps(width[v], d + v * 16);
      for (int64_t kw = 0; kw < KW; ++kw) {
        // Pointer arithmetic on the integer index: masked-off lanes are never read.
        const float* src = rows + kw * ldcol + (oh * OW + v * 16 - ow_off[kw]);
        acc = _mm512_mask_add_ps(acc, take[kw][v], acc, _mm512_maskz_loadu_ps(take[kw][v], src));
      }
      _mm512_mask_storeu_ps(d + v * 16, width[v], acc);
    }
  }
}
#endif

}  // namespace

int64_t conv_output_size(int64_t in, int64_t kernel, int64_t stride, int64_t pad_lo,
                         int64_t pad_hi, int64_t dilation) noexcept {
  const int64_t span = in + pad_lo + pad_hi - (dilation * (kernel - 1) + 1);
  // Floor division that also rounds negative spans down.
  const int64_t q = span >= 0 ? span / stride : -((-span + stride - 1) / stride);
  return q + 1;
}

namespace {

bool fast_rows_for(const ConvGeometry& g) {
#if defined(NEURITE_IM2COL_AVX512)
  return active_isa() == Isa::avx512 && g.stride_w == 1 && g.OW <= 64;
#else
  (void)g;
  return false;
#endif
}


}  // namespace

Im2colPlan::Im2colPlan(const ConvGeometry& g)
    : oh_off(g.KH), oh_lo(g.KH), oh_hi(g.KH), ow_off(g.KW), ow_lo(g.KW), ow_hi(g.KW),
      fast_rows(fast_rows_for(g)) {
  for (int64_t kh = 0; kh < g.KH; ++kh) {
    oh_off[kh] = kh * g.dilation_h - g.pad_top;
    valid_range(oh_off[kh], g.stride_h, g.H, g.OH, oh_lo[kh], oh_hi[kh]);
  }
  for (int64_t kw = 0; kw < g.KW; ++kw) {
    ow_off[kw] = kw * g.dilation_w - g.pad_left;
    valid_range(ow_off[kw], g.stride_w, g.W, g.OW, ow_lo[kw], ow_hi[kw]);
  }
}

namespace {

// Output rows [oh0, oh1) of row (c, kh, kw) of one image's col matrix: (oh1 - oh0) * OW
// floats at `row`.
void im2col_one_row(const ConvGeometry& g, const Im2colPlan& plan, const float* x, int64_t oh0,
                    int64_t oh1, int64_t c, int64_t kh, int64_t kw, float* row) {
  const int64_t OW = g.OW;
  const float* xc = x + c * g.H * g.W;
  const int64_t oh_off = plan.oh_off[kh];
  const int64_t oh_lo = std::clamp(plan.oh_lo[kh], oh0, oh1);
  const int64_t oh_hi = std::clamp(plan.oh_hi[kh], oh_lo, oh1);
  const int64_t ow_off = plan.ow_off[kw], ow_lo = plan.ow_lo[kw], ow_hi = plan.ow_hi[kw];
#if defined(NEURITE_IM2COL_AVX512)
  if (plan.fast_rows) {
    im2col_row_avx512(xc, g.W, oh0, oh1, OW, g.stride_h, oh_off, ow_off, oh_lo, oh_hi, ow_lo,
                      ow_hi, row);
    return;
  }
#endif
  std::fill(row, row + (oh_lo - oh0) * OW, 0.0f);
  for (int64_t oh = oh_lo; oh < oh_hi; ++oh) {
    float* dst = row + (oh - oh0) * OW;
    // Index arithmetic stays in integers: base may be negative, base + ow*stride is not.
    const int64_t base = (oh * g.stride_h + oh_off) * g.W + ow_off;
    std::fill(dst, dst + ow_lo, 0.0f);
    if (g.stride_w == 1) {
      std::memcpy(dst + ow_lo, xc + base + ow_lo,
                  static_cast<size_t>(ow_hi - ow_lo) * sizeof(float));
    } else {
      for (int64_t ow = ow_lo; ow < ow_hi; ++ow) dst[ow] = xc[base + ow * g.stride_w];
    }
    std::fill(dst + ow_hi, dst + OW, 0.0f);
  }
  std::fill(row + (oh_hi - oh0) * OW, row + (oh1 - oh0) * OW, 0.0f);
}

// Deals a row of n_pad floats out to its NR-wide panels, kc * NR floats apart.
template <int NR>
void deal_panels(const float* row, int64_t n_pad, int64_t kc, float* dst) {
  for (int64_t q = 0; q < n_pad; q += NR, dst += kc * NR) {
    std::memcpy(dst, row + q, NR * sizeof(float));
  }
}

}  // namespace

void im2col(const ConvGeometry& g, const float* x, float* col, int64_t ldcol) noexcept {
  im2col_images(g, x, 0, 1, col, 0, ldcol);
}

void im2col_images(const ConvGeometry& g, const float* x, int64_t image_stride, int64_t count,
                   float* col, int64_t col_stride, int64_t ldcol) noexcept {
  const Im2colPlan plan(g);
  for (int64_t i = 0; i < count; ++i) {
    const float* xi = x + i * image_stride;
    float* ci = col + i * col_stride;
    for (int64_t c = 0; c < g.C; ++c)
      for (int64_t kh = 0; kh < g.KH; ++kh)
        for (int64_t kw = 0; kw < g.KW; ++kw)
          im2col_one_row(g, plan, xi, 0, g.OH, c, kh, kw,
                         ci + ((c * g.KH + kh) * g.KW + kw) * ldcol);
  }
}

bool TransposedIm2col::supported(const ConvGeometry& g, const PackedBLayout& layout) {
#if defined(NEURITE_IM2COL_AVX512)
  return active_isa() == Isa::avx512 && g.stride_w == 1 && g.OW % 16 == 0 && g.OW <= 64 &&
         layout.nr == 32;
#else
  (void)g;
  (void)layout;
  return false;
#endif
}

TransposedIm2col::TransposedIm2col(const ConvGeometry& g, int64_t r0, int64_t K)
    : g_(g), rows_(static_cast<size_t>(K)), masks_(static_cast<size_t>(g.KW)) {
  const Im2colPlan plan(g);
  for (int64_t kw = 0; kw < g.KW; ++kw) {
    for (int64_t v = 0; v < 4; ++v) {
      masks_[kw][v] =
          static_cast<uint16_t>(lane_range16(plan.ow_lo[kw] - 16 * v, plan.ow_hi[kw] - 16 * v));
    }
  }
  const int64_t taps = g.KH * g.KW;
  for (int64_t k = 0; k < K; ++k) {
    const int64_t r = r0 + k, c = r / taps, kh = r % taps / g.KW, kw = r % g.KW;
    rows_[k] = {c * g.H * g.W + plan.oh_off[kh] * g.W + plan.ow_off[kw], plan.oh_lo[kh],
                plan.oh_hi[kh], masks_[kw].data()};
  }
}

void TransposedIm2col::pack(const float* x, int64_t p0, int64_t ps,
                            float* packed) const noexcept {
#if defined(NEURITE_IM2COL_AVX512)
  pack_transposed_avx512(g_, x, rows_.data(), static_cast<int64_t>(rows_.size()), p0, ps,
                         packed);
#else
  (void)x, (void)p0, (void)ps, (void)packed;
#endif
}

void im2col_packed(const ConvGeometry& g, const Im2colPlan& plan, const float* x,
                   int64_t image_stride, int64_t count, int64_t oh0, int64_t oh1, int64_t r0,
                   int64_t K, const PackedBLayout& layout, float* row_buffer,
                   float* packed) noexcept {
  const int64_t P = (oh1 - oh0) * g.OW, N = count * P;
  const int64_t NR = layout.nr, KC = layout.kc;
  const int64_t n_pad = (N + NR - 1) / NR * NR;
  const bool to_panels = plan.fast_rows && g.OW % 16 == 0 && NR % 16 == 0;
  // Columns past N in the last panel stay zero: the row buffer's tail is cleared once.
  std::fill(row_buffer + N, row_buffer + n_pad, 0.0f);
  const int64_t taps = g.KH * g.KW;
  // Row r0 + k is (c, kh, kw); all three step along with k, without a division per row.
  int64_t c = r0 / taps, kh = r0 % taps / g.KW, kw = r0 % g.KW;
  for (int64_t k = 0; k < K; ++k, ++kw) {
    if (kw == g.KW) {
      kw = 0;
      if (++kh == g.KH) kh = 0, ++c;
    }
    const int64_t pc = k - k % KC, kc = std::min(KC, K - pc);
    float* dst = packed + pc * n_pad + (k - pc) * NR;
#if defined(NEURITE_IM2COL_AVX512)
    if (to_panels) {
      if (kh == 0 && kw == 0 && c + 1 < g.C) {
        // The next channel's input rows for this block, while this one is copied (a new
        // channel is a jump the hardware prefetchers only catch up with late).
        const int64_t ih0 = std::max<int64_t>(0, oh0 * g.stride_h - g.pad_top);
        const int64_t ih1 = std::min(
            g.H, (oh1 - 1) * g.stride_h + (g.KH - 1) * g.dilation_h - g.pad_top + 1);
        for (int64_t i = 0; i < count; ++i) {
          const char* next =
              reinterpret_cast<const char*>(x + i * image_stride + ((c + 1) * g.H + ih0) * g.W);
          for (int64_t b = 0; b < (ih1 - ih0) * g.W * 4; b += 64) {
            _mm_prefetch(next + b, _MM_HINT_T0);
          }
        }
      }
      for (int64_t i = 0; i < count; ++i) {
        im2col_row_panels_avx512(x + i * image_stride + c * g.H * g.W, g.W, oh0, oh1, g.OW,
                                 g.stride_h, plan.oh_off[kh], plan.ow_off[kw], plan.oh_lo[kh],
                                 plan.oh_hi[kh], plan.ow_lo[kw], plan.ow_hi[kw], i * P, NR,
                                 kc * NR, dst);
      }
      // The columns past N in the last panel.
      float* last = dst + N / NR * kc * NR;
      if (N < n_pad) std::fill(last + N % NR, last + NR, 0.0f);
      continue;
    }
#endif
    for (int64_t i = 0; i < count; ++i) {
      im2col_one_row(g, plan, x + i * image_stride, oh0, oh1, c, kh, kw, row_buffer + i * P);
    }
    // Fixed-size copies for the usual panel widths, which the compiler inlines.
    switch (NR) {
      case 32: deal_panels<32>(row_buffer, n_pad, kc, dst); break;
      case 16: deal_panels<16>(row_buffer, n_pad, kc, dst); break;
      case 12: deal_panels<12>(row_buffer, n_pad, kc, dst); break;
      default:
        for (int64_t q = 0; q < n_pad; q += NR, dst += kc * NR)
          std::memcpy(dst, row_buffer + q, static_cast<size_t>(NR) * sizeof(float));
    }
  }
}

void col2im(const ConvGeometry& g, const float* col, int64_t ldcol, float* dx) noexcept {
  const int64_t OW = g.OW;
#if defined(NEURITE_IM2COL_AVX512)
  const bool fast_rows =
      active_isa() == Isa::avx512 && g.stride_w == 1 && g.W <= 64 && g.KW <= 16;
#endif
  for (int64_t c = 0; c < g.C; ++c) {
    float* dxc = dx + c * g.H * g.W;
    for (int64_t kh = 0; kh < g.KH; ++kh) {
      const float* rows = col + (c * g.KH + kh) * g.KW * ldcol;
#if defined(NEURITE_IM2COL_AVX512)
      if (fast_rows) {
        col2im_channel_row_avx512(g, rows, ldcol, kh, dxc);
        continue;
      }
#endif
      const int64_t oh_off = kh * g.dilation_h - g.pad_top;
      int64_t oh_lo, oh_hi;
      valid_range(oh_off, g.stride_h, g.H, g.OH, oh_lo, oh_hi);
      for (int64_t kw = 0; kw < g.KW; ++kw) {
        const float* row = rows + kw * ldcol;
        const int64_t ow_off = kw * g.dilation_w - g.pad_left;
        int64_t ow_lo, ow_hi;
        valid_range(ow_off, g.stride_w, g.W, OW, ow_lo, ow_hi);
        for (int64_t oh = oh_lo; oh < oh_hi; ++oh) {
          const float* src = row + oh * OW;
          const int64_t base = (oh * g.stride_h + oh_off) * g.W + ow_off;
          for (int64_t ow = ow_lo; ow < ow_hi; ++ow) dxc[base + ow * g.stride_w] += src[ow];
        }
      }
    }
  }
}

}  // namespace neurite
