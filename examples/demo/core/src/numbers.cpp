#include <numeric>

#include "demo/core.h"

namespace demo {
std::vector<int> primes(int below) {
  std::vector<int> out;
  for (int n = 2; n < below; ++n) {
    bool prime = true;
    for (int d = 2; d * d <= n; ++d) prime = prime && n % d != 0;
    if (prime) out.push_back(n);
  }
  return out;
}
long sum(const std::vector<int>& values) { return std::accumulate(values.begin(), values.end(), 0L); }
}  // namespace demo
