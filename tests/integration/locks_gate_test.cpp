// The locks gate on real PostgreSQL: the trace of each statement on generated fixture rows
// (fixtures/dynamic/README.md lists the fixtures). Assertions are on locks and rewrites, never
// on durations.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "discover/discover.hpp"
#include "gates/pipeline.hpp"
#include "integration/postgres.hpp"
#include "sql/parsed_set.hpp"

namespace mgate::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

class LocksGate : public PostgresSuite {
 protected:
  static Report locks(const std::string& folder, const Config& config = default_config(),
                      std::vector<std::string> gates = {"locks"}) {
    MigrationSet set = discover(config.root, config.root / ("fixtures/dynamic/" + folder));
    sql::ParsedSet parsed(set, sql::working_tree_reader(config.root));
    PipelineOptions options;
    options.gates = std::move(gates);
    options.dynamic = true;
    options.postgres = &server();
    return run_pipeline(config, set, parsed, options);
  }

  // The default config with [locks] blocker_wait (the blocker probe's bound; 0: no probe).
  static Config with_blocker_wait(std::chrono::milliseconds wait) {
    Config config = default_config();
    config.locks.blocker_wait = wait;
    return config;
  }
};

std::string all_messages(const Report& report) {
  std::string out;
  for (const Finding* f : report.findings())
    out += f->migration + " " + f->rule + ": " + f->message + "\n";
  return out;
}

std::vector<const Finding*> of(const Report& report, const std::string& rule,
                               const std::string& migration) {
  std::vector<const Finding*> out;
  for (const Finding* f : findings_of(report, rule)) {
    if (f->migration == migration) out.push_back(f);
  }
  return out;
}

TEST_F(LocksGate, NonConcurrentIndexTakesShareLockWithoutTimeout) {
  Report report = locks("locks_trace");
  const nlohmann::json& trace = report.gates.at(0).metrics["migrations"]["002"];
  ASSERT_THAT(trace, SizeIs(1)) << report.gates.at(0).metrics.dump();
  nlohmann::json share = {{"relation", "public.accounts"},
                          {"mode", "SHARE"},
                          {"blocks", "every INSERT, UPDATE and DELETE (reads go on)"}};
  EXPECT_THAT(trace[0]["locks"], Contains(share)) << trace.dump();
  EXPECT_THAT(trace[0]["rewritten"], IsEmpty());
  EXPECT_THAT(of(report, "locks-no-lock-timeout", "002"), SizeIs(1)) << all_messages(report);
}

// One verdict per risk: with the lint gate, the measured lock goes into lint's finding on the
// statement (require-concurrent-index, with require-lock-timeout folded in) and the locks gate's
// own finding with its other advice is gone.
TEST_F(LocksGate, MeasuredLockWithoutTimeoutJoinsTheLintFinding) {
  Report report = locks("locks_trace", default_config(), {"lint", "locks"});
  EXPECT_THAT(of(report, "locks-no-lock-timeout", "002"), IsEmpty()) << all_messages(report);
  auto lint = of(report, "require-concurrent-index", "002");
  ASSERT_THAT(lint, SizeIs(1)) << all_messages(report);
  EXPECT_THAT(lint[0]->folded, Contains("require-lock-timeout"));
  nlohmann::json share = {{"relation", "public.accounts"},
                          {"mode", "SHARE"},
                          {"blocks", "every INSERT, UPDATE and DELETE (reads go on)"}};
  EXPECT_THAT(lint[0]->evidence["measured"]["locks"], Contains(share)) << lint[0]->evidence.dump();
}

// The statement each finding points into, with its migration and risk: two findings with one
// key say the same thing twice.
std::map<std::string, std::vector<std::string>> by_statement_and_risk(
    const Report& report, const MigrationSet& set, const sql::ParsedSet& parsed) {
  std::map<std::string, std::vector<std::string>> out;
  for (const Finding* f : report.findings()) {
    if (f->risk.empty() || !f->location) continue;
    for (const Migration& m : set.migrations) {
      if (m.id() != f->migration || !m.up) continue;
      const sql::ParsedScript& up = parsed.script(*m.up);
      for (const sql::Statement& s : up.statements) {
        Location at = locate(*up.file, s.span);
        if (at.file != f->location->file || f->location->start.line < at.start.line ||
            f->location->start.line > at.end.line)
          continue;
        out[f->migration + " " + at.file + ":" + std::to_string(at.start.line) + " " + f->risk]
            .push_back(f->rule);
      }
    }
  }
  return out;
}

