// conv2d, locally connected and pooling kernels against direct loops in double precision, on
// odd shapes with stride, asymmetric padding, dilation and groups, at 1 and 2 threads. Built
// with AddressSanitizer in CI, so any out-of-bounds access in im2col/col2im or the windows
// fails here.
#include <cmath>
#include <vector>

#include "../kernels/conv.h"
#include "../kernels/locally_connected.h"
#include "../kernels/pool.h"
#include "check.h"

using neurite::test::fill_pattern;

namespace {

struct Case {
  int N, C, H, W, OC, KH, KW, sh, sw, pt, pb, pl, pr, dh, dw, G;
};

neurite::ConvGeometry geometry(const Case& c) {
  neurite::ConvGeometry g{};
  g.C = c.C; g.H = c.H; g.W = c.W; g.KH = c.KH; g.KW = c.KW;
  g.stride_h = c.sh; g.stride_w = c.sw; g.pad_top = c.pt; g.pad_left = c.pl;
  g.dilation_h = c.dh; g.dilation_w = c.dw;
  g.OH = neurite::conv_output_size(c.H, c.KH, c.sh, c.pt, c.pb, c.dh);
  g.OW = neurite::conv_output_size(c.W, c.KW, c.sw, c.pl, c.pr, c.dw);
  return g;
}

const Case kCases[] = {
    {2, 4, 7, 5, 6, 3, 2, 2, 1, 1, 0, 2, 1, 1, 2, 2},
    {3, 3, 6, 6, 3, 3, 3, 1, 2, 1, 1, 1, 1, 1, 1, 3},
    {2, 4, 5, 3, 4, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1},
    {1, 2, 9, 8, 2, 2, 3, 3, 2, 2, 1, 0, 2, 2, 1, 1},
};

}  // namespace

TEST(conv2d_matches_direct_loops) {
  for (int threads : {1, 2}) {
    neurite::ThreadPool pool(threads);
    for (const Case& c : kCases) {
      const auto g = geometry(c);
      const int Cg = c.C / c.G, OCg = c.OC / c.G, P = static_cast<int>(g.OH * g.OW);
      std::vector<float> x(c.N * c.C * c.H * c.W), w(c.OC * Cg * c.KH * c.KW), b(c.OC),
          dout(c.N * c.OC * P), out(dout.size()), dx(x.size(), 0.0f), dw(w.size(), 0.0f), db(c.OC, 0.0f);
      fill_pattern(x, 1); fill_pattern(w, 2); fill_pattern(b, 3); fill_pattern(dout, 4);
      neurite::conv2d_forward(pool, g, c.N, c.OC, c.G, x.data(), w.data(), b.data(), out.data());
      neurite::conv2d_backward_input(pool, g, c.N, c.OC, c.G, dout.data(), w.data(), dx.data(),
                                     true);
      neurite::conv2d_backward_weight(pool, g, c.N, c.OC, c.G, x.data(), dout.data(), dw.data());
      neurite::conv2d_backward_bias(pool, c.N, c.OC, P, dout.data(), db.data());
      std::vector<double> ro(out.size()), rdx(x.size()), rdw(w.size()), rdb(c.OC);
      for (int n = 0; n < c.N; ++n)
        for (int oc = 0; oc < c.OC; ++oc)
          for (int p = 0; p < P; ++p) {
            const int oh = p / static_cast<int>(g.OW), ow = p % static_cast<int>(g.OW);
            const int o = (n * c.OC + oc) * P + p;
            double s = b[oc];
            rdb[oc] += dout[o];
            for (int ci = 0; ci < Cg; ++ci)
              for (int kh = 0; kh < c.KH; ++kh)
                for (int kw = 0; kw < c.KW; ++kw) {
                  const int ih = oh * c.sh - c.pt + kh * c.dh, iw = ow * c.sw - c.pl + kw * c.dw;
                  if (ih < 0 || ih >= c.H || iw < 0 || iw >= c.W) continue;
                  const int xi = ((n * c.C + (oc / OCg) * Cg + ci) * c.H + ih) * c.W + iw;
                  const int wi = ((oc * Cg + ci) * c.KH + kh) * c.KW + kw;
                  s += static_cast<double>(w[wi]) * x[xi];
                  rdx[xi] += static_cast<double>(w[wi]) * dout[o];
                  rdw[wi] += static_cast<double>(x[xi]) * dout[o];
                }
            ro[o] = s;
          }
      for (size_t i = 0; i < out.size(); ++i) CHECK_NEAR(out[i], ro[i], 1e-4);
      for (size_t i = 0; i < dx.size(); ++i) CHECK_NEAR(dx[i], rdx[i], 1e-4);
      for (size_t i = 0; i < dw.size(); ++i) CHECK_NEAR(dw[i], rdw[i], 1e-4);
      for (int i = 0; i < c.OC; ++i) CHECK_NEAR(db[i], rdb[i], 1e-4);
    }
  }
}

