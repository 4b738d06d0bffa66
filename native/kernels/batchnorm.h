// Batch normalization over the channels of NCHW tensors (torch.nn.BatchNorm2d).
//   N = batch, C = channels, HW = H*W; x, out, dout, dx are (N, C, HW); every per-channel
//   buffer is (C). count = N*HW values per channel.
//   weight / bias: null means 1 / 0 (affine=false). running_mean / running_var: null means
//   not tracked. dx / dweight / dbias: null means not needed.
//
// Training forward: mean and biased variance of each channel over (N, HW), summed in double
// (two passes, so no cancellation); out = (x - mean) * (weight * invstd) + bias with
// invstd = 1 / sqrt(var + eps). save_mean and save_invstd keep mean and invstd for backward.
// The running stats move towards the batch: r = (1 - momentum) * r + momentum * stat, with
// the unbiased variance var * count / (count - 1) (the biased one when count < 2), as PyTorch.
// Eval forward: the same affine map with the running stats; it writes save_mean (= running
// mean) and save_invstd too, so one backward kernel serves both modes.
// Backward (accumulates with +=): dbias += sum(dout), dweight += sum(dout * xhat) with
// xhat = (x - mean) * invstd; in training dx += weight * invstd * (dout - sum(dout)/count -
// xhat * sum(dout * xhat)/count) (the batch statistics depend on x), in eval
// dx += weight * invstd * dout.
//
// Channels are split over the threads and each channel is reduced by one thread in a fixed
// order, so results are bit-identical for any thread count.
#pragma once

#include <cstdint>

#include "../common/thread_pool.h"

namespace neurite {

void batchnorm2d_forward_train(ThreadPool& pool, int64_t N, int64_t C, int64_t HW, const float* x,
                               const float* weight, const float* bias, float momentum, float eps,
                               float* out, float* save_mean, float* save_invstd,
                               float* running_mean, float* running_var) noexcept;

void batchnorm2d_forward_eval(ThreadPool& pool, int64_t N, int64_t C, int64_t HW, const float* x,
                              const float* weight, const float* bias, const float* running_mean,
                              const float* running_var, float eps, float* out, float* save_mean,
                              float* save_invstd) noexcept;

void batchnorm2d_backward(ThreadPool& pool, int64_t N, int64_t C, int64_t HW, bool training,
                          const float* dout, const float* x, const float* weight,
                          const float* save_mean, const float* save_invstd, float* dx,
                          float* dweight, float* dbias) noexcept;

}  // namespace neurite
