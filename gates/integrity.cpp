// integrity: on a database holding fixture rows, each gated migration keeps the data it should:
// row counts, constraints (NOT VALID ones included), valid indexes, the migration's own verify
// query, and up then down restores every row.
#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <set>

#include "gates/gate.hpp"
#include "gates/migration_runner.hpp"
#include "pg/connection.hpp"
#include "pg/constraint_violations.hpp"
#include "pg/dump_restore.hpp"
#include "pg/ephemeral_server.hpp"
#include "pg/fixture_data.hpp"
#include "pg/schema_snapshot.hpp"
#include "pg/session.hpp"
#include "pg/table_data.hpp"
#include "pg/watchdog.hpp"
#include "sql/column_demands.hpp"
#include "sql/statement_facts.hpp"

namespace mgate {
namespace {

constexpr std::string_view kRowsLost = "integrity-rows-lost";
constexpr std::string_view kViolated = "integrity-constraint-violated";
constexpr std::string_view kInvalidIndex = "integrity-invalid-index";
constexpr std::string_view kRollbackData = "integrity-rollback-data-lost";
constexpr std::string_view kVerifyFailed = "integrity-verify-failed";
constexpr std::string_view kUnfilled = "integrity-fixture-unfilled";
constexpr std::string_view kFailsOnData = "integrity-fails-on-data";
constexpr std::string_view kRestoreFailed = "integrity-restore-failed";
constexpr std::string_view kRestoreMismatch = "integrity-restore-mismatch";
constexpr std::string_view kTimeout = "integrity-timeout";
constexpr int kSampleKeys = 5;

std::string without_public(std::string name) {
  return name.starts_with("public.") ? name.substr(7) : name;
}

// Tables whose rows the migration means to remove: DROP TABLE, DELETE, TRUNCATE.
std::set<std::string> emptied_tables(const sql::ParsedScript& up) {
  std::set<std::string> out;
  for (const sql::Statement& s : up.statements) {
    for (std::string& table : sql::emptied_tables(s.node)) out.insert(std::move(table));
  }
  return out;
}

// One table's rows in two databases, compared by checksum over the columns both have.
struct TableRows {
  pg::TableData was;
  pg::TableData now;
  std::vector<std::string> columns;
  std::string expected;  // the checksum in `was`
  std::string actual;    // in `now`

  bool same() const { return expected == actual; }
};

// Every table of `was` that `now` has too (by name), in `was`'s order. A table missing from
// `now` is a schema difference, which the callers' schema checks report.
std::vector<TableRows> compare_table_rows(pg::Connection& was, pg::Connection& now) {
  std::map<std::string, pg::TableData> now_tables;
  for (auto& [_, t] : pg::read_table_data(now)) now_tables.emplace(t.name, t);
  std::vector<TableRows> out;
  for (const auto& [_, t] : pg::read_table_data(was)) {
    auto there = now_tables.find(t.name);
    if (there == now_tables.end()) continue;
    TableRows& rows = out.emplace_back(TableRows{t, there->second, {}, {}, {}});
    std::set_intersection(t.columns.begin(), t.columns.end(), there->second.columns.begin(),
                          there->second.columns.end(), std::back_inserter(rows.columns));
    rows.expected = pg::checksum(was, rows.was, rows.columns);
    rows.actual = pg::checksum(now, rows.now, rows.columns);
  }
  return out;
}

class IntegrityGate : public Gate {
 public:
  std::string_view name() const override { return "integrity"; }
  bool dynamic() const override { return true; }

  std::vector<RuleDescriptor> rules() const override {
    return {
        rule(kRowsLost, Level::error,
             "A table has fewer rows after the migration, which neither drops, deletes from nor "
             "truncates it."),
        rule(kViolated, Level::error,
             "After the migration, rows break a constraint (NOT VALID ones included) or a NOT "
             "NULL column holds NULL."),
        rule(kInvalidIndex, Level::error, "After the migration, an index is invalid."),
        rule(kRollbackData, Level::error,
             "After up and down, the rows of a table differ from the rows before up."),
        rule(kVerifyFailed, Level::error,
             "The migration's verify query fails, returns false or returns rows."),
        rule(kUnfilled, Level::note, "The fixture generator could not fill a table."),
        rule(kFailsOnData, Level::error,
             "The migration fails on a database that holds rows, though it runs on an empty one."),
        rule(kRestoreFailed, Level::error,
             "pg_dump of the database after the migration, or pg_restore of that dump into a "
             "fresh database, fails."),
        rule(kRestoreMismatch, Level::error,
             "After pg_dump and pg_restore, the schema or the rows differ from the migrated "
             "database."),
        rule(kTimeout, Level::error,
             "Loading fixture rows, the checks, the verify query, pg_dump or pg_restore ran past "
             "postgres.statement_timeout: code the migrations defined hangs it."),
    };
  }

