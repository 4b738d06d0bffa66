// Binding for the softmax family: unwrap, check, call.
#include "../kernels/softmax.h"

#include "args.h"
#include "families.h"

namespace neurite {
namespace {

using Forward = void (*)(ThreadPool&, const float*, float*, int64_t, int64_t) noexcept;
using Backward = void (*)(ThreadPool&, const float*, const float*, float*, int64_t,
                          int64_t) noexcept;

// <name>(x, y, rows, cols)
template <Forward F>
Napi::Value RowForward(const Napi::CallbackInfo& info, const char* name) {
  Args args(info, name, 4);
  Napi::Float32Array x = args.f32(0, "x");
  Napi::Float32Array y = args.f32(1, "y");
  const int64_t rows = args.dim(2, "rows");
  const int64_t cols = args.dim(3, "cols");
  args.need(x, "x", mul_sat(rows, cols), "rows*cols");
  args.need(y, "y", mul_sat(rows, cols), "rows*cols");
  F(args.pool(), x.Data(), y.Data(), rows, cols);
  return info.Env().Undefined();
}

// <name>(y, dout, dx, rows, cols)
template <Backward F>
Napi::Value RowBackward(const Napi::CallbackInfo& info, const char* name) {
  Args args(info, name, 5);
  Napi::Float32Array y = args.f32(0, "y");
  Napi::Float32Array dout = args.f32(1, "dout");
  Napi::Float32Array dx = args.f32(2, "dx");
  const int64_t rows = args.dim(3, "rows");
  const int64_t cols = args.dim(4, "cols");
  const int64_t n = mul_sat(rows, cols);
  args.need(y, "y", n, "rows*cols");
  args.need(dout, "dout", n, "rows*cols");
  args.need(dx, "dx", n, "rows*cols");
  F(args.pool(), y.Data(), dout.Data(), dx.Data(), rows, cols);
  return info.Env().Undefined();
}

Napi::Value SoftmaxForward(const Napi::CallbackInfo& info) {
  return RowForward<softmax_forward>(info, "softmaxForward");
}
Napi::Value SoftmaxBackward(const Napi::CallbackInfo& info) {
  return RowBackward<softmax_backward>(info, "softmaxBackward");
}
Napi::Value LogSoftmaxForward(const Napi::CallbackInfo& info) {
  return RowForward<log_softmax_forward>(info, "logSoftmaxForward");
}
Napi::Value LogSoftmaxBackward(const Napi::CallbackInfo& info) {
  return RowBackward<log_softmax_backward>(info, "logSoftmaxBackward");
}

}  // namespace

void register_softmax(Napi::Env env, Napi::Object exports) {
  exports.Set("softmaxForward", Napi::Function::New(env, SoftmaxForward, "softmaxForward"));
  exports.Set("softmaxBackward", Napi::Function::New(env, SoftmaxBackward, "softmaxBackward"));
  exports.Set("logSoftmaxForward",
              Napi::Function::New(env, LogSoftmaxForward, "logSoftmaxForward"));
  exports.Set("logSoftmaxBackward",
              Napi::Function::New(env, LogSoftmaxBackward, "logSoftmaxBackward"));
}

}  // namespace neurite
