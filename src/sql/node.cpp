#include "sql/node.hpp"

#include <simdjson.h>

#include <stdexcept>

namespace mgate::sql {

struct Tree::Storage {
  simdjson::dom::parser parser;
  simdjson::dom::document document;
};

namespace {
// PostgreSQL's own parser bounds nesting by its stack depth; this only has to be deeper.
constexpr std::size_t kMaxDepth = 100000;
}  // namespace

Tree::Tree(std::string json) : json_(std::move(json)), storage_(std::make_unique<Storage>()) {
  if (storage_->parser.allocate(json_.size() + simdjson::SIMDJSON_PADDING, kMaxDepth)) {
    throw std::runtime_error("cannot allocate the parse tree");
  }
  simdjson::dom::element root;
  json_.reserve(json_.size() + simdjson::SIMDJSON_PADDING);
  auto error =
      storage_->parser.parse_into_document(storage_->document, json_.data(), json_.size(), false)
          .get(root);
  if (error)
    throw std::runtime_error(std::string("malformed parse tree: ") +
                             simdjson::error_message(error));
  values_.reserve(json_.size() / 16);
  add(&root, {});
}

Tree::~Tree() = default;

uint32_t Tree::add(const void* opaque, std::string_view key) {
  const auto& element = *static_cast<const simdjson::dom::element*>(opaque);
  uint32_t index = static_cast<uint32_t>(values_.size());
  Value value;
  value.key = key;
  values_.push_back(value);
  uint32_t previous = 0;
  auto link = [&](uint32_t child) {
    if (previous == 0) {
      value.first_child = child;
    } else {
      values_[previous].next_sibling = child;
    }
    previous = child;
    ++value.child_count;
  };
  switch (element.type()) {
    case simdjson::dom::element_type::OBJECT:
      value.kind = Kind::object;
      for (auto field : simdjson::dom::object(element)) link(add(&field.value, field.key));
      break;
    case simdjson::dom::element_type::ARRAY:
      value.kind = Kind::list;
      for (auto item : simdjson::dom::array(element)) link(add(&item, {}));
      break;
    case simdjson::dom::element_type::STRING:
      value.kind = Kind::string;
      value.text = std::string_view(element);
      break;
    case simdjson::dom::element_type::INT64:
      value.kind = Kind::integer;
      value.integer = int64_t(element);
      break;
    case simdjson::dom::element_type::UINT64:
      value.kind = Kind::integer;
      value.integer = static_cast<int64_t>(uint64_t(element));
      break;
    case simdjson::dom::element_type::DOUBLE:
      value.kind = Kind::real;
      value.integer = static_cast<int64_t>(double(element));
      break;
    case simdjson::dom::element_type::BOOL:
      value.kind = Kind::boolean;
      value.integer = bool(element) ? 1 : 0;
      break;
    case simdjson::dom::element_type::NULL_VALUE:
      value.kind = Kind::null;
      break;
  }
  values_[index] = value;
  return index;
}

Node Node::operator[](std::string_view key) const {
  if (!tree_) return {};
  const auto& v = tree_->values_[index_];
  if (v.kind != Tree::Kind::object) return {};
  for (uint32_t c = v.first_child; c != 0; c = tree_->values_[c].next_sibling) {
    if (tree_->values_[c].key == key) return Node(tree_, c);
  }
  return {};
}

std::string_view Node::type() const {
  if (!tree_) return {};
  const auto& v = tree_->values_[index_];
  if (v.kind != Tree::Kind::object || v.child_count != 1) return {};
  const auto& only = tree_->values_[v.first_child];
  if (only.kind != Tree::Kind::object || only.key.empty()) return {};
  // Node type names are CamelCase; field names are lower case.
  char first = only.key.front();
  if (first < 'A' || first > 'Z') return {};
  return only.key;
}

Node Node::as(std::string_view type_name) const {
  return type() == type_name ? inner() : Node{};
}

Node Node::inner() const {
  if (type().empty()) return {};
  return Node(tree_, tree_->values_[index_].first_child);
}

std::string_view Node::str() const {
  if (!tree_) return {};
  const auto& v = tree_->values_[index_];
  if (v.kind == Tree::Kind::string) return v.text;
  if (Node s = as("String")) return s["sval"].str();
  return {};
}

int64_t Node::integer() const {
  if (!tree_) return 0;
  const auto& v = tree_->values_[index_];
  if (v.kind == Tree::Kind::integer || v.kind == Tree::Kind::real) return v.integer;
  if (Node i = as("Integer")) return i["ival"].integer();
  return 0;
}

bool Node::boolean() const {
  if (!tree_) return false;
  const auto& v = tree_->values_[index_];
  return v.kind == Tree::Kind::boolean && v.integer != 0;
}

int64_t Node::location() const {
  Node self = type().empty() ? *this : inner();
  Node loc = self["location"];
  return loc ? loc.integer() : -1;
}

bool Node::is_list() const {
  return tree_ && tree_->values_[index_].kind == Tree::Kind::list;
}

std::size_t Node::size() const {
  return tree_ ? tree_->values_[index_].child_count : 0;
}

Node Node::at(std::size_t index) const {
  if (!is_list()) return {};
  uint32_t c = tree_->values_[index_].first_child;
  for (std::size_t i = 0; c != 0 && i < index; ++i) c = tree_->values_[c].next_sibling;
  return c == 0 ? Node{} : Node(tree_, c);
}

std::vector<Node> Node::items() const {
  return is_list() ? children() : std::vector<Node>{};
}

std::vector<Node> Node::children() const {
  std::vector<Node> out;
  if (!tree_) return out;
  const auto& v = tree_->values_[index_];
  out.reserve(v.child_count);
  for (uint32_t c = v.first_child; c != 0; c = tree_->values_[c].next_sibling) {
    out.push_back(Node(tree_, c));
  }
  return out;
}

}  // namespace mgate::sql
