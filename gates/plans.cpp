// plans: the critical queries' plans and latencies on the schema before the gated migrations
// and after them, on the same fixture data: plan diffs, timing regressions tested for
// significance, latency budgets, and the committed baseline (docs/gates/plans.md).
#include <fmt/core.h>

#include <sched.h>

#include <algorithm>
#include <cctype>
#include <chrono>

#include "gates/gate.hpp"
#include "gates/migration_runner.hpp"
#include "gates/plans_baseline.hpp"
#include "gates/plans_diff.hpp"
#include "gates/plans_queries.hpp"
#include "gates/plans_timing.hpp"
#include "pg/catalog_facts.hpp"
#include "pg/connection.hpp"
#include "pg/ephemeral_server.hpp"
#include "pg/fixture_data.hpp"
#include "pg/query_plan.hpp"
#include "pg/watchdog.hpp"
#include "sql/locks.hpp"
#include "sql/statement_facts.hpp"

namespace mgate {
namespace {

constexpr std::string_view kIndexLost = "plans-index-lost";
constexpr std::string_view kSeqScan = "plans-seq-scan";
constexpr std::string_view kCostRise = "plans-cost-rise";
constexpr std::string_view kSlower = "plans-timing-regression";
constexpr std::string_view kBudget = "plans-budget-exceeded";
constexpr std::string_view kQueryFails = "plans-query-fails";
constexpr std::string_view kTimeout = "plans-timeout";

using Json = nlohmann::json;

// Puts both backends on the CPU this thread runs on. Each side is one server process, and on a
// shared machine one process can sit on a core that a compiler keeps busy while the other does
// not: every run of that side is slower, and interleaving the runs cannot cancel it. On one CPU,
// both sides meet the same contention. Returns the CPU, or -1 when the kernel refused.
int pin_to_one_cpu(const std::vector<int>& pids) {
  int cpu = sched_getcpu();
  if (cpu < 0) return -1;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  for (int pid : pids) {
    if (sched_setaffinity(pid, sizeof set, &set) != 0) return -1;
  }
  return cpu;
}

// One side of the comparison: a database, the connection the queries run on, and the watchdog
// that bounds each run (a query may call functions the migrations defined).
struct Side {
  std::string database;
  std::unique_ptr<pg::Connection> connection;
  std::unique_ptr<pg::Watchdog> watchdog;

  void open(pg::EphemeralServer& server) {
    connection = open_connection(server.owner(database));
    watchdog = std::make_unique<pg::Watchdog>();
    watchdog->watch(connection->watchdog_target());
  }
  void close(pg::EphemeralServer& server) {
    watchdog.reset();
    close_connection(server, connection);
  }
};

// The gate's databases: dropped at the end, and on the way out of an exception too, when a
// failed drop matters less than the exception (the teardown drops what is left).
class ScratchDatabases {
 public:
  explicit ScratchDatabases(pg::EphemeralServer& server) : server_(server) {}
  ~ScratchDatabases() {
    for (const std::string& database : databases_) {
      try {
        server_.drop(database);
      } catch (const std::exception&) {
        // The exception on its way matters more.
      }
    }
  }
  ScratchDatabases(const ScratchDatabases&) = delete;
  ScratchDatabases& operator=(const ScratchDatabases&) = delete;

  std::string clone(const std::string& source, std::string_view label) {
    return databases_.emplace_back(server_.clone(source, label));
  }
  void drop_all() {
    while (!databases_.empty()) {
      server_.drop(databases_.front());
      databases_.erase(databases_.begin());
    }
  }

