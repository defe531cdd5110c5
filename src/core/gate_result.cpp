#include "core/gate_result.hpp"

namespace mgate {

std::string_view to_string(GateStatus status) {
  switch (status) {
    case GateStatus::pass:
      return "pass";
    case GateStatus::fail:
      return "fail";
    case GateStatus::skip:
      return "skip";
    case GateStatus::error:
      return "error";
  }
  return "error";
}

nlohmann::json report_metrics(const GateResult& result) {
  if (result.summary.empty()) return result.metrics;
  nlohmann::json out = result.metrics;
  out["summary"] = result.summary;
  return out;
}

}  // namespace mgate
