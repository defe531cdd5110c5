#include "core/file_bytes.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "unit/discover_tree.hpp"

namespace mgate {
namespace {

using discover_tests::DiscoverTree;

TEST(FileBytes, ASmallFileIsReadWhole) {
  DiscoverTree tree;
  tree.write("a.sql", "SELECT 1;\n");
  std::error_code error;
  FileHead head = read_file_head(tree.path("a.sql"), 4096, error);
  EXPECT_FALSE(error);
  EXPECT_EQ(head.bytes, "SELECT 1;\n");
  EXPECT_TRUE(head.whole);
  EXPECT_EQ(read_file_bytes(tree.path("a.sql"), error), "SELECT 1;\n");
}

TEST(FileBytes, TheLimitCutsTheHeadAndSaysSo) {
  DiscoverTree tree;
  tree.write("a.sql", "0123456789");
  std::error_code error;
  FileHead head = read_file_head(tree.path("a.sql"), 4, error);
  EXPECT_FALSE(error);
  EXPECT_EQ(head.bytes, "0123");
  EXPECT_FALSE(head.whole);
}

TEST(FileBytes, AFileAsLongAsTheLimitIsWhole) {
  DiscoverTree tree;
  tree.write("a.sql", "0123456789");
  std::error_code error;
  FileHead head = read_file_head(tree.path("a.sql"), 10, error);
  EXPECT_EQ(head.bytes, "0123456789");
  EXPECT_TRUE(head.whole);
}

TEST(FileBytes, AnEmptyFileIsWholeAndEmpty) {
  DiscoverTree tree;
  tree.write("a.sql", "");
  std::error_code error;
  FileHead head = read_file_head(tree.path("a.sql"), 4096, error);
  EXPECT_FALSE(error);
  EXPECT_EQ(head.bytes, "");
  EXPECT_TRUE(head.whole);
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
