#include "demo/demo.h"
#include "demo/shared.h"

namespace demo {
const char* name() { return kProject; }
}  // namespace demo
