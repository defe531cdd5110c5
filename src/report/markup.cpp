#include "report/markup.hpp"

#include <cstdint>

namespace mgate {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// The length of the valid UTF-8 sequence at the start of `text`, or 0 when it is not one.
std::size_t sequence_length(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  std::uint32_t code = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    code = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    code = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    code = lead & 0x07;
  } else {
    return 0;
  }
  if (text.size() < length) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(i) & 0x3F);
  }
  static constexpr std::uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < kSmallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return length;
}

}  // namespace

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const std::size_t length = sequence_length(text);
    if (length == 0) {
      out += kReplacement;
      text.remove_prefix(1);
      continue;
    }
    out += text.substr(0, length);
    text.remove_prefix(length);
  }
  return out;
}

std::string escape_markup(std::string_view text) {
  const std::string valid = valid_utf8(text);
  std::string out;
  out.reserve(valid.size() + valid.size() / 8);
  for (std::size_t i = 0; i < valid.size(); ++i) {
    const char c = valid[i];
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') {
          out += kReplacement;
        } else if (valid.compare(i, 3, "\xEF\xBF\xBE") == 0 ||
                   valid.compare(i, 3, "\xEF\xBF\xBF") == 0) {
          out += kReplacement;  // U+FFFE and U+FFFF are not XML characters either
          i += 2;
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string escape_attribute(std::string_view text) {
  std::string out;
  for (const char c : escape_markup(text)) {
    if (c == '\n') {
      out += "&#10;";
    } else if (c == '\t') {
      out += "&#9;";
    } else {
      out += c;
    }
  }
  return out;
}

std::vector<TextPiece> code_spans(std::string_view text) {
  std::vector<TextPiece> pieces;
  auto run_at = [&](std::size_t i) {
    std::size_t n = 0;
    while (i + n < text.size() && text[i + n] == '`') ++n;
    return n;
  };
  std::size_t plain = 0;  // where the current plain piece starts
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '`') {
      ++i;
      continue;
    }
    const std::size_t open = run_at(i);
    std::size_t close = i + open;
    while (close < text.size()) {
      const std::size_t run = run_at(close);
      if (run == open) break;
      close += run == 0 ? 1 : run;
    }
    if (close >= text.size()) {  // never closed: the backticks are text
      i += open;
      continue;
    }
    if (i > plain) pieces.push_back({text.substr(plain, i - plain), false});
    pieces.push_back({text.substr(i + open, close - i - open), true});
    i = close + open;
    plain = i;
  }
  if (plain < text.size()) pieces.push_back({text.substr(plain), false});
  return pieces;
}

}  // namespace mgate
