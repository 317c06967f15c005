#include "planner/store_import.h"

#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "planner/nix_writer.h"
#include "util/child_process.h"
#include "util/scratch_dir.h"

namespace nixcc::plan {

namespace fs = std::filesystem;
using nix::Value;

std::string store_import_expression(const std::vector<StoreImport>& imports) {
  Value::List paths;
  for (const auto& i : imports) {
    paths.push_back(Value::apply(Value::select(Value::ref("builtins"), {"path"}),
                                 Value::attrs({{"path", Value::absolute_path(i.path.string())},
                                               {"name", Value::string(nix::store_name(i.name))}})));
  }
  return Value::list(std::move(paths)).render();
}

std::vector<std::string> import_into_store(const std::vector<StoreImport>& imports) {
  if (imports.empty()) return {};
  const auto first = imports.front().path.string();
  const auto nix = find_executable("nix-instantiate");
  if (!nix) throw std::runtime_error(fmt::format("{}: cannot add it to the Nix store: nix-instantiate: command not found", first));
  const auto run = run_captured(*nix, {"--read-write-mode", "--eval", "--strict", "--json", "--expr",
                                       store_import_expression(imports)});
  if (run.exit_status != 0) {
    std::string why = run.err;
    while (!why.empty() && why.back() == '\n') why.pop_back();
    if (const auto line = why.rfind('\n'); line != std::string::npos) why = why.substr(line + 1);
    throw std::runtime_error(fmt::format("{}{}: cannot add to the Nix store: {}", first,
                                         imports.size() > 1 ? fmt::format(" (and {} more)", imports.size() - 1) : "", why));
  }
  const auto paths = nlohmann::json::parse(run.out, nullptr, false);
  if (!paths.is_array() || paths.size() != imports.size()) {
    throw std::runtime_error(fmt::format("{}: nix-instantiate gave no store path for it: {}", first, run.out));
  }
  std::vector<std::string> out;
  for (const auto& p : paths) out.push_back(p.get<std::string>());
  return out;
}

std::string import_nixcc(const fs::path& binary) {
  ScratchDir scratch("nixcc-import-");
  fs::path copy = binary;
  if (const auto strip = find_executable("strip")) {
    const fs::path stripped = scratch.path() / "nixcc";
    if (run_captured(*strip, {"--strip-debug", "-o", stripped.string(), binary.string()}).exit_status == 0) copy = stripped;
  }
  return import_into_store({{copy, "nixcc"}}).front();
}

void keep_in_store(const fs::path& roots, const std::map<std::string, std::string>& wanted) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(roots, ec)) {
    if (!wanted.count(entry.path().filename().string())) fs::remove(entry.path(), ec);
  }
  fs::create_directories(roots);
  const auto nix_store = find_executable("nix-store");
  for (const auto& [name, store_path] : wanted) {
    const fs::path link = roots / name;
    if (fs::read_symlink(link, ec) == store_path) continue;
    if (!nix_store) throw std::runtime_error(fmt::format("{}: cannot keep it in the Nix store: nix-store: command not found", store_path));
    fs::remove(link, ec);
    const auto run = run_captured(*nix_store, {"--realise", store_path, "--add-root", link.string(), "--indirect"});
    if (run.exit_status != 0) {
      throw std::runtime_error(fmt::format("{}: cannot make it a garbage-collector root at {}: {}", store_path,
                                           link.string(), run.err.substr(0, run.err.find('\n'))));
    }
  }
}

std::string file_identity(const fs::path& file) {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (ec) return "";
  const auto mtime = fs::last_write_time(file, ec);
  if (ec) return "";
  return fmt::format("{}:{}:{}", file.string(), size, mtime.time_since_epoch().count());
}

}  // namespace nixcc::plan
