#include <catch2/catch.hpp>

#include "query/output_format.h"

using nixcc::Table;

TEST_CASE("a table's number columns align right, headings included", "[output_format]") {
  const Table table{{"wall s", "source"}, {{"0.5", "a.cpp"}, {"12.25", "bb.cpp"}}, {true, false}};
  CHECK(nixcc::render_table(table) ==
        "wall s  source\n"
        "   0.5  a.cpp\n"
        " 12.25  bb.cpp\n");
}

TEST_CASE("a table's text columns pad to their widest cell, the last one not at all", "[output_format]") {
  const Table table{{"dir", "n", "note"}, {{"src", "3", "x"}, {"a", "10", "longer note"}}, {false, true, false}};
  CHECK(nixcc::render_table(table) ==
        "dir   n  note\n"
        "src   3  x\n"
        "a    10  longer note\n");
}

TEST_CASE("names beyond ASCII take one column per character", "[output_format]") {
  CHECK(nixcc::display_width("na\xc3\xa9.cpp") == 7);  // "naé.cpp"
  CHECK(nixcc::display_width("") == 0);
  const Table table{{"source", "s"}, {{"na\xc3\xa9.cpp", "1.0"}, {"abc.cpp", "2.0"}}, {false, true}};
  CHECK(nixcc::render_table(table) ==
        "source     s\n"
        "na\xc3\xa9.cpp  1.0\n"
        "abc.cpp  2.0\n");
}

TEST_CASE("CSV quotes what needs quoting, and only that", "[output_format]") {
  const Table table{{"a", "b"}, {{"plain", "with,comma"}, {"say \"hi\"", "two\nlines"}}, {}};
  CHECK(nixcc::render_csv(table) ==
        "a,b\n"
        "plain,\"with,comma\"\n"
        "\"say \"\"hi\"\"\",\"two\nlines\"\n");
}

TEST_CASE("seconds to the millisecond, sizes in the largest unit that fits", "[output_format]") {
  CHECK(nixcc::format_seconds(1.23456) == "1.235");
  CHECK(nixcc::format_seconds(0) == "0.000");
  CHECK(nixcc::format_kib(512) == "512 KiB");
  CHECK(nixcc::format_kib(1536) == "1.5 MiB");
  CHECK(nixcc::format_kib(3 * 1024 * 1024) == "3.0 GiB");
}
