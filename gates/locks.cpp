// locks: what each statement of a gated migration really does on a server holding fixture rows:
// the locks it takes on relations that existed before, the tables and indexes it rewrites, how
// long it runs and whether a lock_timeout was in force. Evidence over guess: the static rules
// that guess a rewrite are confirmed or cleared here.
#include <fmt/core.h>
#include <fmt/format.h>

#include <pqxx/pqxx>

#include <fstream>
#include <iterator>
#include <set>

#include "gates/gate.hpp"
#include "gates/migration_runner.hpp"
#include "pg/ephemeral_server.hpp"
#include "pg/fixture_data.hpp"
#include "pg/lock_trace.hpp"
#include "pg/session.hpp"
#include "pg/traffic.hpp"
#include "pg/watchdog.hpp"

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

// A string literal that means the same whatever standard_conforming_strings the migration set.
std::string literal(std::string_view text) {
  std::string out = "E'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out += c;
    out += c;
  }
  return out + "'";
}

// Whether the expression calls a function the server marks volatile (pg_proc.provolatile, any
// overload of the name): only such a DEFAULT is evaluated per row and rewrites the table; now()
// is stable, evaluated once and kept in the catalog.
bool calls_volatile(const sql::Node& expression, pg::Session& session) {
  std::vector<std::string> names;
  expression.walk([&](const sql::Node& node) {
    std::vector<sql::Node> name = node.as("FuncCall")["funcname"].items();
    if (!name.empty()) names.push_back(literal(name.back().str()));
  });
  if (names.empty()) return false;
  return session.rows(fmt::format("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_proc WHERE "
                                  "provolatile = 'v' AND proname = ANY (ARRAY[{}]::text[]))",
                                  fmt::join(names, ", ")))[0][0] == "t";
}

