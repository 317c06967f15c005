#include "core/batch_manifest.h"

#include <cmath>
#include <set>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/input_hash.h"
#include "util/file_io.h"

namespace nixcc {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class ManifestError : public std::runtime_error {
 public:
  ManifestError(const fs::path& file, const std::string& what)
      : std::runtime_error(fmt::format("{}: {}", file.string(), what)) {}
};

std::string require_string(const fs::path& file, const json& obj, const std::string& key, const std::string& where) {
  const auto it = obj.find(key);
  if (it == obj.end()) throw ManifestError(file, fmt::format("{}: missing \"{}\"", where, key));
  if (!it->is_string()) throw ManifestError(file, fmt::format("{}.{}: must be a string", where, key));
  return it->get<std::string>();
}

std::string optional_string(const fs::path& file, const json& obj, const std::string& key, const std::string& where,
                            std::string fallback) {
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return fallback;
  if (!it->is_string()) throw ManifestError(file, fmt::format("{}.{}: must be a string", where, key));
  return it->get<std::string>();
}

// A path inside the source root or the output directory: relative and never climbing out.
void require_inside(const fs::path& file, const std::string& path, const std::string& where, bool allow_empty) {
  if (path.empty() && allow_empty) return;
  const fs::path p(path);
  if (path.empty() || p.is_absolute()) {
    throw ManifestError(file, fmt::format("{}: \"{}\" must be a relative path", where, path));
  }
  for (const auto& part : p.lexically_normal()) {
    if (part == "..") throw ManifestError(file, fmt::format("{}: \"{}\" climbs out with ..", where, path));
  }
}

}  // namespace

std::string default_object_for(const std::string& source) { return source + ".o"; }

std::string under_source_root(std::string_view part) { return fmt::format("{}/{}", kSourceRootPlaceholder, part); }

std::string substitute_source_root(std::string_view text, std::string_view root) {
  std::string out;
  std::size_t pos = 0;
  for (std::size_t found; (found = text.find(kSourceRootPlaceholder, pos)) != std::string_view::npos;
       pos = found + kSourceRootPlaceholder.size()) {
    out.append(text, pos, found - pos);
    out.append(root);
  }
  out.append(text, pos);
  return out;
}

HashHex unit_arguments_hash(std::span<const std::string> manifest_arguments) {
  std::vector<std::string> hashed(manifest_arguments.begin(), manifest_arguments.end());
  hashed.push_back("-c");
  return hash_arguments(hashed);
}

std::string batch_manifest_text(const BatchManifest& manifest) {
  json doc = {{"format", kManifestFormat},
              {"version", kManifestVersion},
              {"name", manifest.name},
              {"source_root", manifest.source_root.string()}};
  if (!manifest.compiler.empty()) doc["compiler"] = manifest.compiler;
  if (manifest.source_dir != ".") doc["source_dir"] = manifest.source_dir;
  if (!manifest.build_dir.empty()) doc["build_dir"] = manifest.build_dir;
  if (!manifest.system_dirs.empty()) doc["system_dirs"] = manifest.system_dirs;
  json units = json::array();
  for (const auto& u : manifest.units) {
    json entry = {{"source", u.source}, {"object", u.object}, {"directory", u.directory}};
    if (u.compiler != manifest.compiler) entry["compiler"] = u.compiler;
    entry["arguments"] = u.arguments;
    if (u.inputs) entry["inputs"] = *u.inputs;
    if (!u.absolute_includes.empty()) {
      json roots = json::object();
      for (const auto& [host, part] : u.absolute_includes) roots[host] = part;
      entry["absolute_includes"] = std::move(roots);
    }
    if (u.cost) entry["cost"] = std::round(*u.cost * 1000.0) / 1000.0;
    units.push_back(std::move(entry));
  }
  doc["units"] = std::move(units);
  return doc.dump(1) + "\n";
}