 private:
  pg::EphemeralServer& server_;
  std::vector<std::string> databases_;
};

// What one query did on one side.
struct Measurement {
  std::optional<pg::QueryPlan> plan;
  std::vector<double> samples_ms;
  std::string error;  // the server's message when the query failed
  std::string sqlstate;
};

// Runs `step` on `side` within postgres.statement_timeout; a failure of the query is recorded
// and ends the measurements of that side. A query that ignores cancellation ends the gate
// (DeadlineExceeded): its connection is gone.
template <typename Step>
bool attempt(Measurement& m, Side& side, const CriticalQuery& q, std::chrono::milliseconds budget,
             Step&& step) {
  if (!m.error.empty()) return false;
  side.watchdog->arm(budget);
  try {
    step();
    if (side.watchdog->disarm() == pg::Watchdog::Outcome::terminated) {
      throw pg::DeadlineExceeded("critical query " + q.name, budget);
    }
    return true;
  } catch (const pg::ConnectionLost&) {
    if (side.watchdog->disarm() == pg::Watchdog::Outcome::terminated) {
      throw pg::DeadlineExceeded("critical query " + q.name, budget);
    }
    throw;
  } catch (const pg::QueryFailed& e) {
    side.watchdog->disarm();
    m.error = e.what();
    m.sqlstate = e.sqlstate();
    while (!m.error.empty() && std::isspace(static_cast<unsigned char>(m.error.back())))
      m.error.pop_back();
    return false;
  }
}

// Warm-up runs, the EXPLAIN, then the timed runs. The two sides alternate run by run, and the
// side that goes first alternates too, so that whatever the machine does meanwhile (another
// build, a CPU clock change) falls on both samples alike.
std::pair<Measurement, Measurement> measure(Side& before, Side& after, const CriticalQuery& q,
                                            const Config& config) {
  Measurement b;
  Measurement a;
  std::chrono::milliseconds budget = config.postgres.statement_timeout;
  for (int i = 0; i < config.plans.warmup; ++i) {
    attempt(b, before, q, budget, [&] { pg::timed_run(*before.connection, q.sql); });
    attempt(a, after, q, budget, [&] { pg::timed_run(*after.connection, q.sql); });
  }
  attempt(b, before, q, budget, [&] { b.plan = pg::explain_analyze(*before.connection, q.sql); });
  attempt(a, after, q, budget, [&] { a.plan = pg::explain_analyze(*after.connection, q.sql); });
  for (int i = 0; i < config.plans.runs; ++i) {
    auto run_before = [&] {
      attempt(b, before, q, budget,
              [&] { b.samples_ms.push_back(pg::timed_run(*before.connection, q.sql)); });
    };
    auto run_after = [&] {
      attempt(a, after, q, budget,
              [&] { a.samples_ms.push_back(pg::timed_run(*after.connection, q.sql)); });
    };
    if (i % 2 == 0) {
      run_before();
      run_after();
    } else {
      run_after();
      run_before();
    }
  }
  return {std::move(b), std::move(a)};
}

Json side_json(const Measurement& m) {
  if (!m.error.empty()) return {{"error", m.error}, {"sqlstate", m.sqlstate}};
  if (!m.plan) return nullptr;
  const pg::PlanNode& root = m.plan->root;
  return {{"shape", pg::plan_shape(root)},
          {"tree", pg::render_plan(root)},
          {"plan", pg::to_json(root)},
          {"cost", root.total_cost},
          {"buffers",
           {{"shared_hit", root.shared_hit},
            {"shared_read", root.shared_read},
            {"total", root.shared_hit + root.shared_read}}},
          {"planning_ms", m.plan->planning_ms},
          {"execution_ms", m.plan->execution_ms},
          {"timing", to_json(summarise(m.samples_ms))},
          {"samples_ms", m.samples_ms}};
}

std::string ms_text(double ms) {
  if (ms >= 10) return fmt::format("{:.1f} ms", ms);
  if (ms >= 0.01) return fmt::format("{:.3f} ms", ms);
  return fmt::format("{:.2g} ms", ms);
}

bool same_relation(std::string_view written, std::string_view planned) {
  // The migration may qualify the name (shop.orders); EXPLAIN names the relation alone.
  if (written == planned) return true;
  return written.size() > planned.size() && written.ends_with(planned) &&
         written[written.size() - planned.size() - 1] == '.';
}

// What the findings about one query's plan change carry: the two plans, and the measurements.
struct PlanEvidence {
  PlanComparison plan;
  Json measured;
  void attach_to(Finding& f) const {
    f.plan = plan;
    f.evidence = measured;
  }
};

class PlansGate : public Gate {
 public:
  std::string_view name() const override { return "plans"; }
  bool dynamic() const override { return true; }
  GateScope scope() const override { return GateScope::gated_set; }

