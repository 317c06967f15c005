#include <cctype>

#include "demo/core.h"

namespace demo {
std::string upper(const std::string& text) {
  std::string out = text;
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}
}  // namespace demo
