#include "sql/parsed_script.hpp"

#include <pg_query.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "core/heap.hpp"
#include "sql/lexer.hpp"

// libpg_query's pg_query_parse shares an object file with pg_query_parse_protobuf, whose call of
// this function would link the protobuf output (its descriptors: 180 KB of pointers, and 7,800
// of the binary's 12,400 relocations done at every start). mgate reads the JSON output only, and
// the linker takes this definition instead of extracting libpg_query's: it must stay in a file
// that is always linked, or the protobuf code comes back without a word.
extern "C" PgQueryProtobuf pg_query_nodes_to_protobuf(const void*) {
  std::abort();  // only pg_query_parse_protobuf calls it, and mgate never does
}

namespace mgate::sql {
namespace {

struct ParseOutcome {
  std::shared_ptr<const Tree> tree;
  std::optional<SyntaxError> error;  // offset relative to the parsed text
};

// Runs PostgreSQL's parser on `sql` (NUL-terminated).
ParseOutcome run_parser(const std::string& sql) {
  ParseOutcome out;
  PgQueryParseResult result = pg_query_parse(sql.c_str());
  if (result.error) {
    // cursorpos counts characters from 1; 0 means PostgreSQL gave no position.
    std::size_t chars = result.error->cursorpos > 0 ? result.error->cursorpos - 1 : 0;
    std::size_t offset = 0;
    while (chars > 0 && offset < sql.size()) {
      ++offset;
      while (offset < sql.size() && (static_cast<unsigned char>(sql[offset]) & 0xC0) == 0x80)
        ++offset;
      --chars;
    }
    out.error = SyntaxError{result.error->message ? result.error->message : "syntax error", offset};
  } else {
    try {
      out.tree = std::make_shared<const Tree>(result.parse_tree, std::strlen(result.parse_tree));
    } catch (const std::exception& e) {
      out.error = SyntaxError{e.what(), 0};
    }
  }
  pg_query_free_parse_result(result);
  return out;
}

// Appends the statements of a parse tree whose text starts at `base` in `text`, and which
// covers `text` up to `limit`.
void add_statements(ParsedScript& script, const std::shared_ptr<const Tree>& tree,
                    std::string_view text, std::size_t base, std::size_t limit,
                    std::size_t& previous_end) {
  for (Node raw : tree->root()["stmts"].items()) {
    const int64_t location = raw["stmt_location"].integer();
    const int64_t len = raw["stmt_len"].integer();
    std::size_t begin = base + static_cast<std::size_t>(location);
    std::size_t end = len == 0 ? limit : base + static_cast<std::size_t>(location + len);
    end = std::min(end, limit);
    std::size_t start = skip_trivia(text.substr(0, end), begin);
    std::size_t stop = last_token_end(text, start, end);
    std::size_t semicolon = skip_trivia(text.substr(0, limit), stop);
    if (semicolon < limit && text[semicolon] == ';') stop = semicolon + 1;
    Statement statement;
    statement.span = {start, stop};
    statement.leading = {previous_end, start};
    statement.node = raw["stmt"];
    statement.text = text.substr(start, stop - start);
    script.statements.push_back(statement);
    previous_end = stop;
  }
  script.trees.push_back(tree);
}

// After a syntax error: separate the statements with the scanner and parse each on its own, so
// one bad statement does not hide the findings of the others.
void parse_piecewise(ParsedScript& script, const std::string& sql, std::string_view text,
                     std::size_t base, std::size_t& previous_end) {
  PgQuerySplitResult split = pg_query_split_with_scanner(sql.c_str());
  if (!split.error) {
    for (int i = 0; i < split.n_stmts; ++i) {
      std::size_t loc = static_cast<std::size_t>(split.stmts[i]->stmt_location);
      std::size_t len = static_cast<std::size_t>(split.stmts[i]->stmt_len);
      std::string piece = sql.substr(loc, len);
      ParseOutcome outcome = run_parser(piece);
      if (outcome.tree) {
        // Pieces end before their semicolon; the statements' spans take it in.
        std::size_t limit = std::min(base + loc + len + 1, base + sql.size());
        add_statements(script, outcome.tree, text, base + loc, limit, previous_end);
      }
    }
  }
  pg_query_free_split_result(split);
}

// Scripts from this size on are parsed in chunks, one thread each: PostgreSQL's parser is most of
// a lint run, and a single large file would otherwise keep one core busy while the others idle.
constexpr std::size_t kParallelFrom = 256 * 1024;

// Parses a large script as consecutive chunks, cut after a ";" that ends a line, on as many
// threads as there are cores. A cut that is no statement boundary (inside a string, a comment,
// a dollar-quoted body, parentheses, BEGIN ATOMIC) leaves the chunk before it unterminated, so
// that chunk fails to parse: then, or when any chunk fails, nothing is kept and the caller parses
// the script whole. Returns whether the chunks were used.
bool parse_in_parallel(ParsedScript& script, const std::string& sql, std::string_view text,
                       std::size_t base, std::size_t& previous_end) {
  // Small scripts first: hardware_concurrency reads /sys on every call.
  if (sql.size() < kParallelFrom) return false;
  unsigned threads = std::thread::hardware_concurrency();
  if (threads < 2) return false;
  std::vector<std::size_t> cuts = {0};
  for (unsigned k = 1; k < threads; ++k) {
    std::size_t at = sql.find(";\n", std::max(cuts.back(), sql.size() * k / threads));
    if (at == std::string::npos) break;
    cuts.push_back(at + 1);
  }
  cuts.push_back(sql.size());
  std::vector<ParseOutcome> outcomes(cuts.size() - 1);
  std::vector<std::thread> workers;
  for (std::size_t i = 1; i < outcomes.size(); ++i) {
    workers.emplace_back([&, i] {
      advise_huge_pages_for_heap(32 << 20);  // its part of the tree, in its own arena
      outcomes[i] = run_parser(sql.substr(cuts[i], cuts[i + 1] - cuts[i]));
    });
  }
  outcomes[0] = run_parser(sql.substr(cuts[0], cuts[1] - cuts[0]));
  for (std::thread& worker : workers) worker.join();
  for (const ParseOutcome& outcome : outcomes) {
    if (!outcome.tree) return false;
  }
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    add_statements(script, outcomes[i].tree, text, base + cuts[i], base + cuts[i + 1],
                   previous_end);
  }
  return true;
}

void find_suppressions(ParsedScript& script, std::string_view text) {
  auto scan = [&](Span region, std::optional<std::size_t> statement) {
    for (Span comment : comments(text, region.begin, region.end)) {
      std::string_view body = text.substr(comment.begin, comment.size());
      std::size_t at = body.find("mgate:ignore");
      if (at == std::string_view::npos || body.substr(0, 2) != "--") continue;
      std::string_view rest = body.substr(at + std::strlen("mgate:ignore"));
      Suppression s;
      s.comment = comment;
      s.statement = statement;
      if (rest.substr(0, 5) == "-file") {
        rest.remove_prefix(5);
        s.whole_file = true;
        s.statement = std::nullopt;
      }
      std::size_t reason_at = rest.find("--");
      if (reason_at != std::string_view::npos) {
        std::string_view reason = rest.substr(reason_at + 2);
        while (!reason.empty() && (reason.front() == ' ' || reason.front() == '\t'))
          reason.remove_prefix(1);
        while (!reason.empty() && (reason.back() == ' ' || reason.back() == '\r'))
          reason.remove_suffix(1);
        s.reason = std::string(reason);
        rest = rest.substr(0, reason_at);
      }
      std::string rule;
      for (char c : std::string(rest) + ",") {
        if (c == ',' || c == ' ' || c == '\t' || c == '\r') {
          if (!rule.empty()) s.rules.push_back(rule);
          rule.clear();
        } else {
          rule += c;
        }
      }
      script.suppressions.push_back(std::move(s));
    }
  };
  for (std::size_t i = 0; i < script.statements.size(); ++i) scan(script.statements[i].leading, i);
  std::size_t tail =
      script.statements.empty() ? script.section.begin : script.statements.back().span.end;
  // Whatever follows the last statement (or an unparseable rest) is scanned only up to the
  // first thing that is not a comment.
  scan({tail, script.section.end}, std::nullopt);
}

}  // namespace

