// Binding for axis reductions: unwrap, check, call.
#include "../kernels/reduce.h"

#include "args.h"
#include "families.h"

namespace neurite {
namespace {

struct Axis {
  int64_t outer, n, inner, total;
};

Axis read_axis(const Args& args, size_t i) {
  Axis a;
  a.outer = args.dim(i, "outer");
  a.n = args.dim(i + 1, "n");
  a.inner = args.dim(i + 2, "inner");
  a.total = mul_sat(mul_sat(a.outer, a.n), a.inner);
  return a;
}

// reduceSumForward(x, out, outer, n, inner, scale)
Napi::Value ReduceSumForward(const Napi::CallbackInfo& info) {
  Args args(info, "reduceSumForward", 6);
  Napi::Float32Array x = args.f32(0, "x");
  Napi::Float32Array out = args.f32(1, "out");
  const Axis a = read_axis(args, 2);
  const float scale = args.number(5, "scale");
  args.need(x, "x", a.total, "outer*n*inner");
  args.need(out, "out", mul_sat(a.outer, a.inner), "outer*inner");
  reduce_sum_forward(args.pool(), x.Data(), out.Data(), a.outer, a.n, a.inner, scale);
  return info.Env().Undefined();
}

// reduceSumBackward(dout, dx, outer, n, inner, scale)
Napi::Value ReduceSumBackward(const Napi::CallbackInfo& info) {
  Args args(info, "reduceSumBackward", 6);
  Napi::Float32Array dout = args.f32(0, "dout");
  Napi::Float32Array dx = args.f32(1, "dx");
  const Axis a = read_axis(args, 2);
  const float scale = args.number(5, "scale");
  args.need(dout, "dout", mul_sat(a.outer, a.inner), "outer*inner");
  args.need(dx, "dx", a.total, "outer*n*inner");
  reduce_sum_backward(args.pool(), dout.Data(), dx.Data(), a.outer, a.n, a.inner, scale);
  return info.Env().Undefined();
}

}  // namespace

void register_reduce(Napi::Env env, Napi::Object exports) {
  exports.Set("reduceSumForward", Napi::Function::New(env, ReduceSumForward, "reduceSumForward"));
  exports.Set("reduceSumBackward",
              Napi::Function::New(env, ReduceSumBackward, "reduceSumBackward"));
}

}  // namespace neurite
