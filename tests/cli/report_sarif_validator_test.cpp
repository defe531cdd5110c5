// Runs Microsoft's SARIF validator (npm @microsoft/sarif-multitool, installed by
// `scripts/setup.sh --dev`) over the SARIF writer's output: with its default rules and with
// GitHub code scanning's ingestion rules (`--rule-kind Gh`).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "report/writer.hpp"
#include "support/run.hpp"
#include "unit/report_sample.hpp"

namespace mgate {

std::unique_ptr<Writer> make_sarif_writer();

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kValidator = MGATE_SOURCE_DIR "/node_modules/.bin/sarif-multitool";

// Every kind of result the writer has a branch for: located or not, with and without a
// migration, fixes over two files, non-ASCII text and paths, a rule the report does not
// describe, a skipped gate and one that could not run.
Report rich_report() {
  Report report = sample::small_report();
  Finding& index = report.gates[1].findings[1];
  Edit timeout;
  timeout.location = sample::at("db/lock timeout é.sql", 1, 1, 1, 1);
  timeout.replacement = "SET lock_timeout = '2s';\n";
  index.fix->edits.push_back(timeout);

  Finding orphan;
  orphan.rule = "plan-regression";
  orphan.gate = "plans";
  orphan.level = Level::warning;
  orphan.message = "query `orders_by_user` now scans `orders` sequentially";
  orphan.help = "keep an index on orders(user_id)";
  orphan.evidence = {{"before_ms", 1.5}, {"after_ms", 40.2}};
  GateResult plans;
  plans.gate = "plans";
  plans.status = GateStatus::error;
  plans.skip_reason = "PostgreSQL could not start";
  plans.findings.push_back(orphan);
  report.gates.push_back(plans);

  Finding mismatch;
  mismatch.rule = "rollback-schema-mismatch";
  mismatch.gate = "rollback";
  mismatch.message = "down leaves column `orders.note` behind";
  mismatch.location = sample::at("db/002_add_orders.up.sql", 6, 3, 7, 1);
  mismatch.migration = "002";
  report.gates[2].findings.push_back(mismatch);
  return report;
}

std::string quoted(const fs::path& path) {
  return "'" + path.string() + "'";
}

// The validator's own findings about `sarif` at level error, one per line.
std::string validator_errors(const fs::path& sarif, const fs::path& log,
                             const std::string& extra_arguments) {
  const std::string command = quoted(kValidator) + " validate " + quoted(sarif) + " --output " +
                              quoted(log) + " --log ForceOverwrite --quiet " + extra_arguments +
                              " > /dev/null 2>&1";
  if (std::system(command.c_str()) != 0 || !fs::exists(log)) {
    return "the validator did not run: " + command;
  }
  const json output = json::parse(std::ifstream(log));
  std::string errors;
  for (const json& run : output["runs"]) {
    for (const json& result : run.value("results", json::array())) {
      if (result.value("level", "warning") != "error") continue;
      errors += result.value("ruleId", "?") + ": " + result["message"].dump() + "\n";
    }
  }
  return errors;
}

class SarifValidator : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kValidator)) {
      if (std::getenv("CI") != nullptr) {
        FAIL() << kValidator << " is missing: run scripts/setup.sh --dev";
      }
      GTEST_SKIP() << kValidator << " is missing (scripts/setup.sh --dev installs it)";
    }
    dir_ = fs::temp_directory_path() / ("mgate-sarif-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::ofstream out(dir_ / "report.sarif");
    make_sarif_writer()->write(rich_report(), out, WriterOptions{});
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  fs::path dir_;
};

TEST_F(SarifValidator, DefaultRulesFindNoErrors) {
  EXPECT_EQ(validator_errors(dir_ / "report.sarif", dir_ / "default.sarif", ""), "");
}

TEST_F(SarifValidator, GitHubIngestionRulesFindNoErrors) {
  EXPECT_EQ(validator_errors(dir_ / "report.sarif", dir_ / "github.sarif", "--rule-kind Gh"), "");
}

// The SARIF of a real `mgate check` run, with the dynamic gates' findings (rollback) next to
// the lint ones, and the locks and integrity gates' measurements inside the lint results they
// confirm (one verdict per risk), is as valid as the sample's.
TEST_F(SarifValidator, CheckOfTheDemoIsValidForBothRuleSets) {
  const fs::path sarif = dir_ / "check.sarif";
  testing::RunResult r =
      testing::run_mgate({"check", "fixtures/demo", "--output", "sarif=" + sarif.string()});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  const json report = json::parse(std::ifstream(sarif));
  std::set<std::string> gates;
  bool locks = false, integrity = false;
  for (const json& result : report["runs"][0]["results"]) {
    gates.insert(result["ruleId"].get<std::string>().substr(0, 5));
    locks = locks || result.contains(json::json_pointer("/properties/evidence/measured/locks"));
    integrity = integrity || result.contains(json::json_pointer(
                                 "/properties/evidence/measured/findings/integrity-fails-on-data"));
  }
  EXPECT_TRUE(gates.count("rollb") && locks && integrity) << r.out;
  EXPECT_EQ(validator_errors(sarif, dir_ / "check-default.sarif", ""), "");
  EXPECT_EQ(validator_errors(sarif, dir_ / "check-github.sarif", "--rule-kind Gh"), "");
}

// A plans run: its findings are located results, and its one-line summary is a notification.
TEST_F(SarifValidator, PlansRunIsValidAndSummarised) {
  const fs::path sarif = dir_ / "plans.sarif";
  testing::RunResult r = testing::run_mgate({"check", "fixtures/plans/unrelated", "--config",
                                             "fixtures/plans/over_budget.toml", "--gates", "plans",
                                             "--output", "sarif=" + sarif.string()});
  ASSERT_EQ(r.exit_code, 1) << r.err << r.out;
  const json report = json::parse(std::ifstream(sarif));
  const json& results = report["runs"][0]["results"];
  ASSERT_EQ(results.size(), 1u) << results.dump(1);
  EXPECT_EQ(results[0]["ruleId"], "plans-budget-exceeded");
  EXPECT_EQ(results[0]["locations"][0]["physicalLocation"]["region"]["startLine"], 3);
  const json& notes = report["runs"][0]["invocations"][0]["toolExecutionNotifications"];
  ASSERT_EQ(notes.size(), 1u) << notes.dump(1);
  EXPECT_EQ(
      notes[0]["message"]["text"].get<std::string>().rfind("gate plans: 1 critical query,", 0), 0u);
  EXPECT_EQ(validator_errors(sarif, dir_ / "plans-default.sarif", ""), "");
  EXPECT_EQ(validator_errors(sarif, dir_ / "plans-github.sarif", "--rule-kind Gh"), "");
}

}  // namespace
}  // namespace mgate
