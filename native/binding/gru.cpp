// Binding for the GRU cell: unwrap, check, call.
#include "../kernels/gru.h"

#include <string>

#include "args.h"
#include "cell_args.h"
#include "families.h"

namespace neurite {
namespace {

// gruCellForward(B, H, resetAfter, gates, hprev, whh, bhh, mask, h, aux)
Napi::Value GruCellForward(const Napi::CallbackInfo& info) {
  Args args(info, "gruCellForward", 10);
  const CellDims d = cell_dims(args);
  const bool reset_after = args.boolean(2, "resetAfter");
  Napi::Float32Array gates = args.f32(3, "gates");
  Napi::Float32Array hprev = args.f32(4, "hprev");
  Napi::Float32Array whh = args.f32(5, "whh");
  Napi::Float32Array bhh = args.f32(6, "bhh");
  const float* mask = cell_mask(args, 7, d.B);
  Napi::Float32Array h = args.f32(8, "h");
  Napi::Float32Array aux = args.f32(9, "aux");
  const std::string why = bh_text(d, 3);
  const int64_t BH = mul_sat(d.B, d.H);
  args.need(gates, "gates", mul_sat(3, BH), why);
  args.need(hprev, "hprev", BH, why);
  args.need(whh, "whh", mul_sat(3 * d.H, d.H), why);
  args.need(bhh, "bhh", 3 * d.H, why);
  args.need(h, "h", BH, why);
  args.need(aux, "aux", BH, why);
  gru_cell_forward(args.pool(), d.B, d.H, reset_after, gates.Data(), hprev.Data(), whh.Data(),
                   bhh.Data(), mask, h.Data(), aux.Data());
  return info.Env().Undefined();
}

// gruCellBackward(B, H, resetAfter, gates, aux, hprev, whh, mask, dh, dgates, daux, dhprev)
Napi::Value GruCellBackward(const Napi::CallbackInfo& info) {
  Args args(info, "gruCellBackward", 12);
  const CellDims d = cell_dims(args);
  const bool reset_after = args.boolean(2, "resetAfter");
  Napi::Float32Array gates = args.f32(3, "gates");
  Napi::Float32Array aux = args.f32(4, "aux");
  Napi::Float32Array hprev = args.f32(5, "hprev");
  Napi::Float32Array whh = args.f32(6, "whh");
  const float* mask = cell_mask(args, 7, d.B);
  Napi::Float32Array dh = args.f32(8, "dh");
  Napi::Float32Array dgates = args.f32(9, "dgates");
  Napi::Float32Array daux = args.f32(10, "daux");
  Napi::Float32Array dhprev = args.f32(11, "dhprev");
  const std::string why = bh_text(d, 3);
  const int64_t BH = mul_sat(d.B, d.H);
  args.need(gates, "gates", mul_sat(3, BH), why);
  args.need(aux, "aux", BH, why);
  args.need(hprev, "hprev", BH, why);
  args.need(whh, "whh", mul_sat(3 * d.H, d.H), why);
  args.need(dh, "dh", BH, why);
  args.need(dgates, "dgates", mul_sat(3, BH), why);
  args.need(daux, "daux", BH, why);
  args.need(dhprev, "dhprev", BH, why);
  gru_cell_backward(args.pool(), d.B, d.H, reset_after, gates.Data(), aux.Data(), hprev.Data(),
                    whh.Data(), mask, dh.Data(), dgates.Data(), daux.Data(), dhprev.Data());
  return info.Env().Undefined();
}

// gruSequenceForward(T, B, H, resetAfter, reverse, gates, whh, bhh, mask, h, aux)
Napi::Value GruSequenceForward(const Napi::CallbackInfo& info) {
  Args args(info, "gruSequenceForward", 11);
  const SeqDims s = seq_dims(args);
  const CellDims& d = s.d;
  const bool reset_after = args.boolean(3, "resetAfter");
  const bool reverse = args.boolean(4, "reverse");
  Napi::Float32Array gates = args.f32(5, "gates");
  Napi::Float32Array whh = args.f32(6, "whh");
  Napi::Float32Array bhh = args.f32(7, "bhh");
  const float* mask = seq_mask(args, 8, s.T, d.B);
  Napi::Float32Array h = args.f32(9, "h");
  Napi::Float32Array aux = args.f32(10, "aux");
  const std::string why = seq_text(s, 3);
  const int64_t TBH = mul_sat(s.T, mul_sat(d.B, d.H));
  args.need(gates, "gates", mul_sat(3, TBH), why);
  args.need(whh, "whh", mul_sat(3 * d.H, d.H), why);
  args.need(bhh, "bhh", 3 * d.H, why);
  args.need(h, "h", s.slots(), why + ", T+1 slots");
  args.need(aux, "aux", TBH, why);
  gru_sequence_forward(args.pool(), s.T, d.B, d.H, reset_after, reverse, gates.Data(), whh.Data(),
                       bhh.Data(), mask, h.Data(), aux.Data());
  return info.Env().Undefined();
}

// gruSequenceBackward(T, B, H, resetAfter, reverse, gates, aux, h, whh, mask, dh, dgates, daux)
Napi::Value GruSequenceBackward(const Napi::CallbackInfo& info) {
  Args args(info, "gruSequenceBackward", 13);
  const SeqDims s = seq_dims(args);
  const CellDims& d = s.d;
  const bool reset_after = args.boolean(3, "resetAfter");
  const bool reverse = args.boolean(4, "reverse");
  Napi::Float32Array gates = args.f32(5, "gates");
  Napi::Float32Array aux = args.f32(6, "aux");
  Napi::Float32Array h = args.f32(7, "h");
  Napi::Float32Array whh = args.f32(8, "whh");
  const float* mask = seq_mask(args, 9, s.T, d.B);
  Napi::Float32Array dh = args.f32(10, "dh");
  Napi::Float32Array dgates = args.f32(11, "dgates");
  Napi::Float32Array daux = args.f32(12, "daux");
  const std::string why = seq_text(s, 3);
  const int64_t TBH = mul_sat(s.T, mul_sat(d.B, d.H));
  const int64_t slots = s.slots();
  args.need(gates, "gates", mul_sat(3, TBH), why);
  args.need(aux, "aux", TBH, why);
  args.need(h, "h", slots, why + ", T+1 slots");
  args.need(whh, "whh", mul_sat(3 * d.H, d.H), why);
  args.need(dh, "dh", slots, why + ", T+1 slots");
  args.need(dgates, "dgates", mul_sat(3, TBH), why);
  args.need(daux, "daux", TBH, why);
  gru_sequence_backward(args.pool(), s.T, d.B, d.H, reset_after, reverse, gates.Data(), aux.Data(),
                        h.Data(), whh.Data(), mask, dh.Data(), dgates.Data(), daux.Data());
  return info.Env().Undefined();
}

}  // namespace

void register_gru(Napi::Env env, Napi::Object exports) {
  exports.Set("gruCellForward", Napi::Function::New(env, GruCellForward, "gruCellForward"));
  exports.Set("gruCellBackward", Napi::Function::New(env, GruCellBackward, "gruCellBackward"));
  exports.Set("gruSequenceForward",
              Napi::Function::New(env, GruSequenceForward, "gruSequenceForward"));
  exports.Set("gruSequenceBackward",
              Napi::Function::New(env, GruSequenceBackward, "gruSequenceBackward"));
}

}  // namespace neurite
