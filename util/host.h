#pragma once
#include <string>

namespace nixcc {

/// This machine's host name, for build rows.
std::string host_name();
/// Wall-clock Unix time in seconds, for timestamps (durations use the monotonic clock).
double unix_now();

}  // namespace nixcc
