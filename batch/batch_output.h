#pragma once
// The output directory of a batch. It is complete exactly when it holds timings.sqlite: the database
// is written under a temporary name and renamed last. A failed or interrupted run removes what it made
// and puts back the earlier output it replaced, so nothing that was there is lost.

#include <filesystem>

namespace nixcc {

class BatchOutput {
 public:
  static constexpr const char* kDatabaseName = "timings.sqlite";

  /// Prepares `dir`: it must not exist, be empty, or be an earlier batch output (moved aside until commit).
  explicit BatchOutput(const std::filesystem::path& dir);
  ~BatchOutput();
  BatchOutput(const BatchOutput&) = delete;
  BatchOutput& operator=(const BatchOutput&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  /// Where the database is written until commit().
  std::filesystem::path partial_database() const { return dir_ / ".timings.sqlite.partial"; }
  /// Where an earlier output now lives while this run goes on, if `dir` held one.
  const std::filesystem::path& set_aside() const { return set_aside_; }
  /// Marks the output complete and drops the earlier one.
  void commit();
  /// Removes this run's output and restores the earlier one (also what the destructor does without commit).
  void abandon() noexcept;

 private:
  std::filesystem::path dir_;
  std::filesystem::path set_aside_;
  bool done_ = false;
};

}  // namespace nixcc
