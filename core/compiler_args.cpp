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

  const auto& args = result.args;
  bool compile_only = false;
  bool depfile_requested = false;
  std::string not_a_compile;
  std::string explicit_language;  // "-x" in force for the following inputs
  std::vector<std::size_t> sources;
  std::vector<std::string> source_languages;
  std::vector<std::string> other_inputs;
  std::vector<bool> drop(args.size(), false);  // left out of hashed_args

  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-") {
      result.kind = InvocationKind::StdinSource;
      result.reason = "reads the source from standard input";
      return result;
    }
    if (arg.empty() || arg[0] != '-') {
      const std::string lang = explicit_language.empty() || explicit_language == "none" ? language_of(arg)
                                                                                          : explicit_language;
      if (lang.empty()) {
        other_inputs.push_back(arg);
      } else {
        sources.push_back(i);
        source_languages.push_back(lang);
      }
      continue;
    }
    if (arg == "-c") {
      compile_only = true;
      continue;
    }

    std::string_view name = arg;
    std::optional<std::string> value;
    const std::size_t option_index = i;  // i moves on to a separate value below
    std::size_t value_index = i;         // where the value lives, for dropping
    const CompilerOption* option = find_option(name);
    if (!option && arg.starts_with("--")) {
      if (const auto eq = arg.find('='); eq != std::string::npos) {
        option = find_option(std::string_view(arg).substr(0, eq));
        if (option) value = arg.substr(eq + 1);
      }
    }
    if (option && !value && (option->flags & kTakesArg)) {
      if (i + 1 < args.size()) {
        value = args[i + 1];
        value_index = i + 1;
        ++i;
      }
    } else if (!option) {
      option = find_prefix_option(arg);
      if (option) value = arg.substr(option->name.size());
    }
    if (!option) continue;  // an unknown flag: kept in the hash, no other effect

    const auto flags = option->flags;
    if (flags & kNotACompile) not_a_compile = option->name;
    if (flags & kDependencyOutput) {
      result.has_dependency_options = true;
      drop[option_index] = true;
      drop[value_index] = true;
    }
    if (option->name == "-MD" || option->name == "-MMD") {
      depfile_requested = true;
      result.depfile_has_system_headers = option->name == "-MD";
    } else if (option->name == "-MF" && value) {
      result.depfile = *value;
    } else if ((option->name == "-o" || option->name == "--output") && value) {
      result.object = *value;
      result.has_output = true;
      drop[option_index] = true;
      drop[value_index] = true;
    } else if (option->name == "-x" && value) {
      explicit_language = *value;
    }
  }

  if (!not_a_compile.empty()) {
    result.kind = InvocationKind::NotACompile;
    result.reason = fmt::format("{} produces no object", not_a_compile);
  } else if (sources.empty()) {
    result.kind = other_inputs.empty() ? InvocationKind::NoSource : InvocationKind::Link;
    result.reason = other_inputs.empty() ? "no source file" : "links objects";
  } else if (!compile_only) {
    result.kind = InvocationKind::Link;
    result.reason = "compiles and links (no -c)";
  } else if (sources.size() > 1) {
    result.kind = InvocationKind::MultipleSources;
    result.reason = fmt::format("{} sources in one command", sources.size());
  } else {
    result.kind = InvocationKind::Compile;
  }
  if (sources.size() == 1) {
    result.source_index = sources.front();
    result.source = args[result.source_index];
    result.language = source_languages.front();
  }
  if (result.kind != InvocationKind::Compile) return result;

  const bool has_output = result.has_output;
  if (!has_output) result.object = replace_extension(basename_of(result.source), ".o");
  if (depfile_requested && !result.depfile) {
    // GCC names the depfile after -o when one is given, else after the source, in the working directory.
    result.depfile = has_output ? replace_extension(result.object, ".d")
                                : replace_extension(basename_of(result.source), ".d");
  }
  if (!depfile_requested) result.depfile.reset();  // -MF without -MD/-MMD writes no depfile during a compile

  for (std::size_t i = 0; i < args.size(); ++i) {
    if (drop[i]) continue;
    if (i == result.source_index) result.hashed_source_index = result.hashed_args.size();
    result.hashed_args.push_back(i == result.source_index ? std::string(kSourcePlaceholder) : args[i]);
  }
  return result;
}

}  // namespace nixcc
