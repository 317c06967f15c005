#include <iostream>

#include "demo/core.h"

int main() {
  const auto p = demo::primes(50);
  std::cout << "primes below 50: " << p.size() << ", sum " << demo::sum(p) << "\n";
  return 0;
}
