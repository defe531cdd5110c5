// locks: what each statement of a gated migration really does on a server holding fixture rows:
// the locks it takes on relations that existed before, the tables and indexes it rewrites, how
// long it runs and whether a lock_timeout was in force. Evidence over guess: the static rules
// that guess a rewrite are confirmed or cleared here.
#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <set>

#include "core/quantity.hpp"
#include "gates/gate.hpp"
#include "gates/locks_blocker.hpp"
#include "gates/locks_projection.hpp"
#include "gates/migration_runner.hpp"
#include "pg/catalog_facts.hpp"
#include "pg/connection.hpp"
#include "pg/ephemeral_server.hpp"
#include "pg/fixture_data.hpp"
#include "pg/lock_trace.hpp"
#include "pg/session.hpp"
#include "pg/traffic.hpp"
#include "pg/watchdog.hpp"
#include "sql/statement_facts.hpp"

namespace mgate {
namespace {

constexpr std::string_view kNoLockTimeout = "locks-no-lock-timeout";
constexpr std::string_view kRewrite = "locks-table-rewrite";
constexpr std::string_view kHeld = "locks-held-across-statements";
constexpr std::string_view kTypeChangeSafe = "locks-type-change-safe";
constexpr std::string_view kTrafficBlocked = "locks-traffic-blocked";
constexpr std::string_view kDeadlock = "locks-traffic-deadlock";
constexpr std::string_view kTimeout = "locks-timeout";
// Operations per client before the migration: the quiet period latencies are compared with.
constexpr std::size_t kQuietOperations = 20;

using Clock = std::chrono::steady_clock;

// The static lint rule that guesses this statement may rewrite its table, if any.
std::string static_guess(const sql::Node& statement, pg::Session& session) {
  for (const sql::AlterTableCommand& command : sql::alter_table_commands(statement)) {
    if (command.changes_column_type) return "change-column-type";
    for (const sql::Node& expression : command.added_defaults) {
      if (pg::any_volatile_function(session, sql::called_functions(expression)))
        return "volatile-default";
    }
  }
  return "";
}

// One statement as it ran.
struct Step {
  const sql::Statement* statement;
  Clock::time_point started;
  double ms = 0;
  long long lock_timeout_ms = 0;
  std::vector<std::pair<std::string, sql::LockMode>> new_locks;  // relation, mode
  std::vector<std::string> rewritten;                            // tables and indexes
  bool rewrote_table = false;
  std::string guess;          // static rule
  nlohmann::json projection;  // at production size (locks_projection.hpp); null: size unknown
};

// A finding about what a statement did to the application's traffic: the blocking risk, which
// a static rule on the statement may already state (the pipeline folds the two).
Finding finding(std::string_view rule, Level level, const Migration& m,
                const sql::ParsedScript& script, const Step& step) {
  Finding f = finding(rule, level, m, locate(*script.file, step.statement->span));
  f.risk = "blocking";
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
  if (!s.projection.is_null()) j["projection"] = s.projection;
  return j;
}

// The tables that existed before the migration and that its statements lock or write: where
// the workload runs.
std::vector<std::string> affected_tables(const sql::ParsedScript& up,
                                         const std::map<unsigned, pg::Relation>& existing) {
  std::set<std::string> named;
  for (const sql::Statement& s : up.statements) {
    for (std::string& relation : sql::touched_relations(s.node)) named.insert(std::move(relation));
  }
  std::vector<std::string> out;
  for (const auto& [oid, relation] : existing) {
    if (relation.kind != 'r' && relation.kind != 'p') continue;
    for (const std::string& name : named) {
      std::string qualified = name.find('.') == std::string::npos ? "public." + name : name;
      if (qualified == relation.name) out.push_back(relation.name);
    }
  }
  return out;
}

// A workload client seen queued behind the migration, after statement `step`.
struct Observation {
  Clock::time_point at;
  std::size_t step;
  pg::Waiter waiter;
};

// What the workload met on one table.
struct Blocked {
  std::string table;
  std::size_t step = 0;    // the statement that took the lock
  std::string lock;        // the migration's mode
  std::string waited_for;  // the mode the workload waited for
  double longest_ms = 0;
  std::set<std::string> kinds;  // read, insert, update, query
  std::set<const pg::OperationRun*> runs;
};

// The lock the migration had taken on `relation` by `step` that the waiter's mode conflicts with,
// and the statement that took it.
std::pair<std::size_t, std::string> lock_taken_for(const std::vector<Step>& steps,
                                                   const std::string& relation,
                                                   const Observation& o) {
  for (std::size_t i = 0; i <= o.step && i < steps.size(); ++i) {
    for (const auto& [name, mode] : steps[i].new_locks) {
      if (name == relation && pg::conflicts(mode, o.waiter.mode))
        return {i, std::string(sql::to_string(mode))};
    }
  }
  return {o.step, "a lock"};
}

// Each observation names a client and a moment: the operation that client was running then
// waited for the migration's lock at least from its start to its end.
std::vector<Blocked> blocked_operations(const std::vector<Step>& steps,
                                        const std::vector<Observation>& observations,
                                        const std::vector<pg::OperationRun>& runs,
                                        const std::vector<pg::Operation>& workload,
                                        const std::map<unsigned, pg::Relation>& existing) {
  std::map<std::string, Blocked> by_table;
  for (const Observation& o : observations) {
    auto relation = existing.find(o.waiter.relation);
    if (relation == existing.end()) continue;
    auto run = std::find_if(runs.begin(), runs.end(), [&](const pg::OperationRun& r) {
      return r.pid == o.waiter.pid && r.start <= o.at && o.at <= r.end;
    });
    if (run == runs.end()) continue;
    Blocked& b = by_table[relation->second.name];
    if (b.table.empty()) {
      b.table = relation->second.name;
      std::tie(b.step, b.lock) = lock_taken_for(steps, b.table, o);
      b.waited_for = sql::to_string(o.waiter.mode);
    }
    b.runs.insert(&*run);
    b.kinds.insert(workload[run->operation].kind);
    b.longest_ms = std::max(b.longest_ms, run->ms());
  }
  std::vector<Blocked> out;
  for (auto& [_, b] : by_table) out.push_back(std::move(b));
  return out;
}

class LocksGate : public Gate {
 public:
  std::string_view name() const override { return "locks"; }
  bool dynamic() const override { return true; }

