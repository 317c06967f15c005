#include "include_probes.h"

#include <algorithm>
#include <array>

#include "paths.h"

namespace nixcc::plan {
namespace fs = std::filesystem;

ProbeScan find_include_probes(std::string_view text) {
  ProbeScan scan;
  constexpr std::string_view kProbe = "__has_include";
  for (std::size_t at = text.find(kProbe); at != std::string_view::npos; at = text.find(kProbe, at + 1)) {
    std::size_t i = at + kProbe.size();
    if (text.substr(i).starts_with("_next")) i += 5;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    if (i >= text.size() || text[i] != '(') continue;  // "#ifdef __has_include" and the like
    ++i;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    const char open = i < text.size() ? text[i] : '\0';
    const char close = open == '<' ? '>' : open == '"' ? '"' : '\0';
    const std::size_t end = close ? text.find_first_of(std::string{close, '\n'}, i + 1) : std::string_view::npos;
    if (!close || end == std::string_view::npos || text[end] != close) {
      if (!scan.macro_line) scan.macro_line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
      continue;
    }
    scan.probes.push_back({std::string(text.substr(i + 1, end - i - 1)), open == '<'});
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