ParsedScript parse_script(const SourceFile& file, Span section) {
  std::string_view text = file.text();
  section.end = std::min(section.end, text.size());
  section.begin = std::min(section.begin, section.end);
  ParsedScript script;
  script.file = &file;
  script.section = section;

  std::string sql(text.substr(section.begin, section.size()));
  std::size_t nul = sql.find('\0');
  std::optional<SyntaxError> nul_error;
  if (nul != std::string::npos) {
    nul_error = SyntaxError{
        "the file contains a NUL byte (0x00), which no SQL text holds and PostgreSQL cannot "
        "receive (a file saved as UTF-16 is full of them): save it as UTF-8 text",
        section.begin + nul};
    sql.resize(nul);
  }
  std::size_t limit = section.begin + sql.size();
  std::size_t previous_end = section.begin;

  if (parse_in_parallel(script, sql, text, section.begin, previous_end)) {
    // Parsed as chunks on several threads.
  } else if (ParseOutcome whole = run_parser(sql); whole.tree) {
    add_statements(script, whole.tree, text, section.begin, limit, previous_end);
  } else {
    script.error = SyntaxError{whole.error->message, section.begin + whole.error->offset};
    parse_piecewise(script, sql, text, section.begin, previous_end);
  }
  // PostgreSQL reads a byte order mark as part of the first word; the layouts whose tool strips
  // it (discovery) start the section after it.
  if (script.error && sql.starts_with(kByteOrderMark)) {
    script.error = SyntaxError{
        "the file starts with a UTF-8 byte order mark (U+FEFF), which this layout's migration "
        "tool sends to PostgreSQL as it is, and PostgreSQL rejects: save the file as UTF-8 "
        "without a BOM",
        section.begin};
  }
  // Whatever else is wrong, a NUL byte is: the text after it would never reach the server.
  if (nul_error) script.error = nul_error;
  find_suppressions(script, text);
  return script;
}

}  // namespace mgate::sql
