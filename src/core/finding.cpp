#include "core/finding.hpp"

namespace mgate {

std::string_view to_string(Level level) {
  switch (level) {
    case Level::note:
      return "note";
    case Level::warning:
      return "warning";
    case Level::error:
      return "error";
  }
  return "error";
}

std::optional<Level> parse_level(std::string_view text) {
  if (text == "note") return Level::note;
  if (text == "warning") return Level::warning;
  if (text == "error") return Level::error;
  return std::nullopt;
}

nlohmann::json report_evidence(const Finding& finding) {
  if (!finding.plan) return finding.evidence;
  nlohmann::json out = finding.evidence;
  out["plan"] = {{"before", finding.plan->before}, {"after", finding.plan->after}};
  return out;
}

Location locate(const SourceFile& file, Span span) {
  return {file.path(), file.position(span.begin), file.position(span.end)};
}

}  // namespace mgate
