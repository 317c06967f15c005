#pragma once
// The input hash: what decides a compile's object. Equal hashes mean the object can be reused.

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/frame.h"
#include "core/hash.h"

namespace nixcc {

/// Environment variables that change what GCC or Clang compile; every other variable is ignored.
std::span<const char* const> compiler_environment_variables();

/// XXH3-128 of the normalised arguments plus the values of compiler_environment_variables(),
/// looked up by name (so the order of the environment never matters).
HashHex hash_arguments(std::span<const std::string> hashed_args);

/// A stable identity for a compiler binary: its resolved path, size and modification time. Costs one
/// stat, not a hash of a 30 MB binary (ccache's "compiler_check = mtime").
HashHex compiler_identity(const std::filesystem::path& compiler);

struct HashedFile {
  std::string path;  // as recorded (relative to the base directory where under it)
  HashHex hash;
};

struct InputHash {
  HashHex value;                     // empty when a file could not be read
  std::vector<HashedFile> headers;   // sorted by path
  std::string unreadable;            // the first file that could not be read, if any
};

/// One run's memo over one tree: each header's recorded name and hash, worked out once however many
/// units include it (a batch or a plan meets the same few hundred headers thousands of times, and
/// normalising a path costs more than looking it up). Files must not change during the run.
class InputFileCache {
 public:
  /// Names files relative to `base` where they lie under it (the launcher).
  explicit InputFileCache(std::filesystem::path base);
  /// Names files by the frame rule, relative to the frame's root (the planner and batches).
  explicit InputFileCache(const Frame& frame);
  const std::filesystem::path& base() const { return base_; }

  struct File {
    std::string absolute;            // for messages
    std::string recorded;            // relative to base (or its frame name) where under it, else absolute
    bool in_frame = false;           // recorded relative to the base
    const std::optional<HashHex>* hash = nullptr;  // nullopt when unreadable
  };
  /// `written` as a depfile or a timing database names it: absolute, or relative to base.
  const File& get(const std::string& written);

  /// Notes, while hashing, whether each file (headers and sources alike) holds `word`, so that a
  /// caller looking for it reads only the files that do.
  void watch_for(std::string word) { word_ = std::move(word); }
  /// Whether the file at `absolute` held the watched word when it was hashed; nullopt when it was not
  /// hashed through this cache under that name.
  std::optional<bool> holds_word(const std::string& absolute) const;
  /// Hashes a source into `hasher`, noting the watched word like get() does. False when unreadable.
  bool add_source(Hasher& hasher, const std::filesystem::path& source);

 private:
  std::filesystem::path base_;
  const Frame* frame_ = nullptr;
  std::unordered_map<std::string, File> by_written_;
  std::unordered_map<std::string, std::optional<HashHex>> hashes_;  // by absolute path
  std::string word_;
  std::unordered_map<std::string, bool> holds_word_;  // by absolute path, when word_ is set
};

/// Hashes compiler identity, argument hash, the source and every header. `source` and `headers`
/// are absolute; they are recorded (and hashed by name) relative to `base` where they lie under it,
/// so the hash does not depend on where the tree is checked out.
InputHash hash_inputs(const HashHex& compiler_id, const HashHex& args_hash, const std::filesystem::path& source,
                      std::span<const std::filesystem::path> headers, const std::filesystem::path& base);
/// The same, with header names and hashes from `cache` (whose base is the base).
InputHash hash_inputs(const HashHex& compiler_id, const HashHex& args_hash, const std::filesystem::path& source,
                      std::span<const std::filesystem::path> headers, InputFileCache& cache);

/// Whether an earlier compile's inputs are unchanged today: same compiler and arguments, and hashing
/// the source and the headers it recorded (names relative to the cache's base) gives its input hash
/// again. Returns the fresh hash, with its header list, when they match.
std::optional<InputHash> rehash_if_unchanged(const HashHex& previous_input_hash,
                                             std::span<const HashedFile> previous_headers,
                                             const HashHex& compiler_id, const HashHex& args_hash,
                                             const std::filesystem::path& source, InputFileCache& cache);

}  // namespace nixcc
