// Runs every registered kernel test; exits non-zero if any check failed.
#include <cstdio>

#include "check.h"

namespace neurite::test {
std::vector<Case>& registry() {
  static std::vector<Case> cases;
  return cases;
}
int failures = 0;
}  // namespace neurite::test

int main() {
  using namespace neurite::test;
  int passed = 0, failed = 0;
  for (const auto& c : registry()) {
    const int before = failures;
    c.fn();
    if (failures == before) {
      ++passed;
    } else {
      ++failed;
      std::fprintf(stderr, "FAIL %s\n", c.name);
    }
  }
  std::printf("kernel tests: %d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
