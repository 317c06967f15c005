#include "demo/render.h"

namespace demo {
std::string frame(const std::string& text) { return "[ " + text + " ]"; }
}  // namespace demo
