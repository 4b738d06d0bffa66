// Binding for the conv2d family: unwrap, check, call.
#include "../kernels/conv.h"

#include "args.h"
#include "conv_args.h"
#include "families.h"

namespace neurite {
namespace {

struct ConvArgs {
  ConvGeometry g;
  int64_t N, OC, groups;
  int64_t x_size, w_size, out_size;
};

// From argument `i`: N, C, H, W, OC, KH, KW, strideH, strideW, padTop, padBottom, padLeft,
// padRight, dilationH, dilationW, groups.
ConvArgs read_conv(const Args& args, size_t i) {
  ConvArgs a;
  a.N = args.dim(i, "N");
  const int64_t C = args.dim(i + 1, "C");
  const int64_t H = args.dim(i + 2, "H");
  const int64_t W = args.dim(i + 3, "W");
  a.OC = args.dim(i + 4, "OC");
  const WindowArgs w = read_window(args, i + 5, true);
  a.groups = args.dim(i + 15, "groups", 1);
  if (C % a.groups != 0 || a.OC % a.groups != 0) {
    args.range_error("C (" + std::to_string(C) + ") and OC (" + std::to_string(a.OC) +
                     ") must both be divisible by groups (" + std::to_string(a.groups) + ")");
  }
  a.g = make_geometry(args, C, H, W, w);
  a.x_size = mul_sat(mul_sat(a.N, C), mul_sat(H, W));
  a.w_size = mul_sat(mul_sat(a.OC, C / a.groups), mul_sat(w.KH, w.KW));
  a.out_size = mul_sat(mul_sat(a.N, a.OC), mul_sat(a.g.OH, a.g.OW));
  return a;
}

// conv2dForward(x, weight, bias, hasBias, out, N, C, H, W, OC, KH, KW, strideH, strideW,
//               padTop, padBottom, padLeft, padRight, dilationH, dilationW, groups)
// bias is read only when hasBias.
Napi::Value Conv2dForward(const Napi::CallbackInfo& info) {
  Args args(info, "conv2dForward", 21);
  Napi::Float32Array x = args.f32(0, "x");
  Napi::Float32Array weight = args.f32(1, "weight");
  Napi::Float32Array out = args.f32(4, "out");
  const ConvArgs a = read_conv(args, 5);
  float* bias = optional_f32(args, 2, "bias", "hasBias", a.OC, "OC");
  args.need(x, "x", a.x_size, "N*C*H*W");
  args.need(weight, "weight", a.w_size, "OC*(C/groups)*KH*KW");
  args.need(out, "out", a.out_size, "N*OC*OH*OW");
  conv2d_forward(args.pool(), a.g, a.N, a.OC, a.groups, x.Data(), weight.Data(), bias,
                 out.Data());
  return info.Env().Undefined();
}

// conv2dBackwardInput(dout, weight, dx, N, C, H, W, OC, ...window..., groups, accumulate)
Napi::Value Conv2dBackwardInput(const Napi::CallbackInfo& info) {
  Args args(info, "conv2dBackwardInput", 20);
  Napi::Float32Array dout = args.f32(0, "dout");
  Napi::Float32Array weight = args.f32(1, "weight");
  Napi::Float32Array dx = args.f32(2, "dx");
  const ConvArgs a = read_conv(args, 3);
  args.need(dout, "dout", a.out_size, "N*OC*OH*OW");
  args.need(weight, "weight", a.w_size, "OC*(C/groups)*KH*KW");
  args.need(dx, "dx", a.x_size, "N*C*H*W");
  const bool accumulate = args.boolean(19, "accumulate");
  conv2d_backward_input(args.pool(), a.g, a.N, a.OC, a.groups, dout.Data(), weight.Data(),
                        dx.Data(), accumulate);
  return info.Env().Undefined();
}

// conv2dBackwardWeight(x, dout, dweight, N, C, H, W, OC, ...window..., groups)
Napi::Value Conv2dBackwardWeight(const Napi::CallbackInfo& info) {
  Args args(info, "conv2dBackwardWeight", 19);
  Napi::Float32Array x = args.f32(0, "x");
  Napi::Float32Array dout = args.f32(1, "dout");
  Napi::Float32Array dweight = args.f32(2, "dweight");
  const ConvArgs a = read_conv(args, 3);
  args.need(x, "x", a.x_size, "N*C*H*W");
  args.need(dout, "dout", a.out_size, "N*OC*OH*OW");
  args.need(dweight, "dweight", a.w_size, "OC*(C/groups)*KH*KW");
  conv2d_backward_weight(args.pool(), a.g, a.N, a.OC, a.groups, x.Data(), dout.Data(),
                         dweight.Data());
  return info.Env().Undefined();
}

// conv2dBackwardBias(dout, dbias, N, OC, P)
Napi::Value Conv2dBackwardBias(const Napi::CallbackInfo& info) {
  Args args(info, "conv2dBackwardBias", 5);
  Napi::Float32Array dout = args.f32(0, "dout");
  Napi::Float32Array dbias = args.f32(1, "dbias");
  const int64_t N = args.dim(2, "N");
  const int64_t OC = args.dim(3, "OC");
  const int64_t P = args.dim(4, "P");
  args.need(dout, "dout", mul_sat(mul_sat(N, OC), P), "N*OC*P");
  args.need(dbias, "dbias", OC, "OC");
  conv2d_backward_bias(args.pool(), N, OC, P, dout.Data(), dbias.Data());
  return info.Env().Undefined();
}

}  // namespace

void register_conv(Napi::Env env, Napi::Object exports) {
  exports.Set("conv2dForward", Napi::Function::New(env, Conv2dForward, "conv2dForward"));
  exports.Set("conv2dBackwardInput",
              Napi::Function::New(env, Conv2dBackwardInput, "conv2dBackwardInput"));
  exports.Set("conv2dBackwardWeight",
              Napi::Function::New(env, Conv2dBackwardWeight, "conv2dBackwardWeight"));
  exports.Set("conv2dBackwardBias",
              Napi::Function::New(env, Conv2dBackwardBias, "conv2dBackwardBias"));
}

}  // namespace neurite
