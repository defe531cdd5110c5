#include "gates/locks_projection.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iterator>
#include <map>
#include <set>

#include "core/production_stats.hpp"
#include "core/quantity.hpp"
#include "gates/gate.hpp"
#include "pg/connection.hpp"
#include "pg/ephemeral_server.hpp"
#include "pg/fixture_generator.hpp"
#include "pg/lock_trace.hpp"
#include "pg/session.hpp"
#include "sql/statement_facts.hpp"

namespace mgate {
namespace {

constexpr std::string_view kOverBudget = "locks-blocking-over-budget";
// The sizes measured, as multiples of the fixture rows: the main trace's size and two larger
// ones, so the fit reaches past the fixture before it is extrapolated to production.
constexpr int kFactors[] = {1, 2, 4};

using Clock = std::chrono::steady_clock;

double x_of(GrowthModel model, double rows) {
  switch (model) {
    case GrowthModel::constant:
      return 0;
    case GrowthModel::linear:
      return rows;
    case GrowthModel::n_log_n:
      return rows > 1 ? rows * std::log2(rows) : 0;
  }
  return rows;
}

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// The existing table (or partitioned table) a statement locks or writes, named as the catalog
// names it ("public.events"); empty when it touches none.
std::string table_of(const sql::Statement& statement,
                     const std::map<unsigned, pg::Relation>& existing) {
  for (const std::string& name : sql::touched_relations(statement.node)) {
    std::string qualified = name.find('.') == std::string::npos ? "public." + name : name;
    for (const auto& [oid, relation] : existing) {
      if ((relation.kind == 'r' || relation.kind == 'p') && relation.name == qualified)
        return relation.name;
    }
  }
  return "";
}

unsigned oid_of(const std::string& table, const std::map<unsigned, pg::Relation>& existing) {
  for (const auto& [oid, relation] : existing) {
    if (relation.name == table) return oid;
  }
  return 0;
}

// Exact rows of `table` now.
long long count_rows(pg::Connection& connection, const std::string& table) {
  auto rows = connection.rows_rolled_back("SELECT count(*) FROM " + table);
  return std::stoll(rows.at(0).at(0).value_or("0"));
}

// The copy of the migration's database the sizes are measured on, dropped (after its sessions
// are gone) whatever happens.
class ScratchCopy {
 public:
  ScratchCopy(pg::EphemeralServer& server, const std::string& database)
      : server_(server), name_(server.clone(database, "locks-growth")) {}
  ~ScratchCopy() {
    try {
      server_.wait_for_backends(pids_);
      server_.drop(name_);
    } catch (const std::exception&) {
      // The server's teardown drops what is left.
    }
  }
  ScratchCopy(const ScratchCopy&) = delete;
  ScratchCopy& operator=(const ScratchCopy&) = delete;

  const std::string& name() const { return name_; }
  void closed(int pid) { pids_.push_back(pid); }

 private:
  pg::EphemeralServer& server_;
  std::string name_;
  std::vector<int> pids_;
};

// The measurements on the copy: the tables grown, each statement's samples and locks.
class Sizes {
 public:
  Sizes(const Config& config, const std::string& database, pg::EphemeralServer& server,
        const sql::ParsedScript& up)
      : config_(config),
        up_(up),
        connection_(server.owner(database)),
        session_(server.owner(database), config.postgres.statement_timeout) {
    existing_ = pg::read_relations(session_);
    for (const sql::Statement& s : up.statements) {
      std::string table = table_of(s, existing_);
      tables_.push_back(table);
      if (!table.empty() && !fixture_rows_.count(table))
        fixture_rows_[table] = count_rows(connection_, table);
    }
  }

  std::vector<int> pids() const { return {connection_.backend_pid(), session_.backend_pid()}; }

  // Grows every table to `factor` times its fixture rows, then runs the script in a transaction
  // (rolled back, or committed and timed when `last`). False when the script failed.
  bool measure(int factor, bool last, MigrationGrowth& growth) {
    if (!grow_to(factor)) return false;
    if (session_.execute("BEGIN")) return false;
    std::set<std::pair<unsigned, sql::LockMode>> seen;
    for (std::size_t i = 0; i < up_.statements.size(); ++i) {
      StatementGrowth& s = growth.statements[i];
      auto start = Clock::now();
      if (session_.execute(up_.statements[i].text)) {
        session_.execute("ROLLBACK");
        return false;
      }
      double ms = ms_since(start);
      long long rows = s.table.empty() ? 0 : fixture_rows_.at(s.table) * factor;
      s.samples.push_back({rows, ms});
      if (factor == kFactors[0]) s.lock = first_lock(s.table, seen);
    }
    auto commit_start = Clock::now();
    if (session_.execute(last ? "COMMIT" : "ROLLBACK")) return false;
    if (last) growth.commit_ms = ms_since(commit_start);
    return true;
  }

