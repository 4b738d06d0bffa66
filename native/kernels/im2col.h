// im2col / col2im: the layout change that turns a convolution into a GEMM.
//
// Shape letters: C, H, W for one input image (NCHW, so one image is (C, H, W) row-major);
// KH, KW for the window; OH, OW for the output grid.
//
// Layout change. im2col copies every window of the (C, H, W) image into one column of
//
//   col: (C*KH*KW, OH*OW), row r = (c*KH + kh)*KW + kw, column p = oh*OW + ow
//   col[r, p] = x[c, oh*stride_h - pad_top + kh*dilation_h, ow*stride_w - pad_left + kw*dilation_w]
//
// with zeros where the index falls into the padding. A convolution with weight
// (OC, C*KH*KW) is then weight * col = (OC, OH*OW), which is already one NCHW output image.
// With groups, the rows of group g (channels g*C/G .. (g+1)*C/G - 1) are a contiguous block.
// The leading dimension `ldcol` (>= OH*OW) lets several images share one col matrix side by
// side (image i in columns i*OH*OW ...), so one GEMM can run over a batch.
//
// col2im is the adjoint: it adds every column entry back onto the pixel it came from
// (dx += ...), which is the input gradient of the convolution.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "gemm.h"

namespace neurite {

// Window geometry of one image. Only pad_top and pad_left move the windows; the bottom and
// right padding only decide OH and OW (see conv_output_size).
struct ConvGeometry {
  int64_t C, H, W;
  int64_t KH, KW;
  int64_t stride_h, stride_w;
  int64_t pad_top, pad_left;
  int64_t dilation_h, dilation_w;
  int64_t OH, OW;
};

// floor((in + pad_lo + pad_hi - (dilation*(kernel-1) + 1)) / stride) + 1; may be <= 0, which
// callers reject.
int64_t conv_output_size(int64_t in, int64_t kernel, int64_t stride, int64_t pad_lo,
                         int64_t pad_hi, int64_t dilation) noexcept;

// x: (C, H, W); col: (C*KH*KW) rows of ldcol floats, the first OH*OW of each written.
void im2col(const ConvGeometry& g, const float* x, float* col, int64_t ldcol) noexcept;

// im2col of `count` images (image i at x + i * image_stride) into the col matrices at
// col + i * col_stride: the window ranges are worked out once for all of them.
void im2col_images(const ConvGeometry& g, const float* x, int64_t image_stride, int64_t count,
                   float* col, int64_t col_stride, int64_t ldcol) noexcept;

// Where each kernel row kh and column kw lands: its offset into the image and the range of
// output rows / columns inside it. Worked out once per call (each range takes integer
// divisions, which cost more than copying one of a small image's rows), or once per
// convolution for im2col_packed, which a forward pass calls for every block of rows.
struct Im2colPlan {
  explicit Im2colPlan(const ConvGeometry& g);
  std::vector<int64_t> oh_off, oh_lo, oh_hi;
  std::vector<int64_t> ow_off, ow_lo, ow_hi;
  bool fast_rows;  // the AVX-512 row copies apply
};

// Rows [r0, r0 + K) of the col matrices of `count` images (image i at x + i * image_stride),
// restricted to the columns of output rows [oh0, oh1), side by side as one
// (K, count * (oh1 - oh0) * OW) matrix, written straight into `packed` in the layout of
// sgemm_packed_b (gemm.h): the GEMM then skips packing B, and col itself is never stored.
// row_buffer holds round_up(count * (oh1 - oh0) * OW, NR) floats of scratch.
// `plan` is Im2colPlan(g).
void im2col_packed(const ConvGeometry& g, const Im2colPlan& plan, const float* x,
                   int64_t image_stride, int64_t count, int64_t oh0, int64_t oh1, int64_t r0,
                   int64_t K, const PackedBLayout& layout, float* row_buffer,
                   float* packed) noexcept;

// Rows [r0, r0 + K) of one image's col matrix, transposed, for the weight gradient's GEMM
// dweight += dout * col^T: op(B) = col^T, (P, K), written in the packed-B layout of
// sgemm_packed_b (gemm.h) a block of output positions at a time, so that neither col nor its
// transposed packing is ever stored whole. AVX-512 only (16 x 16 register transposes), for
// stride_w 1 and OW a multiple of 16 up to 64: check supported() first. The window ranges of
// every row are worked out once, in the constructor.
class TransposedIm2col {
 public:
  static bool supported(const ConvGeometry& g, const PackedBLayout& layout);
  TransposedIm2col(const ConvGeometry& g, int64_t r0, int64_t K);
  TransposedIm2col(const TransposedIm2col&) = delete;  // rows_ point into masks_
  TransposedIm2col& operator=(const TransposedIm2col&) = delete;
  // Positions [p0, p0 + ps) (p0 and ps multiples of 16, ps at most the layout's KC) as one
  // packed block of ps rows: K columns in 32-wide panels, the last one zero-padded.
  void pack(const float* x, int64_t p0, int64_t ps, float* packed) const noexcept;

  // Where a row reads: x + base + oh * stride_h * W + ow, for output rows [oh_lo, oh_hi) and
  // the lanes mask[v] of the v-th 16 columns of an output row.
  struct Row {
    int64_t base, oh_lo, oh_hi;
    const uint16_t* mask;
  };

 private:
  ConvGeometry g_;
  std::vector<Row> rows_;
  std::vector<std::array<uint16_t, 4>> masks_;
};

// dx: (C, H, W) += the adjoint of im2col applied to col.
void col2im(const ConvGeometry& g, const float* col, int64_t ldcol, float* dx) noexcept;

}  // namespace neurite
