#include "sql/node.hpp"

#include <simdjson.h>

#include <cstring>
#include <stdexcept>
#include <type_traits>

namespace mgate::sql {

namespace dom = simdjson::dom;

struct Tree::Storage {
  dom::parser parser;
  dom::document document;
  dom::element root;
};

namespace {

static_assert(sizeof(dom::element) <= 16 && std::is_trivially_copyable_v<dom::element>);

// PostgreSQL's own parser bounds nesting by its stack depth; this only has to be deeper.
constexpr std::size_t kMaxDepth = 100000;

dom::element element_of(const unsigned char* bytes) {
  dom::element e;
  std::memcpy(static_cast<void*>(&e), bytes, sizeof e);
  return e;
}

}  // namespace

Tree::Tree(const char* json, std::size_t length) : storage_(std::make_unique<Storage>()) {
  if (storage_->parser.allocate(length, kMaxDepth)) {
    throw std::runtime_error("cannot allocate the parse tree");
  }
  // realloc_if_needed: libpg_query's buffer has no simdjson padding, so simdjson copies it.
  auto error = storage_->parser
                   .parse_into_document(storage_->document, reinterpret_cast<const uint8_t*>(json),
                                        length, true)
                   .get(storage_->root);
  if (error) {
    throw std::runtime_error(std::string("malformed parse tree: ") +
                             simdjson::error_message(error));
  }
}

Tree::~Tree() = default;

Node Tree::root() const {
  return Node(this, &storage_->root);
}

Node::Node(const Tree* tree, const void* element) : tree_(tree) {
  std::memcpy(element_, element, sizeof(dom::element));
}

Node Node::operator[](std::string_view key) const {
  if (!tree_) return {};
  dom::object object;
  if (element_of(element_).get(object)) return {};
  dom::element value;
  if (object.at_key(key).get(value)) return {};
  return Node(tree_, &value);
}

std::string_view Node::type() const {
  if (!tree_) return {};
  dom::object object;
  if (element_of(element_).get(object) || object.size() != 1) return {};
  auto only = *object.begin();
  // Node type names are CamelCase; field names are lower case.
  if (only.key.empty() || only.key.front() < 'A' || only.key.front() > 'Z') return {};
  if (!only.value.is_object()) return {};
  return only.key;
}

Node Node::as(std::string_view type_name) const {
  return type() == type_name ? inner() : Node{};
}

Node Node::inner() const {
  if (type().empty()) return {};
  dom::object object = element_of(element_).get_object().value_unsafe();
  dom::element value = (*object.begin()).value;
  return Node(tree_, &value);
}

std::string_view Node::str() const {
  if (!tree_) return {};
  std::string_view text;
  if (!element_of(element_).get(text)) return text;
  if (Node s = as("String")) return s["sval"].str();
  return {};
}

int64_t Node::integer() const {
  if (!tree_) return 0;
  dom::element e = element_of(element_);
  int64_t i = 0;
  if (!e.get(i)) return i;
  double d = 0;
  if (!e.get(d)) return static_cast<int64_t>(d);
  if (Node boxed = as("Integer")) return boxed["ival"].integer();
  return 0;
}

bool Node::boolean() const {
  bool b = false;
  return tree_ && !element_of(element_).get(b) && b;
}

int64_t Node::location() const {
  Node self = type().empty() ? *this : inner();
  Node loc = self["location"];
  return loc ? loc.integer() : -1;
}

bool Node::is_list() const {
  return tree_ && element_of(element_).is_array();
}

std::size_t Node::size() const {
  if (!tree_) return 0;
  dom::element e = element_of(element_);
  if (e.is_array()) return dom::array(e).size();
  if (e.is_object()) return dom::object(e).size();
  return 0;
}

Node Node::at(std::size_t index) const {
  if (!is_list()) return {};
  dom::element value;
  if (dom::array(element_of(element_)).at(index).get(value)) return {};
  return Node(tree_, &value);
}

std::vector<Node> Node::items() const {
  return is_list() ? children() : std::vector<Node>{};
}

std::vector<Node> Node::children() const {
  std::vector<Node> out;
  if (!tree_) return out;
  dom::element e = element_of(element_);
  if (e.is_array()) {
    for (dom::element item : dom::array(e)) out.push_back(Node(tree_, &item));
  } else if (e.is_object()) {
    for (auto field : dom::object(e)) out.push_back(Node(tree_, &field.value));
  }
  return out;
}

}  // namespace mgate::sql
