#include "planner/project.h"

#include "core/frame.h"
#include "util/paths.h"

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
  return frame_name(absolute, project.source_dir, project.build_dir);
}

std::string unit_key(const std::string& target, const std::string& source_plan_name) {
  return target.empty() ? source_plan_name : target + "/" + source_plan_name;
}

}  // namespace nixcc::plan
