// Binding for the vanilla recurrent cell: unwrap, check, call.
#include "../kernels/rnn.h"

#include "args.h"
#include "cell_args.h"
#include "families.h"

namespace neurite {
namespace {

// rnnCellForward(B, H, activation, gates, hprev, whh, mask, h)
Napi::Value RnnCellForward(const Napi::CallbackInfo& info) {
  Args args(info, "rnnCellForward", 8);
  const CellDims d = cell_dims(args);
  const auto act = static_cast<RnnActivation>(args.dim(2, "activation", 0, kRnnActivationCount - 1));
  Napi::Float32Array gates = args.f32(3, "gates");
  Napi::Float32Array hprev = args.f32(4, "hprev");
  Napi::Float32Array whh = args.f32(5, "whh");
  const float* mask = cell_mask(args, 6, d.B);
  Napi::Float32Array h = args.f32(7, "h");
  const std::string why = bh_text(d, 1);
  const int64_t BH = mul_sat(d.B, d.H);
  args.need(gates, "gates", BH, why);
  args.need(hprev, "hprev", BH, why);
  args.need(whh, "whh", mul_sat(d.H, d.H), why);
  args.need(h, "h", BH, why);
  rnn_cell_forward(args.pool(), d.B, d.H, act, gates.Data(), hprev.Data(), whh.Data(), mask, h.Data());
  return info.Env().Undefined();
}

// rnnCellBackward(B, H, activation, gates, whh, mask, dh, dgates, dhprev)
Napi::Value RnnCellBackward(const Napi::CallbackInfo& info) {
  Args args(info, "rnnCellBackward", 9);
  const CellDims d = cell_dims(args);
  const auto act = static_cast<RnnActivation>(args.dim(2, "activation", 0, kRnnActivationCount - 1));
  Napi::Float32Array gates = args.f32(3, "gates");
  Napi::Float32Array whh = args.f32(4, "whh");
  const float* mask = cell_mask(args, 5, d.B);
  Napi::Float32Array dh = args.f32(6, "dh");
  Napi::Float32Array dgates = args.f32(7, "dgates");
  Napi::Float32Array dhprev = args.f32(8, "dhprev");
  const std::string why = bh_text(d, 1);
  const int64_t BH = mul_sat(d.B, d.H);
  args.need(gates, "gates", BH, why);
  args.need(whh, "whh", mul_sat(d.H, d.H), why);
  args.need(dh, "dh", BH, why);
  args.need(dgates, "dgates", BH, why);
  args.need(dhprev, "dhprev", BH, why);
  rnn_cell_backward(args.pool(), d.B, d.H, act, gates.Data(), whh.Data(), mask, dh.Data(),
                    dgates.Data(), dhprev.Data());
  return info.Env().Undefined();
}

}  // namespace

void register_rnn(Napi::Env env, Napi::Object exports) {
  exports.Set("rnnCellForward", Napi::Function::New(env, RnnCellForward, "rnnCellForward"));
  exports.Set("rnnCellBackward", Napi::Function::New(env, RnnCellBackward, "rnnCellBackward"));
}

}  // namespace neurite
