#include "core/input_hash.h"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <functional>

#include <fmt/format.h>

#include "util/paths.h"

namespace nixcc {
namespace fs = std::filesystem;

namespace {
constexpr std::array<const char*, 11> kCompilerEnvironment = {
    "CPATH",           "C_INCLUDE_PATH", "CPLUS_INCLUDE_PATH", "OBJC_INCLUDE_PATH", "COMPILER_PATH",
    "GCC_EXEC_PREFIX", "LIBRARY_PATH",   "SOURCE_DATE_EPOCH",  "GCC_COMPARE_DEBUG", "SDKROOT",
    "CCACHE_SLOPPINESS",
};
}  // namespace

std::span<const char* const> compiler_environment_variables() { return kCompilerEnvironment; }

HashHex hash_arguments(std::span<const std::string> hashed_args) {
  Hasher hasher;
  hasher.add_field("args");
  for (const auto& arg : hashed_args) hasher.add_field(arg);
  hasher.add_field("env");
  for (const char* name : kCompilerEnvironment) {
    const char* value = std::getenv(name);
    hasher.add_field(name);
    hasher.add_field(value ? fmt::format("={}", value) : std::string("<unset>"));
  }
  return hasher.hex();
}

HashHex compiler_identity(const fs::path& compiler) {
  std::error_code ec;
  const fs::path resolved = fs::canonical(compiler, ec);
  struct stat st {};
  Hasher hasher;
  hasher.add_field(ec ? compiler.string() : resolved.string());
  if (::stat(compiler.c_str(), &st) == 0) {
    hasher.add_field(fmt::format("{}:{}.{}", st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec));
  }
  return hasher.hex();
}

InputFileCache::InputFileCache(fs::path base) : base_(std::move(base)) {}

InputFileCache::InputFileCache(const Frame& frame) : base_(frame.root()), frame_(&frame) {}

const InputFileCache::File& InputFileCache::get(const std::string& written) {
  auto [it, inserted] = by_written_.try_emplace(written);
  if (inserted) {
    const fs::path absolute = absolute_from(base_, written);
    it->second.absolute = absolute.string();
    std::string name = frame_ ? frame_->name_of(absolute) : relative_if_under(absolute, base_);
    it->second.in_frame = !name.empty() && !fs::path(name).is_absolute();
    it->second.recorded = it->second.in_frame ? std::move(name) : absolute.string();
    auto [hash, fresh] = hashes_.try_emplace(it->second.absolute);
    if (fresh && word_.empty()) hash->second = hash_file(absolute);
    if (fresh && !word_.empty()) {
      WordWatch watch(word_);
      hash->second = hash_file(absolute, std::ref(watch));
      holds_word_[it->second.absolute] = watch.found();
    }
    it->second.hash = &hash->second;  // unordered_map never moves its elements
  }
  return it->second;
}

std::optional<bool> InputFileCache::holds_word(const std::string& absolute) const {
  const auto it = holds_word_.find(absolute);
  if (it == holds_word_.end()) return std::nullopt;
  return it->second;
}

bool InputFileCache::add_source(Hasher& hasher, const fs::path& source) {
  if (word_.empty()) return hasher.add_file(source);
  WordWatch watch(word_);
  const bool read = hasher.add_file(source, std::ref(watch));
  if (read) holds_word_[source.string()] = watch.found();
  return read;
}

namespace {

InputHash hash_cached(const HashHex& compiler_id, const HashHex& args_hash, const fs::path& source,
                      std::span<const InputFileCache::File* const> headers, InputFileCache& cache) {
  const fs::path& base = cache.base();
  InputHash result;
  result.headers.reserve(headers.size());
  for (const auto* header : headers) {
    if (!*header->hash && result.unreadable.empty()) result.unreadable = header->absolute;
    result.headers.push_back({header->recorded, header->hash->value_or("")});
  }
  std::sort(result.headers.begin(), result.headers.end(),
            [](const HashedFile& a, const HashedFile& b) { return a.path < b.path; });

  Hasher hasher;
  hasher.add_field(compiler_id).add_field(args_hash).add_field(relative_if_under(source, base));
  if (!cache.add_source(hasher, source) && result.unreadable.empty()) result.unreadable = source.string();
  for (const auto& header : result.headers) hasher.add_field(header.path).add_field(header.hash);
  if (result.unreadable.empty()) result.value = hasher.hex();
  return result;
}

}  // namespace

InputHash hash_inputs(const HashHex& compiler_id, const HashHex& args_hash, const fs::path& source,
                      std::span<const fs::path> headers, InputFileCache& cache) {
  std::vector<const InputFileCache::File*> files;
  files.reserve(headers.size());
  for (const auto& header : headers) files.push_back(&cache.get(header.string()));
  return hash_cached(compiler_id, args_hash, source, files, cache);
}

InputHash hash_inputs(const HashHex& compiler_id, const HashHex& args_hash, const fs::path& source,
                      std::span<const fs::path> headers, const fs::path& base) {
  InputFileCache cache(base);
  return hash_inputs(compiler_id, args_hash, source, headers, cache);
}

std::optional<InputHash> rehash_if_unchanged(const HashHex& previous_input_hash,
                                             std::span<const HashedFile> previous_headers, const HashHex& compiler_id,
                                             const HashHex& args_hash, const fs::path& source, InputFileCache& cache) {
  if (previous_input_hash.empty()) return std::nullopt;
  std::vector<const InputFileCache::File*> files;
  files.reserve(previous_headers.size());
  for (const auto& h : previous_headers) files.push_back(&cache.get(h.path));
  auto inputs = hash_cached(compiler_id, args_hash, source, files, cache);
  if (inputs.value != previous_input_hash) return std::nullopt;
  return inputs;
}

}  // namespace nixcc
