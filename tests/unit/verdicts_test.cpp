// One verdict per risk: dynamic findings and measurements fold into the finding that speaks for
// their statement and risk (gates/verdicts.hpp).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gates/verdicts.hpp"
#include "sql/parsed_set.hpp"

namespace mgate {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

const std::string kSql =
    "CREATE INDEX i ON t (a);\n"
    "ALTER TABLE t ALTER COLUMN b TYPE text;\n"
    "ALTER TABLE t ADD COLUMN c int NOT NULL;\n";

class Verdicts : public ::testing::Test {
 protected:
  Verdicts() : set(make_set()), parsed(set, [](const std::string&) { return kSql; }) {}

  static MigrationSet make_set() {
    MigrationSet set;
    Migration m;
    m.version = {"001"};
    m.name = "m";
    m.up = Script{"db/001_m.sql"};
    m.files = {"db/001_m.sql"};
    set.migrations.push_back(m);
    return set;
  }

  const sql::ParsedScript& script() { return parsed.script(*set.migrations[0].up); }

  // The statement `i`, or a sharper span `offset` bytes into it.
  Location at(std::size_t i, std::size_t offset = 0) {
    Span span = script().statements[i].span;
    span.begin += offset;
    return locate(*script().file, span);
  }

  Finding make(std::string rule, std::string gate, Level level, std::string risk, Location where) {
    Finding f;
    f.rule = std::move(rule);
    f.gate = std::move(gate);
    f.level = level;
    f.risk = std::move(risk);
    f.location = where;
    f.migration = "001";
    f.message = f.rule + " says so";
    f.evidence = {{"from", f.rule}};
    return f;
  }

  GateResult gate(std::string name, std::vector<Finding> findings) {
    GateResult g;
    g.gate = std::move(name);
    g.findings = std::move(findings);
    return g;
  }

