#include "core/source_file.hpp"

#include <gtest/gtest.h>

namespace mgate {
namespace {

TEST(SourceFile, MapsOffsetsToOneBasedLinesAndColumns) {
  SourceFile f("a.sql", "ab\ncd\n\nef");
  EXPECT_EQ(f.position(0), (Position{1, 1}));
  EXPECT_EQ(f.position(1), (Position{1, 2}));
  EXPECT_EQ(f.position(2), (Position{1, 3}));  // the newline itself
  EXPECT_EQ(f.position(3), (Position{2, 1}));
  EXPECT_EQ(f.position(6), (Position{3, 1}));
  EXPECT_EQ(f.position(8), (Position{4, 2}));
  EXPECT_EQ(f.position(100), (Position{4, 3}));  // clamped to the end
}

TEST(SourceFile, CountsColumnsInCodePointsNotBytes) {
  // "é" is two bytes and "😀" four; each is one column.
  SourceFile f("a.sql", "-- é😀x\nSELECT 'ü', 1;");
  EXPECT_EQ(f.position(3), (Position{1, 4}));    // é
  EXPECT_EQ(f.position(5), (Position{1, 5}));    // 😀
  EXPECT_EQ(f.position(9), (Position{1, 6}));    // x
  EXPECT_EQ(f.position(4), (Position{1, 4}));    // inside é: belongs to é
  EXPECT_EQ(f.position(24), (Position{2, 13}));  // 1, after 'ü',
}

TEST(SourceFile, LongSingleLineColumnsAreExact) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "é";  // 4000 bytes, one line
  text += "x";
  SourceFile f("a.sql", text);
  EXPECT_EQ(f.position(4000), (Position{1, 2001}));
  EXPECT_EQ(f.advance_code_points(0, 2000), 4000u);
}

}  // namespace
}  // namespace mgate
