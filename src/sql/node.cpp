#include "sql/node.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace mgate::sql {

// libpg_query's JSON, read into a tape: one 64-bit entry per value, in document order, its kind
// in the top byte. An object or list holds, in its low 32 bits, the index after its end entry and,
// in the next 24 bits, how many fields or elements it has (0xFFFFFF: that many or more); a string
// holds the offset of its text, decoded in place in `text` and followed by a NUL, and its length
// (0xFFFFFF: that long or longer, measured to the NUL); a number takes a second entry with its
// bits. An object's fields are a key string entry followed by the value's entries.
//
// The JSON is read by mgate itself rather than by a general JSON library: the input is one known
// producer's output, nothing else links a JSON parser with a shared library (the binary links the
// C++ runtime statically; bench/README.md, "lint_speed.py"), and lookups read the tape directly.
struct Tree::Storage {
  std::vector<uint64_t> tape;
  std::unique_ptr<char[]> text;
};

namespace {

constexpr char kObject = '{';
constexpr char kObjectEnd = '}';
constexpr char kList = '[';
constexpr char kListEnd = ']';
constexpr char kString = '"';
constexpr char kInteger = 'l';
constexpr char kDouble = 'd';
constexpr char kTrue = 't';
constexpr char kFalse = 'f';
constexpr char kNull = 'n';

constexpr uint64_t kLow32 = 0xFFFFFFFFu;
constexpr uint64_t kSaturated = 0xFFFFFF;

uint64_t entry(char kind, uint64_t payload) {
  return (static_cast<uint64_t>(static_cast<unsigned char>(kind)) << 56) | payload;
}

[[noreturn]] void malformed(const char* what) {
  throw std::runtime_error(std::string("malformed parse tree: ") + what);
}

// Reads the JSON text in `s` (NUL-terminated, `n` bytes before the NUL) into `tape`, decoding
// strings in place.
class Reader {
 public:
  Reader(char* s, std::size_t n, std::vector<uint64_t>& tape) : s_(s), n_(n), tape_(tape) {}

  void read() {
    if (n_ >= kLow32) malformed("the document is too large");
    tape_.reserve(n_ / 4 + 8);
    for (;;) {
      value();
      // After a value: close the containers it completes, then go on with the next one.
      for (;;) {
        if (open_.empty()) {
          skip_space();
          if (p_ != n_) malformed("text after the document");
          return;
        }
        ++open_.back().count;
        skip_space();
        char c = s_[p_];
        if (c == ',') {
          ++p_;
          if (open_.back().object) key();
          break;
        }
        if (c != (open_.back().object ? '}' : ']')) malformed("a list or object is not closed");
        ++p_;
        close();
      }
    }
  }

 private:
  struct Open {
    std::size_t index;
    uint64_t count;
    bool object;
  };

  void skip_space() {
    while (s_[p_] == ' ' || s_[p_] == '\n' || s_[p_] == '\t' || s_[p_] == '\r') ++p_;
  }

  // One value; a list or object is only opened (and closed at once when empty).
  void value() {
    for (;;) {
      skip_space();
      char c = s_[p_];
      if (c == '{' || c == '[') {
        bool object = c == '{';
        ++p_;
        open_.push_back({tape_.size(), 0, object});
        tape_.push_back(entry(object ? kObject : kList, 0));
        skip_space();
        if (s_[p_] == (object ? '}' : ']')) {
          ++p_;
          close();
          return;
        }
        if (!object) continue;  // the first element
        key();
        continue;  // the first field's value
      }
      if (c == '"') {
        ++p_;
        string();
        return;
      }
      if (c == '-' || (c >= '0' && c <= '9')) {
        number();
        return;
      }
      if (literal("true", kTrue) || literal("false", kFalse) || literal("null", kNull)) return;
      malformed("a value was expected");
    }
  }

  void key() {
    skip_space();
    if (s_[p_] != '"') malformed("a field name was expected");
    ++p_;
    string();
    skip_space();
    if (s_[p_] != ':') malformed("':' was expected after a field name");
    ++p_;
  }

