// conv2d by im2col + GEMM (see conv.h).
//
// - Forward: for each chunk of images (one image, or several side by side when the output is
//   small: images_per_gemm), each group's rows of the im2col matrix are written straight into
//   the GEMM's packed-B panels (im2col_packed, sgemm_packed_b), so col is never stored and B
//   is never repacked; the product lands in out (or in scratch, then out, with the bias). A
//   single image on one thread goes a block of output rows at a time (block_rows).
//   A pointwise convolution (1x1, stride 1, unpadded) skips im2col in all three passes: x is
//   already its col matrix, read in place image by image.
// - Input gradient: per chunk, dcol = weight^T * dout by GEMM, then col2im.
// - Weight gradient: dweight_g += sum over images of dout_n,g * col_n,g^T, for a chunk of
//   images at a time. Narrow weights go through the dot-product kernel of gemm_dot.h, which
//   reads dout and the im2col matrices in place (both run along OH*OW) and sums the chunk in
//   registers; wide ones through sgemm, image by image, on AVX-512 (rows of 16-multiple
//   widths) with col^T built straight into the GEMM's packed panels by register transposes
//   (TransposedIm2col) a block of positions at a time. The partial sums of the chunks are
//   added in a fixed order.
// - Threads: when there are at least as many chunks as threads (and an image's col matrix is
//   not huge), chunks go to the threads, each with its own workspace and a single-threaded
//   GEMM; otherwise each chunk's GEMM is split.
//
// Chunks depend on the shape only, each chunk is computed the same way whichever thread runs
// it, and GEMM splits M/N only, so results do not depend on the thread count.
#include "conv.h"

#include <algorithm>
#include <cstring>

#include "gemm.h"
#include "gemm_dot.h"
#include "simd_loop.h"
#include "workspace.h"

