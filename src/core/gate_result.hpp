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

struct GateResult {
  std::string gate;
  GateStatus status = GateStatus::pass;
  std::chrono::milliseconds duration{0};
  nlohmann::json metrics = nlohmann::json::object();
  // What a gate that measures (plans) measured, in one line, findings or not; else empty.
  std::string summary;
  std::vector<Finding> findings;
  std::string skip_reason;  // why a gate was skipped or could not run
};

// The metrics as reports carry them: the gate's metrics, with its summary as "summary".
nlohmann::json report_metrics(const GateResult& result);

}  // namespace mgate
