// LSTM cell kernels (see lstm.h and the derivation in lstm.md).
#include "lstm.h"

#include "gates.h"

namespace neurite {

using gates::for_rows;
using gates::gemm_block;
using gates::live;
using gates::sigmoid;

void lstm_cell_forward(ThreadPool& pool, int64_t B, int64_t H, bool forget_gate, bool peephole,
                       float* g, const float* hprev, const float* cprev, const float* whh,
                       const float* peep, const float* mask, float* h, float* c) noexcept {
  const int64_t G = forget_gate ? 4 : 3;
  const int64_t GH = G * H;
  const int64_t of = H, og = (G - 2) * H, oo = (G - 1) * H, po = (G - 2) * H;
  // The recurrent product lands on the input projection: gates += h_{t-1} W_hh^T.
  gemm_block(pool, true, B, GH, H, hprev, H, whh, H, 1.0f, g, GH);
  for_rows(pool, B, H, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      float* gr = g + b * GH;
      const float* cp = cprev + b * H;
      const float* hp = hprev + b * H;
      float* cr = c + b * H;
      float* hr = h + b * H;
      const bool on = live(mask, b);
      for (int64_t j = 0; j < H; ++j) {
        const float i = sigmoid(gr[j] + (peephole ? peep[j] * cp[j] : 0.0f));
        const float f =
            forget_gate ? sigmoid(gr[of + j] + (peephole ? peep[H + j] * cp[j] : 0.0f)) : 1.0f;
        const float gg = std::tanh(gr[og + j]);
        const float cn = f * cp[j] + i * gg;
        const float o = sigmoid(gr[oo + j] + (peephole ? peep[po + j] * cn : 0.0f));
        gr[j] = i;
        if (forget_gate) gr[of + j] = f;
        gr[og + j] = gg;
        gr[oo + j] = o;
        cr[j] = on ? cn : cp[j];
        hr[j] = on ? o * std::tanh(cn) : hp[j];
      }
    }
  });
}

void lstm_cell_backward(ThreadPool& pool, int64_t B, int64_t H, bool forget_gate, bool peephole,
                        const float* g, const float* cprev, const float* c, const float* whh,
                        const float* peep, const float* mask, const float* dh, const float* dc,
                        float* dg, float* dhprev, float* dcprev, float* dpeep) noexcept {
  const int64_t G = forget_gate ? 4 : 3;
  const int64_t GH = G * H;
  const int64_t of = H, og = (G - 2) * H, oo = (G - 1) * H, po = (G - 2) * H;
  for_rows(pool, B, H, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      const float* gr = g + b * GH;
      float* dgr = dg + b * GH;
      const float* cp = cprev + b * H;
      const float* cr = c + b * H;
      const float* dhr = dh + b * H;
      const float* dcr = dc + b * H;
      float* dhp = dhprev + b * H;
      float* dcp = dcprev + b * H;
      if (!live(mask, b)) {
        for (int64_t j = 0; j < GH; ++j) dgr[j] = 0.0f;
        for (int64_t j = 0; j < H; ++j) {
          dhp[j] += dhr[j];
          dcp[j] += dcr[j];
        }
        continue;
      }
      for (int64_t j = 0; j < H; ++j) {
        const float i = gr[j], gg = gr[og + j], o = gr[oo + j];
        const float f = forget_gate ? gr[of + j] : 1.0f;
        const float tc = std::tanh(cr[j]);
        const float d = dhr[j];
        const float dao = d * tc * o * (1.0f - o);
        const float dct =
            dcr[j] + d * o * (1.0f - tc * tc) + (peephole ? dao * peep[po + j] : 0.0f);
        const float dai = dct * gg * i * (1.0f - i);
        const float dag = dct * i * (1.0f - gg * gg);
        float dcprev_j = dct * f;
        dgr[j] = dai;
        dgr[og + j] = dag;
        dgr[oo + j] = dao;
        if (forget_gate) {
          const float daf = dct * cp[j] * f * (1.0f - f);
          dgr[of + j] = daf;
          if (peephole) dcprev_j += daf * peep[H + j];
        }
        if (peephole) dcprev_j += dai * peep[j];
        dcp[j] += dcprev_j;
      }
    }
  });
  if (peephole) {
    // Peephole weights are shared by the batch: their gradients sum over rows, so split the
    // columns (not the rows) across threads.
    pool.parallel_for(H, std::max<int64_t>(1, 4096 / std::max<int64_t>(B, 1)),
                      [&](int64_t j0, int64_t j1) {
      for (int64_t b = 0; b < B; ++b) {
        if (!live(mask, b)) continue;
        const float* dgr = dg + b * GH;
        const float* cp = cprev + b * H;
        const float* cr = c + b * H;
        for (int64_t j = j0; j < j1; ++j) {
          dpeep[j] += dgr[j] * cp[j];
          if (forget_gate) dpeep[H + j] += dgr[of + j] * cp[j];
          dpeep[po + j] += dgr[oo + j] * cr[j];
        }
      }
    });
  }
  gemm_block(pool, false, B, H, GH, dg, GH, whh, H, 1.0f, dhprev, H);
}

}  // namespace neurite
