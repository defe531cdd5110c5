#include "rules/rule.hpp"
#include "sql/lexer.hpp"

namespace mgate {
namespace {

// Rewrites the token [begin, end) of the statement as itself followed by `text`, so that a diff
// of the edit shows the token it extends.
Fix extend_token(const sql::Statement& statement, std::size_t begin, std::size_t end,
                 const std::string& text, std::string description) {
  std::string replacement = std::string(statement.text.substr(begin, end - begin)) + text;
  Span span{statement.span.begin + begin, statement.span.begin + end};
  return Fix{std::move(description), {Edit{span, std::move(replacement), {}, {}}}};
}

}  // namespace

std::optional<Fix> insert_after_keyword(const sql::Statement& statement, std::string_view keyword,
                                        std::string text, std::string description) {
  std::size_t at = sql::find_keyword(statement.text, keyword);
  if (at == std::string_view::npos) return std::nullopt;
  return extend_token(statement, at, at + keyword.size(), text, std::move(description));
}

Fix insert_before(const sql::Statement& statement, std::string text, std::string description) {
  std::size_t offset = statement.span.begin;
  return Fix{std::move(description), {Edit{{offset, offset}, std::move(text), {}, {}}}};
}

Fix insert_at_end(const sql::Statement& statement, std::string text, std::string description) {
  std::string_view body = statement.text;
  if (!body.empty() && body.back() == ';') body.remove_suffix(1);
  std::size_t begin = 0;
  std::size_t end = 0;
  for (std::size_t pos = sql::skip_trivia(body, 0); pos < body.size();) {
    begin = pos;
    end = sql::token_end(body, pos);
    pos = sql::skip_trivia(body, end);
  }
  return extend_token(statement, begin, end, text, std::move(description));
}

}  // namespace mgate
