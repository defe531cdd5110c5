#pragma once
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/finding.hpp"

namespace mgate {

enum class GateStatus { pass, fail, skip, error };

std::string_view to_string(GateStatus status);

// What a dynamic gate saw one statement do (the locks it took, how long, what waited), whether or
// not it made a finding of it. The pipeline gives it to the static finding of the same risk on
// that statement: a statement a rule flagged carries what the server showed.
struct Measurement {
  std::string migration;
  Location statement;       // the whole statement
  std::string risk;         // as Finding::risk
  nlohmann::json evidence;  // the figures (Finding::evidence["measured"])
  std::string summary;      // one line for people (Finding::measured)
};

struct GateResult {
  std::string gate;
  GateStatus status = GateStatus::pass;
  std::chrono::milliseconds duration{0};
  nlohmann::json metrics = nlohmann::json::object();
  // What a gate that measures (plans) measured, in one line, findings or not; else empty.
  std::string summary;
  std::vector<Finding> findings;
  // Per statement, what the gate measured (the locks gate's trace); the pipeline folds it into
  // findings and reports do not show it on its own.
  std::vector<Measurement> measurements;
  std::string skip_reason;  // why a gate was skipped or could not run
};

// The metrics as reports carry them: the gate's metrics, with its summary as "summary".
nlohmann::json report_metrics(const GateResult& result);

}  // namespace mgate
