// Every duration key of mgate.toml: what it accepts, and a clear error with the range for what
// it does not (a zero timeout, one past what PostgreSQL takes, one that would overflow).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/config.hpp"
#include "support/run.hpp"

namespace mgate {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

Config load(const TempDir& dir, const std::string& toml) {
  return load_config(dir.write("mgate.toml", toml));
}

std::string error_of(const std::string& toml) {
  TempDir dir;
  try {
    load(dir, toml);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(ConfigDurations, StatementTimeoutMustBeBoundedAndWithinPostgresRange) {
  for (const char* text : {"0s", "0ms", "0.4ms", "600h", "2147483648ms", "1e3s", "1.5.2s"}) {
    SCOPED_TRACE(text);
    std::string error = error_of(std::string("[postgres]\nstatement_timeout = \"") + text + "\"\n");
    EXPECT_THAT(error, HasSubstr("mgate.toml:2:21: 'statement_timeout'"));
  }
  EXPECT_THAT(error_of("[postgres]\nstatement_timeout = \"0s\"\n"),
              HasSubstr("'statement_timeout' is \"0s\": it must be from 1ms to 2147483647ms "
                        "(about 596h)"));
  EXPECT_THAT(error_of("[postgres]\nstatement_timeout = \"600h\"\n"),
              HasSubstr("from 1ms to 2147483647ms"));
  TempDir dir;
  EXPECT_EQ(load(dir, "[postgres]\nstatement_timeout = \"596h\"\n").postgres.statement_timeout,
            std::chrono::hours(596));
  EXPECT_EQ(load(dir, "[postgres]\nstatement_timeout = \"2147483647ms\"\n")
                .postgres.statement_timeout.count(),
            2147483647);
  EXPECT_EQ(load(dir, "[postgres]\nstatement_timeout = \"1ms\"\n").postgres.statement_timeout,
            std::chrono::milliseconds(1));
}

TEST(ConfigDurations, BlockedThresholdMayBeZeroButNotPastAStatementsLongestWait) {
  TempDir dir;
  EXPECT_EQ(load(dir, "[traffic]\nblocked_threshold = \"0s\"\n").traffic.blocked_threshold,
            std::chrono::milliseconds(0));
  EXPECT_THAT(error_of("[traffic]\nblocked_threshold = \"600h\"\n"),
              HasSubstr("'blocked_threshold' is \"600h\": it must be from 0ms to 2147483647ms"));
}

TEST(ConfigDurations, BlockerWaitZeroTurnsTheProbeOffAndIsBoundedLikeALockTimeout) {
  TempDir dir;
  EXPECT_EQ(Config{}.locks.blocker_wait, std::chrono::milliseconds(1000));
  EXPECT_EQ(load(dir, "[locks]\nblocker_wait = \"0\"\n").locks.blocker_wait,
            std::chrono::milliseconds(0));
  EXPECT_EQ(load(dir, "[locks]\nblocker_wait = \"250ms\"\n").locks.blocker_wait,
            std::chrono::milliseconds(250));
  EXPECT_THAT(error_of("[locks]\nblocker_wait = \"600h\"\n"),
              HasSubstr("'blocker_wait' is \"600h\": it must be from 0ms to 2147483647ms"));
  EXPECT_THAT(error_of("[locks]\nblocker = false\n"),
              HasSubstr("unknown key 'blocker' in [locks]"));
}

TEST(ConfigDurations, HugeNumbersAreAnErrorNotAnOverflow) {
  EXPECT_THAT(error_of("[postgres]\nstatement_timeout = \"99999999999999999999999h\"\n"),
              HasSubstr("too long"));
  EXPECT_THAT(
      error_of(std::string("[traffic]\nblocked_threshold = \"1") + std::string(400, '0') + "s\"\n"),
      HasSubstr("too long"));
  // Digits past a double's range after the point: a duration too short to count, not an error.
  TempDir dir;
  EXPECT_EQ(load(dir, "[traffic]\nblocked_threshold = \"0." + std::string(400, '0') + "1s\"\n")
                .traffic.blocked_threshold.count(),
            0);
  EXPECT_THAT(error_of("[postgres]\nstatement_timeout = \"5 fortnights\"\n"),
              HasSubstr("is not a duration"));
}

TEST(ConfigDurations, ParseDurationReadsEveryUnit) {
  EXPECT_EQ(parse_duration("1500ms").count(), 1500);
  EXPECT_EQ(parse_duration("1.5s").count(), 1500);
  EXPECT_EQ(parse_duration("2 sec").count(), 2000);
  EXPECT_EQ(parse_duration("5min").count(), 300000);
  EXPECT_EQ(parse_duration("5m").count(), 300000);
  EXPECT_EQ(parse_duration("2h").count(), 7200000);
  EXPECT_EQ(parse_duration("250").count(), 250);
  EXPECT_THROW(parse_duration("."), InputError);
  EXPECT_THROW(parse_duration("s"), InputError);
}

}  // namespace
}  // namespace mgate
