#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/migration.hpp"

namespace mgate {
namespace {

// Versions compare part by part: runs of digits as numbers, other runs as text, a number after
// text, and a missing part as zero.
TEST(MigrationVersion, ComparesPartByPart) {
  struct Case {
    std::string a;
    std::string b;
    int order;  // the sign of compare(a, b)
  };
  const std::vector<Case> cases = {
      {"1", "1", 0},
      {"1", "1.0", 0},  // a missing part is zero
      {"1.0", "1.0.0", 0},
      {"", "0", 0},
      {"", "", 0},
      {"2", "10", -1},            // numbers, not text
      {"001", "1", 0},            // leading zeros do not count
      {"1_2", "1.2", 0},          // '.', '_' and '-' all separate
      {"1..2", "1.2", 0},         // runs of separators are one
      {"1.2a", "1.2.a", 0},       // digits and letters are parts of their own
      {"1.0-beta", "1.0.1", -1},  // text before a number
      {"1.0-beta", "1.0", -1},    // text before a missing part, which is zero
      {"1.a", "1.b", -1},
      {"20231231235959", "20240101000000", -1},
      {"99999999999999999999", "100000000000000000000", -1},  // beyond 64 bits
      {"V2", "V10", -1},
  };
  for (const Case& c : cases) {
    int forward = compare(Version{c.a}, Version{c.b});
    int backward = compare(Version{c.b}, Version{c.a});
    EXPECT_EQ((forward > 0) - (forward < 0), c.order) << c.a << " vs " << c.b;
    EXPECT_EQ((backward > 0) - (backward < 0), -c.order) << c.b << " vs " << c.a;
  }
}

}  // namespace
}  // namespace mgate