  const std::vector<std::string>& tables() const { return tables_; }
  // Whether the script touches an existing table, and each has rows to multiply.
  bool growable() const {
    return !fixture_rows_.empty() && std::all_of(fixture_rows_.begin(), fixture_rows_.end(),
                                                 [](const auto& t) { return t.second > 0; });
  }

 private:
  // Appends generated rows to each table up to `factor` times its fixture rows, then VACUUMs it
  // so every size is measured on rows as settled as production's (hint bits set, visibility map
  // current), not on rows just written.
  bool grow_to(int factor) {
    for (const auto& [table, rows] : fixture_rows_) {
      long long now = rows * grown_to_;
      long long wanted = rows * factor;
      if (wanted > now) {
        // Past the generated fixture rows (numbered from 1) and those appended before.
        long long first = config_.fixtures.rows + 1 + (now - rows);
        if (!pg::append_generated_rows(connection_, table, first, wanted - now,
                                       config_.fixtures.random_seed)
                 .empty())
          return false;
      }
      connection_.execute("VACUUM " + table);
    }
    grown_to_ = factor;
    return true;
  }

  // The strongest lock on `table` the session holds now that it did not hold before.
  std::optional<sql::LockMode> first_lock(const std::string& table,
                                          std::set<std::pair<unsigned, sql::LockMode>>& seen) {
    std::optional<sql::LockMode> strongest;
    unsigned table_oid = oid_of(table, existing_);
    for (const auto& [oid, modes] : pg::held_locks(session_)) {
      for (sql::LockMode mode : modes) {
        if (seen.insert({oid, mode}).second && oid == table_oid && !table.empty())
          strongest = std::max(strongest.value_or(mode), mode);
      }
    }
    return strongest;
  }