  std::vector<RuleDescriptor> rules() const override {
    std::vector<RuleDescriptor> out = {
        rule(kIndexLost, Level::error,
             "A critical query no longer uses an index it used before the migrations."),
        rule(kSeqScan, Level::warning,
             "A critical query reads a large table with a sequential scan it did not need before "
             "the migrations."),
        rule(kCostRise, Level::warning,
             "The planner's estimated cost of a critical query grows past [plans] "
             "cost_threshold."),
        rule(kSlower, Level::error,
             "A critical query is significantly slower after the migrations, by more than "
             "[plans] regression_threshold."),
        rule(kBudget, Level::error,
             "A critical query's median latency after the migrations exceeds its budget_ms."),
        rule(kQueryFails, Level::error, "A critical query fails after the migrations."),
        rule(kTimeout, Level::error,
             "A critical query, loading fixture rows or ANALYZE ran past "
             "postgres.statement_timeout and ignored cancellation."),
    };
    for (RuleDescriptor& r : baseline_rules()) out.push_back(std::move(r));
    return out;
  }

  GateResult run(const GateInput& input) const override {
    GateResult result;
    std::vector<CriticalQuery> queries = read_critical_queries(input.config);
    if (queries.empty()) {
      result.status = GateStatus::skip;
      result.skip_reason = "no critical queries ([plans] queries)";
      return result;
    }
    const Config& config = input.config;
    std::optional<std::string> skip;
    std::optional<Finding> timed_out;
    Counts counts;
    {
      ScratchDatabases made(*input.postgres);
      try {
        skip = compare(input, queries, made, counts, result);
      } catch (const pg::DeadlineExceeded& e) {
        timed_out = timeout_finding(queries, e);
      }
      made.drop_all();
    }
    if (skip) return skipped(std::move(result), *skip);
    if (timed_out) {
      // What was measured before it is incomplete: no summary, no baseline comparison.
      result.findings.push_back(std::move(*timed_out));
      return result;
    }

    compare_with_committed_baseline(config, queries, result);
    result.summary = summary(queries.size(), config.plans.runs, counts);
    return result;
  }

 private:
  struct Counts {
    int plan_changed = 0;
    int slower = 0;
    int over_budget = 0;
    int failing = 0;
  };

  static std::string summary(std::size_t queries, int runs, const Counts& counts) {
    return fmt::format(
        "{} critical quer{}, {} interleaved runs each: {} plan changed, {} slower, {} over "
        "budget, {} failing",
        queries, queries == 1 ? "y" : "ies", runs, counts.plan_changed, counts.slower,
        counts.over_budget, counts.failing);
  }

  // Both sides, from fixture rows to the last timed run, in databases made in `made`. Returns why
  // the gate is skipped, if it is.
  std::optional<std::string> compare(const GateInput& input,
                                     const std::vector<CriticalQuery>& queries,
                                     ScratchDatabases& made, Counts& counts,
                                     GateResult& result) const {
    pg::EphemeralServer& server = *input.postgres;
    const Config& config = input.config;
    const long long rows = config.plans.rows > 0 ? config.plans.rows : config.fixtures.rows;
    pg::FixtureData fixtures(config.root, config.fixtures.seed,
                             {rows, config.fixtures.random_seed});

    std::string base = made.clone(server.base(), "plans");
    if (auto failed = apply_migrations(input, server, base, false)) {
      return fmt::format("base migration {} fails", *failed);
    }
    prepare_base(server, base, fixtures, config, rows, result);
    Side before{made.clone(base, "plans_before"), nullptr, nullptr};
    Side after{made.clone(base, "plans_after"), nullptr, nullptr};
    if (auto failed = apply_migrations(input, server, after.database, true)) {
      return fmt::format(
          "migration {} fails on the fixture data (the forward and integrity gates report it)",
          *failed);
    }
    prepare_after(server, after.database, fixtures, config, result);
    before.open(server);
    after.open(server);
    measure_queries(input, queries, before, after, counts, result);
    before.close(server);
    after.close(server);
    return std::nullopt;
  }

