#pragma once
#include <string>

namespace demo {
std::string banner(const std::string& text);
std::string frame(const std::string& text);
}  // namespace demo
