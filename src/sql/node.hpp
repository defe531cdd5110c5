#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mgate::sql {

class Tree;

// A read-only view of one value in a libpg_query parse tree (the JSON form of PostgreSQL's
// raw parse nodes). A Node that is absent is falsy, and every accessor on it returns an empty
// value, so rules read nested fields without checks:
//   stmt.as("IndexStmt")["relation"]["relname"].str()
// Node types appear as one-key objects, {"IndexStmt": {...}}: `type()` names the key and
// `as(type)` steps inside. libpg_query omits fields that are false, zero or empty.
class Node {
 public:
  Node() = default;

  explicit operator bool() const { return tree_ != nullptr; }

  // The field `key` of an object; absent when this is no object or has no such field.
  Node operator[](std::string_view key) const;
  // For a wrapped node {"T": {...}}: "T". Empty for anything else.
  std::string_view type() const;
  bool is(std::string_view type_name) const { return type() == type_name; }
  // The inside of a wrapped node of this type; absent when it is of another type.
  Node as(std::string_view type_name) const;
  // The inside of a wrapped node of any type.
  Node inner() const;

  // A string value; for a wrapped String node ({"String": {"sval": ...}}), its text.
  std::string_view str() const;
  int64_t integer() const;  // 0 when absent
  bool boolean() const;     // false when absent (libpg_query omits false)
  // The byte offset that libpg_query records in a "location" field, or -1.
  int64_t location() const;

  bool is_list() const;
  std::size_t size() const;  // elements of a list, fields of an object
  Node at(std::size_t index) const;
  std::vector<Node> items() const;  // elements of a list; empty for anything else

  // Calls `visit` on this node and every node below it, depth first, for wrapped nodes only.
  template <typename F>
  void walk(F&& visit) const;

 private:
  friend class Tree;
  Node(const Tree* tree, const void* element);
  std::vector<Node> children() const;  // every value under an object or list

  // A simdjson::dom::element, kept opaque so that only node.cpp sees simdjson.
  const Tree* tree_ = nullptr;
  alignas(8) unsigned char element_[16] = {};
};

// Owns one parse tree; Nodes point into it.
class Tree {
 public:
  // Parses libpg_query's JSON output; throws std::runtime_error on malformed JSON.
  Tree(const char* json, std::size_t length);
  ~Tree();
  Tree(const Tree&) = delete;
  Tree& operator=(const Tree&) = delete;

  Node root() const;

 private:
  struct Storage;
  std::unique_ptr<Storage> storage_;
};

template <typename F>
void Node::walk(F&& visit) const {
  if (!tree_) return;
  if (!type().empty()) visit(*this);
  for (const Node& child : children()) child.walk(visit);
}

}  // namespace mgate::sql
