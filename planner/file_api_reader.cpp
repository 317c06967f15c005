#include "planner/file_api_reader.h"

#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/compiler_args.h"
#include "planner/file_api_query.h"
#include "util/paths.h"

namespace nixcc::plan {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

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

// The project's paths as the codemodel gives them; source_dir is CMake's own until widened.
Project project_paths(const json& codemodel, const fs::path& file) {
  const json paths = field<json>(codemodel, "paths", file);
  Project project;
  project.source_dir = fs::path(field<std::string>(paths, "source", file)).lexically_normal();
  project.build_dir = fs::path(field<std::string>(paths, "build", file)).lexically_normal();
  return project;
}

// The CMake cache entries, and the archiver and ranlib they name.
void read_cache(const FileApiReply& reply, Project& project) {
  if (const auto cache_file = reply.file("cache-v2")) {
    const json cache = read_json_file(*cache_file);
    for (const auto& entry : cache.value("entries", json::array())) {
      project.cache[entry.value("name", "")] = entry.value("value", "");
    }
  }
  if (auto it = project.cache.find("CMAKE_AR"); it != project.cache.end() && !it->second.empty()) project.archiver = it->second;
  if (auto it = project.cache.find("CMAKE_RANLIB"); it != project.cache.end() && !it->second.empty()) project.ranlib = it->second;
}

// Each language's compiler: from toolchains-v1, else from the cache's CMAKE_<LANG>_COMPILER.
class Compilers {
 public:
  Compilers(const FileApiReply& reply, const Project& project) : cache_(project.cache) {
    if (const auto toolchains_file = reply.file("toolchains-v1")) {
      const json toolchains = read_json_file(*toolchains_file);
      for (const auto& t : toolchains.value("toolchains", json::array())) {
        if (t.contains("compiler") && t["compiler"].contains("path")) {
          by_language_[t.value("language", "")] = t["compiler"]["path"].get<std::string>();
        }
      }
    }
  }

  /// Throws naming `file` (the target file asking) when the language has no compiler.
  std::string of(const std::string& language, const fs::path& file) const {
    if (const auto it = by_language_.find(language); it != by_language_.end()) return it->second;
    if (const auto cached = cache_.find(fmt::format("CMAKE_{}_COMPILER", language)); cached != cache_.end()) {
      return cached->second;
    }
    throw std::runtime_error(fmt::format("{}: no {} compiler known to the File API reply", file.string(), language));
  }

 private:
  const std::map<std::string, std::string>& cache_;
  std::map<std::string, std::string> by_language_;
};

// The first configuration's target files, each read, and CMake's target names by id.
struct TargetDocs {
  std::vector<std::pair<fs::path, json>> docs;
  std::map<std::string, std::string> name_of_id;
};

TargetDocs read_target_docs(const FileApiReply& reply, const json& codemodel, const fs::path& codemodel_file) {
  const json configurations = codemodel.value("configurations", json());
  if (!configurations.is_array() || configurations.empty()) {
    throw std::runtime_error(fmt::format("{}: no configurations", codemodel_file.string()));
  }
  TargetDocs targets;
  for (const auto& ref : field<json>(configurations[0], "targets", codemodel_file)) {
    const fs::path file = reply.dir / field<std::string>(ref, "jsonFile", codemodel_file);
    json doc = read_json_file(file);
    targets.name_of_id[field<std::string>(doc, "id", file)] = field<std::string>(doc, "name", file);
    targets.docs.emplace_back(file, std::move(doc));
  }
  return targets;
}

// Turns target files into the project's targets and units. File API paths are relative to CMake's
// own source directory, which the frame's s/ (project.source_dir) may lie above.
class TargetReader {
 public:
  TargetReader(Project& project, fs::path cmake_source_dir, const Compilers& compilers,
               const std::map<std::string, std::string>& name_of_id)
      : project_(project), cmake_source_dir_(std::move(cmake_source_dir)), compilers_(compilers), name_of_id_(name_of_id) {}

  void read(const fs::path& file, const json& doc) {
    const auto kind = kind_of(field<std::string>(doc, "type", file));
    if (!kind) return;
    Target target = target_of(file, doc, *kind);
    read_sources(file, doc, target);
    project_.targets.push_back(std::move(target));
  }

  /// Points each $<TARGET_OBJECTS:lib> object a target links at the unit that compiles it; called
  /// once every target is read.
  void resolve_linked_objects() {
    for (const auto& [index, object] : linked_objects_) {
      const auto it = object_library_units_.find(object.string());
      if (it == object_library_units_.end()) {
        throw std::runtime_error(fmt::format("target {} links the object {}, which no OBJECT library of the project compiles",
                                             project_.targets[index].name, object.string()));
      }
      project_.targets[index].units.push_back(it->second);
    }
  }

 private:
  // The target without its units: names, artifact, dependencies, link command.
  Target target_of(const fs::path& file, const json& doc, TargetKind kind) const {
    Target target;
    target.name = field<std::string>(doc, "name", file);
    target.id = field<std::string>(doc, "id", file);
    target.kind = kind;
    target.name_on_disk = doc.value("nameOnDisk", "");
    if (doc.contains("artifacts") && !doc["artifacts"].empty()) target.artifact = doc["artifacts"][0].value("path", "");
    for (const auto& dep : doc.value("dependencies", json::array())) {
      const auto it = name_of_id_.find(dep.value("id", ""));
      if (it != name_of_id_.end()) target.dependencies.push_back(it->second);
    }
    if (doc.contains("link") && doc["link"].is_object()) {
      const auto& link = doc["link"];
      const auto command = link.value("commandFragments", json::array());
      target.link_compiler = compilers_.of(link.value("language", "CXX"), file);
      target.link_flags = fragments(command, file, "flags");
      for (const char* role : {"libraryPath", "frameworkPath", "libraries"}) {
        for (auto& f : fragments(command, file, role)) target.link_libraries.push_back(std::move(f));
      }
    }
    return target;
  }

