#pragma once
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/finding.hpp"
#include "core/report.hpp"
#include "gates/plans_queries.hpp"
#include "gates/plans_timing.hpp"

// The committed baseline of the plans gate ([plans] baseline): what `mgate baseline` recorded
// for each critical query (plan shape, cost, buffers, timing distribution) with the commit, the
// PostgreSQL version and the machine class, and a bounded history of earlier recordings.
// `mgate check` compares its measurements with it (docs/gates/plans.md, "Baselines").
namespace mgate {

inline constexpr std::string_view kBaselinePlanChanged = "plans-baseline-plan-changed";
inline constexpr std::string_view kBaselineBuffersChanged = "plans-baseline-buffers-changed";
inline constexpr std::string_view kBaselineSlower = "plans-baseline-slower";
inline constexpr std::string_view kDrift = "plans-drift";

std::vector<RuleDescriptor> baseline_rules();

// What the timings of a machine can be compared with: "<cpu model>, <n> cores, <m> GiB", from
// /proc/cpuinfo, the number of hardware threads and /proc/meminfo.
std::string machine_class();

// The buffers a plan's root touched: shared hits and reads, and their total.
struct PlanBuffers {
  long long shared_hit = 0;
  long long shared_read = 0;
  long long total = 0;
};

// One critical query as measured after the gated migrations, as the baseline records it.
struct RecordedQuery {
  std::string sql;
  std::string shape;    // node types, relations, indexes, join types; no numbers
  nlohmann::json plan;  // the plan tree (pg::to_json), opaque here and written back verbatim
  double cost = 0;
  PlanBuffers buffers;
  TimingSummary timing;
  std::vector<double> samples_ms;
};

// One recording in the baseline's history: what the drift test reads of each query.
struct HistoryQuery {
  double median_ms = 0;
  double p95_ms = 0;
  double cost = 0;
  long long buffers = 0;  // total
};

struct HistoryEntry {
  std::string commit;
  std::string recorded_at;
  std::string postgres;
  std::string machine_class;
  std::map<std::string, HistoryQuery> queries;
};

// The fixture data the measurements ran on: buffer counts compare only on the same.
struct FixtureSettings {
  long long rows = 0;
  long long random_seed = 0;
  bool operator==(const FixtureSettings&) const = default;
};

// The file format's version, in its "schema" key ("mgate-baseline/1"). A file without the key,
// or of a later version, is refused with a message that says to record it again.
inline constexpr int kBaselineVersion = 1;

// The committed baseline file.
struct Baseline {
  int version = kBaselineVersion;
  std::string commit;  // empty outside a git work tree
  std::string recorded_at;
  std::string postgres;
  std::string machine_class;
  FixtureSettings fixtures;
  int runs = 0;
  std::map<std::string, RecordedQuery> queries;
  std::vector<HistoryEntry> history;  // oldest first; the last is this recording
};

// The file as written; the inverse of baseline_from_json.
nlohmann::json to_json(const Baseline& baseline);

// Reads a baseline file's JSON. Throws InputError naming `file` and the key when a key is
// missing or of the wrong type, or the version is not one this mgate reads.
Baseline baseline_from_json(const nlohmann::json& doc, const std::string& file);

// The baseline at `file`; nullopt when there is none. Throws InputError when the file is not
// a baseline this mgate reads.
std::optional<Baseline> read_baseline(const std::filesystem::path& file);

struct BaselineRecord {
  std::string commit;  // empty outside a git work tree
  std::string postgres_version;
  std::string recorded_at;  // ISO 8601, UTC
};

// The new baseline: the plans gate's measurements after the gated migrations (its metrics),
// with the previous baseline's history and this recording appended, at most `history` entries.
Baseline updated_baseline(const std::optional<Baseline>& previous,
                          const nlohmann::json& plans_metrics, const BaselineRecord& record,
                          int history);

// Writes the file whole or not at all; throws InputError when it cannot.
void write_baseline(const std::filesystem::path& file, const Baseline& baseline);

// Compares the measurements after the gated migrations with the baseline: plan shapes and
// buffer counts strictly, median times loosely (only on the same machine class), and a CUSUM
// over the history for a slow drift. `comparison` receives what was compared, for the metrics.
std::vector<Finding> compare_with_baseline(const Baseline& baseline,
                                           const nlohmann::json& plans_metrics,
                                           const std::vector<CriticalQuery>& queries,
                                           double regression_threshold, nlohmann::json& comparison);

}  // namespace mgate
