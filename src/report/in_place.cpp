#include "report/in_place.hpp"

namespace mgate {
namespace {

// The byte offset of the `n`th code point (0-based) of `text`, or nothing past its end.
std::optional<std::size_t> code_point_offset(std::string_view text, int n) {
  std::size_t i = 0;
  for (; n > 0; --n) {
    if (i >= text.size()) return std::nullopt;
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
  }
  return i <= text.size() ? std::optional(i) : std::nullopt;
}

}  // namespace

std::optional<LinesChange> in_place(const Edit& edit) {
  if (edit.lines.empty()) return std::nullopt;
  const auto at = code_point_offset(edit.lines, edit.location.start.column - 1);
  if (!at || edit.lines.compare(*at, edit.original.size(), edit.original) != 0) {
    return std::nullopt;
  }
  LinesChange change{edit.lines, edit.lines};
  change.after.replace(*at, edit.original.size(), edit.replacement);
  return change;
}

}  // namespace mgate