  std::vector<RuleDescriptor> rules() const override {
    return {
        rule(kNoLockTimeout, Level::warning,
             "A statement takes a lock that blocks writes on an existing relation without a "
             "lock_timeout."),
        rule(kRewrite, Level::warning, "A statement rewrites an existing table."),
        rule(kHeld, Level::warning,
             "A lock that blocks writes is held while later statements of the transaction run."),
        rule(kTypeChangeSafe, Level::note,
             "A column type change rewrote nothing: the static guess is cleared."),
        rule(kTrafficBlocked, Level::warning,
             "Under the concurrent workload, reads or writes waited for the migration's lock "
             "longer than traffic.blocked_threshold."),
        rule(kDeadlock, Level::error,
             "The migration and the concurrent workload deadlocked (SQLSTATE 40P01)."),
        rule(kWaitsBehindTransaction, Level::warning,
             "Behind a transaction left open on a table it locks, a statement waited until "
             "[locks] blocker_wait: the migration has no lock_timeout to end the wait."),
        rule(kTimeout, Level::error,
             "Loading fixture rows ran past postgres.statement_timeout: code the migrations "
             "defined hangs it."),
        blocking_over_budget_rule(),
    };
  }

  GateResult run(const GateInput& input) const override {
    GateResult result;
    pg::EphemeralServer& server = *input.postgres;
    std::optional<std::vector<pg::Operation>> queries = user_queries(input.config);
    std::string database = server.clone(server.base(), "locks");
    result.metrics["migrations"] = nlohmann::json::object();
    pg::FixtureData fixtures(input.config.root, input.config.fixtures.seed,
                             {input.config.fixtures.rows, input.config.fixtures.random_seed});
    Run state{input, server, database, fixtures, queries ? &*queries : nullptr, result};
    state.next_row = input.config.fixtures.rows + 1;
    const std::size_t end = std::min(input.range.end, input.set.migrations.size());
    for (std::size_t i = 0; i < end; ++i) {
      const Migration& m = input.set.migrations[i];
      if (!m.up) continue;
      const sql::ParsedScript& up = input.parsed.script(*m.up);
      if (!input.range.contains(i)) {
        // Before the shard's range: the rows an unsharded run would have, no trace; what
        // happens to it is another shard's to report.
        if (!replay(state, m, up)) break;
        continue;
      }
      bool ok = true;
      try {
        if (!m.gated || up.error) {
          ok = !apply_in_database(server, database, up, input.parsed.plan(*m.up), input.config);
        } else if (runs_inside_outer_transaction(up, input.parsed.plan(*m.up))) {
          ok = trace(state, m, up);
        } else {
          ok = apply_under_traffic(state, m, up);
        }
      } catch (const pg::DeadlineExceeded& e) {
        result.findings.push_back(deadline_finding(kTimeout, m, start_of(up), e));
        ok = false;
      }
      if (!ok) {
        result.metrics["stopped_at"] = m.id();  // forward (empty) or integrity (rows) reports it
        break;
      }
    }
    server.drop(database);
    return result;
  }

 private:
  // What the migrations of one run share.
  struct Run {
    const GateInput& input;
    pg::EphemeralServer& server;
    const std::string& database;
    pg::FixtureData& fixtures;
    const std::vector<pg::Operation>* queries;  // traffic.queries; null: generated workload
    GateResult& result;
    long long next_row = 1;  // of the generated inserts, past every row inserted before
  };

