#include "sql/lexer.hpp"

#include <cctype>

namespace mgate::sql {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Whether `text` holds the two characters `a` and `b` at `pos` (asked at every character of a
// statement's text: a byte comparison, not a call of memcmp).
bool pair_at(std::string_view text, std::size_t pos, char a, char b) {
  return pos + 1 < text.size() && text[pos] == a && text[pos + 1] == b;
}

// If a comment starts at `pos`, the offset just after it; otherwise `pos`.
std::size_t skip_comment(std::string_view text, std::size_t pos) {
  if (pair_at(text, pos, '-', '-')) {
    // PostgreSQL's scanner ends it at either: a file with lone "\r" line endings has lines too.
    std::size_t nl = text.find_first_of("\r\n", pos);
    return nl == std::string_view::npos ? text.size() : nl + 1;
  }
  if (pair_at(text, pos, '/', '*')) {
    int depth = 0;
    std::size_t i = pos;
    while (i < text.size()) {
      if (pair_at(text, i, '/', '*')) {
        ++depth;
        i += 2;
      } else if (pair_at(text, i, '*', '/')) {
        i += 2;
        if (--depth == 0) return i;
      } else {
        ++i;
      }
    }
    return text.size();  // unterminated: the parser reports it
  }
  return pos;
}

bool is_ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// The offset just after the token that starts at `pos` (which is not trivia).
std::size_t skip_token(std::string_view text, std::size_t pos) {
  char c = text[pos];
  if (c == '\'' || c == '"') {
    bool backslash_escapes = c == '\'' && pos > 0 && (text[pos - 1] == 'E' || text[pos - 1] == 'e');
    std::size_t i = pos + 1;
    while (i < text.size()) {
      if (backslash_escapes && text[i] == '\\') {
        i += 2;
      } else if (text[i] == c) {
        if (i + 1 < text.size() && text[i + 1] == c) {
          i += 2;  // doubled quote
        } else {
          return i + 1;
        }
      } else {
        ++i;
      }
    }
    return text.size();
  }
  if (c == '$') {
    // $tag$ ... $tag$, where tag is empty or an identifier not starting with a digit.
    std::size_t i = pos + 1;
    while (i < text.size() && is_ident_char(text[i]) && text[i] != '$') ++i;
    bool digit_start = i > pos + 1 && std::isdigit(static_cast<unsigned char>(text[pos + 1]));
    if (i < text.size() && text[i] == '$' && !digit_start) {
      std::string_view tag = text.substr(pos, i - pos + 1);
      std::size_t close = text.find(tag, i + 1);
      return close == std::string_view::npos ? text.size() : close + tag.size();
    }
    return i;  // a parameter like $1
  }
  if (is_ident_char(c)) {
    std::size_t i = pos + 1;
    while (i < text.size() && (is_ident_char(text[i]) || text[i] == '$')) ++i;
    return i;
  }
  return pos + 1;
}

}  // namespace

std::size_t skip_trivia(std::string_view text, std::size_t pos) {
  while (pos < text.size()) {
    if (is_space(text[pos])) {
      ++pos;
      continue;
    }
    std::size_t after = skip_comment(text, pos);
    if (after == pos) break;
    pos = after;
  }
  return pos;
}

std::size_t token_end(std::string_view text, std::size_t pos) {
  return pos < text.size() ? skip_token(text, pos) : pos;
}

std::size_t last_token_end(std::string_view text, std::size_t begin, std::size_t end) {
  std::string_view bounded = text.substr(0, end);
  std::size_t last = begin;
  std::size_t pos = skip_trivia(bounded, begin);
  while (pos < bounded.size()) {
    pos = skip_token(bounded, pos);
    last = pos;
    pos = skip_trivia(bounded, pos);
  }
  return last;
}

std::size_t find_keyword(std::string_view text, std::string_view keyword, std::size_t from) {
  auto same = [](std::string_view word, std::string_view wanted) {
    if (word.size() != wanted.size()) return false;
    for (std::size_t i = 0; i < word.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(word[i])) !=
          std::tolower(static_cast<unsigned char>(wanted[i]))) {
        return false;
      }
    }
    return true;
  };
  std::size_t pos = skip_trivia(text, from);
  while (pos < text.size()) {
    std::size_t end = skip_token(text, pos);
    if (is_ident_char(text[pos]) && same(text.substr(pos, end - pos), keyword)) return pos;
    pos = skip_trivia(text, end);
  }
  return std::string_view::npos;
}

std::vector<Span> comments(std::string_view text, std::size_t begin, std::size_t end) {
  std::vector<Span> out;
  std::string_view bounded = text.substr(0, end);
  std::size_t pos = begin;
  while (pos < bounded.size()) {
    if (is_space(bounded[pos])) {
      ++pos;
      continue;
    }
    std::size_t after = skip_comment(bounded, pos);
    if (after == pos) break;
    std::size_t comment_end = after;
    if (comment_end > pos && (bounded[comment_end - 1] == '\n' || bounded[comment_end - 1] == '\r'))
      --comment_end;
    out.push_back({pos, comment_end});
    pos = after;
  }
  return out;
}

}  // namespace mgate::sql
