#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "report/writer.hpp"
#include "unit/report_sample.hpp"

namespace mgate {

std::unique_ptr<Writer> make_sarif_writer();

namespace {

using nlohmann::json;

json sarif_of(const Report& report) {
  std::ostringstream out;
  make_sarif_writer()->write(report, out, WriterOptions{});
  return json::parse(out.str());
}

const json& run_of(const json& log) {
  return log["runs"][0];
}

std::string fingerprint(const json& result) {
  return result["partialFingerprints"]["mgate/v1"];
}

// Every location of the report moved down by `lines`, as when lines are inserted above.
void shift(Report& report, int lines) {
  auto move = [lines](Location& l) {
    l.start.line += lines;
    l.end.line += lines;
  };
  for (auto& gate : report.gates) {
    for (auto& f : gate.findings) {
      if (f.location) move(*f.location);
      if (f.fix) {
        for (auto& edit : f.fix->edits) move(edit.location);
      }
    }
  }
}

TEST(SarifWriter, IsNamedSarif) {
  EXPECT_EQ(make_sarif_writer()->format(), "sarif");
}

TEST(SarifWriter, WritesOneSarif210RunWithTheToolAndItsRules) {
  const json log = sarif_of(sample::small_report());
  EXPECT_EQ(log["$schema"], "https://json.schemastore.org/sarif-2.1.0.json");
  EXPECT_EQ(log["version"], "2.1.0");
  ASSERT_EQ(log["runs"].size(), 1u);
  const json& driver = run_of(log)["tool"]["driver"];
  EXPECT_EQ(driver["name"], "mgate");
  EXPECT_EQ(driver["version"], "1.2.3");
  EXPECT_EQ(driver["semanticVersion"], "1.2.3");
  EXPECT_EQ(driver["informationUri"], "https://github.com/mgate-dev/mgate");

  const json& rules = driver["rules"];
  ASSERT_EQ(rules.size(), 3u);
  EXPECT_EQ(rules[0]["id"], "missing-down");
  EXPECT_EQ(rules[1]["id"], "prefer-text");
  const json& index = rules[2];
  EXPECT_EQ(index["id"], "require-concurrent-index");
  EXPECT_EQ(index["name"], "RequireConcurrentIndex");
  EXPECT_EQ(index["shortDescription"]["text"],
            "Indexes on existing tables are built with CONCURRENTLY.");
  EXPECT_EQ(index["fullDescription"]["text"],
            "Indexes on existing tables are built with CONCURRENTLY.");
  EXPECT_EQ(index["helpUri"], rule_help_uri("require-concurrent-index"));
  EXPECT_NE(
      index["help"]["text"].get<std::string>().find(rule_help_uri("require-concurrent-index")),
      std::string::npos);
  EXPECT_NE(index["help"]["markdown"].get<std::string>().find(
                "(" + rule_help_uri("require-concurrent-index") + ")"),
            std::string::npos);
  EXPECT_EQ(index["defaultConfiguration"]["level"], "error");
  EXPECT_EQ(index["properties"]["tags"], (json{"migrations", "lint"}));
  EXPECT_EQ(rules[0]["defaultConfiguration"]["level"], "warning");
}

TEST(SarifWriter, DescribesARuleTheReportDoesNot) {
  Report report = sample::small_report();
  report.rules.erase("missing-down");
  const json rules = run_of(sarif_of(report))["tool"]["driver"]["rules"];
  ASSERT_EQ(rules.size(), 3u);
  EXPECT_EQ(rules[2]["id"], "missing-down");
  EXPECT_EQ(rules[2]["name"], "MissingDown");
  EXPECT_EQ(rules[2]["shortDescription"]["text"], "Missing down");
  EXPECT_EQ(rules[2]["helpUri"], rule_help_uri("missing-down"));
  EXPECT_EQ(rules[2]["defaultConfiguration"]["level"], "warning");
  EXPECT_EQ(rules[2]["properties"]["tags"], (json{"migrations", "naming"}));
}

TEST(SarifWriter, RunDeclaresCodePointColumnsAndTheRepositoryRoot) {
  Report report = sample::small_report();
  report.root = "/home/me/my app";
  const json run = run_of(sarif_of(report));
  EXPECT_EQ(run["columnKind"], "unicodeCodePoints");
  EXPECT_EQ(run["originalUriBaseIds"]["%SRCROOT%"]["uri"], "file:///home/me/my%20app/");
  report.root = "/srv/app/";
  EXPECT_EQ(run_of(sarif_of(report))["originalUriBaseIds"]["%SRCROOT%"]["uri"], "file:///srv/app/");
}

TEST(SarifWriter, ResultsPointAtTheirRuleLevelAndRegion) {
  const json log = sarif_of(sample::small_report());
  const json& run = run_of(log);
  const json& results = run["results"];
  ASSERT_EQ(results.size(), 3u);
  for (const json& result : results) {
    EXPECT_EQ(run["tool"]["driver"]["rules"][result["ruleIndex"].get<int>()]["id"],
              result["ruleId"]);
  }

  const json& note = results[0];
  EXPECT_EQ(note["ruleId"], "prefer-text");
  EXPECT_EQ(note["level"], "note");
  EXPECT_EQ(note["message"]["text"],
            "column `naïve_😀` is varchar(20)\nuse text with a CHECK constraint");
  EXPECT_EQ(note["locations"], (json::parse(R"([{"physicalLocation": {
      "artifactLocation": {"uri": "db/001_cr%C3%A9er%20users.up.sql", "uriBaseId": "%SRCROOT%",
                           "index": 0},
      "region": {"startLine": 2, "startColumn": 5, "endLine": 2, "endColumn": 25}}}])")));
  EXPECT_EQ(note["properties"], (json{{"gate", "lint"}, {"migration", "001"}}));

