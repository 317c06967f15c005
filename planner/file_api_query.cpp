#include "planner/file_api_query.h"

#include <algorithm>
#include <fstream>
#include <vector>

#include <fmt/format.h>

#include "util/file_io.h"
#include "util/paths.h"

namespace nixcc::plan {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kClient = "client-nixcc";
// cmakeFiles-v1 only tells whether the reply is current; the others describe the project.
constexpr const char* kQueries[] = {"codemodel-v2", "cache-v2", "toolchains-v1", "cmakeFiles-v1"};

bool newer(const fs::path& file, fs::file_time_type than) {
  std::error_code ec;
  const auto written = fs::last_write_time(file, ec);
  return !ec && written > than;
}

}  // namespace

json read_json_file(const fs::path& file) {
  const std::string text = read_file_or_throw(file);
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    throw std::runtime_error(fmt::format("{}: not valid JSON: {}", file.string(), e.what()));
  }
}

void write_file_api_query(const fs::path& build_dir) {
  const fs::path dir = build_dir / ".cmake" / "api" / "v1" / "query" / kClient;
  fs::create_directories(dir);
  for (const char* query : kQueries) {
    std::ofstream file(dir / query, std::ios::app);
    if (!file) throw std::runtime_error(fmt::format("{}: cannot write the File API query", (dir / query).string()));
  }
}

std::optional<fs::path> FileApiReply::file(const char* kind) const {
  if (!client.is_object() || !client.contains(kind) || !client[kind].contains("jsonFile")) return std::nullopt;
  const auto& name = client[kind]["jsonFile"];
  if (!name.is_string()) throw std::runtime_error(fmt::format("{}: malformed \"jsonFile\" of {}", index_file.string(), kind));
  return dir / name.get<std::string>();
}

std::optional<FileApiReply> find_file_api_reply(const fs::path& build_dir) {
  FileApiReply reply;
  reply.dir = build_dir / ".cmake" / "api" / "v1" / "reply";
  std::vector<fs::path> indexes;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(reply.dir, ec)) {
    if (entry.path().filename().string().starts_with("index-")) indexes.push_back(entry.path());
  }
  if (indexes.empty()) return std::nullopt;
  reply.index_file = *std::max_element(indexes.begin(), indexes.end());  // names sort by time
  const json index = read_json_file(reply.index_file);
  if (!index.is_object() || !index.contains("reply") || !index["reply"].is_object() || !index["reply"].contains(kClient)) {
    return std::nullopt;
  }
  reply.client = index["reply"][kClient];
  if (!reply.file("codemodel-v2")) return std::nullopt;
  return reply;
}

std::optional<fs::path> input_newer_than(const FileApiReply& reply, const fs::path& build_dir) {
  std::error_code ec;
  const auto written = fs::last_write_time(reply.index_file, ec);
  if (ec) return std::nullopt;
  if (const fs::path cache = build_dir / "CMakeCache.txt"; newer(cache, written)) return cache;
  const auto listing = reply.file("cmakeFiles-v1");
  if (!listing) return std::nullopt;
  const json files = read_json_file(*listing);
  try {
    const fs::path source_dir = files.at("paths").at("source").get<std::string>();
    for (const auto& input : files.at("inputs")) {
      if (input.value("isCMake", false) || input.value("isGenerated", false)) continue;
      const fs::path path = absolute_from(source_dir, input.at("path").get<std::string>());
      if (newer(path, written)) return path;
    }
  } catch (const json::exception& e) {
    throw std::runtime_error(fmt::format("{}: not a cmakeFiles reply: {}", listing->string(), e.what()));
  }
  return std::nullopt;
}

}  // namespace nixcc::plan
