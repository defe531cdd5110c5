#include <gtest/gtest.h>

#include "core/suggest.hpp"

namespace mgate {
namespace {

const std::vector<std::string> kCommands = {"lint", "check",      "baseline", "rules", "init",
                                            "hook", "completion", "version",  "help"};

TEST(NearestName, TyposFindWhatWasMeant) {
  EXPECT_EQ(nearest_name("lnt", kCommands), "lint");          // a letter missing
  EXPECT_EQ(nearest_name("chekc", kCommands), "check");       // two letters swapped
  EXPECT_EQ(nearest_name("rulez", kCommands), "rules");       // a letter wrong
  EXPECT_EQ(nearest_name("versions", kCommands), "version");  // a letter extra
  EXPECT_EQ(nearest_name("require-concurent-index",
                         {"require-concurrent-index", "require-concurrent-reindex"}),
            "require-concurrent-index");
}

TEST(NearestName, NothingCloseIsNothing) {
  EXPECT_EQ(nearest_name("frobnicate", kCommands), std::nullopt);
  EXPECT_EQ(nearest_name("drop-everything", {"drop-table", "drop-column"}), std::nullopt);
  EXPECT_EQ(nearest_name("lint", {}), std::nullopt);
}

TEST(NearestName, TiesGoToTheFirstListed) {
  EXPECT_EQ(nearest_name("bat", {"cat", "hat"}), "cat");
}

}  // namespace
}  // namespace mgate
