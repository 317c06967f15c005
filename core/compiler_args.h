#pragma once
// Walks a compiler command line once and says whether it is a single compile nixcc can time and hash.

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace nixcc {

enum class InvocationKind {
  Compile,             // exactly one source, -c, an object out
  Link,                // no -c: compiling and/or linking
  NotACompile,         // -E, -S, -M/-MM, --version, -print-* ...
  MultipleSources,     // -c with several sources
  NoSource,            // nothing to compile
  StdinSource,         // "-" as input
  UnreadableResponse,  // an @file that cannot be read
};

struct CompilerArgs {
  InvocationKind kind = InvocationKind::NoSource;
  std::string reason;              // why it is not a Compile, for logs
  std::vector<std::string> args;   // the command line after @file expansion, without the compiler
  std::string source;              // as written
  std::size_t source_index = 0;    // position of the source in args
  std::string language;            // from -x, else from the source's extension
  std::string object;              // as written, or the driver's default
  std::optional<std::string> depfile;  // the depfile the command already asks for
  bool depfile_has_system_headers = false;  // -MD rather than -MMD
  bool has_output = false;             // an explicit -o / --output
  bool has_dependency_options = false; // any of -MD -MMD -MF -MT -MQ -MP -MG
  /// The arguments that decide the object's contents: output and depfile options dropped, the source
  /// replaced by a placeholder. Hashing these identifies "the same compile" across object paths.
  std::vector<std::string> hashed_args;
  std::size_t hashed_source_index = 0;  // position of the placeholder in hashed_args
};

/// Classifies `args` (the compiler's arguments, not the compiler). Response files are read
/// relative to `cwd`; nothing else touches the file system.
CompilerArgs classify_compiler_args(std::span<const std::string> args, const std::filesystem::path& cwd);

/// Splits a GCC response file's text into arguments: whitespace separates, quotes and backslashes escape.
std::vector<std::string> split_response_file(std::string_view text);

/// The language GCC infers from a source file name ("c", "c++", "assembler-with-cpp" ...), or "" when
/// the name is not a source GCC would compile.
std::string language_of(std::string_view path);

const char* to_string(InvocationKind kind);

}  // namespace nixcc
