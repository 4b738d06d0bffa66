// One registration function per kernel family; addon.cpp calls them all.
#pragma once

#include <napi.h>

namespace neurite {

void register_runtime(Napi::Env env, Napi::Object exports);
void register_gemm(Napi::Env env, Napi::Object exports);
void register_elementwise(Napi::Env env, Napi::Object exports);
void register_reduce(Napi::Env env, Napi::Object exports);
void register_softmax(Napi::Env env, Napi::Object exports);
void register_im2col(Napi::Env env, Napi::Object exports);
void register_conv(Napi::Env env, Napi::Object exports);
void register_locally_connected(Napi::Env env, Napi::Object exports);
void register_pool(Napi::Env env, Napi::Object exports);
void register_loss(Napi::Env env, Napi::Object exports);
void register_optim(Napi::Env env, Napi::Object exports);
void register_rnn(Napi::Env env, Napi::Object exports);
void register_lstm(Napi::Env env, Napi::Object exports);
void register_gru(Napi::Env env, Napi::Object exports);
void register_mgu(Napi::Env env, Napi::Object exports);
void register_batchnorm(Napi::Env env, Napi::Object exports);

}  // namespace neurite