namespace neurite {
namespace {

// Largest im2col matrix (floats) per thread for which chunks of images are split over the
// threads (each with its own workspace) rather than each chunk's GEMM: whole images per thread
// need no synchronization and keep each core's cache to itself.
constexpr int64_t kSplitBatchColFloats = int64_t{1} << 22;
// im2col matrices of the weight gradient: at most this many floats per chunk of images, and
// at least kWeightChunks chunks when the batch allows, so that chunks can go to threads.
constexpr int64_t kWeightWorkspaceFloats = int64_t{1} << 20;
constexpr int64_t kWeightChunks = 8;
// Output positions per packed block of col^T in the weight gradient (TransposedIm2col): 256
// positions of a 288-row col^T are 288 KiB, which stay in L2 for the GEMM.
constexpr int64_t kTransposedBlock = 256;

bool is_pointwise(const ConvGeometry& g) {
  return g.KH == 1 && g.KW == 1 && g.stride_h == 1 && g.stride_w == 1 && g.pad_top == 0 &&
         g.pad_left == 0 && g.OH == g.H && g.OW == g.W;
}

// Runs fn(i, gemm_pool) for i in [0, count): split over the threads with a private one-thread
// GEMM pool when `split` is set, otherwise serially with the GEMM on the whole pool.
template <typename Fn>
void for_each_chunk(ThreadPool& pool, int64_t count, bool split, Fn&& fn) {
  if (!split) {
    for (int64_t i = 0; i < count; ++i) fn(i, pool);
    return;
  }
  pool.parallel_for(count, 1, [&](int64_t i0, int64_t i1) {
    ThreadPool serial(1);
    for (int64_t i = i0; i < i1; ++i) fn(i, serial);
  });
}

// Images per GEMM in the forward and input-gradient passes: one for large outputs; for small
// ones (LeNet-5's 10x10), enough images side by side to give the GEMM at least
// kMinGemmColumns columns, so that packing and edge tiles are paid once per chunk rather than
// per image. Depends on the shape only.
constexpr int64_t kMinGemmColumns = 512;
constexpr int64_t kChunkColFloats = int64_t{1} << 20;

int64_t images_per_gemm(const ConvGeometry& g, int64_t N, int64_t rows, int64_t P) {
  // A pointwise image is its own col matrix: one image per GEMM reads it in place.
  if (P >= kMinGemmColumns || is_pointwise(g)) return 1;
  const int64_t by_columns = (kMinGemmColumns + P - 1) / P;
  const int64_t by_size = std::max<int64_t>(1, kChunkColFloats / std::max<int64_t>(rows * P, 1));
  return std::clamp<int64_t>(std::min(by_columns, by_size), 1, std::max<int64_t>(N, 1));
}

// out (OC, P), rows ld apart, += bias, row by row.
void add_bias(float* out, int64_t OC, int64_t P, int64_t ld, const float* bias) {
  for (int64_t oc = 0; oc < OC; ++oc) {
    float* row = out + oc * ld;
    const float b = bias[oc];
    for (int64_t p = 0; p < P; ++p) row[p] += b;
  }
}

// Output rows per block of a one-image forward pass on one thread: the block's packed col
// matrix (K x rows*OW) stays near kBlockFloats, in L2 beside the weights, rather than a
// whole image's (1.2 MB for 32 channels of 32x32 and a 3x3 kernel) going out to L3 and back
// (CIFAR CNN's 32x32x32 convolution, forward: 8-11% faster at 2 threads). At least one row,
// and whole rows, so that a block is contiguous in out. The blocks do not change the result:
// every output is the same dot product whatever block holds it.
constexpr int64_t kBlockFloats = int64_t{1} << 16;

int64_t block_rows(const ConvGeometry& g, int64_t K) {
  const int64_t cols = std::max<int64_t>(32, kBlockFloats / std::max<int64_t>(K, 1) / 32 * 32);
  return std::clamp<int64_t>(cols / std::max<int64_t>(g.OW, 1), 1, g.OH);
}

bool split_chunks(const ThreadPool& pool, int64_t chunks, int64_t col_floats) {
  return pool.size() > 1 && chunks >= pool.size() && col_floats <= kSplitBatchColFloats;
}

}  // namespace

void conv2d_forward(ThreadPool& pool, const ConvGeometry& g, int64_t N, int64_t OC,
                    int64_t groups, const float* x, const float* weight, const float* bias,
                    float* out) noexcept {
  // With no output there is nothing to do (and OH*OW may then be unbounded by any buffer).
  if (N == 0 || OC == 0) return;
  const int64_t P = g.OH * g.OW;
  const int64_t Cg = g.C / groups, OCg = OC / groups;
  const int64_t Kg = Cg * g.KH * g.KW;
  const int64_t rows = g.C * g.KH * g.KW;
  const bool pointwise = is_pointwise(g);
  const int64_t per = images_per_gemm(g, N, rows, P);
  const int64_t chunks = (N + per - 1) / per;
  const bool split = split_chunks(pool, chunks, rows * per * P);
  const Im2colPlan plan(g);
  for_each_chunk(pool, chunks, split, [&](int64_t ci, ThreadPool& gemm_pool) {
    const int64_t n0 = ci * per, count = std::min(per, N - n0), ld = count * P;
    if (pointwise) {
      // x_n (C, HW) is already the col matrix: out_n,g = weight_g * x_n,g.
      const float* xn = x + n0 * g.C * P;
      float* on = out + n0 * OC * P;
      for (int64_t grp = 0; grp < groups; ++grp) {
        sgemm(gemm_pool, false, false, OCg, P, Kg, 1.0f, weight + grp * OCg * Kg, Kg,
              xn + grp * Kg * P, P, 0.0f, on + grp * OCg * P, P);
      }
      if (bias) add_bias(on, OC, P, P, bias);
      return;
    }
    // Each group's rows of the chunk's col matrix (Kg, ld), images side by side, go straight
    // into the GEMM's packed-B panels: col itself is never stored, and B is not packed again.
    // A single image on one thread goes a block of output rows at a time (block_rows).
    const PackedBLayout layout = sgemm_packed_b_layout();
    const int64_t step = count == 1 && gemm_pool.size() == 1 ? block_rows(g, Kg) : g.OH;
    const int64_t block_ld = count * step * g.OW;
    const int64_t group_floats = sgemm_packed_b_size(Kg, block_ld);
    float* packed = aligned_workspace(0, groups * group_floats);
    float* row_buffer = workspace(1, block_ld + layout.nr);
    const float* xn = x + n0 * g.C * g.H * g.W;
    // One image writes straight into out; a chunk goes through (OC, ld) scratch.
    float* c = count == 1 ? out + n0 * OC * P : workspace(2, OC * ld);
    for (int64_t oh0 = 0; oh0 < g.OH; oh0 += step) {
      const int64_t oh1 = std::min(g.OH, oh0 + step), cols = count * (oh1 - oh0) * g.OW;
      for (int64_t grp = 0; grp < groups; ++grp) {
        im2col_packed(g, plan, xn, g.C * g.H * g.W, count, oh0, oh1, grp * Kg, Kg, layout,
                      row_buffer, packed + grp * group_floats);
      }
      float* cb = c + oh0 * g.OW;
      for (int64_t grp = 0; grp < groups; ++grp) {
        sgemm_packed_b(gemm_pool, false, OCg, cols, Kg, 1.0f, weight + grp * OCg * Kg, Kg,
                       packed + grp * group_floats, 0.0f, cb + grp * OCg * ld, ld);
      }
      if (count == 1 && bias) add_bias(cb, OC, cols, ld, bias);
    }
    if (count == 1) return;
    for (int64_t i = 0; i < count; ++i) {
      for (int64_t oc = 0; oc < OC; ++oc) {
        float* row = out + ((n0 + i) * OC + oc) * P;
        const float* src = c + oc * ld + i * P;
        const float b = bias ? bias[oc] : 0.0f;
        for (int64_t p = 0; p < P; ++p) row[p] = src[p] + b;
      }
    }
  });
}

void conv2d_backward_input(ThreadPool& pool, const ConvGeometry& g, int64_t N, int64_t OC,
                           int64_t groups, const float* dout, const float* weight, float* dx,
                           bool accumulate) noexcept {
  if (N == 0 || g.C == 0) return;
  if (OC == 0) {
    if (!accumulate) std::fill(dx, dx + N * g.C * g.H * g.W, 0.0f);
    return;
  }
  const int64_t P = g.OH * g.OW;
  const int64_t Cg = g.C / groups, OCg = OC / groups;
  const int64_t Kg = Cg * g.KH * g.KW;
  const int64_t rows = g.C * g.KH * g.KW;
  const bool pointwise = is_pointwise(g);
  const int64_t per = images_per_gemm(g, N, rows, P);
  const int64_t chunks = (N + per - 1) / per;
  const bool split = split_chunks(pool, chunks, rows * per * P);
  for_each_chunk(pool, chunks, split, [&](int64_t ci, ThreadPool& gemm_pool) {
    const int64_t n0 = ci * per, count = std::min(per, N - n0), ld = count * P;
    float* dx0 = dx + n0 * g.C * g.H * g.W;
    // A gradient that is not accumulated into starts from zeros here, one chunk at a time
    // (while the chunk is about to be in cache anyway), rather than in a pass of its own.
    if (!accumulate) std::fill(dx0, dx0 + count * g.C * g.H * g.W, 0.0f);
    if (pointwise) {
      // One image (images_per_gemm): dx_n (C, HW) += weight^T (C, OC) * dout_n (OC, HW).
      for (int64_t grp = 0; grp < groups; ++grp) {
        sgemm(gemm_pool, true, false, Kg, P, OCg, 1.0f, weight + grp * OCg * Kg, Kg,
              dout + n0 * OC * P + grp * OCg * P, P, 1.0f, dx0 + grp * Kg * P, P);
      }
      return;
    }
    // dout of the chunk side by side, (OC, ld); one image is used in place.
    const float* d = dout + n0 * OC * P;
    if (count > 1) {
      float* ws = workspace(1, OC * ld);
      for (int64_t i = 0; i < count; ++i)
        for (int64_t oc = 0; oc < OC; ++oc)
          std::memcpy(ws + oc * ld + i * P, d + (i * OC + oc) * P, P * sizeof(float));
      d = ws;
    }
    float* dcol = workspace(0, rows * ld);
    for (int64_t grp = 0; grp < groups; ++grp) {
      sgemm(gemm_pool, true, false, Kg, ld, OCg, 1.0f, weight + grp * OCg * Kg, Kg,
            d + grp * OCg * ld, ld, 0.0f, dcol + grp * Kg * ld, ld);
    }
    for (int64_t i = 0; i < count; ++i) col2im(g, dcol + i * P, ld, dx0 + i * g.C * g.H * g.W);
  });
}

void conv2d_backward_weight(ThreadPool& pool, const ConvGeometry& g, int64_t N, int64_t OC,
                            int64_t groups, const float* x, const float* dout,
                            float* dweight) noexcept {
  if (N == 0 || OC == 0 || g.C == 0) return;
  const int64_t P = g.OH * g.OW;
  const int64_t Cg = g.C / groups, OCg = OC / groups;
  const int64_t Kg = Cg * g.KH * g.KW;
  const int64_t rows = g.C * g.KH * g.KW;
  const bool pointwise = is_pointwise(g);
  // dweight_g (OCg, Kg) += sum over images of dout_n,g (OCg, P) * col_n,g^T: rows of both
  // operands run along P, which sgemm_dot_accumulate reads in place. The batch goes in chunks
  // (sized from the shape only): each chunk's sum lands in its own partial matrix, and the
  // partials are added in chunk order, so the result does not depend on which thread ran
  // which chunk.
  const int64_t by_size = kWeightWorkspaceFloats / std::max<int64_t>(rows * P, 1);
  const int64_t by_count = (N + kWeightChunks - 1) / kWeightChunks;
  const int64_t chunk = std::clamp<int64_t>(std::min(by_size, by_count), 1, N);
  const int64_t chunks = (N + chunk - 1) / chunk;
  const int64_t wsize = OC * Kg;
  float* partial = workspace(1, chunks * wsize);
  // Wide enough products go to sgemm image by image (B transposed, packed panel by panel);
  // it beat the dot-product tiles by 3-7% on the CIFAR CNN's 32-64 x 288 weights, and lost
  // by 15-65% on narrower ones (LeNet-5, a 3-channel first layer), where the tiles stay.
  const bool by_dot = OCg < 28 || Kg < 128;
  const PackedBLayout layout = sgemm_packed_b_layout();
  const bool transposed = !by_dot && !pointwise && TransposedIm2col::supported(g, layout);
  auto run_chunk = [&](int64_t ci, ThreadPool& dot_pool) {
    const int64_t n0 = ci * chunk, nb = std::min(chunk, N - n0);
    float* part = partial + ci * wsize;
    std::fill(part, part + wsize, 0.0f);
    if (transposed) {
      // col^T straight into the GEMM's packed panels, kTransposedBlock output positions at a
      // time: neither col nor its transposed copy is ever stored whole.
      const int64_t block = std::min(kTransposedBlock, layout.kc);
      float* packed = aligned_workspace(0, sgemm_packed_b_size(block, Kg));
      for (int64_t grp = 0; grp < groups; ++grp) {
        const TransposedIm2col im2col_t(g, grp * Kg, Kg);
        for (int64_t i = n0; i < n0 + nb; ++i) {
          const float* dg = dout + i * OC * P + grp * OCg * P;
          for (int64_t p0 = 0; p0 < P; p0 += block) {
            const int64_t ps = std::min(block, P - p0);
            im2col_t.pack(x + i * g.C * g.H * g.W, p0, ps, packed);
            sgemm_packed_b(dot_pool, false, OCg, Kg, ps, 1.0f, dg + p0, P, packed, 1.0f,
                           part + grp * OCg * Kg, Kg);
          }
        }
      }
      return;
    }
    // x_n is its own col matrix when the convolution is pointwise.
    const float* col = x + n0 * g.C * P;
    if (!pointwise) {
      float* ws = workspace(0, rows * nb * P);
      im2col_images(g, x + n0 * g.C * g.H * g.W, g.C * g.H * g.W, nb, ws, rows * P, P);
      col = ws;
    }
    for (int64_t grp = 0; grp < groups; ++grp) {
      const float* dg = dout + n0 * OC * P + grp * OCg * P;
      if (by_dot) {
        sgemm_dot_accumulate(dot_pool, OCg, Kg, P, nb, dg, P, OC * P, col + grp * Kg * P, P,
                             rows * P, part + grp * OCg * Kg, Kg);
        continue;
      }
      for (int64_t i = 0; i < nb; ++i) {
        sgemm(dot_pool, false, true, OCg, Kg, P, 1.0f, dg + i * OC * P, P,
              col + i * rows * P + grp * Kg * P, P, 1.0f, part + grp * OCg * Kg, Kg);
      }
    }
  };
  if (pool.size() > 1 && chunks >= pool.size()) {
    pool.parallel_for(chunks, 1, [&](int64_t c0, int64_t c1) {
      ThreadPool serial(1);
      for (int64_t ci = c0; ci < c1; ++ci) run_chunk(ci, serial);
    });
  } else {
    for (int64_t ci = 0; ci < chunks; ++ci) run_chunk(ci, pool);
  }
  pool.parallel_for(wsize, 4096, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) {
      float s = 0.0f;
      for (int64_t ci = 0; ci < chunks; ++ci) s += partial[ci * wsize + i];
      dweight[i] += s;
    }
  });
}

