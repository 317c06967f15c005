#pragma once
#include <string>
#include <vector>

namespace nixcc {

/// `nixcc <compiler> [args...]`: runs the compiler transparently and records the compile. Never returns.
[[noreturn]] void run_launcher(const std::vector<std::string>& argv);

}  // namespace nixcc
