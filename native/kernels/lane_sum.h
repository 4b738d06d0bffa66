// lane_sum: the sum of a run of floats in double, in an order fixed by its length alone.
// Shared by the reductions (reduce.cpp), unbroadcastSum (elementwise.cpp) and the softmax
// backward row sums (softmax.cpp).
#pragma once

#include <cstdint>

namespace neurite {

// Sum of x[0, n) over 8 independent double lanes (element j in lane j % 8), the lanes added
// in order at the end: no loop-carried chain of adds, and a loop the compiler vectorizes
// without reassociating anything.
inline double lane_sum(const float* x, int64_t n) {
  constexpr int kLanes = 8;
  double acc[kLanes] = {0};
  int64_t j = 0;
  for (; j + kLanes <= n; j += kLanes)
    for (int k = 0; k < kLanes; ++k) acc[k] += x[j + k];
  for (; j < n; ++j) acc[j % kLanes] += x[j];
  double s = 0.0;
  for (int k = 0; k < kLanes; ++k) s += acc[k];
  return s;
}

}  // namespace neurite