// On the demo, with every gate: no statement has two findings for one risk, and every static
// finding of the blocking risk on a statement the locks gate traced carries what it measured.
TEST_F(LocksGate, DemoHasOneFindingPerStatementAndRiskAndMeasuredBlockingFindings) {
  Config config = default_config();
  MigrationSet set = discover(config.root, config.root / "fixtures/demo");
  sql::ParsedSet parsed(set, sql::working_tree_reader(config.root));
  PipelineOptions options;
  options.dynamic = true;
  options.postgres = &server();
  Report report = run_pipeline(config, set, parsed, options);
  for (const auto& [key, rules] : by_statement_and_risk(report, set, parsed))
    EXPECT_THAT(rules, SizeIs(1)) << key << ": " << ::testing::PrintToString(rules);

  const GateResult* locks = nullptr;
  for (const GateResult& g : report.gates) {
    if (g.gate == "locks") locks = &g;
  }
  ASSERT_NE(locks, nullptr);
  int measured = 0;
  for (const Finding* f : report.findings()) {
    if (f->gate != "lint" || f->risk != "blocking") continue;
    if (!locks->metrics["migrations"].contains(f->migration)) continue;  // not traced
    EXPECT_FALSE(f->measured.empty()) << f->migration << " " << f->rule << ": " << f->message;
    EXPECT_TRUE(f->evidence["measured"].contains("duration_ms")) << f->evidence.dump();
    ++measured;
  }
  EXPECT_GT(measured, 0) << all_messages(report);
  // 008's failure on the rows went into lint's add-required-column; the integrity gate still
  // failed it.
  for (const GateResult& g : report.gates) {
    if (g.gate == "integrity") {
      EXPECT_EQ(g.status, GateStatus::fail);
    }
  }
}

// A rewrite the server saw confirms the static guess; the rewrite's measurement is on the lint
// finding and the locks gate's own finding is folded into it.
TEST_F(LocksGate, MeasuredRewriteConfirmsTheLintFinding) {
  Report report = locks("locks_trace", default_config(), {"lint", "locks"});
  EXPECT_THAT(of(report, "locks-table-rewrite", "003"), IsEmpty()) << all_messages(report);
  auto lint = of(report, "volatile-default", "003");
  ASSERT_THAT(lint, SizeIs(1)) << all_messages(report);
  EXPECT_THAT(lint[0]->folded, Contains("locks-table-rewrite"));
  const nlohmann::json& measured = lint[0]->evidence["measured"];
  EXPECT_EQ(measured["verdict"], "confirmed") << measured.dump();
  EXPECT_THAT(measured["rewritten"], Contains("public.accounts"));
  // 1,000 generated rows, and the rows the workload inserted while 002 ran.
  EXPECT_GE(measured["fixture_rows"]["public.accounts"], 1000) << measured.dump();
  EXPECT_THAT(lint[0]->measured, HasSubstr("ACCESS EXCLUSIVE on public.accounts held"));
  EXPECT_THAT(lint[0]->measured, HasSubstr("rows in public.accounts (fixtures)"));
  EXPECT_THAT(lint[0]->measured, HasSubstr("rewrote public.accounts"));
}

// A type change the rules cannot prove free (text to a domain without constraints) that
// rewrote nothing clears change-column-type: one note that says why.
TEST_F(LocksGate, TypeChangeThatRewroteNothingClearsTheLintFinding) {
  Report report = locks("locks_trace", default_config(), {"lint", "locks"});
  EXPECT_THAT(of(report, "locks-type-change-safe", "007"), IsEmpty()) << all_messages(report);
  auto lint = of(report, "change-column-type", "007");
  // The down script's change back is flagged too, and not run by the locks gate.
  std::erase_if(lint, [](const Finding* f) { return !f->location->file.ends_with(".up.sql"); });
  ASSERT_THAT(lint, SizeIs(1)) << all_messages(report);
  EXPECT_EQ(lint[0]->level, Level::note);
  EXPECT_EQ(lint[0]->evidence["measured"]["verdict"], "cleared");
  EXPECT_THAT(lint[0]->message, HasSubstr("Cleared on the server"));
}

