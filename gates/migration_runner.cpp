#include "gates/migration_runner.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "core/quantity.hpp"
#include "gates/gate.hpp"
#include "sql/statement_facts.hpp"

namespace mgate {
namespace {

std::string trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return std::string(text);
}

// The character `position` (from 1) of the text that starts at byte `begin`.
Location at_character(const SourceFile& file, std::size_t begin, int position, Span sent) {
  std::size_t at =
      file.advance_code_points(begin, static_cast<std::size_t>(std::max(position, 1) - 1));
  at = std::min(at, sent.end);
  return locate(file, {at, at});
}

// `relation "name" does not exist` from a statement that carries no position (most DDL): the
// one place in the statement that names that relation, if there is exactly one.
std::optional<Location> missing_relation(const SourceFile& file, Span sent,
                                         const pg::ServerError& error) {
  constexpr std::string_view kPrefix = "relation \"", kSuffix = "\" does not exist";
  std::string_view message = error.message;
  if (error.sqlstate != "42P01" || !message.starts_with(kPrefix) || !message.ends_with(kSuffix))
    return std::nullopt;
  std::string_view name =
      message.substr(kPrefix.size(), message.size() - kPrefix.size() - kSuffix.size());
  // Locations are byte offsets in the text parsed: the statement alone, parsed again.
  sql::ParsedScript alone = sql::parse_script(file, sent);
  if (alone.error || alone.statements.size() != 1) return std::nullopt;
  std::vector<int64_t> found;
  for (const sql::RelationMention& mention :
       sql::relation_mentions(alone.statements.front().node)) {
    if (mention.name == name && mention.location >= 0) found.push_back(mention.location);
  }
  if (found.size() != 1) return std::nullopt;
  std::size_t at = std::min(sent.begin + static_cast<std::size_t>(found.front()), sent.end);
  return locate(file, {at, at});
}

// PostgreSQL's error position counts characters from 1 within the text it was sent. An error
// inside a DO block or a function body comes with the inner query instead: when that text
// occurs exactly once in what was sent, it is the place, else the statement's start is.
Location error_location(const SourceFile& file, Span sent, const pg::ServerError& error) {
  if (error.position > 0) return at_character(file, sent.begin, error.position, sent);
  if (!error.internal_query.empty()) {
    std::string_view text = file.slice(sent);
    std::size_t at = text.find(error.internal_query);
    if (at != std::string_view::npos &&
        text.find(error.internal_query, at + 1) == std::string_view::npos) {
      return at_character(file, sent.begin + at, error.internal_position, sent);
    }
  }
  if (auto named = missing_relation(file, sent, error)) return *named;
  return locate(file, sent);
}

}  // namespace

std::optional<ScriptFailure> unsendable(const sql::ParsedScript& script) {
  const SourceFile& file = *script.file;
  std::size_t nul = file.slice(script.section).find('\0');
  if (nul == std::string_view::npos) return std::nullopt;
  std::size_t at = script.section.begin + nul;
  pg::ServerError error;
  // What PostgreSQL says of a NUL in text it is given (e.g. by COPY): invalid byte sequence.
  error.sqlstate = "22021";
  error.message = script.error ? script.error->message : "the script contains a NUL byte";
  return ScriptFailure{locate(file, {at, at + 1}), std::move(error),
                       trimmed(file.slice({script.section.begin, at}))};
}

std::optional<ScriptFailure> apply_script(pg::Session& session, const sql::ParsedScript& script,
                                          const ExecutionPlan& plan) {
  const bool transactional = plan.runs_in_transaction();
  const SourceFile& file = *script.file;
  auto rolled_back = [&](ScriptFailure failure) {
    if (transactional || failure.error.sqlstate.starts_with("25")) session.execute("ROLLBACK");
    return failure;
  };
  auto fail = [&](Span sent, pg::ServerError error) {
    return rolled_back(ScriptFailure{error_location(file, sent, error), std::move(error),
                                     trimmed(file.slice(sent))});
  };
  // A script that does not parse is sent whole: the server sees exactly what the migration
  // tool would send, and says where it breaks.
  bool wrapped = transactional && !script.error;
  if (wrapped) {
    if (auto error = session.execute("BEGIN")) return fail(script.section, *error);
  }
  if (auto failure = apply_in_open_transaction(session, script)) return rolled_back(*failure);
  if (wrapped) {
    if (auto error = session.execute("COMMIT")) {
      if (script.statements.empty()) return fail(script.section, *error);
      ScriptFailure failure = fail(script.statements.back().span, *error);
      failure.failed = &script.statements.back();
      return failure;
    }
  }
  return std::nullopt;
}

