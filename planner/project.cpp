#include "project.h"

#include "paths.h"

namespace nixcc::plan {

namespace fs = std::filesystem;

const char* to_string(TargetKind kind) {
  switch (kind) {
    case TargetKind::Executable: return "executable";
    case TargetKind::StaticLibrary: return "static-library";
    case TargetKind::SharedLibrary: return "shared-library";
    case TargetKind::ModuleLibrary: return "module-library";
    case TargetKind::ObjectLibrary: return "object-library";
  }
  return "unknown";
}

std::string plan_name(const Project& project, const fs::path& absolute) {
  const auto under = [&](const fs::path& root) -> std::optional<std::string> {
    const fs::path rel = absolute.lexically_relative(root);
    if (rel.empty() || rel == "." || *rel.begin() == "..") return std::nullopt;
    return rel.string();
  };
  if (auto rel = under(project.build_dir)) return std::string(kBuildPrefix) + *rel;
  if (auto rel = under(project.source_dir)) return std::string(kSourcePrefix) + *rel;
  return "";
}

std::string unit_key(const std::string& target, const std::string& source_plan_name) {
  return target.empty() ? source_plan_name : target + "/" + source_plan_name;
}

}  // namespace nixcc::plan