TEST_F(LocksGate, VolatileDefaultRewritesTheTableAndConfirmsTheStaticRule) {
  Report report = locks("locks_trace");
  auto rewrite = of(report, "locks-table-rewrite", "003");
  ASSERT_THAT(rewrite, SizeIs(1)) << all_messages(report);
  EXPECT_EQ(rewrite[0]->evidence["confirms"], "volatile-default");
  EXPECT_THAT(rewrite[0]->evidence["rewritten"], Contains("public.accounts"));
}

TEST_F(LocksGate, VarcharToTextRewritesNothingAndIsCleared) {
  Report report = locks("locks_trace");
  EXPECT_THAT(of(report, "locks-table-rewrite", "004"), IsEmpty()) << all_messages(report);
  EXPECT_THAT(of(report, "locks-no-lock-timeout", "004"), IsEmpty()) << all_messages(report);
  auto safe = of(report, "locks-type-change-safe", "004");
  ASSERT_THAT(safe, SizeIs(1)) << all_messages(report);
  EXPECT_EQ(safe[0]->evidence["clears"], "change-column-type");
  EXPECT_EQ(safe[0]->evidence["lock_timeout_ms"], 2000);
}

TEST_F(LocksGate, StrongLockHeldAcrossLaterStatementsIsReported) {
  Config config = default_config();
  config.traffic.blocked_threshold = std::chrono::milliseconds(0);
  Report report = locks("locks_trace", config);
  // In 004 the type change is the last statement: nothing runs after it but the commit.
  EXPECT_THAT(of(report, "locks-held-across-statements", "004"), IsEmpty()) << all_messages(report);
  // In 005 the index's SHARE lock stays held while the UPDATE runs.
  auto held = of(report, "locks-held-across-statements", "005");
  ASSERT_THAT(held, SizeIs(1)) << all_messages(report);
  EXPECT_THAT(held[0]->message, HasSubstr("SHARE on public.accounts"));
  EXPECT_TRUE(held[0]->evidence.contains("held_ms"));
}

TEST_F(LocksGate, MigrationWithLockTimeoutHasNoFindings) {
  Report report = locks("locks_clean");
  EXPECT_THAT(report.findings(), IsEmpty()) << all_messages(report);
  const nlohmann::json& trace = report.gates.at(0).metrics["migrations"]["002"];
  ASSERT_THAT(trace, SizeIs(2));
  EXPECT_EQ(trace[1]["locks"][0]["mode"], "ACCESS EXCLUSIVE");
  // The default workload ran (4 clients, 20 quiet operations each) and met no error.
  const nlohmann::json& traffic = report.gates.at(0).metrics["traffic"]["002"];
  EXPECT_EQ(traffic["clients"], 4) << traffic.dump();
  int quiet = 0;
  for (const auto& [kind, summary] : traffic["quiet"].items()) {
    quiet += summary["operations"].get<int>();
    EXPECT_EQ(summary["errors"], 0) << kind;
  }
  EXPECT_EQ(quiet, 80) << traffic.dump();
  EXPECT_EQ(traffic["errors"], 0) << traffic.dump();
  // 001 only creates the table: nothing existed to run a workload on.
  EXPECT_FALSE(report.gates.at(0).metrics["traffic"].contains("001"));
}

TEST_F(LocksGate, StableDefaultRewritesNothingAndGuessesNoVolatileDefault) {
  Report report = locks("locks_trace");
  EXPECT_THAT(of(report, "locks-table-rewrite", "006"), IsEmpty()) << all_messages(report);
  const nlohmann::json& trace = report.gates.at(0).metrics["migrations"]["006"];
  ASSERT_THAT(trace, SizeIs(2)) << trace.dump();
  EXPECT_THAT(trace[1]["rewritten"], IsEmpty());
  EXPECT_FALSE(trace[1].contains("static_rule")) << trace.dump();
  // random() is volatile: the guess stands and the rewrite confirms it.
  EXPECT_EQ(report.gates.at(0).metrics["migrations"]["003"][0]["static_rule"], "volatile-default");
}

