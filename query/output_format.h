#pragma once
// Shared rendering for query commands: aligned tables for a terminal, CSV for spreadsheets.

#include <string>
#include <string_view>
#include <vector>

namespace nixcc {

enum class OutputFormat { Table, Json, Csv };

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<bool> right_align;  // per column; numbers read best right-aligned
};

/// Columns padded to their widest cell, two spaces apart; a right-aligned column's heading is too.
std::string render_table(const Table& table);
/// Columns `text` takes in a terminal: its UTF-8 code points.
std::size_t display_width(std::string_view text);
/// RFC 4180: fields with a comma, quote or newline are quoted, quotes doubled.
std::string render_csv(const Table& table);

std::string format_seconds(double seconds);
std::string format_kib(long long kib);

}  // namespace nixcc