  void close() {
    Open open = open_.back();
    open_.pop_back();
    tape_.push_back(entry(open.object ? kObjectEnd : kListEnd, open.index));
    if (tape_.size() >= kLow32) malformed("the document is too large");
    tape_[open.index] |= tape_.size() | (std::min(open.count, kSaturated) << 32);
  }

  bool literal(std::string_view word, char kind) {
    if (std::string_view(s_ + p_, std::min(word.size(), n_ - p_)) != word) return false;
    p_ += word.size();
    tape_.push_back(entry(kind, 0));
    return true;
  }

  void number() {
    const char* begin = s_ + p_;
    const char* end = s_ + n_;
    int64_t integer = 0;
    auto [at, error] = std::from_chars(begin, end, integer);
    if (error == std::errc() && *at != '.' && *at != 'e' && *at != 'E') {
      p_ += static_cast<std::size_t>(at - begin);
      tape_.push_back(entry(kInteger, 0));
      tape_.push_back(static_cast<uint64_t>(integer));
      return;
    }
    double d = 0;
    auto [stop, failed] = std::from_chars(begin, end, d);
    if (failed != std::errc()) malformed("a number cannot be read");
    p_ += static_cast<std::size_t>(stop - begin);
    uint64_t bits;
    std::memcpy(&bits, &d, sizeof bits);
    tape_.push_back(entry(kDouble, 0));
    tape_.push_back(bits);
  }

  unsigned hex4() {
    unsigned code = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[p_++];
      code <<= 4;
      if (c >= '0' && c <= '9') {
        code |= static_cast<unsigned>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        code |= static_cast<unsigned>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        code |= static_cast<unsigned>(c - 'A' + 10);
      } else {
        malformed("a \\u escape needs four hexadecimal digits");
      }
    }
    return code;
  }

  // Writes a code point as UTF-8 at `out`; never more bytes than its escape took.
  static std::size_t put_utf8(char* out, unsigned code) {
    auto byte = [](unsigned b) { return static_cast<char>(static_cast<unsigned char>(b)); };
    if (code < 0x80) {
      out[0] = byte(code);
      return 1;
    }
    if (code < 0x800) {
      out[0] = byte(0xC0 | (code >> 6));
      out[1] = byte(0x80 | (code & 0x3F));
      return 2;
    }
    if (code < 0x10000) {
      out[0] = byte(0xE0 | (code >> 12));
      out[1] = byte(0x80 | ((code >> 6) & 0x3F));
      out[2] = byte(0x80 | (code & 0x3F));
      return 3;
    }
    out[0] = byte(0xF0 | (code >> 18));
    out[1] = byte(0x80 | ((code >> 12) & 0x3F));
    out[2] = byte(0x80 | ((code >> 6) & 0x3F));
    out[3] = byte(0x80 | (code & 0x3F));
    return 4;
  }

  // The length of the UTF-8 sequence at p_, or 0 when it is not valid UTF-8.
  std::size_t utf8_sequence() const {
    auto at = [&](std::size_t k) { return static_cast<unsigned char>(s_[p_ + k]); };
    auto continuation = [&](std::size_t k, unsigned char low = 0x80, unsigned char high = 0xBF) {
      return at(k) >= low && at(k) <= high;
    };
    unsigned char lead = at(0);
    if (lead >= 0xC2 && lead <= 0xDF) return continuation(1) ? 2 : 0;
    if (lead >= 0xE0 && lead <= 0xEF) {
      unsigned char low = lead == 0xE0 ? 0xA0 : 0x80;
      unsigned char high = lead == 0xED ? 0x9F : 0xBF;
      return continuation(1, low, high) && continuation(2) ? 3 : 0;
    }
    if (lead >= 0xF0 && lead <= 0xF4) {
      unsigned char low = lead == 0xF0 ? 0x90 : 0x80;
      unsigned char high = lead == 0xF4 ? 0x8F : 0xBF;
      return continuation(1, low, high) && continuation(2) && continuation(3) ? 4 : 0;
    }
    return 0;
  }

