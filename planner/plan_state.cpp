#include "planner/plan_state.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/file_io.h"
#include "core/hash.h"

namespace nixcc::plan {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {
constexpr const char* kFormat = "nixcc-plan-state";
constexpr int kVersion = 3;  // 1 kept the manifest's whole text instead of its hash; 2 had no cached answers

CachedAnswer read_cached(const json& doc, const char* name) {
  if (!doc.contains(name)) return {};
  return {doc.at(name).at("key").get<std::string>(), doc.at(name).at("values").get<std::vector<std::string>>()};
}
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
  try {
    const json doc = json::parse(read_file_or_throw(file));
    const int version = doc.at("format") == kFormat ? doc.at("version").get<int>() : 0;
    if (version < 1 || version > kVersion) {
      throw std::runtime_error(fmt::format("not a {} file of version 1 to {}", kFormat, kVersion));
    }
    PlanState state;
    state.mode = doc.at("mode").get<std::string>();
    state.batch_count = doc.at("batch_count").get<int>();
    for (const auto& [name, b] : doc.at("batches").items()) {
      BatchState batch;
      batch.units = b.at("units").get<std::vector<std::string>>();
      batch.fingerprint = b.at("fingerprint").get<std::string>();
      batch.manifest_hash = version == 1 ? hash_string(b.at("manifest").get<std::string>())
                                         : b.at("manifest_hash").get<std::string>();
      batch.previous = b.at("previous").get<std::string>();
      state.batches.emplace(name, std::move(batch));
    }
    state.latest_batches = doc.value("latest_batches", std::vector<std::string>{});
    state.nixcc_in_store = read_cached(doc, "nixcc_in_store");
    state.host_tools = read_cached(doc, "host_tools");
    state.host_programs = read_cached(doc, "host_programs");
    return state;
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("{}: unreadable plan state ({}); delete it to plan afresh", file.string(), e.what()));
  }
}

void write_plan_state(const fs::path& plan_dir, const PlanState& state) {
  json doc = {{"format", kFormat}, {"version", kVersion}, {"mode", state.mode}, {"batch_count", state.batch_count},
              {"batches", json::object()}};
  for (const auto& [name, b] : state.batches) {
    doc["batches"][name] = {{"units", b.units}, {"fingerprint", b.fingerprint}, {"manifest_hash", b.manifest_hash},
                            {"previous", b.previous}};
  }
  doc["latest_batches"] = state.latest_batches;
  doc["nixcc_in_store"] = {{"key", state.nixcc_in_store.key}, {"values", state.nixcc_in_store.values}};
  doc["host_tools"] = {{"key", state.host_tools.key}, {"values", state.host_tools.values}};
  doc["host_programs"] = {{"key", state.host_programs.key}, {"values", state.host_programs.values}};
  write_file_atomically(plan_dir / kStateFile, doc.dump(1) + "\n");
}

}  // namespace nixcc::plan
