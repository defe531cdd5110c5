#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mgate {

// The UTF-8 byte order mark that Windows editors put at the start of a file.
inline constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

// A 1-based line and column. Columns count Unicode code points, not bytes.
struct Position {
  int line = 1;
  int column = 1;
  friend bool operator==(const Position&, const Position&) = default;
};

// A half-open byte range [begin, end) in a source file.
struct Span {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t size() const { return end - begin; }
  friend bool operator==(const Span&, const Span&) = default;
};

// The text of one file and the mapping from byte offsets to line:column. A line ends at "\n",
// "\r\n" or a lone "\r", as in editors and in PostgreSQL's scanner; a byte order mark at the start
// of the file takes no column, as in editors.
class SourceFile {
 public:
  SourceFile() = default;
  // `path` is how the file is named in reports: relative to the repository root.
  SourceFile(std::string path, std::string text);

  const std::string& path() const { return path_; }
  std::string_view text() const { return text_; }
  std::string_view slice(Span span) const {
    return std::string_view(text_).substr(span.begin, span.size());
  }

  // Offsets past the end map to the end; offsets inside a multi-byte character map to it.
  Position position(std::size_t offset) const;
  // The byte offset of the `n`th code point (0-based) counted from `from`; clamps to the end.
  std::size_t advance_code_points(std::size_t from, std::size_t n) const;
  int line_count() const { return static_cast<int>(line_starts_.size()); }
  // Line `n` (1-based, clamped to the lines there are), without its line ending.
  Span line(int n) const;

 private:
  std::size_t code_points_before(std::size_t offset) const;

  std::string path_;
  std::string text_;
  std::vector<std::size_t> line_starts_;
  // Code points before every kBlock-th byte: columns cost O(kBlock) however long a line is.
  static constexpr std::size_t kBlock = 256;
  std::vector<std::size_t> code_points_at_block_;
};

}  // namespace mgate
