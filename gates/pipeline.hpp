#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/migration.hpp"
#include "core/report.hpp"
#include "gates/shard.hpp"
#include "sql/parsed_set.hpp"

namespace mgate {

namespace pg {
class EphemeralServer;
}

struct PipelineOptions {
  std::vector<std::string> gates;  // the gates to run, in any order; empty: config's [gates] run
  bool dynamic = false;            // run gates that need PostgreSQL (mgate check)
  std::string since;
  bool staged = false;
  int pg_version = 15;
  FailOn fail_on = FailOn::error;
  pg::EphemeralServer* postgres = nullptr;  // for the dynamic gates
  int jobs = 1;                             // --jobs: sessions a dynamic gate may use at once
  std::optional<Shard> shard;               // --shard K/N: this run's part of the gated migrations
};

// Runs the selected gates in pipeline order over a discovered and parsed set and gathers what
// they found into one Report. The pipeline, not the gates, owns what every finding goes through:
// it names each finding's gate, applies the [rules] levels of mgate.toml (`off` removes), the
// scripts' mgate:ignore comments (an ignore that matches nothing is itself reported), and skips
// the dynamic gates when there is no PostgreSQL server.
// With a shard, the report holds what that shard says (gates/shard.hpp): the gated migrations of
// its range, and what the history gates say about them; shard 1 also what they say about the set
// as a whole.
// Throws InputError for an unknown gate name.
Report run_pipeline(const Config& config, const MigrationSet& set, const sql::ParsedSet& parsed,
                    const PipelineOptions& options);

}  // namespace mgate
