#pragma once
// The host paths a host-mode plan's derivations use, declared so that Nix's sandbox can hold them:
// the compilers and what they run (asked of the compilers, core/host_toolchain.h), the archiver, the
// builders' shell and utilities, the compilers' own include folders, and the headers and libraries
// the project names by absolute path. They become the `extra-sandbox-paths` line nixcc-plan prints
// and the list every derivation checks before it starts (batch/host_builder.h).

#include <set>
#include <string>
#include <vector>

#include "planner/project.h"
#include "planner/unit_inputs.h"

namespace nixcc::plan {

/// The programs derivations run: compilers (asked what they run in turn) and other programs.
struct HostTools {
  std::set<std::string> compilers;
  std::set<std::string> programs;
};

/// The builders' shell and utilities, the units' and link steps' compilers, the archiver and ranlib.
HostTools host_tools_of(const Project& project, const std::vector<PlannedUnit>& units);

/// Changes when any of the tools (as found on PATH now) changes: the key of the cached answer.
std::string host_tools_identity(const HostTools& tools);

struct HostToolAnswer {
  std::vector<std::string> entries;      // sandbox entries of the tools and everything they run and load
  std::vector<std::string> executables;  // every program among them (cc1plus, as, ld, the loader, ...)
};

/// Asks the tools. Throws std::runtime_error naming a tool that cannot be found or asked.
HostToolAnswer ask_host_tools(const HostTools& tools);

/// Changes when any of `executables` changes (path, size, time of what it resolves to): derivations
/// carry it, so that an upgraded compiler, assembler or linker rebuilds what it made.
std::string toolchain_identity(const std::vector<std::string>& executables);

/// `tool_entries` with the compilers' own include folders and every absolute header, source, library
/// and library folder the project names outside its source and build trees: sorted, nested ones left out.
std::vector<std::string> declared_host_paths(const std::set<std::string>& tool_entries, const Project& project,
                                             const std::vector<PlannedUnit>& units);

/// Which of `paths` nix.conf cannot name (whitespace or '=' in them).
std::vector<std::string> unnameable_in_nix_conf(const std::vector<std::string>& paths);

/// "extra-sandbox-paths = a b c", leaving out what nix.conf cannot name.
std::string sandbox_paths_line(const std::vector<std::string>& paths);

}  // namespace nixcc::plan
