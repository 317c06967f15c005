#pragma once
// Option checks, for nixcc and nixcc-plan alike, whose failures read as one plain line. CLI11's own spell out ranges up to DBL_MAX
// ("Value -1 not in range 0.000000 to 179769313486231570814527...") or their internals ("Check xml
// value in {csv->2,json->1,table->0} OR {2,1,0} FAILED").

#include <cctype>
#include <map>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace nixcc {

/// A number >= `minimum` ("must be at least 0").
inline CLI::Validator at_least(double minimum) {
  return CLI::Validator(
      [minimum](std::string& value) -> std::string {
        double number = 0;
        if (!CLI::detail::lexical_cast(value, number)) return fmt::format("{} is not a number", value);
        return number >= minimum ? "" : fmt::format("{} is too small: must be at least {}", value, minimum);
      },
      fmt::format(">= {}", minimum));
}

/// A number > `bound` ("must be greater than 0").
inline CLI::Validator greater_than(double bound) {
  return CLI::Validator(
      [bound](std::string& value) -> std::string {
        double number = 0;
        if (!CLI::detail::lexical_cast(value, number)) return fmt::format("{} is not a number", value);
        return number > bound ? "" : fmt::format("{} is too small: must be greater than {}", value, bound);
      },
      fmt::format("> {}", bound));
}

/// One of `choices`, case-insensitively, turned into its value for the option's enum.
template <typename Enum>
CLI::Validator one_of(const std::map<std::string, Enum>& choices) {
  std::string names;
  for (const auto& [name, value] : choices) names += (names.empty() ? "" : ", ") + name;
  return CLI::Validator(
      [choices, names](std::string& value) -> std::string {
        std::string lower = value;
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        const auto it = choices.find(lower);
        if (it == choices.end()) return fmt::format("'{}' is not one of {}", value, names);
        value = std::to_string(static_cast<int>(it->second));
        return "";
      },
      names);
}

}  // namespace nixcc
