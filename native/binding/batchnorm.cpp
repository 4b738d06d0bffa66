// Binding for the batch-norm family: unwrap, check, call. Optional per-channel arrays
// (weight, bias, running stats, gradients) are passed as empty Float32Arrays when absent.
#include "../kernels/batchnorm.h"

#include <string>

#include "args.h"
#include "families.h"

namespace neurite {
namespace {

struct BnDims {
  int64_t N, C, HW, size;
};

BnDims read_dims(const Args& args, size_t i) {
  BnDims d;
  d.N = args.dim(i, "N");
  d.C = args.dim(i + 1, "C");
  d.HW = args.dim(i + 2, "HW");
  d.size = mul_sat(d.N, mul_sat(d.C, d.HW));
  return d;
}

// Argument `i` as a per-channel array: nullptr when empty, else at least C elements.
float* optional_channels(const Args& args, size_t i, const char* name, int64_t C) {
  Napi::Float32Array a = args.f32(i, name);
  const int64_t have = static_cast<int64_t>(a.ElementLength());
  if (have == 0) return nullptr;
  if (have < C) {
    args.range_error(std::string(name) + " has " + std::to_string(have) +
                     " elements, needs 0 (absent) or at least C (" + std::to_string(C) + ")");
  }
  return a.Data();
}

// batchNorm2dForwardTrain(x, weight, bias, out, saveMean, saveInvstd, runningMean, runningVar,
//                         N, C, HW, momentum, eps)
Napi::Value BatchNorm2dForwardTrain(const Napi::CallbackInfo& info) {
  Args args(info, "batchNorm2dForwardTrain", 13);
  Napi::Float32Array x = args.f32(0, "x");
  Napi::Float32Array out = args.f32(3, "out");
  Napi::Float32Array save_mean = args.f32(4, "saveMean");
  Napi::Float32Array save_invstd = args.f32(5, "saveInvstd");
  const BnDims d = read_dims(args, 8);
  const float momentum = args.number(11, "momentum");
  const float eps = args.number(12, "eps");
  const float* weight = optional_channels(args, 1, "weight", d.C);
  const float* bias = optional_channels(args, 2, "bias", d.C);
  float* running_mean = optional_channels(args, 6, "runningMean", d.C);
  float* running_var = optional_channels(args, 7, "runningVar", d.C);
  args.need(x, "x", d.size, "N*C*HW");
  args.need(out, "out", d.size, "N*C*HW");
  args.need(save_mean, "saveMean", d.C, "C");
  args.need(save_invstd, "saveInvstd", d.C, "C");
  batchnorm2d_forward_train(args.pool(), d.N, d.C, d.HW, x.Data(), weight, bias, momentum, eps,
                            out.Data(), save_mean.Data(), save_invstd.Data(), running_mean,
                            running_var);
  return info.Env().Undefined();
}

// batchNorm2dForwardEval(x, weight, bias, runningMean, runningVar, out, saveMean, saveInvstd,
//                        N, C, HW, eps)
Napi::Value BatchNorm2dForwardEval(const Napi::CallbackInfo& info) {
  Args args(info, "batchNorm2dForwardEval", 12);
  Napi::Float32Array x = args.f32(0, "x");
  Napi::Float32Array running_mean = args.f32(3, "runningMean");
  Napi::Float32Array running_var = args.f32(4, "runningVar");
  Napi::Float32Array out = args.f32(5, "out");
  Napi::Float32Array save_mean = args.f32(6, "saveMean");
  Napi::Float32Array save_invstd = args.f32(7, "saveInvstd");
  const BnDims d = read_dims(args, 8);
  const float eps = args.number(11, "eps");
  const float* weight = optional_channels(args, 1, "weight", d.C);
  const float* bias = optional_channels(args, 2, "bias", d.C);
  args.need(x, "x", d.size, "N*C*HW");
  args.need(running_mean, "runningMean", d.C, "C");
  args.need(running_var, "runningVar", d.C, "C");
  args.need(out, "out", d.size, "N*C*HW");
  args.need(save_mean, "saveMean", d.C, "C");
  args.need(save_invstd, "saveInvstd", d.C, "C");
  batchnorm2d_forward_eval(args.pool(), d.N, d.C, d.HW, x.Data(), weight, bias,
                           running_mean.Data(), running_var.Data(), eps, out.Data(),
                           save_mean.Data(), save_invstd.Data());
  return info.Env().Undefined();
}

// batchNorm2dBackward(dout, x, weight, saveMean, saveInvstd, dx, dweight, dbias, N, C, HW,
//                     training); dx, dweight, dbias may be empty (not needed).
Napi::Value BatchNorm2dBackward(const Napi::CallbackInfo& info) {
  Args args(info, "batchNorm2dBackward", 12);
  Napi::Float32Array dout = args.f32(0, "dout");
  Napi::Float32Array x = args.f32(1, "x");
  Napi::Float32Array save_mean = args.f32(3, "saveMean");
  Napi::Float32Array save_invstd = args.f32(4, "saveInvstd");
  Napi::Float32Array dx = args.f32(5, "dx");
  const BnDims d = read_dims(args, 8);
  const bool training = args.boolean(11, "training");
  const float* weight = optional_channels(args, 2, "weight", d.C);
  float* dweight = optional_channels(args, 6, "dweight", d.C);
  float* dbias = optional_channels(args, 7, "dbias", d.C);
  args.need(dout, "dout", d.size, "N*C*HW");
  args.need(x, "x", d.size, "N*C*HW");
  args.need(save_mean, "saveMean", d.C, "C");
  args.need(save_invstd, "saveInvstd", d.C, "C");
  float* dxp = nullptr;
  if (dx.ElementLength() != 0) {
    args.need(dx, "dx", d.size, "N*C*HW");
    dxp = dx.Data();
  }
  batchnorm2d_backward(args.pool(), d.N, d.C, d.HW, training, dout.Data(), x.Data(), weight,
                       save_mean.Data(), save_invstd.Data(), dxp, dweight, dbias);
  return info.Env().Undefined();
}

}  // namespace

void register_batchnorm(Napi::Env env, Napi::Object exports) {
  exports.Set("batchNorm2dForwardTrain",
              Napi::Function::New(env, BatchNorm2dForwardTrain, "batchNorm2dForwardTrain"));
  exports.Set("batchNorm2dForwardEval",
              Napi::Function::New(env, BatchNorm2dForwardEval, "batchNorm2dForwardEval"));
  exports.Set("batchNorm2dBackward",
              Napi::Function::New(env, BatchNorm2dBackward, "batchNorm2dBackward"));
}

}  // namespace neurite
