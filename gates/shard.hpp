#pragma once
#include <string_view>
#include <vector>

#include "gates/gate.hpp"

namespace mgate {

// `--shard K/N`: this run is part K of N of one check (docs/ci.md, "Sharding").
struct Shard {
  int index = 1;  // K, from 1
  int count = 1;  // N
};

// Reads "K/N" (1 <= K <= N); throws InputError saying what is wrong.
Shard parse_shard(std::string_view text);

// Splits the migrations of `input.set` into `count` contiguous ranges that together hold every
// index, one per shard, each starting at a gated migration (the first at 0), so that the
// slowest shard's estimated time is as short as it can be: a shard's time is the checks of the
// gated migrations in its range by `gates` (GateScope::migrations ones), plus applying the
// migrations before its range without checks, plus the gated_set gates for the last shard.
// Shards beyond the gated migrations get empty ranges at the end. Deterministic: every shard
// computes the same split from the same set, parsed scripts, configuration and gates.
std::vector<MigrationRange> split_into_shards(const GateInput& input,
                                              const std::vector<const Gate*>& gates, int count);

}  // namespace mgate