  GateResult run(const GateInput& input) const override {
    GateResult result;
    pg::EphemeralServer& server = *input.postgres;
    std::string database = server.clone(server.base(), "integrity");
    pg::FixtureData fixtures(input.config.root, input.config.fixtures.seed,
                             {input.config.fixtures.rows, input.config.fixtures.random_seed,
                              input.config.fixtures.edge_values});
    result.metrics["migrations"] = nlohmann::json::object();
    std::string no_tools;
    std::filesystem::path bin_dir = input.config.postgres.bin_dir.empty()
                                        ? std::filesystem::path()
                                        : input.config.root / input.config.postgres.bin_dir;
    std::optional<pg::DumpTools> tools =
        pg::find_dump_tools(bin_dir, server.version_number() / 10000, no_tools);
    result.metrics["dump_restore"] =
        tools ? nlohmann::json{{"pg_dump", tools->pg_dump.string()}, {"version", tools->major}}
              : nlohmann::json{{"skipped", no_tools}};
    int checked = 0;
    const std::size_t end = std::min(input.range.end, input.set.migrations.size());
    for (std::size_t i = 0; i < end; ++i) {
      const Migration& m = input.set.migrations[i];
      if (!m.up) continue;
      const sql::ParsedScript& up = input.parsed.script(*m.up);
      if (!input.range.contains(i)) {
        // Nothing after it can be checked on this data, and it is another shard's to report.
        if (!replay(input, fixtures, database, m, up)) break;
        continue;
      }
      nlohmann::json evidence = nlohmann::json::object();
      std::string before_copy;
      bool applied = false;
      try {
        applied = check(input, tools, fixtures, database, m, up, before_copy, evidence, result);
      } catch (const pg::DeadlineExceeded& e) {
        result.findings.push_back(deadline_finding(kTimeout, m, start_of(up), e));
      }
      if (!before_copy.empty()) server.drop(before_copy);
      if (m.gated) result.metrics["migrations"][m.id()] = evidence;
      if (applied && m.gated) ++checked;
      if (!applied) {
        // Nothing after it can be checked on this data.
        result.metrics["stopped_at"] = m.id();
        break;
      }
    }
    server.drop(database);
    result.metrics["checked"] = checked;
    return result;
  }

 private:
  // A migration before the shard's range, so that its range starts on the rows an unsharded run
  // would have: fixture rows before it when it is gated, then up, and no check. Returns whether
  // up applied (in time).
  static bool replay(const GateInput& input, pg::FixtureData& fixtures, const std::string& database,
                     const Migration& m, const sql::ParsedScript& up) {
    pg::EphemeralServer& server = *input.postgres;
    try {
      if (m.gated) {
        auto c = open_connection(server.owner(database));
        fixtures.load(*c, input.config.postgres.statement_timeout);
        close_connection(server, c);
      }
      return !apply_in_database(server, database, up, input.parsed.plan(*m.up), input.config);
    } catch (const pg::DeadlineExceeded&) {
      return false;
    }
  }

  // One migration on the gate's database: fixture rows before it (when gated), then up, and the
  // checks. Returns whether up applied; `before_copy` is a clone for check_down, for the caller
  // to drop.
  static bool check(const GateInput& input, const std::optional<pg::DumpTools>& tools,
                    pg::FixtureData& fixtures, const std::string& database, const Migration& m,
                    const sql::ParsedScript& up, std::string& before_copy, nlohmann::json& evidence,
                    GateResult& result) {
    pg::EphemeralServer& server = *input.postgres;
    std::map<unsigned, pg::TableData> before;
    if (m.gated) {
      auto c = open_connection(server.owner(database));
      load_fixtures(fixtures, *c, input.config, m, up, evidence, result);
      before = pg::read_table_data(*c);
      close_connection(server, c);
    }
    if (m.gated && m.down) before_copy = server.clone(database, "integrity_before");
    std::optional<ScriptFailure> failure =
        apply_in_database(server, database, up, input.parsed.plan(*m.up), input.config);
    if (failure && m.gated) {
      Finding f = fails_on_data(input, m, *failure, before);
      add_breaking_rows(input, server, database, *failure, f);
      mention_edge_values(input.config, *failure, f);
      result.findings.push_back(std::move(f));
    }
    if (failure || !m.gated) return !failure;
    check_after_up(input, server, database, m, up, before, evidence, result);
    if (tools) check_restore(input, *tools, database, m, up, evidence, result);
    if (m.down) check_down(input, server, database, before_copy, m, evidence, result);
    return true;
  }

