// im2col / col2im (see im2col.h for the layout). For each (c, kh, kw) row, the range of
// output columns whose input column lies inside the image is computed once, so the inner
// loops carry no bounds checks and the stride-1 case is a straight copy.
#include "im2col.h"

#include <algorithm>
#include <cstring>

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

}  // namespace

int64_t conv_output_size(int64_t in, int64_t kernel, int64_t stride, int64_t pad_lo,
                         int64_t pad_hi, int64_t dilation) noexcept {
  const int64_t span = in + pad_lo + pad_hi - (dilation * (kernel - 1) + 1);
  // Floor division that also rounds negative spans down.
  const int64_t q = span >= 0 ? span / stride : -((-span + stride - 1) / stride);
  return q + 1;
}

void im2col(const ConvGeometry& g, const float* x, float* col, int64_t ldcol) noexcept {
  const int64_t OH = g.OH, OW = g.OW;
  for (int64_t c = 0; c < g.C; ++c) {
    const float* xc = x + c * g.H * g.W;
    for (int64_t kh = 0; kh < g.KH; ++kh) {
      const int64_t oh_off = kh * g.dilation_h - g.pad_top;
      int64_t oh_lo, oh_hi;
      valid_range(oh_off, g.stride_h, g.H, OH, oh_lo, oh_hi);
      for (int64_t kw = 0; kw < g.KW; ++kw) {
        float* row = col + ((c * g.KH + kh) * g.KW + kw) * ldcol;
        const int64_t ow_off = kw * g.dilation_w - g.pad_left;
        int64_t ow_lo, ow_hi;
        valid_range(ow_off, g.stride_w, g.W, OW, ow_lo, ow_hi);
        std::fill(row, row + oh_lo * OW, 0.0f);
        for (int64_t oh = oh_lo; oh < oh_hi; ++oh) {
          float* dst = row + oh * OW;
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
        std::fill(row + oh_hi * OW, row + OH * OW, 0.0f);
      }
    }
  }
}

void col2im(const ConvGeometry& g, const float* col, int64_t ldcol, float* dx) noexcept {
  const int64_t OW = g.OW;
  for (int64_t c = 0; c < g.C; ++c) {
    float* dxc = dx + c * g.H * g.W;
    for (int64_t kh = 0; kh < g.KH; ++kh) {
      const int64_t oh_off = kh * g.dilation_h - g.pad_top;
      int64_t oh_lo, oh_hi;
      valid_range(oh_off, g.stride_h, g.H, g.OH, oh_lo, oh_hi);
      for (int64_t kw = 0; kw < g.KW; ++kw) {
        const float* row = col + ((c * g.KH + kh) * g.KW + kw) * ldcol;
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
