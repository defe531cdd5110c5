#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/finding.hpp"
#include "core/report.hpp"
#include "gates/plans_queries.hpp"

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

// The baseline at `file`; nullopt when there is none. Throws InputError when the file is not
// a baseline mgate wrote.
std::optional<nlohmann::json> read_baseline(const std::filesystem::path& file);

struct BaselineRecord {
  std::string commit;  // empty outside a git work tree
  std::string postgres_version;
  std::string recorded_at;  // ISO 8601, UTC
};

// The new baseline: the plans gate's measurements after the gated migrations (its metrics),
// with the previous baseline's history and this recording appended, at most `history` entries.
nlohmann::json updated_baseline(const std::optional<nlohmann::json>& previous,
                                const nlohmann::json& plans_metrics, const BaselineRecord& record,
                                int history);

// Writes the file whole or not at all; throws InputError when it cannot.
void write_baseline(const std::filesystem::path& file, const nlohmann::json& baseline);

// Compares the measurements after the gated migrations with the baseline: plan shapes and
// buffer counts strictly, median times loosely (only on the same machine class), and a CUSUM
// over the history for a slow drift. `comparison` receives what was compared, for the metrics.
std::vector<Finding> compare_with_baseline(const nlohmann::json& baseline,
                                           const nlohmann::json& plans_metrics,
                                           const std::vector<CriticalQuery>& queries,
                                           double regression_threshold, nlohmann::json& comparison);

}  // namespace mgate
