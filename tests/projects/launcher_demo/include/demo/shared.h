#pragma once
// Read by lib/greet.cpp and app1/main.cpp only: editing it must rebuild exactly those two.

namespace demo {
inline constexpr int kAnswer = 42;
inline constexpr const char* kProject = "launcher_demo";
}  // namespace demo