void conv2d_backward_bias(ThreadPool& pool, int64_t N, int64_t OC, int64_t P, const float* dout,
                          float* dbias) noexcept {
  if (N == 0 || P == 0) return;
  pool.parallel_for(OC, std::max<int64_t>(1, 4096 / std::max<int64_t>(N * P, 1)),
                    [&](int64_t c0, int64_t c1) {
    for (int64_t oc = c0; oc < c1; ++oc) {
      // 16 independent lane sums (a sequential sum is one add per 4 cycles, unvectorizable
      // without reordering), added up pairwise per row; rows go into a double, in order.
      // simd_loop compiles the rows for the active ISA: one 16-lane add per step on AVX-512.
      double s = 0;
      double* sum = &s;
      const float* rows = dout + oc * P;
      simd_loop(0, N, [rows, sum, OC, P](int64_t n) {
        const float* row = rows + n * OC * P;
        float lanes[16] = {};
        int64_t p = 0;
        for (; p + 16 <= P; p += 16)
          for (int l = 0; l < 16; ++l) lanes[l] += row[p + l];
        for (int l = 0; p < P; ++p, ++l) lanes[l] += row[p];
        for (int width = 8; width >= 1; width /= 2)
          for (int l = 0; l < width; ++l) lanes[l] += lanes[l + width];
        *sum += lanes[0];
      });
      dbias[oc] += static_cast<float>(s);
    }
  });
}

}  // namespace neurite
