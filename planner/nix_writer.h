#pragma once
// Everything the planner writes into Nix goes through here: one function quotes strings, and a small
// expression tree (attribute sets, lists, let, functions, application, selection, interpolation)
// renders itself. No other file builds Nix text.

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nixcc::nix {

struct Formal;

/// `text` as a Nix double-quoted string literal: `"`, `\`, `${`, newlines, tabs and carriage returns
/// are escaped; every other byte (UTF-8 included) is kept as it is.
std::string string_literal(std::string_view text);

/// An attribute name: bare when it is a plain identifier, else a string literal.
std::string attr_name(std::string_view name);

/// An attribute path such as batches."f-1a2b": each part through attr_name.
std::string attr_path(std::initializer_list<std::string_view> parts);

/// A Nix expression under construction. Every string in it is escaped by string_literal, every name
/// by attr_name; identifiers and relative paths are checked, so no value can inject Nix code.
/// `name` as a store path name allows it: [A-Za-z0-9+-._?=], others as '_', never a leading dot.
std::string store_name(std::string_view name);

class Value {
 public:
  using List = std::vector<Value>;
  using Attrs = std::vector<std::pair<std::string, Value>>;  // in the order written

  static Value string(std::string_view text);
  static Value boolean(bool b);
  static Value null();
  static Value list(List items);
  static Value attrs(Attrs items);

  /// A variable or builtin in scope (`lib`, `builtins`, `placeholder`); throws std::logic_error unless
  /// `name` is a plain identifier.
  static Value ref(std::string_view name);
  /// `base.a.b`, each name through attr_name.
  static Value select(Value base, std::initializer_list<std::string_view> names);
  /// `function argument`.
  static Value apply(Value function, Value argument);
  /// `function a b ...`.
  static Value apply(Value function, std::initializer_list<Value> arguments);
  /// `let name = value; ... in body`.
  static Value let(Attrs bindings, Value body);
  /// `{ a, b ? fallback }: body`.
  static Value function(std::vector<Formal> formals, Value body);
  /// `left // right`.
  static Value update(Value left, Value right);
  /// "prefix${expression}suffix", prefix and suffix escaped.
  static Value interpolate(std::string_view prefix, Value expression, std::string_view suffix);
  /// A path relative to the file being written (`./batches/b0.json`): a path literal when every
  /// character allows one, else `./. + "/name"`. Throws std::logic_error for an absolute path or "..".
  static Value relative_path(std::string_view path);
  /// An absolute path given as a string: `/. + "/the/path"`.
  static Value absolute_path(std::string_view path);
  /// `<name>`, a search-path lookup such as <nixpkgs>.
  static Value search_path(std::string_view name);

  /// Pretty-printed text, indented by `indent` spaces after each newline.
  std::string render(int indent = 0) const;

  struct Node;  // the tree's node, private to nix_writer.cpp

 private:
  static Value of(Node node);
  /// render(), in parentheses unless it binds tighter than application and selection.
  std::string operand(int indent) const;
  explicit Value(std::shared_ptr<const Node> node) : node_(std::move(node)) {}
  std::shared_ptr<const Node> node_;
};

/// One argument of a function taking an attribute set: `name`, or `name ? fallback`.
struct Formal {
  std::string name;
  std::optional<Value> fallback;
};

/// A whole .nix file: `comment` as "# " lines (a newline in it starts another comment line), then `value`.
std::string file_text(std::string_view comment, const Value& value);

}  // namespace nixcc::nix
