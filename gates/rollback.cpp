// rollback: each gated migration's down undoes its up exactly, and up works again after it.
#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <set>
#include <thread>

#include "core/layout.hpp"
#include "gates/gate.hpp"
#include "gates/migration_runner.hpp"
#include "pg/ephemeral_server.hpp"
#include "pg/schema_snapshot.hpp"
#include "pg/session.hpp"
#include "sql/named_objects.hpp"

namespace mgate {
namespace {

constexpr std::string_view kMismatch = "rollback-schema-mismatch";
constexpr std::string_view kColumnOrder = "rollback-column-order";
constexpr std::string_view kDownFailed = "rollback-down-failed";
constexpr std::string_view kReupFailed = "rollback-reup-failed";
constexpr std::string_view kReupMismatch = "rollback-reup-mismatch";
constexpr std::string_view kMissingDown = "rollback-missing-down";

// The migration session on one of the gate's databases, opened when first needed, and the
// database itself, dropped at the end. Snapshots are read on the session too, as the role the
// migrations run as. It must be closed, its backend gone, before the database is cloned.
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
  void drop() {
    close();
    server.drop(database);
    database.clear();
  }
  // On an exception's way out the database is dropped WITH (FORCE), without waiting for the
  // backend, and as far as the server still answers: the exception on its way matters more.
  ~Connection() {
    session.reset();
    if (database.empty()) return;
    try {
      server.drop(database);
    } catch (...) {
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

std::string quoted(const std::optional<std::string>& definition) {
  if (!definition) return "absent";
  if (definition->empty()) return "present";
  std::string one_line;
  for (char c : *definition) one_line += c == '\n' ? ' ' : c;
  if (one_line.size() > 160) one_line = one_line.substr(0, 157) + "...";
  return "`" + one_line + "`";
}

nlohmann::json difference_evidence(const pg::SchemaDifference& d) {
  return {{"kind", d.kind},
          {"object", d.name},
          {"expected", d.before ? nlohmann::json(*d.before) : nlohmann::json(nullptr)},
          {"actual", d.after ? nlohmann::json(*d.after) : nlohmann::json(nullptr)}};
}

// What to write so that the step leaves the object as it was.
std::string difference_help(const pg::SchemaDifference& d) {
  if (d.kind == "column order")
    return "Recreated columns go to the end of the table: SELECT * and COPY without a column list "
           "now see another order. Restore the order, or make sure nothing depends on it";
  if (!d.before) return fmt::format("Drop the {} in the down migration", d.kind);
  if (!d.after) return fmt::format("Recreate the {} exactly as it was", d.kind);
  return fmt::format("Restore the {}'s definition exactly as it was", d.kind);
}

// Names the object and what changed. `before` is the state the step should restore.
Finding difference_finding(std::string_view rule, const Migration& m, const Location& where,
                           const pg::SchemaDifference& d, std::string_view step,
                           std::string_view reference) {
  Finding f = finding(rule, rule == kColumnOrder ? Level::warning : Level::error, m, where);
  std::string object = fmt::format("{} {}", d.kind, d.name);
  if (d.kind == "column order") {
    f.message = fmt::format(
        "after {} of migration {}, the columns of {} are in another order: {} instead of {}", step,
        m.id(), d.name, quoted(d.after), quoted(d.before));
  } else if (!d.before) {
    f.message = fmt::format("after {} of migration {}, {} exists that was not there {}", step,
                            m.id(), object, reference);
  } else if (!d.after) {
    f.message = fmt::format("after {} of migration {}, {} is missing: it was there {}", step,
                            m.id(), object, reference);
  } else {
    f.message = fmt::format("after {} of migration {}, {} differs from {}: {} instead of {}", step,
                            m.id(), object, reference, quoted(d.after), quoted(d.before));
  }
  f.help = difference_help(d);
  f.evidence = difference_evidence(d);
  return f;
}

// What one difference is, in a few words, for a finding that lists several.
std::string difference_in_brief(const pg::SchemaDifference& d) {
  if (d.kind == "column order")
    return fmt::format("the columns of {} are in another order", d.name);
  std::string object = fmt::format("{} {}", d.kind, d.name);
  if (!d.before) return object + " exists that was not there";
  if (!d.after) return object + " is missing";
  return fmt::format("{} differs ({} instead of {})", object, quoted(d.after), quoted(d.before));
}

// One finding for what one step of one migration left different under one rule: a down that
// does nothing leaves every table of its up behind, which is one defect, not one per column.
// With one difference, the finding names it (difference_finding); with more, it counts them,
// names the first few and lists them all in evidence["differences"].
Finding differences_finding(std::string_view rule, const Migration& m, const Location& where,
                            const std::vector<pg::SchemaDifference>& ds, std::string_view step,
                            std::string_view reference) {
  if (ds.size() == 1) return difference_finding(rule, m, where, ds.front(), step, reference);
  // The objects that hold the others first: a table left behind before its columns.
  constexpr std::array<std::string_view, 10> kHolders = {
      "schema",   "extension", "type",      "table",  "view", "materialized view",
      "sequence", "function",  "procedure", "trigger"};
  auto rank = [&](const pg::SchemaDifference& d) {
    return std::find(kHolders.begin(), kHolders.end(), d.kind) - kHolders.begin();
  };
  std::vector<pg::SchemaDifference> ordered = ds;
  std::stable_sort(ordered.begin(), ordered.end(),
                   [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
  constexpr std::size_t kNamed = 3;
  Finding f = finding(rule, rule == kColumnOrder ? Level::warning : Level::error, m, where);
  std::string named;
  for (std::size_t i = 0; i < ordered.size() && i < kNamed; ++i) {
    if (i > 0) named += "; ";
    named += difference_in_brief(ordered[i]);
  }
  if (ds.size() > kNamed) named += fmt::format("; and {} more", ds.size() - kNamed);
  f.message = fmt::format("after {} of migration {}, {} schema objects differ from {}: {}", step,
                          m.id(), ds.size(), reference, named);
  std::vector<std::string> helps;
  nlohmann::json list = nlohmann::json::array();
  for (const pg::SchemaDifference& d : ordered) {
    std::string help = difference_help(d);
    if (std::find(helps.begin(), helps.end(), help) == helps.end()) helps.push_back(help);
    list.push_back(difference_evidence(d));
  }
  for (const std::string& help : helps) f.help += (f.help.empty() ? "" : "; ") + help;
  f.evidence = {{"differences", std::move(list)}};
  return f;
}

class RollbackGate : public Gate {
 public:
  std::string_view name() const override { return "rollback"; }
  bool dynamic() const override { return true; }

  std::vector<RuleDescriptor> rules() const override {
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
    if (auto nothing = nothing_to_check(input)) {
      result.status = GateStatus::skip;
      result.skip_reason = *nothing;
      return result;
    }
    std::vector<Range> ranges = split_for_workers(input);
    std::vector<RangeResult> done(ranges.size());
    std::atomic<bool> abandoned{false};
    auto work = [&](std::size_t i) {
      try {
        check_range(input, ranges[i], done[i], abandoned);
      } catch (...) {
        done[i].error = std::current_exception();
        abandoned = true;
      }
    };
    {
      // The first range runs on this thread; a jthread joins when it goes out of scope, also
      // when starting a later one throws.
      std::vector<std::jthread> workers;
      try {
        for (std::size_t i = 1; i < ranges.size(); ++i) workers.emplace_back(work, i);
      } catch (...) {
        abandoned = true;  // the workers already started stop at their next migration
        throw;
      }
      work(0);
    }
    int checked = 0, in_transaction = 0, scoped = 0, whole = 0;
    std::vector<double> check_ms;
    for (RangeResult& range : done) {
      check_ms.insert(check_ms.end(), range.check_ms.begin(), range.check_ms.end());
      if (range.error) std::rethrow_exception(range.error);
      for (Finding& f : range.findings) result.findings.push_back(std::move(f));
      checked += range.checked;
      in_transaction += range.in_transaction;
      scoped += range.scoped_snapshots;
      whole += range.whole_snapshots;
      if (range.stopped_at && !result.metrics.contains("stopped_at"))
        result.metrics["stopped_at"] = *range.stopped_at;
    }
    result.metrics["checked"] = checked;
    result.metrics["checked_in_transaction"] = in_transaction;
    result.metrics["workers"] = ranges.size();
    result.metrics["scoped_snapshots"] = scoped;
    result.metrics["whole_snapshots"] = whole;
    if (!check_ms.empty()) result.metrics["check_ms"] = check_times(check_ms);
    return result;
  }

 private:
  // A history without a single down is forward-only by design (Prisma and Atlas have no downs;
  // many Flyway and goose histories are written that way): there is nothing to check, which is
  // said once instead of a missing-down warning per migration.
  static std::optional<std::string> nothing_to_check(const GateInput& input) {
    const std::vector<Migration>& all = input.set.migrations;
    auto gated = std::count_if(all.begin(), all.end(), [](const Migration& m) { return m.gated; });
    if (std::any_of(all.begin(), all.end(), [](const Migration& m) { return m.gated && m.down; }))
      return std::nullopt;
    const Layout& layout = layout_named(input.set.layout);
    if (!layout.has_downs)
      return fmt::format("nothing to check: {} migrations have no down scripts", layout.tool);
    return fmt::format(
        "nothing to check: none of the {} gated migrations has a down migration (a "
        "forward-only history)",
        gated);
  }

  // A worker's share of the run's range: it applies the ups before `begin` unchecked and checks
  // [begin, end) of input.set.migrations.
  struct Range {
    std::size_t begin = 0, end = 0;
  };

  struct RangeResult {
    std::vector<Finding> findings;  // in migration order
    int checked = 0, in_transaction = 0;
    std::optional<std::string> stopped_at;  // the migration whose up failed in the range
    int scoped_snapshots = 0, whole_snapshots = 0;
    std::vector<double> check_ms;  // each check's time (up, down, up, the schema reads), in order
    std::exception_ptr error;
  };

  // A worker is worth starting only for this many checked migrations: below it, cloning the
  // base and applying the ups before its range costs about what it saves.
  static constexpr std::size_t kMigrationsPerWorker = 8;

  // What a check costs (up, down, up again, four schema reads whose cost does not grow with
  // the schema), counted in up statements applied without a check, which is how a worker
  // applies every up before its range: bench/pg_lifecycle, 300 migrations of three statements,
  // a check about 14 ms, an up statement about 0.5 ms.
  static constexpr double kCheckCost = 28;

  // Up to input.jobs contiguous ranges that take about the same time: a worker costs its
  // checks and the up statements before its range, which it applies first. The smallest time
  // within which `workers` ranges do it is found by bisection, the ranges for a given time
  // greedily (each as long as it fits).
  static std::vector<Range> split_for_workers(const GateInput& input) {
    const std::vector<Migration>& migrations = input.set.migrations;
    const std::size_t first = std::min(input.range.begin, migrations.size());
    const std::size_t last = std::min(input.range.end, migrations.size());
    std::vector<double> ups_before(last + 1, 0);  // up statements before each migration
    std::vector<bool> check(last, false);
    std::size_t checks = 0;
    for (std::size_t i = 0; i < last; ++i) {
      const Migration& m = migrations[i];
      ups_before[i + 1] = ups_before[i];
      if (!m.up) continue;
      check[i] = input.checks(i) && m.down;
      if (check[i]) ++checks;
      ups_before[i + 1] += static_cast<double>(input.parsed.script(*m.up).statements.size());
    }
    std::size_t workers = std::clamp<std::size_t>(
        checks / kMigrationsPerWorker, 1, static_cast<std::size_t>(std::max(input.jobs, 1)));
    auto ranges_within = [&](double limit) {
      std::vector<Range> ranges{{first, last}};
      double cost = ups_before[first];
      for (std::size_t i = first; i < last; ++i) {
        if (!check[i]) continue;
        if (cost + kCheckCost > limit && ranges.back().begin < i) {
          ranges.back().end = i;
          ranges.push_back({i, last});
          cost = ups_before[i];
        }
        cost += kCheckCost;
      }
      return ranges;
    };
    double low = 0, high = ups_before[last] + static_cast<double>(checks) * kCheckCost;
    for (int step = 0; step < 60 && high - low > 0.5; ++step) {
      double middle = (low + high) / 2;
      (ranges_within(middle).size() <= workers ? high : low) = middle;
    }
    return ranges_within(high);
  }

  // One worker: the loop of checks over its range, on a clone of the base database of its own.
  // `abandoned` is set when another worker failed: the run is over, the rest is not needed.
  void check_range(const GateInput& input, const Range& range, RangeResult& out,
                   const std::atomic<bool>& abandoned) const {
    pg::EphemeralServer& server = *input.postgres;
    Connection gate{server, server.clone(server.base(), "rollback"),
                    input.config.postgres.statement_timeout, nullptr};
    create_history_table(server, gate.database, layout_named(input.set.layout), input.config);
    // The schema is followed from the first check to the last; before and after, the ups only
    // run.
    std::size_t first_check = range.end, last_check = range.begin;
    for (std::size_t i = range.begin; i < range.end; ++i) {
      if (input.set.migrations[i].gated && input.set.migrations[i].down) {
        first_check = std::min(first_check, i);
        last_check = i;
      }
    }
    pg::IndexDefinitions known;  // one for all the snapshots of the worker
    pg::SchemaTracker schema(known, pg::trace_schema_changes(server, gate.database));
    for (std::size_t i = 0; i < range.end && !abandoned; ++i) {
      const Migration& m = input.set.migrations[i];
      if (!m.up) continue;
      const bool checking = i >= range.begin;
      const bool followed = i >= first_check && i <= last_check;
      const sql::ParsedScript& up = input.parsed.script(*m.up);
      const auto started = std::chrono::steady_clock::now();
      pg::Session& session = gate.open();
      if (followed) schema.before_up(session, scope_of(input, m));
      auto failure = apply_script(session, up, input.parsed.plan(*m.up));
      if (failure || !followed) session.reset();  // a read resets the session itself
      if (failure) {
        // The forward gate reports it; nothing after it can be checked. Before the range it is
        // the previous worker's to say.
        if (checking) out.stopped_at = m.id();
        break;
      }
      if (followed) schema.after_up(session);
      if (!checking || !m.gated) continue;
      if (!m.down) {
        // Flyway re-runs a repeatable migration when it changes; it has no undo by design.
        if (!m.repeatable)
          out.findings.push_back(missing_down(m, up, layout_named(input.set.layout)));
        continue;
      }
      Step step{input, m, up, input.parsed.script(*m.down), schema};
      if (step.fits_in_one_transaction()) {
        step.check_in_transaction(session, out.findings);
        schema.check_rolled_back(session);
        ++out.in_transaction;
      } else {
        gate.close();
        step.check_in_clone(server, gate.database, out.findings);
      }
      ++out.checked;
      out.check_ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
              .count());
    }
    out.scoped_snapshots = schema.scoped_reads();
    out.whole_snapshots = schema.whole_reads();
    gate.drop();
  }

  // How long the checks took, in migration order: the median of all, and of each tenth of them
  // (a check's cost should not grow with the history before it: bench/pg_lifecycle).
  static nlohmann::json check_times(const std::vector<double>& ms) {
    auto median = [](std::vector<double> v) {
      std::sort(v.begin(), v.end());
      return std::round(v[v.size() / 2] * 100) / 100;
    };
    nlohmann::json tenths = nlohmann::json::array();
    for (std::size_t t = 0; t < 10 && ms.size() >= 10; ++t) {
      tenths.push_back(
          median({ms.begin() + static_cast<std::ptrdiff_t>(ms.size() * t / 10),
                  ms.begin() + static_cast<std::ptrdiff_t>(ms.size() * (t + 1) / 10)}));
    }
    return {{"median", median(ms)}, {"by_tenth", std::move(tenths)}};
  }

  // What a migration's scripts name: all of the schema it can change, unless a statement runs
  // code whose effects no name says.
  static std::optional<pg::SchemaScope> scope_of(const GateInput& input, const Migration& m) {
    sql::NamedObjects named = sql::named_objects(input.parsed.script(*m.up));
    if (m.down) named.add(sql::named_objects(input.parsed.script(*m.down)));
    if (named.opaque) return std::nullopt;
    auto list = [](const std::set<std::string>& names) {
      return std::vector<std::string>(names.begin(), names.end());
    };
    return pg::SchemaScope{list(named.relations), list(named.types), list(named.functions),
                           list(named.schemas), list(named.extensions)};
  }

  // The down and the re-up of one migration, checked where they cannot affect the checks of
  // the migrations after it: a broken down must not hide the next migration's defect.
  struct Step {
    const GateInput& input;
    const Migration& m;
    const sql::ParsedScript& up;
    const sql::ParsedScript& down;
    pg::SchemaTracker& schema;

    // Both scripts run in a transaction anyway, so the check can be one transaction on the
    // gate's own session, rolled back at the end: as isolated as a clone, without copying
    // the database.
    bool fits_in_one_transaction() const {
      return runs_inside_outer_transaction(up, input.parsed.plan(*m.up)) &&
             runs_inside_outer_transaction(down, input.parsed.plan(*m.down));
    }

    void check_in_transaction(pg::Session& session, std::vector<Finding>& findings) const {
      // What the up left in the session (temporary tables, prepared statements, advisory
      // locks) goes, as it would with a new connection.
      session.discard("BEGIN");
      check(
          session,
          [&](const sql::ParsedScript& script) { return apply_as_if_committed(session, script); },
          findings);
      control(session, "ROLLBACK");
      session.reset();
    }

    // Non-transactional scripts cannot be rolled back: they run in a copy of the database as
    // it stood after up, which is dropped afterwards.
    void check_in_clone(pg::EphemeralServer& server, const std::string& database,
                        std::vector<Finding>& findings) const {
      Connection clone{server, server.clone(database, "rollback_check"),
                       input.config.postgres.statement_timeout, nullptr};
      pg::Session& session = clone.open();
      check(
          session,
          [&](const sql::ParsedScript& script) {
            return apply_script(session, script,
                                input.parsed.plan(&script == &up ? *m.up : *m.down));
          },
          findings);
      clone.drop();
    }

    // Down, compared with the schema before up; then up again, compared with the first up.
    template <typename Apply>
    void check(pg::Session& session, Apply apply, std::vector<Finding>& findings) const {
      std::chrono::milliseconds timeout = input.config.postgres.statement_timeout;
      if (auto failure = apply(down)) {
        findings.push_back(
            failure_finding(kDownFailed, m, *failure, "the down migration", timeout));
        return;
      }
      Location where = start_of(down);  // the reads reset the session
      std::vector<pg::SchemaDifference> mismatched, reordered;
      for (auto& d : schema.changes_since_before_up(session)) {
        if (!order_alone(d)) continue;
        (d.kind == "column order" ? reordered : mismatched).push_back(std::move(d));
      }
      if (!mismatched.empty())
        findings.push_back(
            differences_finding(kMismatch, m, where, mismatched, "up and down", "before up"));
      if (!reordered.empty())
        findings.push_back(
            differences_finding(kColumnOrder, m, where, reordered, "up and down", "before up"));
      if (auto again = apply(up)) {
        findings.push_back(
            failure_finding(kReupFailed, m, *again, "up, applied again after its down,", timeout));
        return;
      }
      std::vector<pg::SchemaDifference> again_different;
      for (auto& d : schema.changes_since_after_up(session)) {
        if (order_alone(d)) again_different.push_back(std::move(d));
      }
      if (!again_different.empty())
        findings.push_back(differences_finding(kReupMismatch, m, start_of(up), again_different,
                                               "up, down and up again", "after the first up"));
    }

    // mgate's own statements on the session: an error here is the server's, not the
    // migration's.
    static void control(pg::Session& session, std::string_view sql) {
      if (auto error = session.execute(sql)) {
        throw EnvironmentError(fmt::format("{} failed: {}", sql, error->message));
      }
    }
  };

  static Finding missing_down(const Migration& m, const sql::ParsedScript& up,
                              const Layout& layout) {
    Finding f = finding(kMissingDown, Level::warning, m, start_of(up));
    f.message = fmt::format(
        "migration {} has no down migration: if it must be rolled back in production, there is "
        "no tested way to do it",
        m.id());
    // Other migrations of the history have one, so this one's absence is likely an oversight.
    f.help = fmt::format(
        "{} (mgate checks that it undoes exactly what up does), or set [rules] "
        "rollback-missing-down = \"off\" if only some migrations are meant to be reversible",
        layout.down_for ? layout.down_for(m.up->file) : "add a down migration");
    return f;
  }
};

}  // namespace

std::unique_ptr<Gate> make_rollback_gate() {
  return std::make_unique<RollbackGate>();
}

}  // namespace mgate
