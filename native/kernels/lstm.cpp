// LSTM cell kernels (see lstm.h and the derivation in lstm.md). The row loops are templates on
// the variant flags, so each instance is a straight-line loop the compiler vectorizes.
#include "lstm.h"

#include <algorithm>
#include <cstdint>

#include "gates.h"
#include "gemm.h"

namespace neurite {

using gates::for_rows;
using gates::gemm_block;
using gates::live;
using gates::sigmoid;
using gates::pack_weight;
using gates::seq_step;
using gates::SeqStep;
using gates::sequence_rows;
using gates::simd_rows;

namespace {

// Gate block offsets for G = 4 (i, f, g, o) or G = 3 (i, g, o); P_o's offset in peep.
template <bool kForget>
struct Layout {
  static constexpr int64_t G = kForget ? 4 : 3;
};

// One batch row. Every gate block gets its own restrict pointer: with one pointer and four
// offsets the compiler needs more run-time overlap checks than it is willing to emit and leaves
// the loop scalar. The blocks never overlap, nor do the state slots.
template <bool kForget, bool kPeep>
NEURITE_GATE_INLINE void forward_row(int64_t H, float* __restrict gi, float* __restrict gf, float* __restrict gg_,
                 float* __restrict go, const float* __restrict cp, const float* __restrict peep,
                 float* __restrict cr, float* __restrict hr) {
  const float* pi = peep;
  const float* pf = kForget ? peep + H : nullptr;
  const float* po = kForget ? peep + 2 * H : peep + H;
  for (int64_t j = 0; j < H; ++j) {
    const float i = sigmoid(gi[j] + (kPeep ? pi[j] * cp[j] : 0.0f));
    const float f = kForget ? sigmoid(gf[j] + (kPeep ? pf[j] * cp[j] : 0.0f)) : 1.0f;
    const float gg = gates::tanh(gg_[j]);
    const float cn = f * cp[j] + i * gg;
    const float o = sigmoid(go[j] + (kPeep ? po[j] * cn : 0.0f));
    gi[j] = i;
    if (kForget) gf[j] = f;
    gg_[j] = gg;
    go[j] = o;
    cr[j] = cn;
    hr[j] = o * gates::tanh(cn);
  }
}

template <bool kForget, bool kPeep>
NEURITE_GATE_INLINE void backward_row(int64_t H, const float* __restrict gi, const float* __restrict gf,
                  const float* __restrict gg_, const float* __restrict go,
                  const float* __restrict cp, const float* __restrict cr,
                  const float* __restrict peep, const float* __restrict dhr,
                  const float* __restrict dcr, float* __restrict dgi, float* __restrict dgf,
                  float* __restrict dgg, float* __restrict dgo, float* __restrict dcp) {
  const float* pi = peep;
  const float* pf = kForget ? peep + H : nullptr;
  const float* po = kForget ? peep + 2 * H : peep + H;
  for (int64_t j = 0; j < H; ++j) {
    const float i = gi[j], gg = gg_[j], o = go[j];
    const float f = kForget ? gf[j] : 1.0f;
    const float tc = gates::tanh(cr[j]);
    const float d = dhr[j];
    const float dao = d * tc * o * (1.0f - o);
    const float dct = dcr[j] + d * o * (1.0f - tc * tc) + (kPeep ? dao * po[j] : 0.0f);
    const float dai = dct * gg * i * (1.0f - i);
    const float dag = dct * i * (1.0f - gg * gg);
    const float daf = kForget ? dct * cp[j] * f * (1.0f - f) : 0.0f;
    dgi[j] = dai;
    if (kForget) dgf[j] = daf;
    dgg[j] = dag;
    dgo[j] = dao;
    dcp[j] += dct * f + (kPeep ? dai * pi[j] + (kForget ? daf * pf[j] : 0.0f) : 0.0f);
  }
}

template <bool kForget, bool kPeep>
NEURITE_GATE_INLINE void forward_rows(int64_t b0, int64_t b1, int64_t H, float* g, const float* hprev,
                  const float* cprev, const float* peep, const float* mask, float* h, float* c) {
  const int64_t GH = Layout<kForget>::G * H;
  for (int64_t b = b0; b < b1; ++b) {
    float* gr = g + b * GH;
    const int64_t og = (Layout<kForget>::G - 2) * H, oo = (Layout<kForget>::G - 1) * H;
    forward_row<kForget, kPeep>(H, gr, kForget ? gr + H : nullptr, gr + og, gr + oo,
                                cprev + b * H, peep, c + b * H, h + b * H);
    if (!live(mask, b)) {  // padded step: the state carries over
      std::copy(hprev + b * H, hprev + (b + 1) * H, h + b * H);
      std::copy(cprev + b * H, cprev + (b + 1) * H, c + b * H);
    }
  }
}

template <bool kForget, bool kPeep>
NEURITE_GATE_INLINE void backward_rows(int64_t b0, int64_t b1, int64_t H, const float* g, const float* cprev,
                   const float* c, const float* peep, const float* mask, const float* dh,
                   const float* dc, float* dg, float* dhprev, float* dcprev) {
  const int64_t GH = Layout<kForget>::G * H;
  for (int64_t b = b0; b < b1; ++b) {
    if (!live(mask, b)) {  // padded step: gradients pass straight to the previous state
      std::fill(dg + b * GH, dg + (b + 1) * GH, 0.0f);
      for (int64_t j = 0; j < H; ++j) {
        dhprev[b * H + j] += dh[b * H + j];
        dcprev[b * H + j] += dc[b * H + j];
      }
      continue;
    }
    const float* gr = g + b * GH;
    float* dgr = dg + b * GH;
    const int64_t og = (Layout<kForget>::G - 2) * H, oo = (Layout<kForget>::G - 1) * H;
    backward_row<kForget, kPeep>(H, gr, kForget ? gr + H : nullptr, gr + og, gr + oo, cprev + b * H,
                                 c + b * H, peep, dh + b * H, dc + b * H, dgr,
                                 kForget ? dgr + H : nullptr, dgr + og, dgr + oo, dcprev + b * H);
  }
}

// dpeep[j] (and [H + j], [po + j]) += the step's sum over rows b = 0..B-1 in order, j0 <= j < j1.
void peephole_grad(int64_t j0, int64_t j1, int64_t B, int64_t H, bool forget_gate, const float* dg,
                   const float* cprev, const float* c, float* dpeep) {
  const int64_t G = forget_gate ? 4 : 3;
  const int64_t GH = G * H, of = H, oo = (G - 1) * H, po = (G - 2) * H;
  for (int64_t b = 0; b < B; ++b) {
    const float* dgr = dg + b * GH;
    const float* cp = cprev + b * H;
    const float* cr = c + b * H;
    for (int64_t j = j0; j < j1; ++j) {
      dpeep[j] += dgr[j] * cp[j];
      if (forget_gate) dpeep[H + j] += dgr[of + j] * cp[j];
      dpeep[po + j] += dgr[oo + j] * cr[j];
    }
  }
}

// Calls fn.template operator()<kForget, kPeep>() for the runtime flags.
template <typename Fn>
void dispatch(bool forget_gate, bool peephole, Fn&& fn) {
  if (forget_gate) {
    if (peephole) fn.template operator()<true, true>();
    else fn.template operator()<true, false>();
  } else {
    if (peephole) fn.template operator()<false, true>();
    else fn.template operator()<false, false>();
  }
}

}  // namespace

void lstm_cell_forward(ThreadPool& pool, int64_t B, int64_t H, bool forget_gate, bool peephole,
                       float* g, const float* hprev, const float* cprev, const float* whh,
                       const float* peep, const float* mask, float* h, float* c) noexcept {
  const int64_t GH = (forget_gate ? 4 : 3) * H;
  // The recurrent product lands on the input projection: gates += h_{t-1} W_hh^T.
  gemm_block(pool, true, B, GH, H, hprev, H, whh, H, 1.0f, g, GH);
  dispatch(forget_gate, peephole, [&]<bool kF, bool kP>() {
    for_rows(pool, B, H, [&](int64_t b0, int64_t b1) NEURITE_GATE_ALWAYS {
      forward_rows<kF, kP>(b0, b1, H, g, hprev, cprev, peep, mask, h, c);
    });
  });
}

void lstm_cell_backward(ThreadPool& pool, int64_t B, int64_t H, bool forget_gate, bool peephole,
                        const float* g, const float* cprev, const float* c, const float* whh,
                        const float* peep, const float* mask, const float* dh, const float* dc,
                        float* dg, float* dhprev, float* dcprev, float* dpeep) noexcept {
  const int64_t GH = (forget_gate ? 4 : 3) * H;
  dispatch(forget_gate, peephole, [&]<bool kF, bool kP>() {
    for_rows(pool, B, H, [&](int64_t b0, int64_t b1) NEURITE_GATE_ALWAYS {
      backward_rows<kF, kP>(b0, b1, H, g, cprev, c, peep, mask, dh, dc, dg, dhprev, dcprev);
    });
  });
  if (peephole) {
    // Peephole weights are shared by the batch: their gradients sum over rows, so split the
    // columns (not the rows) across threads. Padded rows have dgates = 0 and add nothing.
    pool.parallel_for(H, std::max<int64_t>(1, 4096 / std::max<int64_t>(B, 1)),
                      [&](int64_t j0, int64_t j1) {
      peephole_grad(j0, j1, B, H, forget_gate, dg, cprev, c, dpeep);
    });
  }
  gemm_block(pool, false, B, H, GH, dg, GH, whh, H, 1.0f, dhprev, H);
}

void lstm_sequence_forward(ThreadPool& pool, int64_t T, int64_t B, int64_t H, bool forget_gate,
                           bool peephole, bool reverse, float* g, const float* whh,
                           const float* peep, const float* mask, float* h, float* c) noexcept {
  if (T <= 0 || B <= 0) return;
  const int64_t GH = (forget_gate ? 4 : 3) * H, BH = B * H;
  if (!sgemm_packs(B, GH, H)) {
    // Too small to pack: step by step (the same results; sgemm takes its direct path).
    for (int64_t k = 0; k < T; ++k) {
      const SeqStep s = seq_step(T, reverse, k);
      lstm_cell_forward(pool, B, H, forget_gate, peephole, g + s.t * B * GH, h + s.prev * BH,
                        c + s.prev * BH, whh, peep, mask ? mask + s.t * B : nullptr,
                        h + s.cur * BH, c + s.cur * BH);
    }
    return;
  }
  const float* packed = pack_weight(pool, 3, true, H, GH, whh, H);
  dispatch(forget_gate, peephole, [&]<bool kF, bool kP>() {
    sequence_rows(pool, T, B, GH * H, [&](int64_t b0, int64_t b1) {
      for (int64_t k = 0; k < T; ++k) {
        const SeqStep s = seq_step(T, reverse, k);
        float* gt = g + s.t * B * GH;
        const float* hp = h + s.prev * BH;
        const float* cp = c + s.prev * BH;
        float* hc = h + s.cur * BH;
        float* cc = c + s.cur * BH;
        const float* m = mask ? mask + s.t * B : nullptr;
        // gates += h_{t-1} W_hh^T on this thread's rows, then the gate math on them.
        sgemm_packed_b_serial(false, b1 - b0, GH, H, 1.0f, hp + b0 * H, H, packed, 1.0f,
                              gt + b0 * GH, GH);
        simd_rows([&](int64_t r0, int64_t r1) NEURITE_GATE_ALWAYS {
          forward_rows<kF, kP>(r0, r1, H, gt, hp, cp, peep, m, hc, cc);
        }, b0, b1);
      }
    });
  });
}

void lstm_sequence_backward(ThreadPool& pool, int64_t T, int64_t B, int64_t H, bool forget_gate,
                            bool peephole, bool reverse, const float* g, const float* c,
                            const float* whh, const float* peep, const float* mask, float* dh,
                            float* dc, float* dg, float* dpeep) noexcept {
  if (T <= 0 || B <= 0) return;
  const int64_t GH = (forget_gate ? 4 : 3) * H, BH = B * H;
  if (!sgemm_packs(B, GH, H) || !sgemm_packs(B, H, GH)) {
    for (int64_t k = T - 1; k >= 0; --k) {
      const SeqStep s = seq_step(T, reverse, k);
      lstm_cell_backward(pool, B, H, forget_gate, peephole, g + s.t * B * GH, c + s.prev * BH,
                         c + s.cur * BH, whh, peep, mask ? mask + s.t * B : nullptr,
                         dh + s.cur * BH, dc + s.cur * BH, dg + s.t * B * GH, dh + s.prev * BH,
                         dc + s.prev * BH, dpeep);
    }
    return;
  }
  const float* packed = pack_weight(pool, 3, false, GH, H, whh, H);
  dispatch(forget_gate, peephole, [&]<bool kF, bool kP>() {
    sequence_rows(pool, T, B, GH * H, [&](int64_t b0, int64_t b1) {
      for (int64_t k = T - 1; k >= 0; --k) {
        const SeqStep s = seq_step(T, reverse, k);
        const float* gt = g + s.t * B * GH;
        float* dgt = dg + s.t * B * GH;
        const float* cp = c + s.prev * BH;
        const float* cc = c + s.cur * BH;
        const float* m = mask ? mask + s.t * B : nullptr;
        float* dhp = dh + s.prev * BH;
        float* dcp = dc + s.prev * BH;
        const float* dhc = dh + s.cur * BH;
        const float* dcc = dc + s.cur * BH;
        simd_rows([&](int64_t r0, int64_t r1) NEURITE_GATE_ALWAYS {
          backward_rows<kF, kP>(r0, r1, H, gt, cp, cc, peep, m, dhc, dcc, dgt, dhp, dcp);
        }, b0, b1);
        // dh_{t-1} += da W_hh on this thread's rows.
        sgemm_packed_b_serial(false, b1 - b0, H, GH, 1.0f, dgt + b0 * GH, GH, packed, 1.0f,
                              dhp + b0 * H, H);
      }
    });
  });
  if (peephole) {
    // After the loop, in the order the step-by-step kernel adds them: steps as walked, rows
    // in order within a step.
    pool.parallel_for(H, std::max<int64_t>(1, 4096 / std::max<int64_t>(T * B, 1)),
                      [&](int64_t j0, int64_t j1) {
      for (int64_t k = T - 1; k >= 0; --k) {
        const SeqStep s = seq_step(T, reverse, k);
        peephole_grad(j0, j1, B, H, forget_gate, dg + s.t * B * GH, c + s.prev * BH,
                      c + s.cur * BH, dpeep);
      }
    });
  }
}

}  // namespace neurite
