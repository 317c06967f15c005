#include "util/scratch_dir.h"

#include <stdlib.h>

#include <cstdlib>
#include <stdexcept>

#include <fmt/format.h>

namespace nixcc {

ScratchDir::ScratchDir(const std::string& prefix) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = fmt::format("{}/{}XXXXXX", tmp && *tmp ? tmp : "/tmp", prefix);
  if (!::mkdtemp(pattern.data())) throw std::runtime_error(fmt::format("{}: cannot create a scratch directory", pattern));
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace nixcc
