#pragma once
// The directories a compiler searches for headers on its own. A batch expects its compiles to read
// files there (the C library, libstdc++, the compiler's own headers) and nowhere else outside the plan.

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace nixcc {

/// The directories `compiler -E -v` lists between "#include <...> search starts here:" and
/// "End of search list.", lexically normalised, in order.
std::vector<std::filesystem::path> parse_include_search_dirs(std::string_view verbose_output);

/// GCC's "install:" directory from `-print-search-dirs` (it holds include-fixed/), or empty.
std::filesystem::path parse_install_dir(std::string_view print_search_dirs_output);

/// The arguments of a compile that change where the compiler looks on its own (--sysroot, -nostdinc,
/// -stdlib=, --target, -m32, -B, ...), in order with their values.
std::vector<std::string> search_affecting_args(const std::vector<std::string>& args);

struct CompilerDirs {
  std::vector<std::filesystem::path> dirs;  // as the compiler printed them and by their canonical paths
  /// Whether `file` (absolute, lexically normal) lies under one of the directories, as written or
  /// with symlinks resolved.
  bool contains(const std::filesystem::path& file) const;
};

/// Asks each compiler once per language and search-affecting arguments.
class CompilerDirsCache {
 public:
  /// Throws std::runtime_error naming the compiler when it cannot be asked.
  const CompilerDirs& get(const std::filesystem::path& compiler, const std::string& language,
                          const std::vector<std::string>& args);

  /// The answers as text ("key\tdir\tdir...\n" a line), and read back: the key holds the compiler's
  /// identity (path, size, mtime), so a changed compiler is asked afresh. The planner keeps them
  /// between runs, since asking costs two compiler runs (~40 ms).
  std::string save() const;
  void load(std::string_view saved);

 private:
  std::map<std::string, CompilerDirs> by_key_;
  // Within one run, by path, language and arguments alone: the identity costs a stat and a realpath.
  std::map<std::string, const CompilerDirs*> by_call_;
};

}  // namespace nixcc