std::optional<ScriptFailure> apply_in_open_transaction(pg::Session& session,
                                                       const sql::ParsedScript& script) {
  const SourceFile& file = *script.file;
  auto fail = [&](Span sent, pg::ServerError error) {
    return ScriptFailure{error_location(file, sent, error), std::move(error),
                         trimmed(file.slice(sent))};
  };
  if (auto failure = unsendable(script)) return failure;
  if (script.error) {
    if (auto error = session.execute(file.slice(script.section)))
      return fail(script.section, *error);
    return std::nullopt;
  }
  for (const sql::Statement& statement : script.statements) {
    if (auto error = session.execute(statement.text)) {
      ScriptFailure failure = fail(statement.span, *error);
      failure.failed = &statement;
      return failure;
    }
  }
  return std::nullopt;
}

std::optional<ScriptFailure> apply_as_if_committed(pg::Session& session,
                                                   const sql::ParsedScript& script) {
  if (auto failure = apply_in_open_transaction(session, script)) return failure;
  // SET CONSTRAINTS ALL IMMEDIATE checks what is pending now; inside a savepoint, whose
  // rollback puts every constraint back to its own mode.
  auto own = [&](std::string_view sql) {
    if (auto error = session.execute(sql)) {
      throw EnvironmentError(fmt::format("{} failed: {}", sql, error->message));
    }
  };
  // One round trip: the savepoint cannot fail in a transaction whose statements all succeeded.
  if (auto error = session.execute("SAVEPOINT mgate_commit_check; SET CONSTRAINTS ALL IMMEDIATE")) {
    const SourceFile& file = *script.file;
    Span last = script.statements.empty() ? script.section : script.statements.back().span;
    ScriptFailure failure{error_location(file, last, *error), std::move(*error),
                          trimmed(file.slice(last))};
    if (!script.statements.empty()) failure.failed = &script.statements.back();
    return failure;
  }
  own("ROLLBACK TO SAVEPOINT mgate_commit_check; RELEASE SAVEPOINT mgate_commit_check");
  return std::nullopt;
}

bool runs_inside_outer_transaction(const sql::ParsedScript& script, const ExecutionPlan& plan) {
  // A script that does not parse is sent whole, and what the server would make of it is
  // unknown here.
  if (script.error || !plan.non_transactional.empty()) return false;
  // Statements its tool commits one by one may depend on each other's commits (a new enum
  // value used after ALTER TYPE ... ADD VALUE); a lone statement depends on nothing.
  if (!plan.runs_in_transaction() && script.statements.size() > 1) return false;
  // SET TRANSACTION must come first in its transaction: the second up would not be first.
  return std::none_of(script.statements.begin(), script.statements.end(),
                      [](const sql::Statement& s) { return sql::controls_transaction(s.node); });
}

std::optional<ScriptFailure> apply_in_database(pg::EphemeralServer& server,
                                               const std::string& database,
                                               const sql::ParsedScript& script,
                                               const ExecutionPlan& plan, const Config& config) {
  std::optional<ScriptFailure> failure;
  int pid = 0;
  {
    pg::Session session(server.owner(database), config.postgres.statement_timeout);
    pid = session.backend_pid();
    failure = apply_script(session, script, plan);
  }
  server.wait_for_backends({pid});
  return failure;
}

void create_history_table(pg::EphemeralServer& server, const std::string& database,
                          const Layout& layout, const Config& config) {
  if (layout.history_table.empty()) return;
  int pid = 0;
  {
    pg::Session session(server.owner(database), config.postgres.statement_timeout);
    pid = session.backend_pid();
    if (auto error = session.execute(layout.history_table)) {
      throw EnvironmentError(
          fmt::format("cannot create {}'s history table: {}", layout.tool, error->message));
    }
  }
  server.wait_for_backends({pid});
}

