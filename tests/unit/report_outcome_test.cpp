// A gate's outcome for a migration counts the findings of its own that were folded into another
// gate's finding on the statement (one verdict per risk), at their own level.
#include <gtest/gtest.h>

#include "report/outcome.hpp"

namespace mgate {
namespace {

GateResult gate(const std::string& name) {
  GateResult g;
  g.gate = name;
  return g;
}

TEST(Outcomes, AFoldedFindingCountsForItsGateAtItsOwnLevel) {
  Report report;
  report.migrations.push_back({"007", "index", "db/007.up.sql", "", true});
  report.rules["require-concurrent-index"] = {"require-concurrent-index", "lint"};
  report.rules["locks-no-lock-timeout"] = {"locks-no-lock-timeout", "locks"};
  report.rules["integrity-fails-on-data"] = {"integrity-fails-on-data", "integrity"};
  Finding f;
  f.rule = "require-concurrent-index";
  f.gate = "lint";
  f.level = Level::error;
  f.migration = "007";
  f.location = Location{"db/007.up.sql", {3, 1}, {3, 40}};
  f.folded = {"locks-no-lock-timeout", "integrity-fails-on-data"};
  f.evidence["measured"]["levels"] = {{"locks-no-lock-timeout", "warning"},
                                      {"integrity-fails-on-data", "error"}};
  report.gates = {gate("lint"), gate("integrity"), gate("locks"), gate("plans")};
  report.gates[0].findings.push_back(f);

  Outcomes all = outcomes(report);
  ASSERT_EQ(all.migrations.size(), 1u);
  const std::vector<GateOutcome>& gates = all.migrations[0].gates;
  ASSERT_EQ(gates.size(), 4u);
  EXPECT_EQ(gates[0].status, GateStatus::fail);  // lint's own error
  EXPECT_EQ(gates[1].status, GateStatus::fail);  // integrity's error, folded in
  EXPECT_EQ(gates[1].findings.size(), 1u);
  EXPECT_EQ(gates[2].status, GateStatus::pass);  // locks' warning does not reach --fail-on error
  EXPECT_EQ(gates[2].findings.size(), 1u);
  EXPECT_EQ(gates[3].status, GateStatus::pass);  // nothing of plans in it
  EXPECT_TRUE(gates[3].findings.empty());
}

}  // namespace
}  // namespace mgate
