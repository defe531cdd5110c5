// locks: what each statement of a gated migration really does on a server holding fixture rows:
// the locks it takes on relations that existed before, the tables and indexes it rewrites, how
// long it runs and whether a lock_timeout was in force. Evidence over guess: the static rules
// that guess a rewrite are confirmed or cleared here.
#include <fmt/core.h>
#include <fmt/format.h>

#include <pqxx/pqxx>

#include <set>

#include "gates/gate.hpp"
#include "gates/migration_runner.hpp"
#include "pg/ephemeral_server.hpp"
#include "pg/fixture_generator.hpp"
#include "pg/lock_trace.hpp"
#include "pg/session.hpp"

namespace mgate {
namespace {

constexpr std::string_view kNoLockTimeout = "locks-no-lock-timeout";
constexpr std::string_view kRewrite = "locks-table-rewrite";
constexpr std::string_view kHeld = "locks-held-across-statements";
constexpr std::string_view kTypeChangeSafe = "locks-type-change-safe";

using Clock = std::chrono::steady_clock;

// The static lint rule that guesses this statement may rewrite its table, if any.
std::string static_guess(const sql::Node& statement) {
  sql::Node alter = statement.as("AlterTableStmt");
  if (!alter) return "";
  for (const sql::Node& item : alter["cmds"].items()) {
    sql::Node cmd = item.as("AlterTableCmd");
    if (cmd["subtype"].str() == "AT_AlterColumnType") return "change-column-type";
    if (cmd["subtype"].str() == "AT_AddColumn") {
      for (const sql::Node& c : cmd["def"]["ColumnDef"]["constraints"].items()) {
        sql::Node constraint = c.as("Constraint");
        if (constraint["contype"].str() == "CONSTR_DEFAULT" &&
            !constraint["raw_expr"].is("A_Const")) {
          return "volatile-default";
        }
      }
    }
  }
  return "";
}

// One statement as it ran.
struct Step {
  const sql::Statement* statement;
  double ms = 0;
  long long lock_timeout_ms = 0;
  std::vector<std::pair<std::string, sql::LockMode>> new_locks;  // relation, mode
  std::vector<std::string> rewritten;                            // tables and indexes
  bool rewrote_table = false;
  std::string guess;  // static rule
};

Finding finding(std::string_view rule, Level level, const Migration& m,
                const sql::ParsedScript& script, const Step& step) {
  Finding f;
  f.rule = std::string(rule);
  f.gate = "locks";
  f.level = level;
  f.location = locate(*script.file, step.statement->span);
  f.migration = m.id();
  return f;
}

nlohmann::json to_json(const Step& s) {
  nlohmann::json locks = nlohmann::json::array();
  for (const auto& [relation, mode] : s.new_locks) {
    locks.push_back({{"relation", relation},
                     {"mode", sql::to_string(mode)},
                     {"blocks", sql::what_it_blocks(mode)}});
  }
  nlohmann::json j = {{"statement", std::string(s.statement->text)},
                      {"duration_ms", s.ms},
                      {"lock_timeout_ms", s.lock_timeout_ms},
                      {"locks", locks},
                      {"rewritten", s.rewritten}};
  if (!s.guess.empty()) j["static_rule"] = s.guess;
  return j;
}

class LocksGate : public Gate {
 public:
  std::string_view name() const override { return "locks"; }
  bool dynamic() const override { return true; }

  std::vector<RuleDescriptor> rules() const override {
    auto rule = [](std::string_view id, Level level, std::string summary) {
      return RuleDescriptor{std::string(id), "locks", level, std::move(summary),
                            rule_help_uri(id, "locks")};
    };
    return {
        rule(kNoLockTimeout, Level::warning,
             "A statement takes a lock that blocks writes on an existing relation without a "
             "lock_timeout."),
        rule(kRewrite, Level::warning, "A statement rewrites an existing table."),
        rule(kHeld, Level::warning,
             "A lock that blocks writes is held while later statements of the transaction run."),
        rule(kTypeChangeSafe, Level::note,
             "A column type change rewrote nothing: the static guess is cleared."),
    };
  }

  GateResult run(const GateInput& input) const override {
    GateResult result;
    result.gate = "locks";
    if (!input.postgres) {
      result.status = GateStatus::skip;
      result.skip_reason = "no PostgreSQL server";
      return result;
    }
    pg::EphemeralServer& server = *input.postgres;
    std::string database = server.clone(server.base(), "locks");
    result.metrics["migrations"] = nlohmann::json::object();
    for (const Migration& m : input.set.migrations) {
      if (!m.up) continue;
      const sql::ParsedScript& up = input.parsed.script(*m.up);
      bool traced = m.gated && !up.error && runs_in_transaction(m, up, input.pg_version);
      bool ok = traced
                    ? trace(input, server, database, m, up, result)
                    : !apply_in_database(server, database, m, up, input.config, input.pg_version);
      if (!ok) {
        result.metrics["stopped_at"] = m.id();  // forward (empty) or integrity (rows) reports it
        break;
      }
    }
    server.drop(database);
    apply_configured_levels(result, input.config);
    return result;
  }