std::unique_ptr<pg::Connection> open_connection(const pg::Endpoint& endpoint) {
  return std::make_unique<pg::Connection>(endpoint);
}

void close_connection(pg::EphemeralServer& server, std::unique_ptr<pg::Connection>& c) {
  int pid = c->backend_pid();
  c.reset();
  server.wait_for_backends({pid});
}

Finding failure_finding(std::string_view rule, const Migration& migration,
                        const ScriptFailure& failure, std::string_view what,
                        std::chrono::milliseconds statement_timeout) {
  const pg::ServerError& e = failure.error;
  Finding f = finding(rule, Level::error, migration, failure.location);
  if (e.terminated) {
    f.message = fmt::format(
        "migration {}: {} ran past postgres.statement_timeout ({} ms) and went on after "
        "repeated cancel requests, so mgate terminated its backend: in production nothing "
        "but ending its session stops it",
        migration.id(), what, statement_timeout.count());
    f.help =
        "Do not catch query_canceled (EXCEPTION WHEN query_canceled or WHEN OTHERS around a "
        "loop), and make the statement fast";
  } else if (e.timed_out()) {
    f.message = fmt::format(
        "migration {}: {} was cancelled after postgres.statement_timeout ({} ms): in "
        "production it would hold its locks at least that long",
        migration.id(), what, statement_timeout.count());
    f.help =
        "Make the statement fast (batch the work, build indexes CONCURRENTLY), or raise "
        "postgres.statement_timeout if it is expected to be slow";
  } else {
    f.message = fmt::format("migration {}: {} fails: ERROR {}: {}", migration.id(), what,
                            e.sqlstate.empty() ? "?????" : e.sqlstate, e.message);
    if (!e.detail.empty()) f.message += fmt::format(" (DETAIL: {})", e.detail);
    f.help = e.hint.empty()
                 ? "Fix the statement: the real migration tool stops here, and the migration is "
                   "not applied"
                 : fmt::format("PostgreSQL's hint: {}", e.hint);
  }
  // A statement stopped by the timeout held its locks that long; one that failed does not apply.
  bool stopped = e.terminated || e.timed_out();
  f.risk = stopped ? "blocking" : "failure";
  f.measured = stopped ? fmt::format("{} ran past postgres.statement_timeout ({})", what,
                                     duration_text(static_cast<double>(statement_timeout.count())))
                       : fmt::format("{} failed: ERROR {}: {}", what,
                                     e.sqlstate.empty() ? "?????" : e.sqlstate, e.message);
  f.evidence = {{"sqlstate", e.sqlstate}, {"message", e.message}, {"statement", failure.statement}};
  if (!e.detail.empty()) f.evidence["detail"] = e.detail;
  if (!e.hint.empty()) f.evidence["hint"] = e.hint;
  if (!e.context.empty()) f.evidence["context"] = e.context;
  if (!e.internal_query.empty()) f.evidence["internal_query"] = e.internal_query;
  return f;
}

Finding deadline_finding(std::string_view rule, const Migration& migration, Location where,
                         const pg::DeadlineExceeded& timeout) {
  Finding f = finding(rule, Level::error, migration, std::move(where));
  f.message = fmt::format(
      "at migration {}, {} did not end within postgres.statement_timeout ({} ms), even after "
      "repeated cancel requests, and mgate ended it: code the migrations defined (a trigger, a "
      "default, a CHECK, a function) runs that long or ignores cancellation, and would hang the "
      "same statements in production",
      migration.id(), timeout.step(), timeout.budget().count());
  f.help =
      "Find the trigger, default, constraint or function that loops or sleeps and fix it; if "
      "the data is only large, raise postgres.statement_timeout or lower fixtures.rows";
  f.evidence = {{"step", timeout.step()}, {"budget_ms", timeout.budget().count()}};
  return f;
}

}  // namespace mgate
