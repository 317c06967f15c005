#include "planner/compile_commands_reader.h"

#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/child_process.h"
#include "core/compiler_args.h"
#include "util/file_io.h"
#include "util/paths.h"

namespace nixcc::plan {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path common_folder(const std::vector<fs::path>& files) {
  if (files.empty()) return {};
  fs::path common = files.front().parent_path();
  for (const auto& f : files) {
    while (!common.empty() && f.lexically_relative(common).begin()->string() == "..") common = common.parent_path();
  }
  return common;
}

}  // namespace

Project read_compile_commands(const fs::path& file_in, const fs::path& source_dir) {
  const fs::path file = fs::absolute(file_in).lexically_normal();
  const std::string text = read_file_or_throw(file);
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {
    throw std::runtime_error(fmt::format("{}: not valid JSON: {}", file.string(), e.what()));
  }
  if (!doc.is_array()) throw std::runtime_error(fmt::format("{}: must be a JSON array of compile commands", file.string()));

  Project project;
  project.build_dir = file.parent_path();
  struct Entry {
    fs::path directory;
    std::vector<std::string> argv;
  };
  std::vector<Entry> entries;
  std::vector<fs::path> sources;
  for (std::size_t i = 0; i < doc.size(); ++i) {
    const auto& e = doc[i];
    const auto where = [&] { return fmt::format("{}: entry {}", file.string(), i); };
    if (!e.is_object() || !e.contains("directory") || !e["directory"].is_string()) {
      throw std::runtime_error(fmt::format("{}: needs a \"directory\" string", where()));
    }
    Entry entry;
    entry.directory = fs::path(e["directory"].get<std::string>()).lexically_normal();
    if (e.contains("arguments") && e["arguments"].is_array()) {
      for (const auto& a : e["arguments"]) {
        if (!a.is_string()) throw std::runtime_error(fmt::format("{}: \"arguments\" must hold strings", where()));
        entry.argv.push_back(a.get<std::string>());
      }
    } else if (e.contains("command") && e["command"].is_string()) {
      entry.argv = split_response_file(e["command"].get<std::string>());
    } else {
      throw std::runtime_error(fmt::format("{}: needs \"arguments\" or \"command\"", where()));
    }
    if (entry.argv.empty()) throw std::runtime_error(fmt::format("{}: empty command", where()));
    entries.push_back(std::move(entry));
  }

  std::set<std::string> keys;
  std::vector<Unit> units;
  std::map<std::string, std::string> resolved;  // compiler as written -> path
  for (std::size_t i = 0; i < entries.size(); ++i) {
    auto& entry = entries[i];
    std::vector<std::string> args(entry.argv.begin() + 1, entry.argv.end());
    const auto classified = classify_compiler_args(args, entry.directory);
    if (classified.kind != InvocationKind::Compile) {
      throw std::runtime_error(fmt::format("{}: entry {}: not a single compile ({})", file.string(), i, classified.reason));
    }
    Unit unit;
    unit.source = absolute_from(entry.directory, classified.source);
    unit.directory = entry.directory;
    unit.language = classified.language == "c" ? "C" : "CXX";
    auto found = resolved.find(entry.argv.front());
    if (found == resolved.end()) {
      const auto compiler = find_executable(entry.argv.front());
      found = resolved.emplace(entry.argv.front(), compiler ? compiler->string() : entry.argv.front()).first;
    }
    unit.compiler = found->second;
    // hashed_args is the command without output and depfile options, the source as a placeholder;
    // nixcc batch adds -c, the source, -o and its own depfile.
    for (std::size_t a = 0; a < classified.hashed_args.size(); ++a) {
      if (a == classified.hashed_source_index || classified.hashed_args[a] == "-c") continue;
      unit.arguments.push_back(classified.hashed_args[a]);
    }
    sources.push_back(unit.source);
    units.push_back(std::move(unit));
  }
  project.source_dir = source_dir.empty() ? common_folder(sources) : fs::absolute(source_dir).lexically_normal();
  project.cmake_source_dir = project.source_dir;
  for (auto& unit : units) {
    const std::string name = plan_name(project, unit.source);
    if (name.empty()) {
      throw std::runtime_error(fmt::format("{}: source {} is outside the source directory {} and the build directory",
                                           file.string(), unit.source.string(), project.source_dir.string()));
    }
    unit.key = unit_key("", name);
    if (!keys.insert(unit.key).second) continue;  // the same source twice: the first entry wins
    project.units.push_back(std::move(unit));
  }
  return project;
}

}  // namespace nixcc::plan
