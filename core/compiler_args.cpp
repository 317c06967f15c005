#include "core/compiler_args.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "core/compiler_options.h"

namespace nixcc {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxResponseDepth = 16;
constexpr std::string_view kSourcePlaceholder = "<source>";

// Expands @file arguments in place, GCC style: an unreadable @file is left to the compiler, but we
// cannot know what it holds, so the caller is told.
bool expand_response_files(std::span<const std::string> in, const fs::path& cwd, int depth,
                           std::vector<std::string>& out, std::string& unreadable) {
  for (const auto& arg : in) {
    if (arg.size() < 2 || arg[0] != '@') {
      out.push_back(arg);
      continue;
    }
    fs::path file = arg.substr(1);
    if (file.is_relative()) file = cwd / file;
    std::error_code ec;
    std::ifstream stream(file, std::ios::binary);
    if (!stream || fs::is_directory(file, ec) || depth >= kMaxResponseDepth) {  // a directory opens, reads nothing
      unreadable = arg;
      return false;
    }
    std::stringstream text;
    text << stream.rdbuf();
    const auto inner = split_response_file(text.str());
    if (!expand_response_files(inner, cwd, depth + 1, out, unreadable)) return false;
  }
  return true;
}

std::string replace_extension(std::string_view path, std::string_view ext) {
  const auto slash = path.rfind('/');
  const auto dot = path.rfind('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) {
    return fmt::format("{}{}", path, ext);
  }
  return fmt::format("{}{}", path.substr(0, dot), ext);
}

std::string basename_of(std::string_view path) {
  const auto slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// What one pass over the expanded arguments found, beyond what it writes into CompilerArgs directly.
struct ArgumentScan {
  bool reads_stdin = false;       // "-" as an input: the scan stopped there
  bool compile_only = false;      // -c
  bool depfile_requested = false; // -MD or -MMD
  std::string not_a_compile;      // the last option that makes the invocation produce no object
  std::string explicit_language;  // "-x" in force for the following inputs
  std::vector<std::size_t> sources;
  std::vector<std::string> source_languages;
  bool other_inputs = false;      // objects, libraries, anything not compiled
  std::vector<bool> drop;         // left out of hashed_args
};

// One option as written: its table entry, its value, and where both sit in the arguments.
struct OptionUse {
  const CompilerOption* option = nullptr;
  std::optional<std::string> value;
  std::size_t index = 0;
  std::size_t value_index = 0;  // == index when the value is glued on or absent
};

// The option at args[i] ("-I dir", "-Idir", "--output=x"), moving i past a separate value; nullopt for
// a flag the table does not know.
std::optional<OptionUse> read_option(const std::vector<std::string>& args, std::size_t& i) {
  const std::string& arg = args[i];
  OptionUse use;
  use.index = use.value_index = i;
  use.option = find_option(arg);
  if (!use.option && arg.starts_with("--")) {
    if (const auto eq = arg.find('='); eq != std::string::npos) {
      use.option = find_option(std::string_view(arg).substr(0, eq));
      if (use.option) use.value = arg.substr(eq + 1);
    }
  }
  if (use.option && !use.value && (use.option->flags & kTakesArg)) {
    if (i + 1 < args.size()) {
      use.value = args[i + 1];
      use.value_index = ++i;
    }
  } else if (!use.option) {
    use.option = find_prefix_option(arg);
    if (use.option) use.value = arg.substr(use.option->name.size());
  }
  if (!use.option) return std::nullopt;
  return use;
}

// Records what a known option means for the compile: its outputs, its depfile, its language.
void apply_option(const OptionUse& use, ArgumentScan& scan, CompilerArgs& result) {
  const CompilerOption& option = *use.option;
  if (option.flags & kNotACompile) scan.not_a_compile = option.name;
  if (option.flags & kDependencyOutput) {
    result.has_dependency_options = true;
    scan.drop[use.index] = true;
    scan.drop[use.value_index] = true;
  }
  if (option.name == "-MD" || option.name == "-MMD") {
    scan.depfile_requested = true;
    result.depfile_has_system_headers = option.name == "-MD";
  } else if (option.name == "-MF" && use.value) {
    result.depfile = *use.value;
  } else if ((option.name == "-o" || option.name == "--output") && use.value) {
    result.object = *use.value;
    result.has_output = true;
    scan.drop[use.index] = true;
    scan.drop[use.value_index] = true;
  } else if (option.name == "-x" && use.value) {
    scan.explicit_language = *use.value;
  }
}

// One pass over result.args: inputs sorted into sources and others, options applied.
ArgumentScan scan_arguments(CompilerArgs& result) {
  const auto& args = result.args;
  ArgumentScan scan;
  scan.drop.assign(args.size(), false);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-") {
      scan.reads_stdin = true;
      return scan;
    }
    if (arg.empty() || arg[0] != '-') {
      const bool inferred = scan.explicit_language.empty() || scan.explicit_language == "none";
      const std::string lang = inferred ? language_of(arg) : scan.explicit_language;
      if (lang.empty()) {
        scan.other_inputs = true;
      } else {
        scan.sources.push_back(i);
        scan.source_languages.push_back(lang);
      }
      continue;
    }
    if (arg == "-c") {
      scan.compile_only = true;
      continue;
    }
    // An unknown flag stays in the hash and has no other effect.
    if (const auto use = read_option(args, i)) apply_option(*use, scan, result);
  }
  return scan;
}

