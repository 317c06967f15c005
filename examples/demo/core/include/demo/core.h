#pragma once
#include <string>
#include <vector>

namespace demo {
std::string upper(const std::string& text);
std::string core_version();
std::vector<int> primes(int below);
long sum(const std::vector<int>& values);
}  // namespace demo
