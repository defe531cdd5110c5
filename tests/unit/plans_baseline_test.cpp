// The comparison of the plans gate's measurements with a committed baseline, on fixed JSON:
// strict shapes and buffers, loose times on the same machine class only, and the CUSUM drift
// test over the history.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/config.hpp"
#include "gates/plans_baseline.hpp"

namespace mgate {
namespace {

using Json = nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const char* const kMachine = "Some CPU, 2 cores, 8 GiB";

CriticalQuery query(const std::string& name) {
  CriticalQuery q;
  q.name = name;
  q.location = {"queries.sql", {3, 1}, {3, 1}};
  return q;
}

// The gate's metrics for one query measured after the migrations.
Json measured(const std::string& shape, long long buffers, double median_ms,
              const std::string& machine = kMachine) {
  Json plan = {{"node_type", "Seq Scan"}, {"relation", "orders"}};
  Json after = {{"shape", shape},
                {"tree", shape},
                {"plan", plan},
                {"cost", 10.0},
                {"buffers", {{"shared_hit", buffers}, {"shared_read", 0}, {"total", buffers}}},
                {"timing",
                 {{"runs", 30},
                  {"median_ms", median_ms},
                  {"p95_ms", median_ms * 1.1},
                  {"p99_ms", median_ms * 1.2},
                  {"min_ms", median_ms * 0.9},
                  {"max_ms", median_ms * 1.3}}},
                {"samples_ms", Json::array()}};
  return {{"machine_class", machine},
          {"fixtures", {{"rows", 1000}, {"random_seed", 42}}},
          {"runs", 30},
          {"queries", {{"q", {{"sql", "SELECT 1"}, {"after", after}}}}}};
}

std::vector<std::string> rules(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const Finding& f : findings) out.push_back(f.rule);
  return out;
}

// The baseline file's JSON is read back as the file would be.
std::vector<Finding> compare(const Json& baseline, const Json& now) {
  Json comparison;
  return compare_with_baseline(baseline_from_json(baseline, "mgate-baseline.json"), now,
                               {query("q")}, 0.20, comparison);
}

// The baseline file's JSON after recording `metrics` on `previous`.
Json recorded(const Json& metrics, std::optional<Json> previous = std::nullopt, int history = 20) {
  std::optional<Baseline> before;
  if (previous) before = baseline_from_json(*previous, "mgate-baseline.json");
  return to_json(
      updated_baseline(before, metrics, {"c0ffee", "15.18", "2026-12-01T00:00:00Z"}, history));
}

TEST(PlansBaseline, SameMeasurementsGiveNoFinding) {
  Json baseline = recorded(measured("Seq Scan on orders\n", 12, 1.0));
  EXPECT_THAT(compare(baseline, measured("Seq Scan on orders\n", 12, 1.05)), IsEmpty());
}

TEST(PlansBaseline, ShapesAndBuffersAreComparedStrictly) {
  Json baseline = recorded(measured("Index Scan using i on orders\n", 3, 1.0));
  auto findings = compare(baseline, measured("Seq Scan on orders\n", 12, 1.0));
  EXPECT_THAT(rules(findings), ElementsAre("plans-baseline-plan-changed"));
  EXPECT_EQ(findings[0].location->file, "queries.sql");
  ASSERT_TRUE(findings[0].plan);
  EXPECT_EQ(findings[0].plan->after, "Seq Scan on orders\n");

  baseline = recorded(measured("Seq Scan on orders\n", 12, 1.0));
  findings = compare(baseline, measured("Seq Scan on orders\n", 13, 1.0));
  EXPECT_THAT(rules(findings), ElementsAre("plans-baseline-buffers-changed"));
  EXPECT_THAT(findings[0].message, HasSubstr("touches 13 buffers where the committed baseline "
                                             "touched 12"));
}

TEST(PlansBaseline, TimesAreComparedLooselyAndOnlyOnTheSameMachineClass) {
  Json baseline = recorded(measured("Seq Scan on orders\n", 12, 1.0));
  // 30% slower: above the threshold, but within twice it: no finding.
  EXPECT_THAT(compare(baseline, measured("Seq Scan on orders\n", 12, 1.3)), IsEmpty());
  EXPECT_THAT(rules(compare(baseline, measured("Seq Scan on orders\n", 12, 1.5))),
              ElementsAre("plans-baseline-slower"));
  EXPECT_THAT(compare(baseline, measured("Seq Scan on orders\n", 12, 1.5,
                                         "Other CPU, 64 cores, "
                                         "256 GiB")),
              IsEmpty());
}

TEST(PlansBaseline, HistoryIsBounded) {
  std::optional<Json> baseline;
  for (int i = 0; i < 5; ++i) baseline = recorded(measured("s\n", 1, 1.0 + i), baseline, 3);
  ASSERT_EQ((*baseline)["history"].size(), 3u);
  EXPECT_EQ((*baseline)["history"][0]["queries"]["q"]["median_ms"], 3.0);
  EXPECT_EQ((*baseline)["history"][2]["queries"]["q"]["median_ms"], 5.0);
  EXPECT_EQ((*baseline)["queries"]["q"]["timing"]["median_ms"], 5.0);
}

TEST(PlansBaseline, SlowDriftThatNoSingleComparisonShowsIsReported) {
  // Each recording 6% slower than the one before (never twice the 20% threshold), after a flat
  // stretch: 1.0 ms to 1.34 ms over nine recordings, then this run.
  std::optional<Json> baseline;
  for (double median : {1.0, 1.01, 0.99, 1.0, 1.06, 1.12, 1.19, 1.26, 1.34}) {
    baseline = recorded(measured("s\n", 1, median), baseline);
  }
  auto findings = compare(*baseline, measured("s\n", 1, 1.42));
  EXPECT_THAT(rules(findings), ElementsAre("plans-drift"));
  EXPECT_THAT(findings[0].message, HasSubstr("has drifted upward"));
  EXPECT_THAT(findings[0].evidence["history_median_ms"], ::testing::SizeIs(10));

  // The same history without the rise: no drift.
  baseline.reset();
  for (double median : {1.0, 1.01, 0.99, 1.0, 1.02, 0.98, 1.01, 1.0, 0.99}) {
    baseline = recorded(measured("s\n", 1, median), baseline);
  }
  EXPECT_THAT(compare(*baseline, measured("s\n", 1, 1.01)), IsEmpty());
}

TEST(PlansBaseline, AMissingOrMistypedKeyIsAnInputErrorNamingTheFileAndKey) {
  Json baseline = recorded(measured("s\n", 1, 1.0));
  Json renamed = baseline;
  renamed["queries"]["q"]["timing"].erase("median_ms");
  try {
    compare(renamed, measured("s\n", 1, 1.0));
    FAIL() << "a baseline without queries.q.timing.median_ms was read";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(),
                 "mgate-baseline.json: queries.q.timing.median_ms is missing (expected a number)");
  }
  Json mistyped = baseline;
  mistyped["history"][0]["queries"]["q"]["buffers"] = "12";
  try {
    compare(mistyped, measured("s\n", 1, 1.0));
    FAIL() << "a baseline with a string for a buffer count was read";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "mgate-baseline.json: history[0].queries.q.buffers is not an integer");
  }
}

