// Binding for the loss family: unwrap, check, call. Class targets are checked here too
// (every index an integer in [0, C)), since the kernels index rows with them.
#include "../kernels/loss.h"

#include <cmath>
#include <string>

#include "args.h"
#include "families.h"

namespace neurite {
namespace {

void check_targets(const Args& args, const float* t, int64_t N, int64_t C) {
  for (int64_t r = 0; r < N; ++r) {
    const float v = t[r];
    if (!(v >= 0.0f && v < static_cast<float>(C)) || v != std::floor(v)) {
      args.range_error(std::string("argument 2 (t): t[") + std::to_string(r) +
                       "] must be a class index, an integer in [0, " + std::to_string(C) +
                       "), got " + std::to_string(v));
    }
  }
}

// pointwiseLossForward(kind, y, t, out, n, param, scale)
Napi::Value PointwiseLossForward(const Napi::CallbackInfo& info) {
  Args args(info, "pointwiseLossForward", 7);
  const auto kind = static_cast<PointwiseLoss>(args.dim(0, "kind", 0, kPointwiseLossCount - 1));
  Napi::Float32Array y = args.f32(1, "y");
  Napi::Float32Array t = args.f32(2, "t");
  Napi::Float32Array out = args.f32(3, "out");
  const int64_t n = args.dim(4, "n");
  const float param = args.number(5, "param");
  const float scale = args.number(6, "scale");
  args.need(y, "y", n, "n");
  args.need(t, "t", n, "n");
  args.need(out, "out", 1, "the loss is one value");
  pointwise_loss_forward(kind, y.Data(), t.Data(), out.Data(), n, param, scale);
  return info.Env().Undefined();
}

// pointwiseLossBackward(kind, y, t, dy, n, param, scale)
Napi::Value PointwiseLossBackward(const Napi::CallbackInfo& info) {
  Args args(info, "pointwiseLossBackward", 7);
  const auto kind = static_cast<PointwiseLoss>(args.dim(0, "kind", 0, kPointwiseLossCount - 1));
  Napi::Float32Array y = args.f32(1, "y");
  Napi::Float32Array t = args.f32(2, "t");
  Napi::Float32Array dy = args.f32(3, "dy");
  const int64_t n = args.dim(4, "n");
  const float param = args.number(5, "param");
  const float scale = args.number(6, "scale");
  args.need(y, "y", n, "n");
  args.need(t, "t", n, "n");
  args.need(dy, "dy", n, "n");
  pointwise_loss_backward(args.pool(), kind, y.Data(), t.Data(), dy.Data(), n, param, scale);
  return info.Env().Undefined();
}

// classLossForward(kind, y, t, out, N, C, scale)
Napi::Value ClassLossForward(const Napi::CallbackInfo& info) {
  Args args(info, "classLossForward", 7);
  const auto kind = static_cast<ClassLoss>(args.dim(0, "kind", 0, kClassLossCount - 1));
  Napi::Float32Array y = args.f32(1, "y");
  Napi::Float32Array t = args.f32(2, "t");
  Napi::Float32Array out = args.f32(3, "out");
  const int64_t N = args.dim(4, "N");
  const int64_t C = args.dim(5, "C", 1);
  const float scale = args.number(6, "scale");
  args.need(y, "y", mul_sat(N, C), "N*C");
  args.need(t, "t", N, "N");
  args.need(out, "out", 1, "the loss is one value");
  check_targets(args, t.Data(), N, C);
  class_loss_forward(kind, y.Data(), t.Data(), out.Data(), N, C, scale);
  return info.Env().Undefined();
}

// classLossBackward(kind, y, t, dy, N, C, scale)
Napi::Value ClassLossBackward(const Napi::CallbackInfo& info) {
  Args args(info, "classLossBackward", 7);
  const auto kind = static_cast<ClassLoss>(args.dim(0, "kind", 0, kClassLossCount - 1));
  Napi::Float32Array y = args.f32(1, "y");
  Napi::Float32Array t = args.f32(2, "t");
  Napi::Float32Array dy = args.f32(3, "dy");
  const int64_t N = args.dim(4, "N");
  const int64_t C = args.dim(5, "C", 1);
  const float scale = args.number(6, "scale");
  args.need(y, "y", mul_sat(N, C), "N*C");
  args.need(t, "t", N, "N");
  args.need(dy, "dy", mul_sat(N, C), "N*C");
  check_targets(args, t.Data(), N, C);
  class_loss_backward(args.pool(), kind, y.Data(), t.Data(), dy.Data(), N, C, scale);
  return info.Env().Undefined();
}

}  // namespace

void register_loss(Napi::Env env, Napi::Object exports) {
  exports.Set("pointwiseLossForward",
              Napi::Function::New(env, PointwiseLossForward, "pointwiseLossForward"));
  exports.Set("pointwiseLossBackward",
              Napi::Function::New(env, PointwiseLossBackward, "pointwiseLossBackward"));
  exports.Set("classLossForward", Napi::Function::New(env, ClassLossForward, "classLossForward"));
  exports.Set("classLossBackward",
              Napi::Function::New(env, ClassLossBackward, "classLossBackward"));
}

}  // namespace neurite