  // Fixture rows in the database both sides are cloned from, then VACUUM ANALYZE, once: VACUUM
  // sets the visibility map (index-only scans depend on it) and ANALYZE gives the planner its
  // statistics. ANALYZE runs the functions of expression indexes.
  static void prepare_base(pg::EphemeralServer& server, const std::string& base,
                           pg::FixtureData& fixtures, const Config& config, long long rows,
                           GateResult& result) {
    std::chrono::milliseconds budget = config.postgres.statement_timeout;
    auto c = open_connection(server.owner(base));
    pg::LoadedFixtures loaded = fixtures.load(*c, budget);
    result.metrics["fixtures"] = fixtures_json(config, rows, loaded);
    pg::run_bounded(*c, budget, "VACUUM ANALYZE", [&] { c->execute("VACUUM ANALYZE"); });
    close_connection(server, c);
  }

  // After the gated migrations: rows for the tables they created, and statistics where the
  // planner has none. Tables the migrations left alone keep the statistics of the database both
  // sides were cloned from, so the planner sees the same numbers on both.
  static void prepare_after(pg::EphemeralServer& server, const std::string& after,
                            pg::FixtureData& fixtures, const Config& config, GateResult& result) {
    std::chrono::milliseconds budget = config.postgres.statement_timeout;
    auto c = open_connection(server.owner(after));
    pg::LoadedFixtures loaded = fixtures.load(*c, budget);
    for (const auto& t : loaded.generated.filled)
      result.metrics["fixtures"]["generated_after"][t.table] = t.rows;
    pg::run_bounded(*c, budget, "ANALYZE", [&] { pg::analyze_tables_without_statistics(*c); });
    close_connection(server, c);
  }

  // Every critical query on both sides, and what its measurements say.
  void measure_queries(const GateInput& input, const std::vector<CriticalQuery>& queries,
                       Side& before, Side& after, Counts& counts, GateResult& result) const {
    pg::EphemeralServer& server = *input.postgres;
    const Config& config = input.config;
    if (server.provider() == "local") {
      result.metrics["pinned_cpu"] =
          pin_to_one_cpu({before.connection->backend_pid(), after.connection->backend_pid()});
    }
    result.metrics["runs"] = config.plans.runs;
    result.metrics["warmup"] = config.plans.warmup;
    result.metrics["regression_threshold"] = config.plans.regression_threshold;
    result.metrics["machine_class"] = machine_class();
    result.metrics["postgres_version"] = server.version();
    result.metrics["queries"] = Json::object();
    for (const CriticalQuery& q : queries) {
      auto [b, a] = measure(before, after, q, config);
      judge(input, q, b, a, *after.connection, result, counts);
    }
  }

  // A critical query, or what mgate did before the runs, that ran past its deadline.
  static Finding timeout_finding(const std::vector<CriticalQuery>& queries,
                                 const pg::DeadlineExceeded& e) {
    Finding f;
    f.rule = std::string(kTimeout);
    f.level = Level::error;
    for (const CriticalQuery& q : queries) {
      if (e.step() == "critical query " + q.name) f.location = q.location;
    }
    f.message = fmt::format(
        "{} did not end within postgres.statement_timeout ({} ms), even after repeated cancel "
        "requests, and mgate ended it: code the migrations defined (a function, a trigger, an "
        "expression index) runs that long or ignores cancellation",
        e.step(), e.budget().count());
    f.help =
        "Find the function that loops or sleeps and fix it; if the data is only large, raise "
        "postgres.statement_timeout or lower plans.rows";
    f.evidence = {{"step", e.step()}, {"budget_ms", e.budget().count()}};
    return f;
  }

  static GateResult skipped(GateResult result, std::string reason) {
    result.status = GateStatus::skip;
    result.skip_reason = std::move(reason);
    return result;
  }

