// The one order in which every report lists findings (Report::findings): by migration in apply
// order, then up file, down file, other files, then position.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "report/writer.hpp"
#include "unit/report_sample.hpp"

namespace mgate {
namespace {

using ::testing::ElementsAre;

Finding lint_finding(std::string rule, std::string migration, std::string file, int line) {
  Finding f;
  f.rule = std::move(rule);
  f.gate = "lint";
  f.migration = std::move(migration);
  if (!file.empty()) f.location = sample::at(std::move(file), line, 1, line, 10);
  return f;
}

// Flyway applies V1 before V1.1 and V9 before V10; sorting by path would not.
Report flyway_report() {
  Report report;
  report.migrations = {{"1", "init", "db/V1__init.sql", "db/U1__init.sql", true},
                       {"1.1", "users", "db/V1.1__users.sql", "", true},
                       {"9", "orders", "db/V9__orders.sql", "", true},
                       {"10", "payments", "db/V10__payments.sql", "", true}};
  GateResult lint = sample::gate("lint", GateStatus::fail);
  lint.findings = {lint_finding("b", "10", "db/V10__payments.sql", 2),
                   lint_finding("c", "1.1", "db/V1.1__users.sql", 1),
                   lint_finding("set", "", "", 0),
                   lint_finding("d", "1", "db/U1__init.sql", 1),
                   lint_finding("e", "1", "db/V1__init.sql", 7),
                   lint_finding("f", "9", "db/V9__orders.sql", 1),
                   lint_finding("g", "1", "", 0),
                   lint_finding("h", "1", "db/V1__init.sql", 3)};
  report.gates.push_back(std::move(lint));
  return report;
}

std::vector<std::string> rules_in_order(const Report& report) {
  std::vector<std::string> rules;
  for (const Finding* f : report.findings()) rules.push_back(f->rule);
  return rules;
}

TEST(ReportOrder, MigrationOrderThenUpDownThenPositionThenWithoutLocationThenTheSet) {
  EXPECT_THAT(rules_in_order(flyway_report()),
              ElementsAre("h", "e", "d", "g", "c", "f", "b", "set"));
}

TEST(ReportOrder, EveryWriterListsFindingsInIt) {
  const Report report = flyway_report();
  for (const std::string format :
       {"text", "json", "sarif", "markdown", "junit", "html", "github", "gitlab"}) {
    std::ostringstream out;
    find_writer(format)->write(report, out, WriterOptions{});
    const std::string text = out.str();
    const auto v1 = text.find("V1__init.sql"), v11 = text.find("V1.1__users.sql"),
               v9 = text.find("V9__orders.sql"), v10 = text.find("V10__payments.sql");
    ASSERT_NE(v1, std::string::npos) << format;
    EXPECT_LT(v1, v11) << format;
    EXPECT_LT(v11, v9) << format;
    EXPECT_LT(v9, v10) << format;
  }
}

}  // namespace
}  // namespace mgate
