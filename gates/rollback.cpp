// rollback: each gated migration's down undoes its up exactly, and up works again after it.
#include <fmt/core.h>

#include <pqxx/pqxx>

#include <set>

#include "gates/gate.hpp"
#include "gates/migration_runner.hpp"
#include "pg/ephemeral_server.hpp"
#include "pg/schema_snapshot.hpp"
#include "pg/session.hpp"

namespace mgate {
namespace {

constexpr std::string_view kMismatch = "rollback-schema-mismatch";
constexpr std::string_view kColumnOrder = "rollback-column-order";
constexpr std::string_view kDownFailed = "rollback-down-failed";
constexpr std::string_view kReupFailed = "rollback-reup-failed";
constexpr std::string_view kReupMismatch = "rollback-reup-mismatch";
constexpr std::string_view kMissingDown = "rollback-missing-down";

// A database and the two connections mgate keeps to it: the migration session (as the owner
// role) and the catalog reader (as the admin role). Both close before the database is cloned.
struct Connected {
  pg::EphemeralServer& server;
  std::unique_ptr<pg::Session> session;
  std::unique_ptr<pqxx::connection> catalog;

  Connected(pg::EphemeralServer& server, const std::string& database,
            std::chrono::milliseconds statement_timeout)
      : server(server),
        session(std::make_unique<pg::Session>(server.owner(database), statement_timeout)) {
    try {
      catalog = std::make_unique<pqxx::connection>(server.admin(database).conninfo());
    } catch (const pqxx::broken_connection& e) {
      throw EnvironmentError(fmt::format("cannot connect to PostgreSQL: {}", e.what()));
    }
  }
  ~Connected() {
    std::vector<int> pids = {session->backend_pid()};
    if (catalog) pids.push_back(catalog->backendpid());
    session.reset();
    catalog.reset();
    server.wait_for_backends(pids);
  }
  Connected(const Connected&) = delete;
  Connected& operator=(const Connected&) = delete;

  pg::SchemaSnapshot snapshot() {
    try {
      return pg::SchemaSnapshot::read(*catalog);
    } catch (const pqxx::broken_connection& e) {
      throw EnvironmentError(fmt::format("lost the connection to PostgreSQL: {}", e.what()));
    }
  }
};

std::multiset<std::string> names_in(const std::optional<std::string>& list) {
  std::multiset<std::string> names;
  if (!list) return names;
  std::size_t start = 0;
  while (start <= list->size()) {
    std::size_t end = std::min(list->find(", ", start), list->size());
    names.insert(list->substr(start, end - start));
    start = end + 2;
  }
  return names;
}

// A column order difference is worth its own finding only when the same columns are there: an
// added or missing column is reported as such.
bool order_alone(const pg::SchemaDifference& d) {
  return d.kind != "column order" || names_in(d.before) == names_in(d.after);
}

Location start_of(const sql::ParsedScript& script) {
  Span at = script.statements.empty() ? Span{script.section.begin, script.section.begin}
                                      : script.statements.front().span;
  return locate(*script.file, at);
}

std::string quoted(const std::optional<std::string>& definition) {
  if (!definition) return "absent";
  if (definition->empty()) return "present";
  std::string one_line;
  for (char c : *definition) one_line += c == '\n' ? ' ' : c;
  if (one_line.size() > 160) one_line = one_line.substr(0, 157) + "...";
  return "`" + one_line + "`";
}

// Names the object and what changed. `before` is the state the step should restore.
Finding difference_finding(std::string_view rule, const Migration& m, const Location& where,
                           const pg::SchemaDifference& d, std::string_view step,
                           std::string_view reference) {
  Finding f;
  f.rule = std::string(rule);
  f.gate = "rollback";
  f.level = rule == kColumnOrder ? Level::warning : Level::error;
  f.location = where;
  f.migration = m.id();
  std::string object = fmt::format("{} {}", d.kind, d.name);
  if (d.kind == "column order") {
    f.message = fmt::format(
        "after {} of migration {}, the columns of {} are in another order: {} instead of {}", step,
        m.id(), d.name, quoted(d.after), quoted(d.before));
    f.help =
        "Recreated columns go to the end of the table: SELECT * and COPY without a column "
        "list now see another order. Restore the order, or make sure nothing depends on it";
  } else if (!d.before) {
    f.message = fmt::format("after {} of migration {}, {} exists that was not there {}", step,
                            m.id(), object, reference);
    f.help = fmt::format("Drop the {} in the down migration", d.kind);
  } else if (!d.after) {
    f.message = fmt::format("after {} of migration {}, {} is missing: it was there {}", step,
                            m.id(), object, reference);
    f.help = fmt::format("Recreate the {} exactly as it was", d.kind);
  } else {
    f.message = fmt::format("after {} of migration {}, {} differs from {}: {} instead of {}", step,
                            m.id(), object, reference, quoted(d.after), quoted(d.before));
    f.help = fmt::format("Restore the {}'s definition exactly as it was", d.kind);
  }
  f.evidence = {{"kind", d.kind}, {"object", d.name}};
  f.evidence["expected"] = d.before ? nlohmann::json(*d.before) : nlohmann::json(nullptr);
  f.evidence["actual"] = d.after ? nlohmann::json(*d.after) : nlohmann::json(nullptr);
  return f;
}

class RollbackGate : public Gate {
 public:
  std::string_view name() const override { return "rollback"; }
  bool dynamic() const override { return true; }

