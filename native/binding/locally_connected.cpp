// Binding for the locally-connected 2-D family: unwrap, check, call.
#include "../kernels/locally_connected.h"

#include "args.h"
#include "conv_args.h"
#include "families.h"

namespace neurite {
namespace {

struct LcArgs {
  ConvGeometry g;
  int64_t N, OC;
  int64_t x_size, w_size, b_size, out_size;
};

// From argument `i`: N, C, H, W, OC, KH, KW, strideH, strideW, padTop, padBottom, padLeft,
// padRight, dilationH, dilationW.
LcArgs read_lc(const Args& args, size_t i) {
  LcArgs a;
  a.N = args.dim(i, "N");
  const int64_t C = args.dim(i + 1, "C");
  const int64_t H = args.dim(i + 2, "H");
  const int64_t W = args.dim(i + 3, "W");
  a.OC = args.dim(i + 4, "OC");
  a.g = make_geometry(args, C, H, W, read_window(args, i + 5, true));
  const int64_t P = mul_sat(a.g.OH, a.g.OW);
  a.x_size = mul_sat(mul_sat(a.N, C), mul_sat(H, W));
  a.w_size = mul_sat(mul_sat(P, a.OC), mul_sat(C, mul_sat(a.g.KH, a.g.KW)));
  a.b_size = mul_sat(a.OC, P);
  a.out_size = mul_sat(a.N, a.b_size);
  return a;
}

// locallyConnected2dForward(x, weight, bias, hasBias, out, N, C, H, W, OC, ...window with
// dilation...)
Napi::Value Forward(const Napi::CallbackInfo& info) {
  Args args(info, "locallyConnected2dForward", 20);
  Napi::Float32Array x = args.f32(0, "x");
  Napi::Float32Array weight = args.f32(1, "weight");
  Napi::Float32Array out = args.f32(4, "out");
  const LcArgs a = read_lc(args, 5);
  float* bias = optional_f32(args, 2, "bias", "hasBias", a.b_size, "OC*OH*OW");
  args.need(x, "x", a.x_size, "N*C*H*W");
  args.need(weight, "weight", a.w_size, "OH*OW*OC*C*KH*KW");
  args.need(out, "out", a.out_size, "N*OC*OH*OW");
  locally_connected2d_forward(args.pool(), a.g, a.N, a.OC, x.Data(), weight.Data(), bias,
                              out.Data());
  return info.Env().Undefined();
}

// locallyConnected2dBackwardInput(dout, weight, dx, N, C, H, W, OC, ...window...)
Napi::Value BackwardInput(const Napi::CallbackInfo& info) {
  Args args(info, "locallyConnected2dBackwardInput", 18);
  Napi::Float32Array dout = args.f32(0, "dout");
  Napi::Float32Array weight = args.f32(1, "weight");
  Napi::Float32Array dx = args.f32(2, "dx");
  const LcArgs a = read_lc(args, 3);
  args.need(dout, "dout", a.out_size, "N*OC*OH*OW");
  args.need(weight, "weight", a.w_size, "OH*OW*OC*C*KH*KW");
  args.need(dx, "dx", a.x_size, "N*C*H*W");
  locally_connected2d_backward_input(args.pool(), a.g, a.N, a.OC, dout.Data(), weight.Data(),
                                     dx.Data());
  return info.Env().Undefined();
}

// locallyConnected2dBackwardWeight(x, dout, dweight, dbias, hasBias, N, C, H, W, OC, ...window...)
// dbias is written only when hasBias.
Napi::Value BackwardWeight(const Napi::CallbackInfo& info) {
  Args args(info, "locallyConnected2dBackwardWeight", 20);
  Napi::Float32Array x = args.f32(0, "x");
  Napi::Float32Array dout = args.f32(1, "dout");
  Napi::Float32Array dweight = args.f32(2, "dweight");
  const LcArgs a = read_lc(args, 5);
  float* dbias = optional_f32(args, 3, "dbias", "hasBias", a.b_size, "OC*OH*OW");
  args.need(x, "x", a.x_size, "N*C*H*W");
  args.need(dout, "dout", a.out_size, "N*OC*OH*OW");
  args.need(dweight, "dweight", a.w_size, "OH*OW*OC*C*KH*KW");
  locally_connected2d_backward_weight(args.pool(), a.g, a.N, a.OC, x.Data(), dout.Data(),
                                      dweight.Data(), dbias);
  return info.Env().Undefined();
}

}  // namespace

void register_locally_connected(Napi::Env env, Napi::Object exports) {
  exports.Set("locallyConnected2dForward",
              Napi::Function::New(env, Forward, "locallyConnected2dForward"));
  exports.Set("locallyConnected2dBackwardInput",
              Napi::Function::New(env, BackwardInput, "locallyConnected2dBackwardInput"));
  exports.Set("locallyConnected2dBackwardWeight",
              Napi::Function::New(env, BackwardWeight, "locallyConnected2dBackwardWeight"));
}

}  // namespace neurite