  // The migration's statement that failed, and how.
  struct Failure {
    std::size_t step = 0;
    std::string sqlstate;
    std::string message;
  };

  static std::optional<std::vector<pg::Operation>> user_queries(const Config& config) {
    if (config.traffic.queries.empty()) return std::nullopt;
    std::filesystem::path path = config.root / config.traffic.queries;
    std::ifstream in(path);
    if (!in) throw InputError(fmt::format("cannot read traffic.queries {}", path.string()));
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    return pg::user_workload(config.traffic.queries, text);
  }

  // The workload on the tables the migration touches, or none. Generated workloads are read
  // from the catalog and the rows on a connection of their own, closed before it starts.
  static std::unique_ptr<pg::Traffic> start_traffic(Run& run,
                                                    const std::vector<std::string>& tables) {
    const Config& config = run.input.config;
    // A migration that touches no existing table blocks no one (and the user's queries would
    // only fail on tables it is about to create).
    if (config.traffic.clients == 0 || tables.empty()) return nullptr;
    std::vector<pg::Operation> workload;
    if (run.queries) {
      workload = *run.queries;
    } else {
      auto c = open_connection(run.server.owner(run.database));
      workload = pg::generated_workload(*c, tables, config.fixtures.random_seed);
      close_connection(run.server, c);
    }
    if (workload.empty()) return nullptr;
    pg::TrafficOptions options;
    options.clients = config.traffic.clients;
    options.max_duration = config.postgres.statement_timeout;
    options.statement_timeout = config.postgres.statement_timeout;
    options.first_row = run.next_row;
    return std::make_unique<pg::Traffic>(run.server.owner(run.database), std::move(workload),
                                         options);
  }

  static pg::LoadedFixtures load_rows(Run& run) {
    int pid = 0;
    pg::LoadedFixtures loaded;
    {
      pg::Endpoint endpoint = run.server.owner(run.database);
      pg::Connection owner(endpoint);
      loaded = run.fixtures.load(owner, run.input.config.postgres.statement_timeout);
      pid = owner.backend_pid();
    }
    run.server.wait_for_backends({pid});
    return loaded;
  }

  static void load_fixtures(Run& run, const Migration& m) {
    pg::LoadedFixtures loaded = load_rows(run);
    nlohmann::json& fixtures = run.result.metrics["fixtures"][m.id()];
    fixtures = {{"seeds", loaded.seeds}, {"generated", nlohmann::json::object()}};
    for (const auto& t : loaded.generated.filled) fixtures["generated"][t.table] = t.rows;
  }

  // A migration before the shard's range: fixture rows before it when it is gated, then up.
  // Returns whether up applied (in time).
  static bool replay(Run& run, const Migration& m, const sql::ParsedScript& up) {
    const GateInput& input = run.input;
    try {
      if (m.gated) load_rows(run);
      return !apply_in_database(run.server, run.database, up, input.parsed.plan(*m.up),
                                input.config);
    } catch (const pg::DeadlineExceeded&) {
      return false;
    }
  }

  // One migration's statements as they ran: traced from inside its transaction, or (no steps)
  // applied as its tool would, one by one.
  struct Trace {
    const Migration& migration;
    const sql::ParsedScript& up;
    std::vector<Step> steps;
    std::optional<Failure> failure;
    std::vector<Observation> observations;  // workload clients queued behind its locks
    double commit_ms = 0;
  };

  // What the concurrent workload did around one migration.
  struct TrafficSeen {
    std::vector<std::string> tables;
    std::vector<pg::Operation> workload;
    std::vector<pg::OperationRun> quiet;  // before the migration: the latencies compared with
    std::vector<pg::OperationRun> during;
  };

  // The quiet period, then the clients run on until stopped.
  static std::vector<pg::OperationRun> run_quiet_then_start(pg::Traffic& traffic) {
    std::vector<pg::OperationRun> quiet = traffic.run(kQuietOperations);
    traffic.start();
    return quiet;
  }

  static TrafficSeen stop_traffic(Run& run, pg::Traffic& traffic, std::vector<std::string> tables,
                                  std::vector<pg::OperationRun> quiet) {
    TrafficSeen seen{std::move(tables), traffic.workload(), std::move(quiet), traffic.stop()};
    run.next_row = traffic.next_row();
    return seen;
  }

  // The relations of the migration's database now, read on a session that is gone when this
  // returns.
  static std::map<unsigned, pg::Relation> relations_now(Run& run) {
    std::map<unsigned, pg::Relation> existing;
    int pid = 0;
    {
      pg::Session session(run.server.owner(run.database),
                          run.input.config.postgres.statement_timeout);
      existing = pg::read_relations(session);
      pid = session.backend_pid();
    }
    run.server.wait_for_backends({pid});
    return existing;
  }

