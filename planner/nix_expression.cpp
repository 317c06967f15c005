#include "planner/nix_expression.h"

#include <cctype>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace nixcc::plan {
namespace {

using nlohmann::json;

// Store path names allow [A-Za-z0-9+-._?=] and must not start with a dot.
std::string derivation_name(const std::string& name) {
  std::string out;
  for (char c : name) out += (std::isalnum(static_cast<unsigned char>(c)) || std::string_view("+-._?=").find(c) != std::string_view::npos) ? c : '_';
  if (out.empty() || out[0] == '.') out.insert(out.begin(), '_');
  return out;
}

json file_set(const std::vector<std::string>& files) {
  json set = json::object();
  for (const auto& f : files) set[f] = true;
  return set;
}

std::string tool(const std::string& host_path, const std::string& nixpkgs_name, Toolchain toolchain) {
  return toolchain == Toolchain::Host ? host_path : nixpkgs_name;
}

// A word nix/plan.nix turns into a store path of the plan plus `path`: {"batch": name} or
// {"target": name, "prefix": ...}.
json batch_output(const std::string& name, const std::string& path) { return {{"batch", name}, {"path", path}}; }
json target_output(const std::string& name, const std::string& path, const std::string& prefix = "") {
  return {{"target", name}, {"path", path}, {"prefix", prefix}};
}

class Writer {
 public:
  explicit Writer(const NixPlan& plan) : plan_(plan), project_(*plan.project) {
    for (const auto& t : project_.targets) targets_by_name_[t.name] = &t;
  }

  std::string render() const {
    const bool host = plan_.toolchain == Toolchain::Host;
    json doc = {{"format", "nixcc-plan"},
                {"version", 1},
                {"generatedFrom", project_.build_dir.string()},
                {"toolchain", host ? "host" : "nixpkgs"},
                {"sourceDir", project_.source_dir.string()},
                {"buildDir", project_.build_dir.string()},
                {"batches", batches()},
                {"targets", targets()},
                {"collect", collect()}};
    if (host) {
      doc["host"] = {{"shell", "/bin/sh"}, {"path", plan_.host_path}, {"nixcc", plan_.nixcc}};
    } else {
      doc["nixccSource"] = plan_.nixcc_source;
    }
    return doc.dump(1) + "\n";
  }

 private:
  json batches() const {
    json out = json::object();
    for (const auto& b : plan_.batches) {
      // A plain string, not a store path with context: the earlier output is an optimisation, not an
      // input. As a dependency it would keep every earlier output of the batch alive through the
      // .drv chain, and evaluation would fail once it was garbage-collected; as a string nixcc batch
      // simply compiles everything when it is gone.
      out[b.name] = {{"manifest", b.manifest_file},
                     {"sourceFiles", file_set(b.source_files)},
                     {"buildFiles", file_set(b.build_files)},
                     {"previous", b.previous.empty() ? json(nullptr) : json(b.previous)},
                     {"fingerprint", b.fingerprint}};
    }
    return out;
  }

  json objects_of(const Target& target) const {
    json objects = json::array();
    for (const auto& key : target.units) {
      objects.push_back(batch_output(plan_.batch_of_unit.at(key), "/" + plan_.units.at(key)->object));
    }
    return objects;
  }

  // CMake's link libraries, with every artifact of another target replaced by that target's store
  // output, and build-tree rpaths replaced by the outputs of the shared libraries linked.
  std::vector<json> libraries_of(const Target& target) const {
    std::vector<json> out;
    std::vector<json> rpaths;
    for (const auto& fragment : target.link_libraries) {
      if (fragment.starts_with("-Wl,-rpath,")) continue;
      const Target* dep = nullptr;
      for (const auto& name : target.dependencies) {
        const auto it = targets_by_name_.find(name);
        if (it == targets_by_name_.end() || it->second->artifact.empty()) continue;
        if (names_artifact(fragment, it->second->artifact)) dep = it->second;
      }
      if (!dep) {
        out.emplace_back(fragment);
        continue;
      }
      out.push_back(target_output(dep->name, "/lib/" + dep->name_on_disk));
      if (dep->kind == TargetKind::SharedLibrary || dep->kind == TargetKind::ModuleLibrary) {
        rpaths.push_back(target_output(dep->name, "/lib", "-Wl,-rpath,"));
      }
    }
    out.insert(out.end(), rpaths.begin(), rpaths.end());
    return out;
  }