 private:
  // Runs the migration statement by statement in its transaction, observing from inside it.
  static bool trace(const GateInput& input, pg::EphemeralServer& server,
                    const std::string& database, const Migration& m, const sql::ParsedScript& up,
                    GateResult& result) {
    std::vector<Step> steps;
    bool ok = true;
    int pid = 0;
    {
      pqxx::connection admin(server.admin(database).conninfo());
      pg::generate_fixtures(admin, {input.config.fixtures.rows, input.config.fixtures.random_seed});
      pid = admin.backendpid();
    }
    server.wait_for_backends({pid});
    {
      pqxx::connection c(server.owner(database).conninfo());
      pid = c.backendpid();
      pqxx::nontransaction(c).exec(fmt::format("SET statement_timeout = {}",
                                               input.config.postgres.statement_timeout.count()));
      std::map<unsigned, pg::Relation> existing = pg::read_relations(c);
      std::set<std::pair<unsigned, sql::LockMode>> seen;
      pqxx::nontransaction(c).exec("BEGIN");
      for (const sql::Statement& statement : up.statements) {
        Step step;
        step.statement = &statement;
        step.guess = static_guess(statement.node);
        step.lock_timeout_ms = pg::lock_timeout_ms(c);
        auto start = Clock::now();
        try {
          pqxx::nontransaction(c).exec(std::string(statement.text));
        } catch (const pqxx::sql_error&) {
          ok = false;
          break;
        }
        step.ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
        for (const auto& [oid, modes] : pg::held_locks(c)) {
          auto relation = existing.find(oid);
          if (relation == existing.end()) continue;
          for (sql::LockMode mode : modes) {
            if (seen.insert({oid, mode}).second)
              step.new_locks.push_back({relation->second.name, mode});
          }
        }
        for (const auto& [oid, now] : pg::read_relations(c)) {
          auto before = existing.find(oid);
          if (before == existing.end() || before->second.filenode == now.filenode) continue;
          step.rewritten.push_back(now.name);
          step.rewrote_table = step.rewrote_table || now.kind == 'r' || now.kind == 'm';
          before->second.filenode = now.filenode;
        }
        steps.push_back(std::move(step));
      }
      auto commit_start = Clock::now();
      pqxx::nontransaction(c).exec(ok ? "COMMIT" : "ROLLBACK");
      double commit_ms =
          std::chrono::duration<double, std::milli>(Clock::now() - commit_start).count();
      if (ok) report(input, m, up, steps, commit_ms, result);
    }
    server.wait_for_backends({pid});
    nlohmann::json trace = nlohmann::json::array();
    for (const Step& s : steps) trace.push_back(to_json(s));
    result.metrics["migrations"][m.id()] = trace;
    return ok;
  }

  static void report(const GateInput& input, const Migration& m, const sql::ParsedScript& up,
                     const std::vector<Step>& steps, double commit_ms, GateResult& result) {
    double threshold = static_cast<double>(input.config.traffic.blocked_threshold.count());
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const Step& s = steps[i];
      std::vector<std::string> blocking;
      for (const auto& [relation, mode] : s.new_locks) {
        if (sql::blocks_writes(mode))
          blocking.push_back(fmt::format("{} on {}", sql::to_string(mode), relation));
      }
      nlohmann::json evidence = to_json(s);
      if (!blocking.empty() && s.lock_timeout_ms == 0) {
        Finding f = finding(kNoLockTimeout, Level::warning, m, up, s);
        f.message = fmt::format(
            "this statement takes {} without a lock_timeout: while it waits for the lock, every "
            "query behind it waits too",
            fmt::join(blocking, ", "));
        f.help =
            "SET lock_timeout = '2s' (or less) at the start of the migration, and retry it "
            "when it times out";
        f.evidence = evidence;
        result.findings.push_back(std::move(f));
      }
      if (s.rewrote_table) {
        Finding f = finding(kRewrite, Level::warning, m, up, s);
        f.message = fmt::format(
            "this statement rewrites {} ({:.1f} ms on the fixture rows): on a large table it "
            "holds its lock for the whole rewrite",
            fmt::join(s.rewritten, ", "), s.ms);
        f.help =
            "Add the column without the default (or with a constant one) and backfill in "
            "batches; change a type to one that needs no rewrite";
        f.evidence = evidence;
        if (!s.guess.empty()) f.evidence["confirms"] = s.guess;
        result.findings.push_back(std::move(f));
      } else if (s.guess == "change-column-type") {
        Finding f = finding(kTypeChangeSafe, Level::note, m, up, s);
        f.message =
            "this type change rewrote nothing on the server: the change-column-type "
            "guess is cleared, the statement only changes the catalog";
        f.help = "No change needed; suppress change-column-type here with mgate:ignore";
        f.evidence = evidence;
        f.evidence["clears"] = s.guess;
        result.findings.push_back(std::move(f));
      }
      if (!blocking.empty() && i + 1 < steps.size()) {
        double held = commit_ms;
        for (std::size_t j = i + 1; j < steps.size(); ++j) held += steps[j].ms;
        if (held > threshold) {
          Finding f = finding(kHeld, Level::warning, m, up, s);
          f.message = fmt::format(
              "{} taken here stays held while the {} later statements of the transaction run "
              "({:.1f} ms on the fixture rows, more than traffic.blocked_threshold): writes wait "
              "all that time",
              fmt::join(blocking, ", "), steps.size() - i - 1, held);
          f.help =
              "Take the strong lock last, or split the migration so the slow statements run "
              "in their own transaction";
          f.evidence = evidence;
          f.evidence["held_ms"] = held;
          result.findings.push_back(std::move(f));
        }
      }
    }
  }
};

}  // namespace

std::unique_ptr<Gate> make_locks_gate() {
  return std::make_unique<LocksGate>();
}

}  // namespace mgate
