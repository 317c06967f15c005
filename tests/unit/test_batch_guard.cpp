#include <catch2/catch.hpp>

#include "batch/batch_guard.h"

using nixcc::HashedFile;

namespace {
const nixcc::CompilerDirs kDirs{{"/usr/include", "/usr/lib/gcc/x86_64-linux-gnu/12"}};
const std::set<std::string> kPlanned{"s/src/util/regexp.h", "b/config.h", "/opt/sdk/include/sdk.h"};
}  // namespace

TEST_CASE("reads that the plan listed or that the compiler owns pass", "[batch_guard]") {
  const std::vector<HashedFile> read{{"/opt/sdk/include/sdk.h", "h"},
                                     {"/usr/include/stdio.h", "h"},
                                     {"b/config.h", "h"},
                                     {"s/src/util/regexp.h", "h"}};
  CHECK_FALSE(nixcc::find_unplanned_read(read, kPlanned, kDirs));
}

TEST_CASE("a host header of the same name as a planned one is caught and named", "[batch_guard]") {
  // The header the plan put in the batch was missing, and the compiler found the host's instead.
  const std::vector<HashedFile> read{{"b/config.h", "h"}, {"/opt/other/regexp.h", "h"}};
  const auto found = nixcc::find_unplanned_read(read, kPlanned, kDirs);
  REQUIRE(found);
  CHECK(found->file == "/opt/other/regexp.h");
  CHECK(found->expected == "s/src/util/regexp.h");
  const auto line = nixcc::unplanned_read_message("b0", "s/src/main.c", *found);
  CHECK(line ==
        "nixcc batch: b0: s/src/main.c read /opt/other/regexp.h, a host file outside the compiler's own include "
        "directories that the plan did not list (the plan expected s/src/util/regexp.h); re-run nixcc-plan");
  CHECK(line.find('\n') == std::string::npos);
}

TEST_CASE("an unplanned file inside the frame fails even if it exists", "[batch_guard]") {
  const std::vector<HashedFile> read{{"s/include/extra.h", "h"}};
  const auto found = nixcc::find_unplanned_read(read, kPlanned, kDirs);
  REQUIRE(found);
  CHECK(found->file == "s/include/extra.h");
  CHECK(found->expected.empty());
  CHECK(nixcc::unplanned_read_message("b1", "s/a.c", *found) ==
        "nixcc batch: b1: s/a.c read s/include/extra.h, a file inside the project that the plan did not list for it "
        "(the plan lists no file of that name); re-run nixcc-plan");
}

TEST_CASE("a host file under a look-alike of a compiler directory is not the compiler's", "[batch_guard]") {
  const std::vector<HashedFile> read{{"/usr/include2/x.h", "h"}};
  CHECK(nixcc::find_unplanned_read(read, kPlanned, kDirs));
}