  void read_sources(const fs::path& file, const json& doc, Target& target) {
    const auto groups = doc.value("compileGroups", json::array());
    const json paths = field<json>(doc, "paths", file);
    const fs::path target_source_dir = absolute_from(cmake_source_dir_, paths.value("source", "."));
    const fs::path target_build_dir = absolute_from(project_.build_dir, paths.value("build", "."));
    for (const auto& source : doc.value("sources", json::array())) {
      if (!source.contains("compileGroupIndex")) {  // headers, other non-compiled files, objects of OBJECT libraries
        const fs::path path = absolute_from(cmake_source_dir_, source.value("path", ""));
        if (path.extension() == ".o" || path.extension() == ".obj") linked_objects_.emplace_back(project_.targets.size(), path);
        continue;
      }
      const auto group_index = field<std::size_t>(source, "compileGroupIndex", file);
      if (group_index >= groups.size()) {
        throw std::runtime_error(fmt::format("{}: compileGroupIndex {} out of range", file.string(), group_index));
      }
      Unit unit = unit_of(file, source, groups[group_index], target.name);
      unit.directory = project_.build_dir / paths.value("build", ".");
      // target_precompile_headers: CMake compiles the header to a .gch that the target's units pick
      // up through "-include cmake_pch.hxx". The .gch is not an object to link, and a batch's units
      // read the header itself instead, which GCC guarantees means the same.
      if (builds_precompiled_header(unit.arguments)) continue;
      const std::string name = plan_name(project_, unit.source);
      if (name.empty()) {
        throw std::runtime_error(fmt::format("{}: source {} of target {} is outside the source and build directories",
                                             file.string(), unit.source.string(), target.name));
      }
      unit.key = unit_key(target.name, name);
      if (!keys_.insert(unit.key).second) continue;  // a source listed twice in one target
      target.units.push_back(unit.key);
      if (target.kind == TargetKind::ObjectLibrary) {
        for (const auto& path : cmake_object_paths(unit.source, target_source_dir, target_build_dir, target.name)) {
          object_library_units_.emplace(path.string(), unit.key);
        }
      }
      project_.units.push_back(std::move(unit));
    }
  }

  // A compiled source: its compiler and arguments (defines, include directories, then the group's flags).
  Unit unit_of(const fs::path& file, const json& source, const json& group, const std::string& target) const {
    Unit unit;
    unit.target = target;
    unit.language = group.value("language", "CXX");
    unit.compiler = compilers_.of(unit.language, file);
    unit.source = absolute_from(cmake_source_dir_, field<std::string>(source, "path", file));
    unit.generated = source.value("isGenerated", false);
    for (const auto& d : group.value("defines", json::array())) unit.arguments.push_back("-D" + d.value("define", ""));
    for (const auto& inc : group.value("includes", json::array())) {
      const std::string dir = absolute_from(cmake_source_dir_, inc.value("path", "")).string();
      if (inc.value("isSystem", false)) {
        unit.arguments.insert(unit.arguments.end(), {"-isystem", dir});
      } else {
        unit.arguments.push_back("-I" + dir);
      }
    }
    for (auto& f : fragments(group.value("compileCommandFragments", json::array()), file)) unit.arguments.push_back(std::move(f));
    return unit;
  }

  Project& project_;
  const fs::path cmake_source_dir_;
  const Compilers& compilers_;
  const std::map<std::string, std::string>& name_of_id_;
  std::set<std::string> keys_;
  // Objects of OBJECT libraries that other targets link ($<TARGET_OBJECTS:lib>, which the File API
  // lists among their sources): by each path CMake may have given the object, the unit that makes it.
  std::map<std::string, std::string> object_library_units_;
  std::vector<std::pair<std::size_t, fs::path>> linked_objects_;  // target index, object path
};

}  // namespace

Project read_file_api(const fs::path& build_dir_in) {
  const fs::path build_dir = fs::absolute(build_dir_in).lexically_normal();
  const auto reply = find_file_api_reply(build_dir);
  if (!reply) throw FileApiMissing(fmt::format("{}: no CMake File API reply to nixcc-plan's query", build_dir.string()));
  const fs::path codemodel_file = *reply->file("codemodel-v2");
  const json codemodel = read_json_file(codemodel_file);
  Project project = project_paths(codemodel, codemodel_file);
  read_cache(*reply, project);
  const Compilers compilers(*reply, project);
  const TargetDocs targets = read_target_docs(*reply, codemodel, codemodel_file);
  const fs::path cmake_source_dir = project.source_dir;
  project.cmake_source_dir = cmake_source_dir;
  project.source_dir = common_source_root(project, targets.docs);
  TargetReader reader(project, cmake_source_dir, compilers, targets.name_of_id);
  for (const auto& [file, doc] : targets.docs) reader.read(file, doc);
  reader.resolve_linked_objects();
  return project;
}

}  // namespace nixcc::plan