  static Json fixtures_json(const Config& config, long long rows,
                            const pg::LoadedFixtures& loaded) {
    Json out = {{"rows", rows},
                {"random_seed", config.fixtures.random_seed},
                {"seeds", loaded.seeds},
                {"generated", Json::object()}};
    for (const auto& t : loaded.generated.filled) out["generated"][t.table] = t.rows;
    for (const auto& t : loaded.generated.unfilled) out["unfilled"][t.table] = t.reason;
    return out;
  }

  // Applies the migrations that are (`gated`) or are not gated, in order; returns the id of one
  // that fails.
  static std::optional<std::string> apply_migrations(const GateInput& input,
                                                     pg::EphemeralServer& server,
                                                     const std::string& database, bool gated) {
    for (const Migration& m : input.set.migrations) {
      if (!m.up || m.gated != gated) continue;
      const sql::ParsedScript& up = input.parsed.script(*m.up);
      if (apply_in_database(server, database, up, input.parsed.plan(*m.up), input.config))
        return m.id();
    }
    return std::nullopt;
  }

  // The statement of a gated migration that changed what the query's plan relied on: a DROP
  // INDEX of the lost index, else the first statement that locks the relation; nullopt when
  // none can be identified.
  static std::optional<std::pair<Location, std::string>> change_site(const GateInput& input,
                                                                     const std::string& relation,
                                                                     const std::string& index) {
    std::optional<std::pair<Location, std::string>> touching;
    for (const Migration& m : input.set.migrations) {
      if (!m.up || !m.gated) continue;
      const sql::ParsedScript& up = input.parsed.script(*m.up);
      for (const sql::Statement& s : up.statements) {
        if (!index.empty()) {
          for (const std::string& dropped : sql::dropped_indexes(s.node)) {
            if (same_relation(dropped, index)) return std::pair{locate(*up.file, s.span), m.id()};
          }
        }
        if (touching || relation.empty()) continue;
        for (const sql::RelationLock& lock : sql::locks_taken(s.node)) {
          if (same_relation(lock.relation, relation)) {
            touching = std::pair{locate(*up.file, s.span), m.id()};
            break;
          }
        }
      }
    }
    return touching;
  }

  // Points a finding at the migration statement behind a plan change, when there is one.
  static void place(Finding& f, const GateInput& input, const std::string& relation,
                    const std::string& index) {
    if (auto site = change_site(input, relation, index)) {
      f.location = site->first;
      f.migration = site->second;
    }
  }

  // Everything one query's measurements say: its metrics, and its findings.
  void judge(const GateInput& input, const CriticalQuery& q, const Measurement& b,
             const Measurement& a, pg::Connection& after_connection, GateResult& result,
             Counts& counts) const {
    const Config& config = input.config;
    Json metrics = {{"sql", q.sql},
                    {"location", fmt::format("{}:{}:{}", q.location.file, q.location.start.line,
                                             q.location.start.column)},
                    {"before", side_json(b)},
                    {"after", side_json(a)}};
    if (q.budget_ms) metrics["budget_ms"] = *q.budget_ms;
    if (!a.error.empty()) {
      ++counts.failing;
      result.findings.push_back(query_fails(q, b, a));
    }
    if (b.plan && a.plan) {
      PlanDiff diff = diff_plans(b.plan->root, a.plan->root);
      TimingVerdict timing =
          judge_timing(b.samples_ms, a.samples_ms, config.plans.regression_threshold);
      metrics["diff"] = diff_json(diff);
      metrics["statistics"] = to_json(timing);
      if (diff.shape_changed) ++counts.plan_changed;
      PlanEvidence evidence = plan_evidence(q, *b.plan, *a.plan, b, a, timing);
      report_plan_changes(input, q, diff, timing, evidence, after_connection, result);
      if (timing.regression) {
        ++counts.slower;
        result.findings.push_back(slower(input, q, diff, timing, std::move(evidence)));
      }
    }
    if (q.budget_ms && a.error.empty() && !a.samples_ms.empty()) {
      TimingSummary after = summarise(a.samples_ms);
      if (after.median_ms > *q.budget_ms) {
        ++counts.over_budget;
        result.findings.push_back(over_budget(q, a, after));
      }
    }
    result.metrics["queries"][q.name] = std::move(metrics);
  }