  // A failure here that the forward gate, on an empty database, does not see: the data makes it
  // fail (a NOT NULL column without a default, a unique index over duplicates, a cast that
  // rejects a value). It is reported with the row counts it met.
  static Finding fails_on_data(const GateInput& input, const Migration& m,
                               const ScriptFailure& failure,
                               const std::map<unsigned, pg::TableData>& before) {
    Finding f = failure_finding(kFailsOnData, m, failure, "the up migration, run on fixture rows,",
                                input.config.postgres.statement_timeout);
    f.help +=
        ". It runs on an empty database (forward gate), so the rows already in production "
        "are what break it: make the migration handle them (a DEFAULT, a backfill before the "
        "constraint, a USING that converts every value)";
    nlohmann::json rows = nlohmann::json::object();
    for (const auto& [oid, table] : before) rows[table.name] = table.rows;
    f.evidence["rows_before"] = rows;
    return f;
  }

  // For a failed SET NOT NULL or ALTER COLUMN ... TYPE: the rows that break it, counted on the
  // database as it was before the migration (the failure rolled it back), with a sample.
  static void add_breaking_rows(const GateInput& input, pg::EphemeralServer& server,
                                const std::string& database, const ScriptFailure& failure,
                                Finding& f) {
    const sql::Statement* failed = failure.failed;
    const std::string& state = failure.error.sqlstate;
    bool data = state == "23502" || state == "23514" || state.starts_with("22");
    if (!data || !failed) return;
    std::vector<sql::ColumnDemand> demands = sql::column_demands(failed->node);
    if (demands.empty()) return;
    auto c = open_connection(server.owner(database));
    // The type's conversion runs the migration's own functions (a domain's CHECK, a cast).
    pg::run_bounded(*c, input.config.postgres.statement_timeout,
                    "looking for the rows that break the statement", [&] {
                      for (const sql::ColumnDemand& d : demands) {
                        pg::ConstraintViolation v;
                        try {
                          v = pg::rows_breaking(*c, d.schema, d.table, d.column, d.type);
                        } catch (const pg::QueryFailed&) {
                          continue;  // made earlier in the script, so gone with its rollback
                        }
                        if (v.rows == 0) continue;
                        std::string what =
                            d.type.empty() ? "hold NULL in"
                                           : "hold values that do not convert to " + d.type + " in";
                        std::string rows =
                            fmt::format("{} rows of {} {} {}, e.g. {}", v.rows, v.table, what,
                                        d.column, fmt::join(v.sample, ", "));
                        f.message += "; " + rows;
                        f.measured += "; " + rows;
                        f.evidence["breaking_rows"].push_back({{"table", v.table},
                                                               {"column", d.column},
                                                               {"demand", v.definition},
                                                               {"rows", v.rows},
                                                               {"sample", v.sample}});
                      }
                    });
    close_connection(server, c);
  }

  // A failure that values may cause (rows that break a demand, duplicates, a conversion or a
  // CHECK that rejects a value) may be the edge rows': the help says so, and how to say that
  // production cannot hold them. A failure on every row (ADD COLUMN NOT NULL) is not theirs.
  static void mention_edge_values(const Config& config, const ScriptFailure& failure, Finding& f) {
    const std::string& state = failure.error.sqlstate;
    bool values = f.evidence.contains("breaking_rows") || state == "23505" || state == "23514" ||
                  state.starts_with("22");
    if (!config.fixtures.edge_values || !values) return;
    f.help +=
        ". One generated row in eight holds each column's hardest values (NULL, duplicates, "
        "empty and full-length strings, extreme numbers: fixtures.edge_values); if the "
        "production data cannot hold the values that break it, say why with "
        "`-- mgate:ignore integrity-fails-on-data -- <why>`";
  }

