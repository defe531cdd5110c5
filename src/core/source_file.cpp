#include "core/source_file.hpp"

#include <algorithm>

namespace mgate {
namespace {

bool is_continuation_byte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

}  // namespace

SourceFile::SourceFile(std::string path, std::string text)
    : path_(std::move(path)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < text_.size(); ++i) {
    bool crlf = text_[i] == '\r' && i + 1 < text_.size() && text_[i + 1] == '\n';
    if ((text_[i] == '\n' || text_[i] == '\r') && !crlf) line_starts_.push_back(i + 1);
  }
  std::size_t code_points = 0;
  for (std::size_t i = 0; i < text_.size(); ++i) {
    if (i % kBlock == 0) code_points_at_block_.push_back(code_points);
    if (!is_continuation_byte(text_[i])) ++code_points;
  }
}

std::size_t SourceFile::code_points_before(std::size_t offset) const {
  if (code_points_at_block_.empty()) return 0;
  std::size_t block = std::min(offset / kBlock, code_points_at_block_.size() - 1);
  std::size_t count = code_points_at_block_[block];
  for (std::size_t i = block * kBlock; i < offset; ++i) {
    if (!is_continuation_byte(text_[i])) ++count;
  }
  return count;
}

Position SourceFile::position(std::size_t offset) const {
  offset = std::min(offset, text_.size());
  auto next_line = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  std::size_t line_index = static_cast<std::size_t>(next_line - line_starts_.begin()) - 1;
  std::size_t start = line_starts_[line_index];
  int column = static_cast<int>(code_points_before(offset) - code_points_before(start)) + 1;
  if (start == 0 && offset >= kByteOrderMark.size() && text_.starts_with(kByteOrderMark)) --column;
  // An offset inside a multi-byte character belongs to that character.
  if (offset < text_.size() && is_continuation_byte(text_[offset]) && column > 1) --column;
  return {static_cast<int>(line_index) + 1, column};
}

Span SourceFile::line(int n) const {
  std::size_t index = static_cast<std::size_t>(std::clamp(n, 1, line_count()) - 1);
  std::size_t begin = line_starts_[index];
  if (index + 1 == line_starts_.size()) return {begin, text_.size()};
  // The next line starts just after this one's ending: "\n", "\r" or "\r\n".
  std::size_t end = line_starts_[index + 1] - 1;
  if (text_[end] == '\n' && end > begin && text_[end - 1] == '\r') --end;
  return {begin, end};
}

std::size_t SourceFile::advance_code_points(std::size_t from, std::size_t n) const {
  std::size_t i = std::min(from, text_.size());
  while (n > 0 && i < text_.size()) {
    ++i;
    while (i < text_.size() && is_continuation_byte(text_[i])) ++i;
    --n;
  }
  return i;
}

}  // namespace mgate