  static Finding query_fails(const CriticalQuery& q, const Measurement& b, const Measurement& a) {
    Finding f = finding(kQueryFails, Level::error, q.location);
    f.message = fmt::format("critical query {} fails after the gated migrations: ERROR {}: {}",
                            q.name, a.sqlstate, a.error);
    f.help = b.error.empty()
                 ? "The query ran before these migrations: the application sending it breaks. "
                   "Keep what it reads (a column, a table) until the code no longer needs it"
                 : "Fix the query in the critical queries file";
    f.evidence = {{"query", q.name}, {"sql", q.sql}, {"sqlstate", a.sqlstate}};
    return f;
  }

  static Json diff_json(const PlanDiff& diff) {
    Json out = {{"shape_changed", diff.shape_changed},
                {"cost_ratio", diff.cost_ratio()},
                {"removed", diff.removed},
                {"added", diff.added},
                {"lost_indexes", Json::array()},
                {"new_seq_scans", diff.new_seq_scans},
                {"estimates", Json::array()}};
    for (const IndexUse& u : diff.lost_indexes)
      out["lost_indexes"].push_back({{"index", u.index}, {"relation", u.relation}});
    for (const EstimateChange& e : diff.estimates)
      out["estimates"].push_back({{"node", e.node}, {"before", e.before}, {"after", e.after}});
    return out;
  }

  static Finding slower(const GateInput& input, const CriticalQuery& q, const PlanDiff& diff,
                        const TimingVerdict& timing, PlanEvidence evidence) {
    Finding f = finding(kSlower, Level::error, q.location);
    if (!diff.lost_indexes.empty())
      place(f, input, diff.lost_indexes[0].relation, diff.lost_indexes[0].index);
    f.message = fmt::format(
        "critical query {} is slower after the gated migrations: median {} -> {} ({:+.0f}%), "
        "p95 {} -> {}; Mann-Whitney p = {:.2g} over {} interleaved runs each, so it is not "
        "noise",
        q.name, ms_text(timing.before.median_ms), ms_text(timing.after.median_ms),
        (timing.median_ratio - 1) * 100, ms_text(timing.before.p95_ms),
        ms_text(timing.after.p95_ms), timing.test.p_greater, timing.after.runs);
    f.help = fmt::format(
        "Find what the plan lost (see the plan evidence) and keep it, or make the migration "
        "not slow this query by more than [plans] regression_threshold ({:.0f}%)",
        input.config.plans.regression_threshold * 100);
    evidence.attach_to(f);
    return f;
  }

  static Finding over_budget(const CriticalQuery& q, const Measurement& a,
                             const TimingSummary& after) {
    Finding f = finding(kBudget, Level::error, q.location);
    f.message = fmt::format(
        "critical query {} takes a median of {} after the gated migrations (p95 {}), over "
        "its budget of {}",
        q.name, ms_text(after.median_ms), ms_text(after.p95_ms), ms_text(*q.budget_ms));
    f.help =
        "Make the query fast enough on this data (an index, a narrower select), or raise "
        "budget_ms in the critical queries file if the budget no longer holds";
    f.evidence = {{"query", q.name},
                  {"budget_ms", *q.budget_ms},
                  {"timing_after", to_json(after)},
                  {"samples_after_ms", a.samples_ms}};
    if (a.plan) f.evidence["plan_after"] = pg::render_plan(a.plan->root);
    return f;
  }

  static PlanEvidence plan_evidence(const CriticalQuery& q, const pg::QueryPlan& before,
                                    const pg::QueryPlan& after, const Measurement& b,
                                    const Measurement& a, const TimingVerdict& timing) {
    PlanComparison plans{pg::render_plan(before.root), pg::render_plan(after.root)};
    return {std::move(plans),
            {{"query", q.name},
             {"cost", {{"before", before.root.total_cost}, {"after", after.root.total_cost}}},
             {"buffers",
              {{"before", before.root.shared_hit + before.root.shared_read},
               {"after", after.root.shared_hit + after.root.shared_read}}},
             {"statistics", to_json(timing)},
             {"timing", {{"before", to_json(timing.before)}, {"after", to_json(timing.after)}}},
             {"samples_before_ms", b.samples_ms},
             {"samples_after_ms", a.samples_ms}}};
  }

