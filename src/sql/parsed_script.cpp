#include "sql/parsed_script.hpp"

#include <pg_query.h>

#include <algorithm>
#include <atomic>
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

// Scripts from this size on are parsed in chunks, on as many threads as there are cores:
// PostgreSQL's parser is most of a lint run, and a single large file would otherwise keep one
// core busy while the others idle. Chunks of about kChunk bytes let the reading thread go on with
// the first statements while the later ones are parsed.
constexpr std::size_t kParallelFrom = 256 * 1024;
constexpr std::size_t kChunk = 64 * 1024;
constexpr std::size_t kMostChunks = 256;

// Where a large script is cut: after a ";" that ends a line, near every kChunk bytes. Only the
// start (0) when the script is parsed whole.
std::vector<std::size_t> chunk_cuts(const std::string& sql) {
  std::vector<std::size_t> cuts = {0};
  if (sql.size() < kParallelFrom) return cuts;
  // Small scripts first: hardware_concurrency reads /sys on every call.
  if (std::thread::hardware_concurrency() < 2) return cuts;
  const std::size_t count = std::min(kMostChunks, sql.size() / kChunk);
  for (std::size_t k = 1; k < count; ++k) {
    std::size_t at = sql.find(";\n", std::max(cuts.back(), sql.size() * k / count));
    if (at == std::string::npos) break;
    cuts.push_back(at + 1);
  }
  return cuts;
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

struct ScriptParse::Chunk {
  std::size_t begin = 0;  // in sql_
  std::size_t end = 0;
  ParseOutcome outcome;
  std::atomic<bool> parsed{false};
};

ScriptParse::ScriptParse(const SourceFile& file, Span section) {
  std::string_view text = file.text();
  section.end = std::min(section.end, text.size());
  section.begin = std::min(section.begin, section.end);
  script_.file = &file;
  script_.section = section;
  previous_end_ = section.begin;

  sql_ = std::string(text.substr(section.begin, section.size()));
  if (std::size_t nul = sql_.find('\0'); nul != std::string::npos) {
    nul_error_ = SyntaxError{
        "the file contains a NUL byte (0x00), which no SQL text holds and PostgreSQL cannot "
        "receive (a file saved as UTF-16 is full of them): save it as UTF-8 text",
        section.begin + nul};
    sql_.resize(nul);
  }
  std::vector<std::size_t> cuts = chunk_cuts(sql_);
  if (cuts.size() < 2) return;  // parsed whole, by finish()
  cuts.push_back(sql_.size());
  chunk_count_ = cuts.size() - 1;
  chunks_ = std::make_unique<Chunk[]>(chunk_count_);
  for (std::size_t k = 0; k < chunk_count_; ++k) {
    chunks_[k].begin = cuts[k];
    chunks_[k].end = cuts[k + 1];
  }
  // Every statement but the last ends with a ";": statements read stay where they are.
  script_.statements.reserve(static_cast<std::size_t>(std::count(sql_.begin(), sql_.end(), ';')) +
                             1);
  gradual_ = !nul_error_ && sql_.find("mgate:ignore") == std::string::npos;
  unsigned threads = std::thread::hardware_concurrency();
  for (unsigned w = 1; w < threads && w < chunk_count_; ++w) {
    try {
      workers_.emplace_back([this] {
        advise_huge_pages_for_heap(32 << 20);  // its part of the trees, in its own arena
        while (parse_untaken_chunk()) {
        }
      });
    } catch (const std::system_error&) {
      break;  // no thread to be had: the reading thread parses what no worker takes
    }
  }
}

ScriptParse::~ScriptParse() {
  next_chunk_.store(chunk_count_);  // what no worker has taken stays unparsed
  for (std::thread& worker : workers_) worker.join();
}

void ScriptParse::parse_chunk(std::size_t k) {
  Chunk& chunk = chunks_[k];
  chunk.outcome = run_parser(sql_.substr(chunk.begin, chunk.end - chunk.begin));
  chunk.parsed.store(true, std::memory_order_release);
  parsed_count_.fetch_add(1, std::memory_order_release);
  parsed_count_.notify_all();
}

bool ScriptParse::parse_untaken_chunk() {
  std::size_t k = next_chunk_.fetch_add(1);
  if (k >= chunk_count_) return false;
  parse_chunk(k);
  return true;
}

bool ScriptParse::chunk_parsed(std::size_t k) const {
  return chunks_[k].parsed.load(std::memory_order_acquire);
}

bool ScriptParse::advance() {
  const std::size_t k = chunks_read_;
  if (k >= chunk_count_) return false;
  const std::uint32_t seen = parsed_count_.load(std::memory_order_acquire);
  const bool last = k + 1 == chunk_count_;
  if (chunk_parsed(k) && (last || chunk_parsed(k + 1))) {
    // A chunk that parsed, followed by one that parsed too, ends at a statement boundary.
    if (!chunks_[k].outcome.tree || (!last && !chunks_[k + 1].outcome.tree)) return false;
    const std::size_t base = script_.section.begin;
    add_statements(script_, chunks_[k].outcome.tree, script_.file->text(), base + chunks_[k].begin,
                   base + chunks_[k].end, previous_end_);
    chunks_[k].outcome = {};
    ++chunks_read_;
    return true;
  }
  if (!parse_untaken_chunk()) parsed_count_.wait(seen, std::memory_order_acquire);
  return true;
}

const Statement* ScriptParse::statement(std::size_t index) {
  while (index >= script_.statements.size()) {
    if (finished_) return nullptr;
    if (!advance()) finish();
  }
  return &script_.statements[index];
}

void ScriptParse::finish() {
  if (finished_) return;
  while (advance()) {
  }
  next_chunk_.store(chunk_count_);
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
  // Whatever no chunk gave: the whole script, or the text after the chunks read when one failed.
  if (chunk_count_ == 0 || chunks_read_ < chunk_count_) {
    const std::size_t from = chunk_count_ == 0 ? 0 : chunks_[chunks_read_].begin;
    std::string after;
    if (from > 0) after = sql_.substr(from);
    const std::string& rest = from > 0 ? after : sql_;
    const std::size_t base = script_.section.begin + from;
    if (ParseOutcome whole = run_parser(rest); whole.tree) {
      add_statements(script_, whole.tree, script_.file->text(), base, base + rest.size(),
                     previous_end_);
    } else {
      script_.error = SyntaxError{whole.error->message, base + whole.error->offset};
      parse_piecewise(script_, rest, script_.file->text(), base, previous_end_);
    }
  }
  chunks_.reset();
  // PostgreSQL reads a byte order mark as part of the first word; the layouts whose tool strips
  // it (discovery) start the section after it.
  if (script_.error && sql_.starts_with(kByteOrderMark)) {
    script_.error = SyntaxError{
        "the file starts with a UTF-8 byte order mark (U+FEFF), which this layout's migration "
        "tool sends to PostgreSQL as it is, and PostgreSQL rejects: save the file as UTF-8 "
        "without a BOM",
        script_.section.begin};
  }
  // Whatever else is wrong, a NUL byte is: the text after it would never reach the server.
  if (nul_error_) script_.error = nul_error_;
  find_suppressions(script_, script_.file->text());
  sql_ = std::string();
  finished_ = true;
}

ParsedScript ScriptParse::take() {
  finish();
  return std::move(script_);
}

ParsedScript parse_script(const SourceFile& file, Span section) {
  return ScriptParse(file, section).take();
}

}  // namespace mgate::sql