  const Config& config_;
  const sql::ParsedScript& up_;
  pg::Connection connection_;
  pg::Session session_;
  std::map<unsigned, pg::Relation> existing_;
  std::vector<std::string> tables_;                // per statement
  std::map<std::string, long long> fixture_rows_;  // per table grown
  int grown_to_ = 1;
};

GrowthModel model_of(const sql::Statement& statement, const std::string& table) {
  if (table.empty()) return GrowthModel::constant;
  return sql::builds_index(statement.node) ? GrowthModel::n_log_n : GrowthModel::linear;
}

// The fit and the projection of each statement, from its samples.
void project(const ProductionStats& stats, const sql::ParsedScript& up, MigrationGrowth& growth) {
  for (std::size_t i = 0; i < growth.statements.size(); ++i) {
    StatementGrowth& s = growth.statements[i];
    s.fit = fit_growth(model_of(up.statements[i], s.table), s.samples);
    if (!s.table.empty()) s.production_rows = stats.rows_of(s.table);
    s.projected_ms =
        s.production_rows ? s.fit.at(static_cast<double>(*s.production_rows)) : s.samples.back().ms;
  }
}

// "every INSERT, UPDATE and DELETE on public.events waits that long (reads go on)".
std::string who_waits(sql::LockMode mode, const std::string& table) {
  std::string blocked(sql::what_it_blocks(mode));
  std::string aside;
  if (std::size_t paren = blocked.find(" ("); paren != std::string::npos) {
    aside = blocked.substr(paren);
    blocked.resize(paren);
  }
  return fmt::format("{} on {} waits that long{}", blocked, table, aside);
}

}  // namespace

std::string_view to_string(GrowthModel model) {
  switch (model) {
    case GrowthModel::constant:
      return "constant";
    case GrowthModel::linear:
      return "n";
    case GrowthModel::n_log_n:
      return "n log n";
  }
  return "n";
}

double GrowthFit::at(double rows) const {
  return std::max(0.0, a_ms + b_ms * x_of(model, rows));
}

GrowthFit fit_growth(GrowthModel model, const std::vector<Sample>& samples) {
  GrowthFit fit{model, 0, 0, 1};
  if (samples.empty()) return fit;
  double n = static_cast<double>(samples.size());
  double mean_x = 0, mean_y = 0;
  for (const Sample& s : samples) {
    mean_x += x_of(model, static_cast<double>(s.rows)) / n;
    mean_y += s.ms / n;
  }
  double sxx = 0, sxy = 0, syy = 0;
  for (const Sample& s : samples) {
    double dx = x_of(model, static_cast<double>(s.rows)) - mean_x;
    double dy = s.ms - mean_y;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (sxx == 0 || sxy < 0) {
    fit.model = GrowthModel::constant;
    fit.a_ms = mean_y;
    fit.r2 = sxx == 0 || syy == 0 ? 1 : 0;
    return fit;
  }
  fit.b_ms = sxy / sxx;
  fit.a_ms = mean_y - fit.b_ms * mean_x;
  double residual = 0;
  for (const Sample& s : samples) {
    double e = s.ms - (fit.a_ms + fit.b_ms * x_of(model, static_cast<double>(s.rows)));
    residual += e * e;
  }
  fit.r2 = syy == 0 ? 1 : 1 - residual / syy;
  return fit;
}

double MigrationGrowth::hold_ms(std::size_t i) const {
  double held = commit_ms;
  for (std::size_t j = i; j < statements.size(); ++j) held += statements[j].projected_ms;
  return held;
}

double MigrationGrowth::measured_hold_ms(std::size_t i) const {
  double held = 0;
  for (std::size_t j = i; j < statements.size(); ++j) held += statements[j].samples.front().ms;
  return held;
}

std::optional<MigrationGrowth> measure_growth(const Config& config, pg::EphemeralServer& server,
                                              const std::string& database,
                                              const sql::ParsedScript& up) {
  std::optional<ProductionStats> stats = read_production_stats(config);
  if (!stats || up.statements.empty()) return std::nullopt;
  MigrationGrowth growth;
  growth.source = stats->source;
  ScratchCopy copy(server, database);
  {
    Sizes sizes(config, copy.name(), server, up);
    for (int pid : sizes.pids()) copy.closed(pid);
    if (!sizes.growable()) return std::nullopt;
    for (const std::string& table : sizes.tables())
      growth.statements.push_back(StatementGrowth{table, {}, {}, {}, {}, 0});
    for (int factor : kFactors) {
      if (!sizes.measure(factor, factor == kFactors[std::size(kFactors) - 1], growth))
        return std::nullopt;
    }
  }
  project(*stats, up, growth);
  return growth;
}

nlohmann::json projection_json(const MigrationGrowth& growth, std::size_t i) {
  const StatementGrowth& s = growth.statements.at(i);
  if (!s.production_rows) return nullptr;
  nlohmann::json sizes = nlohmann::json::array();
  for (const Sample& sample : s.samples)
    sizes.push_back({{"rows", sample.rows}, {"ms", sample.ms}});
  return {{"table", s.table},
          {"production_rows", *s.production_rows},
          {"fixture_rows", s.samples.front().rows},
          {"model", to_string(s.fit.model)},
          {"fit", {{"a_ms", s.fit.a_ms}, {"b_ms", s.fit.b_ms}, {"r2", s.fit.r2}}},
          {"sizes", sizes},
          {"duration_ms", s.projected_ms},
          {"hold_ms", growth.hold_ms(i)},
          {"source", growth.source}};
}

std::vector<Finding> blocking_over_budget(const Config& config, const MigrationGrowth& growth,
                                          const Migration& migration, const sql::ParsedScript& up) {
  std::vector<Finding> out;
  if (!config.locks.max_blocking) return out;
  double budget = static_cast<double>(config.locks.max_blocking->count());
  for (std::size_t i = 0; i < growth.statements.size(); ++i) {
    const StatementGrowth& s = growth.statements[i];
    if (!s.production_rows || !s.lock || !sql::blocks_writes(*s.lock)) continue;
    double hold = growth.hold_ms(i);
    if (hold <= budget) continue;
    Finding f =
        finding(kOverBudget, Level::error, migration, locate(*up.file, up.statements[i].span));
    f.risk = "blocking";
    f.message = fmt::format(
        "holds {} on {} for {} at {} fixture rows; projected {} at {} rows (production stats "
        "{}, [locks] max_blocking is {}): {}",
        sql::to_string(*s.lock), s.table, duration_text(growth.measured_hold_ms(i)),
        grouped(s.samples.front().rows), duration_text(hold), grouped(*s.production_rows),
        growth.source, duration_text(budget), who_waits(*s.lock, s.table));
    f.help =
        "Take a lock that lets writes through: CREATE INDEX CONCURRENTLY (outside a "
        "transaction), ADD CONSTRAINT ... NOT VALID then VALIDATE CONSTRAINT in a later "
        "transaction, a new column filled in batches instead of a rewrite; or move the slow "
        "statements out of the transaction that holds the lock";
    f.evidence = {{"statement", std::string(up.statements[i].text)},
                  {"lock", sql::to_string(*s.lock)},
                  {"max_blocking_ms", budget},
                  {"projection", projection_json(growth, i)}};
    out.push_back(std::move(f));
  }
  return out;
}

RuleDescriptor blocking_over_budget_rule() {
  return gate_rule("locks", kOverBudget, Level::error,
                   "A lock that blocks writes is projected to be held longer than [locks] "
                   "max_blocking at production size ([fixtures] production_stats).");
}

}  // namespace mgate