  void report_plan_changes(const GateInput& input, const CriticalQuery& q, const PlanDiff& diff,
                           const TimingVerdict& timing, const PlanEvidence& evidence,
                           pg::Connection& after_connection, GateResult& result) const {
    const Config& config = input.config;
    std::vector<std::string> explained;  // relations a lost index already accounts for
    for (const IndexUse& lost : diff.lost_indexes) {
      Finding f = finding(kIndexLost, Level::error, q.location);
      place(f, input, lost.relation, lost.index);
      bool scanned = std::find(diff.new_seq_scans.begin(), diff.new_seq_scans.end(),
                               lost.relation) != diff.new_seq_scans.end();
      if (scanned) explained.push_back(lost.relation);
      f.message = fmt::format(
          "critical query {} no longer uses the index {} on {}{}: estimated cost {:.6g} -> "
          "{:.6g}, median {} -> {}",
          q.name, lost.index, lost.relation,
          scanned ? fmt::format(" and now reads all of {} with a sequential scan", lost.relation)
                  : "",
          diff.cost_before, diff.cost_after, ms_text(timing.before.median_ms),
          ms_text(timing.after.median_ms));
      f.help =
          "Keep the index, or create the replacement first (CREATE INDEX CONCURRENTLY in an "
          "earlier migration) and drop the old one only when no critical query needs it";
      evidence.attach_to(f);
      f.evidence["index"] = lost.index;
      f.evidence["relation"] = lost.relation;
      result.findings.push_back(std::move(f));
    }
    for (const std::string& relation : diff.new_seq_scans) {
      if (std::find(explained.begin(), explained.end(), relation) != explained.end()) continue;
      double rows = pg::estimated_rows(after_connection, relation);
      if (rows < config.plans.large_table_rows) continue;
      Finding f = finding(kSeqScan, Level::warning, q.location);
      place(f, input, relation, "");
      f.message = fmt::format(
          "critical query {} now reads all of {} ({:.0f} rows) with a sequential scan it did not "
          "need before the gated migrations",
          q.name, relation, rows);
      f.help = "Give the query an index on the columns it filters or joins by";
      evidence.attach_to(f);
      f.evidence["relation"] = relation;
      f.evidence["table_rows"] = rows;
      result.findings.push_back(std::move(f));
    }
    if (diff.cost_ratio() > config.plans.cost_threshold && diff.lost_indexes.empty()) {
      Finding f = finding(kCostRise, Level::warning, q.location);
      f.message = fmt::format(
          "the planner's estimated cost of critical query {} grows from {:.6g} to {:.6g} "
          "(x{:.1f}, above [plans] cost_threshold {:.1f})",
          q.name, diff.cost_before, diff.cost_after, diff.cost_ratio(),
          config.plans.cost_threshold);
      f.help = "Compare the plans in the evidence: the migration changed what the planner can use";
      evidence.attach_to(f);
      result.findings.push_back(std::move(f));
    }
  }

  static void compare_with_committed_baseline(const Config& config,
                                              const std::vector<CriticalQuery>& queries,
                                              GateResult& result) {
    std::filesystem::path file = config.root / config.plans.baseline;
    std::optional<Baseline> baseline = read_baseline(file);
    if (!baseline) {
      result.metrics["baseline"] = {{"file", config.plans.baseline}, {"compared", false}};
      return;
    }
    Json comparison = {{"file", config.plans.baseline}, {"compared", true}};
    for (Finding& f : compare_with_baseline(*baseline, result.metrics, queries,
                                            config.plans.regression_threshold, comparison)) {
      result.findings.push_back(std::move(f));
    }
    result.metrics["baseline"] = std::move(comparison);
  }
};

}  // namespace

std::unique_ptr<Gate> make_plans_gate() {
  return std::make_unique<PlansGate>();
}

}  // namespace mgate
