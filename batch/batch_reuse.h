#pragma once
// What an earlier output of the same batch can give back: objects whose inputs hash the same.

#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/input_hash.h"
#include "core/recorded_path.h"
#include "schema/timing_db.h"

namespace nixcc {

class PreviousOutput {
 public:
  struct Compile {
    CompileRecord record;
    std::vector<HashedFile> headers;  // record.headers named in this batch's tree, as its input hash names them
  };

  /// Reads `dir`/timings.sqlite, naming headers by `layout` (this batch's tree). Throws DbError when
  /// the database is missing or unreadable.
  PreviousOutput(const std::filesystem::path& dir, const TreeLayout& layout);

  /// The compile that produced `object` (relative to the output directory), if it succeeded there.
  const Compile* find(const std::string& object) const;
  std::filesystem::path object_path(const std::string& object) const { return dir_ / object; }
  std::size_t size() const { return by_object_.size(); }

 private:
  std::filesystem::path dir_;
  std::unordered_map<std::string, Compile> by_object_;
};

}  // namespace nixcc
