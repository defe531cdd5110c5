// Reading back the JSON report (mgate merge's input): every field returns to its typed place,
// so a report read back writes the same text, and anything else is refused by name.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "core/config.hpp"
#include "report/json_read.hpp"
#include "report/writer.hpp"
#include "unit/report_sample.hpp"

namespace mgate {

std::unique_ptr<Writer> make_json_writer();

namespace {

using ::testing::HasSubstr;

std::string json_text(const Report& report) {
  std::ostringstream out;
  make_json_writer()->write(report, out, WriterOptions{});
  return out.str();
}

TEST(JsonRead, AReportReadBackWritesTheSameText) {
  Report sharded = sample::demo_report();
  sharded.fingerprint = "0123456789abcdef0123456789abcdef";
  sharded.shard = ShardInfo{2, 3, {{"004", "009", 6}}};
  sharded.fail_on = FailOn::warning;
  Report merged = sample::small_report();
  merged.merged_shards = 4;
  for (const Report& report : {sample::small_report(), sample::evidence_report(),
                               sample::large_report(40), sample::demo_report(), sharded, merged}) {
    const std::string text = json_text(report);
    EXPECT_EQ(json_text(read_json_report(text, "shard.json")), text);
  }
}

TEST(JsonRead, KeepsTheTypedFieldsThatReportsCarryInsideEvidenceAndMetrics) {
  Report written = sample::evidence_report();
  written.gates[1].summary = "3 critical queries timed";
  const Report report = read_json_report(json_text(written), "r.json");
  bool plan = false, summary = false;
  for (const GateResult& gate : report.gates) {
    summary = summary || !gate.summary.empty();
    EXPECT_FALSE(gate.metrics.contains("summary"));
    for (const Finding& f : gate.findings) {
      plan = plan || f.plan.has_value();
      EXPECT_FALSE(f.evidence.contains("plan"));
    }
  }
  EXPECT_TRUE(plan);
  EXPECT_TRUE(summary);
}

TEST(JsonRead, RefusesWhatIsNoReportNamingTheField) {
  auto error = [](const std::string& text) {
    try {
      read_json_report(text, "shard-2.json");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_THAT(error("not json"),
              HasSubstr("shard-2.json: not a report of mgate --format json: not JSON"));
  EXPECT_THAT(error(R"({"schema": "mgate-baseline/1"})"), HasSubstr("not mgate-report/1"));
  std::string text = json_text(sample::small_report());
  text.replace(text.find("\"fail_on\": \"error\""), 18, "\"fail_on\": \"sometimes\"");
  EXPECT_THAT(error(text), HasSubstr("fail_on is not error, warning or never"));
  text = json_text(sample::small_report());
  text.replace(text.find("\"gated\": true"), 13, "\"gated\": 1");
  EXPECT_THAT(error(text), HasSubstr("migrations[0].gated is not true or false"));
}

}  // namespace
}  // namespace mgate