// The migration waits on the server until a workload write is queued behind its SHARE lock
// (see the fixture), so a block is certain; its length is measured, not asserted.
TEST_F(LocksGate, WorkloadWritesBlockedByANonConcurrentIndexAreMeasuredAndReported) {
  Config config = default_config();
  config.fixtures.rows = 200000;
  config.traffic.clients = 2;
  config.traffic.blocked_threshold = std::chrono::milliseconds(0);
  Report report = locks("locks_blocked_index", config);
  auto blocked = of(report, "locks-traffic-blocked", "002");
  ASSERT_THAT(blocked, SizeIs(1)) << all_messages(report);
  const nlohmann::json& e = blocked[0]->evidence;
  EXPECT_EQ(e["table"], "public.accounts");
  EXPECT_EQ(e["lock"], "SHARE");
  EXPECT_EQ(e["waited_for"], "ROW EXCLUSIVE");
  EXPECT_GE(e["blocked_operations"].get<int>(), 1);
  EXPECT_GT(e["blocked_ms"].get<double>(), 0);
  EXPECT_THAT(e["statement"].get<std::string>(), HasSubstr("CREATE INDEX"));
  EXPECT_THAT(blocked[0]->message, HasSubstr("SHARE on public.accounts"));
  ASSERT_TRUE(blocked[0]->location);
  EXPECT_EQ(blocked[0]->location->start.line, 1);
  const nlohmann::json& traffic = report.gates.at(0).metrics["traffic"]["002"];
  EXPECT_EQ(traffic["tables"], nlohmann::json({"public.accounts"})) << traffic.dump();
  // Before the migration each client runs 20 operations of the 24 (read, insert, update for 8
  // keys), so every kind ran; which kinds run during it depends on when the lock is taken.
  for (const char* kind : {"read", "insert", "update"}) {
    EXPECT_GT(traffic["quiet"][kind]["operations"].get<int>(), 0) << kind << traffic.dump();
    EXPECT_EQ(traffic["quiet"][kind]["errors"], 0) << kind << traffic.dump();
  }
  int writes_during = 0;
  for (const char* kind : {"insert", "update"}) {
    if (traffic["during"].contains(kind))
      writes_during += traffic["during"][kind]["operations"].get<int>();
  }
  EXPECT_GE(writes_during, e["blocked_operations"].get<int>()) << traffic.dump();
  EXPECT_EQ(traffic["errors"], 0) << traffic.dump();
  EXPECT_GE(traffic["longest_blocked_ms"].get<double>(), e["blocked_ms"].get<double>());
  EXPECT_EQ(traffic["deadlocks"], 0);
}

// The workload's transaction updates accounts then orders; the migration locks orders, waits
// on the server until that transaction is queued behind it, then alters accounts.
TEST_F(LocksGate, DeadlockBetweenTheMigrationAndTheWorkloadIsAnError) {
  Config config = default_config();
  config.fixtures.rows = 100;
  config.traffic.clients = 1;
  config.traffic.queries = "fixtures/dynamic/locks_traffic/accounts_then_orders.sql";
  Report report = locks("locks_deadlock", config);
  auto deadlocks = of(report, "locks-traffic-deadlock", "002");
  ASSERT_THAT(deadlocks, SizeIs(1)) << all_messages(report);
  EXPECT_THAT(deadlocks[0]->evidence["error"].get<std::string>(), HasSubstr("deadlock"));
  std::string victim = deadlocks[0]->evidence["victim"];
  EXPECT_THAT(victim, ::testing::AnyOf("the workload", "the migration"));
  ASSERT_TRUE(deadlocks[0]->location);
  EXPECT_EQ(deadlocks[0]->location->start.line, 13);  // the ALTER TABLE accounts
  const nlohmann::json& traffic = report.gates.at(0).metrics["traffic"]["002"];
  EXPECT_EQ(traffic["quiet"]["query"]["errors"], 0) << traffic.dump();
  if (victim == "the workload") {
    EXPECT_EQ(traffic["deadlocks"], 1) << traffic.dump();
  }
}