HashHex batch_fingerprint(const BatchManifest& manifest, std::span<const HashHex> input_hashes) {
  if (input_hashes.size() != manifest.units.size()) {
    throw std::logic_error("batch_fingerprint: one input hash per unit");
  }
  Hasher h;
  h.add_field("nixcc-batch-fingerprint-5").add_field(kManifestFormat).add_field(std::to_string(kManifestVersion));
  h.add_field(manifest.name).add_field(manifest.source_root.string()).add_field(manifest.compiler);
  h.add_field(manifest.source_dir).add_field(manifest.build_dir);
  h.add_field(std::to_string(manifest.system_dirs.size()));
  for (const auto& d : manifest.system_dirs) h.add_field(d);
  for (std::size_t i = 0; i < manifest.units.size(); ++i) {
    const auto& u = manifest.units[i];
    h.add_field(u.source).add_field(u.object).add_field(u.directory).add_field(u.compiler);
    h.add_field(std::to_string(u.arguments.size()));
    for (const auto& a : u.arguments) h.add_field(a);
    h.add_field(std::to_string(u.absolute_includes.size()));
    for (const auto& [host, part] : u.absolute_includes) h.add_field(host).add_field(part);
    h.add_field(u.inputs ? std::to_string(u.inputs->size()) : "-");
    if (u.inputs) {
      for (const auto& i : *u.inputs) h.add_field(i);
    }
    h.add_field(input_hashes[i]);
  }
  return h.hex();
}

std::string rewrite_absolute_includes(std::string_view text, const std::vector<std::pair<std::string, std::string>>& roots,
                                      const std::string& root) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const auto end = text.find('\n');
    std::string_view line = text.substr(0, end == std::string_view::npos ? text.size() : end + 1);
    text.remove_prefix(line.size());
    // '#', optional blanks, "include", blanks, then the quoted path.
    std::size_t i = line.find_first_not_of(" \t");
    bool rewritten = false;
    if (i != std::string_view::npos && line[i] == '#') {
      i = line.find_first_not_of(" \t", i + 1);
      if (i != std::string_view::npos && line.substr(i).starts_with("include")) {
        i = line.find_first_not_of(" \t", i + 7);
        if (i != std::string_view::npos && line[i] == '"') {
          const std::string_view path = line.substr(i + 1);
          const std::pair<std::string, std::string>* best = nullptr;  // the longest folder: b/ often lies in s/
          for (const auto& r : roots) {
            const auto& host = r.first;
            if (path.starts_with(host) && path.size() > host.size() && path[host.size()] == '/' &&
                (!best || host.size() > best->first.size())) {
              best = &r;
            }
          }
          if (best) {
            out.append(line.substr(0, i + 1));
            out += fmt::format("{}/{}", root, best->second);
            out.append(path.substr(best->first.size()));
            rewritten = true;
          }
        }
      }
    }
    if (!rewritten) out.append(line);
  }
  return out;
}

