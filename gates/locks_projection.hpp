#pragma once
// Production size for the locks gate: a gated transactional migration's statements measured at
// growing fixture sizes on a copy of its database, how each statement's duration grows with the
// rows of its table fitted, and the lock hold time projected to production's row counts
// ([fixtures] production_stats), where [locks] max_blocking applies (docs/gates/locks.md).
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "core/finding.hpp"
#include "core/migration.hpp"
#include "core/report.hpp"
#include "sql/locks.hpp"
#include "sql/parsed_script.hpp"

namespace mgate {

namespace pg {
class EphemeralServer;
}

// How a statement's duration grows with the rows n of its table: a scan or a rewrite reads each
// row once (n), an index build sorts them (n log n); a statement on no existing table does not
// grow.
enum class GrowthModel { constant, linear, n_log_n };
std::string_view to_string(GrowthModel model);  // "constant", "n", "n log n"

// A statement's duration at one size of its table.
struct Sample {
  long long rows = 0;
  double ms = 0;
};

// duration_ms = a_ms + b_ms * x, where x is n (linear), n * log2(n) (n log n) or 0 (constant),
// fitted by least squares; r2 is the coefficient of determination (1: the points lie on it).
struct GrowthFit {
  GrowthModel model = GrowthModel::linear;
  double a_ms = 0;
  double b_ms = 0;
  double r2 = 1;
  double at(double rows) const;  // the duration the fit gives at `rows` (at least 0)
};

// The least-squares fit of `model` to the samples. A slope that comes out negative (timing noise
// over sizes too close) is no growth: the fit is the constant mean, with r2 0.
GrowthFit fit_growth(GrowthModel model, const std::vector<Sample>& samples);

// One statement of the migration, measured at each size.
struct StatementGrowth {
  std::string table;                  // the existing table it grows with; empty: none
  std::optional<sql::LockMode> lock;  // the strongest lock it took first on that table
  std::vector<Sample> samples;        // one per size, smallest first
  GrowthFit fit;
  std::optional<long long> production_rows;  // of `table`, from the stats file
  double projected_ms = 0;                   // at production_rows; without them the largest sample
};

// One migration measured at growing sizes.
struct MigrationGrowth {
  std::string source;                       // the stats file, as configured
  std::vector<StatementGrowth> statements;  // the script's, in order
  double commit_ms = 0;                     // at the largest size

  // What statement `i` and every later one take, plus the commit, at production size: how long
  // the locks statement `i` took stay held.
  double hold_ms(std::size_t i) const;
  // The same, measured at the fixture size.
  double measured_hold_ms(std::size_t i) const;
};

// Measures the script's statements at 1, 2 and 4 times the fixture rows of the tables they touch,
// on a copy of `database` (which must have no open connection; it is unchanged afterwards), and
// fits and projects each to [fixtures] production_stats. Nullopt when no stats file is
// configured, or when the script fails or a table cannot be grown (the trace reports a failure).
std::optional<MigrationGrowth> measure_growth(const Config& config, pg::EphemeralServer& server,
                                              const std::string& database,
                                              const sql::ParsedScript& up);

// The "projection" of statement `i` in the locks gate's evidence; null when it grows with no
// table production's size is known for.
nlohmann::json projection_json(const MigrationGrowth& growth, std::size_t i);

// locks-blocking-over-budget: a statement whose write-blocking lock is projected to be held
// longer than [locks] max_blocking at production size. None without a budget.
std::vector<Finding> blocking_over_budget(const Config& config, const MigrationGrowth& growth,
                                          const Migration& migration, const sql::ParsedScript& up);
RuleDescriptor blocking_over_budget_rule();

}  // namespace mgate
