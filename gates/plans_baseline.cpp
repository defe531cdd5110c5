#include "gates/plans_baseline.hpp"

#include <fmt/core.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <thread>

#include "core/json_fields.hpp"
#include "core/statistics.hpp"
#include "gates/gate.hpp"
#include "pg/query_plan.hpp"

namespace mgate {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

constexpr std::string_view kSchemaPrefix = "mgate-baseline/";
// The drift test needs a reference stretch and a few points after it.
constexpr int kDriftMinimumPoints = 6;
// Below a 5% spread between recordings, a change is measured against 5%: timing noise between
// runs of one machine is at least that.
const double kDriftMinimumSpread = std::log(1.05);

std::string first_line_value(const fs::path& file, std::string_view key) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with(key)) continue;
    std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    return value;
  }
  return "";
}

using Fields = JsonFields;

TimingSummary timing_from(const Fields& t) {
  TimingSummary out;
  out.runs = static_cast<int>(t.integer("runs"));
  out.median_ms = t.number("median_ms");
  out.p95_ms = t.number("p95_ms");
  out.p99_ms = t.number("p99_ms");
  out.min_ms = t.number("min_ms");
  out.max_ms = t.number("max_ms");
  return out;
}

PlanBuffers buffers_from(const Fields& b) {
  return {b.integer("shared_hit"), b.integer("shared_read"), b.integer("total")};
}

Json to_json(const PlanBuffers& b) {
  return {{"shared_hit", b.shared_hit}, {"shared_read", b.shared_read}, {"total", b.total}};
}

FixtureSettings fixtures_from(const Fields& f) {
  return {f.integer("rows"), f.integer("random_seed")};
}

// A query of the baseline file, or the measurement after the migrations in the gate's metrics
// (which also holds the rendered tree): the same keys.
RecordedQuery recorded_query_from(const Fields& q, std::string sql) {
  RecordedQuery out;
  out.sql = std::move(sql);
  out.shape = q.text("shape");
  out.plan = q.any("plan");
  out.cost = q.number("cost");
  out.buffers = buffers_from(q.object("buffers"));
  out.timing = timing_from(q.object("timing"));
  out.samples_ms = q.numbers("samples_ms");
  return out;
}

HistoryEntry history_entry_from(const Fields& e) {
  HistoryEntry out{
      e.text("commit"), e.text("recorded_at"), e.text("postgres"), e.text("machine_class"), {}};
  Fields queries = e.object("queries");
  for (const auto& [name, value] : e.any("queries").items()) {
    Fields q = queries.object(name);
    out.queries[name] = {q.number("median_ms"), q.number("p95_ms"), q.number("cost"),
                         q.integer("buffers")};
  }
  return out;
}

// One critical query the plans gate measured with a plan after the gated migrations.
struct MeasuredQuery {
  RecordedQuery query;
  std::string tree;  // the plan rendered for people
};

// What the baseline reads of the plans gate's metrics.
struct Measurements {
  std::string machine_class;
  FixtureSettings fixtures;
  int runs = 0;
  std::map<std::string, MeasuredQuery> queries;  // the queries that have a plan after
};

Measurements measurements_from(const Json& metrics) {
  Fields m(metrics, "the plans gate's measurements");
  Measurements out;
  out.machine_class = m.text("machine_class");
  out.fixtures = fixtures_from(m.object("fixtures"));
  out.runs = static_cast<int>(m.integer("runs"));
  Fields queries = m.object("queries");
  for (const auto& [name, value] : m.any("queries").items()) {
    Fields q = queries.object(name);
    const Json& after = q.any("after");
    // A query that failed after the migrations, or has no plan, has nothing to record.
    if (!after.is_object() || !after.contains("plan")) continue;
    Fields a = q.object("after");
    out.queries[name] = {recorded_query_from(a, q.text("sql")), a.text("tree")};
  }
  return out;
}

// The version in the file's "schema" key ("mgate-baseline/1"). A file without it is no
// baseline; one of a later version was written by a newer mgate.
int schema_version(const Json& doc, const std::string& file) {
  const std::string current = fmt::format("{}{}", kSchemaPrefix, kBaselineVersion);
  int version = document_version(doc, kSchemaPrefix);
  if (version <= 0) {
    throw InputError(fmt::format(
        "{} is not an mgate baseline (expected a JSON object with \"schema\": \"{}\"): record one "
        "with 'mgate baseline', or point [plans] baseline elsewhere",
        file, current));
  }
  if (version > kBaselineVersion) {
    throw InputError(fmt::format(
        "{} is a baseline of a newer mgate ({}; this one reads {}): upgrade mgate, or record the "
        "baseline again with 'mgate baseline'",
        file, doc["schema"].get<std::string>(), current));
  }
  return version;
}

