#pragma once
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace mgate::sql {

class Tree;
class NodeList;

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
  NodeList items() const;  // elements of a list; empty for anything else

  // Calls `visit` on this node and every node below it, depth first, for wrapped nodes only.
  template <typename F>
  void walk(F&& visit) const;

 private:
  friend class Tree;
  friend class NodeList;
  Node(const Tree* tree, const void* element);
  // Calls visit(context, node) for every wrapped node at or below this one, without allocating.
  void walk_nodes(void* context, void (*visit)(void* context, const Node& node)) const;

  // A position on the tree's tape (node.cpp), kept opaque.
  const Tree* tree_ = nullptr;
  alignas(8) unsigned char element_[16] = {};
};

// The elements of a list node, read in place: iterating allocates nothing. size() is constant
// time, operator[] and back() walk the list.
class NodeList {
 public:
  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Node;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = Node;
    Node operator*() const;
    iterator& operator++();
    iterator operator++(int) {
      iterator before = *this;
      ++*this;
      return before;
    }
    bool operator==(const iterator& other) const { return position_ == other.position_; }

   private:
    friend class NodeList;
    friend class Node;
    const Tree* tree_ = nullptr;
    const void* document_ = nullptr;
    std::size_t position_ = 0;  // index on the document's tape
  };

  NodeList() = default;
  iterator begin() const;
  iterator end() const;
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  Node operator[](std::size_t index) const;
  Node front() const { return (*this)[0]; }
  Node back() const { return empty() ? Node{} : (*this)[size_ - 1]; }
  // For callers that keep the elements.
  operator std::vector<Node>() const { return {begin(), end()}; }

 private:
  friend class Node;
  iterator first_;
  iterator last_;
  std::size_t size_ = 0;
};

// Owns one parse tree; Nodes point into it.
class Tree {
 public:
  // Reads libpg_query's JSON output; throws std::runtime_error on malformed JSON.
  Tree(const char* json, std::size_t length);
  ~Tree();
  Tree(const Tree&) = delete;
  Tree& operator=(const Tree&) = delete;

  Node root() const;

  struct Storage;  // the tape (node.cpp)

 private:
  std::unique_ptr<Storage> storage_;
};

template <typename F>
void Node::walk(F&& visit) const {
  walk_nodes(&visit, [](void* context, const Node& node) {
    (*static_cast<std::remove_reference_t<F>*>(context))(node);
  });
}

}  // namespace mgate::sql
