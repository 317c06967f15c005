#include "demo/demo.h"
#include "detail.h"

namespace demo {
int sum(int a, int b) { return detail::add(a, b); }
}  // namespace demo