  // The fixture rows, with what was loaded as evidence and each table the generator could not
  // fill as a note.
  static void load_fixtures(pg::FixtureData& fixtures, pg::Connection& c, const Config& config,
                            const Migration& m, const sql::ParsedScript& up,
                            nlohmann::json& evidence, GateResult& result) {
    pg::LoadedFixtures loaded = fixtures.load(c, config.postgres.statement_timeout);
    for (const std::string& file : loaded.seeds) evidence["seeds"].push_back(file);
    for (const auto& t : loaded.generated.filled) {
      evidence["generated"][t.table] = t.rows;
      if (t.edges) evidence["edge_values"].push_back(t.table);
      if (!t.edges_refused.empty()) evidence["edge_values_refused"][t.table] = t.edges_refused;
    }
    evidence["generated_ms"] = loaded.generated_ms.count();
    for (const auto& t : loaded.generated.unfilled) {
      Finding f = finding(kUnfilled, Level::note, m, start_of(up));
      f.message = fmt::format(
          "before migration {}, the fixture generator could not fill {}, so the migration is "
          "checked against an empty {}: {}",
          m.id(), t.table, t.table, t.reason);
      f.help = "Give rows for this table in a seed file (fixtures.seed)";
      f.evidence = {{"table", t.table}, {"reason", t.reason}};
      result.findings.push_back(std::move(f));
    }
  }

  static void check_after_up(const GateInput& input, pg::EphemeralServer& server,
                             const std::string& database, const Migration& m,
                             const sql::ParsedScript& up,
                             const std::map<unsigned, pg::TableData>& before,
                             nlohmann::json& evidence, GateResult& result) {
    auto c = open_connection(server.owner(database));
    std::map<unsigned, pg::TableData> after = pg::read_table_data(*c);
    std::set<std::string> emptied = emptied_tables(up);
    Location where = start_of(up);
    for (const auto& [oid, t] : before) {
      auto now = after.find(oid);
      long long rows_after = now == after.end() ? 0 : now->second.rows;
      evidence["row_counts"][t.name] = {{"before", t.rows}, {"after", rows_after}};
      if (rows_after >= t.rows || emptied.count(without_public(t.name))) continue;
      Finding f = finding(kRowsLost, Level::error, m, where);
      f.message = fmt::format(
          "migration {} loses rows of {}: {} before, {} after, though it neither drops, deletes "
          "from nor truncates it",
          m.id(), t.name, t.rows,
          now == after.end() ? "the table is gone" : std::to_string(rows_after));
      f.help =
          "Find the statement that removes rows (a cascade, a rewrite with a filter) and "
          "make the removal explicit, or keep the rows";
      f.evidence = {{"table", t.name}, {"rows_before", t.rows}, {"rows_after", rows_after}};
      result.findings.push_back(std::move(f));
    }
    // CHECK constraints run the functions they call, verify queries are the migration's own.
    pg::run_bounded(*c, input.config.postgres.statement_timeout,
                    "checking the constraints and the verify query", [&] {
                      for (const pg::ConstraintViolation& v : pg::find_violations(*c)) {
                        result.findings.push_back(violation_finding(m, where, v));
                      }
                      if (m.verify) verify(input, *c, m, result);
                    });
    close_connection(server, c);
  }

  static Finding violation_finding(const Migration& m, const Location& where,
                                   const pg::ConstraintViolation& v) {
    bool index = v.kind == "invalid index";
    Finding f = finding(index ? kInvalidIndex : kViolated, Level::error, m, where);
    if (index) {
      f.message = fmt::format(
          "after migration {}, the index {} on {} is invalid: queries do not use it, yet every "
          "write still maintains it",
          m.id(), v.name, v.table);
      f.help = "A CREATE INDEX CONCURRENTLY failed: drop the index and build it again";
    } else {
      f.message = fmt::format("after migration {}, {} rows of {} break the {} {}{}: e.g. {}",
                              m.id(), v.rows, v.table, v.kind, v.name,
                              v.validated ? "" : " (NOT VALID: never checked against these rows)",
                              v.sample.empty() ? "" : v.sample.front());
      f.help = v.validated ? "Fix the rows in the migration before the constraint applies"
                           : "Clean up the rows before VALIDATE CONSTRAINT, which will fail on "
                             "them; until then they silently break the rule";
    }
    f.evidence = {{"kind", v.kind},           {"table", v.table},
                  {"name", v.name},           {"definition", v.definition},
                  {"validated", v.validated}, {"rows", v.rows},
                  {"sample", v.sample}};
    return f;
  }

