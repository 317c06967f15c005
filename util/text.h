#pragma once
#include <cstddef>
#include <string_view>

namespace nixcc {

/// The Levenshtein distance: single-character insertions, deletions and substitutions turning `a`
/// into `b`. For telling a mistyped command from a program name.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// Whether `typed` reads as a mistyped `word`: at most one edit away for names of up to 3
/// characters, two for longer ones ("stat" for "stats", "reprot" for "report").
bool looks_like_typo_of(std::string_view typed, std::string_view word);

}  // namespace nixcc
