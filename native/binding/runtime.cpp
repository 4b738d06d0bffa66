// Runtime controls: thread count and build facts.
#include "args.h"
#include "families.h"

namespace neurite {
namespace {

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  Args args(info, "setNumThreads", 1);
  const int64_t n = args.dim(0, "threads", 1, 1024);
  args.pool().resize(static_cast<int>(n));
  return info.Env().Undefined();
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
  Args args(info, "getNumThreads", 0);
  return Napi::Number::New(info.Env(), args.pool().size());
}

Napi::Value GetIsa(const Napi::CallbackInfo& info) {
  Args args(info, "getIsa", 0);
  // All kernels are built for the baseline ISA; compiler auto-vectorization only.
  return Napi::String::New(info.Env(), "generic");
}

}  // namespace

void register_runtime(Napi::Env env, Napi::Object exports) {
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads, "setNumThreads"));
  exports.Set("getNumThreads", Napi::Function::New(env, GetNumThreads, "getNumThreads"));
  exports.Set("getIsa", Napi::Function::New(env, GetIsa, "getIsa"));
  exports.Set("hardwareThreads", Napi::Number::New(env, ThreadPool::hardware_threads()));
}

}  // namespace neurite
