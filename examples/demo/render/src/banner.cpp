#include "demo/render.h"

#include "demo/core.h"

namespace demo {
std::string banner(const std::string& text) { return frame(upper(text)); }
}  // namespace demo
