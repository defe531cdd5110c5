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
