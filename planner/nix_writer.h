#pragma once
// Everything the planner writes into Nix goes through here: one function quotes strings, a small
// writer lays out attribute sets, lists and calls. No other file builds Nix text by hand.

#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace nixcc::nix {

/// `text` as a Nix double-quoted string literal: `"`, `\`, `${`, newlines, tabs and carriage returns
/// are escaped; every other byte (UTF-8 included) is kept as it is.
std::string string_literal(std::string_view text);

/// An attribute name: bare when it is a plain identifier, else a string literal.
std::string attr_name(std::string_view name);

/// An attribute path such as batches."f-1a2b": each part through attr_name.
std::string attr_path(std::initializer_list<std::string_view> parts);

/// A string literal holding `prefix`, the value of the trusted Nix expression `expression`, then
/// `suffix`: "prefix${expression}suffix", with prefix and suffix escaped.
std::string interpolate(std::string_view prefix, std::string_view expression, std::string_view suffix);

/// A Nix value under construction.
class Value {
 public:
  using List = std::vector<Value>;
  using Attrs = std::vector<std::pair<std::string, Value>>;  // in the order written

  static Value string(std::string_view text);   // a literal, escaped
  static Value raw(std::string_view expression);  // trusted Nix code written by the planner itself
  static Value boolean(bool b) { return raw(b ? "true" : "false"); }
  static Value null() { return raw("null"); }
  static Value list(List items);
  static Value attrs(Attrs items);

  /// Pretty-printed text, indented by `indent` spaces after each newline.
  std::string render(int indent = 0) const;

 private:
  struct Raw {
    std::string text;
  };
  std::variant<Raw, std::shared_ptr<List>, std::shared_ptr<Attrs>> node_;
};

}  // namespace nixcc::nix