  // A migration that cannot run in a transaction (CONCURRENTLY) is applied as the migration tool
  // would, statement by statement, under the workload. Its locks end with each statement, so
  // there is nothing to observe between statements: latencies, errors and deadlocks are the
  // evidence (and that the workload never keeps CREATE INDEX CONCURRENTLY waiting).
  static bool apply_under_traffic(Run& run, const Migration& m, const sql::ParsedScript& up) {
    const GateInput& input = run.input;
    load_fixtures(run, m);
    std::map<unsigned, pg::Relation> existing = relations_now(run);
    std::vector<std::string> tables = affected_tables(up, existing);
    std::unique_ptr<pg::Traffic> traffic = start_traffic(run, tables);
    std::vector<pg::OperationRun> quiet;
    if (traffic) quiet = run_quiet_then_start(*traffic);
    std::optional<ScriptFailure> failure =
        apply_in_database(run.server, run.database, up, input.parsed.plan(*m.up), input.config);
    if (!traffic) return !failure;
    TrafficSeen seen = stop_traffic(run, *traffic, std::move(tables), std::move(quiet));
    Trace applied{m, up, {}, std::nullopt, {}, 0};
    if (failure && failure->error.sqlstate == "40P01") {
      applied.failure = Failure{0, "40P01", failure->error.message};
      run.result.findings.push_back(deadlock(m, failure->location, failure->statement,
                                             failure->error.message, "the migration"));
    }
    report_traffic(run, applied, seen, existing);
    std::vector<int> clients = traffic->pids();
    traffic.reset();
    run.server.wait_for_backends(clients);
    return !failure;
  }

  // Runs the migration statement by statement in its transaction, observing from inside it,
  // while the workload runs against the tables it touches.
  static bool trace(Run& run, const Migration& m, const sql::ParsedScript& up) {
    load_fixtures(run, m);
    std::optional<MigrationGrowth> growth =
        measure_growth(run.input.config, run.server, run.database, up);
    std::vector<int> pids;
    std::optional<Trace> traced;
    {
      // Declared before the migration's session so that, on an exception, that session closes
      // first and releases the locks the clients may be queued behind.
      std::unique_ptr<pg::Traffic> traffic;
      pg::Session session(run.server.owner(run.database),
                          run.input.config.postgres.statement_timeout);
      std::map<unsigned, pg::Relation> existing = pg::read_relations(session);
      std::vector<std::string> tables = affected_tables(up, existing);
      traffic = start_traffic(run, tables);
      probe_blocker({run.server, run.database, run.input.config, m, up, tables, traffic.get()},
                    run.result);
      std::map<std::string, long long> rows = pg::row_counts(session, tables);
      std::vector<pg::OperationRun> quiet;
      if (traffic) {
        pids = traffic->pids();
        quiet = run_quiet_then_start(*traffic);
      }
      traced.emplace(trace_transaction(session, m, up, existing, pids));
      std::size_t first_finding = run.result.findings.size();
      if (growth && !traced->failure) project_to_production(run, *growth, *traced);
      std::vector<Blocked> blocked;
      if (traffic) {
        TrafficSeen seen = stop_traffic(run, *traffic, std::move(tables), std::move(quiet));
        blocked = report_traffic(run, *traced, seen, existing);
      }
      report_trace(run, *traced);
      record_measurements(run, *traced, rows, blocked, first_finding);
      pids.push_back(session.backend_pid());
    }
    run.server.wait_for_backends(pids);
    run.result.metrics["migrations"][m.id()] = trace_json(*traced);
    return !traced->failure;
  }

  // Runs the statements in one transaction on `session`, reading after each, from inside the
  // transaction, what it did. `existing` holds the relations from before the migration (their
  // filenodes follow the rewrites); `clients` are the workload's backends.
  static Trace trace_transaction(pg::Session& session, const Migration& m,
                                 const sql::ParsedScript& up,
                                 std::map<unsigned, pg::Relation>& existing,
                                 const std::vector<int>& clients) {
    Trace trace{m, up, {}, std::nullopt, {}, 0};
    std::set<std::pair<unsigned, sql::LockMode>> seen;
    control(session, "BEGIN");
    for (const sql::Statement& statement : up.statements) {
      Step step;
      step.statement = &statement;
      step.guess = static_guess(statement.node, session);
      step.lock_timeout_ms = pg::lock_timeout_ms(session);
      step.started = Clock::now();
      if (auto error = session.execute(statement.text)) {
        trace.failure = Failure{trace.steps.size(), error->sqlstate, error->message};
        trace.steps.push_back(std::move(step));
        break;
      }
      step.ms = ms_since(step.started);
      step.new_locks = new_locks(session, existing, seen);
      record_rewrites(session, existing, step);
      // The migration's locks are held until its transaction ends, so every client queued
      // behind them is still queued now.
      for (const pg::Waiter& w : pg::waiters_behind(session, clients))
        trace.observations.push_back({Clock::now(), trace.steps.size(), w});
      trace.steps.push_back(std::move(step));
    }
    end_transaction(session, trace);
    return trace;
  }