// CREATE INDEX CONCURRENTLY waits for every transaction open when it starts: it finishes only
// because no workload operation keeps one open.
TEST_F(LocksGate, ConcurrentIndexRunsUnderTheWorkloadWithoutFindings) {
  Report report = locks("declared_concurrently");
  EXPECT_THAT(report.findings(), IsEmpty()) << all_messages(report);
  const nlohmann::json& metrics = report.gates.at(0).metrics;
  EXPECT_FALSE(metrics.contains("stopped_at")) << metrics.dump();
  const nlohmann::json& traffic = metrics["traffic"]["20240102120000"];
  EXPECT_EQ(traffic["tables"], nlohmann::json({"public.accounts"})) << metrics.dump();
  EXPECT_EQ(traffic["errors"], 0) << traffic.dump();
  EXPECT_THAT(traffic["blocked"], IsEmpty()) << traffic.dump();
  EXPECT_EQ(metrics["fixtures"]["20240102120000"]["generated"]["public.accounts"], 1000);
}

TEST_F(LocksGate, SeedFilesAreLoadedLikeInTheIntegrityGate) {
  Config config = default_config();
  config.traffic.clients = 0;
  config.fixtures.seed = {"fixtures/dynamic/integrity_seeds/orphan_orders.sql"};
  Report report = locks("integrity_not_valid_fk", config);
  const nlohmann::json& fixtures = report.gates.at(0).metrics["fixtures"];
  // Before 001 the seed's table does not exist yet; it is loaded before 002.
  EXPECT_THAT(fixtures["001"]["seeds"], IsEmpty()) << fixtures.dump();
  EXPECT_EQ(fixtures["002"]["seeds"], nlohmann::json({config.fixtures.seed[0]})) << fixtures.dump();
  // orders holds the seed's rows, so only accounts is generated.
  EXPECT_EQ(fixtures["002"]["generated"], nlohmann::json({{"public.accounts", 1000}}));
}

TEST_F(LocksGate, UnterminatedTransactionInTrafficQueriesIsAnInputError) {
  Config config = default_config();
  config.traffic.queries = "fixtures/dynamic/locks_traffic/unterminated.sql";
  EXPECT_THROW(locks("locks_clean", config), InputError);
}

// The blocker probe (fixtures/dynamic/locks_blocker): before each migration on orders, a second
// session holds ROW EXCLUSIVE on it in an open transaction, as an application transaction that
// wrote a row does, and the migration runs against it and is rolled back. Waits are asserted
// from below only: a lock_timeout never fires early.
TEST_F(LocksGate, BlockerProbeSeesTheMigrationsOwnLockTimeoutEndTheWait) {
  Report report = locks("locks_blocker", with_blocker_wait(std::chrono::milliseconds(300)));
  EXPECT_THAT(of(report, "locks-waits-behind-transaction", "002"), IsEmpty())
      << all_messages(report);
  const nlohmann::json& blocker = report.gates.at(0).metrics["blocker"];
  const nlohmann::json& probe = blocker["002"];
  EXPECT_EQ(probe["outcome"], "gave up") << probe.dump();
  EXPECT_EQ(probe["lock_timeout_ms"], 100);
  EXPECT_GE(probe["waited_ms"].get<double>(), 100.0) << probe.dump();
  EXPECT_EQ(probe["line"], 2);
  EXPECT_EQ(probe["held"], "ROW EXCLUSIVE");
  nlohmann::json share = {{"relation", "public.orders"}, {"mode", "SHARE"}};
  EXPECT_EQ(probe["waited_for"], nlohmann::json::array({share})) << probe.dump();
  // 001 creates orders: no table existed to hold a lock on.
  EXPECT_FALSE(blocker.contains("001")) << blocker.dump();
}

