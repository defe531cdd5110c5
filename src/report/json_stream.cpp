#include "report/json_stream.hpp"

#include <cstdint>
#include <cstring>

namespace mgate {
namespace {

constexpr std::size_t kFlushAt = 1 << 16;
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Bytes that need no escaping: printable ASCII but the quote and the backslash.
bool plain(unsigned char c) {
  return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

// The UTF-8 sequence at `text[i]` (a byte >= 0x80): its length when it is valid (no overlong
// form, no surrogate, nothing above U+10FFFF), else how many of its bytes are a valid start of
// one, which become a single U+FFFD, as nlohmann's serializer replaces them.
struct Utf8 {
  bool valid;
  std::size_t length;
};

Utf8 utf8_at(std::string_view text, std::size_t i) {
  auto byte = [&](std::size_t k) -> unsigned {
    return k < text.size() ? static_cast<unsigned char>(text[k]) : 0;
  };
  unsigned lead = byte(i);
  std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
  if (lead < 0xC2 || lead > 0xF4) return {false, 1};
  // The second byte's range depends on the lead; later bytes are plain continuations.
  unsigned low = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
  unsigned high = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
  std::size_t k = 1;
  for (; k < length; ++k) {
    unsigned b = byte(i + k);
    bool ok = k == 1 ? (b >= low && b <= high) : (b & 0xC0) == 0x80;
    if (!ok) return {false, k};
  }
  return {true, length};
}

}  // namespace

// The length of the run of plain bytes at the start of `text`: eight bytes at a time while
// none of them is a control byte, a quote, a backslash or above 0x7F.
std::size_t plain_run(std::string_view text) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  auto has_byte = [&](uint64_t word, unsigned char byte) {
    uint64_t x = word ^ (kOnes * byte);
    return (x - kOnes) & ~x & kHighs;
  };
  std::size_t n = 0;
  while (n + 8 <= text.size()) {
    uint64_t word;
    std::memcpy(&word, text.data() + n, 8);
    // A byte below 0x20 shows as a borrow out of (byte - 0x20); a byte from 0x80 as its high bit.
    uint64_t special = ((word - kOnes * 0x20) & ~word) | word;
    if ((special & kHighs) || has_byte(word, '"') || has_byte(word, '\\')) break;
    n += 8;
  }
  while (n < text.size() && plain(static_cast<unsigned char>(text[n]))) ++n;
  return n;
}

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t run = i + plain_run(text.substr(i));
    out.append(text.data() + i, run - i);
    i = run;
    if (i >= text.size()) break;
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      Utf8 sequence = utf8_at(text, i);
      if (sequence.valid) {
        out.append(text.data() + i, sequence.length);
      } else {
        out += kReplacement;
      }
      i += sequence.length;
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
      }
    }
    ++i;
  }
  out += '"';
}

void JsonStream::newline_and_indent(std::size_t depth) {
  buffer_ += '\n';
  buffer_.append(2 * depth, ' ');
}

void JsonStream::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (scopes_.empty()) return;
  Scope& scope = scopes_.back();
  if (!scope.empty) buffer_ += ',';
  scope.empty = false;
  newline_and_indent(scopes_.size());
}

void JsonStream::key(std::string_view name) {
  Scope& scope = scopes_.back();
  if (!scope.empty) buffer_ += ',';
  scope.empty = false;
  newline_and_indent(scopes_.size());
  append_json_string(buffer_, name);
  buffer_ += ": ";
  after_key_ = true;
}

void JsonStream::begin_object() {
  before_value();
  buffer_ += '{';
  scopes_.push_back({false});
}

void JsonStream::begin_array() {
  before_value();
  buffer_ += '[';
  scopes_.push_back({true});
}

void JsonStream::close(char bracket) {
  bool empty = scopes_.back().empty;
  scopes_.pop_back();
  if (!empty) newline_and_indent(scopes_.size());
  buffer_ += bracket;
  if (buffer_.size() >= kFlushAt) flush();
}

void JsonStream::end_object() {
  close('}');
}

void JsonStream::end_array() {
  close(']');
}

void JsonStream::string(std::string_view text) {
  before_value();
  append_json_string(buffer_, text);
}

void JsonStream::number(int64_t value) {
  before_value();
  buffer_ += std::to_string(value);
}

void JsonStream::boolean(bool value) {
  before_value();
  buffer_ += value ? "true" : "false";
}

void JsonStream::null() {
  before_value();
  buffer_ += "null";
}

void JsonStream::value(const nlohmann::json& value) {
  before_value();
  flush();
  nlohmann::detail::serializer<nlohmann::json> serializer(
      nlohmann::detail::output_adapter<char>(out_), ' ', nlohmann::json::error_handler_t::replace);
  serializer.dump(value, true, false, 2, static_cast<unsigned>(2 * scopes_.size()));
}

void JsonStream::raw(std::string_view elements) {
  if (elements.empty()) return;
  buffer_ += elements;
  scopes_.back().empty = false;
  if (buffer_.size() >= kFlushAt) flush();
}

void JsonStream::finish() {
  buffer_ += '\n';
  flush();
}

void JsonStream::flush() {
  out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  buffer_.clear();
}

}  // namespace mgate
