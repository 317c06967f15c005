#include <catch2/catch.hpp>

#include <filesystem>

#include "batch/host_builder.h"
#include "temp_dir.h"

namespace fs = std::filesystem;
using Strings = std::vector<std::string>;

TEST_CASE("NIXCC_HOST_PATHS is a JSON list of absolute paths", "[host_builder]") {
  CHECK(nixcc::parse_host_paths(R"(["/bin", "/usr/lib/gcc/x86_64-linux-gnu/12", "/opt/my tools/g++"])") ==
        Strings{"/bin", "/usr/lib/gcc/x86_64-linux-gnu/12", "/opt/my tools/g++"});
  CHECK(nixcc::parse_host_paths("[]").empty());
  CHECK_THROWS_WITH(nixcc::parse_host_paths("/bin /usr"), "NIXCC_HOST_PATHS: not a JSON list of paths");
  CHECK_THROWS_WITH(nixcc::parse_host_paths(R"(["/bin", "usr"])"), "NIXCC_HOST_PATHS[1]: not an absolute path");
  CHECK_THROWS_WITH(nixcc::parse_host_paths(R"(["/bin", 3])"), "NIXCC_HOST_PATHS[1]: not an absolute path");
}

TEST_CASE("missing host paths: a dangling symlink is there, an absent file is not", "[host_builder]") {
  const nixcc::test::TempDir temp;
  const fs::path dir = temp.path();
  fs::create_directory(dir / "present");
  fs::create_symlink(dir / "nowhere", dir / "dangling");
  const Strings declared{(dir / "present").string(), (dir / "dangling").string(), (dir / "absent").string(),
                         (dir / "present" / "absent").string()};
  CHECK(nixcc::missing_host_paths(declared) == Strings{(dir / "absent").string(), (dir / "present" / "absent").string()});
  CHECK(nixcc::missing_host_paths({}).empty());
}

TEST_CASE("the missing-path message is one line naming the first path and how many more", "[host_builder]") {
  const auto one = nixcc::missing_host_paths_message({"/usr/bin/g++-12"});
  CHECK(one.find('\n') == std::string::npos);
  CHECK(one.starts_with("nixcc: the Nix sandbox lacks /usr/bin/g++-12 this plan's host tools need: add the extra-sandbox-paths line"));
  CHECK(nixcc::missing_host_paths_message({"/a", "/b", "/c"}).starts_with("nixcc: the Nix sandbox lacks /a and 2 more host paths"));
}
