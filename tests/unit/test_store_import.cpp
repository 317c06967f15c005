#include <catch2/catch.hpp>

#include <filesystem>

#include "planner/store_import.h"
#include "temp_dir.h"

namespace fs = std::filesystem;

TEST_CASE("store import: one expression lists every path under its store name, escaped", "[store_import]") {
  const std::string expression = nixcc::plan::store_import_expression(
      {{"/nix/store/abc-nixcc-batch-b0", "nixcc-previous-b0"}, {"/opt/odd \"dir\" ${x}/nixcc", "nixcc previous ${y}"}});
  CHECK(expression.find(R"(path = /. + "/nix/store/abc-nixcc-batch-b0";)") != std::string::npos);
  CHECK(expression.find(R"(name = "nixcc-previous-b0";)") != std::string::npos);
  CHECK(expression.find(R"(path = /. + "/opt/odd \"dir\" \${x}/nixcc";)") != std::string::npos);
  CHECK(expression.find(R"(name = "nixcc_previous___y_";)") != std::string::npos);
  CHECK(expression.starts_with("["));
}

TEST_CASE("store import: a file's identity changes with its size and time, and is empty when it is missing",
          "[store_import]") {
  const nixcc::test::TempDir temp;
  const fs::path file = temp.path() / "nixcc";
  nixcc::test::write_file(file, "one");
  const std::string first = nixcc::plan::file_identity(file);
  CHECK(first.starts_with(file.string() + ":3:"));
  fs::last_write_time(file, fs::last_write_time(file) + std::chrono::seconds(5));
  CHECK(nixcc::plan::file_identity(file) != first);
  CHECK(nixcc::plan::file_identity(temp.path() / "missing").empty());
}