Finding baseline_finding(std::string_view rule, const CriticalQuery& q) {
  return finding(rule, Level::warning, q.location);
}

std::string recorded(const Baseline& baseline) {
  return baseline.commit.empty()
             ? baseline.recorded_at
             : fmt::format("{} ({})", baseline.commit.substr(0, 12), baseline.recorded_at);
}

// Median latency per recording, oldest first, of the recordings made on `machine`.
std::vector<std::pair<double, std::string>> history_of(const Baseline& baseline,
                                                       const std::string& query,
                                                       const std::string& machine) {
  std::vector<std::pair<double, std::string>> out;
  for (const HistoryEntry& entry : baseline.history) {
    if (entry.machine_class != machine) continue;
    auto q = entry.queries.find(query);
    if (q != entry.queries.end()) out.emplace_back(q->second.median_ms, entry.commit);
  }
  return out;
}

// What one query's comparison with the baseline found, for the gate's metrics.
struct QueryComparison {
  bool shape_changed = false;
  long long buffers_before = 0;
  long long buffers_after = 0;
  bool times_compared = false;  // same machine class
  double median_before = 0;
  double median_after = 0;
  std::size_t history_points = 0;
  std::optional<stats::ChangePoint> drift;  // when the history was long enough to test
};

Json buffers_json(const QueryComparison& c) {
  return {{"before", c.buffers_before}, {"after", c.buffers_after}};
}

Json median_json(const QueryComparison& c) {
  return {{"before", c.median_before}, {"after", c.median_after}};
}

Json to_json(const QueryComparison& c) {
  Json out = {{"shape_changed", c.shape_changed},
              {"buffers", buffers_json(c)},
              {"times_compared", c.times_compared},
              {"median_ms", median_json(c)},
              {"history_points", c.history_points}};
  if (c.drift) out["drift"] = {{"detected", c.drift->detected}, {"cusum_peak", c.drift->peak}};
  return out;
}

// Strict: any difference of the plan's shape.
std::optional<Finding> plan_change(const RecordedQuery& base, const MeasuredQuery& now,
                                   const CriticalQuery& q, const Baseline& baseline) {
  if (base.shape == now.query.shape) return std::nullopt;
  Finding f = baseline_finding(kBaselinePlanChanged, q);
  f.message = fmt::format(
      "the plan of critical query {} differs from the committed baseline (recorded at {})", q.name,
      recorded(baseline));
  f.help =
      "If the new plan is intended, record it with 'mgate baseline' and commit the baseline "
      "file; otherwise find the migration that changed it";
  f.plan = PlanComparison{pg::render_plan(pg::plan_node_from_json(base.plan)), now.tree};
  f.evidence = {{"query", q.name}, {"baseline_commit", baseline.commit}};
  return f;
}

// Strict too, with the same plan on the same fixture data: the data are deterministic.
std::optional<Finding> buffers_change(const QueryComparison& c, bool same_fixtures,
                                      const CriticalQuery& q) {
  if (!same_fixtures || c.shape_changed || c.buffers_before == c.buffers_after) {
    return std::nullopt;
  }
  Finding f = baseline_finding(kBaselineBuffersChanged, q);
  f.message = fmt::format(
      "critical query {} touches {} buffers where the committed baseline touched {}, with the "
      "same plan on the same fixture data: it reads {} pages",
      q.name, c.buffers_after, c.buffers_before,
      c.buffers_after > c.buffers_before ? "more" : "fewer");
  f.help =
      "A wider row, a bloated index or a changed data layout: check the migration, then record "
      "the new numbers with 'mgate baseline'";
  f.evidence = {{"query", q.name}, {"buffers", buffers_json(c)}};
  return f;
}

// Loosely: the runs being compared happened at different times, so drift between them does
// not cancel. Only a median beyond the baseline's p99 and twice the threshold counts.
std::optional<Finding> slowdown(const QueryComparison& c, const RecordedQuery& base,
                                double threshold, const CriticalQuery& q) {
  const double base_p99 = base.timing.p99_ms;
  if (!c.times_compared || c.median_before <= 0 || c.median_after <= base_p99 ||
      c.median_after <= c.median_before * (1 + 2 * threshold)) {
    return std::nullopt;
  }
  Finding f = baseline_finding(kBaselineSlower, q);
  f.message = fmt::format(
      "critical query {} has a median of {:.3f} ms where the committed baseline (same machine "
      "class) had {:.3f} ms (p99 {:.3f} ms)",
      q.name, c.median_after, c.median_before, base_p99);
  f.help = "Compare the plans, or record a new baseline if the slowdown is accepted";
  f.evidence = {{"query", q.name}, {"median_ms", median_json(c)}, {"baseline_p99_ms", base_p99}};
  return f;
}

