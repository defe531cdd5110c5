#pragma once
#include <cstddef>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "core/gate_result.hpp"
#include "core/migration.hpp"
#include "core/report.hpp"
#include "sql/parsed_set.hpp"

namespace mgate {

namespace pg {
class EphemeralServer;
}

// The migrations a run checks, as indices into MigrationSet::migrations: [begin, end). A
// `--shard K/N` run checks the gated migrations of one such range (gates/shard.hpp); any
// other run, all of them.
struct MigrationRange {
  std::size_t begin = 0;
  std::size_t end = std::numeric_limits<std::size_t>::max();
  bool contains(std::size_t i) const { return i >= begin && i < end; }
};

// What a gate judges, which decides how a sharded run divides it (docs/ci.md, "Sharding").
enum class GateScope {
  // Each gated migration in order, after the ones before it (lint, forward, rollback,
  // integrity, locks): a shard checks its range, and applies the migrations before it as they
  // would be applied without checking them. Its top-level numeric metrics count the work on
  // the range, so those of parts add up.
  migrations,
  // The history as a whole, without a server (naming, history): every shard runs it, and keeps
  // what it says about its range (and the set as a whole, shard 1).
  history,
  // The gated migrations together (plans: before and after all of them): the last shard runs
  // it, on the whole set.
  gated_set,
};

// What every gate gets: the configuration, the discovered and parsed migrations, and the
// command's options.
struct GateInput {
  const Config& config;
  const MigrationSet& set;
  const sql::ParsedSet& parsed;
  std::string since;  // --since GIT_REF; empty: every migration is gated
  int pg_version = 15;
  // Staged files are judged by their content in the git index (pre-commit).
  bool staged = false;
  // The server the dynamic gates run on (mgate check); null when there is none.
  pg::EphemeralServer* postgres = nullptr;
  // --jobs: how many sessions a dynamic gate may work on at once (the rollback gate's workers).
  int jobs = 1;
  // The migrations this run checks (GateScope::migrations gates); the rest is context.
  MigrationRange range;

  // Whether the migration at `i` is one this run checks: gated, and in the range.
  bool checks(std::size_t i) const { return set.migrations[i].gated && range.contains(i); }
};

class Gate {
 public:
  virtual ~Gate() = default;
  virtual std::string_view name() const = 0;
  // Whether the gate needs a PostgreSQL server (`mgate lint` runs only those that do not).
  virtual bool dynamic() const = 0;
  virtual GateScope scope() const { return GateScope::migrations; }
  // Every kind of finding the gate may report.
  virtual std::vector<RuleDescriptor> rules() const = 0;
  // What the gate found: findings carry rule, level (the rule's own), location and migration.
  // The pipeline names the gate, applies [rules] and mgate:ignore, fills the duration and derives
  // the status from the findings unless the gate set it to skip or error. A dynamic gate runs
  // only with a server (input.postgres is set).
  virtual GateResult run(const GateInput& input) const = 0;

 protected:
  // A rule of this gate, documented on the gate's page.
  RuleDescriptor rule(std::string_view id, Level level, std::string summary) const;
};

// A rule of `gate`, documented on the gate's page (docs/gates/<gate>.md).
RuleDescriptor gate_rule(std::string_view gate, std::string_view id, Level level,
                         std::string summary);

// A finding of `rule` at `where`, in `migration`, at the rule's own level.
Finding finding(std::string_view rule, Level level, const Migration& migration, Location where);

// A finding of `rule` that belongs to no migration.
Finding finding(std::string_view rule, Level level, std::optional<Location> where);

// Where a finding about a whole script points: its first statement.
Location start_of(const sql::ParsedScript& script);

// Every gate, in pipeline order (gates/registry.cpp).
const std::vector<std::unique_ptr<Gate>>& all_gates();
const Gate* find_gate(std::string_view name);

}  // namespace mgate
