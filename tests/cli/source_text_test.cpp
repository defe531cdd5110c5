// A migration's bytes as mgate lint reads them: a NUL byte, the three line endings, a byte
// order mark per layout; and a config duration out of range.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/run.hpp"

namespace mgate::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kBom = "\xEF\xBB\xBF";

TEST(SourceText, ANulByteIsAFindingAtItsLineAndColumn) {
  TempDir dir;
  dir.write("db/001_init.sql", std::string("CREATE TABLE t (id int);\nSELECT \0 1;\n", 37));
  RunResult r = run_mgate({"lint", "db", "--gates", "lint", "--color", "never"}, dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.out, HasSubstr("db/001_init.sql:2:8: error: PostgreSQL cannot parse this: the "
                               "file contains a NUL byte (0x00)"));
}

TEST(SourceText, FindingsAreAtTheirLinesWhateverTheLineEndings) {
  for (const std::string eol : {"\n", "\r\n", "\r"}) {
    SCOPED_TRACE(eol == "\r" ? "CR" : eol == "\n" ? "LF" : "CRLF");
    TempDir dir;
    dir.write("db/001_init.sql", "CREATE TABLE t (id int);" + eol);
    dir.write("db/002_index.sql", "-- the index" + eol + "SET lock_timeout = '1s';" + eol +
                                      "CREATE INDEX i ON t (id);" + eol + "SELECT 'é', ,2;" + eol);
    RunResult r = run_mgate({"lint", "db", "--gates", "lint", "--color", "never"}, dir.path());
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_THAT(r.out, HasSubstr("db/002_index.sql:3:1: error:"));
    EXPECT_THAT(r.out, HasSubstr("[require-concurrent-index]"));
    EXPECT_THAT(r.out, HasSubstr("db/002_index.sql:4:13: error: PostgreSQL cannot parse this"));
  }
}

TEST(SourceText, AByteOrderMarkIsWhatTheLayoutsToolMakesOfIt) {
  {
    // Flyway strips it: the migration is read as if it were not there.
    TempDir dir;
    dir.write("db/V1__init.sql", kBom + "CREATE TABLE t (id int);\n");
    RunResult r = run_mgate({"lint", "db", "--color", "never"}, dir.path());
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  {
    // golang-migrate sends it on, and PostgreSQL rejects the file at 1:1.
    TempDir dir;
    dir.write("db/001_init.up.sql", kBom + "CREATE TABLE t (id int);\n");
    RunResult r = run_mgate({"lint", "db", "--color", "never"}, dir.path());
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_THAT(r.out, HasSubstr("db/001_init.up.sql:1:1: error: PostgreSQL cannot parse this: "
                                 "the file starts with a UTF-8 byte order mark"));
  }
  {
    // dbmate does not see its marker behind it and rejects the file: a naming finding.
    TempDir dir;
    dir.write("db/001_init.sql", kBom +
                                     "-- migrate:up\nCREATE TABLE t (id int);\n"
                                     "-- migrate:down\nDROP TABLE t;\n");
    RunResult r = run_mgate({"lint", "db", "--layout", "dbmate", "--color", "never"}, dir.path());
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_THAT(r.out, HasSubstr("db/001_init.sql:1:1: error: db/001_init.sql: starts with a UTF-8 "
                                 "byte order mark (U+FEFF), which dbmate does not strip"));
    EXPECT_THAT(r.out, Not(HasSubstr("internal error")));
  }
}

TEST(SourceText, ADurationOutOfRangeIsExitTwoWithTheRange) {
  for (const std::string value : {"0s", "600h"}) {
    TempDir dir;
    dir.write("db/001_init.sql", "CREATE TABLE t (id int);\n");
    dir.write("mgate.toml", "[postgres]\nstatement_timeout = \"" + value + "\"\n");
    RunResult r = run_mgate({"lint", "db"}, dir.path());
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr("'statement_timeout' is \"" + value +
                                 "\": it must be from 1ms to 2147483647ms"));
  }
}

}  // namespace
}  // namespace mgate::testing
