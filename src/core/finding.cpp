#include "core/finding.hpp"

#include <algorithm>

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

void quote_lines(Finding& finding, const SourceFile& file) {
  if (!finding.fix) return;
  for (Edit& edit : finding.fix->edits) {
    if (edit.location.file != file.path()) continue;
    std::size_t begin = file.line(edit.location.start.line).begin;
    // A byte order mark takes no column: the quoted lines start where column 1 does.
    if (begin == 0 && file.text().starts_with(kByteOrderMark)) begin = kByteOrderMark.size();
    const std::size_t end = file.line(edit.location.end.line).end;
    edit.lines = std::string(file.slice({begin, std::max(begin, end)}));
  }
}

}  // namespace mgate
