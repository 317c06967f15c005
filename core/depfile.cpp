#include "core/depfile.h"

#include <fstream>
#include <sstream>
#include <unordered_set>

#include "util/paths.h"

namespace nixcc {

std::vector<std::string> parse_depfile(std::string_view text) {
  std::vector<std::string> prerequisites;
  std::unordered_set<std::string> seen;
  bool in_targets = true;  // before the ':' of the current rule
  std::string word;

  const auto finish_word = [&] {
    if (word.empty()) return;
    if (in_targets) {
      if (word.back() == ':') {  // "target:" written without a space
        in_targets = false;
      }
    } else if (seen.insert(word).second) {
      prerequisites.push_back(word);
    }
    word.clear();
  };

  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      const char next = text[i + 1];
      if (next == '\n') {  // continuation
        ++i;
        finish_word();
        continue;
      }
      if (next == '\r' && i + 2 < text.size() && text[i + 2] == '\n') {
        i += 2;
        finish_word();
        continue;
      }
      if (next == ' ' || next == '#' || next == '\\') {
        word += next;
        ++i;
        continue;
      }
      word += c;
    } else if (c == '$' && i + 1 < text.size() && text[i + 1] == '$') {
      word += '$';
      ++i;
    } else if (c == ':' && in_targets && (i + 1 >= text.size() || text[i + 1] == ' ' || text[i + 1] == '\t' ||
                                          text[i + 1] == '\n' || text[i + 1] == '\r')) {
      word.clear();  // the target name itself is not a prerequisite
      in_targets = false;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      finish_word();
    } else if (c == '\n') {
      finish_word();
      in_targets = true;
    } else {
      word += c;
    }
  }
  finish_word();
  return prerequisites;
}

std::optional<std::vector<std::filesystem::path>> read_depfile_headers(const std::filesystem::path& depfile,
                                                                       const std::filesystem::path& cwd,
                                                                       const std::filesystem::path& source) {
  std::ifstream in(depfile, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  std::vector<std::filesystem::path> headers;
  for (const auto& dep : parse_depfile(text.str())) {
    auto path = absolute_from(cwd, dep);
    if (path != source) headers.push_back(std::move(path));
  }
  return headers;
}

}  // namespace nixcc