// A slow drift: each recording a little slower than the last, none enough to flag alone. A
// CUSUM over the log medians of the recordings on this machine class and this run.
std::optional<Finding> drift(QueryComparison& c, const Baseline& baseline,
                             const std::string& machine, const CriticalQuery& q) {
  auto history = history_of(baseline, q.name, machine);
  if (c.median_after > 0) history.emplace_back(c.median_after, "this run");
  c.history_points = history.size();
  if (static_cast<int>(history.size()) < kDriftMinimumPoints) return std::nullopt;
  std::vector<double> series;
  for (const auto& [median, commit] : history) series.push_back(std::log(std::max(median, 1e-6)));
  const int reference = static_cast<int>(history.size()) / 2;
  c.drift = stats::cusum_upward(series, reference, kDriftMinimumSpread);
  if (!c.drift->detected) return std::nullopt;
  Finding f = baseline_finding(kDrift, q);
  f.message = fmt::format(
      "the median latency of critical query {} has drifted upward across the baseline history: "
      "{:.3f} ms in the earliest recording, {:.3f} ms now ({:+.0f}% since recording {}, CUSUM "
      "{:.1f} above its limit 4)",
      q.name, history.front().first, c.median_after, (std::exp(c.drift->shift) - 1) * 100,
      history[static_cast<std::size_t>(c.drift->at)].second, c.drift->peak);
  f.help =
      "No single change crossed the threshold; look at the migrations since that recording for "
      "what slowly made this query slower";
  Json points = Json::array();
  for (const auto& [median, commit] : history) points.push_back(median);
  f.evidence = {{"query", q.name}, {"history_median_ms", points}};
  return f;
}

QueryComparison compare_query(const RecordedQuery& base, const MeasuredQuery& now,
                              const CriticalQuery& q, const Baseline& baseline,
                              const Measurements& measured, double threshold,
                              std::vector<Finding>& findings) {
  QueryComparison c;
  c.shape_changed = base.shape != now.query.shape;
  c.buffers_before = base.buffers.total;
  c.buffers_after = now.query.buffers.total;
  c.times_compared = baseline.machine_class == measured.machine_class;
  c.median_before = base.timing.median_ms;
  c.median_after = now.query.timing.median_ms;
  for (std::optional<Finding> f :
       {plan_change(base, now, q, baseline),
        buffers_change(c, baseline.fixtures == measured.fixtures, q),
        slowdown(c, base, threshold, q), drift(c, baseline, measured.machine_class, q)}) {
    if (f) findings.push_back(std::move(*f));
  }
  return c;
}

}  // namespace

std::vector<RuleDescriptor> baseline_rules() {
  auto rule = [](std::string_view id, std::string summary) {
    return gate_rule("plans", id, Level::warning, std::move(summary));
  };
  return {
      rule(kBaselinePlanChanged,
           "A critical query's plan shape differs from the committed baseline."),
      rule(kBaselineBuffersChanged,
           "A critical query touches a different number of buffers than in the committed "
           "baseline, with the same plan and data."),
      rule(kBaselineSlower,
           "A critical query is much slower than in the committed baseline on the same machine "
           "class."),
      rule(kDrift,
           "A change-point test over the baseline history finds a slow upward drift of a "
           "critical query's latency."),
  };
}

std::string machine_class() {
  std::string cpu = first_line_value("/proc/cpuinfo", "model name");
  if (cpu.empty()) cpu = "unknown cpu";
  std::string memory = first_line_value("/proc/meminfo", "MemTotal");
  long long kib = memory.empty() ? 0 : std::atoll(memory.c_str());
  double gib = std::round(static_cast<double>(kib) / (1024.0 * 1024.0));
  return fmt::format("{}, {} cores, {:.0f} GiB", cpu, std::thread::hardware_concurrency(), gib);
}

