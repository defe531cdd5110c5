// A real JUnit consumer reads the JUnit writer's output: junitparser (Debian's
// python3-junitparser, installed by `scripts/setup.sh --dev`), through tests/support/read_junit.py.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "report/writer.hpp"
#include "support/run.hpp"
#include "unit/report_sample.hpp"

namespace mgate {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kPython = "/usr/bin/python3";  // Debian's, which sees python3-junitparser

class JunitConsumer : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto probe = testing::run({kPython.string(), "-c", "import junitparser"});
    if (probe.exit_code != 0) {
      if (std::getenv("CI") != nullptr)
        FAIL() << "python3-junitparser is missing: run scripts/setup.sh --dev";
      GTEST_SKIP() << "python3-junitparser is missing (scripts/setup.sh --dev installs it)";
    }
  }

  json read(const Report& report) {
    const fs::path file = dir_.path() / "junit.xml";
    {
      std::ofstream out(file, std::ios::binary);
      find_writer("junit")->write(report, out, WriterOptions{});
    }
    const auto r = testing::run(
        {kPython.string(), MGATE_SOURCE_DIR "/tests/support/read_junit.py", file.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out);
  }

  testing::TempDir dir_;
};

TEST_F(JunitConsumer, ReadsOneCasePerMigrationAndGateWithTheRightResults) {
  Report report = sample::evidence_report();
  report.gates[2].status = GateStatus::error;  // rollback could not run
  report.gates[2].skip_reason = "PostgreSQL could not start: <port> & \"socket\"";
  const json parsed = read(report);

  // 2 migrations and the set, 4 gates each.
  EXPECT_EQ(parsed["tests"], 12);
  EXPECT_EQ(parsed["failures"], 2);  // 002: lint and locks
  EXPECT_EQ(parsed["errors"], 3);    // rollback, in each suite
  ASSERT_EQ(parsed["suites"].size(), 3u);
  for (const json& suite : parsed["suites"]) {
    EXPECT_EQ(suite["declared"], suite["recounted"]) << suite["name"];
    EXPECT_EQ(suite["cases"].size(), 4u);
  }
  const json& second = parsed["suites"][1];
  EXPECT_EQ(second["name"], "migration 002 add_orders");
  EXPECT_EQ(second["cases"][0]["classname"], "mgate.002_add_orders");
  EXPECT_EQ(second["cases"][0]["name"], "naming");
  EXPECT_EQ(second["cases"][0]["results"], json::array());
  EXPECT_THAT(second["cases"][0]["system_out"].get<std::string>(),
              ::testing::HasSubstr("migration 002 has no down migration"));
  EXPECT_EQ(second["cases"][1]["results"], json::array({"Failure"}));
  EXPECT_EQ(second["cases"][2]["results"], json::array({"Error"}));
  EXPECT_EQ(second["cases"][2]["messages"][0], "PostgreSQL could not start: <port> & \"socket\"");
  EXPECT_EQ(second["cases"][3]["results"], json::array({"Failure"}));
  // The consumer gets the text back exactly, markup characters and line breaks included.
  EXPECT_EQ(second["cases"][3]["messages"][0],
            "ALTER TABLE held ACCESS EXCLUSIVE on `orders` for 2.5 s: <100%, a|b>\r\nnext");
}

TEST_F(JunitConsumer, ReadsSkippedGatesAndNonAsciiNames) {
  const json parsed = read(sample::small_report());
  EXPECT_EQ(parsed["skipped"], 3);
  EXPECT_EQ(parsed["suites"][0]["name"], "migration 001 créer users");
  EXPECT_EQ(parsed["suites"][0]["cases"][2]["results"], json::array({"Skipped"}));
}

}  // namespace
}  // namespace mgate