// The invocation's kind and, when it is not a single compile, why; the source when there is one.
void set_kind(const ArgumentScan& scan, CompilerArgs& result) {
  if (!scan.not_a_compile.empty()) {
    result.kind = InvocationKind::NotACompile;
    result.reason = fmt::format("{} produces no object", scan.not_a_compile);
  } else if (scan.sources.empty()) {
    result.kind = scan.other_inputs ? InvocationKind::Link : InvocationKind::NoSource;
    result.reason = scan.other_inputs ? "links objects" : "no source file";
  } else if (!scan.compile_only) {
    result.kind = InvocationKind::Link;
    result.reason = "compiles and links (no -c)";
  } else if (scan.sources.size() > 1) {
    result.kind = InvocationKind::MultipleSources;
    result.reason = fmt::format("{} sources in one command", scan.sources.size());
  } else {
    result.kind = InvocationKind::Compile;
  }
  if (scan.sources.size() == 1) {
    result.source_index = scan.sources.front();
    result.source = result.args[result.source_index];
    result.language = scan.source_languages.front();
  }
}

// The object and depfile a compile writes when the command does not name them.
void set_default_outputs(bool depfile_requested, CompilerArgs& result) {
  if (!result.has_output) result.object = replace_extension(basename_of(result.source), ".o");
  if (depfile_requested && !result.depfile) {
    // GCC names the depfile after -o when one is given, else after the source, in the working directory.
    result.depfile = result.has_output ? replace_extension(result.object, ".d")
                                       : replace_extension(basename_of(result.source), ".d");
  }
  if (!depfile_requested) result.depfile.reset();  // -MF without -MD/-MMD writes no depfile during a compile
}

void set_hashed_args(const std::vector<bool>& drop, CompilerArgs& result) {
  for (std::size_t i = 0; i < result.args.size(); ++i) {
    if (drop[i]) continue;
    if (i == result.source_index) result.hashed_source_index = result.hashed_args.size();
    result.hashed_args.push_back(i == result.source_index ? std::string(kSourcePlaceholder) : result.args[i]);
  }
}

}  // namespace

std::vector<std::string> split_response_file(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  bool in_arg = false;
  char quote = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      current += text[++i];
      in_arg = true;
    } else if (quote) {
      if (c == quote) {
        quote = 0;
      } else {
        current += c;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_arg = true;
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      if (in_arg) out.push_back(std::move(current));
      current.clear();
      in_arg = false;
    } else {
      current += c;
      in_arg = true;
    }
  }
  if (in_arg) out.push_back(std::move(current));
  return out;
}

std::string language_of(std::string_view path) {
  const auto name = basename_of(path);
  const auto dot = name.rfind('.');
  if (dot == std::string::npos || dot == 0) return "";
  const std::string_view ext = std::string_view(name).substr(dot + 1);
  if (ext == "c") return "c";
  if (ext == "cc" || ext == "cpp" || ext == "cxx" || ext == "cp" || ext == "c++" || ext == "C" || ext == "CPP" ||
      ext == "ixx" || ext == "cppm") {
    return "c++";
  }
  if (ext == "i") return "cpp-output";
  if (ext == "ii") return "c++-cpp-output";
  if (ext == "m") return "objective-c";
  if (ext == "mm" || ext == "M") return "objective-c++";
  if (ext == "s") return "assembler";
  if (ext == "S" || ext == "sx") return "assembler-with-cpp";
  if (ext == "cu") return "cuda";
  return "";
}

const char* to_string(InvocationKind kind) {
  switch (kind) {
    case InvocationKind::Compile: return "compile";
    case InvocationKind::Link: return "link";
    case InvocationKind::NotACompile: return "not-a-compile";
    case InvocationKind::MultipleSources: return "multiple-sources";
    case InvocationKind::NoSource: return "no-source";
    case InvocationKind::StdinSource: return "stdin-source";
    case InvocationKind::UnreadableResponse: return "unreadable-response-file";
  }
  return "unknown";
}

CompilerArgs classify_compiler_args(std::span<const std::string> input, const fs::path& cwd) {
  CompilerArgs result;
  std::string unreadable;
  if (!expand_response_files(input, cwd, 0, result.args, unreadable)) {
    result.kind = InvocationKind::UnreadableResponse;
    result.reason = fmt::format("cannot read response file {}", unreadable);
    result.args.assign(input.begin(), input.end());
    return result;
  }
  const ArgumentScan scan = scan_arguments(result);
  if (scan.reads_stdin) {
    result.kind = InvocationKind::StdinSource;
    result.reason = "reads the source from standard input";
    return result;
  }
  set_kind(scan, result);
  if (result.kind != InvocationKind::Compile) return result;
  set_default_outputs(scan.depfile_requested, result);
  set_hashed_args(scan.drop, result);
  return result;
}

}  // namespace nixcc
