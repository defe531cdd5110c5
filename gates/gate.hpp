#pragma once
#include <memory>
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
};

class Gate {
 public:
  virtual ~Gate() = default;
  virtual std::string_view name() const = 0;
  // Whether the gate needs a PostgreSQL server (`mgate lint` runs only those that do not).
  virtual bool dynamic() const = 0;
  // Every kind of finding the gate may report.
  virtual std::vector<RuleDescriptor> rules() const = 0;
  // Findings carry gate, rule, level, location and migration; the caller fills duration and
  // derives the status from the findings unless the gate set it to skip or error.
  virtual GateResult run(const GateInput& input) const = 0;
};

// Every gate, in pipeline order (gates/registry.cpp).
const std::vector<std::unique_ptr<Gate>>& all_gates();
const Gate* find_gate(std::string_view name);

}  // namespace mgate
