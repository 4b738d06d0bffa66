// Binding for the optimizer family: unwrap, check, call.
#include "../kernels/optim.h"

#include "args.h"
#include "families.h"

namespace neurite {
namespace {

constexpr int64_t kMaxLen = INT64_MAX >> 1;

// sgdStep(param, grad, buf, n, lr, momentum, dampening, weightDecay, nesterov, firstStep)
Napi::Value SgdStep(const Napi::CallbackInfo& info) {
  Args args(info, "sgdStep", 10);
  Napi::Float32Array param = args.f32(0, "param");
  Napi::Float32Array grad = args.f32(1, "grad");
  Napi::Float32Array buf = args.f32(2, "buf");
  const int64_t n = args.dim(3, "n", 0, kMaxLen);
  const float lr = args.number(4, "lr");
  const float momentum = args.number(5, "momentum");
  const float dampening = args.number(6, "dampening");
  const float weight_decay = args.number(7, "weightDecay");
  const bool nesterov = args.boolean(8, "nesterov");
  const bool first_step = args.boolean(9, "firstStep");
  args.need(param, "param", n, "n");
  args.need(grad, "grad", n, "n");
  if (momentum != 0.0f) args.need(buf, "buf", n, "n when momentum != 0");
  sgd_step(args.pool(), param.Data(), grad.Data(), momentum != 0.0f ? buf.Data() : nullptr, n,
           lr, momentum, dampening, weight_decay, nesterov, first_step);
  return info.Env().Undefined();
}

// adamStep(param, grad, expAvg, expAvgSq, n, lr, beta1, beta2, eps, weightDecay, step, decoupled)
Napi::Value AdamStep(const Napi::CallbackInfo& info) {
  Args args(info, "adamStep", 12);
  Napi::Float32Array param = args.f32(0, "param");
  Napi::Float32Array grad = args.f32(1, "grad");
  Napi::Float32Array exp_avg = args.f32(2, "expAvg");
  Napi::Float32Array exp_avg_sq = args.f32(3, "expAvgSq");
  const int64_t n = args.dim(4, "n", 0, kMaxLen);
  const float lr = args.number(5, "lr");
  const float beta1 = args.number(6, "beta1");
  const float beta2 = args.number(7, "beta2");
  const float eps = args.number(8, "eps");
  const float weight_decay = args.number(9, "weightDecay");
  const int64_t step = args.dim(10, "step", 1, (int64_t{1} << 53) - 1);  // exact in a double
  const bool decoupled = args.boolean(11, "decoupled");
  args.need(param, "param", n, "n");
  args.need(grad, "grad", n, "n");
  args.need(exp_avg, "expAvg", n, "n");
  args.need(exp_avg_sq, "expAvgSq", n, "n");
  adam_step(args.pool(), param.Data(), grad.Data(), exp_avg.Data(), exp_avg_sq.Data(), n, lr,
            beta1, beta2, eps, weight_decay, step, decoupled);
  return info.Env().Undefined();
}

// rmspropStep(param, grad, squareAvg, buf, n, lr, alpha, eps, weightDecay, momentum)
Napi::Value RmspropStep(const Napi::CallbackInfo& info) {
  Args args(info, "rmspropStep", 10);
  Napi::Float32Array param = args.f32(0, "param");
  Napi::Float32Array grad = args.f32(1, "grad");
  Napi::Float32Array square_avg = args.f32(2, "squareAvg");
  Napi::Float32Array buf = args.f32(3, "buf");
  const int64_t n = args.dim(4, "n", 0, kMaxLen);
  const float lr = args.number(5, "lr");
  const float alpha = args.number(6, "alpha");
  const float eps = args.number(7, "eps");
  const float weight_decay = args.number(8, "weightDecay");
  const float momentum = args.number(9, "momentum");
  args.need(param, "param", n, "n");
  args.need(grad, "grad", n, "n");
  args.need(square_avg, "squareAvg", n, "n");
  if (momentum > 0.0f) args.need(buf, "buf", n, "n when momentum > 0");
  rmsprop_step(args.pool(), param.Data(), grad.Data(), square_avg.Data(),
               momentum > 0.0f ? buf.Data() : nullptr, n, lr, alpha, eps, weight_decay, momentum);
  return info.Env().Undefined();
}

// penaltyGrad(param, grad, n, l1, l2)
Napi::Value PenaltyGrad(const Napi::CallbackInfo& info) {
  Args args(info, "penaltyGrad", 5);
  Napi::Float32Array param = args.f32(0, "param");
  Napi::Float32Array grad = args.f32(1, "grad");
  const int64_t n = args.dim(2, "n", 0, kMaxLen);
  const float l1 = args.number(3, "l1");
  const float l2 = args.number(4, "l2");
  args.need(param, "param", n, "n");
  args.need(grad, "grad", n, "n");
  penalty_grad(args.pool(), param.Data(), grad.Data(), n, l1, l2);
  return info.Env().Undefined();
}

// maxNormRows(weight, rows, cols, maxNorm)
Napi::Value MaxNormRows(const Napi::CallbackInfo& info) {
  Args args(info, "maxNormRows", 4);
  Napi::Float32Array weight = args.f32(0, "weight");
  const int64_t rows = args.dim(1, "rows");
  const int64_t cols = args.dim(2, "cols");
  const float max_norm = args.number(3, "maxNorm");
  args.need(weight, "weight", mul_sat(rows, cols), "rows*cols");
  max_norm_rows(args.pool(), weight.Data(), rows, cols, max_norm);
  return info.Env().Undefined();
}

// clipValue(x, n, lo, hi)
Napi::Value ClipValue(const Napi::CallbackInfo& info) {
  Args args(info, "clipValue", 4);
  Napi::Float32Array x = args.f32(0, "x");
  const int64_t n = args.dim(1, "n", 0, kMaxLen);
  const float lo = args.number(2, "lo");
  const float hi = args.number(3, "hi");
  args.need(x, "x", n, "n");
  clip_value(args.pool(), x.Data(), n, lo, hi);
  return info.Env().Undefined();
}

// sumSquares(x, n, out)
Napi::Value SumSquares(const Napi::CallbackInfo& info) {
  Args args(info, "sumSquares", 3);
  Napi::Float32Array x = args.f32(0, "x");
  const int64_t n = args.dim(1, "n", 0, kMaxLen);
  Napi::Float32Array out = args.f32(2, "out");
  args.need(x, "x", n, "n");
  args.need(out, "out", 1, "the sum is one value");
  sum_squares(x.Data(), n, out.Data());
  return info.Env().Undefined();
}

}  // namespace

void register_optim(Napi::Env env, Napi::Object exports) {
  exports.Set("sgdStep", Napi::Function::New(env, SgdStep, "sgdStep"));
  exports.Set("adamStep", Napi::Function::New(env, AdamStep, "adamStep"));
  exports.Set("rmspropStep", Napi::Function::New(env, RmspropStep, "rmspropStep"));
  exports.Set("penaltyGrad", Napi::Function::New(env, PenaltyGrad, "penaltyGrad"));
  exports.Set("maxNormRows", Napi::Function::New(env, MaxNormRows, "maxNormRows"));
  exports.Set("clipValue", Napi::Function::New(env, ClipValue, "clipValue"));
  exports.Set("sumSquares", Napi::Function::New(env, SumSquares, "sumSquares"));
}

}  // namespace neurite
