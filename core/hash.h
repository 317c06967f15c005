#pragma once
// XXH3-128 hashing of strings and files.

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct XXH3_state_s;

namespace nixcc {

/// 32 lowercase hex digits.
using HashHex = std::string;

class Hasher {
 public:
  Hasher();
  /// Adds raw bytes.
  Hasher& add_bytes(std::string_view bytes);
  /// Adds a length-prefixed field, so that ("ab","c") and ("a","bc") differ.
  Hasher& add_field(std::string_view field);
  /// Adds the file's bytes (length-prefixed); false when it cannot be read. `watch`, when given, sees
  /// every chunk read (so a caller can look for a word without reading the file twice).
  bool add_file(const std::filesystem::path& path, const std::function<void(std::string_view)>& watch = {});
  HashHex hex() const;

 private:
  struct Free {
    void operator()(XXH3_state_s* state) const;
  };
  std::unique_ptr<XXH3_state_s, Free> state_;
};

/// XXH3-128 of a file's bytes, or nullopt when it cannot be read.
std::optional<HashHex> hash_file(const std::filesystem::path& path, const std::function<void(std::string_view)>& watch = {});

/// Whether `word` occurs in a text seen in chunks, across chunk boundaries too.
class WordWatch {
 public:
  explicit WordWatch(std::string_view word) : word_(word) {}
  void operator()(std::string_view chunk);
  bool found() const { return found_; }

 private:
  std::string_view word_;
  std::string tail_;  // the end of the previous chunk, shorter than the word
  bool found_ = false;
};
HashHex hash_string(std::string_view bytes);

}  // namespace nixcc
