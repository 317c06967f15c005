#include "planner/nix_writer.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include <fmt/format.h>

namespace nixcc::nix {
namespace {

bool is_identifier(std::string_view name) {
  static constexpr std::string_view kKeywords[] = {"if", "then", "else", "assert", "with", "let", "in", "rec",
                                                   "inherit", "or"};
  bool plain = !name.empty() && (std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_');
  for (char c : name) {
    plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '\'');
  }
  for (auto keyword : kKeywords) plain = plain && name != keyword;
  return plain;
}

std::string identifier(std::string_view name) {
  if (!is_identifier(name)) throw std::logic_error(fmt::format("not a Nix identifier: {}", string_literal(name)));
  return std::string(name);
}

// The body of a string literal, without its quotes.
std::string escaped(std::string_view text) {
  const std::string literal = string_literal(text);
  return literal.substr(1, literal.size() - 2);
}

// Whether `path` ("a/b.json") can follow "./" as a path literal: segments of [A-Za-z0-9._+-].
bool literal_path(std::string_view path) {
  bool segment_empty = true;
  for (char c : path) {
    if (c == '/') {
      if (segment_empty) return false;
      segment_empty = true;
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == '+') {
      segment_empty = false;
    } else {
      return false;
    }
  }
  return !segment_empty;
}

}  // namespace

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

std::string attr_name(std::string_view name) { return is_identifier(name) ? std::string(name) : string_literal(name); }

std::string attr_path(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto part : parts) out += (out.empty() ? "" : ".") + attr_name(part);
  return out;
}

struct Value::Node {
  enum class Kind { Leaf, List, Attrs, Select, Apply, Let, Function, Update, Interpolate };
  Kind kind = Kind::Leaf;
  std::string text;             // Leaf: its text; Select: ".a.b"; Interpolate: the escaped prefix
  std::string suffix;           // Interpolate: the escaped suffix
  bool atomic = true;           // Leaf: usable as an operand without parentheses
  std::vector<Value> operands;  // List: items; Select: base; Apply: function, then arguments;
                                // Update: both sides; Interpolate: the expression; Let, Function: body
  Attrs attrs;                  // Attrs: items; Let: bindings
  std::vector<Formal> formals;  // Function
};

Value Value::of(Node node) { return Value(std::make_shared<const Node>(std::move(node))); }

namespace {

Value::Node leaf(std::string text, bool atomic = true) {
  Value::Node n;
  n.text = std::move(text);
  n.atomic = atomic;
  return n;
}

Value::Node node(Value::Node::Kind kind, std::vector<Value> operands = {}) {
  Value::Node n;
  n.kind = kind;
  n.operands = std::move(operands);
  return n;
}

}  // namespace

Value Value::string(std::string_view text) { return of(leaf(string_literal(text))); }
Value Value::boolean(bool b) { return of(leaf(b ? "true" : "false")); }
Value Value::null() { return of(leaf("null")); }
Value Value::list(List items) { return of(node(Node::Kind::List, std::move(items))); }
Value Value::ref(std::string_view name) { return of(leaf(identifier(name))); }

Value Value::attrs(Attrs items) {
  Node n = node(Node::Kind::Attrs);
  n.attrs = std::move(items);
  return of(std::move(n));
}

Value Value::select(Value base, std::initializer_list<std::string_view> names) {
  Node n = node(Node::Kind::Select, {std::move(base)});
  for (auto name : names) n.text += "." + attr_name(name);
  return of(std::move(n));
}

Value Value::apply(Value function, Value argument) { return apply(std::move(function), {std::move(argument)}); }

Value Value::apply(Value function, std::initializer_list<Value> arguments) {
  List operands{std::move(function)};
  operands.insert(operands.end(), arguments.begin(), arguments.end());
  return of(node(Node::Kind::Apply, std::move(operands)));
}

Value Value::let(Attrs bindings, Value body) {
  for (const auto& [name, value] : bindings) identifier(name);
  Node n = node(Node::Kind::Let, {std::move(body)});
  n.attrs = std::move(bindings);
  return of(std::move(n));
}

Value Value::function(std::vector<Formal> formals, Value body) {
  for (const auto& formal : formals) identifier(formal.name);
  Node n = node(Node::Kind::Function, {std::move(body)});
  n.formals = std::move(formals);
  return of(std::move(n));
}

Value Value::update(Value left, Value right) { return of(node(Node::Kind::Update, {std::move(left), std::move(right)})); }

