#pragma once
// What an earlier output of the same batch can give back: objects whose inputs hash the same.

#include <filesystem>
#include <string>
#include <unordered_map>

#include "schema/timing_db.h"

namespace nixcc {

class PreviousOutput {
 public:
  /// Reads `dir`/timings.sqlite. Throws DbError when it is missing or unreadable.
  explicit PreviousOutput(const std::filesystem::path& dir);

  /// The compile that produced `object` (relative to the output directory), if it succeeded there.
  const CompileRecord* find(const std::string& object) const;
  std::filesystem::path object_path(const std::string& object) const { return dir_ / object; }
  std::size_t size() const { return by_object_.size(); }

 private:
  std::filesystem::path dir_;
  std::unordered_map<std::string, CompileRecord> by_object_;
};

}  // namespace nixcc
