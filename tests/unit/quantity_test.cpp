#include <gtest/gtest.h>

#include "core/quantity.hpp"

namespace mgate {
namespace {

TEST(Quantity, GroupsThousands) {
  EXPECT_EQ(grouped(0), "0");
  EXPECT_EQ(grouped(999), "999");
  EXPECT_EQ(grouped(1000), "1,000");
  EXPECT_EQ(grouped(2000000), "2,000,000");
  EXPECT_EQ(grouped(-520000000), "-520,000,000");
}

TEST(Quantity, SaysDurationsToThePrecisionPeopleRead) {
  EXPECT_EQ(duration_text(0.42), "0.4 ms");
  EXPECT_EQ(duration_text(848.3), "848 ms");
  EXPECT_EQ(duration_text(1234), "1.2 s");
  EXPECT_EQ(duration_text(2000), "2 s");
  EXPECT_EQ(duration_text(220'000), "3 min 40 s");
  EXPECT_EQ(duration_text(7'500'000), "2 h 5 min");
  EXPECT_EQ(duration_text(-1), "unknown");
}

}  // namespace
}  // namespace mgate
