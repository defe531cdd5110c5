#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/source_file.hpp"

namespace mgate::discovery {

// One line of a file: its text without the line break ("\n" or "\r\n"), the offset it starts
// at, and the offset the next line starts at.
struct Line {
  std::string_view text;
  std::size_t begin = 0;
  std::size_t next = 0;
};

std::vector<Line> lines_of(std::string_view text);

// Layouts that keep up and down in one file (dbmate, goose, sql-migrate) open each with a marker
// line. The section `markers[i]` opens runs from the line after it to the next marker line, or to
// the end of the file. `markers` are in file order.
Span section_after(const std::vector<Line>& markers, std::size_t i, std::size_t file_size);

// Both tools reject SQL before the up marker; blank lines and "--" comments may precede it.
bool is_blank_or_comment(std::string_view line);

// Neither tool strips a UTF-8 byte order mark: to them line 1 then is neither blank, a comment
// nor a marker, and they reject the file. The stray reason for such a file, naming the tool.
std::string byte_order_mark_rejected(std::string_view tool);

}  // namespace mgate::discovery