// The static lint rule that guesses this statement may rewrite its table, if any.
std::string static_guess(const sql::Node& statement, pg::Session& session) {
  sql::Node alter = statement.as("AlterTableStmt");
  if (!alter) return "";
  for (const sql::Node& item : alter["cmds"].items()) {
    sql::Node cmd = item.as("AlterTableCmd");
    if (cmd["subtype"].str() == "AT_AlterColumnType") return "change-column-type";
    if (cmd["subtype"].str() == "AT_AddColumn") {
      for (const sql::Node& c_node : cmd["def"]["ColumnDef"]["constraints"].items()) {
        sql::Node constraint = c_node.as("Constraint");
        if (constraint["contype"].str() == "CONSTR_DEFAULT" &&
            calls_volatile(constraint["raw_expr"], session)) {
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
  Clock::time_point started;
  double ms = 0;
  long long lock_timeout_ms = 0;
  std::vector<std::pair<std::string, sql::LockMode>> new_locks;  // relation, mode
  std::vector<std::string> rewritten;                            // tables and indexes
  bool rewrote_table = false;
  std::string guess;  // static rule
};

Finding finding(std::string_view rule, Level level, const Migration& m,
                const sql::ParsedScript& script, const Step& step) {
  return finding(rule, level, m, locate(*script.file, step.statement->span));
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

// The tables that existed before the migration and that its statements lock or write: where
// the workload runs.
std::vector<std::string> affected_tables(const sql::ParsedScript& up,
                                         const std::map<unsigned, pg::Relation>& existing) {
  std::set<std::string> named;
  for (const sql::Statement& s : up.statements) {
    for (const sql::RelationLock& lock : sql::locks_taken(s.node)) named.insert(lock.relation);
    for (const char* dml : {"InsertStmt", "UpdateStmt", "DeleteStmt"}) {
      if (sql::Node n = s.node.as(dml)) named.insert(sql::relation_name(n["relation"]));
    }
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
        rule(kTimeout, Level::error,
             "Loading fixture rows ran past postgres.statement_timeout: code the migrations "
             "defined hangs it."),
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
    for (const Migration& m : input.set.migrations) {
      if (!m.up) continue;
      const sql::ParsedScript& up = input.parsed.script(*m.up);
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

  static void load_fixtures(Run& run, const Migration& m) {
    int pid = 0;
    {
      pg::Endpoint endpoint = run.server.owner(run.database);
      pqxx::connection owner(endpoint.conninfo());
      pg::LoadedFixtures loaded =
          run.fixtures.load(owner, endpoint, run.input.config.postgres.statement_timeout);
      nlohmann::json& fixtures = run.result.metrics["fixtures"][m.id()];
      fixtures = {{"seeds", loaded.seeds}, {"generated", nlohmann::json::object()}};
      for (const auto& t : loaded.generated.filled) fixtures["generated"][t.table] = t.rows;
      pid = owner.backendpid();
    }
    run.server.wait_for_backends({pid});
  }

  // A migration that cannot run in a transaction (CONCURRENTLY) is applied as the migration tool
  // would, statement by statement, under the workload. Its locks end with each statement, so
  // there is nothing to observe between statements: latencies, errors and deadlocks are the
  // evidence (and that the workload never keeps CREATE INDEX CONCURRENTLY waiting).
  static bool apply_under_traffic(Run& run, const Migration& m, const sql::ParsedScript& up) {
    const GateInput& input = run.input;
    load_fixtures(run, m);
    std::map<unsigned, pg::Relation> existing;
    int pid = 0;
    {
      pg::Session session(run.server.owner(run.database), input.config.postgres.statement_timeout);
      existing = pg::read_relations(session);
      pid = session.backend_pid();
    }
    run.server.wait_for_backends({pid});
    std::vector<std::string> tables = affected_tables(up, existing);
    std::unique_ptr<pg::Traffic> traffic = start_traffic(run, tables);
    std::vector<pg::OperationRun> quiet;
    if (traffic) {
      quiet = traffic->run(kQuietOperations);
      traffic->start();
    }
    std::optional<ScriptFailure> failure =
        apply_in_database(run.server, run.database, up, input.parsed.plan(*m.up), input.config);
    if (!traffic) return !failure;
    std::vector<pg::OperationRun> during = traffic->stop();
    run.next_row = traffic->next_row();
    std::optional<Failure> deadlocked;
    if (failure && failure->error.sqlstate == "40P01") {
      deadlocked = Failure{0, "40P01", failure->error.message};
      run.result.findings.push_back(deadlock(m, failure->location, failure->statement,
                                             failure->error.message, "the migration"));
    }
    run.result.metrics["traffic"][m.id()] = report_traffic(
        run, m, up, {}, deadlocked, {}, quiet, during, traffic->workload(), existing, tables);
    std::vector<int> clients = traffic->pids();
    traffic.reset();
    run.server.wait_for_backends(clients);
    return !failure;
  }

  // Runs the migration statement by statement in its transaction, observing from inside it,
  // while the workload runs against the tables it touches.
  static bool trace(Run& run, const Migration& m, const sql::ParsedScript& up) {
    const GateInput& input = run.input;
    pg::EphemeralServer& server = run.server;
    std::vector<Step> steps;
    std::optional<Failure> failure;
    load_fixtures(run, m);
    std::vector<int> pids;
    nlohmann::json traffic_metrics;
    {
      // Declared before the migration's session so that, on an exception, that session closes
      // first and releases the locks the clients may be queued behind.
      std::unique_ptr<pg::Traffic> traffic;
      pg::Session session(server.owner(run.database), input.config.postgres.statement_timeout);
      std::map<unsigned, pg::Relation> existing = pg::read_relations(session);
      std::vector<std::string> tables = affected_tables(up, existing);
      traffic = start_traffic(run, tables);
      std::vector<pg::OperationRun> quiet;
      std::vector<int> clients;
      if (traffic) {
        clients = traffic->pids();
        pids.insert(pids.end(), clients.begin(), clients.end());
        quiet = traffic->run(kQuietOperations);
        traffic->start();
      }
      std::vector<Observation> observations;
      std::set<std::pair<unsigned, sql::LockMode>> seen;
      control(session, "BEGIN");
      for (const sql::Statement& statement : up.statements) {
        Step step;
        step.statement = &statement;
        step.guess = static_guess(statement.node, session);
        step.lock_timeout_ms = pg::lock_timeout_ms(session);
        step.started = Clock::now();
        if (auto error = session.execute(statement.text)) {
          failure = Failure{steps.size(), error->sqlstate, error->message};
          steps.push_back(std::move(step));
          break;
        }
        step.ms = std::chrono::duration<double, std::milli>(Clock::now() - step.started).count();
        for (const auto& [oid, modes] : pg::held_locks(session)) {
          auto relation = existing.find(oid);
          if (relation == existing.end()) continue;
          for (sql::LockMode mode : modes) {
            if (seen.insert({oid, mode}).second)
              step.new_locks.push_back({relation->second.name, mode});
          }
        }
        for (const auto& [oid, now] : pg::read_relations(session)) {
          auto before = existing.find(oid);
          if (before == existing.end() || before->second.filenode == now.filenode) continue;
          step.rewritten.push_back(now.name);
          step.rewrote_table = step.rewrote_table || now.kind == 'r' || now.kind == 'm';
          before->second.filenode = now.filenode;
        }
        // The migration's locks are held until its transaction ends, so every client queued
        // behind them is still queued now.
        for (const pg::Waiter& w : pg::waiters_behind(session, clients))
          observations.push_back({Clock::now(), steps.size(), w});
        steps.push_back(std::move(step));
      }
      auto commit_start = Clock::now();
      if (failure) {
        control(session, "ROLLBACK");
      } else if (auto error = session.execute("COMMIT")) {
        // A deferred constraint, checked at commit: the last statement's doing.
        failure = Failure{steps.empty() ? 0 : steps.size() - 1, error->sqlstate, error->message};
      }
      double commit_ms =
          std::chrono::duration<double, std::milli>(Clock::now() - commit_start).count();
      if (traffic) {
        std::vector<pg::OperationRun> during = traffic->stop();
        run.next_row = traffic->next_row();
        traffic_metrics = report_traffic(run, m, up, steps, failure, observations, quiet, during,
                                         traffic->workload(), existing, tables);
      }
      if (!failure) {
        report(input, m, up, steps, commit_ms, run.result);
      } else if (failure->sqlstate == "40P01" && failure->step < steps.size()) {
        run.result.findings.push_back(
            deadlock(m, up, steps[failure->step], failure->message, "the migration"));
      }
      pids.push_back(session.backend_pid());
    }
    server.wait_for_backends(pids);
    nlohmann::json trace = nlohmann::json::array();
    for (std::size_t i = 0; i < steps.size(); ++i) {
      if (failure && failure->step == i) break;
      trace.push_back(to_json(steps[i]));
    }
    run.result.metrics["migrations"][m.id()] = trace;
    if (!traffic_metrics.is_null()) run.result.metrics["traffic"][m.id()] = traffic_metrics;
    return !failure;
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

  static nlohmann::json report_traffic(
      Run& run, const Migration& m, const sql::ParsedScript& up, const std::vector<Step>& steps,
      const std::optional<Failure>& failure, const std::vector<Observation>& observations,
      const std::vector<pg::OperationRun>& quiet, const std::vector<pg::OperationRun>& during,
      const std::vector<pg::Operation>& workload, const std::map<unsigned, pg::Relation>& existing,
      const std::vector<std::string>& tables) {
    const Config& config = run.input.config;
    double threshold = static_cast<double>(config.traffic.blocked_threshold.count());
    nlohmann::json quiet_latency = pg::latency_summary(workload, quiet);
    nlohmann::json during_latency = pg::latency_summary(workload, during);
    nlohmann::json blocked_json = nlohmann::json::array();
    double longest = 0;
    for (const Blocked& b : blocked_operations(steps, observations, during, workload, existing)) {
      longest = std::max(longest, b.longest_ms);
      nlohmann::json evidence = {{"table", b.table},
                                 {"lock", b.lock},
                                 {"waited_for", b.waited_for},
                                 {"blocked_ms", b.longest_ms},
                                 {"blocked_operations", b.runs.size()},
                                 {"kinds", b.kinds},
                                 {"statement", std::string(steps[b.step].statement->text)}};
      blocked_json.push_back(evidence);
      if (b.longest_ms <= threshold) continue;
      Finding f = finding(kTrafficBlocked, Level::warning, m, up, steps[b.step]);
      f.message = fmt::format(
          "while the migration held {} on {} (taken by this statement), {} operations of the "
          "workload ({}) waited for it, the longest {:.1f} ms (traffic.blocked_threshold is "
          "{} ms): in production the application's queries on {} wait as long",
          b.lock, b.table, b.runs.size(), fmt::join(b.kinds, ", "), b.longest_ms,
          config.traffic.blocked_threshold.count(), b.table);
      f.help =
          "Take a weaker lock (CREATE INDEX CONCURRENTLY, ADD CONSTRAINT ... NOT VALID then "
          "VALIDATE), or keep the transaction that holds the lock short and set a lock_timeout";
      f.evidence = evidence;
      f.evidence["threshold_ms"] = config.traffic.blocked_threshold.count();
      f.evidence["latency"] = latency_rows(quiet_latency, during_latency);
      run.result.findings.push_back(std::move(f));
    }
    int deadlocks = 0, lock_timeouts = 0, errors = 0;
    for (const pg::OperationRun& r : during) {
      if (r.sqlstate.empty()) continue;
      ++errors;
      lock_timeouts += r.sqlstate == "55P03";
      if (r.sqlstate != "40P01") continue;
      if (deadlocks++ > 0 || (failure && failure->sqlstate == "40P01")) continue;
      if (steps.empty()) {
        // Not traced: the statements ran one by one, and which one met the workload is unknown.
        const sql::Statement& first = up.statements.front();
        run.result.findings.push_back(deadlock(m, locate(*up.file, first.span),
                                               std::string(first.text), r.error, "the workload"));
        continue;
      }
      // The statement the migration was running (or had last run) when the workload was aborted.
      std::size_t at = 0;
      for (std::size_t i = 0; i < steps.size(); ++i) {
        if (steps[i].started <= r.end) at = i;
      }
      run.result.findings.push_back(deadlock(m, up, steps[at], r.error, "the workload"));
    }
    return {{"clients", config.traffic.clients},
            {"tables", tables},
            {"workload", workload.size()},
            {"quiet", quiet_latency},
            {"during", during_latency},
            {"blocked", blocked_json},
            {"longest_blocked_ms", longest},
            {"errors", errors},
            {"deadlocks", deadlocks},
            {"lock_timeouts", lock_timeouts}};
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
