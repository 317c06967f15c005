#include "planner/file_api_reader.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/compiler_args.h"
#include "util/file_io.h"
#include "util/paths.h"

namespace nixcc::plan {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kClient = "client-nixcc";
constexpr const char* kQueries[] = {"codemodel-v2", "cache-v2", "toolchains-v1"};

json read_json(const fs::path& file) {
  const std::string text = read_file_or_throw(file);
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    throw std::runtime_error(fmt::format("{}: not valid JSON: {}", file.string(), e.what()));
  }
}

// Reads `key` of a JSON object as T, naming the file and key when it is missing or of the wrong type.
template <typename T>
T field(const json& obj, const char* key, const fs::path& file) {
  try {
    return obj.at(key).get<T>();
  } catch (const json::exception&) {
    throw std::runtime_error(fmt::format("{}: missing or malformed \"{}\"", file.string(), key));
  }
}

std::optional<TargetKind> kind_of(const std::string& type) {
  if (type == "EXECUTABLE") return TargetKind::Executable;
  if (type == "STATIC_LIBRARY") return TargetKind::StaticLibrary;
  if (type == "SHARED_LIBRARY") return TargetKind::SharedLibrary;
  if (type == "MODULE_LIBRARY") return TargetKind::ModuleLibrary;
  if (type == "OBJECT_LIBRARY") return TargetKind::ObjectLibrary;
  return std::nullopt;  // UTILITY, INTERFACE_LIBRARY: nothing to compile or link
}

std::vector<std::string> fragments(const json& list, const fs::path& file, const char* role = nullptr) {
  std::vector<std::string> out;
  if (!list.is_array()) return out;
  for (const auto& f : list) {
    if (role && f.value("role", "") != role) continue;
    for (auto& arg : split_response_file(field<std::string>(f, "fragment", file))) out.push_back(std::move(arg));
  }
  return out;
}

// `text` as one POSIX shell word, so the command we print can be pasted as it is.
std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Where CMake may put the object of `source` in target `name`: its path relative to the target's
// source folder, else its build folder, each ".." written "__", under <build folder>/CMakeFiles/<name>.dir/.
std::vector<fs::path> cmake_object_paths(const fs::path& source, const fs::path& target_source_dir,
                                         const fs::path& target_build_dir, const std::string& name) {
  std::vector<fs::path> out;
  for (const auto* base : {&target_source_dir, &target_build_dir}) {
    fs::path rel;
    for (const auto& part : source.lexically_relative(*base)) rel /= part == ".." ? fs::path("__") : part;
    if (rel.empty()) continue;
    const fs::path dir = target_build_dir / "CMakeFiles" / (name + ".dir");
    out.push_back(dir / (rel.string() + ".o"));
    out.push_back(dir / (rel.string() + ".obj"));
  }
  return out;
}

// "-x c-header" / "-x c++-header": the compile that makes a precompiled header.
bool builds_precompiled_header(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "-x" && args[i + 1].ends_with("-header")) return true;
  }
  return false;
}

// The folder the frame's s/ stands for: CMake's source directory, widened to the deepest folder that
// also holds every compiled source outside the build directory (lz4 and zstd keep their CMakeLists.txt
// in build/cmake/ and their sources in ../../lib).
fs::path common_source_root(const Project& project, const std::vector<std::pair<fs::path, json>>& target_docs) {
  fs::path root = project.source_dir;
  for (const auto& [file, doc] : target_docs) {
    for (const auto& source : doc.value("sources", json::array())) {
      if (!source.contains("compileGroupIndex") || !source.contains("path")) continue;
      const fs::path path = absolute_from(project.source_dir, source["path"].get<std::string>());  // still CMake's
      if (!plan_name(project, path).empty()) continue;
      while (!root.empty() && root != root.root_path() && frame_name(path, root, {}).empty()) {
        root = root.parent_path();
      }
      if (root.empty() || root == root.root_path()) {
        throw std::runtime_error(fmt::format(
            "{}: target {} compiles {}, which lies outside the project (no folder below / holds it and the source "
            "directory {}); nixcc builds a project's own sources only", file.string(), doc.value("name", "?"),
            path.string(), project.source_dir.string()));
      }
    }
  }
  return root;
}

}  // namespace

void write_file_api_query(const fs::path& build_dir) {
  const fs::path dir = build_dir / ".cmake" / "api" / "v1" / "query" / kClient;
  fs::create_directories(dir);
  for (const char* query : kQueries) std::ofstream(dir / query, std::ios::app);
}