Json to_json(const Baseline& b) {
  Json queries = Json::object();
  for (const auto& [name, q] : b.queries) {
    queries[name] = {{"sql", q.sql},
                     {"shape", q.shape},
                     {"plan", q.plan},
                     {"cost", q.cost},
                     {"buffers", to_json(q.buffers)},
                     {"timing", to_json(q.timing)},
                     {"samples_ms", q.samples_ms}};
  }
  Json history = Json::array();
  for (const HistoryEntry& e : b.history) {
    Json entry = {{"commit", e.commit},
                  {"recorded_at", e.recorded_at},
                  {"postgres", e.postgres},
                  {"machine_class", e.machine_class},
                  {"queries", Json::object()}};
    for (const auto& [name, q] : e.queries) {
      entry["queries"][name] = {{"median_ms", q.median_ms},
                                {"p95_ms", q.p95_ms},
                                {"cost", q.cost},
                                {"buffers", q.buffers}};
    }
    history.push_back(std::move(entry));
  }
  return {{"schema", fmt::format("{}{}", kSchemaPrefix, b.version)},
          {"commit", b.commit},
          {"recorded_at", b.recorded_at},
          {"postgres", b.postgres},
          {"machine_class", b.machine_class},
          {"fixtures", {{"rows", b.fixtures.rows}, {"random_seed", b.fixtures.random_seed}}},
          {"runs", b.runs},
          {"queries", std::move(queries)},
          {"history", std::move(history)}};
}

Baseline baseline_from_json(const Json& doc, const std::string& file) {
  Baseline out;
  out.version = schema_version(doc, file);
  Fields b(doc, file);
  out.commit = b.text("commit");
  out.recorded_at = b.text("recorded_at");
  out.postgres = b.text("postgres");
  out.machine_class = b.text("machine_class");
  out.fixtures = fixtures_from(b.object("fixtures"));
  out.runs = static_cast<int>(b.integer("runs"));
  Fields queries = b.object("queries");
  for (const auto& [name, value] : b.any("queries").items()) {
    Fields q = queries.object(name);
    out.queries[name] = recorded_query_from(q, q.text("sql"));
  }
  const Json& history = b.array("history");
  for (std::size_t i = 0; i < history.size(); ++i) {
    out.history.push_back(
        history_entry_from(Fields(history[i], file, fmt::format("history[{}]", i))));
  }
  return out;
}

std::optional<Baseline> read_baseline(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::nullopt;
  std::ifstream in(file);
  if (!in) throw InputError(fmt::format("cannot read the baseline file {}", file.string()));
  return baseline_from_json(Json::parse(in, nullptr, false), file.string());
}

Baseline updated_baseline(const std::optional<Baseline>& previous, const Json& metrics,
                          const BaselineRecord& record, int history) {
  Measurements measured = measurements_from(metrics);
  Baseline out;
  out.commit = record.commit;
  out.recorded_at = record.recorded_at;
  out.postgres = record.postgres_version;
  out.machine_class = measured.machine_class;
  out.fixtures = measured.fixtures;
  out.runs = measured.runs;
  HistoryEntry entry{
      record.commit, record.recorded_at, record.postgres_version, measured.machine_class, {}};
  for (auto& [name, now] : measured.queries) {
    const RecordedQuery& q = now.query;
    entry.queries[name] = {q.timing.median_ms, q.timing.p95_ms, q.cost, q.buffers.total};
    out.queries[name] = std::move(now.query);
  }
  if (previous) out.history = previous->history;
  out.history.push_back(std::move(entry));
  if (static_cast<int>(out.history.size()) > history) {
    out.history.erase(out.history.begin(), out.history.end() - std::max(history, 0));
  }
  return out;
}

void write_baseline(const fs::path& file, const Baseline& baseline) {
  fs::path temporary = file;
  temporary += ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << to_json(baseline).dump(2) << '\n';
    if (!out) throw InputError(fmt::format("cannot write the baseline file {}", file.string()));
  }
  std::error_code ec;
  fs::rename(temporary, file, ec);
  if (ec) {
    fs::remove(temporary, ec);
    throw InputError(fmt::format("cannot write the baseline file {}", file.string()));
  }
}

std::vector<Finding> compare_with_baseline(const Baseline& baseline, const Json& metrics,
                                           const std::vector<CriticalQuery>& queries,
                                           double threshold, Json& comparison) {
  Measurements measured = measurements_from(metrics);
  std::vector<Finding> findings;
  comparison["recorded"] = recorded(baseline);
  comparison["machine_class"] = baseline.machine_class;
  comparison["same_machine_class"] = baseline.machine_class == measured.machine_class;
  comparison["queries"] = Json::object();
  for (const CriticalQuery& q : queries) {
    auto base = baseline.queries.find(q.name);
    auto now = measured.queries.find(q.name);
    if (base == baseline.queries.end() || now == measured.queries.end()) continue;
    comparison["queries"][q.name] = to_json(
        compare_query(base->second, now->second, q, baseline, measured, threshold, findings));
  }
  return findings;
}

}  // namespace mgate