  std::vector<RuleDescriptor> rules() const override {
    auto rule = [](std::string_view id, Level level, std::string summary) {
      return RuleDescriptor{std::string(id), "rollback", level, std::move(summary),
                            rule_help_uri(id, "rollback")};
    };
    return {
        rule(kMismatch, Level::error,
             "After up and down, the schema differs from the schema before up."),
        rule(kColumnOrder, Level::warning,
             "After up and down, a table's columns are in another order than before up."),
        rule(kDownFailed, Level::error, "The down migration fails right after its up."),
        rule(kReupFailed, Level::error, "The up migration fails when applied again after down."),
        rule(kReupMismatch, Level::error,
             "Applying up again after down gives another schema than the first up."),
        rule(kMissingDown, Level::warning,
             "A gated migration has no down migration, so its rollback cannot be checked."),
    };
  }

  GateResult run(const GateInput& input) const override {
    GateResult result;
    result.gate = "rollback";
    if (!input.postgres) {
      result.status = GateStatus::skip;
      result.skip_reason = "no PostgreSQL server";
      return result;
    }
    pg::EphemeralServer& server = *input.postgres;
    std::string database = server.clone(server.base(), "rollback");
    int checked = 0;
    auto connected =
        std::make_unique<Connected>(server, database, input.config.postgres.statement_timeout);
    std::optional<pg::SchemaSnapshot> before;
    for (const Migration& m : input.set.migrations) {
      if (!m.up) continue;
      const sql::ParsedScript& up = input.parsed.script(*m.up);
      if (m.gated && m.down && !before) before = connected->snapshot();
      auto failure =
          apply_script(*connected->session, up, runs_in_transaction(m, up, input.pg_version));
      connected->session->reset();
      if (failure) {
        // The forward gate reports it; nothing after it can be checked.
        result.metrics["stopped_at"] = m.id();
        break;
      }
      if (!m.gated) {
        before.reset();
        continue;
      }
      if (!m.down) {
        result.findings.push_back(missing_down(m, up));
        before.reset();
        continue;
      }
      pg::SchemaSnapshot after_up = connected->snapshot();
      connected.reset();
      check_down_and_up(input, server, database, m, *before, after_up, result);
      connected =
          std::make_unique<Connected>(server, database, input.config.postgres.statement_timeout);
      before = std::move(after_up);
      ++checked;
    }
    connected.reset();
    server.drop(database);
    result.metrics["checked"] = checked;
    apply_configured_levels(result, input.config);
    return result;
  }

 private:
  // In a clone of the database as it stood after up, so that a broken down never affects the
  // checks of the migrations after it.
  static void check_down_and_up(const GateInput& input, pg::EphemeralServer& server,
                                const std::string& database, const Migration& m,
                                const pg::SchemaSnapshot& before,
                                const pg::SchemaSnapshot& after_up, GateResult& result) {
    std::chrono::milliseconds timeout = input.config.postgres.statement_timeout;
    const sql::ParsedScript& up = input.parsed.script(*m.up);
    const sql::ParsedScript& down = input.parsed.script(*m.down);
    std::string clone = server.clone(database, "rollback_check");
    {
      Connected c(server, clone, timeout);
      auto failure = apply_script(*c.session, down, runs_in_transaction(m, down, input.pg_version));
      c.session->reset();
      if (failure) {
        result.findings.push_back(
            failure_finding("rollback", kDownFailed, m, *failure, "the down migration", timeout));
      } else {
        Location where = start_of(down);
        for (const auto& d : pg::diff(before, c.snapshot())) {
          if (!order_alone(d)) continue;
          result.findings.push_back(
              difference_finding(d.kind == "column order" ? kColumnOrder : kMismatch, m, where, d,
                                 "up and down", "before up"));
        }
        auto again = apply_script(*c.session, up, runs_in_transaction(m, up, input.pg_version));
        c.session->reset();
        if (again) {
          result.findings.push_back(failure_finding("rollback", kReupFailed, m, *again,
                                                    "up, applied again after its down,", timeout));
        } else {
          Location up_where = start_of(up);
          for (const auto& d : pg::diff(after_up, c.snapshot())) {
            if (!order_alone(d)) continue;
            result.findings.push_back(difference_finding(
                kReupMismatch, m, up_where, d, "up, down and up again", "after the first up"));
          }
        }
      }
    }
    server.drop(clone);
  }

  static Finding missing_down(const Migration& m, const sql::ParsedScript& up) {
    Finding f;
    f.rule = std::string(kMissingDown);
    f.gate = "rollback";
    f.level = Level::warning;
    f.location = start_of(up);
    f.migration = m.id();
    f.message = fmt::format(
        "migration {} has no down migration: if it must be rolled back in production, there is "
        "no tested way to do it",
        m.id());
    f.help =
        "Add a down migration that undoes exactly what up does (mgate checks it), or set "
        "[rules] rollback-missing-down = \"off\" for forward-only histories";
    return f;
  }
};

}  // namespace

std::unique_ptr<Gate> make_rollback_gate() {
  return std::make_unique<RollbackGate>();
}

}  // namespace mgate
