#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/source_file.hpp"

namespace mgate {

enum class Level { note, warning, error };

std::string_view to_string(Level level);
std::optional<Level> parse_level(std::string_view text);

// Where a finding points: a file relative to the repository root and a 1-based range.
struct Location {
  std::string file;
  Position start;
  Position end;
};

Location locate(const SourceFile& file, Span span);

// A mechanical rewrite that makes a statement safe: replace the bytes `span` of the finding's
// file (`original`, at `location`) by `replacement`. Rules give span and replacement; the lint
// engine fills in location and original, and `quote_lines` the lines.
struct Edit {
  Span span;
  std::string replacement;
  Location location;
  std::string original;
  // The whole lines the edit touches, as the file has them (without the last line ending), so
  // a report shows the fix in place; empty when unknown.
  std::string lines{};  // {}: rules initialise an Edit from its first four fields
};
struct Fix {
  std::string description;  // e.g. "Build the index with CONCURRENTLY"
  std::vector<Edit> edits;
};

// Two plans of one query, rendered as trees, that reports show side by side (the plans gate).
struct PlanComparison {
  std::string before;
  std::string after;
};

struct Finding {
  std::string rule;  // e.g. "require-concurrent-index"
  std::string gate;  // e.g. "lint"
  Level level = Level::error;
  std::string message;  // the danger, in production terms
  std::string help;     // what to write instead
  std::optional<Location> location;
  std::string migration;  // the migration's version, when the finding belongs to one
  nlohmann::json evidence = nlohmann::json::object();
  std::optional<Fix> fix;
  // What the finding puts at stake ("blocking", "failure", ...; empty when the gate does not
  // say). With the location it keys the finding: one static finding per statement and risk.
  std::string risk;
  // Rules that flagged the same statement for the same risk and were folded into this finding:
  // static rules (the lint engine folds them), then the dynamic gates' rules whose findings the
  // pipeline folded in (their figures under evidence["measured"]).
  std::vector<std::string> folded;
  // For a dynamic finding: the static rules whose guess it shows wrong on this statement (a type
  // change that rewrote nothing clears change-column-type). The static finding they made becomes
  // a note that says why.
  std::vector<std::string> clears;
  // The plans before and after, for a finding about a plan change.
  std::optional<PlanComparison> plan;
  // What the dynamic gates saw this statement do, in one line for people (e.g. "SHARE on
  // public.events for 848 ms at 2,000,000 fixture rows; 4 writes waited up to 851 ms"); empty
  // when nothing was measured. The figures themselves are in evidence["measured"]. Writers show
  // it as a "measured:" line under the message.
  std::string measured;
};

// Fills in `lines` of every edit of `finding` that points into `file`.
void quote_lines(Finding& finding, const SourceFile& file);

// The evidence as reports carry it: the gate's evidence, with the plan comparison as "plan".
nlohmann::json report_evidence(const Finding& finding);

}  // namespace mgate
