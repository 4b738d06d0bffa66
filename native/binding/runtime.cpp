// Runtime controls: thread count, the SIMD path of the dispatched kernels, build facts.
#include <cstdlib>
#include <string>

#include "../common/cpu.h"
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

// "avx2, generic" style list of the ISAs this CPU and build support, best first.
std::string supported_list() {
  std::string out;
  for (Isa isa : {Isa::avx512, Isa::avx2, Isa::neon, Isa::generic}) {
    if (!isa_supported(isa)) continue;
    if (!out.empty()) out += ", ";
    out += isa_name(isa);
  }
  return out;
}

// Checks an ISA name from JS or the environment. Returns an empty string and sets *out when
// usable, else the reason.
std::string check_isa(const std::string& name, Isa* out) {
  if (!isa_from_name(name.c_str(), out)) {
    return "unknown ISA \"" + name + "\" (expected generic, avx2, avx512 or neon)";
  }
  if (!isa_supported(*out)) {
    return "ISA \"" + name + "\" is not supported by this CPU or build (supported: " +
           supported_list() + ")";
  }
  return "";
}

Napi::Value GetIsa(const Napi::CallbackInfo& info) {
  Args args(info, "getIsa", 0);
  return Napi::String::New(info.Env(), isa_name(active_isa()));
}

// setIsa(name): switches the dispatched kernels (process-wide), for tests and A/B benchmarks.
Napi::Value SetIsa(const Napi::CallbackInfo& info) {
  Args args(info, "setIsa", 1);
  if (!info[0].IsString()) {
    throw_type_error(info.Env(), "setIsa: argument 0 (name) must be a string, got " +
                                     describe(info[0]));
  }
  Isa isa;
  const std::string why = check_isa(info[0].As<Napi::String>().Utf8Value(), &isa);
  if (!why.empty()) throw_range_error(info.Env(), "setIsa: argument 0 (name): " + why);
  set_active_isa(isa);
  return info.Env().Undefined();
}

Napi::Value SupportedIsas(const Napi::CallbackInfo& info) {
  Args args(info, "supportedIsas", 0);
  Napi::Array out = Napi::Array::New(info.Env());
  uint32_t i = 0;
  for (Isa isa : {Isa::avx512, Isa::avx2, Isa::neon, Isa::generic}) {
    if (isa_supported(isa)) out.Set(i++, Napi::String::New(info.Env(), isa_name(isa)));
  }
  return out;
}

// NEURITE_ISA=generic|avx2|avx512|neon forces the kernels' ISA. An ISA the CPU lacks makes the
// addon fail to load with this message (neurite then falls back to js and prints it), rather
// than dying on an illegal instruction later. Applied by the first load in the process only,
// so a worker_thread loading the addon does not undo a setIsa() call.
void apply_isa_env(Napi::Env env) {
  const char* requested = std::getenv("NEURITE_ISA");
  if (requested == nullptr || *requested == '\0') return;
  Isa isa;
  const std::string why = check_isa(requested, &isa);
  if (!why.empty()) {
    Napi::Error error = Napi::Error::New(env, "NEURITE_ISA: " + why);
    error.Set("code", Napi::String::New(env, "ERR_NEURITE_ISA"));
    throw error;
  }
  static const bool applied = set_active_isa(isa);
  (void)applied;
}

}  // namespace

void register_runtime(Napi::Env env, Napi::Object exports) {
  apply_isa_env(env);
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads, "setNumThreads"));
  exports.Set("getNumThreads", Napi::Function::New(env, GetNumThreads, "getNumThreads"));
  exports.Set("getIsa", Napi::Function::New(env, GetIsa, "getIsa"));
  exports.Set("setIsa", Napi::Function::New(env, SetIsa, "setIsa"));
  exports.Set("supportedIsas", Napi::Function::New(env, SupportedIsas, "supportedIsas"));
  exports.Set("hardwareThreads", Napi::Number::New(env, ThreadPool::hardware_threads()));
}

}  // namespace neurite
