#include "core/file_bytes.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "unit/discover_tree.hpp"

namespace mgate {
namespace {

using discover_tests::DiscoverTree;

// What the head of a file holds and whether it says the file ends there, by its size and the
// limit.
TEST(FileBytes, AHeadIsTheFileUpToTheLimitAndSaysWhetherItEndsThere) {
  struct Case {
    std::string text;
    std::size_t limit;
    std::string bytes;
    bool whole;
  };
  const Case cases[] = {
      {"SELECT 1;\n", 4096, "SELECT 1;\n", true},  // shorter than the limit
      {"0123456789", 4, "0123", false},            // cut by the limit
      {"0123456789", 10, "0123456789", true},      // as long as the limit
      {"", 4096, "", true},                        // empty
  };
  for (const Case& c : cases) {
    DiscoverTree tree;
    tree.write("a.sql", c.text);
    std::error_code error;
    FileHead head = read_file_head(tree.path("a.sql"), c.limit, error);
    EXPECT_FALSE(error) << c.text;
    EXPECT_EQ(head.bytes, c.bytes);
    EXPECT_EQ(head.whole, c.whole) << c.text << " " << c.limit;
    if (c.whole) {
      EXPECT_EQ(read_file_bytes(tree.path("a.sql"), error), c.text);
    }
  }
}

TEST(FileBytes, ALargeFileIsReadByteForByte) {
  DiscoverTree tree;
  std::string text;
  for (int i = 0; i < 200000; ++i) text += static_cast<char>(i * 7 % 256);
  tree.write("big.sql", text);
  std::error_code error;
  EXPECT_EQ(read_file_bytes(tree.path("big.sql"), error), text);
  EXPECT_FALSE(error);
  FileHead head = read_file_head(tree.path("big.sql"), 65536, error);
  EXPECT_EQ(head.bytes, text.substr(0, 65536));
  EXPECT_FALSE(head.whole);
}

// Files of /proc say their size is 0 and still have bytes: they are read until they end.
TEST(FileBytes, AFileWhoseSizeSaysNothingIsReadToItsEnd) {
  std::error_code error;
  std::string status = read_file_bytes("/proc/self/status", error);
  EXPECT_FALSE(error);
  EXPECT_NE(status.find("Name:"), std::string::npos);
  EXPECT_EQ(status.back(), '\n');
}

TEST(FileBytes, AMissingFileOrADirectorySetsTheError) {
  DiscoverTree tree;
  std::error_code error;
  FileHead head = read_file_head(tree.path("missing.sql"), 4096, error);
  EXPECT_EQ(error, std::errc::no_such_file_or_directory);
  EXPECT_EQ(head.bytes, "");
  EXPECT_FALSE(head.whole);
  tree.mkdir("db");
  read_file_bytes(tree.path("db"), error);
  EXPECT_EQ(error, std::errc::is_a_directory);
}

}  // namespace
}  // namespace mgate
