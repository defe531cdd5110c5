#include "core/source_file.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace mgate {
namespace {

bool is_continuation_byte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// How many UTF-8 continuation bytes (10xxxxxx) `text` holds, eight bytes at a time.
std::size_t continuation_bytes(std::string_view text) {
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  std::size_t count = 0;
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    // A byte's top bit set and the bit below it clear: shifting left brings each byte's second
    // bit under its top bit.
    count += static_cast<std::size_t>(std::popcount(word & ~(word << 1) & kHighs));
  }
  for (; i < text.size(); ++i) count += is_continuation_byte(text[i]);
  return count;
}

}  // namespace

SourceFile::SourceFile(std::string path, std::string text)
    : path_(std::move(path)), text_(std::move(text)) {
  line_starts_.push_back(0);
  const std::string_view all(text_);
  if (all.find('\r') == std::string_view::npos) {
    // No carriage return, the usual case: every line ends at a "\n", found with memchr.
    for (std::size_t at = all.find('\n'); at != std::string_view::npos; at = all.find('\n', at + 1))
      line_starts_.push_back(at + 1);
  } else {
    for (std::size_t i = 0; i < text_.size(); ++i) {
      bool crlf = text_[i] == '\r' && i + 1 < text_.size() && text_[i + 1] == '\n';
      if ((text_[i] == '\n' || text_[i] == '\r') && !crlf) line_starts_.push_back(i + 1);
    }
  }
  code_points_at_block_.reserve(text_.size() / kBlock + 1);
  std::size_t code_points = 0;
  for (std::size_t block = 0; block < text_.size(); block += kBlock) {
    code_points_at_block_.push_back(code_points);
    const std::size_t size = std::min(kBlock, text_.size() - block);
    code_points += size - continuation_bytes(all.substr(block, size));
  }
}

std::size_t SourceFile::code_points_before(std::size_t offset) const {
  if (code_points_at_block_.empty()) return 0;
  std::size_t block = std::min(offset / kBlock, code_points_at_block_.size() - 1);
  const std::size_t from = block * kBlock;
  const std::size_t size = std::min(offset, text_.size()) - std::min(from, text_.size());
  return code_points_at_block_[block] + size -
         continuation_bytes(std::string_view(text_).substr(from, size));
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
