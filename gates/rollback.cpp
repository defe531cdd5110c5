// rollback: each gated migration's down undoes its up exactly, and up works again after it.
#include <fmt/core.h>

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

// The migration session on one of the gate's databases, opened when first needed. Snapshots
// are read on it too, as the role the migrations run as. It must be closed, its backend gone,
// before the database is cloned.
struct Connection {
  pg::EphemeralServer& server;
  std::string database;
  std::chrono::milliseconds statement_timeout;
  std::unique_ptr<pg::Session> session;

  pg::Session& open() {
    if (!session)
      session = std::make_unique<pg::Session>(server.owner(database), statement_timeout);
    return *session;
  }
  void close() {
    if (!session) return;
    int pid = session->backend_pid();
    session.reset();
    server.wait_for_backends({pid});
  }
  // On an exception's way out the databases are dropped WITH (FORCE): no waiting there.
  ~Connection() { session.reset(); }
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
    Connection gate{server, server.clone(server.base(), "rollback"),
                    input.config.postgres.statement_timeout, nullptr};
    int checked = 0, in_transaction = 0;
    std::optional<pg::SchemaSnapshot> before;
    pg::IndexDefinitions known;  // one for all the snapshots of the gate
    for (const Migration& m : input.set.migrations) {
      if (!m.up) continue;
      const sql::ParsedScript& up = input.parsed.script(*m.up);
      pg::Session& session = gate.open();
      if (m.gated && m.down && !before) before = pg::SchemaSnapshot::read(session, known);
      auto failure = apply_script(session, up, runs_in_transaction(m, up, input.pg_version));
      session.reset();
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
      Step step{input,   m,
                up,      input.parsed.script(*m.down),
                *before, pg::SchemaSnapshot::read(session, known),
                known};
      if (step.fits_in_one_transaction()) {
        step.check_in_transaction(session, result);
        ++in_transaction;
      } else {
        gate.close();
        step.check_in_clone(server, gate.database, result);
      }
      before = std::move(step.after_up);
      ++checked;
    }
    gate.close();
    server.drop(gate.database);
    result.metrics["checked"] = checked;
    result.metrics["checked_in_transaction"] = in_transaction;
    apply_configured_levels(result, input.config);
    return result;
  }

 private:
  // The down and the re-up of one migration, checked where they cannot affect the checks of
  // the migrations after it: a broken down must not hide the next migration's defect.
  struct Step {
    const GateInput& input;
    const Migration& m;
    const sql::ParsedScript& up;
    const sql::ParsedScript& down;
    const pg::SchemaSnapshot& before;
    pg::SchemaSnapshot after_up;
    pg::IndexDefinitions& known;

    // Both scripts run in a transaction anyway, so the check can be one transaction on the
    // gate's own session, rolled back at the end: as isolated as a clone, without copying
    // the database.
    bool fits_in_one_transaction() const {
      return runs_in_transaction(m, up, input.pg_version) &&
             runs_in_transaction(m, down, input.pg_version) &&
             runs_inside_outer_transaction(up, input.pg_version) &&
             runs_inside_outer_transaction(down, input.pg_version);
    }

    void check_in_transaction(pg::Session& session, GateResult& result) const {
      // What the up left in the session (temporary tables, prepared statements, advisory
      // locks) goes, as it would with a new connection.
      session.discard();
      control(session, "BEGIN");
      check(
          session,
          [&](const sql::ParsedScript& script) { return apply_as_if_committed(session, script); },
          result);
      control(session, "ROLLBACK");
      session.reset();
    }

    // Non-transactional scripts cannot be rolled back: they run in a copy of the database as
    // it stood after up, which is dropped afterwards.
    void check_in_clone(pg::EphemeralServer& server, const std::string& database,
                        GateResult& result) const {
      Connection clone{server, server.clone(database, "rollback_check"),
                       input.config.postgres.statement_timeout, nullptr};
      pg::Session& session = clone.open();
      check(
          session,
          [&](const sql::ParsedScript& script) {
            return apply_script(session, script, runs_in_transaction(m, script, input.pg_version));
          },
          result);
      clone.close();
      server.drop(clone.database);
    }

    // Down, compared with the schema before up; then up again, compared with the first up.
    template <typename Apply>
    void check(pg::Session& session, Apply apply, GateResult& result) const {
      std::chrono::milliseconds timeout = input.config.postgres.statement_timeout;
      if (auto failure = apply(down)) {
        result.findings.push_back(
            failure_finding("rollback", kDownFailed, m, *failure, "the down migration", timeout));
        return;
      }
      session.reset();
      Location where = start_of(down);
      for (const auto& d : pg::diff(before, pg::SchemaSnapshot::read(session, known))) {
        if (!order_alone(d)) continue;
        result.findings.push_back(
            difference_finding(d.kind == "column order" ? kColumnOrder : kMismatch, m, where, d,
                               "up and down", "before up"));
      }
      if (auto again = apply(up)) {
        result.findings.push_back(failure_finding("rollback", kReupFailed, m, *again,
                                                  "up, applied again after its down,", timeout));
        return;
      }
      session.reset();
      Location up_where = start_of(up);
      for (const auto& d : pg::diff(after_up, pg::SchemaSnapshot::read(session, known))) {
        if (!order_alone(d)) continue;
        result.findings.push_back(difference_finding(
            kReupMismatch, m, up_where, d, "up, down and up again", "after the first up"));
      }
    }

    // mgate's own statements on the session: an error here is the server's, not the
    // migration's.
    static void control(pg::Session& session, std::string_view sql) {
      if (auto error = session.execute(sql)) {
        throw EnvironmentError(fmt::format("{} failed: {}", sql, error->message));
      }
    }
  };

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