  static void verify(const GateInput& input, pg::Connection& c, const Migration& m,
                     GateResult& result) {
    const sql::ParsedScript& script = input.parsed.script(*m.verify);
    std::string text(script.file->slice(script.section));
    Finding f = finding(kVerifyFailed, Level::error, m, start_of(script));
    f.help = "The verify query must return no rows, or rows whose first column is true";
    if (auto failure = unsendable(script)) {
      f.location = failure->location;
      f.message = fmt::format("the verify query of migration {} cannot be sent: {}", m.id(),
                              failure->error.message);
      result.findings.push_back(std::move(f));
      return;
    }
    try {
      auto rows = c.rows_rolled_back(text);
      bool ok = true;
      for (const auto& row : rows) {
        if (row.empty() || row[0] != "t") ok = false;
      }
      if (ok) return;
      f.message = fmt::format(
          "the verify query of migration {} returns {} rows that are not "
          "true after up",
          m.id(), rows.size());
      f.evidence = {{"rows", rows.size()}};
    } catch (const pg::QueryFailed& e) {
      f.message =
          fmt::format("the verify query of migration {} fails after up: {}", m.id(), e.what());
      f.evidence = {{"error", e.what()}, {"sqlstate", e.sqlstate()}};
    }
    result.findings.push_back(std::move(f));
  }

  // A dump of the database after up, restored into a fresh database, must give the same schema
  // and rows: what does not survive (a function that relies on the search_path, which pg_dump
  // empties) breaks the next restore of a backup.
  static void check_restore(const GateInput& input, const pg::DumpTools& tools,
                            const std::string& database, const Migration& m,
                            const sql::ParsedScript& up, nlohmann::json& evidence,
                            GateResult& result) {
    pg::EphemeralServer& server = *input.postgres;
    auto start = std::chrono::steady_clock::now();
    std::string restored = server.clone(server.base(), "integrity_restore");
    pg::RestoreOutcome outcome;
    try {
      outcome = pg::dump_and_restore(tools, server.owner(database), server.owner(restored),
                                     input.config.postgres.statement_timeout);
    } catch (...) {
      server.drop(restored);
      throw;
    }
    nlohmann::json& seen = evidence["dump_restore"];
    seen = {{"errors", outcome.errors},
            {"ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now() - start)
                       .count()}};
    if (!outcome.dumped || !outcome.errors.empty()) {
      Finding f = finding(kRestoreFailed, Level::error, m,
                          restore_culprit(up, outcome.errors).value_or(start_of(up)));
      std::string first = outcome.dumped ? outcome.errors.front() : outcome.dump_output;
      f.message = fmt::format(
          "after migration {}, {} fails, so a backup of this database does not come back: {}",
          m.id(), outcome.dumped ? "pg_restore of its pg_dump into a fresh database" : "pg_dump",
          first.substr(0, first.find('\n')));
      f.help =
          "pg_dump restores with an empty search_path: schema-qualify the tables a function "
          "used by a CHECK, an index or a default refers to (or give the function SET "
          "search_path)";
      f.evidence = {{"errors", outcome.dumped ? outcome.errors : std::vector{first}}};
      result.findings.push_back(std::move(f));
    }
    if (outcome.dumped) compare_restored(server, database, restored, m, up, seen, result);
    server.drop(restored);
  }

  // The CREATE FUNCTION of the up script that a restore error names in its CONTEXT ("SQL
  // function \"f\"", "PL/pgSQL function f(...)"), if any: where the fix goes.
  static std::optional<Location> restore_culprit(const sql::ParsedScript& up,
                                                 const std::vector<std::string>& errors) {
    for (const sql::Statement& s : up.statements) {
      std::string function = sql::created_function(s.node);
      if (function.empty()) continue;
      for (const std::string& e : errors) {
        if (e.find("function \"" + function + "\"") != std::string::npos ||
            e.find("function " + function + "(") != std::string::npos) {
          return locate(*up.file, s.span);
        }
      }
    }
    return std::nullopt;
  }