  // What a one-character escape stands for; 0 for any other character.
  static char unescaped(char escape) {
    constexpr std::string_view kEscapes = "\"\"\\\\//b\bf\fn\nr\rt\t";
    for (std::size_t i = 0; i < kEscapes.size(); i += 2) {
      if (kEscapes[i] == escape) return kEscapes[i + 1];
    }
    return 0;
  }

  // The code point of the \u escape whose "\u" was just read: four hexadecimal digits, or two
  // escapes for a character beyond the Basic Multilingual Plane (a surrogate pair).
  unsigned code_point() {
    unsigned code = hex4();
    if (code >= 0xDC00 && code <= 0xDFFF) malformed("a lone low surrogate in a \\u escape");
    if (code < 0xD800 || code > 0xDBFF) return code;
    if (s_[p_] != '\\' || s_[p_ + 1] != 'u') malformed("a lone high surrogate");
    p_ += 2;
    unsigned low = hex4();
    if (low < 0xDC00 || low > 0xDFFF) malformed("a lone high surrogate");
    return 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
  }

  // The string whose opening quote was just read. Its decoded text replaces it in place (an escape
  // is never shorter than what it stands for), and a NUL follows it where the closing quote was
  // or earlier.
  void string() {
    std::size_t start = p_;
    std::size_t out = p_;
    for (;;) {
      unsigned char c = static_cast<unsigned char>(s_[p_]);
      if (c == '"') break;
      if (c == '\\') {
        char escape = s_[p_ + 1];
        p_ += 2;
        if (escape == 'u') {
          out += put_utf8(s_ + out, code_point());
        } else if (char plain = unescaped(escape)) {
          s_[out++] = plain;
        } else {
          malformed("an unknown escape in a string");
        }
        continue;
      }
      if (c < 0x20)
        malformed(p_ >= n_ ? "a string is not closed" : "a control character in a string");
      std::size_t length = 1;
      if (c >= 0x80 && (length = utf8_sequence()) == 0) malformed("The input is not valid UTF-8");
      if (out != p_) std::memmove(s_ + out, s_ + p_, length);
      out += length;
      p_ += length;
    }
    s_[out] = '\0';
    ++p_;
    tape_.push_back(entry(kString, start | (std::min<uint64_t>(out - start, kSaturated) << 32)));
  }

  char* s_;
  std::size_t n_;
  std::size_t p_ = 0;
  std::vector<uint64_t>& tape_;
  std::vector<Open> open_;
};

// A value on a tree's tape.
struct Tape {
  const Tree::Storage* doc;
  std::size_t index;

  explicit Tape(const unsigned char* element_bytes) {
    std::memcpy(static_cast<void*>(this), element_bytes, sizeof *this);
  }
  Tape(const Tree::Storage* d, std::size_t i) : doc(d), index(i) {}

  uint64_t at(std::size_t i) const { return doc->tape[i]; }
  char kind(std::size_t i) const { return static_cast<char>(at(i) >> 56); }
  char kind() const { return kind(index); }
  // The index after the value at `i`.
  std::size_t after(std::size_t i) const {
    switch (kind(i)) {
      case kObject:
      case kList:
        return static_cast<uint32_t>(at(i) & kLow32);
      case kInteger:
      case kDouble:
        return i + 2;
      default:
        return i + 1;
    }
  }
  std::string_view string(std::size_t i) const {
    const char* text = doc->text.get() + (at(i) & kLow32);
    std::size_t length = (at(i) >> 32) & kSaturated;
    return {text, length == kSaturated ? std::strlen(text) : length};
  }
  // The fields of the object or the elements of the list at `i`.
  std::size_t count(std::size_t i) const {
    std::size_t n = (at(i) >> 32) & kSaturated;
    if (n < kSaturated) return n;
    n = 0;
    std::size_t end = after(i) - 1;
    for (std::size_t k = i + 1; k < end; k = after(kind(i) == kObject ? k + 1 : k)) ++n;
    return n;
  }
};
static_assert(sizeof(Tape) <= 16 && std::is_trivially_copyable_v<Tape>);

}  // namespace

