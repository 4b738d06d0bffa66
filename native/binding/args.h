// Argument checking for the N-API binding: every exported function unwraps its arguments
// through Args, which throws a JS TypeError (wrong kind of value) or RangeError (right kind,
// bad value) naming the function, the argument, what was expected and what came in.
// Errors carry `code`: ERR_INVALID_ARG_TYPE or ERR_OUT_OF_RANGE (Node's own codes).
// Kernels only ever see arguments that passed these checks.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "../common/thread_pool.h"

namespace neurite {

struct AddonData {
  ThreadPool pool{ThreadPool::hardware_threads()};
};

// Largest single dimension accepted from JS; products are checked separately.
constexpr int64_t kMaxDim = 2147483647;

[[noreturn]] void throw_type_error(Napi::Env env, const std::string& message);
[[noreturn]] void throw_range_error(Napi::Env env, const std::string& message);

// a * b, saturating at INT64_MAX so an absurd shape fails the length check instead of wrapping.
int64_t mul_sat(int64_t a, int64_t b);

class Args {
 public:
  Args(const Napi::CallbackInfo& info, const char* fn, size_t count);

  Napi::Env env() const { return info_.Env(); }
  ThreadPool& pool() const;
  const char* fn() const { return fn_; }

  Napi::Float32Array f32(size_t i, const char* name) const;
  int64_t dim(size_t i, const char* name, int64_t lo = 0, int64_t hi = kMaxDim) const;
  float number(size_t i, const char* name) const;  // any number, NaN and Inf included
  bool boolean(size_t i, const char* name) const;
  // A JS array of non-negative integers, length in [min_len, max_len].
  std::vector<int64_t> dims(size_t i, const char* name, size_t min_len, size_t max_len,
                            int64_t lo = 0) const;

  // RangeError unless `array` (argument `name`) holds at least `need` floats.
  void need(const Napi::Float32Array& array, const char* name, int64_t need,
            const std::string& because) const;

  [[noreturn]] void range_error(const std::string& message) const;

 private:
  std::string where(size_t i, const char* name) const;
  const Napi::CallbackInfo& info_;
  const char* fn_;
};

std::string describe(const Napi::Value& value);

}  // namespace neurite
