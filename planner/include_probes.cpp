#include "planner/include_probes.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

#include "util/paths.h"

namespace nixcc::plan {
namespace fs = std::filesystem;

namespace {

bool is_identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::size_t skip_blanks(std::string_view text, std::size_t i) {
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  return i;
}

// The macro whose definition holds position `at`, with its parameters, when the logical line (joined
// across backslash-newlines) holding it is "#define NAME(params) ...".
struct Definition {
  std::string name;
  std::vector<std::string> params;
  std::size_t name_at = 0;
};
std::optional<Definition> enclosing_definition(std::string_view text, std::size_t at) {
  std::size_t start = at;
  while (start > 0) {
    const auto nl = text.rfind('\n', start - 1);
    if (nl == std::string_view::npos) {
      start = 0;
      break;
    }
    std::size_t before = nl;
    if (before > 0 && text[before - 1] == '\r') --before;
    if (before > 0 && text[before - 1] == '\\') {
      start = nl;  // a continued line: keep going back
      continue;
    }
    start = nl + 1;
    break;
  }
  std::size_t i = skip_blanks(text, start);
  if (i >= text.size() || text[i] != '#') return std::nullopt;
  i = skip_blanks(text, i + 1);
  if (!text.substr(i).starts_with("define")) return std::nullopt;
  i = skip_blanks(text, i + 6);
  Definition def;
  def.name_at = i;
  while (i < text.size() && is_identifier_char(text[i])) def.name += text[i++];
  if (def.name.empty() || i >= text.size() || text[i] != '(') return std::nullopt;
  const auto close = text.find(')', i);
  if (close == std::string_view::npos) return std::nullopt;
  std::string param;
  for (std::size_t j = i + 1; j <= close; ++j) {
    if (is_identifier_char(text[j])) {
      param += text[j];
    } else if (!param.empty()) {
      def.params.push_back(std::move(param));
      param.clear();
    }
  }
  return def;
}

}  // namespace

ProbeScan find_include_probes(std::string_view text, const std::vector<std::string>& wrappers) {
  ProbeScan scan;
  std::vector<std::string> names{"__has_include", "__has_include_next"};
  names.insert(names.end(), wrappers.begin(), wrappers.end());
  for (const auto& name : names) {
    for (std::size_t at = text.find(name); at != std::string_view::npos; at = text.find(name, at + 1)) {
      const std::size_t end_of_name = at + name.size();
      if ((at > 0 && is_identifier_char(text[at - 1])) || (end_of_name < text.size() && is_identifier_char(text[end_of_name]))) {
        continue;  // part of a longer identifier (__has_include inside __has_include_next, say)
      }
      std::size_t i = skip_blanks(text, end_of_name);
      if (i >= text.size() || text[i] != '(') continue;  // "#ifdef __has_include" and the like
      const auto definition = enclosing_definition(text, at);
      if (definition && definition->name_at == at) continue;  // the wrapper's own "#define NAME(x)"
      i = skip_blanks(text, i + 1);
      const char open = i < text.size() ? text[i] : '\0';
      const char close = open == '<' ? '>' : open == '"' ? '"' : '\0';
      const std::size_t end = close ? text.find_first_of(std::string{close, '\n'}, i + 1) : std::string_view::npos;
      if (close && end != std::string_view::npos && text[end] == close) {
        scan.probes.push_back({std::string(text.substr(i + 1, end - i - 1)), open == '<'});
        continue;
      }
      // A parameter of the macro being defined: that macro is a wrapper, its uses are the probes.
      std::string argument;
      while (i < text.size() && is_identifier_char(text[i])) argument += text[i++];
      if (definition && std::find(definition->params.begin(), definition->params.end(), argument) != definition->params.end()) {
        if (std::find(scan.wrappers.begin(), scan.wrappers.end(), definition->name) == scan.wrappers.end()) {
          scan.wrappers.push_back(definition->name);
        }
        continue;
      }
      const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
      if (!scan.macro_line || line < scan.macro_line) scan.macro_line = line;
    }
  }
  return scan;
}

SearchPath search_path_of(const std::vector<std::string>& args, const fs::path& cwd) {
  SearchPath search;
  constexpr std::array<std::string_view, 4> kOptions = {"-isystem", "-idirafter", "-iquote", "-I"};
  for (std::size_t i = 0; i < args.size(); ++i) {
    for (const auto option : kOptions) {
      if (!args[i].starts_with(option)) continue;
      std::string value = args[i].substr(option.size());
      if (value.empty() && i + 1 < args.size()) value = args[++i];
      if (value.empty() || value == "-") break;
      (option == "-iquote" ? search.quote : search.angled).push_back(absolute_from(cwd, value));
      break;
    }
  }
  return search;
}

std::vector<fs::path> probe_candidates(const IncludeProbe& probe, const fs::path& including_file, const SearchPath& search) {
  std::vector<fs::path> out;
  const auto add = [&](const fs::path& dir) { out.push_back((dir / probe.name).lexically_normal()); };
  if (fs::path(probe.name).is_absolute()) return {fs::path(probe.name).lexically_normal()};
  if (!probe.angled) {
    add(including_file.parent_path());
    for (const auto& d : search.quote) add(d);
  }
  for (const auto& d : search.angled) add(d);
  return out;
}

}  // namespace nixcc::plan
