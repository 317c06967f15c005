#pragma once
#include <string>

namespace nixcc {

/// NIXCC_BUILD_ID when set. Otherwise one id per build run: the outermost make, ninja or cmake process
/// above nixcc (its pid and start time, which together never repeat within a boot, plus the boot id),
/// so every compile of one `cmake --build` or `make -j` shares an id. With no build tool above, the
/// parent process stands in.
std::string current_build_id();

}  // namespace nixcc
