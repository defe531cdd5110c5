#include "discover/sections.hpp"

#include <fmt/core.h>

#include <cctype>

namespace mgate::discovery {

std::vector<Line> lines_of(std::string_view text) {
  std::vector<Line> lines;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t newline = text.find('\n', begin);
    std::size_t end = newline == std::string_view::npos ? text.size() : newline;
    std::size_t next = newline == std::string_view::npos ? text.size() : newline + 1;
    std::string_view line = text.substr(begin, end - begin);
    if (line.ends_with('\r')) line.remove_suffix(1);
    lines.push_back({line, begin, next});
    begin = next;
  }
  return lines;
}

Span section_after(const std::vector<Line>& markers, std::size_t i, std::size_t file_size) {
  std::size_t end = i + 1 < markers.size() ? markers[i + 1].begin : file_size;
  return {markers[i].next, end};
}

bool is_blank_or_comment(std::string_view line) {
  while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front())) != 0)
    line.remove_prefix(1);
  return line.empty() || line.starts_with("--");
}

std::string byte_order_mark_rejected(std::string_view tool) {
  return fmt::format(
      "starts with a UTF-8 byte order mark (U+FEFF), which {} does not strip: it does not read "
      "line 1 as a comment or a marker, and rejects the file. Save it as UTF-8 without a BOM",
      tool);
}

}  // namespace mgate::discovery
