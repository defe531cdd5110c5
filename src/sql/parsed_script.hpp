#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
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

// One script's parse, whose statements can be read in order while it goes on: the lint of a
// file of 20,000 statements overlaps its parse instead of waiting for all of it.
//
// A large script (256 KiB or more, on a machine of several cores) is cut into chunks after a ";"
// that ends a line, parsed by worker threads and by the thread that reads it. A chunk's
// statements are read once it and the chunk after it parsed: a cut that is no statement boundary
// (inside a string, a comment, a dollar-quoted body, parentheses, BEGIN ATOMIC) leaves the chunk
// before it unterminated, so that it fails. When a chunk fails, the text after the statements
// read so far is parsed whole, as a smaller script is. The result is the same as parse_script's.
class ScriptParse {
 public:
  ScriptParse(const SourceFile& file, Span section);
  ~ScriptParse();  // stops and joins the workers
  ScriptParse(const ScriptParse&) = delete;
  ScriptParse& operator=(const ScriptParse&) = delete;

  // Whether statements come before the parse is over: the script is parsed in chunks, and its
  // text holds no suppression comment (an `mgate:ignore-file` after a statement covers it, and
  // suppressions are read when the parse is over).
  bool gradual() const { return gradual_; }

  // Statement `index`, once it is known, parsing on this thread meanwhile; null past the last
  // statement, when the parse is over. A statement stays where it is for the script's life.
  const Statement* statement(std::size_t index);
  // Parses what is left. The script is whole from then on.
  void finish();
  bool finished() const { return finished_; }
  // The statements read so far; the whole script once finished. Only the thread that reads the
  // parse may look while it goes on.
  const ParsedScript& script() const { return script_; }
  // Finishes and hands the script over; the parse holds nothing after.
  ParsedScript take();

 private:
  struct Chunk;
  // Reads one more chunk's statements, or parses a chunk no thread has taken, or waits for one
  // a worker is parsing. False when no chunk can be read any more: all are read, or one failed.
  bool advance();
  bool parse_untaken_chunk();
  bool chunk_parsed(std::size_t k) const;
  void parse_chunk(std::size_t k);

  ParsedScript script_;
  std::string sql_;  // the section's text, up to a NUL byte if there is one
  std::optional<SyntaxError> nul_error_;
  std::size_t previous_end_ = 0;
  std::unique_ptr<Chunk[]> chunks_;
  std::size_t chunk_count_ = 0;
  std::size_t chunks_read_ = 0;
  std::atomic<std::size_t> next_chunk_{0};
  std::atomic<std::uint32_t> parsed_count_{0};  // waited on for a worker's chunk
  std::vector<std::thread> workers_;
  bool gradual_ = false;
  bool finished_ = false;
};

}  // namespace mgate::sql