BatchManifest read_batch_manifest(const fs::path& path) {
  const auto text = read_file(path);
  if (!text) throw ManifestError(path, "cannot read manifest");
  json doc;
  try {
    doc = json::parse(*text);
  } catch (const json::parse_error& e) {
    throw ManifestError(path, fmt::format("not valid JSON: {}", e.what()));
  }
  if (!doc.is_object()) throw ManifestError(path, "must be a JSON object");
  if (require_string(path, doc, "format", "manifest") != kManifestFormat) {
    throw ManifestError(path, fmt::format("format must be \"{}\"", kManifestFormat));
  }
  const auto version = doc.find("version");
  if (version == doc.end() || !version->is_number_integer() || version->get<int>() != kManifestVersion) {
    throw ManifestError(path, fmt::format("version must be {}", kManifestVersion));
  }

  BatchManifest manifest;
  manifest.name = optional_string(path, doc, "name", "manifest", path.stem().string());
  manifest.compiler = optional_string(path, doc, "compiler", "manifest", "");
  fs::path root = require_string(path, doc, "source_root", "manifest");
  if (root.empty()) throw ManifestError(path, "source_root must not be empty");
  if (root.is_relative()) root = fs::absolute(path).parent_path() / root;
  manifest.source_root = root.lexically_normal();
  if (manifest.source_root.has_filename() == false && manifest.source_root != manifest.source_root.root_path()) {
    manifest.source_root = manifest.source_root.parent_path();  // drop a trailing slash
  }

  // Folders of the tree: relative, never climbing out, lexically normal (paths are compared with them).
  const auto tree_folder = [&](const std::string& key, std::string fallback) {
    const std::string value = optional_string(path, doc, key, "manifest", fallback);
    require_inside(path, value, key, false);
    std::string normal = fs::path(value).lexically_normal().string();
    while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
    return normal;
  };
  manifest.source_dir = tree_folder("source_dir", ".");
  if (doc.contains("build_dir")) manifest.build_dir = tree_folder("build_dir", "");

  if (const auto dirs = doc.find("system_dirs"); dirs != doc.end() && !dirs->is_null()) {
    if (!dirs->is_array()) throw ManifestError(path, "system_dirs: must be an array");
    for (const auto& d : *dirs) {
      if (!d.is_string() || !fs::path(d.get<std::string>()).is_absolute()) {
        throw ManifestError(path, "system_dirs: every item must be an absolute path");
      }
      manifest.system_dirs.push_back(d.get<std::string>());
    }
  }

  const auto units = doc.find("units");
  if (units == doc.end() || !units->is_array()) throw ManifestError(path, "\"units\" must be an array");
  std::set<std::string> objects;
  for (std::size_t i = 0; i < units->size(); ++i) {
    const json& u = (*units)[i];
    const std::string where = fmt::format("units[{}]", i);
    if (!u.is_object()) throw ManifestError(path, fmt::format("{}: must be an object", where));
    BatchUnit unit;
    unit.source = require_string(path, u, "source", where);
    require_inside(path, unit.source, where + ".source", false);
    unit.object = optional_string(path, u, "object", where, default_object_for(unit.source));
    require_inside(path, unit.object, where + ".object", false);
    if (!objects.insert(fs::path(unit.object).lexically_normal().string()).second) {
      throw ManifestError(path, fmt::format("{}.object: \"{}\" is produced twice", where, unit.object));
    }
    unit.directory = optional_string(path, u, "directory", where, "");
    require_inside(path, unit.directory, where + ".directory", true);
    unit.compiler = optional_string(path, u, "compiler", where, manifest.compiler);
    if (unit.compiler.empty()) {
      throw ManifestError(path, fmt::format("{}: no compiler (set \"compiler\" on the manifest or the unit)", where));
    }
    if (const auto args = u.find("arguments"); args != u.end()) {
      if (!args->is_array()) throw ManifestError(path, fmt::format("{}.arguments: must be an array", where));
      for (const auto& a : *args) {
        if (!a.is_string()) throw ManifestError(path, fmt::format("{}.arguments: every item must be a string", where));
        unit.arguments.push_back(a.get<std::string>());
      }
    }
    if (const auto inputs = u.find("inputs"); inputs != u.end() && !inputs->is_null()) {
      if (!inputs->is_array()) throw ManifestError(path, fmt::format("{}.inputs: must be an array", where));
      unit.inputs.emplace();
      for (const auto& item : *inputs) {
        if (!item.is_string()) throw ManifestError(path, fmt::format("{}.inputs: every item must be a string", where));
        const auto input = item.get<std::string>();
        if (!fs::path(input).is_absolute()) require_inside(path, input, where + ".inputs", false);
        unit.inputs->push_back(input);
      }
    }
    if (const auto roots = u.find("absolute_includes"); roots != u.end() && !roots->is_null()) {
      if (!roots->is_object()) throw ManifestError(path, fmt::format("{}.absolute_includes: must be an object", where));
      for (const auto& [host, part] : roots->items()) {
        if (!fs::path(host).is_absolute() || !part.is_string() || (part != "s" && part != "b")) {
          throw ManifestError(path, fmt::format("{}.absolute_includes: \"{}\" must be an absolute folder mapped to \"s\" or \"b\"",
                                                where, host));
        }
        unit.absolute_includes.emplace_back(host, part.get<std::string>());
      }
    }
    if (const auto cost = u.find("cost"); cost != u.end() && !cost->is_null()) {
      if (!cost->is_number() || cost->get<double>() < 0) {
        throw ManifestError(path, fmt::format("{}.cost: must be a number of seconds >= 0", where));
      }
      unit.cost = cost->get<double>();
    }
    manifest.units.push_back(std::move(unit));
  }
  return manifest;
}

}  // namespace nixcc
