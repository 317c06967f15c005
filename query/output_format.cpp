#include "query/output_format.h"

#include <algorithm>

#include <fmt/format.h>

namespace nixcc {

std::size_t display_width(std::string_view text) {
  // Code points: a UTF-8 continuation byte (10xxxxxx) adds no column.
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string render_table(const Table& table) {
  std::vector<std::size_t> width(table.header.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size() && i < width.size(); ++i) width[i] = std::max(width[i], display_width(row[i]));
  };
  measure(table.header);
  for (const auto& row : table.rows) measure(row);
  std::string out;
  auto emit = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t i = 0; i < row.size() && i < width.size(); ++i) {
      const bool right = i < table.right_align.size() && table.right_align[i];
      const bool last = i + 1 == row.size();
      const std::string padding(width[i] - display_width(row[i]), ' ');
      // The heading of a number column aligns as its numbers do; the last text column is not padded.
      if (right) {
        line += padding + row[i];
      } else {
        line += last ? row[i] : row[i] + padding;
      }
      if (!last) line += "  ";
    }
    out += line + "\n";
  };
  emit(table.header);
  for (const auto& row : table.rows) emit(row);
  return out;
}

std::string render_csv(const Table& table) {
  auto field = [](const std::string& value) {
    if (value.find_first_of(",\"\n\r") == std::string::npos) return value;
    std::string quoted = "\"";
    for (char c : value) {
      if (c == '"') quoted += '"';
      quoted += c;
    }
    return quoted + "\"";
  };
  std::string out;
  auto emit = [&](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size(); ++i) out += (i ? "," : "") + field(row[i]);
    out += "\n";
  };
  emit(table.header);
  for (const auto& row : table.rows) emit(row);
  return out;
}

std::string format_seconds(double seconds) { return fmt::format("{:.3f}", seconds); }

std::string format_kib(long long kib) {
  if (kib >= 1024 * 1024) return fmt::format("{:.1f} GiB", static_cast<double>(kib) / (1024.0 * 1024.0));
  if (kib >= 1024) return fmt::format("{:.1f} MiB", static_cast<double>(kib) / 1024.0);
  return fmt::format("{} KiB", kib);
}

}  // namespace nixcc
