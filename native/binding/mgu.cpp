// Binding for the Minimal Gated Unit: unwrap, check, call.
#include "../kernels/mgu.h"

#include <string>

#include "args.h"
#include "cell_args.h"
#include "families.h"

namespace neurite {
namespace {

// mguCellForward(B, H, gates, hprev, whh, bhh, mask, h, aux)
Napi::Value MguCellForward(const Napi::CallbackInfo& info) {
  Args args(info, "mguCellForward", 9);
  const CellDims d = cell_dims(args);
  Napi::Float32Array gates = args.f32(2, "gates");
  Napi::Float32Array hprev = args.f32(3, "hprev");
  Napi::Float32Array whh = args.f32(4, "whh");
  Napi::Float32Array bhh = args.f32(5, "bhh");
  const float* mask = cell_mask(args, 6, d.B);
  Napi::Float32Array h = args.f32(7, "h");
  Napi::Float32Array aux = args.f32(8, "aux");
  const std::string why = bh_text(d, 2);
  const int64_t BH = mul_sat(d.B, d.H);
  args.need(gates, "gates", mul_sat(2, BH), why);
  args.need(hprev, "hprev", BH, why);
  args.need(whh, "whh", mul_sat(2 * d.H, d.H), why);
  args.need(bhh, "bhh", 2 * d.H, why);
  args.need(h, "h", BH, why);
  args.need(aux, "aux", BH, why);
  mgu_cell_forward(args.pool(), d.B, d.H, gates.Data(), hprev.Data(), whh.Data(), bhh.Data(),
                   mask, h.Data(), aux.Data());
  return info.Env().Undefined();
}

// mguCellBackward(B, H, gates, hprev, whh, mask, dh, dgates, daux, dhprev)
Napi::Value MguCellBackward(const Napi::CallbackInfo& info) {
  Args args(info, "mguCellBackward", 10);
  const CellDims d = cell_dims(args);
  Napi::Float32Array gates = args.f32(2, "gates");
  Napi::Float32Array hprev = args.f32(3, "hprev");
  Napi::Float32Array whh = args.f32(4, "whh");
  const float* mask = cell_mask(args, 5, d.B);
  Napi::Float32Array dh = args.f32(6, "dh");
  Napi::Float32Array dgates = args.f32(7, "dgates");
  Napi::Float32Array daux = args.f32(8, "daux");
  Napi::Float32Array dhprev = args.f32(9, "dhprev");
  const std::string why = bh_text(d, 2);
  const int64_t BH = mul_sat(d.B, d.H);
  args.need(gates, "gates", mul_sat(2, BH), why);
  args.need(hprev, "hprev", BH, why);
  args.need(whh, "whh", mul_sat(2 * d.H, d.H), why);
  args.need(dh, "dh", BH, why);
  args.need(dgates, "dgates", mul_sat(2, BH), why);
  args.need(daux, "daux", BH, why);
  args.need(dhprev, "dhprev", BH, why);
  mgu_cell_backward(args.pool(), d.B, d.H, gates.Data(), hprev.Data(), whh.Data(), mask,
                    dh.Data(), dgates.Data(), daux.Data(), dhprev.Data());
  return info.Env().Undefined();
}

// mguSequenceForward(T, B, H, reverse, gates, whh, bhh, mask, h, aux)
Napi::Value MguSequenceForward(const Napi::CallbackInfo& info) {
  Args args(info, "mguSequenceForward", 10);
  const SeqDims s = seq_dims(args);
  const CellDims& d = s.d;
  const bool reverse = args.boolean(3, "reverse");
  Napi::Float32Array gates = args.f32(4, "gates");
  Napi::Float32Array whh = args.f32(5, "whh");
  Napi::Float32Array bhh = args.f32(6, "bhh");
  const float* mask = seq_mask(args, 7, s.T, d.B);
  Napi::Float32Array h = args.f32(8, "h");
  Napi::Float32Array aux = args.f32(9, "aux");
  const std::string why = seq_text(s, 2);
  const int64_t TBH = mul_sat(s.T, mul_sat(d.B, d.H));
  args.need(gates, "gates", mul_sat(2, TBH), why);
  args.need(whh, "whh", mul_sat(2 * d.H, d.H), why);
  args.need(bhh, "bhh", 2 * d.H, why);
  args.need(h, "h", s.slots(), why + ", T+1 slots");
  args.need(aux, "aux", TBH, why);
  mgu_sequence_forward(args.pool(), s.T, d.B, d.H, reverse, gates.Data(), whh.Data(), bhh.Data(),
                       mask, h.Data(), aux.Data());
  return info.Env().Undefined();
}

// mguSequenceBackward(T, B, H, reverse, gates, h, whh, mask, dh, dgates, daux)
Napi::Value MguSequenceBackward(const Napi::CallbackInfo& info) {
  Args args(info, "mguSequenceBackward", 11);
  const SeqDims s = seq_dims(args);
  const CellDims& d = s.d;
  const bool reverse = args.boolean(3, "reverse");
  Napi::Float32Array gates = args.f32(4, "gates");
  Napi::Float32Array h = args.f32(5, "h");
  Napi::Float32Array whh = args.f32(6, "whh");
  const float* mask = seq_mask(args, 7, s.T, d.B);
  Napi::Float32Array dh = args.f32(8, "dh");
  Napi::Float32Array dgates = args.f32(9, "dgates");
  Napi::Float32Array daux = args.f32(10, "daux");
  const std::string why = seq_text(s, 2);
  const int64_t TBH = mul_sat(s.T, mul_sat(d.B, d.H));
  const int64_t slots = s.slots();
  args.need(gates, "gates", mul_sat(2, TBH), why);
  args.need(h, "h", slots, why + ", T+1 slots");
  args.need(whh, "whh", mul_sat(2 * d.H, d.H), why);
  args.need(dh, "dh", slots, why + ", T+1 slots");
  args.need(dgates, "dgates", mul_sat(2, TBH), why);
  args.need(daux, "daux", TBH, why);
  mgu_sequence_backward(args.pool(), s.T, d.B, d.H, reverse, gates.Data(), h.Data(), whh.Data(),
                        mask, dh.Data(), dgates.Data(), daux.Data());
  return info.Env().Undefined();
}

}  // namespace

void register_mgu(Napi::Env env, Napi::Object exports) {
  exports.Set("mguCellForward", Napi::Function::New(env, MguCellForward, "mguCellForward"));
  exports.Set("mguCellBackward", Napi::Function::New(env, MguCellBackward, "mguCellBackward"));
  exports.Set("mguSequenceForward",
              Napi::Function::New(env, MguSequenceForward, "mguSequenceForward"));
  exports.Set("mguSequenceBackward",
              Napi::Function::New(env, MguSequenceBackward, "mguSequenceBackward"));
}

}  // namespace neurite
