#pragma once
// Read by lib/mathx.cpp only.

namespace demo::detail {
inline int add(int a, int b) { return a + b; }
}  // namespace demo::detail