  MigrationSet set;
  sql::ParsedSet parsed;
};

TEST_F(Verdicts, MeasurementsAndDynamicFindingsJoinTheStaticFindingOfTheirStatementAndRisk) {
  std::vector<GateResult> results;
  // The rule points at the index name, inside the statement.
  results.push_back(gate(
      "lint", {make("require-concurrent-index", "lint", Level::warning, "blocking", at(0, 13))}));
  GateResult locks =
      gate("locks", {make("locks-traffic-blocked", "locks", Level::error, "blocking", at(0))});
  locks.findings[0].measured = "SHARE on public.t held 851 ms";
  locks.measurements.push_back({"001", at(0), "blocking", {{"held_ms", 851}}, "SHARE held"});
  results.push_back(locks);
  std::vector<Folded> folded = keep_one_verdict_per_risk(set, parsed, results);
  // The locks gate's finding lives on in lint's: the locks gate still judged the statement.
  ASSERT_THAT(folded, SizeIs(1));
  EXPECT_EQ(folded[0].gate, 1u);
  EXPECT_EQ(folded[0].level, Level::error);
  EXPECT_TRUE(folded[0].counts(results));

  ASSERT_THAT(results[0].findings, SizeIs(1));
  EXPECT_THAT(results[1].findings, IsEmpty());
  const Finding& f = results[0].findings[0];
  EXPECT_EQ(f.rule, "require-concurrent-index");
  EXPECT_EQ(f.level, Level::error);  // raised: measured worse than the rule's level
  EXPECT_THAT(f.folded, ElementsAre("locks-traffic-blocked"));
  EXPECT_EQ(f.evidence["measured"]["held_ms"], 851);
  EXPECT_EQ(f.evidence["measured"]["verdict"], "raised");
  EXPECT_EQ(f.evidence["measured"]["levels"]["locks-traffic-blocked"], "error");
  EXPECT_EQ(f.evidence["measured"]["findings"]["locks-traffic-blocked"]["from"],
            "locks-traffic-blocked");
  EXPECT_EQ(f.measured, "SHARE held; SHARE on public.t held 851 ms");
  EXPECT_EQ(f.message, "require-concurrent-index says so");
  // Once lint's finding is gone (an mgate:ignore), neither gate fails on it.
  results[0].findings.clear();
  EXPECT_FALSE(folded[0].counts(results));
}

TEST_F(Verdicts, AMeasurementThatShowsTheGuessWrongClearsItToANote) {
  std::vector<GateResult> results;
  results.push_back(
      gate("lint", {make("change-column-type", "lint", Level::warning, "blocking", at(1))}));
  Finding safe = make("locks-type-change-safe", "locks", Level::note, "blocking", at(1));
  safe.clears = {"change-column-type"};
  results.push_back(gate("locks", {safe}));
  keep_one_verdict_per_risk(set, parsed, results);

  ASSERT_THAT(results[0].findings, SizeIs(1));
  EXPECT_THAT(results[1].findings, IsEmpty());
  const Finding& f = results[0].findings[0];
  EXPECT_EQ(f.level, Level::note);
  EXPECT_EQ(f.evidence["measured"]["verdict"], "cleared");
  EXPECT_THAT(f.message, HasSubstr("Cleared on the server: locks-type-change-safe says so"));
}

TEST_F(Verdicts, AClearingDoesNotSilenceAnotherRiskTheFindingStandsFor) {
  std::vector<GateResult> results;
  Finding lint = make("change-column-type", "lint", Level::warning, "blocking", at(1));
  lint.folded = {"require-lock-timeout"};
  results.push_back(gate("lint", {lint}));
  Finding safe = make("locks-type-change-safe", "locks", Level::note, "blocking", at(1));
  safe.clears = {"change-column-type"};
  results.push_back(gate("locks", {safe}));
  keep_one_verdict_per_risk(set, parsed, results);

  ASSERT_THAT(results[0].findings, SizeIs(1));
  EXPECT_EQ(results[0].findings[0].level, Level::warning);
  EXPECT_EQ(results[0].findings[0].evidence["measured"]["verdict"], "confirmed");
}

TEST_F(Verdicts, DynamicFindingsOfOneRiskFoldIntoTheFirstGatesWithoutAStaticOne) {
  std::vector<GateResult> results;
  results.push_back(gate("lint", {}));
  results.push_back(
      gate("forward", {make("forward-failed", "forward", Level::error, "failure", at(2, 6))}));
  results.push_back(gate(
      "integrity", {make("integrity-fails-on-data", "integrity", Level::error, "failure", at(2))}));
  // Another risk on the same statement, and a finding of no risk, stand alone.
  results.push_back(
      gate("locks", {make("locks-no-lock-timeout", "locks", Level::warning, "blocking", at(2)),
                     make("locks-traffic-deadlock", "locks", Level::error, "", at(2))}));
  keep_one_verdict_per_risk(set, parsed, results);

  ASSERT_THAT(results[1].findings, SizeIs(1));
  EXPECT_THAT(results[1].findings[0].folded, ElementsAre("integrity-fails-on-data"));
  EXPECT_EQ(results[1].findings[0].evidence["measured"]["verdict"], "confirmed");
  EXPECT_THAT(results[2].findings, IsEmpty());
  EXPECT_THAT(results[3].findings, SizeIs(2));
}

TEST_F(Verdicts, FindingsOnOtherStatementsOrOutsideAnyStayApart) {
  std::vector<GateResult> results;
  results.push_back(
      gate("lint", {make("require-concurrent-index", "lint", Level::warning, "blocking", at(0))}));
  Finding outside = make("locks-no-lock-timeout", "locks", Level::warning, "blocking", at(0));
  outside.location->file = "db/other.sql";
  results.push_back(
      gate("locks",
           {make("locks-no-lock-timeout", "locks", Level::warning, "blocking", at(1)), outside}));
  keep_one_verdict_per_risk(set, parsed, results);
  EXPECT_THAT(results[0].findings[0].folded, IsEmpty());
  EXPECT_THAT(results[1].findings, SizeIs(2));
}

}  // namespace
}  // namespace mgate