  EXPECT_EQ(results[1]["level"], "error");
  EXPECT_EQ(results[1]["properties"]["evidence"], (json{{"table", "orders"}}));
}

TEST(SarifWriter, AFindingWithoutALocationPointsAtItsMigrationFile) {
  const json results = run_of(sarif_of(sample::small_report()))["results"];
  const json& down = results[2];
  EXPECT_EQ(down["ruleId"], "missing-down");
  EXPECT_EQ(down["level"], "warning");
  EXPECT_EQ(down["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "db/002_add_orders.up.sql");
  EXPECT_EQ(down["locations"][0]["physicalLocation"]["region"], (json{{"startLine", 1}}));
}

TEST(SarifWriter, AFindingWithoutLocationOrMigrationPointsAtTheRepository) {
  Report report;
  GateResult plans;
  plans.gate = "plans";
  Finding f;
  f.rule = "plan-regression";
  f.gate = "plans";
  f.message = "orders_by_user now scans orders sequentially";
  plans.findings.push_back(f);
  report.gates.push_back(plans);
  const json log = sarif_of(report);
  EXPECT_EQ(log["runs"][0]["results"][0]["locations"][0]["physicalLocation"],
            (json{{"artifactLocation", {{"uri", "."}, {"uriBaseId", "%SRCROOT%"}, {"index", 0}}}}));
  EXPECT_EQ(log["runs"][0]["artifacts"][0]["roles"], (json{"directory"}));
}

TEST(SarifWriter, ListsEveryArtifactOnceInOrderOfFirstMention) {
  const json run = run_of(sarif_of(sample::small_report()));
  EXPECT_EQ(run["artifacts"], (json::parse(R"([
      {"location": {"uri": "db/001_cr%C3%A9er%20users.up.sql", "uriBaseId": "%SRCROOT%"},
       "roles": ["analysisTarget"]},
      {"location": {"uri": "db/002_add_orders.up.sql", "uriBaseId": "%SRCROOT%"},
       "roles": ["analysisTarget"]}])")));
  EXPECT_EQ(run["results"][2]["locations"][0]["physicalLocation"]["artifactLocation"]["index"], 1);
}

TEST(SarifWriter, WritesFixesAsReplacements) {
  const json index = run_of(sarif_of(sample::small_report()))["results"][1];
  EXPECT_EQ(index["fixes"], (json::parse(R"([{
      "description": {"text": "Build the index with CONCURRENTLY"},
      "artifactChanges": [{
        "artifactLocation": {"uri": "db/002_add_orders.up.sql", "uriBaseId": "%SRCROOT%",
                             "index": 1},
        "replacements": [{
          "deletedRegion": {"startLine": 4, "startColumn": 1, "endLine": 4, "endColumn": 13},
          "insertedContent": {"text": "CREATE INDEX CONCURRENTLY"}}]}]}])")));
  EXPECT_FALSE(run_of(sarif_of(sample::small_report()))["results"][0].contains("fixes"));
}

TEST(SarifWriter, GroupsTheEditsOfAFixByFile) {
  Report report = sample::small_report();
  Fix& fix = *report.gates[1].findings[1].fix;
  Edit other = fix.edits[0];
  other.location = sample::at("db/other.sql", 1, 1, 1, 1);
  other.replacement = "SET lock_timeout = '2s';\n";
  fix.edits.push_back(other);
  fix.edits.push_back(fix.edits[0]);
  const json changes = run_of(sarif_of(report))["results"][1]["fixes"][0]["artifactChanges"];
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0]["artifactLocation"]["uri"], "db/002_add_orders.up.sql");
  EXPECT_EQ(changes[0]["replacements"].size(), 2u);
  EXPECT_EQ(changes[1]["artifactLocation"]["uri"], "db/other.sql");
  EXPECT_EQ(changes[1]["replacements"][0]["deletedRegion"],
            (json{{"startLine", 1}, {"startColumn", 1}, {"endLine", 1}, {"endColumn", 1}}));
}

TEST(SarifWriter, LeavesOutAnEndBeforeTheStart) {
  Report report = sample::small_report();
  report.gates[1].findings[0].location->end = {1, 1};
  EXPECT_EQ(run_of(sarif_of(report))["results"][0]["locations"][0]["physicalLocation"]["region"],
            (json{{"startLine", 2}, {"startColumn", 5}}));
}

TEST(SarifWriter, FingerprintsSurviveLinesInsertedAbove) {
  Report report = sample::small_report();
  const json before = run_of(sarif_of(report))["results"];
  shift(report, 3);
  const json after = run_of(sarif_of(report))["results"];
  ASSERT_EQ(before.size(), after.size());
  for (std::size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(fingerprint(before[i]), fingerprint(after[i])) << i;
  }
  EXPECT_NE(before[1]["locations"], after[1]["locations"]);  // the lines did move
}

TEST(SarifWriter, FingerprintsIgnoreNumbersAndSpacingInTheMessage) {
  Report report = sample::small_report();
  const std::string before = fingerprint(run_of(sarif_of(report))["results"][1]);
  report.gates[1].findings[1].message =
      "CREATE INDEX   blocks writes to `orders` while the index builds";
  EXPECT_EQ(fingerprint(run_of(sarif_of(report))["results"][1]), before);
  report.gates[1].findings[1].message = "CREATE INDEX blocks writes to `users`";
  EXPECT_NE(fingerprint(run_of(sarif_of(report))["results"][1]), before);

  Finding measured = sample::concurrent_index_finding();
  measured.message = "writes blocked for 120 ms at line 4";
  const std::string slow = [&] {
    Report r;
    r.gates.push_back(sample::gate("locks"));
    r.gates[0].findings.push_back(measured);
    return fingerprint(run_of(sarif_of(r))["results"][0]);
  }();
  measured.message = "writes blocked for 95 ms at line 7";
  Report r;
  r.gates.push_back(sample::gate("locks"));
  r.gates[0].findings.push_back(measured);
  EXPECT_EQ(fingerprint(run_of(sarif_of(r))["results"][0]), slow);
}

TEST(SarifWriter, IdenticalFindingsGetDistinctFingerprints) {
  Report report;
  report.gates.push_back(sample::gate("lint"));
  for (int line : {3, 9, 20}) {
    Finding f = sample::concurrent_index_finding();
    f.location = sample::at("m.sql", line, 1, line, 10);
    report.gates[0].findings.push_back(f);
  }
  const json results = run_of(sarif_of(report))["results"];
  std::set<std::string> fingerprints;
  for (const json& result : results) fingerprints.insert(fingerprint(result));
  EXPECT_EQ(fingerprints.size(), 3u);
}

TEST(SarifWriter, InvocationFailsOnlyWhenAGateCouldNotRun) {
  Report report = sample::small_report();
  const json ok = run_of(sarif_of(report))["invocations"];
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_EQ(ok[0]["executionSuccessful"], true);  // findings are results, not tool failures
  EXPECT_EQ(ok[0]["toolExecutionNotifications"], (json::parse(R"([{"level": "note",
                "message": {"text": "gate rollback skipped: no PostgreSQL server"}}])")));

  report.gates[2].status = GateStatus::error;
  report.gates[2].skip_reason = "initdb failed";
  const json failed = run_of(sarif_of(report))["invocations"][0];
  EXPECT_EQ(failed["executionSuccessful"], false);
  EXPECT_EQ(failed["toolExecutionNotifications"][0]["level"], "error");
  EXPECT_EQ(failed["toolExecutionNotifications"][0]["message"]["text"],
            "gate rollback: initdb failed");
}

TEST(SarifWriter, FormatsTwentyThousandFindings) {
  const json log = sarif_of(sample::large_report(20000));
  const json& results = run_of(log)["results"];
  EXPECT_EQ(results.size(), 20000u);
  std::set<std::string> fingerprints;
  for (const json& result : results) fingerprints.insert(fingerprint(result));
  EXPECT_EQ(fingerprints.size(), 20000u);
  EXPECT_EQ(run_of(log)["artifacts"].size(), 100u);
}

}  // namespace
}  // namespace mgate
