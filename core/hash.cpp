#include "core/hash.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>

#include <fmt/format.h>

namespace nixcc {
namespace {

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

void Hasher::Free::operator()(XXH3_state_s* state) const { XXH3_freeState(state); }

Hasher::Hasher() : state_(XXH3_createState()) {
  if (!state_ || XXH3_128bits_reset(state_.get()) != XXH_OK) throw std::bad_alloc();
}

Hasher& Hasher::add_bytes(std::string_view bytes) {
  XXH3_128bits_update(state_.get(), bytes.data(), bytes.size());
  return *this;
}

Hasher& Hasher::add_field(std::string_view field) {
  const std::uint64_t size = field.size();
  XXH3_128bits_update(state_.get(), &size, sizeof size);
  return add_bytes(field);
}

bool Hasher::add_file(const std::filesystem::path& path, const std::function<void(std::string_view)>& watch) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st {};
  if (fd.get() < 0 || ::fstat(fd.get(), &st) != 0 || S_ISDIR(st.st_mode)) return false;
  const std::uint64_t size = static_cast<std::uint64_t>(st.st_size);
  XXH3_128bits_update(state_.get(), &size, sizeof size);
  std::array<char, 64 * 1024> buffer;
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (n == 0) return true;
    XXH3_128bits_update(state_.get(), buffer.data(), static_cast<std::size_t>(n));
    if (watch) watch(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
  }
}

HashHex Hasher::hex() const {
  const XXH128_hash_t h = XXH3_128bits_digest(state_.get());
  return fmt::format("{:016x}{:016x}", h.high64, h.low64);
}

std::optional<HashHex> hash_file(const std::filesystem::path& path, const std::function<void(std::string_view)>& watch) {
  Hasher hasher;
  if (!hasher.add_file(path, watch)) return std::nullopt;
  return hasher.hex();
}

HashHex hash_string(std::string_view bytes) { return Hasher().add_bytes(bytes).hex(); }

void WordWatch::operator()(std::string_view chunk) {
  if (found_ || word_.empty()) return;
  const std::size_t keep = word_.size() - 1;  // a word split across chunks starts in the last `keep` bytes
  const std::string across = tail_ + std::string(chunk.substr(0, std::min(chunk.size(), keep)));
  if (across.find(word_) != std::string::npos || chunk.find(word_) != std::string_view::npos) {
    found_ = true;
    return;
  }
  if (chunk.size() >= keep) {
    tail_ = std::string(chunk.substr(chunk.size() - keep));
  } else {
    tail_ += chunk;
    if (tail_.size() > keep) tail_.erase(0, tail_.size() - keep);
  }
}

}  // namespace nixcc