TEST(PlansBaseline, TheSchemaVersionIsCheckedAndWrittenBack) {
  Json baseline = recorded(measured("s\n", 1, 1.0));
  EXPECT_EQ(baseline["schema"], "mgate-baseline/1");
  EXPECT_EQ(to_json(baseline_from_json(baseline, "b.json")), baseline);
  Json unversioned = baseline;
  unversioned.erase("schema");
  EXPECT_THROW(
      {
        try {
          baseline_from_json(unversioned, "b.json");
        } catch (const InputError& e) {
          EXPECT_THAT(e.what(), HasSubstr("b.json is not an mgate baseline"));
          throw;
        }
      },
      InputError);
  Json newer = baseline;
  newer["schema"] = "mgate-baseline/2";
  EXPECT_THROW(
      {
        try {
          baseline_from_json(newer, "b.json");
        } catch (const InputError& e) {
          EXPECT_THAT(e.what(), HasSubstr("b.json is a baseline of a newer mgate"));
          throw;
        }
      },
      InputError);
}

TEST(PlansBaseline, ARenamedMeasurementIsAnErrorNotAZero) {
  Json metrics = measured("s\n", 1, 1.0);
  metrics["queries"]["q"]["after"]["buffers"].erase("total");
  EXPECT_THROW(recorded(metrics), InputError);
}

}  // namespace
}  // namespace mgate
