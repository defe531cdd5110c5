#include <gtest/gtest.h>

#include <sstream>

#include "report/writer.hpp"
#include "unit/report_sample.hpp"

namespace mgate {

std::unique_ptr<Writer> make_text_writer();

namespace {

std::string text_of(const Report& report, bool color = false) {
  std::ostringstream out;
  make_text_writer()->write(report, out, WriterOptions{color});
  return out.str();
}

TEST(TextWriter, IsNamedText) {
  EXPECT_EQ(make_text_writer()->format(), "text");
}

TEST(TextWriter, WritesCompilerStyleFindingsGatesAndVerdict) {
  EXPECT_EQ(text_of(sample::small_report()),
            "db/001_créer users.up.sql:2:5: note: column `naïve_😀` is varchar(20) [prefer-text]\n"
            "  help: use text with a CHECK constraint\n"
            "db/002_add_orders.up.sql:4:1: error: CREATE INDEX blocks writes to `orders` while "
            "the index builds [require-concurrent-index]\n"
            "  help: build it with CREATE INDEX CONCURRENTLY\n"
            "  fix: Build the index with CONCURRENTLY\n"
            "    - CREATE INDEX\n"
            "    + CREATE INDEX CONCURRENTLY\n"
            "mgate: warning: migration 002 has no down migration [missing-down]\n"
            "  help: add db/002_add_orders.down.sql\n"
            "\n"
            "naming   pass  3 ms\n"
            "lint     fail  12 ms\n"
            "rollback skip  0 ms  (no PostgreSQL server)\n"
            "mgate: 1 error, 1 warning, 1 note in 2 migrations: FAIL\n");
}

TEST(TextWriter, ColoursLevelsLocationsDiffsAndVerdictOnlyWhenAsked) {
  const std::string bold = "\x1b[1m", red = "\x1b[1;31m", green = "\x1b[1;32m",
                    yellow = "\x1b[1;33m", cyan = "\x1b[1;36m", reset = "\x1b[0m";
  EXPECT_EQ(text_of(sample::small_report(), true),
            bold + "db/001_créer users.up.sql:2:5:" + reset + " " + cyan + "note:" + reset +
                " column `naïve_😀` is varchar(20) [prefer-text]\n" +  //
                "  " + bold + "help:" + reset + " use text with a CHECK constraint\n" + bold +
                "db/002_add_orders.up.sql:4:1:" + reset + " " + red + "error:" + reset +
                " CREATE INDEX blocks writes to `orders` while the index builds "
                "[require-concurrent-index]\n" +
                "  " + bold + "help:" + reset + " build it with CREATE INDEX CONCURRENTLY\n" +
                "  " + bold + "fix:" + reset + " Build the index with CONCURRENTLY\n" +  //
                "    " + red + "- CREATE INDEX" + reset + "\n" +                         //
                "    " + green + "+ CREATE INDEX CONCURRENTLY" + reset + "\n" +          //
                bold + "mgate:" + reset + " " + yellow + "warning:" + reset +
                " migration 002 has no down migration [missing-down]\n" +                     //
                "  " + bold + "help:" + reset + " add db/002_add_orders.down.sql\n" + "\n" +  //
                "naming   " + green + "pass " + reset + " 3 ms\n" +                           //
                "lint     " + red + "fail " + reset + " 12 ms\n" +                            //
                "rollback " + yellow + "skip " + reset + " 0 ms  (no PostgreSQL server)\n" + bold +
                "mgate:" + reset + " 1 error, 1 warning, 1 note in 2 migrations: " + red + "FAIL" +
                reset + "\n");
  EXPECT_EQ(text_of(sample::small_report(), false).find('\x1b'), std::string::npos);
}

TEST(TextWriter, PassesAnEmptyReportWithoutABlankLine) {
  Report report;
  GateResult naming;
  naming.gate = "naming";
  naming.duration = std::chrono::milliseconds(1);
  report.gates.push_back(naming);
  report.migrations.push_back({"001", "a", "001_a.sql", "", true});
  report.migrations.push_back({"000", "base", "000_base.sql", "", false});  // not gated
  EXPECT_EQ(text_of(report),
            "naming pass  1 ms\n"
            "mgate: 0 errors, 0 warnings in 1 migration: PASS\n");
}

TEST(TextWriter, IndentsContinuationLinesOfMultiLineMessages) {
  Report report;
  GateResult forward;
  forward.gate = "forward";
  forward.status = GateStatus::fail;
  Finding f;
  f.rule = "forward-failed";
  f.gate = "forward";
  f.message = "ERROR: column \"x\" does not exist\nDETAIL: in table t";
  f.help = "check the column name\nor create it first";
  f.location = sample::at("m.sql", 3, 7, 3, 8);
  forward.findings.push_back(f);
  report.gates.push_back(forward);
  EXPECT_EQ(text_of(report),
            "m.sql:3:7: error: ERROR: column \"x\" does not exist\n"
            "  DETAIL: in table t [forward-failed]\n"
            "  help: check the column name\n"
            "        or create it first\n"
            "\n"
            "forward fail  0 ms\n"
            "mgate: 1 error, 0 warnings in 0 migrations: FAIL\n");
}

TEST(TextWriter, ShowsWhereAnEditAwayFromTheFindingGoesAndMultiLineSides) {
  Report report;
  GateResult lint;
  lint.gate = "lint";
  Finding f;
  f.rule = "require-lock-timeout";
  f.gate = "lint";
  f.level = Level::warning;
  f.message = "no lock_timeout";
  f.location = sample::at("m.sql", 5, 1, 5, 30);
  Edit insert;
  insert.location = sample::at("m.sql", 1, 1, 1, 1);
  insert.replacement = "SET lock_timeout = '2s';\n";
  Edit rewrite;
  rewrite.location = sample::at("m.sql", 5, 1, 6, 9);
  rewrite.original = "ALTER TABLE t\r\n  ADD c int;";
  rewrite.replacement = "ALTER TABLE t ADD c int;";
  f.fix = Fix{"Set a lock timeout", {insert, rewrite}};
  lint.findings.push_back(f);
  report.gates.push_back(lint);
  EXPECT_EQ(text_of(report),
            "m.sql:5:1: warning: no lock_timeout [require-lock-timeout]\n"
            "  fix: Set a lock timeout\n"
            "    --> m.sql:1:1\n"
            "    + SET lock_timeout = '2s';\n"
            "    - ALTER TABLE t\n"
            "    -   ADD c int;\n"
            "    + ALTER TABLE t ADD c int;\n"
            "\n"
            "lint pass  0 ms\n"
            "mgate: 0 errors, 1 warning in 0 migrations: PASS\n");
}

TEST(TextWriter, ShowsWhatTheServerMeasuredUnderTheMessage) {
  Report report = sample::small_report();
  Finding& index = report.gates[1].findings[1];
  index.measured = "SHARE on public.orders for 848 ms at 2,000,000 fixture rows";
  EXPECT_NE(text_of(report).find("the index builds [require-concurrent-index]\n"
                                 "  measured: SHARE on public.orders for 848 ms at 2,000,000 "
                                 "fixture rows\n"
                                 "  help: build it with CREATE INDEX CONCURRENTLY\n"),
            std::string::npos)
      << text_of(report);
}

// With the lines an edit changes, the fix reads as the statement before and after, not as
// `)` -> `) NOT VALID`.
TEST(TextWriter, ShowsAFixInTheLinesItChanges) {
  const std::string text = text_of(sample::demo_report());
  EXPECT_NE(text.find("  fix: Add the constraint NOT VALID\n"
                      "    - ALTER TABLE payments ADD CONSTRAINT payments_user_id_fkey FOREIGN KEY "
                      "(user_id) REFERENCES users (id);\n"
                      "    + ALTER TABLE payments ADD CONSTRAINT payments_user_id_fkey FOREIGN KEY "
                      "(user_id) REFERENCES users (id) NOT VALID;\n"),
            std::string::npos)
      << text;
}

TEST(TextWriter, FormatsTwentyThousandFindings) {
  const std::string text = text_of(sample::large_report(20000));
  std::size_t errors = 0;
  for (std::size_t at = 0; (at = text.find(": error: ", at)) != std::string::npos; ++at) ++errors;
  EXPECT_EQ(errors, 20000u);
  EXPECT_NE(text.find("mgate: 20000 errors, 0 warnings in 0 migrations: FAIL\n"),
            std::string::npos);
}

}  // namespace
}  // namespace mgate
