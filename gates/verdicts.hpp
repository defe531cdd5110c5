#pragma once
#include <string>
#include <vector>

#include "core/gate_result.hpp"
#include "core/migration.hpp"
#include "sql/parsed_set.hpp"

namespace mgate {

// One verdict per risk. A finding is keyed by its migration, the statement it points into and its
// risk (Finding::risk); findings without a risk or outside every statement stand alone.
// - The static finding of a key (the lint gate's; the lint engine already folded its rules into
//   one) speaks for the risk. The dynamic gates' measurements of that statement
//   (GateResult::measurements) become its evidence["measured"] and its `measured` line.
// - A dynamic finding with the key of a finding already kept is folded into it: its rule joins
//   `folded`, its evidence goes under evidence["measured"]["findings"][rule], and it
//   - clears the finding when it shows wrong every rule the finding stands for (Finding::clears):
//     the finding becomes a note that says what the server showed;
//   - raises it when its level is higher (measured worse than the rule assumed);
//   - confirms it otherwise.
//   evidence["measured"]["verdict"] says which ("raised" over "confirmed" over "cleared").
//   The kept finding's advice (help, fix) is the one the user reads.
// - A dynamic finding stands alone only when no finding of another gate before it has its key
//   (gates fold in the order they ran: lint, then forward, ..., locks); a gate's own findings on
//   one statement are distinct observations and stay apart unless a static finding takes them.
//
// Returns what was folded away: a gate whose finding now lives in another gate's still judged
// the statement, and fails as long as that finding stands (Folded::counts).
struct Folded {
  std::size_t gate;  // index in `results` of the gate whose finding was folded
  Level level;       // its level
  std::string rule;  // the finding it was folded into
  Location at;
  bool counts(const std::vector<GateResult>& results) const;  // that finding is still reported
};
std::vector<Folded> keep_one_verdict_per_risk(const MigrationSet& set, const sql::ParsedSet& parsed,
                                              std::vector<GateResult>& results);

}  // namespace mgate
