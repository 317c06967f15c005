#pragma once
// The host files a plan's derivations run when they use host tools: each compiler's driver and the
// programs it runs (cc1plus, as, ld, collect2, ...), the folders it searches on its own, the shared
// libraries all of them load, and the builders' shell and utilities. Nix's sandbox holds nothing
// else, so the plan names exactly these: for the `extra-sandbox-paths` line of nix.conf, and for the
// check a build makes before it starts.

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace nixcc {

/// The libraries an `ldd` (or `ld.so --list`) report names: the "=> /path" column and the loader ("/lib64/ld-...").
std::vector<std::filesystem::path> parse_ldd_output(std::string_view output);

/// The folders of a `-print-search-dirs` line ("programs: =a:b" or "libraries: =a:b"), normalised,
/// without duplicates, in order.
std::vector<std::filesystem::path> parse_search_dirs_line(std::string_view print_search_dirs_output,
                                                          std::string_view key);

/// Whether `file` starts as an ELF file does.
bool is_elf(const std::filesystem::path& file);

/// The program the kernel starts `exe` with: a dynamic ELF executable's loader (PT_INTERP), or the
/// program of a script's #! line. nullopt for a static executable or an unreadable file.
std::optional<std::filesystem::path> interpreter_of(const std::filesystem::path& exe);

/// What Nix's sandbox must bind for `path` (absolute) to be usable inside it: every symlink met on
/// the way to it (Nix recreates a symlink as a symlink, so what it names must be bound too), then the
/// file or folder it resolves to. Empty when `path` does not exist. Debian's /bin/sh gives /bin (a
/// symlink to usr/bin), /usr/bin/sh (to dash) and /usr/bin/dash.
std::vector<std::string> sandbox_entries_of(const std::filesystem::path& path);

/// `paths` without any that lies inside another of them, sorted.
std::vector<std::string> without_nested(const std::set<std::string>& paths);

class HostToolchain {
 public:
  /// A compiler driver (a path, or a name looked up on PATH), the programs it runs for compiles and links (asked with -print-prog-name),
  /// the folders it searches for programs and libraries (-print-search-dirs), and their libraries.
  /// Throws std::runtime_error naming the compiler when it cannot be asked.
  void add_compiler(const std::filesystem::path& driver);

  /// A program by name (looked up on PATH) or path, and the libraries it loads. Throws
  /// std::runtime_error when it cannot be found.
  void add_program(const std::string& name);

  /// A file or folder used as it is (a compiler's include directory), with the symlinks leading to it.
  void add_path(const std::filesystem::path& path);

  /// Every program met (drivers, what they run, loaders, script interpreters), as named.
  const std::set<std::string>& executables() const { return executables_; }

  /// Everything added, nested paths left out, sorted: the entries of an `extra-sandbox-paths` line.
  std::vector<std::string> paths() const { return without_nested(paths_); }

 private:
  void add_executable(const std::filesystem::path& exe);

  std::set<std::string> paths_;
  std::set<std::string> executables_;  // already asked for their libraries
  std::set<std::string> compilers_;
};

}  // namespace nixcc
