// The recurrent sequence kernels without Node (run under ASan + UBSan in CI) on exactly sized
// buffers: every cell, forward and reverse, masked, on a shape whose products pack (W_hh packed
// once) and one small enough for sgemm's direct path. Each must give the same bits as the step
// kernels called T times, at 1 and 3 threads. Then the gate math of every step kernel on each
// ISA this machine supports, bit for bit against the generic build.
#include <cstring>
#include <functional>
#include <vector>

#include "../common/cpu.h"
#include "../kernels/gru.h"
#include "../kernels/lstm.h"
#include "../kernels/mgu.h"
#include "../kernels/rnn.h"
#include "check.h"

using neurite::ThreadPool;
using neurite::test::fill_pattern;

namespace {

struct Dims {
  int64_t T, B, H, G;
  bool reverse;
};

// Buffers of one run. c / dc hold LSTM cell states (empty otherwise), aux / daux GRU and MGU
// caches (empty otherwise).
struct Run {
  std::vector<float> gates, h, c, aux, dgates, dh, dc, daux, dpeep;
};

struct SeqCell {
  const char* name;
  int G;
  bool lstm, has_aux;
  // Sequence kernels, or the step kernels T times when by_steps.
  std::function<void(ThreadPool&, const Dims&, Run&, const float* mask, bool by_steps)> run;
};

std::vector<float> g_whh, g_bhh, g_peep;

struct Step {
  int64_t t, prev, cur;
};

Step step_of(const Dims& d, int64_t k) {
  const int64_t t = d.reverse ? d.T - 1 - k : k;
  return {t, d.reverse ? t + 1 : t, d.reverse ? t : t + 1};
}

std::vector<SeqCell> seq_cells() {
  std::vector<SeqCell> out;
  for (auto act : {neurite::RnnActivation::kTanh, neurite::RnnActivation::kRelu}) {
    out.push_back({"rnn", 1, false, false, [act](ThreadPool& p, const Dims& d, Run& r, const float* m, bool steps) {
      const int64_t BH = d.B * d.H;
      if (!steps) {
        neurite::rnn_sequence_forward(p, d.T, d.B, d.H, act, d.reverse, r.gates.data(), g_whh.data(), m, r.h.data());
        neurite::rnn_sequence_backward(p, d.T, d.B, d.H, act, d.reverse, r.gates.data(), g_whh.data(), m, r.dh.data(), r.dgates.data());
        return;
      }
      for (int64_t k = 0; k < d.T; ++k) {
        const Step s = step_of(d, k);
        neurite::rnn_cell_forward(p, d.B, d.H, act, r.gates.data() + s.t * BH, r.h.data() + s.prev * BH, g_whh.data(),
                                  m ? m + s.t * d.B : nullptr, r.h.data() + s.cur * BH);
      }
      for (int64_t k = d.T - 1; k >= 0; --k) {
        const Step s = step_of(d, k);
        neurite::rnn_cell_backward(p, d.B, d.H, act, r.gates.data() + s.t * BH, g_whh.data(), m ? m + s.t * d.B : nullptr,
                                   r.dh.data() + s.cur * BH, r.dgates.data() + s.t * BH, r.dh.data() + s.prev * BH);
      }
    }});
  }
  for (bool peephole : {false, true}) {
    out.push_back({"lstm", 4, true, false, [peephole](ThreadPool& p, const Dims& d, Run& r, const float* m, bool steps) {
      const int64_t BH = d.B * d.H, GBH = 4 * BH;
      if (!steps) {
        neurite::lstm_sequence_forward(p, d.T, d.B, d.H, true, peephole, d.reverse, r.gates.data(), g_whh.data(),
                                       g_peep.data(), m, r.h.data(), r.c.data());
        neurite::lstm_sequence_backward(p, d.T, d.B, d.H, true, peephole, d.reverse, r.gates.data(), r.c.data(),
                                        g_whh.data(), g_peep.data(), m, r.dh.data(), r.dc.data(), r.dgates.data(),
                                        r.dpeep.data());
        return;
      }
      for (int64_t k = 0; k < d.T; ++k) {
        const Step s = step_of(d, k);
        neurite::lstm_cell_forward(p, d.B, d.H, true, peephole, r.gates.data() + s.t * GBH, r.h.data() + s.prev * BH,
                                   r.c.data() + s.prev * BH, g_whh.data(), g_peep.data(), m ? m + s.t * d.B : nullptr,
                                   r.h.data() + s.cur * BH, r.c.data() + s.cur * BH);
      }
      for (int64_t k = d.T - 1; k >= 0; --k) {
        const Step s = step_of(d, k);
        neurite::lstm_cell_backward(p, d.B, d.H, true, peephole, r.gates.data() + s.t * GBH, r.c.data() + s.prev * BH,
                                    r.c.data() + s.cur * BH, g_whh.data(), g_peep.data(), m ? m + s.t * d.B : nullptr,
                                    r.dh.data() + s.cur * BH, r.dc.data() + s.cur * BH, r.dgates.data() + s.t * GBH,
                                    r.dh.data() + s.prev * BH, r.dc.data() + s.prev * BH, r.dpeep.data());
      }
    }});
  }
  for (bool after : {true, false}) {
    out.push_back({"gru", 3, false, true, [after](ThreadPool& p, const Dims& d, Run& r, const float* m, bool steps) {
      const int64_t BH = d.B * d.H, GBH = 3 * BH;
      if (!steps) {
        neurite::gru_sequence_forward(p, d.T, d.B, d.H, after, d.reverse, r.gates.data(), g_whh.data(), g_bhh.data(),
                                      m, r.h.data(), r.aux.data());
        neurite::gru_sequence_backward(p, d.T, d.B, d.H, after, d.reverse, r.gates.data(), r.aux.data(), r.h.data(),
                                       g_whh.data(), m, r.dh.data(), r.dgates.data(), r.daux.data());
        return;
      }
      for (int64_t k = 0; k < d.T; ++k) {
        const Step s = step_of(d, k);
        neurite::gru_cell_forward(p, d.B, d.H, after, r.gates.data() + s.t * GBH, r.h.data() + s.prev * BH,
                                  g_whh.data(), g_bhh.data(), m ? m + s.t * d.B : nullptr, r.h.data() + s.cur * BH,
                                  r.aux.data() + s.t * BH);
      }
      for (int64_t k = d.T - 1; k >= 0; --k) {
        const Step s = step_of(d, k);
        neurite::gru_cell_backward(p, d.B, d.H, after, r.gates.data() + s.t * GBH, r.aux.data() + s.t * BH,
                                   r.h.data() + s.prev * BH, g_whh.data(), m ? m + s.t * d.B : nullptr,
                                   r.dh.data() + s.cur * BH, r.dgates.data() + s.t * GBH, r.daux.data() + s.t * BH,
                                   r.dh.data() + s.prev * BH);
      }
    }});
  }
  out.push_back({"mgu", 2, false, true, [](ThreadPool& p, const Dims& d, Run& r, const float* m, bool steps) {
    const int64_t BH = d.B * d.H, GBH = 2 * BH;
    if (!steps) {
      neurite::mgu_sequence_forward(p, d.T, d.B, d.H, d.reverse, r.gates.data(), g_whh.data(), g_bhh.data(), m,
                                    r.h.data(), r.aux.data());
      neurite::mgu_sequence_backward(p, d.T, d.B, d.H, d.reverse, r.gates.data(), r.h.data(), g_whh.data(), m,
                                     r.dh.data(), r.dgates.data(), r.daux.data());
      return;
    }
    for (int64_t k = 0; k < d.T; ++k) {
      const Step s = step_of(d, k);
      neurite::mgu_cell_forward(p, d.B, d.H, r.gates.data() + s.t * GBH, r.h.data() + s.prev * BH, g_whh.data(),
                                g_bhh.data(), m ? m + s.t * d.B : nullptr, r.h.data() + s.cur * BH,
                                r.aux.data() + s.t * BH);
    }
    for (int64_t k = d.T - 1; k >= 0; --k) {
      const Step s = step_of(d, k);
      neurite::mgu_cell_backward(p, d.B, d.H, r.gates.data() + s.t * GBH, r.h.data() + s.prev * BH, g_whh.data(),
                                 m ? m + s.t * d.B : nullptr, r.dh.data() + s.cur * BH, r.dgates.data() + s.t * GBH,
                                 r.daux.data() + s.t * BH, r.dh.data() + s.prev * BH);
    }
  }});
  return out;
}

Run make_run(const SeqCell& cell, const Dims& d) {
  const size_t slots = static_cast<size_t>((d.T + 1) * d.B * d.H), TBH = static_cast<size_t>(d.T * d.B * d.H);
  Run r;
  r.gates.resize(TBH * cell.G);
  r.dgates.resize(TBH * cell.G);
  r.h.resize(slots);
  r.dh.resize(slots);
  if (cell.lstm) {
    r.c.resize(slots);
    r.dc.resize(slots);
    r.dpeep.resize(3 * d.H);
  }
  if (cell.has_aux) {
    r.aux.resize(TBH);
    r.daux.resize(TBH);
  }
  fill_pattern(r.gates, 31);
  fill_pattern(r.h, 32);
  fill_pattern(r.c, 33);
  fill_pattern(r.dh, 34);
  fill_pattern(r.dc, 35);
  fill_pattern(r.dpeep, 36);
  return r;
}

bool same(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

}  // namespace

TEST(recurrent_sequences_match_step_kernels) {
  // 5 x 30 x 30 packs (B * H * H > 4096); 2 x 5 x 5 takes sgemm's direct path.
  for (const Dims base : {Dims{4, 5, 30, 0, false}, Dims{3, 2, 5, 0, false}}) {
    g_whh.assign(4 * base.H * base.H, 0.0f);
    g_bhh.assign(4 * base.H, 0.0f);
    g_peep.assign(3 * base.H, 0.0f);
    fill_pattern(g_whh, 41);
    for (auto& w : g_whh) w *= 0.3f;
    fill_pattern(g_bhh, 42);
    fill_pattern(g_peep, 43);
    for (bool reverse : {false, true}) {
      const Dims d{base.T, base.B, base.H, 0, reverse};
      std::vector<float> mask(static_cast<size_t>(d.T * d.B), 1.0f);
      mask[static_cast<size_t>((d.T - 1) * d.B)] = 0.0f;  // row 0 ends a step early
      for (const SeqCell& cell : seq_cells()) {
        ThreadPool one(1);
        Run want = make_run(cell, d);
        cell.run(one, d, want, mask.data(), true);
        for (int threads : {1, 3}) {
          ThreadPool pool(threads);
          Run got = make_run(cell, d);
          cell.run(pool, d, got, mask.data(), false);
          const bool ok = same(got.gates, want.gates) && same(got.h, want.h) && same(got.c, want.c) &&
                          same(got.aux, want.aux) && same(got.dgates, want.dgates) && same(got.dh, want.dh) &&
                          same(got.dc, want.dc) && same(got.daux, want.daux) && same(got.dpeep, want.dpeep);
          if (!ok) {
            std::fprintf(stderr, "%s T=%lld B=%lld H=%lld reverse=%d threads=%d: sequence != steps\n", cell.name,
                         static_cast<long long>(d.T), static_cast<long long>(d.B), static_cast<long long>(d.H),
                         reverse, threads);
          }
          CHECK(ok);
        }
      }
    }
  }
}

// The gate loops are compiled per ISA (gates.h) without contraction into FMAs, so every ISA
// gives the same bits. With W_hh = 0 the recurrent products add exact zeros, leaving only the
// gate math to compare.
TEST(recurrent_gate_math_same_bits_on_every_isa) {
  const Dims d{3, 5, 37, 0, false};
  g_whh.assign(4 * d.H * d.H, 0.0f);
  g_bhh.assign(4 * d.H, 0.0f);
  g_peep.assign(3 * d.H, 0.0f);
  fill_pattern(g_bhh, 52);
  fill_pattern(g_peep, 53);
  std::vector<float> mask(static_cast<size_t>(d.T * d.B), 1.0f);
  mask[1] = 0.0f;
  const neurite::Isa before = neurite::active_isa();
  for (const SeqCell& cell : seq_cells()) {
    ThreadPool pool(2);
    CHECK(neurite::set_active_isa(neurite::Isa::generic));
    Run want = make_run(cell, d);
    cell.run(pool, d, want, mask.data(), true);
    for (neurite::Isa isa : {neurite::Isa::avx2, neurite::Isa::avx512, neurite::Isa::neon}) {
      if (!neurite::set_active_isa(isa)) continue;
      Run got = make_run(cell, d);
      cell.run(pool, d, got, mask.data(), true);
      const bool ok = same(got.gates, want.gates) && same(got.h, want.h) && same(got.c, want.c) &&
                      same(got.aux, want.aux) && same(got.dgates, want.dgates) && same(got.dh, want.dh) &&
                      same(got.dc, want.dc) && same(got.daux, want.daux) && same(got.dpeep, want.dpeep);
      if (!ok) std::fprintf(stderr, "%s on %s: gate math differs from generic\n", cell.name, neurite::isa_name(isa));
      CHECK(ok);
    }
  }
  neurite::set_active_isa(before);
}
