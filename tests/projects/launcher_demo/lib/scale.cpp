#include "demo/demo.h"

namespace demo {
int scale(int value) {
  int unused_total = 0;  // -Wall: unused variable (intended; the build must still succeed)
  return value * 2;
}
}  // namespace demo