TEST_F(LocksGate, BlockerProbeReportsAMigrationWithoutLockTimeoutWithTheMeasuredWait) {
  Report report = locks("locks_blocker", with_blocker_wait(std::chrono::milliseconds(300)));
  auto waited = of(report, "locks-waits-behind-transaction", "003");
  ASSERT_THAT(waited, SizeIs(1)) << all_messages(report);
  const Finding& f = *waited[0];
  EXPECT_EQ(f.level, Level::warning);
  EXPECT_EQ(f.risk, "blocking");
  ASSERT_TRUE(f.location);
  EXPECT_EQ(f.location->start.line, 1);
  EXPECT_EQ(f.evidence["outcome"], "waited") << f.evidence.dump();
  EXPECT_EQ(f.evidence["lock_timeout_ms"], 0);
  EXPECT_GE(f.evidence["waited_ms"].get<double>(), 300.0) << f.evidence.dump();
  EXPECT_THAT(f.message, HasSubstr("for SHARE on public.orders behind a transaction"));
  EXPECT_THAT(f.message, HasSubstr("[locks] blocker_wait is 300 ms"));
  EXPECT_THAT(f.help, HasSubstr("SET lock_timeout"));
  // The default workload ran while it waited: what queued behind it is counted, not asserted.
  for (const char* key : {"operations", "reads", "writes", "longest_ms"})
    EXPECT_TRUE(f.evidence["queued"].contains(key)) << key << f.evidence.dump();
  EXPECT_EQ(f.evidence["queued"]["reads"], 0) << "reads go on beside SHARE";
}

// A lock_timeout longer than the bound is not waited out: mgate only sees that the statement
// waits, and the lock_timeout is set.
TEST_F(LocksGate, BlockerProbeDoesNotWaitOutALockTimeoutLongerThanItsBound) {
  Report report = locks("locks_blocker", with_blocker_wait(std::chrono::milliseconds(50)));
  const nlohmann::json& probe = report.gates.at(0).metrics["blocker"]["002"];
  EXPECT_EQ(probe["outcome"], "longer lock_timeout") << probe.dump();
  EXPECT_EQ(probe["lock_timeout_ms"], 100);
  EXPECT_FALSE(probe.contains("queued")) << probe.dump();
  EXPECT_THAT(of(report, "locks-waits-behind-transaction", "002"), IsEmpty())
      << all_messages(report);
}

// What the trace saw of each statement, without its durations.
nlohmann::json traced_without_durations(const Report& report) {
  nlohmann::json out = report.gates.at(0).metrics["migrations"];
  for (auto& [version, steps] : out.items()) {
    for (auto& step : steps) step.erase("duration_ms");
  }
  return out;
}

std::vector<std::string> findings_but_the_probes(const Report& report) {
  std::vector<std::string> out;
  for (const Finding* f : report.findings()) {
    if (f->rule != "locks-waits-behind-transaction") out.push_back(f->rule + " " + position_of(*f));
  }
  return out;
}

// The probe's transactions are rolled back: the traced run after it meets the database as it
// was (002's index does not exist yet, or its CREATE INDEX would fail), and sees what it sees
// with the probe off.
TEST_F(LocksGate, BlockerProbeLeavesTheDatabaseAsItFoundItAndZeroTurnsItOff) {
  Report off = locks("locks_blocker", with_blocker_wait(std::chrono::milliseconds(0)));
  Report on = locks("locks_blocker", with_blocker_wait(std::chrono::milliseconds(100)));
  EXPECT_FALSE(off.gates.at(0).metrics.contains("blocker")) << off.gates.at(0).metrics.dump();
  EXPECT_THAT(findings_of(off, "locks-waits-behind-transaction"), IsEmpty());
  EXPECT_THAT(findings_of(on, "locks-waits-behind-transaction"), SizeIs(1)) << all_messages(on);
  EXPECT_FALSE(on.gates.at(0).metrics.contains("stopped_at")) << on.gates.at(0).metrics.dump();
  EXPECT_EQ(traced_without_durations(on), traced_without_durations(off));
  EXPECT_EQ(findings_but_the_probes(on), findings_but_the_probes(off));
}

}  // namespace
}  // namespace mgate::testing