Project read_file_api(const fs::path& build_dir_in) {
  const fs::path build_dir = fs::absolute(build_dir_in).lexically_normal();
  std::error_code exists_ec;
  if (!fs::is_directory(build_dir, exists_ec)) {
    throw std::runtime_error(fmt::format("{}: no such build directory (configure the project with cmake first)", build_dir.string()));
  }
  const fs::path reply = build_dir / ".cmake" / "api" / "v1" / "reply";
  std::vector<fs::path> indexes;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(reply, ec)) {
    if (entry.path().filename().string().starts_with("index-")) indexes.push_back(entry.path());
  }
  const auto missing = [&](const std::string& why) {
    write_file_api_query(build_dir);
    return FileApiMissing(fmt::format("{}: {}; query written, now re-run: cmake {}", build_dir.string(), why,
                                      shell_quote(build_dir.string())));
  };
  if (indexes.empty()) throw missing("no CMake File API reply");
  const fs::path index_file = *std::max_element(indexes.begin(), indexes.end());  // names sort by time
  const json index = read_json(index_file);
  const json* client = nullptr;
  if (index.contains("reply") && index["reply"].contains(kClient)) client = &index["reply"][kClient];
  if (!client) throw missing("the File API reply has no answer for nixcc-plan's query");

  const auto reply_file = [&](const char* kind) -> std::optional<fs::path> {
    if (!client->contains(kind) || !(*client)[kind].contains("jsonFile")) return std::nullopt;
    return reply / field<std::string>((*client)[kind], "jsonFile", index_file);
  };
  const auto codemodel_file = reply_file("codemodel-v2");
  if (!codemodel_file) throw missing("the File API reply has no codemodel-v2");

  Project project;
  project.build_dir = build_dir;
  const json codemodel = read_json(*codemodel_file);
  project.source_dir = fs::path(field<std::string>(codemodel.at("paths"), "source", *codemodel_file)).lexically_normal();
  project.build_dir = fs::path(field<std::string>(codemodel.at("paths"), "build", *codemodel_file)).lexically_normal();

  if (const auto cache_file = reply_file("cache-v2")) {
    const json cache = read_json(*cache_file);
    for (const auto& entry : cache.value("entries", json::array())) {
      project.cache[entry.value("name", "")] = entry.value("value", "");
    }
  }
  if (auto it = project.cache.find("CMAKE_AR"); it != project.cache.end() && !it->second.empty()) project.archiver = it->second;
  if (auto it = project.cache.find("CMAKE_RANLIB"); it != project.cache.end() && !it->second.empty()) project.ranlib = it->second;

  std::map<std::string, std::string> compilers;  // language -> path
  if (const auto toolchains_file = reply_file("toolchains-v1")) {
    const json toolchains = read_json(*toolchains_file);
    for (const auto& t : toolchains.value("toolchains", json::array())) {
      if (t.contains("compiler") && t["compiler"].contains("path")) {
        compilers[t.value("language", "")] = t["compiler"]["path"].get<std::string>();
      }
    }
  }
  const auto compiler_for = [&](const std::string& language, const fs::path& file) {
    auto it = compilers.find(language);
    if (it == compilers.end()) {
      const auto cached = project.cache.find(fmt::format("CMAKE_{}_COMPILER", language));
      if (cached != project.cache.end()) return cached->second;
      throw std::runtime_error(fmt::format("{}: no {} compiler known to the File API reply", file.string(), language));
    }
    return it->second;
  };

  const auto& configurations = codemodel.at("configurations");
  if (!configurations.is_array() || configurations.empty()) {
    throw std::runtime_error(fmt::format("{}: no configurations", codemodel_file->string()));
  }
  std::map<std::string, std::string> name_of_id;
  std::vector<std::pair<fs::path, json>> target_docs;
  for (const auto& ref : configurations[0].at("targets")) {
    const fs::path file = reply / field<std::string>(ref, "jsonFile", *codemodel_file);
    json doc = read_json(file);
    name_of_id[field<std::string>(doc, "id", file)] = field<std::string>(doc, "name", file);
    target_docs.emplace_back(file, std::move(doc));
  }

  // File API paths are relative to CMake's own source directory, which the frame's s/ may lie above.
  const fs::path cmake_source_dir = project.source_dir;
  project.cmake_source_dir = cmake_source_dir;
  project.source_dir = common_source_root(project, target_docs);

  std::set<std::string> keys;
  // Objects of OBJECT libraries that other targets link ($<TARGET_OBJECTS:lib>, which the File API
  // lists among their sources): by each path CMake may have given the object, the unit that makes it.
  std::map<std::string, std::string> object_library_units;
  std::vector<std::pair<std::size_t, fs::path>> linked_objects;  // target index, object path
  for (const auto& [file, doc] : target_docs) {
    const auto kind = kind_of(field<std::string>(doc, "type", file));
    if (!kind) continue;
    Target target;
    target.name = field<std::string>(doc, "name", file);
    target.id = field<std::string>(doc, "id", file);
    target.kind = *kind;
    target.name_on_disk = doc.value("nameOnDisk", "");
    if (doc.contains("artifacts") && !doc["artifacts"].empty()) target.artifact = doc["artifacts"][0].value("path", "");
    for (const auto& dep : doc.value("dependencies", json::array())) {
      const auto it = name_of_id.find(dep.value("id", ""));
      if (it != name_of_id.end()) target.dependencies.push_back(it->second);
    }
    if (doc.contains("link") && doc["link"].is_object()) {
      const auto& link = doc["link"];
      target.link_compiler = compiler_for(link.value("language", "CXX"), file);
      target.link_flags = fragments(link.value("commandFragments", json::array()), file, "flags");
      for (const char* role : {"libraryPath", "frameworkPath", "libraries"}) {
        for (auto& f : fragments(link.value("commandFragments", json::array()), file, role)) {
          target.link_libraries.push_back(std::move(f));
        }
      }
    }

    const auto& groups = doc.value("compileGroups", json::array());
    const auto& sources = doc.value("sources", json::array());
    const fs::path target_source_dir = absolute_from(cmake_source_dir, doc.at("paths").value("source", "."));
    const fs::path target_build_dir = absolute_from(project.build_dir, doc.at("paths").value("build", "."));
    for (const auto& source : sources) {
      if (!source.contains("compileGroupIndex")) {  // headers, other non-compiled files, objects of OBJECT libraries
        const fs::path path = absolute_from(cmake_source_dir, source.value("path", ""));
        if (path.extension() == ".o" || path.extension() == ".obj") linked_objects.emplace_back(project.targets.size(), path);
        continue;
      }
      const auto& group = groups.at(source["compileGroupIndex"].get<std::size_t>());
      Unit unit;
      unit.target = target.name;
      unit.language = group.value("language", "CXX");
      unit.compiler = compiler_for(unit.language, file);
      const fs::path path = field<std::string>(source, "path", file);
      unit.source = absolute_from(cmake_source_dir, path);
      unit.generated = source.value("isGenerated", false);
      for (const auto& d : group.value("defines", json::array())) unit.arguments.push_back("-D" + d.value("define", ""));
      for (const auto& inc : group.value("includes", json::array())) {
        const std::string dir = absolute_from(cmake_source_dir, inc.value("path", "")).string();
        if (inc.value("isSystem", false)) {
          unit.arguments.insert(unit.arguments.end(), {"-isystem", dir});
        } else {
          unit.arguments.push_back("-I" + dir);
        }
      }
      for (auto& f : fragments(group.value("compileCommandFragments", json::array()), file)) unit.arguments.push_back(std::move(f));
      unit.directory = project.build_dir / doc.at("paths").value("build", ".");
      // target_precompile_headers: CMake compiles the header to a .gch that the target's units pick
      // up through "-include cmake_pch.hxx". The .gch is not an object to link, and a batch's units
      // read the header itself instead, which GCC guarantees means the same.
      if (builds_precompiled_header(unit.arguments)) continue;
      const std::string name = plan_name(project, unit.source);
      if (name.empty()) {
        throw std::runtime_error(fmt::format("{}: source {} of target {} is outside the source and build directories",
                                             file.string(), unit.source.string(), target.name));
      }
      unit.key = unit_key(target.name, name);
      if (!keys.insert(unit.key).second) continue;  // a source listed twice in one target
      target.units.push_back(unit.key);
      if (target.kind == TargetKind::ObjectLibrary) {
        for (const auto& path : cmake_object_paths(unit.source, target_source_dir, target_build_dir, target.name)) {
          object_library_units.emplace(path.string(), unit.key);
        }
      }
      project.units.push_back(std::move(unit));
    }
    project.targets.push_back(std::move(target));
  }
  for (const auto& [index, object] : linked_objects) {
    const auto it = object_library_units.find(object.string());
    if (it == object_library_units.end()) {
      throw std::runtime_error(fmt::format("target {} links the object {}, which no OBJECT library of the project compiles",
                                           project.targets[index].name, object.string()));
    }
    project.targets[index].units.push_back(it->second);
  }
  return project;
}

}  // namespace nixcc::plan
