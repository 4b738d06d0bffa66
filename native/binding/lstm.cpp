// Binding for the LSTM cell: unwrap, check, call.
#include "../kernels/lstm.h"

#include <string>

#include "args.h"
#include "cell_args.h"
#include "families.h"

namespace neurite {
namespace {

// lstmCellForward(B, H, forgetGate, peephole, gates, hprev, cprev, whh, peep, mask, h, c)
Napi::Value LstmCellForward(const Napi::CallbackInfo& info) {
  Args args(info, "lstmCellForward", 12);
  const CellDims d = cell_dims(args);
  const bool forget = args.boolean(2, "forgetGate");
  const bool peephole = args.boolean(3, "peephole");
  const int64_t G = forget ? 4 : 3;
  Napi::Float32Array gates = args.f32(4, "gates");
  Napi::Float32Array hprev = args.f32(5, "hprev");
  Napi::Float32Array cprev = args.f32(6, "cprev");
  Napi::Float32Array whh = args.f32(7, "whh");
  Napi::Float32Array peep = args.f32(8, "peep");
  const float* mask = cell_mask(args, 9, d.B);
  Napi::Float32Array h = args.f32(10, "h");
  Napi::Float32Array c = args.f32(11, "c");
  const std::string why = bh_text(d, G);
  const int64_t BH = mul_sat(d.B, d.H);
  args.need(gates, "gates", mul_sat(G, BH), why);
  args.need(hprev, "hprev", BH, why);
  args.need(cprev, "cprev", BH, why);
  args.need(whh, "whh", mul_sat(G * d.H, d.H), why);
  if (peephole) args.need(peep, "peep", (G - 1) * d.H, why + ", peephole");
  args.need(h, "h", BH, why);
  args.need(c, "c", BH, why);
  lstm_cell_forward(args.pool(), d.B, d.H, forget, peephole, gates.Data(), hprev.Data(),
                    cprev.Data(), whh.Data(), peep.Data(), mask, h.Data(), c.Data());
  return info.Env().Undefined();
}

// lstmCellBackward(B, H, forgetGate, peephole, gates, cprev, c, whh, peep, mask, dh, dc, dgates,
//                  dhprev, dcprev, dpeep)
Napi::Value LstmCellBackward(const Napi::CallbackInfo& info) {
  Args args(info, "lstmCellBackward", 16);
  const CellDims d = cell_dims(args);
  const bool forget = args.boolean(2, "forgetGate");
  const bool peephole = args.boolean(3, "peephole");
  const int64_t G = forget ? 4 : 3;
  Napi::Float32Array gates = args.f32(4, "gates");
  Napi::Float32Array cprev = args.f32(5, "cprev");
  Napi::Float32Array c = args.f32(6, "c");
  Napi::Float32Array whh = args.f32(7, "whh");
  Napi::Float32Array peep = args.f32(8, "peep");
  const float* mask = cell_mask(args, 9, d.B);
  Napi::Float32Array dh = args.f32(10, "dh");
  Napi::Float32Array dc = args.f32(11, "dc");
  Napi::Float32Array dgates = args.f32(12, "dgates");
  Napi::Float32Array dhprev = args.f32(13, "dhprev");
  Napi::Float32Array dcprev = args.f32(14, "dcprev");
  Napi::Float32Array dpeep = args.f32(15, "dpeep");
  const std::string why = bh_text(d, G);
  const int64_t BH = mul_sat(d.B, d.H);
  args.need(gates, "gates", mul_sat(G, BH), why);
  args.need(cprev, "cprev", BH, why);
  args.need(c, "c", BH, why);
  args.need(whh, "whh", mul_sat(G * d.H, d.H), why);
  if (peephole) {
    args.need(peep, "peep", (G - 1) * d.H, why + ", peephole");
    args.need(dpeep, "dpeep", (G - 1) * d.H, why + ", peephole");
  }
  args.need(dh, "dh", BH, why);
  args.need(dc, "dc", BH, why);
  args.need(dgates, "dgates", mul_sat(G, BH), why);
  args.need(dhprev, "dhprev", BH, why);
  args.need(dcprev, "dcprev", BH, why);
  lstm_cell_backward(args.pool(), d.B, d.H, forget, peephole, gates.Data(), cprev.Data(),
                     c.Data(), whh.Data(), peep.Data(), mask, dh.Data(), dc.Data(),
                     dgates.Data(), dhprev.Data(), dcprev.Data(), dpeep.Data());
  return info.Env().Undefined();
}

// lstmSequenceForward(T, B, H, forgetGate, peephole, reverse, gates, whh, peep, mask, h, c)
Napi::Value LstmSequenceForward(const Napi::CallbackInfo& info) {
  Args args(info, "lstmSequenceForward", 12);
  const SeqDims s = seq_dims(args);
  const CellDims& d = s.d;
  const bool forget = args.boolean(3, "forgetGate");
  const bool peephole = args.boolean(4, "peephole");
  const bool reverse = args.boolean(5, "reverse");
  const int64_t G = forget ? 4 : 3;
  Napi::Float32Array gates = args.f32(6, "gates");
  Napi::Float32Array whh = args.f32(7, "whh");
  Napi::Float32Array peep = args.f32(8, "peep");
  const float* mask = seq_mask(args, 9, s.T, d.B);
  Napi::Float32Array h = args.f32(10, "h");
  Napi::Float32Array c = args.f32(11, "c");
  const std::string why = seq_text(s, G);
  const int64_t slots = s.slots();
  args.need(gates, "gates", mul_sat(s.T, mul_sat(G, mul_sat(d.B, d.H))), why);
  args.need(whh, "whh", mul_sat(G * d.H, d.H), why);
  if (peephole) args.need(peep, "peep", (G - 1) * d.H, why + ", peephole");
  args.need(h, "h", slots, why + ", T+1 slots");
  args.need(c, "c", slots, why + ", T+1 slots");
  lstm_sequence_forward(args.pool(), s.T, d.B, d.H, forget, peephole, reverse, gates.Data(),
                        whh.Data(), peep.Data(), mask, h.Data(), c.Data());
  return info.Env().Undefined();
}

// lstmSequenceBackward(T, B, H, forgetGate, peephole, reverse, gates, c, whh, peep, mask, dh, dc,
//                      dgates, dpeep)
Napi::Value LstmSequenceBackward(const Napi::CallbackInfo& info) {
  Args args(info, "lstmSequenceBackward", 15);
  const SeqDims s = seq_dims(args);
  const CellDims& d = s.d;
  const bool forget = args.boolean(3, "forgetGate");
  const bool peephole = args.boolean(4, "peephole");
  const bool reverse = args.boolean(5, "reverse");
  const int64_t G = forget ? 4 : 3;
  Napi::Float32Array gates = args.f32(6, "gates");
  Napi::Float32Array c = args.f32(7, "c");
  Napi::Float32Array whh = args.f32(8, "whh");
  Napi::Float32Array peep = args.f32(9, "peep");
  const float* mask = seq_mask(args, 10, s.T, d.B);
  Napi::Float32Array dh = args.f32(11, "dh");
  Napi::Float32Array dc = args.f32(12, "dc");
  Napi::Float32Array dgates = args.f32(13, "dgates");
  Napi::Float32Array dpeep = args.f32(14, "dpeep");
  const std::string why = seq_text(s, G);
  const int64_t slots = s.slots();
  const int64_t ngates = mul_sat(s.T, mul_sat(G, mul_sat(d.B, d.H)));
  args.need(gates, "gates", ngates, why);
  args.need(c, "c", slots, why + ", T+1 slots");
  args.need(whh, "whh", mul_sat(G * d.H, d.H), why);
  if (peephole) {
    args.need(peep, "peep", (G - 1) * d.H, why + ", peephole");
    args.need(dpeep, "dpeep", (G - 1) * d.H, why + ", peephole");
  }
  args.need(dh, "dh", slots, why + ", T+1 slots");
  args.need(dc, "dc", slots, why + ", T+1 slots");
  args.need(dgates, "dgates", ngates, why);
  lstm_sequence_backward(args.pool(), s.T, d.B, d.H, forget, peephole, reverse, gates.Data(),
                         c.Data(), whh.Data(), peep.Data(), mask, dh.Data(), dc.Data(),
                         dgates.Data(), dpeep.Data());
  return info.Env().Undefined();
}

}  // namespace

void register_lstm(Napi::Env env, Napi::Object exports) {
  exports.Set("lstmCellForward", Napi::Function::New(env, LstmCellForward, "lstmCellForward"));
  exports.Set("lstmCellBackward", Napi::Function::New(env, LstmCellBackward, "lstmCellBackward"));
  exports.Set("lstmSequenceForward",
              Napi::Function::New(env, LstmSequenceForward, "lstmSequenceForward"));
  exports.Set("lstmSequenceBackward",
              Napi::Function::New(env, LstmSequenceBackward, "lstmSequenceBackward"));
}

}  // namespace neurite
