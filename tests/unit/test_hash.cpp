#include <catch2/catch.hpp>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "core/hash.h"
#include "core/input_hash.h"
#include "temp_dir.h"

namespace fs = std::filesystem;
using nixcc::test::TempDir;
using nixcc::test::write_file;

namespace {

// Sets an environment variable for one scope and restores what was there before.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    set(value);
  }
  ~ScopedEnv() { set(old_ ? old_->c_str() : nullptr); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

  void set(const char* value) {
    if (value) {
      ::setenv(name_.c_str(), value, 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }

 private:
  std::string name_;
  std::optional<std::string> old_;
};

// A small tree: src/main.cpp including include/a.h and include/b.h.
struct Tree {
  fs::path root;
  fs::path source() const { return root / "src/main.cpp"; }
  std::vector<fs::path> headers() const { return {root / "include/b.h", root / "include/a.h"}; }
};

Tree make_tree(const fs::path& root) {
  write_file(root / "src/main.cpp", "#include \"a.h\"\n#include \"b.h\"\nint main() { return A + B; }\n");
  write_file(root / "include/a.h", "#define A 1\n");
  write_file(root / "include/b.h", "#define B 2\n");
  return {root};
}

nixcc::InputHash hash_tree(const Tree& tree) {
  const auto headers = tree.headers();
  return nixcc::hash_inputs("compiler-id", "args-hash", tree.source(), headers, tree.root);
}

}  // namespace

TEST_CASE("hashes are 32 lowercase hex digits", "[hash]") {
  const auto h = nixcc::hash_string("hello");
  REQUIRE(h.size() == 32);
  CHECK(h.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(h == nixcc::hash_string("hello"));
  CHECK(h != nixcc::hash_string("hello!"));
  CHECK(nixcc::hash_string("") != nixcc::hash_string(std::string(1, '\0')));
}

TEST_CASE("fields are framed so that their split matters", "[hash]") {
  const auto ab_c = nixcc::Hasher().add_field("ab").add_field("c").hex();
  const auto a_bc = nixcc::Hasher().add_field("a").add_field("bc").hex();
  CHECK(ab_c != a_bc);
  CHECK(nixcc::Hasher().add_field("").add_field("x").hex() != nixcc::Hasher().add_field("x").hex());
  // Raw bytes are not framed: the split does not matter.
  CHECK(nixcc::Hasher().add_bytes("ab").add_bytes("c").hex() == nixcc::Hasher().add_bytes("a").add_bytes("bc").hex());
  CHECK(nixcc::Hasher().add_bytes("abc").hex() == nixcc::hash_string("abc"));
}

TEST_CASE("hash_file follows the file's bytes", "[hash]") {
  TempDir dir;
  write_file(dir / "f", "one");
  write_file(dir / "g", "one");
  write_file(dir / "empty", "");
  const auto f = nixcc::hash_file(dir / "f");
  REQUIRE(f);
  CHECK(f == nixcc::hash_file(dir / "g"));
  CHECK(nixcc::hash_file(dir / "empty"));
  CHECK(nixcc::hash_file(dir / "empty") != f);
  write_file(dir / "f", "two");
  CHECK(nixcc::hash_file(dir / "f") != f);
  // A large file, read in several chunks.
  write_file(dir / "big", std::string(200 * 1024, 'x'));
  const auto big = nixcc::hash_file(dir / "big");
  write_file(dir / "big", std::string(200 * 1024 - 1, 'x') + "y");
  CHECK(nixcc::hash_file(dir / "big") != big);
}

TEST_CASE("hash_file of a missing file or a directory is nullopt", "[hash]") {
  TempDir dir;
  CHECK_FALSE(nixcc::hash_file(dir / "missing"));
  CHECK_FALSE(nixcc::hash_file(dir.path()));
  nixcc::Hasher hasher;
  CHECK_FALSE(hasher.add_file(dir / "missing"));
}

TEST_CASE("a header edit changes the input hash", "[input_hash]") {
  TempDir dir;
  const auto tree = make_tree(dir.path());
  const auto before = hash_tree(tree);
  REQUIRE_FALSE(before.value.empty());
  CHECK(before.unreadable.empty());
  CHECK(hash_tree(tree).value == before.value);

  write_file(dir / "include/b.h", "#define B 3\n");
  const auto after = hash_tree(tree);
  REQUIRE_FALSE(after.value.empty());
  CHECK(after.value != before.value);

  write_file(dir / "src/main.cpp", "int main() {}\n");
  CHECK(hash_tree(tree).value != after.value);
}

TEST_CASE("the input hash depends on compiler and arguments", "[input_hash]") {
  TempDir dir;
  const auto tree = make_tree(dir.path());
  const auto headers = tree.headers();
  const auto base = nixcc::hash_inputs("c1", "a1", tree.source(), headers, tree.root).value;
  CHECK(nixcc::hash_inputs("c2", "a1", tree.source(), headers, tree.root).value != base);
  CHECK(nixcc::hash_inputs("c1", "a2", tree.source(), headers, tree.root).value != base);
  const std::vector<fs::path> fewer = {headers.front()};
  CHECK(nixcc::hash_inputs("c1", "a1", tree.source(), fewer, tree.root).value != base);
}

TEST_CASE("the same tree in another directory hashes the same", "[input_hash]") {
  TempDir one;
  TempDir two;
  const auto a = hash_tree(make_tree(one / "checkout"));
  const auto b = hash_tree(make_tree(two / "elsewhere/deeper"));
  REQUIRE_FALSE(a.value.empty());
  CHECK(a.value == b.value);
  REQUIRE(a.headers.size() == 2);
  CHECK(a.headers[0].path == "include/a.h");  // relative and sorted
  CHECK(a.headers[1].path == "include/b.h");
  CHECK(a.headers[0].hash == nixcc::hash_file(one / "checkout/include/a.h"));
  CHECK(a.headers[0].path == b.headers[0].path);
}

TEST_CASE("headers outside the base are recorded absolute", "[input_hash]") {
  TempDir dir;
  const auto tree = make_tree(dir / "project");
  write_file(dir / "system/sys.h", "int sys;\n");
  const std::vector<fs::path> headers = {dir / "system/sys.h"};
  const auto r = nixcc::hash_inputs("c", "a", tree.source(), headers, tree.root);
  REQUIRE(r.headers.size() == 1);
  CHECK(r.headers[0].path == (dir / "system/sys.h").string());
}

TEST_CASE("an unreadable header leaves the value empty and is named", "[input_hash]") {
  TempDir dir;
  const auto tree = make_tree(dir.path());
  auto headers = tree.headers();
  headers.push_back(dir / "include/gone.h");
  const auto r = nixcc::hash_inputs("c", "a", tree.source(), headers, tree.root);
  CHECK(r.value.empty());
  CHECK(r.unreadable == (dir / "include/gone.h").string());

  const auto no_source = nixcc::hash_inputs("c", "a", dir / "src/gone.cpp", tree.headers(), tree.root);
  CHECK(no_source.value.empty());
  CHECK(no_source.unreadable == (dir / "src/gone.cpp").string());
}

TEST_CASE("unrelated environment variables do not change hash_arguments", "[input_hash]") {
  const std::vector<std::string> args = {"-O2", "-c", "<source>"};
  const auto before = nixcc::hash_arguments(args);
  {
    ScopedEnv a("NIXCC_TEST_UNRELATED_A", "1");
    ScopedEnv b("NIXCC_TEST_UNRELATED_B", "2");
    CHECK(nixcc::hash_arguments(args) == before);
    // Re-adding A after B moves it in environ; the hash must not care.
    a.set(nullptr);
    a.set("1");
    CHECK(nixcc::hash_arguments(args) == before);
    ScopedEnv path("PATH", "/nonexistent-nixcc-path");
    CHECK(nixcc::hash_arguments(args) == before);
  }
  CHECK(nixcc::hash_arguments(args) == before);
  CHECK(nixcc::hash_arguments(std::vector<std::string>{"-O3", "-c", "<source>"}) != before);
  CHECK(nixcc::hash_arguments(std::vector<std::string>{"-O2", "-c<source>"}) != before);
}

TEST_CASE("compiler environment variables change hash_arguments", "[input_hash]") {
  const std::vector<std::string> args = {"-c", "<source>"};
  ScopedEnv cpath("CPATH", nullptr);
  const auto unset = nixcc::hash_arguments(args);
  cpath.set("/opt/include");
  const auto set = nixcc::hash_arguments(args);
  CHECK(set != unset);
  cpath.set("");
  const auto empty = nixcc::hash_arguments(args);
  CHECK(empty != unset);  // set-but-empty is not unset
  CHECK(empty != set);
  cpath.set(nullptr);
  CHECK(nixcc::hash_arguments(args) == unset);

  bool cpath_listed = false;
  for (const char* name : nixcc::compiler_environment_variables()) cpath_listed |= std::string(name) == "CPATH";
  CHECK(cpath_listed);
}

TEST_CASE("compiler_identity follows the binary's path and mtime", "[input_hash]") {
  TempDir dir;
  write_file(dir / "cc", "binary");
  write_file(dir / "cc2", "binary");
  const auto id = nixcc::compiler_identity(dir / "cc");
  CHECK(id == nixcc::compiler_identity(dir / "cc"));
  CHECK(id != nixcc::compiler_identity(dir / "cc2"));
  fs::create_symlink(dir / "cc", dir / "link");
  CHECK(nixcc::compiler_identity(dir / "link") == id);
  fs::last_write_time(dir / "cc", fs::last_write_time(dir / "cc") + std::chrono::seconds(5));
  CHECK(nixcc::compiler_identity(dir / "cc") != id);
}

TEST_CASE("a watched word is found within and across the chunks a file is read in", "[hash]") {
  const auto watch_all = [](std::vector<std::string> chunks) {
    nixcc::WordWatch watch("__has_include");
    for (const auto& c : chunks) watch(c);
    return watch.found();
  };
  CHECK(watch_all({"#if __has_include(<x.h>)\n"}));
  CHECK(watch_all({"#if __has_", "include(<x.h>)"}));
  CHECK(watch_all({"#if _", "_", "has", "_inc", "lude"}));  // tiny chunks
  CHECK_FALSE(watch_all({"#if __has_", "feature(x)", " include"}));
  CHECK_FALSE(watch_all({}));

  nixcc::test::TempDir dir;
  nixcc::test::write_file(dir / "big.h", std::string(64 * 1024 - 5, ' ') + "__has_include(<y>)\n");  // straddles the first read
  nixcc::WordWatch watch("__has_include");
  CHECK(nixcc::hash_file(dir / "big.h", std::ref(watch)) == nixcc::hash_file(dir / "big.h"));
  CHECK(watch.found());
}
