#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/source_file.hpp"
#include "sql/node.hpp"

namespace mgate::sql {

// One SQL statement of a script, as PostgreSQL's parser sees it.
struct Statement {
  Span span;              // from its first token to its terminating semicolon (inclusive, if any)
  Span leading;           // the whitespace and comments between the previous statement and this one
  Node node;              // the statement node, e.g. {"IndexStmt": {...}}
  std::string_view text;  // the source text of `span`

  std::string_view type() const { return node.type(); }
};

struct SyntaxError {
  std::string message;  // PostgreSQL's message, e.g. syntax error at or near ","
  std::size_t offset;   // byte offset in the file
};

// `-- mgate:ignore rule-a, rule-b -- reason` before a statement, or
// `-- mgate:ignore-file rule-a` anywhere between statements.
struct Suppression {
  std::vector<std::string> rules;
  std::string reason;
  Span comment;                          // where the comment is
  bool whole_file = false;               // mgate:ignore-file
  std::optional<std::size_t> statement;  // the statement an mgate:ignore covers, if any
};

// The parsed statements of one section of a file (a whole file, or a dbmate/goose section).
struct ParsedScript {
  const SourceFile* file = nullptr;
  Span section;
  std::vector<Statement> statements;
  std::optional<SyntaxError> error;
  std::vector<Suppression> suppressions;
  std::vector<std::shared_ptr<const Tree>> trees;  // keeps `statements[i].node` alive
};

// Parses the bytes `section` of `file` (clamped to the file). Never throws on bad SQL: a syntax
// error is recorded in `error`, and the statements around it are still returned where the
// scanner can separate them.
ParsedScript parse_script(const SourceFile& file, Span section = {0, std::string::npos});

}  // namespace mgate::sql
