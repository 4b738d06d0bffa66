// Recurrent cell kernels without Node (run under ASan + UBSan in CI): every cell's forward and
// backward on exactly sized buffers, with a mask. Masked rows must carry h_{t-1} (and C_{t-1})
// unchanged and pass dh (and dC) straight through; the backward of a one-step loss must match a
// central difference of the forward (in float, so loosely) for h_{t-1}. Outputs are identical
// for 1 and 2 threads.
#include <cmath>
#include <functional>
#include <vector>

#include "../kernels/gru.h"
#include "../kernels/lstm.h"
#include "../kernels/mgu.h"
#include "../kernels/rnn.h"
#include "check.h"

using neurite::test::fill_pattern;

namespace {

constexpr int64_t B = 5, H = 7;

struct Cell {
  const char* name;
  int G;
  bool lstm;
  // forward(pool, gates (in/out), hprev, cprev, h, c, aux, mask)
  std::function<void(neurite::ThreadPool&, float*, const float*, const float*, float*, float*,
                     float*, const float*)>
      forward;
  // backward(pool, gates, hprev, cprev, c, aux, mask, dh, dc, dgates, daux, dhprev, dcprev)
  std::function<void(neurite::ThreadPool&, const float*, const float*, const float*, const float*,
                     const float*, const float*, const float*, const float*, float*, float*,
                     float*, float*)>
      backward;
};

std::vector<float> whh(4 * H * H), bhh(4 * H), peep(3 * H);

std::vector<Cell> cells() {
  using neurite::ThreadPool;
  std::vector<Cell> out;
  for (auto act : {neurite::RnnActivation::kTanh, neurite::RnnActivation::kRelu}) {
    out.push_back({act == neurite::RnnActivation::kTanh ? "rnn tanh" : "rnn relu", 1, false,
                   [act](ThreadPool& p, float* g, const float* hp, const float*, float* h, float*,
                         float*, const float* m) {
                     neurite::rnn_cell_forward(p, B, H, act, g, hp, whh.data(), m, h);
                   },
                   [act](ThreadPool& p, const float* g, const float*, const float*, const float*,
                         const float*, const float* m, const float* dh, const float*, float* dg,
                         float*, float* dhp, float*) {
                     neurite::rnn_cell_backward(p, B, H, act, g, whh.data(), m, dh, dg, dhp);
                   }});
  }
  for (bool forget : {true, false}) {
    for (bool peephole : {false, true}) {
      const int G = forget ? 4 : 3;
      out.push_back({forget ? (peephole ? "lstm peephole" : "lstm") : (peephole ? "lstm-nf peephole" : "lstm-nf"), G, true,
                     [=](ThreadPool& p, float* g, const float* hp, const float* cp, float* h, float* c,
                         float*, const float* m) {
                       neurite::lstm_cell_forward(p, B, H, forget, peephole, g, hp, cp, whh.data(),
                                                  peep.data(), m, h, c);
                     },
                     [=](ThreadPool& p, const float* g, const float*, const float* cp, const float* c,
                         const float*, const float* m, const float* dh, const float* dc, float* dg,
                         float*, float* dhp, float* dcp) {
                       std::vector<float> dpeep(3 * H, 0.0f);
                       neurite::lstm_cell_backward(p, B, H, forget, peephole, g, cp, c, whh.data(),
                                                   peep.data(), m, dh, dc, dg, dhp, dcp, dpeep.data());
                     }});
    }
  }
  for (bool after : {true, false}) {
    out.push_back({after ? "gru reset-after" : "gru reset-before", 3, false,
                   [=](ThreadPool& p, float* g, const float* hp, const float*, float* h, float*,
                       float* aux, const float* m) {
                     neurite::gru_cell_forward(p, B, H, after, g, hp, whh.data(), bhh.data(), m, h, aux);
                   },
                   [=](ThreadPool& p, const float* g, const float* hp, const float*, const float*,
                       const float* aux, const float* m, const float* dh, const float*, float* dg,
                       float* daux, float* dhp, float*) {
                     neurite::gru_cell_backward(p, B, H, after, g, aux, hp, whh.data(), m, dh, dg, daux, dhp);
                   }});
  }
  out.push_back({"mgu", 2, false,
                 [](ThreadPool& p, float* g, const float* hp, const float*, float* h, float*,
                    float* aux, const float* m) {
                   neurite::mgu_cell_forward(p, B, H, g, hp, whh.data(), bhh.data(), m, h, aux);
                 },
                 [](ThreadPool& p, const float* g, const float* hp, const float*, const float*,
                    const float*, const float* m, const float* dh, const float*, float* dg,
                    float* daux, float* dhp, float*) {
                   neurite::mgu_cell_backward(p, B, H, g, hp, whh.data(), m, dh, dg, daux, dhp);
                 }});
  return out;
}

// sum(h) (+ sum(c) for LSTMs) after one step from hprev.
double step_loss(neurite::ThreadPool& pool, const Cell& cell, const std::vector<float>& xproj,
                 const std::vector<float>& hprev, const std::vector<float>& cprev, const float* mask) {
  std::vector<float> g(xproj), h(B * H), c(B * H), aux(B * H);
  cell.forward(pool, g.data(), hprev.data(), cprev.data(), h.data(), c.data(), aux.data(), mask);
  double s = 0;
  for (int64_t i = 0; i < B * H; ++i) s += h[i] + (cell.lstm ? c[i] : 0.0f);
  return s;
}

}  // namespace

