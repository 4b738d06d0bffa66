// Reductions over one axis of a tensor viewed as (outer, n, inner), row-major.
#pragma once

#include <cstdint>

#include "../common/thread_pool.h"

namespace neurite {

// out[o, i] = scale * sum_j x[o, j, i]; out is (outer, inner). scale = 1/n gives the mean.
void reduce_sum_forward(ThreadPool& pool, const float* x, float* out, int64_t outer, int64_t n,
                        int64_t inner, float scale) noexcept;

// dx[o, j, i] += scale * dout[o, i].
void reduce_sum_backward(ThreadPool& pool, const float* dout, float* dx, int64_t outer,
                         int64_t n, int64_t inner, float scale) noexcept;

}  // namespace neurite
