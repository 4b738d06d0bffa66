// The neurite addon: every export is registered here, one family at a time.
// The addon is context-aware: each Node environment (main thread or worker_thread) that
// loads it gets its own AddonData, and so its own thread pool, freed when it exits.
#include <napi.h>

#include "args.h"
#include "families.h"

namespace neurite {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData(new AddonData());
  register_runtime(env, exports);
  register_gemm(env, exports);
  register_elementwise(env, exports);
  register_reduce(env, exports);
  register_softmax(env, exports);
  register_im2col(env, exports);
  register_conv(env, exports);
  register_locally_connected(env, exports);
  register_pool(env, exports);
  register_loss(env, exports);
  register_optim(env, exports);
  register_rnn(env, exports);
  register_lstm(env, exports);
  register_gru(env, exports);
  register_mgu(env, exports);
  register_batchnorm(env, exports);
  return exports;
}

}  // namespace neurite

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) {
  return neurite::Init(env, exports);
}

NODE_API_MODULE(neurite, InitAddon)