  static void compare_restored(pg::EphemeralServer& server, const std::string& database,
                               const std::string& restored, const Migration& m,
                               const sql::ParsedScript& up, nlohmann::json& seen,
                               GateResult& result) {
    auto was = open_connection(server.owner(database));
    auto now = open_connection(server.owner(restored));
    nlohmann::json differences = nlohmann::json::array();
    for (const pg::SchemaDifference& d :
         pg::diff(pg::SchemaSnapshot::read(*was), pg::SchemaSnapshot::read(*now))) {
      differences.push_back({{"kind", d.kind},
                             {"name", d.name},
                             {"migrated", d.before ? *d.before : "(absent)"},
                             {"restored", d.after ? *d.after : "(absent)"}});
    }
    nlohmann::json differing = nlohmann::json::array();
    for (const TableRows& t : compare_table_rows(*was, *now)) {
      seen["checksums"][t.was.name] = {{"migrated", t.expected}, {"restored", t.actual}};
      if (t.same()) continue;
      differing.push_back(
          {{"table", t.was.name}, {"rows_migrated", t.was.rows}, {"rows_restored", t.now.rows}});
    }
    close_connection(server, was);
    close_connection(server, now);
    seen["schema_differences"] = differences.size();
    if (differences.empty() && differing.empty()) return;
    Finding f = finding(kRestoreMismatch, Level::error, m, start_of(up));
    f.message = fmt::format(
        "after migration {}, a pg_dump restored into a fresh database differs from the "
        "database: {} schema objects and the rows of {} tables{}",
        m.id(), differences.size(), differing.size(),
        differing.empty() ? ""
                          : fmt::format(" (e.g. {}: {} rows, {} after the restore)",
                                        differing[0]["table"].get<std::string>(),
                                        differing[0]["rows_migrated"].get<long long>(),
                                        differing[0]["rows_restored"].get<long long>()));
    f.help =
        "Make every object restorable from a dump: schema-qualify what functions refer to, "
        "avoid objects pg_dump does not carry";
    f.evidence = {{"schema_differences", differences}, {"tables", differing}};
    result.findings.push_back(std::move(f));
  }

  // Down runs in a clone of the database after up; its rows are compared with a clone taken
  // before up, table by table over the columns present in both.
  static void check_down(const GateInput& input, pg::EphemeralServer& server,
                         const std::string& database, const std::string& before_copy,
                         const Migration& m, nlohmann::json& evidence, GateResult& result) {
    const sql::ParsedScript& down = input.parsed.script(*m.down);
    std::string down_copy = server.clone(database, "integrity_down");
    if (!apply_in_database(server, down_copy, down, input.parsed.plan(*m.down), input.config)) {
      auto was = open_connection(server.owner(before_copy));
      auto now = open_connection(server.owner(down_copy));
      for (const TableRows& t : compare_table_rows(*was, *now)) {
        evidence["checksums"][t.was.name] = {{"before_up", t.expected}, {"after_down", t.actual}};
        if (t.same()) continue;
        result.findings.push_back(data_lost(m, down, t, *was, *now));
      }
      close_connection(server, was);
      close_connection(server, now);
    }
    server.drop(down_copy);
  }

  static Finding data_lost(const Migration& m, const sql::ParsedScript& down, const TableRows& t,
                           pg::Connection& was, pg::Connection& now) {
    const pg::TableData& was_table = t.was;
    const pg::TableData& now_table = t.now;
    auto before = pg::row_hashes(was, was_table, t.columns);
    auto after = pg::row_hashes(now, now_table, t.columns);
    std::vector<std::string> keys;
    for (const auto& [key, hash] : before) {
      auto it = after.find(key);
      if (it == after.end() || it->second != hash) keys.push_back(key);
      if (keys.size() == kSampleKeys) break;
    }
    for (const auto& [key, _] : after) {
      if (keys.size() == kSampleKeys) break;
      if (!before.count(key)) keys.push_back(key);
    }
    Finding f = finding(kRollbackData, Level::error, m, start_of(down));
    std::string sample;
    for (const auto& k : keys) sample += (sample.empty() ? "" : ", ") + k;
    f.message = fmt::format(
        "after up and down of migration {}, the rows of {} differ from the rows before up "
        "({} rows before, {} after; e.g. the rows with key {}): rolling back loses data",
        m.id(), was_table.name, was_table.rows, now_table.rows, sample);
    f.help =
        "Make up keep what down needs to restore the data (keep the old column until a later "
        "migration, copy values aside), or document the migration as irreversible";
    f.evidence = {{"table", was_table.name},
                  {"columns", t.columns},
                  {"key", was_table.key},
                  {"checksum_before_up", t.expected},
                  {"checksum_after_down", t.actual},
                  {"rows_before_up", was_table.rows},
                  {"rows_after_down", now_table.rows},
                  {"differing_keys", keys}};
    return f;
  }
};

}  // namespace

std::unique_ptr<Gate> make_integrity_gate() {
  return std::make_unique<IntegrityGate>();
}

}  // namespace mgate
