// Binding for the elementwise family: unwrap, check, call.
#include "../kernels/elementwise.h"

#include "args.h"
#include "families.h"

namespace neurite {
namespace {

int64_t count(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n = mul_sat(n, d);
  return n;
}

// Elements an operand must hold to be read at every index of `shape` through `strides`.
int64_t strided_extent(const std::vector<int64_t>& shape, const std::vector<int64_t>& strides) {
  if (count(shape) == 0) return 0;
  int64_t last = 0;
  for (size_t d = 0; d < shape.size(); ++d) {
    const int64_t step = mul_sat(shape[d] - 1, strides[d]);
    last = (last > INT64_MAX - step) ? INT64_MAX : last + step;
  }
  return last == INT64_MAX ? last : last + 1;
}

void check_strides(const Args& args, const char* name, const std::vector<int64_t>& strides,
                   const std::vector<int64_t>& shape) {
  if (strides.size() != shape.size()) {
    args.range_error(std::string(name) + " has " + std::to_string(strides.size()) +
                     " entries, shape has " + std::to_string(shape.size()));
  }
}

template <typename E>
E op_code(const Args& args, size_t i, int32_t op_count) {
  return static_cast<E>(args.dim(i, "op", 0, op_count - 1));
}

// binaryForward(op, a, aStrides, b, bStrides, out, shape)
Napi::Value BinaryForward(const Napi::CallbackInfo& info) {
  Args args(info, "binaryForward", 7);
  const auto op = op_code<BinaryOp>(args, 0, kBinaryOpCount);
  Napi::Float32Array a = args.f32(1, "a");
  const auto a_strides = args.dims(2, "aStrides", 0, kMaxRank);
  Napi::Float32Array b = args.f32(3, "b");
  const auto b_strides = args.dims(4, "bStrides", 0, kMaxRank);
  Napi::Float32Array out = args.f32(5, "out");
  const auto shape = args.dims(6, "shape", 0, kMaxRank);
  check_strides(args, "aStrides", a_strides, shape);
  check_strides(args, "bStrides", b_strides, shape);
  args.need(a, "a", strided_extent(shape, a_strides), "shape and aStrides");
  args.need(b, "b", strided_extent(shape, b_strides), "shape and bStrides");
  args.need(out, "out", count(shape), "shape");
  binary_forward(args.pool(), op, a.Data(), a_strides.data(), b.Data(), b_strides.data(),
                 out.Data(), shape.data(), static_cast<int>(shape.size()));
  return info.Env().Undefined();
}

// unbroadcastSum(dout, shape, dx, dxStrides)
Napi::Value UnbroadcastSum(const Napi::CallbackInfo& info) {
  Args args(info, "unbroadcastSum", 4);
  Napi::Float32Array dout = args.f32(0, "dout");
  const auto shape = args.dims(1, "shape", 0, kMaxRank);
  Napi::Float32Array dx = args.f32(2, "dx");
  const auto dx_strides = args.dims(3, "dxStrides", 0, kMaxRank);
  check_strides(args, "dxStrides", dx_strides, shape);
  args.need(dout, "dout", count(shape), "shape");
  args.need(dx, "dx", strided_extent(shape, dx_strides), "shape and dxStrides");
  unbroadcast_sum(args.pool(), dout.Data(), shape.data(), static_cast<int>(shape.size()),
                  dx.Data(), dx_strides.data());
  return info.Env().Undefined();
}

// unaryForward(op, x, out, n, alpha)
Napi::Value UnaryForward(const Napi::CallbackInfo& info) {
  Args args(info, "unaryForward", 5);
  const auto op = op_code<UnaryOp>(args, 0, kUnaryOpCount);
  Napi::Float32Array x = args.f32(1, "x");
  Napi::Float32Array out = args.f32(2, "out");
  const int64_t n = args.dim(3, "n", 0, INT64_MAX >> 1);
  const float alpha = args.number(4, "alpha");
  args.need(x, "x", n, "n");
  args.need(out, "out", n, "n");
  unary_forward(args.pool(), op, x.Data(), out.Data(), n, alpha);
  return info.Env().Undefined();
}

// unaryBackward(op, x, y, dout, dx, n, alpha, accumulate)
Napi::Value UnaryBackward(const Napi::CallbackInfo& info) {
  Args args(info, "unaryBackward", 8);
  const auto op = op_code<UnaryOp>(args, 0, kUnaryOpCount);
  Napi::Float32Array x = args.f32(1, "x");
  Napi::Float32Array y = args.f32(2, "y");
  Napi::Float32Array dout = args.f32(3, "dout");
  Napi::Float32Array dx = args.f32(4, "dx");
  const int64_t n = args.dim(5, "n", 0, INT64_MAX >> 1);
  const float alpha = args.number(6, "alpha");
  const bool accumulate = args.boolean(7, "accumulate");
  args.need(x, "x", n, "n");
  args.need(y, "y", n, "n");
  args.need(dout, "dout", n, "n");
  args.need(dx, "dx", n, "n");
  unary_backward(args.pool(), op, x.Data(), y.Data(), dout.Data(), dx.Data(), n, alpha,
                 accumulate);
  return info.Env().Undefined();
}

// scale(x, alpha, out, n)
Napi::Value Scale(const Napi::CallbackInfo& info) {
  Args args(info, "scale", 4);
  Napi::Float32Array x = args.f32(0, "x");
  const float alpha = args.number(1, "alpha");
  Napi::Float32Array out = args.f32(2, "out");
  const int64_t n = args.dim(3, "n", 0, INT64_MAX >> 1);
  args.need(x, "x", n, "n");
  args.need(out, "out", n, "n");
  scale(args.pool(), x.Data(), alpha, out.Data(), n);
  return info.Env().Undefined();
}

// axpy(alpha, x, y, n): y += alpha * x
Napi::Value Axpy(const Napi::CallbackInfo& info) {
  Args args(info, "axpy", 4);
  const float alpha = args.number(0, "alpha");
  Napi::Float32Array x = args.f32(1, "x");
  Napi::Float32Array y = args.f32(2, "y");
  const int64_t n = args.dim(3, "n", 0, INT64_MAX >> 1);
  args.need(x, "x", n, "n");
  args.need(y, "y", n, "n");
  axpy(args.pool(), alpha, x.Data(), y.Data(), n);
  return info.Env().Undefined();
}

// biasAddForward(out, bias, M, N)
Napi::Value BiasAddForward(const Napi::CallbackInfo& info) {
  Args args(info, "biasAddForward", 4);
  Napi::Float32Array out = args.f32(0, "out");
  Napi::Float32Array bias = args.f32(1, "bias");
  const int64_t M = args.dim(2, "M");
  const int64_t N = args.dim(3, "N");
  args.need(out, "out", mul_sat(M, N), "M*N");
  args.need(bias, "bias", N, "N");
  bias_add_forward(args.pool(), out.Data(), bias.Data(), M, N);
  return info.Env().Undefined();
}

// biasAddBackward(dout, dbias, M, N)
Napi::Value BiasAddBackward(const Napi::CallbackInfo& info) {
  Args args(info, "biasAddBackward", 4);
  Napi::Float32Array dout = args.f32(0, "dout");
  Napi::Float32Array dbias = args.f32(1, "dbias");
  const int64_t M = args.dim(2, "M");
  const int64_t N = args.dim(3, "N");
  args.need(dout, "dout", mul_sat(M, N), "M*N");
  args.need(dbias, "dbias", N, "N");
  bias_add_backward(dout.Data(), dbias.Data(), M, N);
  return info.Env().Undefined();
}

}  // namespace

void register_elementwise(Napi::Env env, Napi::Object exports) {
  exports.Set("binaryForward", Napi::Function::New(env, BinaryForward, "binaryForward"));
  exports.Set("unbroadcastSum", Napi::Function::New(env, UnbroadcastSum, "unbroadcastSum"));
  exports.Set("unaryForward", Napi::Function::New(env, UnaryForward, "unaryForward"));
  exports.Set("unaryBackward", Napi::Function::New(env, UnaryBackward, "unaryBackward"));
  exports.Set("scale", Napi::Function::New(env, Scale, "scale"));
  exports.Set("axpy", Napi::Function::New(env, Axpy, "axpy"));
  exports.Set("biasAddForward", Napi::Function::New(env, BiasAddForward, "biasAddForward"));
  exports.Set("biasAddBackward", Napi::Function::New(env, BiasAddBackward, "biasAddBackward"));
}

}  // namespace neurite
