#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/report.hpp"

namespace mgate {

// How one gate judged one migration (or the set as a whole): a cell of the Markdown summary
// table, a JUnit testcase, a step of the HTML timeline.
struct GateOutcome {
  const GateResult* gate = nullptr;
  // skip and error come from the gate; otherwise fail when one of `findings` reaches
  // --fail-on, else pass.
  GateStatus status = GateStatus::pass;
  std::vector<const Finding*> findings;  // in report order
  std::string reason;                    // why it was skipped or could not run
};

struct MigrationOutcome {
  const MigrationEntry* migration = nullptr;
  // A migration before --since is context: its gates are skipped but for what names it.
  bool gated = true;
  bool failed = false;                   // as Report::failed_migrations() says
  std::vector<GateOutcome> gates;        // one per gate of the report, in run order
  std::vector<const Finding*> findings;  // of every gate, in report order
};

struct Outcomes {
  // The gated migrations, and those that a finding names (an edited merged migration), in
  // apply order.
  std::vector<MigrationOutcome> migrations;
  std::size_t gated = 0;  // how many of them are gated
  // Per gate, the findings that belong to no gated migration (the set's naming, a stray file).
  std::vector<GateOutcome> set;
  std::vector<const Finding*> set_findings;  // of every gate, in report order
};

Outcomes outcomes(const Report& report);

// Where a format that needs a file shows a finding: its location; for a finding without one,
// the first line of its migration's file (the up file, or the down when there is no up); for a
// finding that names neither, nothing.
class FindingPlaces {
 public:
  explicit FindingPlaces(const Report& report);
  std::optional<Location> of(const Finding& finding) const;

 private:
  std::map<std::string, std::string> migration_files_;
};

}  // namespace mgate
