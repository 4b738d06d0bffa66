// Binding for the vanilla recurrent cell: unwrap, check, call.
#include "../kernels/rnn.h"

#include <string>

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

// rnnSequenceForward(T, B, H, activation, reverse, gates, whh, mask, h)
Napi::Value RnnSequenceForward(const Napi::CallbackInfo& info) {
  Args args(info, "rnnSequenceForward", 9);
  const SeqDims s = seq_dims(args);
  const CellDims& d = s.d;
  const auto act = static_cast<RnnActivation>(args.dim(3, "activation", 0, kRnnActivationCount - 1));
  const bool reverse = args.boolean(4, "reverse");
  Napi::Float32Array gates = args.f32(5, "gates");
  Napi::Float32Array whh = args.f32(6, "whh");
  const float* mask = seq_mask(args, 7, s.T, d.B);
  Napi::Float32Array h = args.f32(8, "h");
  const std::string why = seq_text(s, 1);
  args.need(gates, "gates", mul_sat(s.T, mul_sat(d.B, d.H)), why);
  args.need(whh, "whh", mul_sat(d.H, d.H), why);
  args.need(h, "h", s.slots(), why + ", T+1 slots");
  rnn_sequence_forward(args.pool(), s.T, d.B, d.H, act, reverse, gates.Data(), whh.Data(), mask,
                       h.Data());
  return info.Env().Undefined();
}

// rnnSequenceBackward(T, B, H, activation, reverse, gates, whh, mask, dh, dgates)
Napi::Value RnnSequenceBackward(const Napi::CallbackInfo& info) {
  Args args(info, "rnnSequenceBackward", 10);
  const SeqDims s = seq_dims(args);
  const CellDims& d = s.d;
  const auto act = static_cast<RnnActivation>(args.dim(3, "activation", 0, kRnnActivationCount - 1));
  const bool reverse = args.boolean(4, "reverse");
  Napi::Float32Array gates = args.f32(5, "gates");
  Napi::Float32Array whh = args.f32(6, "whh");
  const float* mask = seq_mask(args, 7, s.T, d.B);
  Napi::Float32Array dh = args.f32(8, "dh");
  Napi::Float32Array dgates = args.f32(9, "dgates");
  const std::string why = seq_text(s, 1);
  const int64_t TBH = mul_sat(s.T, mul_sat(d.B, d.H));
  args.need(gates, "gates", TBH, why);
  args.need(whh, "whh", mul_sat(d.H, d.H), why);
  args.need(dh, "dh", s.slots(), why + ", T+1 slots");
  args.need(dgates, "dgates", TBH, why);
  rnn_sequence_backward(args.pool(), s.T, d.B, d.H, act, reverse, gates.Data(), whh.Data(), mask,
                        dh.Data(), dgates.Data());
  return info.Env().Undefined();
}

}  // namespace

void register_rnn(Napi::Env env, Napi::Object exports) {
  exports.Set("rnnCellForward", Napi::Function::New(env, RnnCellForward, "rnnCellForward"));
  exports.Set("rnnCellBackward", Napi::Function::New(env, RnnCellBackward, "rnnCellBackward"));
  exports.Set("rnnSequenceForward",
              Napi::Function::New(env, RnnSequenceForward, "rnnSequenceForward"));
  exports.Set("rnnSequenceBackward",
              Napi::Function::New(env, RnnSequenceBackward, "rnnSequenceBackward"));
}

}  // namespace neurite
