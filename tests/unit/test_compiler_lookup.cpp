#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "core/compiler_lookup.h"
#include "temp_dir.h"

TEST_CASE("a compiler is resolved once, and the two ways it can be missing are told apart", "[compiler_lookup]") {
  nixcc::test::TempDir dir;
  nixcc::CompilerLookup lookup;
  const auto& sh = lookup.resolve("sh");
  CHECK(sh.executable.is_absolute());
  CHECK_FALSE(sh.identity.empty());
  CHECK(&lookup.resolve("sh") == &sh);

  CHECK_THROWS_WITH(lookup.resolve("nixcc-no-such-compiler"), "compiler nixcc-no-such-compiler: command not found");
  const auto plain = dir / "cc";
  nixcc::test::write_file(plain, "#!/bin/sh\n");
  ::chmod(plain.c_str(), 0644);
  CHECK_THROWS_WITH(lookup.resolve(plain.string()), "compiler " + plain.string() + ": is not executable");
}
