// The report formats through the command line, on the demo migrations and the real rules.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/run.hpp"

namespace mgate::testing {
namespace {

using ::testing::HasSubstr;

TEST(ReportFormats, EveryFormatWritesTheDemoReportAndExitsOne) {
  for (const char* format : {"markdown", "github", "junit", "gitlab", "html"}) {
    const RunResult r = run_mgate({"lint", "fixtures/demo", "--format", format});
    EXPECT_EQ(r.exit_code, 1) << format << ": " << r.err;
    EXPECT_EQ(r.err, "") << format;
    EXPECT_THAT(r.out, HasSubstr("007_index_orders_by_status.up.sql")) << format;
  }
  const RunResult github = run_mgate({"lint", "fixtures/demo", "--format", "github"});
  EXPECT_THAT(github.out,
              HasSubstr("::error file=fixtures/demo/007_index_orders_by_status.up.sql,line=3,"
                        "col=1,"));
  const auto issues =
      nlohmann::json::parse(run_mgate({"lint", "fixtures/demo", "--format", "gitlab"}).out);
  EXPECT_FALSE(issues.empty());
}

TEST(ReportFormats, OutputTakesOneFileSoAPathCanFollowIt) {
  TempDir dir;
  const std::string file = (dir.path() / "report.html").string();
  const RunResult r = run_mgate({"lint", "--output", "html=" + file, "fixtures/demo", "--format",
                                 "json", "--color", "never"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["migrations"].size(), 13u);
  EXPECT_THAT(read_file(file), HasSubstr("<!DOCTYPE html>"));
}

TEST(ReportFormats, QuietWritesNothingOnAPassButEverythingOnAFailure) {
  TempDir dir;
  dir.write("db/001_init.sql", "CREATE TABLE t (id bigint PRIMARY KEY);\n");
  RunResult r = run_mgate({"lint", "db", "--quiet"}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  r = run_mgate({"lint", "fixtures/demo", "--quiet", "--color", "never"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("[require-concurrent-index]"));
}

}  // namespace
}  // namespace mgate::testing
