// C += sum over images of A_i * B_i^T, where every row of A_i and B_i is contiguous along the
// summed dimension: the weight gradient of a convolution, dweight (OC, C*KH*KW) += dout_n (OC,
// P) * col_n^T, where both dout and the im2col matrix hold P = OH*OW consecutive floats per row.
//
// sgemm would have to transpose both operands into its packed panels (its K dimension must be
// the slow one in a panel), and fold the images into K through a copy of dout. Here register
// tiles of dot products read the rows in place instead: each accumulator is a SIMD vector of
// partial sums along P, reduced to one float when the tile is done. No packing, no copies.
//
//   M, N      rows of A_i (and of C), rows of B_i (and columns of C)
//   P         floats summed per row and image
//   images    number of (A_i, B_i) pairs
//   row m of A_i starts at a + i * a_image + m * lda; row j of B_i at b + i * b_image + j * ldb
//   C is (M, N) row-major with leading dimension ldc; C[m][n] += sum_i sum_p A_i[m][p] B_i[n][p]
//
// Threads split the tiles; each element of C is always summed the same way (lane by lane over
// images and P, then the lanes in a fixed order), so results do not depend on the thread count.
#pragma once

#include <cstdint>

#include "../common/thread_pool.h"

namespace neurite {

void sgemm_dot_accumulate(ThreadPool& pool, int64_t M, int64_t N, int64_t P, int64_t images,
                          const float* a, int64_t lda, int64_t a_image, const float* b,
                          int64_t ldb, int64_t b_image, float* c, int64_t ldc) noexcept;

}  // namespace neurite
