#include "args.h"

#include <cmath>
#include <limits>

namespace neurite {

namespace {

Napi::Error with_code(Napi::Error error, const char* code) {
  error.Set("code", Napi::String::New(error.Env(), code));
  return error;
}

}  // namespace

void throw_type_error(Napi::Env env, const std::string& message) {
  throw with_code(Napi::TypeError::New(env, message), "ERR_INVALID_ARG_TYPE");
}

void throw_range_error(Napi::Env env, const std::string& message) {
  throw with_code(Napi::RangeError::New(env, message), "ERR_OUT_OF_RANGE");
}

int64_t mul_sat(int64_t a, int64_t b) {
  if (a == 0 || b == 0) return 0;
  if (a > std::numeric_limits<int64_t>::max() / b) return std::numeric_limits<int64_t>::max();
  return a * b;
}

std::string describe(const Napi::Value& value) {
  if (value.IsUndefined()) return "undefined";
  if (value.IsNull()) return "null";
  if (value.IsBoolean()) return value.As<Napi::Boolean>().Value() ? "true" : "false";
  if (value.IsNumber()) {
    double d = value.As<Napi::Number>().DoubleValue();
    if (std::isnan(d)) return "NaN";
    std::string s = std::to_string(d);
    if (d == std::floor(d) && std::fabs(d) < 1e15) s = std::to_string(static_cast<int64_t>(d));
    return "number " + s;
  }
  if (value.IsString()) return "string";
  if (value.IsBigInt()) return "bigint";
  if (value.IsSymbol()) return "symbol";
  if (value.IsFunction()) return "function";
  if (value.IsArray()) return "Array";
  if (value.IsTypedArray()) {
    switch (value.As<Napi::TypedArray>().TypedArrayType()) {
      case napi_int8_array: return "Int8Array";
      case napi_uint8_array: return "Uint8Array";
      case napi_uint8_clamped_array: return "Uint8ClampedArray";
      case napi_int16_array: return "Int16Array";
      case napi_uint16_array: return "Uint16Array";
      case napi_int32_array: return "Int32Array";
      case napi_uint32_array: return "Uint32Array";
      case napi_float32_array: return "Float32Array";
      case napi_float64_array: return "Float64Array";
      default: return "TypedArray";
    }
  }
  if (value.IsArrayBuffer()) return "ArrayBuffer";
  return "object";
}

Args::Args(const Napi::CallbackInfo& info, const char* fn, size_t count) : info_(info), fn_(fn) {
  if (info.Length() != count) {
    throw_type_error(info.Env(), std::string(fn) + ": expected " + std::to_string(count) +
                                     " arguments, got " + std::to_string(info.Length()));
  }
}

ThreadPool& Args::pool() const { return info_.Env().GetInstanceData<AddonData>()->pool; }

std::string Args::where(size_t i, const char* name) const {
  return std::string(fn_) + ": argument " + std::to_string(i) + " (" + name + ")";
}

Napi::Float32Array Args::f32(size_t i, const char* name) const {
  Napi::Value v = info_[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw_type_error(env(), where(i, name) + " must be a Float32Array, got " + describe(v));
  }
  return v.As<Napi::Float32Array>();
}

int64_t Args::dim(size_t i, const char* name, int64_t lo, int64_t hi) const {
  Napi::Value v = info_[i];
  if (!v.IsNumber()) {
    throw_type_error(env(), where(i, name) + " must be a number, got " + describe(v));
  }
  double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= static_cast<double>(lo) && d <= static_cast<double>(hi)) || d != std::floor(d)) {
    throw_range_error(env(), where(i, name) + " must be an integer in [" + std::to_string(lo) +
                                 ", " + std::to_string(hi) + "], got " + describe(v));
  }
  return static_cast<int64_t>(d);
}

float Args::number(size_t i, const char* name) const {
  Napi::Value v = info_[i];
  if (!v.IsNumber()) {
    throw_type_error(env(), where(i, name) + " must be a number, got " + describe(v));
  }
  return static_cast<float>(v.As<Napi::Number>().DoubleValue());
}

bool Args::boolean(size_t i, const char* name) const {
  Napi::Value v = info_[i];
  if (!v.IsBoolean()) {
    throw_type_error(env(), where(i, name) + " must be a boolean, got " + describe(v));
  }
  return v.As<Napi::Boolean>().Value();
}

std::vector<int64_t> Args::dims(size_t i, const char* name, size_t min_len, size_t max_len,
                                int64_t lo) const {
  Napi::Value v = info_[i];
  if (!v.IsArray()) {
    throw_type_error(env(), where(i, name) + " must be an Array of integers, got " + describe(v));
  }
  Napi::Array array = v.As<Napi::Array>();
  const uint32_t len = array.Length();
  if (len < min_len || len > max_len) {
    throw_range_error(env(), where(i, name) + " must have " + std::to_string(min_len) + " to " +
                                 std::to_string(max_len) + " entries, got " + std::to_string(len));
  }
  std::vector<int64_t> out(len);
  for (uint32_t k = 0; k < len; ++k) {
    Napi::Value e = array.Get(k);
    if (!e.IsNumber()) {
      throw_type_error(env(), where(i, name) + "[" + std::to_string(k) +
                                  "] must be a number, got " + describe(e));
    }
    double d = e.As<Napi::Number>().DoubleValue();
    if (!(d >= static_cast<double>(lo) && d <= static_cast<double>(kMaxDim)) ||
        d != std::floor(d)) {
      throw_range_error(env(), where(i, name) + "[" + std::to_string(k) +
                                   "] must be an integer in [" + std::to_string(lo) + ", " +
                                   std::to_string(kMaxDim) + "], got " + describe(e));
    }
    out[k] = static_cast<int64_t>(d);
  }
  return out;
}

void Args::need(const Napi::Float32Array& array, const char* name, int64_t need,
                const std::string& because) const {
  const int64_t have = static_cast<int64_t>(array.ElementLength());
  if (have < need) {
    throw_range_error(env(), std::string(fn_) + ": " + name + " has " + std::to_string(have) +
                                 " elements, needs at least " + std::to_string(need) + " (" +
                                 because + ")");
  }
}

void Args::range_error(const std::string& message) const {
  throw_range_error(env(), std::string(fn_) + ": " + message);
}

}  // namespace neurite
