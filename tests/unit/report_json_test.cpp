#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <vector>

#include "report/json_stream.hpp"
#include "report/writer.hpp"
#include "unit/report_sample.hpp"

namespace mgate {

std::unique_ptr<Writer> make_json_writer();

namespace {

using nlohmann::json;

std::string json_text(const Report& report) {
  std::ostringstream out;
  make_json_writer()->write(report, out, WriterOptions{});
  return out.str();
}

std::set<std::string> keys(const json& object) {
  std::set<std::string> names;
  for (const auto& [key, value] : object.items()) names.insert(key);
  return names;
}

TEST(JsonWriter, IsNamedJson) {
  EXPECT_EQ(make_json_writer()->format(), "json");
}

TEST(JsonWriter, PrettyPrintsInSchemaOrderWithATrailingNewline) {
  const std::string text = json_text(sample::small_report());
  EXPECT_EQ(text.rfind("{\n  \"schema\": \"mgate-report/1\",\n  \"tool\": {\n    \"name\"", 0), 0u);
  EXPECT_EQ(text.substr(text.size() - 2), "}\n");
  const auto schema = text.find("\"schema\""), tool = text.find("\"tool\""),
             postgres = text.find("\"postgres\""), migrations = text.find("\"migrations\""),
             gates = text.find("\"gates\""), findings = text.find("\"findings\""),
             summary = text.find("\"summary\"");
  EXPECT_LT(schema, tool);
  EXPECT_LT(tool, postgres);
  EXPECT_LT(postgres, migrations);
  EXPECT_LT(migrations, gates);
  EXPECT_LT(gates, findings);
  EXPECT_LT(findings, summary);
}

TEST(JsonWriter, WritesTheTopLevelShape) {
  const json doc = json::parse(json_text(sample::small_report()));
  EXPECT_EQ(keys(doc), (std::set<std::string>{"schema", "tool", "run", "fingerprint", "shard",
                                              "fail_on", "postgres", "layouts", "migrations",
                                              "gates", "findings", "rules", "summary"}));
  EXPECT_TRUE(doc["fingerprint"].is_null());
  EXPECT_TRUE(doc["shard"].is_null());
  EXPECT_FALSE(doc.contains("merged_shards"));
  EXPECT_EQ(doc["fail_on"], "error");
  EXPECT_EQ(doc["schema"], "mgate-report/1");
  EXPECT_EQ(doc["tool"], (json{{"name", "mgate"}, {"version", "1.2.3"}}));
  EXPECT_EQ(doc["postgres"], (json{{"provider", "local"}, {"version", "15.4"}}));
  EXPECT_EQ(doc["summary"],
            (json{{"passed", false}, {"errors", 1}, {"warnings", 1}, {"notes", 1}}));
}

TEST(JsonWriter, SaysWhereAndWhenTheRunHappened) {
  EXPECT_EQ(json::parse(json_text(sample::demo_report()))["run"],
            (json{{"root", "/srv/shop"},
                  {"commit", "4f2a9c1e07b3d5a6c8e9f0a1b2c3d4e5f6a7b8c9"},
                  {"base", "origin/main"},
                  {"time", "2026-12-06T12:20:00Z"}}));
  // What the run does not know is null.
  EXPECT_EQ(
      json::parse(json_text(sample::small_report()))["run"],
      (json{{"root", "/srv/app"}, {"commit", nullptr}, {"base", nullptr}, {"time", nullptr}}));
}

TEST(JsonWriter, SaysWhichLayoutReadEachDirectory) {
  Report report = sample::small_report();
  EXPECT_EQ(json::parse(json_text(report))["layouts"], json::array());
  report.layouts = {{"db", "golang-migrate", true, 2}, {"other", "flyway", false, 0}};
  EXPECT_EQ(json::parse(json_text(report))["layouts"],
            json::parse(R"([{"dir": "db", "layout": "golang-migrate", "detected": true,
                             "migrations": 2},
                            {"dir": "other", "layout": "flyway", "detected": false,
                             "migrations": 0}])"));
}

TEST(JsonWriter, PostgresIsNullWithoutAServer) {
  Report report = sample::small_report();
  report.postgres.reset();
  EXPECT_TRUE(json::parse(json_text(report))["postgres"].is_null());
}

TEST(JsonWriter, WritesMigrationsWithNullForAMissingFileAndTheirStatus) {
  const json doc = json::parse(json_text(sample::small_report()));
  ASSERT_EQ(doc["migrations"].size(), 2u);
  EXPECT_EQ(doc["migrations"][0], (json{{"version", "001"},
                                        {"name", "créer users"},
                                        {"up", "db/001_créer users.up.sql"},
                                        {"down", "db/001_créer users.down.sql"},
                                        {"gated", true},
                                        {"status", "pass"}}));
  EXPECT_EQ(doc["migrations"][1], (json{{"version", "002"},
                                        {"name", "add_orders"},
                                        {"up", "db/002_add_orders.up.sql"},
                                        {"down", nullptr},
                                        {"gated", true},
                                        {"status", "fail"}}));
}

TEST(JsonWriter, WritesGatesWithAReasonOnlyWhenOneIsGiven) {
  const json doc = json::parse(json_text(sample::small_report()));
  ASSERT_EQ(doc["gates"].size(), 3u);
  EXPECT_EQ(doc["gates"][0], (json{{"name", "naming"},
                                   {"status", "pass"},
                                   {"duration_ms", 3},
                                   {"metrics", json::object()}}));
  EXPECT_EQ(doc["gates"][1], (json{{"name", "lint"},
                                   {"status", "fail"},
                                   {"duration_ms", 12},
                                   {"metrics", {{"statements", 7}}}}));
  EXPECT_EQ(doc["gates"][2], (json{{"name", "rollback"},
                                   {"status", "skip"},
                                   {"duration_ms", 0},
                                   {"metrics", json::object()},
                                   {"reason", "no PostgreSQL server"}}));
}

TEST(JsonWriter, WritesFindingsInReportOrderWithLocationsAndFixes) {
  const json doc = json::parse(json_text(sample::small_report()));
  const json& findings = doc["findings"];
  ASSERT_EQ(findings.size(), 3u);

  EXPECT_EQ(findings[0], (json{{"rule", "prefer-text"},
                               {"gate", "lint"},
                               {"level", "note"},
                               {"message", "column `naïve_😀` is varchar(20)"},
                               {"help", "use text with a CHECK constraint"},
                               {"migration", "001"},
                               {"location",
                                {{"file", "db/001_créer users.up.sql"},
                                 {"line", 2},
                                 {"column", 5},
                                 {"end_line", 2},
                                 {"end_column", 25}}},
                               {"evidence", json::object()}}));

  const json& index = findings[1];
  EXPECT_EQ(keys(index), (std::set<std::string>{"rule", "gate", "level", "message", "help",
                                                "migration", "location", "evidence", "fix"}));
  EXPECT_EQ(index["rule"], "require-concurrent-index");
  EXPECT_EQ(index["level"], "error");
  EXPECT_EQ(index["evidence"], (json{{"table", "orders"}}));
  EXPECT_EQ(index["fix"], (json{{"description", "Build the index with CONCURRENTLY"},
                                {"edits",
                                 {{{"file", "db/002_add_orders.up.sql"},
                                   {"line", 4},
                                   {"column", 1},
                                   {"end_line", 4},
                                   {"end_column", 13},
                                   {"replacement", "CREATE INDEX CONCURRENTLY"},
                                   {"original", "CREATE INDEX"}}}}}));

  const json& down = findings[2];
  EXPECT_EQ(down["rule"], "missing-down");
  EXPECT_EQ(down["level"], "warning");
  EXPECT_TRUE(down["location"].is_null());
  EXPECT_FALSE(down.contains("fix"));
}

TEST(JsonWriter, WritesRiskAndFoldedRulesWhenAFindingHasThem) {
  Report report = sample::small_report();
  Finding& f = report.gates[1].findings[0];
  f.risk = "blocking";
  f.folded = {"require-lock-timeout", "combine-alter-table"};
  const json doc = json::parse(json_text(report));
  EXPECT_EQ(doc["findings"][0]["risk"], "blocking");
  EXPECT_EQ(doc["findings"][0]["folded"], (json{"require-lock-timeout", "combine-alter-table"}));
  EXPECT_FALSE(doc["findings"][1].contains("risk"));
  EXPECT_FALSE(doc["findings"][1].contains("folded"));
}

TEST(JsonWriter, MigrationIsNullWhenAFindingBelongsToNone) {
  Report report;
  GateResult plans;
  plans.gate = "plans";
  Finding f;
  f.rule = "plan-regression";
  f.gate = "plans";
  plans.findings.push_back(f);
  report.gates.push_back(plans);
  EXPECT_TRUE(json::parse(json_text(report))["findings"][0]["migration"].is_null());
}

TEST(JsonWriter, ReplacesBytesThatAreNotUtf8InsteadOfFailing) {
  Report report = sample::small_report();
  report.gates[1].findings[0].message = "bad byte \xff here";
  const json doc = json::parse(json_text(report));
  EXPECT_EQ(doc["findings"][0]["message"], "bad byte \xEF\xBF\xBD here");
}

// The report's strings are escaped as nlohmann's serializer escapes them (the SARIF and GitLab
// writers use it), invalid UTF-8 included.
TEST(JsonWriter, EscapesStringsAsTheJsonLibraryDoes) {
  for (std::string text : {std::string("plain"), std::string("quote \" and \\ backslash"),
                           std::string("tab\tnewline\nreturn\rbell\x07 nul", 25),
                           std::string("naïve 😀 ✓"), std::string("lone \xff byte"),
                           std::string("cut \xe2\x9c"), std::string("cut \xe2\x9c inside"),
                           std::string("bad second \xe0\x80\x80"), std::string("overlong \xc0\xaf"),
                           std::string("surrogate \xed\xa0\x80"), std::string("\x7f del")}) {
    std::string ours;
    append_json_string(ours, text);
    EXPECT_EQ(ours, json(text).dump(-1, ' ', false, json::error_handler_t::replace)) << text;
  }
}

TEST(JsonWriter, FormatsTwentyThousandFindings) {
  const json doc = json::parse(json_text(sample::large_report(20000)));
  EXPECT_EQ(doc["findings"].size(), 20000u);
  EXPECT_EQ(doc["summary"]["errors"], 20000);
}

// From a thousand findings on, two threads write them, half each, and the second half is spliced
// in after the first (src/report/json.cpp): the text is laid out as one stream would lay it out,
// every finding once, in report order.
TEST(JsonWriter, FindingsWrittenInTwoHalvesReadAsOne) {
  for (int count : {999, 1000, 1001, 2501}) {
    const Report report = sample::large_report(count);
    const std::string text = json_text(report);
    const json doc = json::parse(text);
    // Laid out as one stream would: as the JSON library lays out the same document, keys in order.
    const nlohmann::ordered_json in_order = nlohmann::ordered_json::parse(text);
    EXPECT_TRUE(text == in_order.dump(2, ' ', false, json::error_handler_t::replace) + "\n")
        << count;
    const std::vector<const Finding*> order = report.findings();
    ASSERT_EQ(doc["findings"].size(), order.size()) << count;
    for (std::size_t i = 0; i < order.size(); ++i) {
      EXPECT_EQ(doc["findings"][i]["message"], order[i]->message) << count << " " << i;
      EXPECT_EQ(doc["findings"][i]["location"]["line"], order[i]->location->start.line);
    }
  }
}

TEST(JsonStream, AStreamThatGoesOnInsideAnArrayIsSplicedIn) {
  std::ostringstream whole;
  std::ostringstream rest;
  {
    JsonStream part(rest, 2);
    part.begin_object();
    part.key("n");
    part.number(2);
    part.end_object();
    part.string("three");
  }
  {
    JsonStream json(whole);
    json.begin_object();
    json.key("list");
    json.begin_array();
    json.number(1);
    EXPECT_EQ(json.depth(), 2u);
    json.raw(rest.str());
    json.raw("");
    json.end_array();
    json.end_object();
    json.finish();
  }
  const json expected = {{"list", {1, {{"n", 2}}, "three"}}};
  EXPECT_EQ(whole.str(), expected.dump(2) + "\n");
}

}  // namespace
}  // namespace mgate
