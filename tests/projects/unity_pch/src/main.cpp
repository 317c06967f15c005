#include <iostream>
#include "parts.h"
// No #include of common.h: COMMON_WORD and std::vector come from the precompiled header.
int main() {
  std::vector<std::string> words{one(), two(), COMMON_WORD};
  for (const auto& w : words) std::cout << w << ' ';
  std::cout << '\n';
  return 0;
}
