// Binding for the pooling family: unwrap, check, call.
#include "../kernels/pool.h"

#include "args.h"
#include "conv_args.h"
#include "families.h"

namespace neurite {
namespace {

struct PoolArgs {
  ConvGeometry g;
  int64_t NC, x_size, out_size;
};

// From argument `i`: N, C, H, W, KH, KW, strideH, strideW, padTop, padBottom, padLeft,
// padRight, then dilationH, dilationW when `dilation`.
PoolArgs read_pool(const Args& args, size_t i, bool dilation) {
  PoolArgs a;
  const int64_t N = args.dim(i, "N");
  const int64_t C = args.dim(i + 1, "C");
  const int64_t H = args.dim(i + 2, "H");
  const int64_t W = args.dim(i + 3, "W");
  a.g = make_geometry(args, C, H, W, read_window(args, i + 4, dilation));
  a.NC = mul_sat(N, C);
  a.x_size = mul_sat(a.NC, mul_sat(H, W));
  a.out_size = mul_sat(a.NC, mul_sat(a.g.OH, a.g.OW));
  return a;
}

// maxPool2dForward(x, out, argmax, N, C, H, W, KH, KW, strideH, strideW, padTop, padBottom,
//                  padLeft, padRight, dilationH, dilationW)
Napi::Value MaxPool2dForward(const Napi::CallbackInfo& info) {
  Args args(info, "maxPool2dForward", 17);
  Napi::Float32Array x = args.f32(0, "x");
  Napi::Float32Array out = args.f32(1, "out");
  Napi::Float32Array argmax = args.f32(2, "argmax");
  const PoolArgs a = read_pool(args, 3, true);
  if (mul_sat(a.g.H, a.g.W) > (int64_t{1} << 24)) {
    args.range_error("H*W (" + std::to_string(mul_sat(a.g.H, a.g.W)) +
                     ") must be at most 2^24, so float32 argmax indices stay exact");
  }
  args.need(x, "x", a.x_size, "N*C*H*W");
  args.need(out, "out", a.out_size, "N*C*OH*OW");
  args.need(argmax, "argmax", a.out_size, "N*C*OH*OW");
  max_pool2d_forward(args.pool(), a.g, a.NC, x.Data(), out.Data(), argmax.Data());
  return info.Env().Undefined();
}

// maxPool2dBackward(dout, argmax, dx, NC, HW, P, W, K, accumulate): dx[plane, argmax] += dout
// (into zeros when not accumulate). The kernel
// skips indices outside [0, HW), so argmax contents need no check here; W and K only pick the
// loop (K = 0: windows that do not tile the plane), so any values are safe.
Napi::Value MaxPool2dBackward(const Napi::CallbackInfo& info) {
  Args args(info, "maxPool2dBackward", 9);
  Napi::Float32Array dout = args.f32(0, "dout");
  Napi::Float32Array argmax = args.f32(1, "argmax");
  Napi::Float32Array dx = args.f32(2, "dx");
  const int64_t NC = args.dim(3, "NC");
  const int64_t HW = args.dim(4, "HW");
  const int64_t P = args.dim(5, "P");
  const int64_t W = args.dim(6, "W");
  const int64_t K = args.dim(7, "K");
  const bool accumulate = args.boolean(8, "accumulate");
  const int64_t n = mul_sat(NC, P);
  args.need(dout, "dout", n, "NC*P");
  args.need(argmax, "argmax", n, "NC*P");
  args.need(dx, "dx", mul_sat(NC, HW), "NC*HW");
  max_pool2d_backward(args.pool(), NC, HW, P, W, K, dout.Data(), argmax.Data(), dx.Data(),
                      accumulate);
  return info.Env().Undefined();
}

// avgPool2dForward(x, out, N, C, H, W, KH, KW, strideH, strideW, padTop, padBottom, padLeft,
//                  padRight, countIncludePad)
Napi::Value AvgPool2dForward(const Napi::CallbackInfo& info) {
  Args args(info, "avgPool2dForward", 15);
  Napi::Float32Array x = args.f32(0, "x");
  Napi::Float32Array out = args.f32(1, "out");
  const PoolArgs a = read_pool(args, 2, false);
  const bool include_pad = args.boolean(14, "countIncludePad");
  args.need(x, "x", a.x_size, "N*C*H*W");
  args.need(out, "out", a.out_size, "N*C*OH*OW");
  avg_pool2d_forward(args.pool(), a.g, a.NC, include_pad, x.Data(), out.Data());
  return info.Env().Undefined();
}

// avgPool2dBackward(dout, dx, N, C, H, W, ...as avgPool2dForward)
Napi::Value AvgPool2dBackward(const Napi::CallbackInfo& info) {
  Args args(info, "avgPool2dBackward", 15);
  Napi::Float32Array dout = args.f32(0, "dout");
  Napi::Float32Array dx = args.f32(1, "dx");
  const PoolArgs a = read_pool(args, 2, false);
  const bool include_pad = args.boolean(14, "countIncludePad");
  args.need(dout, "dout", a.out_size, "N*C*OH*OW");
  args.need(dx, "dx", a.x_size, "N*C*H*W");
  avg_pool2d_backward(args.pool(), a.g, a.NC, include_pad, dout.Data(), dx.Data());
  return info.Env().Undefined();
}

struct AdaptiveArgs {
  int64_t NC, H, W, OH, OW;
};

AdaptiveArgs read_adaptive(const Args& args) {
  AdaptiveArgs a;
  a.NC = args.dim(2, "NC");
  a.H = args.dim(3, "H", 1);
  a.W = args.dim(4, "W", 1);
  a.OH = args.dim(5, "OH", 1);
  a.OW = args.dim(6, "OW", 1);
  return a;
}

// adaptiveAvgPool2dForward(x, out, NC, H, W, OH, OW)
Napi::Value AdaptiveAvgPool2dForward(const Napi::CallbackInfo& info) {
  Args args(info, "adaptiveAvgPool2dForward", 7);
  Napi::Float32Array x = args.f32(0, "x");
  Napi::Float32Array out = args.f32(1, "out");
  const AdaptiveArgs a = read_adaptive(args);
  args.need(x, "x", mul_sat(a.NC, mul_sat(a.H, a.W)), "NC*H*W");
  args.need(out, "out", mul_sat(a.NC, mul_sat(a.OH, a.OW)), "NC*OH*OW");
  adaptive_avg_pool2d_forward(args.pool(), a.NC, a.H, a.W, a.OH, a.OW, x.Data(), out.Data());
  return info.Env().Undefined();
}

// adaptiveAvgPool2dBackward(dout, dx, NC, H, W, OH, OW)
Napi::Value AdaptiveAvgPool2dBackward(const Napi::CallbackInfo& info) {
  Args args(info, "adaptiveAvgPool2dBackward", 7);
  Napi::Float32Array dout = args.f32(0, "dout");
  Napi::Float32Array dx = args.f32(1, "dx");
  const AdaptiveArgs a = read_adaptive(args);
  args.need(dout, "dout", mul_sat(a.NC, mul_sat(a.OH, a.OW)), "NC*OH*OW");
  args.need(dx, "dx", mul_sat(a.NC, mul_sat(a.H, a.W)), "NC*H*W");
  adaptive_avg_pool2d_backward(args.pool(), a.NC, a.H, a.W, a.OH, a.OW, dout.Data(), dx.Data());
  return info.Env().Undefined();
}

}  // namespace

void register_pool(Napi::Env env, Napi::Object exports) {
  exports.Set("maxPool2dForward", Napi::Function::New(env, MaxPool2dForward, "maxPool2dForward"));
  exports.Set("maxPool2dBackward",
              Napi::Function::New(env, MaxPool2dBackward, "maxPool2dBackward"));
  exports.Set("avgPool2dForward", Napi::Function::New(env, AvgPool2dForward, "avgPool2dForward"));
  exports.Set("avgPool2dBackward",
              Napi::Function::New(env, AvgPool2dBackward, "avgPool2dBackward"));
  exports.Set("adaptiveAvgPool2dForward",
              Napi::Function::New(env, AdaptiveAvgPool2dForward, "adaptiveAvgPool2dForward"));
  exports.Set("adaptiveAvgPool2dBackward",
              Napi::Function::New(env, AdaptiveAvgPool2dBackward, "adaptiveAvgPool2dBackward"));
}

}  // namespace neurite