Value Value::interpolate(std::string_view prefix, Value expression, std::string_view suffix) {
  Node n = node(Node::Kind::Interpolate, {std::move(expression)});
  n.text = escaped(prefix);
  n.suffix = escaped(suffix);
  return of(std::move(n));
}

Value Value::relative_path(std::string_view path) {
  if (path.empty() || path.front() == '/' || path == ".." || path.starts_with("../") || path.ends_with("/..") ||
      path.find("/../") != std::string_view::npos) {
    throw std::logic_error(fmt::format("not a path below the plan: {}", string_literal(path)));
  }
  if (literal_path(path)) return of(leaf(fmt::format("./{}", path)));
  return of(leaf("./. + " + string_literal(fmt::format("/{}", path)), false));
}

std::string store_name(std::string_view name) {
  std::string out;
  for (char c : name) {
    const bool allowed = std::isalnum(static_cast<unsigned char>(c)) || std::string_view("+-._?=").find(c) != std::string_view::npos;
    out += allowed ? c : '_';
  }
  if (out.empty() || out[0] == '.') out.insert(out.begin(), '_');
  return out;
}

Value Value::absolute_path(std::string_view path) { return of(leaf("/. + " + string_literal(path), false)); }

Value Value::search_path(std::string_view name) {
  if (!literal_path(name)) throw std::logic_error(fmt::format("not a search path name: {}", string_literal(name)));
  return of(leaf(fmt::format("<{}>", name)));
}

std::string Value::operand(int indent) const {
  using Kind = Node::Kind;
  const Node& n = *node_;
  const bool atomic = n.kind == Kind::Leaf ? n.atomic
                                           : n.kind == Kind::List || n.kind == Kind::Attrs || n.kind == Kind::Select ||
                                                 n.kind == Kind::Interpolate;
  return atomic ? render(indent) : fmt::format("({})", render(indent));
}

std::string Value::render(int indent) const {
  using Kind = Node::Kind;
  const Node& n = *node_;
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  const std::string inner(static_cast<std::size_t>(indent + 2), ' ');
  const auto bindings = [&](const Attrs& attrs) {
    std::string out;
    for (const auto& [name, value] : attrs) out += fmt::format("{}{} = {};\n", inner, attr_name(name), value.render(indent + 2));
    return out;
  };
  switch (n.kind) {
    case Kind::Leaf: return n.text;
    case Kind::List: {
      if (n.operands.empty()) return "[ ]";
      std::string out = "[\n";
      for (const auto& item : n.operands) out += fmt::format("{}{}\n", inner, item.operand(indent + 2));
      return out + pad + "]";
    }
    case Kind::Attrs: return n.attrs.empty() ? "{ }" : fmt::format("{{\n{}{}}}", bindings(n.attrs), pad);
    case Kind::Select: return n.operands[0].operand(indent) + n.text;
    case Kind::Apply: {
      // Application is left-associative: an application in function position needs no parentheses.
      const Value& function = n.operands[0];
      std::string out = function.node_->kind == Kind::Apply ? function.render(indent) : function.operand(indent);
      for (std::size_t i = 1; i < n.operands.size(); ++i) out += " " + n.operands[i].operand(indent);
      return out;
    }
    case Kind::Let: return fmt::format("let\n{}{}in\n{}{}", bindings(n.attrs), pad, pad, n.operands[0].render(indent));
    case Kind::Function: {
      std::string formals;
      for (const auto& f : n.formals) {
        formals += fmt::format("{}{}{}", formals.empty() ? "" : ", ", f.name,
                               f.fallback ? " ? " + f.fallback->render(indent) : "");
      }
      return fmt::format("{{ {}{}}}:\n{}{}", formals, formals.empty() ? "" : " ", pad, n.operands[0].render(indent));
    }
    case Kind::Update: {
      // An application binds tighter than //.
      const auto side = [&](const Value& v) { return v.node_->kind == Kind::Apply ? v.render(indent) : v.operand(indent); };
      return side(n.operands[0]) + " // " + side(n.operands[1]);
    }
    case Kind::Interpolate: return fmt::format("\"{}${{{}}}{}\"", n.text, n.operands[0].render(indent), n.suffix);
  }
  return "";
}

std::string file_text(std::string_view comment, const Value& value) {
  std::string out;
  for (std::size_t start = 0; start < comment.size();) {
    const auto end = std::min(comment.find('\n', start), comment.size());
    out += fmt::format("# {}\n", comment.substr(start, end - start));
    start = end + 1;
  }
  return out + value.render() + "\n";
}

}  // namespace nixcc::nix