  // Production size: each statement's projection joins its evidence; a lock held past
  // [locks] max_blocking there is a finding.
  static void project_to_production(Run& run, const MigrationGrowth& growth, Trace& trace) {
    for (std::size_t i = 0; i < trace.steps.size(); ++i)
      trace.steps[i].projection = projection_json(growth, i);
    for (Finding& f : blocking_over_budget(run.input.config, growth, trace.migration, trace.up))
      run.result.findings.push_back(std::move(f));
  }

  static double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  }

  // The locks the session holds now on relations that existed before, in modes not `seen` yet.
  static std::vector<std::pair<std::string, sql::LockMode>> new_locks(
      pg::Session& session, const std::map<unsigned, pg::Relation>& existing,
      std::set<std::pair<unsigned, sql::LockMode>>& seen) {
    std::vector<std::pair<std::string, sql::LockMode>> out;
    for (const auto& [oid, modes] : pg::held_locks(session)) {
      auto relation = existing.find(oid);
      if (relation == existing.end()) continue;
      for (sql::LockMode mode : modes) {
        if (seen.insert({oid, mode}).second) out.push_back({relation->second.name, mode});
      }
    }
    return out;
  }

  // The relations of `existing` whose file changed since it was last read: the step rewrote
  // them.
  static void record_rewrites(pg::Session& session, std::map<unsigned, pg::Relation>& existing,
                              Step& step) {
    for (const auto& [oid, now] : pg::read_relations(session)) {
      auto before = existing.find(oid);
      if (before == existing.end() || before->second.filenode == now.filenode) continue;
      step.rewritten.push_back(now.name);
      step.rewrote_table = step.rewrote_table || now.kind == 'r' || now.kind == 'm';
      before->second.filenode = now.filenode;
    }
  }

  // Commits the traced transaction, or rolls it back after a failure, and times it. A COMMIT
  // that fails checked a deferred constraint: the last statement's doing.
  static void end_transaction(pg::Session& session, Trace& trace) {
    auto commit_start = Clock::now();
    if (trace.failure) {
      control(session, "ROLLBACK");
    } else if (auto error = session.execute("COMMIT")) {
      std::size_t last = trace.steps.empty() ? 0 : trace.steps.size() - 1;
      trace.failure = Failure{last, error->sqlstate, error->message};
    }
    trace.commit_ms = ms_since(commit_start);
  }

  // The findings of a traced migration: what its statements did, or the deadlock that aborted
  // it.
  static void report_trace(Run& run, const Trace& trace) {
    const std::optional<Failure>& failure = trace.failure;
    if (!failure) {
      report_statements(run.input.config, trace, run.result);
    } else if (failure->sqlstate == "40P01" && failure->step < trace.steps.size()) {
      run.result.findings.push_back(deadlock(trace.migration, trace.up, trace.steps[failure->step],
                                             failure->message, "the migration"));
    }
  }

  // The statements that ran to their end, as the gate's metrics show them.
  static nlohmann::json trace_json(const Trace& trace) {
    nlohmann::json out = nlohmann::json::array();
    for (std::size_t i = 0; i < trace.steps.size(); ++i) {
      if (trace.failure && trace.failure->step == i) break;
      out.push_back(to_json(trace.steps[i]));
    }
    return out;
  }

  // mgate's own statements on the migration's session: an error here is the server's.
  static void control(pg::Session& session, std::string_view sql) {
    if (auto error = session.execute(sql)) {
      throw EnvironmentError(fmt::format("{} failed: {}", sql, error->message));
    }
  }

  static Finding deadlock(const Migration& m, Location where, std::string statement,
                          const std::string& message, std::string_view victim) {
    Finding f = finding(kDeadlock, Level::error, m, std::move(where));
    f.message = fmt::format(
        "this statement deadlocked with the concurrent workload: PostgreSQL aborted {} "
        "(SQLSTATE 40P01). In production one side fails: the migration, or the application's "
        "transaction",
        victim);
    f.help =
        "Take the migration's locks in the order the application takes them (LOCK TABLE the "
        "tables at the start of the migration, in that order), with a lock_timeout so it gives "
        "up instead of queueing";
    f.evidence = {{"statement", std::move(statement)}, {"victim", victim}, {"error", message}};
    return f;
  }

  static Finding deadlock(const Migration& m, const sql::ParsedScript& up, const Step& step,
                          const std::string& message, std::string_view victim) {
    return deadlock(m, locate(*up.file, step.statement->span), std::string(step.statement->text),
                    message, victim);
  }

