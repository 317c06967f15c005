#include "batch/batch_output.h"

#include <unistd.h>

#include <stdexcept>

#include <fmt/format.h>

namespace nixcc {
namespace fs = std::filesystem;

BatchOutput::BatchOutput(const fs::path& dir) : dir_(fs::absolute(dir).lexically_normal()) {
  if (!dir_.has_filename()) dir_ = dir_.parent_path();
  std::error_code ec;
  if (fs::exists(dir_, ec)) {
    if (!fs::is_directory(dir_)) throw std::runtime_error(fmt::format("{}: exists and is not a directory", dir_.string()));
    if (!fs::is_empty(dir_) && !fs::exists(dir_ / kDatabaseName)) {
      throw std::runtime_error(fmt::format("{}: exists and is not an earlier batch output (no {}); not replacing it",
                                           dir_.string(), kDatabaseName));
    }
    set_aside_ = fs::path(fmt::format("{}.nixcc-old-{}", dir_.string(), ::getpid()));
    fs::rename(dir_, set_aside_, ec);
    if (ec) throw std::runtime_error(fmt::format("{}: cannot move aside: {}", dir_.string(), ec.message()));
  }
  fs::create_directories(dir_, ec);
  if (ec) {
    abandon();
    throw std::runtime_error(fmt::format("{}: cannot create: {}", dir_.string(), ec.message()));
  }
}

BatchOutput::~BatchOutput() {
  if (!done_) abandon();
}

void BatchOutput::commit() {
  fs::rename(partial_database(), dir_ / kDatabaseName);
  done_ = true;
  std::error_code ec;
  if (!set_aside_.empty()) fs::remove_all(set_aside_, ec);
}

void BatchOutput::abandon() noexcept {
  done_ = true;
  std::error_code ec;
  fs::remove_all(dir_, ec);
  if (!set_aside_.empty()) fs::rename(set_aside_, dir_, ec);
}

}  // namespace nixcc
