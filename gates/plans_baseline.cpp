#include "gates/plans_baseline.hpp"

#include <fmt/core.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <thread>

#include "core/statistics.hpp"
#include "gates/gate.hpp"
#include "pg/query_plan.hpp"

namespace mgate {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

constexpr std::string_view kSchema = "mgate-baseline/1";
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

Finding baseline_finding(std::string_view rule, const CriticalQuery& q) {
  return finding(rule, Level::warning, q.location);
}

std::string recorded(const Json& baseline) {
  std::string commit = baseline.value("commit", "");
  std::string at = baseline.value("recorded_at", "");
  return commit.empty() ? at : fmt::format("{} ({})", commit.substr(0, 12), at);
}

// Median latency per recording, oldest first, of the recordings made on `machine`.
std::vector<std::pair<double, std::string>> history_of(const Json& baseline,
                                                       const std::string& query,
                                                       const std::string& machine) {
  std::vector<std::pair<double, std::string>> out;
  for (const Json& entry : baseline.value("history", Json::array())) {
    if (entry.value("machine_class", "") != machine) continue;
    const Json& q = entry["queries"];
    if (!q.contains(query) || !q[query].contains("median_ms")) continue;
    out.emplace_back(q[query]["median_ms"].get<double>(), entry.value("commit", ""));
  }
  return out;
}

void compare_query(const Json& base, const Json& now, const CriticalQuery& q, const Json& baseline,
                   const Json& metrics, double threshold, std::vector<Finding>& findings,
                   Json& out) {
  const std::string machine = metrics.value("machine_class", "");
  const bool same_fixtures = baseline.value("fixtures", Json::object()) ==
                             Json{{"rows", metrics["fixtures"].value("rows", 0LL)},
                                  {"random_seed", metrics["fixtures"].value("random_seed", 0LL)}};
  Json compared = Json::object();
  const std::string base_shape = base.value("shape", "");
  const std::string now_shape = now.value("shape", "");
  compared["shape_changed"] = base_shape != now_shape;
  if (base_shape != now_shape) {
    Finding f = baseline_finding(kBaselinePlanChanged, q);
    f.message = fmt::format(
        "the plan of critical query {} differs from the committed baseline (recorded at {})",
        q.name, recorded(baseline));
    f.help =
        "If the new plan is intended, record it with 'mgate baseline' and commit the baseline "
        "file; otherwise find the migration that changed it";
    f.evidence = {{"query", q.name},
                  {"plan",
                   {{"before", pg::render_plan(pg::plan_node_from_json(base["plan"]))},
                    {"after", now.value("tree", "")}}},
                  {"baseline_commit", baseline.value("commit", "")}};
    findings.push_back(std::move(f));
  }
  const long long base_buffers = base["buffers"].value("total", 0LL);
  const long long now_buffers = now["buffers"].value("total", 0LL);
  compared["buffers"] = {{"before", base_buffers}, {"after", now_buffers}};
  if (same_fixtures && base_shape == now_shape && base_buffers != now_buffers) {
    Finding f = baseline_finding(kBaselineBuffersChanged, q);
    f.message = fmt::format(
        "critical query {} touches {} buffers where the committed baseline touched {}, with "
        "the same plan on the same fixture data: it reads {} pages",
        q.name, now_buffers, base_buffers, now_buffers > base_buffers ? "more" : "fewer");
    f.help =
        "A wider row, a bloated index or a changed data layout: check the migration, then "
        "record the new numbers with 'mgate baseline'";
    f.evidence = {{"query", q.name}, {"buffers", compared["buffers"]}};
    findings.push_back(std::move(f));
  }
  const double base_median = base["timing"].value("median_ms", 0.0);
  const double base_p99 = base["timing"].value("p99_ms", 0.0);
  const double now_median = now["timing"].value("median_ms", 0.0);
  const bool same_machine = baseline.value("machine_class", "") == machine;
  compared["times_compared"] = same_machine;
  compared["median_ms"] = {{"before", base_median}, {"after", now_median}};
  // Loosely: the runs being compared happened at different times, so drift between them does
  // not cancel. Only a median beyond the baseline's p99 and twice the threshold counts.
  if (same_machine && base_median > 0 && now_median > base_p99 &&
      now_median > base_median * (1 + 2 * threshold)) {
    Finding f = baseline_finding(kBaselineSlower, q);
    f.message = fmt::format(
        "critical query {} has a median of {:.3f} ms where the committed baseline (same "
        "machine class) had {:.3f} ms (p99 {:.3f} ms)",
        q.name, now_median, base_median, base_p99);
    f.help = "Compare the plans, or record a new baseline if the slowdown is accepted";
    f.evidence = {
        {"query", q.name}, {"median_ms", compared["median_ms"]}, {"baseline_p99_ms", base_p99}};
    findings.push_back(std::move(f));
  }
  // A slow drift: each recording a little slower than the last, none enough to flag alone.
  auto history = history_of(baseline, q.name, machine);
  if (now_median > 0) history.emplace_back(now_median, "this run");
  compared["history_points"] = history.size();
  if (static_cast<int>(history.size()) >= kDriftMinimumPoints) {
    std::vector<double> series;
    for (const auto& [median, commit] : history) series.push_back(std::log(std::max(median, 1e-6)));
    const int reference = static_cast<int>(history.size()) / 2;
    stats::ChangePoint change = stats::cusum_upward(series, reference, kDriftMinimumSpread);
    compared["drift"] = {{"detected", change.detected}, {"cusum_peak", change.peak}};
    if (change.detected) {
      Finding f = baseline_finding(kDrift, q);
      double from = history.front().first;
      f.message = fmt::format(
          "the median latency of critical query {} has drifted upward across the baseline "
          "history: {:.3f} ms in the earliest recording, {:.3f} ms now ({:+.0f}% since "
          "recording {}, CUSUM {:.1f} above its limit 4)",
          q.name, from, now_median, (std::exp(change.shift) - 1) * 100,
          history[static_cast<std::size_t>(change.at)].second, change.peak);
      f.help =
          "No single change crossed the threshold; look at the migrations since that recording "
          "for what slowly made this query slower";
      Json points = Json::array();
      for (const auto& [median, commit] : history) points.push_back(median);
      f.evidence = {{"query", q.name}, {"history_median_ms", points}};
      findings.push_back(std::move(f));
    }
  }
  out["queries"][q.name] = std::move(compared);
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

std::optional<Json> read_baseline(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::nullopt;
  std::ifstream in(file);
  if (!in) throw InputError(fmt::format("cannot read the baseline file {}", file.string()));
  Json doc = Json::parse(in, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || doc.value("schema", "") != kSchema) {
    throw InputError(fmt::format(
        "{} is not an mgate baseline (expected a JSON object with \"schema\": \"{}\"): record one "
        "with 'mgate baseline', or point [plans] baseline elsewhere",
        file.string(), kSchema));
  }
  return doc;
}

Json updated_baseline(const std::optional<Json>& previous, const Json& metrics,
                      const BaselineRecord& record, int history) {
  Json out = {{"schema", kSchema},
              {"commit", record.commit},
              {"recorded_at", record.recorded_at},
              {"postgres", record.postgres_version},
              {"machine_class", metrics.value("machine_class", "")},
              {"fixtures",
               {{"rows", metrics["fixtures"].value("rows", 0LL)},
                {"random_seed", metrics["fixtures"].value("random_seed", 0LL)}}},
              {"runs", metrics.value("runs", 0)},
              {"queries", Json::object()}};
  Json entry = {{"commit", record.commit},
                {"recorded_at", record.recorded_at},
                {"postgres", record.postgres_version},
                {"machine_class", out["machine_class"]},
                {"queries", Json::object()}};
  const Json measured = metrics.value("queries", Json::object());
  for (const auto& [name, q] : measured.items()) {
    const Json& after = q["after"];
    if (!after.is_object() || !after.contains("plan")) continue;
    out["queries"][name] = {{"sql", q["sql"]},
                            {"shape", after["shape"]},
                            {"plan", after["plan"]},
                            {"cost", after["cost"]},
                            {"buffers", after["buffers"]},
                            {"timing", after["timing"]},
                            {"samples_ms", after["samples_ms"]}};
    entry["queries"][name] = {{"median_ms", after["timing"]["median_ms"]},
                              {"p95_ms", after["timing"]["p95_ms"]},
                              {"cost", after["cost"]},
                              {"buffers", after["buffers"]["total"]}};
  }
  Json past = previous ? previous->value("history", Json::array()) : Json::array();
  past.push_back(std::move(entry));
  while (static_cast<int>(past.size()) > history) past.erase(past.begin());
  out["history"] = std::move(past);
  return out;
}

void write_baseline(const fs::path& file, const Json& baseline) {
  fs::path temporary = file;
  temporary += ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << baseline.dump(2) << '\n';
    if (!out) throw InputError(fmt::format("cannot write the baseline file {}", file.string()));
  }
  std::error_code ec;
  fs::rename(temporary, file, ec);
  if (ec) {
    fs::remove(temporary, ec);
    throw InputError(fmt::format("cannot write the baseline file {}", file.string()));
  }
}

std::vector<Finding> compare_with_baseline(const Json& baseline, const Json& metrics,
                                           const std::vector<CriticalQuery>& queries,
                                           double threshold, Json& comparison) {
  std::vector<Finding> findings;
  comparison["recorded"] = recorded(baseline);
  comparison["machine_class"] = baseline.value("machine_class", "");
  comparison["same_machine_class"] =
      baseline.value("machine_class", "") == metrics.value("machine_class", "");
  comparison["queries"] = Json::object();
  const Json& recorded_queries = baseline["queries"];
  for (const CriticalQuery& q : queries) {
    if (!recorded_queries.contains(q.name) || !metrics["queries"].contains(q.name)) continue;
    const Json& now = metrics["queries"][q.name]["after"];
    if (!now.is_object() || !now.contains("shape")) continue;
    compare_query(recorded_queries[q.name], now, q, baseline, metrics, threshold, findings,
                  comparison);
  }
  return findings;
}

}  // namespace mgate