  // Whether a link fragment names `artifact` (relative to the build directory), or a versioned file of
  // it: CMake links libjson-c.so.5.2.0 while the File API's artifact is the namelink libjson-c.so.
  bool names_artifact(const std::string& fragment, const std::string& artifact) const {
    std::string name = fragment;
    if (const auto in_build = plan_name(project_, std::filesystem::path(fragment)); in_build.starts_with(kBuildPrefix)) {
      name = in_build.substr(kBuildPrefix.size());
    }
    return name == artifact || (artifact.find(".so") != std::string::npos && name.starts_with(artifact + "."));
  }

  std::string linker(const Target& target) const {
    const std::string name = target.link_compiler.empty() ? "c++" : target.link_compiler;
    const bool is_c = name.ends_with("cc") || name.ends_with("gcc") || name.ends_with("clang");
    return tool(name, is_c ? "cc" : "c++", plan_.toolchain);
  }

  json targets() const {
    json out = json::object();
    for (const auto& t : project_.targets) {
      if (t.kind == TargetKind::ObjectLibrary || t.units.empty()) continue;
      const json objects = objects_of(t);
      if (t.kind == TargetKind::StaticLibrary) {
        out[t.name] = {{"archive", {{"name", derivation_name(t.name)},
                                    {"ar", tool(project_.archiver, "ar", plan_.toolchain)},
                                    {"ranlib", tool(project_.ranlib, "ranlib", plan_.toolchain)},
                                    {"file", t.name_on_disk},
                                    {"objects", objects}}}};
        continue;
      }
      const bool executable = t.kind == TargetKind::Executable;
      const std::string subdir = executable ? "bin" : "lib";
      json command = json::array({linker(t)});
      for (const auto& f : t.link_flags) command.push_back(f);
      if (!executable) command.push_back("-shared");
      if (t.kind == TargetKind::SharedLibrary) command.push_back("-Wl,-soname," + t.name_on_disk);
      for (const auto& o : objects) command.push_back(o);
      command.push_back("-o");
      command.push_back({{"out", "/" + subdir + "/" + t.name_on_disk}});
      for (auto& lib : libraries_of(t)) command.push_back(std::move(lib));
      out[t.name] = {{"link", {{"name", derivation_name(t.name)}, {"subdir", subdir}, {"command", std::move(command)}}}};
    }
    return out;
  }

  json collect() const {
    json entries = json::array();
    auto add = [&](const std::string& kind, const std::string& name, json path) {
      entries.push_back(kind);
      entries.push_back(name);
      entries.push_back(std::move(path));
    };
    for (const auto& t : project_.targets) {
      if (t.kind == TargetKind::ObjectLibrary || t.units.empty()) continue;
      const std::string subdir = t.kind == TargetKind::Executable ? "bin" : "lib";
      add(subdir, t.name_on_disk, target_output(t.name, "/" + subdir + "/" + t.name_on_disk));
    }
    for (const auto& b : plan_.batches) add("batch", b.name, batch_output(b.name, ""));
    add("timings", "timings.sqlite", {{"timings", "/timings.sqlite"}});
    const std::string project_name = project_.cache.count("CMAKE_PROJECT_NAME") ? project_.cache.at("CMAKE_PROJECT_NAME") : "plan";
    return {{"name", derivation_name("nixcc-" + project_name)}, {"entries", std::move(entries)}};
  }

  const NixPlan& plan_;
  const Project& project_;
  std::map<std::string, const Target*> targets_by_name_;
};

}  // namespace

std::string render_plan_json(const NixPlan& plan) { return Writer(plan).render(); }

std::string manifest_compiler(const PlannedUnit& unit, Toolchain toolchain) {
  if (toolchain == Toolchain::Host) return unit.compiler.string();
  return unit.unit->language == "C" ? "cc" : "c++";
}

}  // namespace nixcc::plan
