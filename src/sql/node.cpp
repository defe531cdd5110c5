#include "sql/node.hpp"

#include <simdjson.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <type_traits>

namespace mgate::sql {

namespace dom = simdjson::dom;

struct Tree::Storage {
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

// A dom::element is a tape_ref (document, tape index) and nothing else; NodeList keeps the two
// parts and rebuilds elements from them.
static_assert(sizeof(dom::element) == sizeof(simdjson::internal::tape_ref) &&
              sizeof(dom::array::iterator) == sizeof(simdjson::internal::tape_ref));

simdjson::internal::tape_ref tape_of(const dom::array::iterator& it) {
  simdjson::internal::tape_ref tape;
  std::memcpy(static_cast<void*>(&tape), static_cast<const void*>(&it), sizeof tape);
  return tape;
}

dom::element element_at(const void* document, std::size_t position) {
  simdjson::internal::tape_ref tape(static_cast<const dom::document*>(document), position);
  dom::element e;
  std::memcpy(static_cast<void*>(&e), static_cast<const void*>(&tape), sizeof e);
  return e;
}

// One parser per thread, reused: its buffers grow to the largest script instead of being
// allocated for every file. Each Tree keeps only its own document.
dom::parser& thread_parser() {
  thread_local dom::parser parser;
  return parser;
}

// The lookups every rule makes (a field by name, a node's type, the inside of a wrapped node)
// read simdjson's tape directly: going through dom::object's iterator cost about a hundred
// instructions per field looked up (callgrind), an eighth of a lint run. The tape's format is
// simdjson's documented one: a '{' entry holds the index after its matching '}', keys are
// string entries whose payload is an offset into string_buf (a 32-bit length, then the bytes),
// and numbers take two entries.
struct Tape {
  const dom::document* doc;
  std::size_t index;

  explicit Tape(const unsigned char* element_bytes) {
    std::memcpy(static_cast<void*>(this), element_bytes, sizeof *this);
  }
  Tape(const dom::document* d, std::size_t i) : doc(d), index(i) {}

  uint64_t entry(std::size_t i) const { return doc->tape[i]; }
  char kind(std::size_t i) const { return static_cast<char>(entry(i) >> 56); }
  // The index after the value at `i`.
  std::size_t after(std::size_t i) const {
    switch (kind(i)) {
      case '{':
      case '[':
        return static_cast<uint32_t>(entry(i) & simdjson::internal::JSON_VALUE_MASK);
      case 'l':
      case 'u':
      case 'd':
        return i + 2;
      default:
        return i + 1;
    }
  }
  std::string_view string(std::size_t i) const {
    const uint8_t* at = doc->string_buf.get() + (entry(i) & simdjson::internal::JSON_VALUE_MASK);
    uint32_t length;
    std::memcpy(&length, at, sizeof length);
    return {reinterpret_cast<const char*>(at + sizeof length), length};
  }
  // The number of fields of the object at `i`.
  uint32_t count(std::size_t i) const {
    return static_cast<uint32_t>((entry(i) >> 32) & simdjson::internal::JSON_COUNT_MASK);
  }
};
static_assert(sizeof(Tape) == sizeof(simdjson::internal::tape_ref));

}  // namespace

Tree::Tree(const char* json, std::size_t length) : storage_(std::make_unique<Storage>()) {
  dom::parser& parser = thread_parser();
  if (parser.max_depth() < kMaxDepth && parser.allocate(length, kMaxDepth)) {
    throw std::runtime_error("cannot allocate the parse tree");
  }
  // realloc_if_needed: libpg_query's buffer has no simdjson padding, so simdjson copies it.
  auto error = parser
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
  Tape tape(element_);
  std::size_t i = tape.index;
  if (tape.kind(i) != '{') return {};
  std::size_t end = tape.after(i) - 1;  // the '}'
  for (std::size_t field = i + 1; field < end; field = tape.after(field + 1)) {
    std::string_view name = tape.string(field);
    if (name.size() != key.size()) continue;
    std::size_t k = 0;
    while (k < name.size() && name[k] == key[k]) ++k;
    if (k == name.size()) {
      Tape value(tape.doc, field + 1);
      return Node(tree_, &value);
    }
  }
  return {};
}

std::string_view Node::type() const {
  if (!tree_) return {};
  Tape tape(element_);
  std::size_t i = tape.index;
  if (tape.kind(i) != '{' || tape.count(i) != 1) return {};
  std::string_view key = tape.string(i + 1);
  // Node type names are CamelCase; field names are lower case.
  if (key.empty() || key.front() < 'A' || key.front() > 'Z') return {};
  if (tape.kind(i + 2) != '{') return {};
  return key;
}

Node Node::as(std::string_view type_name) const {
  return type() == type_name ? inner() : Node{};
}

Node Node::inner() const {
  if (type().empty()) return {};
  Tape value(Tape(element_).doc, Tape(element_).index + 2);
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

NodeList Node::items() const {
  NodeList list;
  if (!tree_) return list;
  dom::array array;
  if (element_of(element_).get(array)) return list;
  std::size_t size = array.size();
  if (size == 0) return list;
  auto set = [&](NodeList::iterator& it, const dom::array::iterator& at) {
    it.tree_ = tree_;
    it.document_ = tape_of(at).doc;
    it.position_ = tape_of(at).json_index;
  };
  set(list.first_, array.begin());
  set(list.last_, array.end());
  list.size_ = size;
  return list;
}

Node NodeList::iterator::operator*() const {
  dom::element e = element_at(document_, position_);
  return Node(tree_, &e);
}

NodeList::iterator& NodeList::iterator::operator++() {
  position_ = simdjson::internal::tape_ref(static_cast<const dom::document*>(document_), position_)
                  .after_element();
  return *this;
}

NodeList::iterator NodeList::begin() const {
  return first_;
}

NodeList::iterator NodeList::end() const {
  return last_;
}

Node NodeList::operator[](std::size_t index) const {
  if (index >= size_) return {};
  iterator it = first_;
  while (index-- > 0) ++it;
  return *it;
}

void Node::walk_nodes(void* context, void (*visit)(void* context, const Node& node)) const {
  if (!tree_) return;
  if (!type().empty()) visit(context, *this);
  dom::element e = element_of(element_);
  if (e.is_array()) {
    for (dom::element item : dom::array(e)) Node(tree_, &item).walk_nodes(context, visit);
  } else if (e.is_object()) {
    for (auto field : dom::object(e)) Node(tree_, &field.value).walk_nodes(context, visit);
  }
}

}  // namespace mgate::sql
