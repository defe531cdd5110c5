// forward: the migrations apply, in order, on a real server.
#include <fmt/core.h>

#include <algorithm>
#include <cctype>

#include "core/layout.hpp"
#include "gates/gate.hpp"
#include "gates/migration_runner.hpp"
#include "pg/ephemeral_server.hpp"
#include "pg/session.hpp"

namespace mgate {
namespace {

constexpr std::string_view kFailed = "forward-failed";
constexpr std::string_view kTimeout = "forward-timeout";
constexpr std::string_view kBaseFailed = "forward-base-failed";
constexpr std::string_view kUndeclared = "undeclared-non-transactional";
constexpr std::string_view kAfterUnchecked = "forward-depends-on-unchecked";

std::string capitalized(std::string_view text) {
  std::string out(text);
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

// Why the tool runs the statement inside a transaction block, as its plan says.
std::string why_in_transaction(const Layout& layout, const ExecutionPlan& plan,
                               const sql::ParsedScript& script) {
  switch (plan.transaction) {
    case Transaction::query:
      return fmt::format(
          "{} sends the script as one query, and PostgreSQL runs its {} statements in one "
          "implicit transaction",
          layout.tool, script.statements.size());
    case Transaction::detect:
      return fmt::format(
          "{} does not recognize this statement as one that cannot run in a transaction, and "
          "runs the migration in one",
          layout.tool);
    case Transaction::script:
    case Transaction::statement:
      break;
  }
  return fmt::format("{} runs the script in one transaction", layout.tool);
}

Finding refusal_finding(const Layout& layout, const Migration& migration,
                        const sql::ParsedScript& script, const ExecutionPlan& plan,
                        std::string_view direction) {
  const sql::Statement& s = script.statements[*plan.refused_at];
  Finding f = finding(kUndeclared, Level::error, migration, locate(*script.file, s.span));
  if (plan.refusal == Refusal::mixed) {
    f.message = fmt::format(
        "{} refuses the {} migration {}: it mixes statements that must run outside a "
        "transaction with statements it runs inside one (its setting mixed is false by "
        "default), and this statement is where it sees both",
        layout.tool, direction, migration.id());
  } else {
    f.message = fmt::format(
        "this statement cannot run inside a transaction block, but {} ({} migration {}): it "
        "fails with ERROR 25001",
        why_in_transaction(layout, plan, script), direction, migration.id());
  }
  f.help = capitalized(plan.outside_transaction) +
           "; mgate runs the statements one by one to check the migrations after it";
  // The migration fails at this statement: the risk the lint gate's concurrently-in-transaction
  // (or Flyway's mixed-migration rule) names for it, which this finding then joins.
  f.risk = "failure";
  f.evidence = {{"statement", std::string(s.text)},
                {"transaction", std::string(to_string(plan.transaction))}};
  return f;
}

// PostgreSQL's "does not exist" errors: what a migration mgate could not run may have created.
bool names_something_missing(const pg::ServerError& error) {
  static const std::string_view kUndefined[] = {"42P01", "42703", "42704", "42883", "3F000"};
  return std::find(std::begin(kUndefined), std::end(kUndefined), error.sqlstate) !=
         std::end(kUndefined);
}

class ForwardGate : public Gate {
 public:
  std::string_view name() const override { return "forward"; }
  bool dynamic() const override { return true; }

  std::vector<RuleDescriptor> rules() const override {
    return {
        rule(kFailed, Level::error, "A migration fails when applied to a real PostgreSQL server."),
        rule(kTimeout, Level::error,
             "A statement of a migration runs longer than postgres.statement_timeout."),
        rule(kBaseFailed, Level::error,
             "An already-merged migration fails, so the new ones cannot be checked."),
        rule(kUndeclared, Level::error,
             "A statement that cannot run in a transaction block runs in one as the migration "
             "tool sends the script, or Flyway refuses the mix."),
        rule(kAfterUnchecked, Level::warning,
             "A migration fails on something missing that an earlier migration mgate cannot run "
             "(a Go or Java migration) may create."),
    };
  }

  GateResult run(const GateInput& input) const override {
    GateResult result;
    pg::EphemeralServer& server = *input.postgres;
    std::chrono::milliseconds timeout = input.config.postgres.statement_timeout;
    std::string database = server.clone(server.base(), "forward");
    create_history_table(server, database, layout_named(input.set.layout), input.config);
    int applied = 0, checked = 0;
    int backend = 0;
    {
      pg::Session session(server.owner(database), timeout);
      backend = session.backend_pid();
      const Migration* unchecked = nullptr;  // the last migration before this one mgate skipped
      const std::size_t end = std::min(input.range.end, input.set.migrations.size());
      for (std::size_t i = 0; i < end; ++i) {
        const Migration& m = input.set.migrations[i];
        if (!m.cannot_run.empty()) unchecked = &m;
        if (!m.up) continue;
        const sql::ParsedScript& up = input.parsed.script(*m.up);
        // Before the range, a migration is only applied: what happens to it is the report of
        // the shard whose range holds it.
        const bool ours = input.range.contains(i);
        if (input.checks(i)) report_refusals(input, m, result);
        auto failure = apply_script(session, up, input.parsed.plan(*m.up));
        session.reset();
        if (failure) {
          if (ours) result.findings.push_back(finding_for(input, m, *failure, timeout, unchecked));
          break;
        }
        if (!ours) continue;
        ++applied;
        if (m.gated) ++checked;
      }
    }
    server.wait_for_backends({backend});
    server.drop(database);
    result.metrics = {{"applied", applied}, {"gated_applied", checked}};
    return result;
  }

 private:
  static void report_refusals(const GateInput& input, const Migration& m, GateResult& result) {
    const Layout& layout = layout_named(input.set.layout);
    for (const auto* ref : {&m.up, &m.down}) {
      if (!*ref) continue;
      const ExecutionPlan& plan = input.parsed.plan(**ref);
      if (plan.refusal == Refusal::none) continue;
      result.findings.push_back(refusal_finding(layout, m, input.parsed.script(**ref), plan,
                                                ref == &m.up ? "up" : "down"));
    }
  }

  static Finding finding_for(const GateInput& input, const Migration& m,
                             const ScriptFailure& failure, std::chrono::milliseconds timeout,
                             const Migration* unchecked) {
    if (unchecked && names_something_missing(failure.error)) {
      Finding f = failure_finding(kAfterUnchecked, m, failure, "the up migration", timeout);
      f.level = Level::warning;
      f.message += fmt::format(
          "; migration {} before it is {}, which mgate cannot run: it may create what is "
          "missing, so {} may well apply this migration. The migrations after it were not "
          "checked",
          unchecked->id(), unchecked->cannot_run, layout_named(input.set.layout).tool);
      f.help = fmt::format(
          "If {} creates it, nothing is wrong here; to have mgate check the migrations after "
          "it, write what it creates in SQL",
          unchecked->files.empty() ? unchecked->id() : unchecked->files.front());
      return f;
    }
    if (!m.gated) {
      Finding f = failure_finding(kBaseFailed, m, failure, "the up migration", timeout);
      f.message +=
          "; this migration was already merged, so the new migrations after it were not checked";
      return f;
    }
    return failure_finding(failure.error.timed_out() ? kTimeout : kFailed, m, failure,
                           "the up migration", timeout);
  }
};

}  // namespace

std::unique_ptr<Gate> make_forward_gate() {
  return std::make_unique<ForwardGate>();
}

}  // namespace mgate
