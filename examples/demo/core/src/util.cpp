#include "demo/core.h"
#include "demo/version.h"

namespace demo {
std::string core_version() { return DEMO_VERSION; }
}  // namespace demo
