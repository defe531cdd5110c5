#include "core/digest.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace mgate {
namespace {

std::string digest_of(std::string_view text) {
  return Digest().add(text).hex();
}

TEST(Digest, IsThirtyTwoHexadecimalDigitsAndTheSameForTheSameValues) {
  const std::string once = Digest().add("mgate").add(42LL).hex();
  EXPECT_EQ(once.size(), 32u);
  EXPECT_EQ(once.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(Digest().add("mgate").add(42LL).hex(), once);
}

TEST(Digest, ValuesAreFramedByTheirLength) {
  EXPECT_NE(Digest().add("ab").add("c").hex(), Digest().add("a").add("bc").hex());
  EXPECT_NE(Digest().add("").add("x").hex(), Digest().add("x").add("").hex());
}

// One byte changed anywhere, in the words taken eight bytes at a time or in the rest after them,
// always changes the digest; so does the length.
TEST(Digest, EveryByteCounts) {
  std::string text;
  for (int i = 0; i < 37; ++i) text += static_cast<char>('a' + i % 26);
  std::set<std::string> seen = {digest_of(text)};
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::string changed = text;
    changed[i] = static_cast<char>(changed[i] ^ 0x01);
    EXPECT_TRUE(seen.insert(digest_of(changed)).second) << i;
  }
  for (std::size_t size = 0; size < text.size(); ++size) {
    EXPECT_TRUE(seen.insert(digest_of(text.substr(0, size))).second) << size;
  }
}

}  // namespace
}  // namespace mgate
