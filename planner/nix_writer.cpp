#include "planner/nix_writer.h"

#include <cctype>

#include <fmt/format.h>

namespace nixcc::nix {

std::string string_literal(std::string_view text) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '$':
        // "${" starts an interpolation; "$${" would too after an escaped "$", so escape every "$"
        // that precedes "{".
        out += (i + 1 < text.size() && text[i + 1] == '{') ? "\\$" : "$";
        break;
      default: out += c;
    }
  }
  return out + "\"";
}

std::string attr_name(std::string_view name) {
  static constexpr std::string_view kKeywords[] = {"if", "then", "else", "assert", "with", "let", "in", "rec",
                                                   "inherit", "or"};
  bool plain = !name.empty() && (std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_');
  for (char c : name) {
    plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '\'');
  }
  for (auto keyword : kKeywords) plain = plain && name != keyword;
  return plain ? std::string(name) : string_literal(name);
}

std::string attr_path(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto part : parts) out += (out.empty() ? "" : ".") + attr_name(part);
  return out;
}

std::string interpolate(std::string_view prefix, std::string_view expression, std::string_view suffix) {
  // string_literal gives "...": keep the escaped bodies, drop their quotes.
  const std::string head = string_literal(prefix);
  const std::string tail = string_literal(suffix);
  return fmt::format("\"{}${{{}}}{}\"", std::string_view(head).substr(1, head.size() - 2), expression,
                     std::string_view(tail).substr(1, tail.size() - 2));
}

Value Value::string(std::string_view text) { return raw(string_literal(text)); }

Value Value::raw(std::string_view expression) {
  Value v;
  v.node_ = Raw{std::string(expression)};
  return v;
}

Value Value::list(List items) {
  Value v;
  v.node_ = std::make_shared<List>(std::move(items));
  return v;
}

Value Value::attrs(Attrs items) {
  Value v;
  v.node_ = std::make_shared<Attrs>(std::move(items));
  return v;
}

std::string Value::render(int indent) const {
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  const std::string inner(static_cast<std::size_t>(indent + 2), ' ');
  if (const auto* raw = std::get_if<Raw>(&node_)) return raw->text;
  if (const auto* list = std::get_if<std::shared_ptr<List>>(&node_)) {
    if ((*list)->empty()) return "[ ]";
    std::string out = "[\n";
    for (const auto& item : **list) out += fmt::format("{}({})\n", inner, item.render(indent + 2));
    return out + pad + "]";
  }
  const auto& attrs = *std::get<std::shared_ptr<Attrs>>(node_);
  if (attrs.empty()) return "{ }";
  std::string out = "{\n";
  for (const auto& [name, value] : attrs) out += fmt::format("{}{} = {};\n", inner, attr_name(name), value.render(indent + 2));
  return out + pad + "}";
}

}  // namespace nixcc::nix