TEST(locally_connected_and_pooling_match_direct_loops) {
  neurite::ThreadPool pool(2);
  for (const Case& c : kCases) {
    const auto g = geometry(c);
    const int P = static_cast<int>(g.OH * g.OW), R = c.C * c.KH * c.KW;
    std::vector<float> x(c.N * c.C * c.H * c.W), w(P * c.OC * R), b(c.OC * P), out(c.N * c.OC * P),
        dout(out.size()), dx(x.size(), 0.0f), dw(w.size(), 0.0f), db(b.size(), 0.0f);
    fill_pattern(x, 5); fill_pattern(w, 6); fill_pattern(b, 7); fill_pattern(dout, 8);
    neurite::locally_connected2d_forward(pool, g, c.N, c.OC, x.data(), w.data(), b.data(), out.data());
    neurite::locally_connected2d_backward_input(pool, g, c.N, c.OC, dout.data(), w.data(), dx.data());
    neurite::locally_connected2d_backward_weight(pool, g, c.N, c.OC, x.data(), dout.data(), dw.data(), db.data());
    std::vector<double> rdx(x.size());
    for (int n = 0; n < c.N; ++n)
      for (int oc = 0; oc < c.OC; ++oc)
        for (int p = 0; p < P; ++p) {
          const int oh = p / static_cast<int>(g.OW), ow = p % static_cast<int>(g.OW);
          const int o = (n * c.OC + oc) * P + p;
          double s = b[oc * P + p];
          for (int r = 0; r < R; ++r) {
            const int ch = r / (c.KH * c.KW), kh = (r / c.KW) % c.KH, kw = r % c.KW;
            const int ih = oh * c.sh - c.pt + kh * c.dh, iw = ow * c.sw - c.pl + kw * c.dw;
            if (ih < 0 || ih >= c.H || iw < 0 || iw >= c.W) continue;
            const int xi = ((n * c.C + ch) * c.H + ih) * c.W + iw;
            s += static_cast<double>(w[(p * c.OC + oc) * R + r]) * x[xi];
            rdx[xi] += static_cast<double>(w[(p * c.OC + oc) * R + r]) * dout[o];
          }
          CHECK_NEAR(out[o], s, 1e-4);
        }
    for (size_t i = 0; i < dx.size(); ++i) CHECK_NEAR(dx[i], rdx[i], 1e-4);

    // Max pooling (dilated windows) and its gradient; the argmax must point at the maximum.
    std::vector<float> mo(c.N * c.C * P), am(mo.size()), mdx(x.size(), 0.0f), ao(mo.size()), adx(x.size(), 0.0f);
    neurite::max_pool2d_forward(pool, g, c.N * c.C, x.data(), mo.data(), am.data());
    neurite::max_pool2d_backward(pool, c.N * c.C, c.H * c.W, P, c.W, 0, mo.data(), am.data(), mdx.data(),
                                 true);
    for (int k = 0; k < c.N * c.C * P; ++k) {
      if (am[k] < 0) continue;
      CHECK(mo[k] == x[(k / P) * c.H * c.W + static_cast<int>(am[k])]);
    }
    // Average pooling without dilation: sum of a window divided by KH*KW.
    neurite::ConvGeometry ga = g;
    ga.dilation_h = ga.dilation_w = 1;
    ga.OH = neurite::conv_output_size(c.H, c.KH, c.sh, c.pt, c.pb, 1);
    ga.OW = neurite::conv_output_size(c.W, c.KW, c.sw, c.pl, c.pr, 1);
    std::vector<float> avg(c.N * c.C * ga.OH * ga.OW), gavg(avg.size(), 1.0f);
    neurite::avg_pool2d_forward(pool, ga, c.N * c.C, true, x.data(), avg.data());
    neurite::avg_pool2d_backward(pool, ga, c.N * c.C, false, gavg.data(), adx.data());
    // Each window with at least one pixel in the image spreads exactly 1 of gradient.
    double total = 0, expected = 0;
    for (float v : adx) total += v;
    for (int oh = 0; oh < ga.OH; ++oh)
      for (int ow = 0; ow < ga.OW; ++ow) {
        const int h0 = oh * c.sh - c.pt, w0 = ow * c.sw - c.pl;
        const bool rows = h0 + c.KH > 0 && h0 < c.H, cols = w0 + c.KW > 0 && w0 < c.W;
        if (rows && cols) expected += c.N * c.C;
      }
    CHECK_NEAR(total, expected, 1e-3);
  }
}
