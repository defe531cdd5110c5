#include "core/source_file.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mgate {
namespace {

// Every offset of a text mixing one- to four-byte characters and all three line endings, on
// lines longer than the blocks the column count is kept by, against counting from the start.
TEST(SourceFile, EveryOffsetMapsAsCountingFromTheStartWould) {
  const std::vector<std::string> pieces = {
      "a", "_", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\n", "\r\n", "\r", "\t"};
  std::string text;
  unsigned seed = 7;
  for (int i = 0; i < 5000; ++i) {
    seed = seed * 1103515245 + 12345;
    std::size_t pick = (seed >> 16) % 40;
    text += pieces[pick < 5 ? pick : pick < 37 ? 0 : pick - 32];
  }
  SourceFile f("a.sql", text);
  Position expected{1, 1};
  for (std::size_t offset = 0; offset <= text.size(); ++offset) {
    ASSERT_EQ(f.position(offset), expected) << offset;
    if (offset == text.size()) break;
    const unsigned char c = static_cast<unsigned char>(text[offset]);
    const bool line_end =
        c == '\n' || (c == '\r' && (offset + 1 == text.size() || text[offset + 1] != '\n'));
    const bool next_is_continuation =
        offset + 1 < text.size() && (static_cast<unsigned char>(text[offset + 1]) & 0xC0) == 0x80;
    if (line_end) {
      expected = {expected.line + 1, 1};
    } else if (!next_is_continuation) {
      ++expected.column;
    }
  }
}

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

TEST(SourceFile, EveryLineEndingStartsALine) {
  // "\n" (Unix), "\r\n" (Windows) and a lone "\r" (classic Mac OS) each end one line, as in
  // editors and in PostgreSQL's scanner.
  SourceFile cr("a.sql", "ab\rcd\r\ref");
  EXPECT_EQ(cr.position(3), (Position{2, 1}));
  EXPECT_EQ(cr.position(6), (Position{3, 1}));
  EXPECT_EQ(cr.position(8), (Position{4, 2}));
  EXPECT_EQ(cr.line_count(), 4);

  SourceFile crlf("a.sql", "ab\r\ncd\r\n\r\nef");
  EXPECT_EQ(crlf.position(2), (Position{1, 3}));  // the "\r"
  EXPECT_EQ(crlf.position(3), (Position{1, 4}));  // the "\n" of the same line ending
  EXPECT_EQ(crlf.position(4), (Position{2, 1}));
  EXPECT_EQ(crlf.position(10), (Position{4, 1}));
  EXPECT_EQ(crlf.line_count(), 4);

  SourceFile mixed("a.sql", "a\nb\r\nc\rd");
  EXPECT_EQ(mixed.position(2), (Position{2, 1}));
  EXPECT_EQ(mixed.position(5), (Position{3, 1}));
  EXPECT_EQ(mixed.position(7), (Position{4, 1}));
  EXPECT_EQ(mixed.line_count(), 4);
}

TEST(SourceFile, LinesAreGivenWithoutTheirEndings) {
  SourceFile f("a.sql", "ab\r\ncd\ref\n\ngh");
  EXPECT_EQ(f.slice(f.line(1)), "ab");
  EXPECT_EQ(f.slice(f.line(2)), "cd");
  EXPECT_EQ(f.slice(f.line(3)), "ef");
  EXPECT_EQ(f.slice(f.line(4)), "");
  EXPECT_EQ(f.slice(f.line(5)), "gh");
  EXPECT_EQ(f.slice(f.line(9)), "gh");  // clamped
  SourceFile empty("a.sql", "");
  EXPECT_EQ(empty.line(1), (Span{0, 0}));
}

TEST(SourceFile, AByteOrderMarkTakesNoColumn) {
  SourceFile f("a.sql", std::string(kByteOrderMark) + "SELECT 1;\nSELECT 2;");
  EXPECT_EQ(f.position(0), (Position{1, 1}));
  EXPECT_EQ(f.position(3), (Position{1, 1}));  // S, the first visible character
  EXPECT_EQ(f.position(4), (Position{1, 2}));
  EXPECT_EQ(f.position(13), (Position{2, 1}));
  // Only at the start of the file: elsewhere U+FEFF is a character like any other.
  SourceFile inner("a.sql", "x" + std::string(kByteOrderMark) + "y");
  EXPECT_EQ(inner.position(4), (Position{1, 3}));
}

}  // namespace
}  // namespace mgate
