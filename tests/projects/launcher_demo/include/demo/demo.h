#pragma once
// The library's interface. Deliberately does not include shared.h.

namespace demo {
const char* name();
int sum(int a, int b);
int scale(int value);
}  // namespace demo
