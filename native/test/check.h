// A minimal test harness for the standalone kernel tests (no Node, no framework):
// TEST(name) registers a function; CHECK / CHECK_NEAR record failures and keep going.
#pragma once

#include <cmath>
#include <cstdio>
#include <functional>
#include <vector>

namespace neurite::test {

struct Case {
  const char* name;
  std::function<void()> fn;
};

std::vector<Case>& registry();
extern int failures;

struct Register {
  Register(const char* name, std::function<void()> fn) { registry().push_back({name, fn}); }
};

// Deterministic values in [-1, 1) for test inputs.
inline void fill_pattern(std::vector<float>& v, unsigned seed) {
  unsigned s = seed * 2654435761u + 1;
  for (auto& x : v) {
    s = s * 1664525u + 1013904223u;
    x = static_cast<float>(s >> 8) / static_cast<float>(1 << 23) - 1.0f;
  }
}

}  // namespace neurite::test

#define NEURITE_CAT2(a, b) a##b
#define NEURITE_CAT(a, b) NEURITE_CAT2(a, b)
#define TEST(name)                                                                          \
  static void name();                                                                       \
  static neurite::test::Register NEURITE_CAT(reg_, name)(#name, name);                     \
  static void name()

#define CHECK(cond)                                                                         \
  do {                                                                                      \
    if (!(cond)) {                                                                          \
      std::fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);        \
      ++neurite::test::failures;                                                            \
    }                                                                                       \
  } while (0)

#define CHECK_NEAR(a, b, tol)                                                               \
  do {                                                                                      \
    double va_ = (a), vb_ = (b);                                                            \
    if (!(std::fabs(va_ - vb_) <= (tol))) {                                                 \
      std::fprintf(stderr, "%s:%d: %s = %g, %s = %g, tolerance %g\n", __FILE__, __LINE__,  \
                   #a, va_, #b, vb_, static_cast<double>(tol));                             \
      ++neurite::test::failures;                                                            \
    }                                                                                       \
  } while (0)
