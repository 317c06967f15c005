#include "plan_state.h"

#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace nixcc::plan {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {
constexpr const char* kFormat = "nixcc-plan-state";
constexpr int kVersion = 1;
}  // namespace

Partition PlanState::partition() const {
  Partition p;
  for (const auto& [name, batch] : batches) p[name] = batch.units;
  return p;
}

std::optional<PlanState> read_plan_state(const fs::path& plan_dir) {
  const fs::path file = plan_dir / kStateFile;
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  try {
    const json doc = json::parse(in);
    if (doc.at("format") != kFormat || doc.at("version") != kVersion) {
      throw std::runtime_error(fmt::format("not a {} version {} file", kFormat, kVersion));
    }
    PlanState state;
    state.mode = doc.at("mode").get<std::string>();
    state.batch_count = doc.at("batch_count").get<int>();
    for (const auto& [name, b] : doc.at("batches").items()) {
      BatchState batch;
      batch.units = b.at("units").get<std::vector<std::string>>();
      batch.fingerprint = b.at("fingerprint").get<std::string>();
      batch.manifest = b.at("manifest").get<std::string>();
      batch.previous = b.at("previous").get<std::string>();
      state.batches.emplace(name, std::move(batch));
    }
    return state;
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("{}: unreadable plan state ({}); delete it to plan afresh", file.string(), e.what()));
  }
}

void write_plan_state(const fs::path& plan_dir, const PlanState& state) {
  json doc = {{"format", kFormat}, {"version", kVersion}, {"mode", state.mode}, {"batch_count", state.batch_count},
              {"batches", json::object()}};
  for (const auto& [name, b] : state.batches) {
    doc["batches"][name] = {{"units", b.units}, {"fingerprint", b.fingerprint}, {"manifest", b.manifest},
                            {"previous", b.previous}};
  }
  const fs::path file = plan_dir / kStateFile;
  const fs::path tmp = plan_dir / (std::string(kStateFile) + ".tmp");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << doc.dump(1) << "\n";
    if (!out) throw std::runtime_error(fmt::format("{}: cannot write", tmp.string()));
  }
  fs::rename(tmp, file);
}

}  // namespace nixcc::plan
