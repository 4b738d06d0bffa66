// Argument reading shared by the windowed families (im2col, conv, locally_connected, pool):
// kernel size, strides, per-side padding and dilation, the output size they give, and the
// RangeError that shows the numbers of the output-size formula when it is below 1.
#pragma once

#include <string>

#include "../kernels/im2col.h"
#include "args.h"

namespace neurite {

struct WindowArgs {
  int64_t KH, KW, stride_h, stride_w, pad_top, pad_bottom, pad_left, pad_right;
  int64_t dilation_h = 1, dilation_w = 1;
};

// Reads KH, KW, strideH, strideW, padTop, padBottom, padLeft, padRight from argument `i` on,
// then dilationH, dilationW when `dilation` is set.
inline WindowArgs read_window(const Args& args, size_t i, bool dilation) {
  WindowArgs w;
  w.KH = args.dim(i, "KH", 1);
  w.KW = args.dim(i + 1, "KW", 1);
  w.stride_h = args.dim(i + 2, "strideH", 1);
  w.stride_w = args.dim(i + 3, "strideW", 1);
  w.pad_top = args.dim(i + 4, "padTop");
  w.pad_bottom = args.dim(i + 5, "padBottom");
  w.pad_left = args.dim(i + 6, "padLeft");
  w.pad_right = args.dim(i + 7, "padRight");
  if (dilation) {
    w.dilation_h = args.dim(i + 8, "dilationH", 1);
    w.dilation_w = args.dim(i + 9, "dilationW", 1);
  }
  return w;
}

// One output dimension, or a RangeError naming it and showing the formula with its numbers.
inline int64_t output_size(const Args& args, const char* what, const char* in_name, int64_t in,
                           int64_t k, int64_t stride, int64_t lo, int64_t hi, int64_t d) {
  const int64_t out = conv_output_size(in, k, stride, lo, hi, d);
  if (out < 1) {
    const std::string f = std::to_string(d) + "*(" + std::to_string(k) + "-1)+1";
    args.range_error(std::string("output ") + what + " is floor((" + in_name + " + pad - " +
                     "(dilation*(kernel-1)+1)) / stride) + 1 = floor((" + std::to_string(in) +
                     " + " + std::to_string(lo) + " + " + std::to_string(hi) + " - (" + f +
                     ")) / " + std::to_string(stride) + ") + 1 = " + std::to_string(out) +
                     ", must be >= 1");
  }
  // Products of dims are bounded elsewhere; a single dim must fit the JS-side limit.
  if (out > kMaxDim) {
    args.range_error(std::string("output ") + what + " from " + in_name + "=" + std::to_string(in) +
                     " and padding " + std::to_string(lo) + "+" + std::to_string(hi) + " is " +
                     std::to_string(out) + ", more than " + std::to_string(kMaxDim));
  }
  return out;
}

inline ConvGeometry make_geometry(const Args& args, int64_t C, int64_t H, int64_t W,
                                  const WindowArgs& w) {
  ConvGeometry g;
  g.C = C;
  g.H = H;
  g.W = W;
  g.KH = w.KH;
  g.KW = w.KW;
  g.stride_h = w.stride_h;
  g.stride_w = w.stride_w;
  g.pad_top = w.pad_top;
  g.pad_left = w.pad_left;
  g.dilation_h = w.dilation_h;
  g.dilation_w = w.dilation_w;
  g.OH = output_size(args, "height", "H", H, w.KH, w.stride_h, w.pad_top, w.pad_bottom,
                     w.dilation_h);
  g.OW = output_size(args, "width", "W", W, w.KW, w.stride_w, w.pad_left, w.pad_right,
                     w.dilation_w);
  return g;
}

// An optional Float32Array: argument `i` is the buffer and `i + 1` the boolean saying whether
// it is used; when it is, it must hold `need` floats. Returns nullptr when unused.
inline float* optional_f32(const Args& args, size_t i, const char* name, const char* flag,
                           int64_t need, const std::string& because) {
  Napi::Float32Array a = args.f32(i, name);
  if (!args.boolean(i + 1, flag)) return nullptr;
  args.need(a, name, need, because);
  return a.Data();
}

}  // namespace neurite