Tree::Tree(const char* json, std::size_t length) : storage_(std::make_unique<Storage>()) {
  storage_->text = std::make_unique_for_overwrite<char[]>(length + 1);
  std::memcpy(storage_->text.get(), json, length);
  storage_->text[length] = '\0';
  Reader(storage_->text.get(), length, storage_->tape).read();
}

Tree::~Tree() = default;

Node Tree::root() const {
  Tape tape(storage_.get(), 0);
  return Node(this, &tape);
}

Node::Node(const Tree* tree, const void* element) : tree_(tree) {
  std::memcpy(element_, element, sizeof(Tape));
}

Node Node::operator[](std::string_view key) const {
  if (!tree_) return {};
  Tape tape(element_);
  std::size_t i = tape.index;
  if (tape.kind(i) != kObject) return {};
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
  if (tape.kind(i) != kObject || ((tape.at(i) >> 32) & kSaturated) != 1) return {};
  std::string_view key = tape.string(i + 1);
  // Node type names are CamelCase; field names are lower case.
  if (key.empty() || key.front() < 'A' || key.front() > 'Z') return {};
  if (tape.kind(i + 2) != kObject) return {};
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
  Tape tape(element_);
  if (tape.kind() == kString) return tape.string(tape.index);
  if (Node s = as("String")) return s["sval"].str();
  return {};
}

int64_t Node::integer() const {
  if (!tree_) return 0;
  Tape tape(element_);
  if (tape.kind() == kInteger) return static_cast<int64_t>(tape.at(tape.index + 1));
  if (tape.kind() == kDouble) {
    double d;
    uint64_t bits = tape.at(tape.index + 1);
    std::memcpy(&d, &bits, sizeof d);
    return static_cast<int64_t>(d);
  }
  if (Node boxed = as("Integer")) return boxed["ival"].integer();
  return 0;
}

bool Node::boolean() const {
  return tree_ && Tape(element_).kind() == kTrue;
}

int64_t Node::location() const {
  Node self = type().empty() ? *this : inner();
  Node loc = self["location"];
  return loc ? loc.integer() : -1;
}

bool Node::is_list() const {
  return tree_ && Tape(element_).kind() == kList;
}

std::size_t Node::size() const {
  if (!tree_) return 0;
  Tape tape(element_);
  if (tape.kind() != kList && tape.kind() != kObject) return 0;
  return tape.count(tape.index);
}

Node Node::at(std::size_t index) const {
  return items()[index];
}

NodeList Node::items() const {
  NodeList list;
  if (!is_list()) return list;
  Tape tape(element_);
  std::size_t size = tape.count(tape.index);
  if (size == 0) return list;
  auto set = [&](NodeList::iterator& it, std::size_t position) {
    it.tree_ = tree_;
    it.document_ = tape.doc;
    it.position_ = position;
  };
  set(list.first_, tape.index + 1);
  set(list.last_, tape.after(tape.index) - 1);
  list.size_ = size;
  return list;
}

Node NodeList::iterator::operator*() const {
  Tape tape(static_cast<const Tree::Storage*>(document_), position_);
  return Node(tree_, &tape);
}

NodeList::iterator& NodeList::iterator::operator++() {
  position_ = Tape(static_cast<const Tree::Storage*>(document_), position_).after(position_);
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
  Tape tape(element_);
  char kind = tape.kind();
  if (kind != kObject && kind != kList) return;
  std::size_t end = tape.after(tape.index) - 1;
  for (std::size_t k = tape.index + 1; k < end;) {
    if (kind == kObject) ++k;  // the field's name
    Tape value(tape.doc, k);
    Node(tree_, &value).walk_nodes(context, visit);
    k = tape.after(k);
  }
}

}  // namespace mgate::sql