TEST(recurrent_cells_mask_and_gradient) {
  for (int threads : {1, 2}) {
    neurite::ThreadPool pool(threads);
    fill_pattern(whh, 11);
    for (auto& w : whh) w *= 0.4f;
    fill_pattern(bhh, 12);
    fill_pattern(peep, 13);
    const std::vector<float> mask = {1, 0, 1, 1, 0};
    for (const Cell& cell : cells()) {
      std::vector<float> xproj(B * cell.G * H), hprev(B * H), cprev(B * H);
      fill_pattern(xproj, 21);
      fill_pattern(hprev, 22);
      fill_pattern(cprev, 23);
      for (auto& v : xproj) v += 0.3f;  // keep relu pre-activations off the kink
      std::vector<float> g(xproj), h(B * H), c(B * H), aux(B * H);
      cell.forward(pool, g.data(), hprev.data(), cprev.data(), h.data(), c.data(), aux.data(), mask.data());
      for (int64_t b = 0; b < B; ++b)
        for (int64_t j = 0; j < H; ++j) {
          CHECK(std::isfinite(h[b * H + j]));
          if (mask[b] == 0.0f) {
            CHECK(h[b * H + j] == hprev[b * H + j]);
            if (cell.lstm) CHECK(c[b * H + j] == cprev[b * H + j]);
          }
        }
      std::vector<float> ones(B * H, 1.0f), dg(B * cell.G * H), daux(B * H), dhp(B * H, 0.0f), dcp(B * H, 0.0f);
      cell.backward(pool, g.data(), hprev.data(), cprev.data(), c.data(), aux.data(), mask.data(),
                    ones.data(), cell.lstm ? ones.data() : ones.data(), dg.data(), daux.data(),
                    dhp.data(), dcp.data());
      for (int64_t b = 0; b < B; ++b) {
        for (int64_t j = 0; j < H; ++j) {
          const int64_t i = b * H + j;
          if (mask[b] == 0.0f) {
            CHECK(dhp[i] == 1.0f);
            for (int64_t k = 0; k < cell.G * H; ++k) CHECK(dg[b * cell.G * H + k] == 0.0f);
            continue;
          }
          // For LSTMs the loss also sums C_t, whose gradient (dc = 1) the kernel was given.
          std::vector<float> up(hprev), dn(hprev);
          const float eps = 1e-2f;
          up[i] += eps;
          dn[i] -= eps;
          const double numeric = (step_loss(pool, cell, xproj, up, cprev, mask.data()) -
                                  step_loss(pool, cell, xproj, dn, cprev, mask.data())) / (2 * eps);
          CHECK_NEAR(dhp[i], numeric, 2e-2 * (1 + std::fabs(numeric)));
        }
      }
    }
  }
}

// The documented error bounds of the vectorizable activations in gates.h, over a dense sweep.
#include "../kernels/gates.h"

TEST(gate_activation_error_bounds) {
  double exp_rel = 0, sig_abs = 0, tanh_abs = 0, tanh_rel = 0;
  for (int i = -3000000; i <= 3000000; ++i) {
    const float x = static_cast<float>(i) * 1e-5f;  // [-30, 30], 1e-5 apart
    const double xd = x;
    exp_rel = std::max(exp_rel, std::fabs(neurite::gates::fast_exp(x) - std::exp(xd)) / std::exp(xd));
    sig_abs = std::max(sig_abs, std::fabs(neurite::gates::sigmoid(x) - 1.0 / (1.0 + std::exp(-xd))));
    const double t = std::tanh(xd);
    const double e = std::fabs(neurite::gates::tanh(x) - t);
    tanh_abs = std::max(tanh_abs, e);
    if (t != 0) tanh_rel = std::max(tanh_rel, e / std::fabs(t));
  }
  for (float x : {-87.0f, -80.0f, -50.0f, 50.0f, 80.0f, 88.0f}) {
    exp_rel = std::max(exp_rel, std::fabs(neurite::gates::fast_exp(x) - std::exp(double{x})) / std::exp(double{x}));
  }
  std::printf("gate activations: exp rel %.3g, sigmoid abs %.3g, tanh abs %.3g rel %.3g\n", exp_rel,
              sig_abs, tanh_abs, tanh_rel);
  CHECK(exp_rel <= 2e-7);
  CHECK(sig_abs <= 1.5e-7);
  CHECK(tanh_abs <= 1.5e-7);
  CHECK(tanh_rel <= 2e-7);
  CHECK(neurite::gates::sigmoid(-1000.0f) >= 0.0f && neurite::gates::sigmoid(-1000.0f) < 1e-37f);
  CHECK(neurite::gates::sigmoid(1000.0f) == 1.0f);
  CHECK(neurite::gates::tanh(1000.0f) == 1.0f && neurite::gates::tanh(-1000.0f) == -1.0f);
  CHECK(neurite::gates::tanh(0.0f) == 0.0f);
}
