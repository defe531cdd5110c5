#include "gates/shard.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>

#include "sql/named_objects.hpp"

namespace mgate {
namespace {

// Estimated microseconds (docs/ci.md, "How the migrations are split"): rough figures whose
// ratios are what matters, checked by bench/shard_speed.py (the slowest shard against the mean).
// Integers, so that every shard computes the same split.
using Cost = std::int64_t;
// Running a script: the round trips around it, and each statement on the fixture rows.
constexpr Cost kScript = 1500;
constexpr Cost kStatement = 400;
// The rollback gate's check besides running down and up again: its four scoped catalog reads
// (bench/shard_speed.py, 1,000 migrations: 26 ms a check in all).
constexpr Cost kRollbackCheck = 20000;
// The integrity gate's check: the row counts, constraint checks and pg_dump/pg_restore that
// grow with the tables there are, and the clones for the down.
constexpr Cost kIntegrityCheck = 60000;
constexpr Cost kIntegrityPerTable = 1500;
// The integrity and locks gates load fixture rows before every gated migration, checked or
// not: its connections and the generator's reading of every table (which grows with the
// schema), and rows for each table it created. Fitted to bench/shard_speed.py's 1,000-migration
// history with the locks gate: about 66 ms plus 0.19 ms per table a migration, whether the
// shard checks it or only applies it, so a shard's prefix costs nearly what checking it would.
constexpr Cost kFixturesLoad = 66000;
constexpr Cost kFixturesPerTable = 190;
constexpr Cost kFixturesPerCreatedTable = 8000;
// The locks gate's trace beyond loading the rows (same fit: about 4 ms).
constexpr Cost kLocksCheck = 4000;
// The plans gate, once, in the last shard: its runs of the critical queries on both sides.
constexpr Cost kPlans = 5000000;

Cost script_cost(const sql::ParsedScript& script) {
  return kScript + kStatement * static_cast<Cost>(script.statements.size());
}

// What each migration costs a shard: checking it (in its range) or applying it before (in a
// later shard's prefix).
struct Costs {
  std::vector<Cost> check, replay;
  Cost last_shard = 0;  // the gated_set gates
};

Costs estimate(const GateInput& input, const std::vector<const Gate*>& gates) {
  const std::vector<Migration>& migrations = input.set.migrations;
  Costs costs{std::vector<Cost>(migrations.size(), 0), std::vector<Cost>(migrations.size(), 0), 0};
  auto uses = [&](std::string_view name) {
    return std::any_of(gates.begin(), gates.end(),
                       [&](const Gate* g) { return g->name() == name; });
  };
  const bool forward = uses("forward"), rollback = uses("rollback"), integrity = uses("integrity"),
             locks = uses("locks"), lint = uses("lint");
  if (uses("plans")) costs.last_shard = kPlans;
  long tables = 0;
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    const Migration& m = migrations[i];
    if (!m.up) continue;
    const sql::ParsedScript& up = input.parsed.script(*m.up);
    const Cost apply = script_cost(up);
    const long created = std::max(0L, sql::tables_created(up));
    const Cost fixtures = kFixturesLoad + kFixturesPerTable * std::max(0L, tables) +
                          kFixturesPerCreatedTable * created;
    Cost& check = costs.check[i];
    Cost& replay = costs.replay[i];
    if (forward) check += apply, replay += apply;
    if (lint) check += static_cast<Cost>(up.statements.size()) * 20;
    if (rollback && m.gated && m.down) {
      check += kRollbackCheck + 2 * apply + script_cost(input.parsed.script(*m.down));
    } else if (rollback) {
      check += apply;
    }
    if (rollback) replay += apply;
    for (bool used : {integrity, locks}) {
      if (!used) continue;
      check += apply;
      replay += apply;
      if (m.gated) check += fixtures, replay += fixtures;
    }
    if (integrity && m.gated) check += kIntegrityCheck + kIntegrityPerTable * tables;
    if (locks && m.gated) check += kLocksCheck;
    tables += sql::tables_created(up);
  }
  return costs;
}

// The ranges, one per shard, under which no shard's estimated time exceeds `bound`, each as
// long as it can be; nullopt when there are none. A later start never makes a shard slower
// (applying a migration costs less than checking it), so taking the longest range each time
// is the best any split can do under `bound`.
std::optional<std::vector<MigrationRange>> fit(const Costs& costs,
                                               const std::vector<std::size_t>& starts,
                                               const std::vector<Cost>& prefix, int count,
                                               Cost bound) {
  const std::size_t size = costs.check.size();
  std::vector<MigrationRange> ranges;
  std::size_t begin = 0;
  auto next_start = starts.begin();
  for (int shard = 1; shard <= count; ++shard) {
    const Cost fixed = shard == count ? costs.last_shard : 0;
    if (begin == size) {
      if (fixed > bound) return std::nullopt;
      ranges.push_back({size, size});
      continue;
    }
    Cost cost = fixed + prefix[begin];
    std::size_t end = begin;
    // A range ends only before a gated migration.
    while (end < size) {
      while (next_start != starts.end() && *next_start <= end) ++next_start;
      const std::size_t stop = next_start == starts.end() ? size : *next_start;
      Cost more = 0;
      for (std::size_t i = end; i < stop; ++i) more += costs.check[i];
      if (cost + more > bound) break;
      cost += more;
      end = stop;
    }
    if (end == begin) return std::nullopt;
    ranges.push_back({begin, end});
    begin = end;
  }
  if (begin < size) return std::nullopt;
  return ranges;
}

}  // namespace

Shard parse_shard(std::string_view text) {
  auto fail = [&](std::string_view why) {
    return InputError(
        fmt::format("--shard {}: {}: write it as K/N, shard K of N (e.g. --shard 2/4)", text, why));
  };
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) throw fail("no /");
  Shard shard;
  auto number = [&](std::string_view part, int& out) {
    auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), out);
    if (error != std::errc() || end != part.data() + part.size() || part.empty()) {
      throw fail(fmt::format("'{}' is no number", part));
    }
  };
  number(text.substr(0, slash), shard.index);
  number(text.substr(slash + 1), shard.count);
  if (shard.count < 1) throw fail("N must be at least 1");
  if (shard.index < 1 || shard.index > shard.count) throw fail("K must be between 1 and N");
  return shard;
}

std::vector<MigrationRange> split_into_shards(const GateInput& input,
                                              const std::vector<const Gate*>& gates, int count) {
  const std::size_t size = input.set.migrations.size();
  const Costs costs = estimate(input, gates);
  std::vector<std::size_t> starts;  // where a range may begin besides 0: at a gated migration
  std::vector<Cost> prefix(size + 1, 0);
  Cost total = costs.last_shard;
  for (std::size_t i = 0; i < size; ++i) {
    if (input.set.migrations[i].gated && i > 0) starts.push_back(i);
    prefix[i + 1] = prefix[i] + costs.replay[i];
    total += costs.check[i];
  }
  // The smallest bound some split stays within: one shard doing everything always does.
  Cost low = 0, high = total;
  while (low < high) {
    const Cost mid = low + (high - low) / 2;
    if (fit(costs, starts, prefix, count, mid)) {
      high = mid;
    } else {
      low = mid + 1;
    }
  }
  return *fit(costs, starts, prefix, count, low);
}

}  // namespace mgate
