// The pipeline owns what every finding goes through: the gate's name, the [rules] levels of
// mgate.toml, mgate:ignore comments, and the skip of a dynamic gate without a server.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "core/config.hpp"
#include "gates/pipeline.hpp"
#include "sql/parsed_set.hpp"

namespace mgate {
namespace {

using ::testing::IsEmpty;
using ::testing::SizeIs;

// Runs `gates` over one migration, 001_m.sql, whose text is `sql`.
class PipelineTest : public ::testing::Test {
 protected:
  PipelineTest() { config.root = MGATE_SOURCE_DIR; }

  Report run(const std::string& sql, std::vector<std::string> gates = {"lint"}) {
    MigrationSet set;
    set.layout = "plain";
    Migration m;
    m.version = {"001"};
    m.name = "m";
    m.up = Script{"db/001_m.sql"};
    m.files = {"db/001_m.sql"};
    set.migrations.push_back(m);
    sql::ParsedSet parsed(set, [&](const std::string&) { return sql; });
    PipelineOptions options;
    options.gates = std::move(gates);
    return run_pipeline(config, set, parsed, options);
  }

  std::vector<Finding> findings(const Report& report, const std::string& rule) {
    std::vector<Finding> out;
    for (const Finding* f : report.findings()) {
      if (f->rule == rule) out.push_back(*f);
    }
    return out;
  }

  Config config;
};

TEST_F(PipelineTest, ConfiguredLevelReachesSyntaxErrors) {
  ASSERT_THAT(findings(run("CREATE TABLE (;\n"), "syntax-error"), SizeIs(1));
  EXPECT_EQ(findings(run("CREATE TABLE (;\n"), "syntax-error")[0].level, Level::error);
  config.rules["syntax-error"] = RuleSetting{Level::warning, {}};
  Report report = run("CREATE TABLE (;\n");
  auto found = findings(report, "syntax-error");
  ASSERT_THAT(found, SizeIs(1));
  EXPECT_EQ(found[0].level, Level::warning);
  EXPECT_TRUE(report.summary().passed);
}

TEST_F(PipelineTest, ConfiguredLevelReachesUnusedIgnores) {
  const std::string sql = "-- mgate:ignore drop-table -- reviewed\nSELECT 1;\n";
  auto found = findings(run(sql), "unused-ignore");
  ASSERT_THAT(found, SizeIs(1));
  EXPECT_EQ(found[0].gate, "lint");
  EXPECT_EQ(found[0].level, Level::warning);
  config.rules["unused-ignore"] = RuleSetting{Level::error, {}};
  EXPECT_EQ(findings(run(sql), "unused-ignore")[0].level, Level::error);
  config.rules["unused-ignore"] = RuleSetting{std::nullopt, {}};
  EXPECT_THAT(findings(run(sql), "unused-ignore"), IsEmpty());
}

TEST_F(PipelineTest, AnIgnoreOfARuleThatIsOffIsUnused) {
  const std::string sql = "-- mgate:ignore drop-table -- reviewed\nDROP TABLE users;\n";
  EXPECT_THAT(findings(run(sql), "unused-ignore"), IsEmpty());
  config.rules["drop-table"] = RuleSetting{std::nullopt, {}};
  Report report = run(sql);
  EXPECT_THAT(findings(report, "drop-table"), IsEmpty());
  EXPECT_THAT(findings(report, "unused-ignore"), SizeIs(1));
}

TEST_F(PipelineTest, EveryFindingCarriesTheGateThatFoundIt) {
  config.naming.require_down = true;
  Report report = run("DROP TABLE users;\n", {"naming", "lint"});
  ASSERT_THAT(report.gates, SizeIs(2));
  for (const GateResult& gate : report.gates) {
    EXPECT_THAT(gate.findings, ::testing::Not(IsEmpty())) << gate.gate;
    for (const Finding& f : gate.findings) EXPECT_EQ(f.gate, gate.gate) << f.rule;
  }
}

TEST_F(PipelineTest, DynamicGatesWithoutAServerAreSkipped) {
  MigrationSet set;
  sql::ParsedSet parsed(set, [](const std::string&) { return std::string(); });
  PipelineOptions options;
  options.gates = {"forward", "rollback", "integrity", "locks"};
  options.dynamic = true;
  Report report = run_pipeline(config, set, parsed, options);
  ASSERT_THAT(report.gates, SizeIs(4));
  for (const GateResult& gate : report.gates) {
    EXPECT_EQ(gate.status, GateStatus::skip) << gate.gate;
    EXPECT_EQ(gate.skip_reason, "no PostgreSQL server") << gate.gate;
  }
}

}  // namespace
}  // namespace mgate