  static nlohmann::json latency_rows(const nlohmann::json& quiet, const nlohmann::json& during) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& [period, summary] :
         {std::pair{"before the migration", &quiet}, std::pair{"during the migration", &during}}) {
      for (const auto& [kind, numbers] : summary->items()) {
        nlohmann::json row = {{"operation", kind}, {"period", period}};
        row.update(numbers);
        rows.push_back(row);
      }
    }
    return rows;
  }

  // What the workload met while the migration ran: the findings (waits past the threshold, a
  // deadlock), then the gate's traffic metrics.
  static std::vector<Blocked> report_traffic(Run& run, const Trace& trace, const TrafficSeen& seen,
                                             const std::map<unsigned, pg::Relation>& existing) {
    const Config& config = run.input.config;
    std::vector<Blocked> blocked =
        blocked_operations(trace.steps, trace.observations, seen.during, seen.workload, existing);
    for (Finding& f : blocked_traffic(config, trace, seen, blocked))
      run.result.findings.push_back(std::move(f));
    if (auto f = workload_deadlock(trace, seen.during)) run.result.findings.push_back(*f);
    run.result.metrics["traffic"][trace.migration.id()] =
        traffic_metrics(config, seen, blocked, trace.steps);
    return blocked;
  }

  static nlohmann::json blocked_evidence(const Blocked& b, const std::vector<Step>& steps) {
    return {{"table", b.table},
            {"lock", b.lock},
            {"waited_for", b.waited_for},
            {"blocked_ms", b.longest_ms},
            {"blocked_operations", b.runs.size()},
            {"kinds", b.kinds},
            {"statement", std::string(steps[b.step].statement->text)}};
  }

  // A finding for each table where the workload waited longer than traffic.blocked_threshold.
  static std::vector<Finding> blocked_traffic(const Config& config, const Trace& trace,
                                              const TrafficSeen& seen,
                                              const std::vector<Blocked>& blocked) {
    double threshold = static_cast<double>(config.traffic.blocked_threshold.count());
    std::vector<Finding> out;
    for (const Blocked& b : blocked) {
      if (b.longest_ms <= threshold) continue;
      Finding f =
          finding(kTrafficBlocked, Level::warning, trace.migration, trace.up, trace.steps[b.step]);
      f.message = fmt::format(
          "while the migration held {} on {} (taken by this statement), {} operations of the "
          "workload ({}) waited for it, the longest {:.1f} ms (traffic.blocked_threshold is "
          "{} ms): in production the application's queries on {} wait as long",
          b.lock, b.table, b.runs.size(), fmt::join(b.kinds, ", "), b.longest_ms,
          config.traffic.blocked_threshold.count(), b.table);
      f.help =
          "Take a weaker lock (CREATE INDEX CONCURRENTLY, ADD CONSTRAINT ... NOT VALID then "
          "VALIDATE), or keep the transaction that holds the lock short and set a lock_timeout";
      f.evidence = blocked_evidence(b, trace.steps);
      f.evidence["threshold_ms"] = config.traffic.blocked_threshold.count();
      f.evidence["latency"] = latency_rows(pg::latency_summary(seen.workload, seen.quiet),
                                           pg::latency_summary(seen.workload, seen.during));
      out.push_back(std::move(f));
    }
    return out;
  }

  // The first deadlock that aborted an operation of the workload, at the statement the migration
  // was running (or had last run) then; none when the migration was the victim, which its own
  // failure reports.
  static std::optional<Finding> workload_deadlock(const Trace& trace,
                                                  const std::vector<pg::OperationRun>& during) {
    if (trace.failure && trace.failure->sqlstate == "40P01") return std::nullopt;
    auto r = std::find_if(during.begin(), during.end(),
                          [](const pg::OperationRun& r) { return r.sqlstate == "40P01"; });
    if (r == during.end()) return std::nullopt;
    if (trace.steps.empty()) {
      // Not traced: the statements ran one by one, and which one met the workload is unknown.
      const sql::Statement& first = trace.up.statements.front();
      return deadlock(trace.migration, locate(*trace.up.file, first.span), std::string(first.text),
                      r->error, "the workload");
    }
    std::size_t at = 0;
    for (std::size_t i = 0; i < trace.steps.size(); ++i) {
      if (trace.steps[i].started <= r->end) at = i;
    }
    return deadlock(trace.migration, trace.up, trace.steps[at], r->error, "the workload");
  }

  static nlohmann::json traffic_metrics(const Config& config, const TrafficSeen& seen,
                                        const std::vector<Blocked>& blocked,
                                        const std::vector<Step>& steps) {
    nlohmann::json blocked_json = nlohmann::json::array();
    double longest = 0;
    for (const Blocked& b : blocked) {
      longest = std::max(longest, b.longest_ms);
      blocked_json.push_back(blocked_evidence(b, steps));
    }
    int deadlocks = 0, lock_timeouts = 0, errors = 0;
    for (const pg::OperationRun& r : seen.during) {
      if (r.sqlstate.empty()) continue;
      ++errors;
      lock_timeouts += r.sqlstate == "55P03";
      deadlocks += r.sqlstate == "40P01";
    }
    return {{"clients", config.traffic.clients},
            {"tables", seen.tables},
            {"workload", seen.workload.size()},
            {"quiet", pg::latency_summary(seen.workload, seen.quiet)},
            {"during", pg::latency_summary(seen.workload, seen.during)},
            {"blocked", blocked_json},
            {"longest_blocked_ms", longest},
            {"errors", errors},
            {"deadlocks", deadlocks},
            {"lock_timeouts", lock_timeouts}};
  }

  // How long the locks step `i` took stay held: its own run, every later statement's and the
  // commit (a transaction keeps its locks to its end).
  static double held_ms(const Trace& trace, std::size_t i) {
    double held = trace.commit_ms;
    for (std::size_t j = i; j < trace.steps.size(); ++j) held += trace.steps[j].ms;
    return held;
  }

  // What every statement of a committed traced migration did, as the pipeline gives it to the
  // static finding on the statement; the gate's own findings on a statement carry the same line.
  static void record_measurements(Run& run, const Trace& trace,
                                  const std::map<std::string, long long>& rows,
                                  const std::vector<Blocked>& blocked, std::size_t first_finding) {
    if (trace.failure) return;
    for (std::size_t i = 0; i < trace.steps.size(); ++i) {
      const Step& step = trace.steps[i];
      Measurement m{trace.migration.id(), locate(*trace.up.file, step.statement->span), "blocking",
                    to_json(step), ""};
      m.evidence["held_ms"] = held_ms(trace, i);
      nlohmann::json fixture_rows = nlohmann::json::object();
      for (const auto& [relation, mode] : step.new_locks) {
        if (auto n = rows.find(relation); n != rows.end()) fixture_rows[relation] = n->second;
      }
      m.evidence["fixture_rows"] = fixture_rows;
      auto b = std::find_if(blocked.begin(), blocked.end(),
                            [&](const Blocked& b) { return b.step == i; });
      if (b != blocked.end()) m.evidence["blocked"] = blocked_evidence(*b, trace.steps);
      m.summary = measured_line(step, m.evidence);
      for (std::size_t f = first_finding; f < run.result.findings.size(); ++f) {
        Finding& finding = run.result.findings[f];
        if (finding.risk == m.risk && finding.location &&
            finding.location->start == m.statement.start)
          finding.measured = m.summary;
      }
      run.result.measurements.push_back(std::move(m));
    }
  }

  // The measurement in one line, e.g. "SHARE on public.orders held 851 ms (the statement ran
  // 848 ms) at 2,000,000 fixture rows; 4 workload operations (insert, update) waited up to
  // 851 ms; production size unknown".
  static std::string measured_line(const Step& step, const nlohmann::json& e) {
    std::vector<std::string> blocking = strongest_blocking_locks(step, e["fixture_rows"]);
    std::vector<std::string> sizes;
    for (const auto& [relation, n] : e["fixture_rows"].items())
      sizes.push_back(fmt::format("{} rows in {}", grouped(n.get<long long>()), relation));
    std::string at = sizes.empty() ? "" : fmt::format(" at {} (fixtures)", fmt::join(sizes, ", "));
    double ms = e["duration_ms"].get<double>();
    std::string line;
    if (blocking.empty()) {
      line = fmt::format(
          "ran {}{}, taking no lock that blocks writes on a relation that existed "
          "before the migration",
          duration_text(ms), at);
    } else {
      line = fmt::format("{} held {} (the statement ran {}){}", fmt::join(blocking, ", "),
                         duration_text(e["held_ms"].get<double>()), duration_text(ms), at);
    }
    if (!e["rewritten"].empty())
      line += fmt::format("; rewrote {}", fmt::join(e["rewritten"], ", "));
    if (e.contains("blocked")) {
      const nlohmann::json& b = e["blocked"];
      line += fmt::format("; {} workload operations ({}) waited up to {}",
                          b["blocked_operations"].get<long long>(), fmt::join(b["kinds"], ", "),
                          duration_text(b["blocked_ms"].get<double>()));
    }
    if (e.contains("projection")) {
      const nlohmann::json& p = e["projection"];
      line += fmt::format("; projected to hold it {} at {} rows of {} (production stats)",
                          duration_text(p["hold_ms"].get<double>()),
                          grouped(p["production_rows"].get<long long>()),
                          p["table"].get<std::string>());
    } else if (!blocking.empty()) {
      line += "; production size unknown (no [fixtures] production_stats)";
    }
    return line;
  }

  // The findings about what each statement of a committed migration did: locks that block
  // writes taken without a lock_timeout or held while later statements run, and rewrites
  // (confirming or clearing the static guess).
  static void report_statements(const Config& config, const Trace& trace, GateResult& result) {
    for (std::size_t i = 0; i < trace.steps.size(); ++i) {
      std::vector<std::string> blocking = write_blocking_locks(trace.steps[i]);
      if (auto f = without_lock_timeout(trace, trace.steps[i], blocking))
        result.findings.push_back(std::move(*f));
      if (auto f = rewrite_verdict(trace, trace.steps[i])) result.findings.push_back(std::move(*f));
      if (auto f = held_across_statements(config, trace, i, blocking))
        result.findings.push_back(std::move(*f));
    }
  }

  // The strongest lock the step took that stops writes on each table whose rows were counted
  // (the tables the migration names; the locks on their indexes go with them), as "MODE on
  // relation"; on every relation when it locked none of those.
  static std::vector<std::string> strongest_blocking_locks(const Step& s,
                                                           const nlohmann::json& counted) {
    std::map<std::string, sql::LockMode> strongest;
    for (const auto& [relation, mode] : s.new_locks) {
      if (!sql::blocks_writes(mode)) continue;
      auto [it, first] = strongest.emplace(relation, mode);
      if (!first) it->second = std::max(it->second, mode);
    }
    std::vector<std::string> out, others;
    for (const auto& [relation, mode] : strongest) {
      (counted.contains(relation) ? out : others)
          .push_back(fmt::format("{} on {}", sql::to_string(mode), relation));
    }
    return out.empty() ? others : out;
  }

  // The locks the step took that stop writes, as "MODE on relation".
  static std::vector<std::string> write_blocking_locks(const Step& s) {
    std::vector<std::string> out;
    for (const auto& [relation, mode] : s.new_locks) {
      if (sql::blocks_writes(mode))
        out.push_back(fmt::format("{} on {}", sql::to_string(mode), relation));
    }
    return out;
  }

  static std::optional<Finding> without_lock_timeout(const Trace& trace, const Step& s,
                                                     const std::vector<std::string>& blocking) {
    if (blocking.empty() || s.lock_timeout_ms != 0) return std::nullopt;
    Finding f = finding(kNoLockTimeout, Level::warning, trace.migration, trace.up, s);
    f.message = fmt::format(
        "this statement takes {} without a lock_timeout: while it waits for the lock, every "
        "query behind it waits too",
        fmt::join(blocking, ", "));
    f.help =
        "SET lock_timeout = '2s' (or less) at the start of the migration, and retry it "
        "when it times out";
    f.evidence = to_json(s);
    return f;
  }

  // A rewrite the server saw (confirming a static guess, if any), or a type change it did not
  // rewrite for (clearing the guess).
  static std::optional<Finding> rewrite_verdict(const Trace& trace, const Step& s) {
    if (s.rewrote_table) {
      Finding f = finding(kRewrite, Level::warning, trace.migration, trace.up, s);
      f.message = fmt::format(
          "this statement rewrites {} ({:.1f} ms on the fixture rows): on a large table it "
          "holds its lock for the whole rewrite",
          fmt::join(s.rewritten, ", "), s.ms);
      f.help =
          "Add the column without the default (or with a constant one) and backfill in "
          "batches; change a type to one that needs no rewrite";
      f.evidence = to_json(s);
      if (!s.guess.empty()) f.evidence["confirms"] = s.guess;
      return f;
    }
    if (s.guess != "change-column-type") return std::nullopt;
    Finding f = finding(kTypeChangeSafe, Level::note, trace.migration, trace.up, s);
    f.message =
        "this type change rewrote nothing on the server: the change-column-type "
        "guess is cleared, the statement only changes the catalog";
    f.help = "No change needed; suppress change-column-type here with mgate:ignore";
    f.evidence = to_json(s);
    f.evidence["clears"] = s.guess;
    f.clears = {s.guess};
    return f;
  }

  // Locks that stop writes, taken by step `i` and held (until the commit) while the later
  // statements run longer than traffic.blocked_threshold.
  static std::optional<Finding> held_across_statements(const Config& config, const Trace& trace,
                                                       std::size_t i,
                                                       const std::vector<std::string>& blocking) {
    const std::vector<Step>& steps = trace.steps;
    if (blocking.empty() || i + 1 >= steps.size()) return std::nullopt;
    double held = held_ms(trace, i + 1);  // while the later statements run, and the commit
    if (held <= static_cast<double>(config.traffic.blocked_threshold.count())) return std::nullopt;
    Finding f = finding(kHeld, Level::warning, trace.migration, trace.up, steps[i]);
    f.message = fmt::format(
        "{} taken here stays held while the {} later statements of the transaction run "
        "({:.1f} ms on the fixture rows, more than traffic.blocked_threshold): writes wait "
        "all that time",
        fmt::join(blocking, ", "), steps.size() - i - 1, held);
    f.help =
        "Take the strong lock last, or split the migration so the slow statements run "
        "in their own transaction";
    f.evidence = to_json(steps[i]);
    f.evidence["held_ms"] = held;
    return f;
  }
};

}  // namespace

std::unique_ptr<Gate> make_locks_gate() {
  return std::make_unique<LocksGate>();
}

}  // namespace mgate
