// forward: the migrations apply, in order, on a real server.
#include <fmt/core.h>

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

Finding undeclared_finding(const Migration& migration, const sql::ParsedScript& script,
                           std::size_t statement, std::string_view direction) {
  const sql::Statement& s = script.statements[statement];
  Finding f;
  f.rule = std::string(kUndeclared);
  f.gate = "forward";
  f.level = Level::error;
  f.location = locate(*script.file, s.span);
  f.migration = migration.id();
  f.message = fmt::format(
      "this statement cannot run inside a transaction block, but the {} migration {} is not "
      "declared non-transactional: the migration tool wraps it in a transaction and it fails "
      "with ERROR 25001",
      direction, migration.id());
  f.help =
      "Declare the migration non-transactional the way its layout does (dbmate: "
      "-- migrate:up transaction:false; goose: -- +goose NO TRANSACTION; diesel: "
      "run_in_transaction = false; Flyway: executeInTransaction=false), and keep such a "
      "statement alone in its migration";
  f.evidence = {{"statement", std::string(s.text)}};
  return f;
}

class ForwardGate : public Gate {
 public:
  std::string_view name() const override { return "forward"; }
  bool dynamic() const override { return true; }

  std::vector<RuleDescriptor> rules() const override {
    auto rule = [](std::string_view id, Level level, std::string summary) {
      return RuleDescriptor{std::string(id), "forward", level, std::move(summary),
                            rule_help_uri(id, "forward")};
    };
    return {
        rule(kFailed, Level::error, "A migration fails when applied to a real PostgreSQL server."),
        rule(kTimeout, Level::error,
             "A statement of a migration runs longer than postgres.statement_timeout."),
        rule(kBaseFailed, Level::error,
             "An already-merged migration fails, so the new ones cannot be checked."),
        rule(kUndeclared, Level::error,
             "A statement that cannot run in a transaction block is in a migration that is not "
             "declared non-transactional."),
    };
  }

  GateResult run(const GateInput& input) const override {
    GateResult result;
    result.gate = "forward";
    if (!input.postgres) {
      result.status = GateStatus::skip;
      result.skip_reason = "no PostgreSQL server";
      return result;
    }
    pg::EphemeralServer& server = *input.postgres;
    std::chrono::milliseconds timeout = input.config.postgres.statement_timeout;
    std::string database = server.clone(server.base(), "forward");
    int applied = 0, checked = 0;
    int backend = 0;
    {
      pg::Session session(server.owner(database), timeout);
      for (const Migration& m : input.set.migrations) {
        if (!m.up) continue;
        const sql::ParsedScript& up = input.parsed.script(*m.up);
        if (m.gated) report_undeclared(input, m, result);
        auto failure = apply_script(session, up, runs_in_transaction(m, up, input.pg_version));
        session.reset();
        if (failure) {
          result.findings.push_back(finding_for(m, *failure, timeout));
          break;
        }
        ++applied;
        if (m.gated) ++checked;
      }
      backend = session.backend_pid();
    }
    server.wait_for_backends({backend});
    server.drop(database);
    result.metrics = {{"applied", applied}, {"gated_applied", checked}};
    apply_configured_levels(result, input.config);
    return result;
  }

 private:
  static void report_undeclared(const GateInput& input, const Migration& m, GateResult& result) {
    if (!m.transactional) return;
    for (const auto* ref : {&m.up, &m.down}) {
      if (!*ref) continue;
      const sql::ParsedScript& script = input.parsed.script(**ref);
      if (auto at = first_non_transactional(script, input.pg_version)) {
        result.findings.push_back(undeclared_finding(m, script, *at, ref == &m.up ? "up" : "down"));
      }
    }
  }

  static Finding finding_for(const Migration& m, const ScriptFailure& failure,
                             std::chrono::milliseconds timeout) {
    if (!m.gated) {
      Finding f = failure_finding("forward", kBaseFailed, m, failure, "the up migration", timeout);
      f.message +=
          "; this migration was already merged, so the new migrations after it were not checked";
      return f;
    }
    return failure_finding("forward", failure.error.timed_out() ? kTimeout : kFailed, m, failure,
                           "the up migration", timeout);
  }
};

}  // namespace

std::unique_ptr<Gate> make_forward_gate() {
  return std::make_unique<ForwardGate>();
}

}  // namespace mgate
