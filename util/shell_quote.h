#pragma once
// Command lines printed for a person to copy into a shell (a failed compile's command).

#include <span>
#include <string>
#include <string_view>

namespace nixcc {

/// `word` as one POSIX shell word: unchanged when it holds only characters no shell treats
/// specially, else in single quotes (a single quote inside becomes '\'').
std::string shell_quote(std::string_view word);

/// The words quoted and joined by spaces.
std::string shell_join(std::span<const std::string> words);

}  // namespace nixcc
