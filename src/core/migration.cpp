#include "core/migration.hpp"

#include <cctype>

namespace mgate {
namespace {

bool is_separator(char c) {
  return c == '.' || c == '_' || c == '-';
}

// The next part of a version at `at` ("1.2_10" has 1, 2 and 10): a run of digits, or a run of
// other characters that are not separators. Empty at the end. Versions are compared thousands of
// times when a history is sorted, so the parts are read in place rather than split into a list.
std::string_view next_part(std::string_view text, std::size_t& at) {
  while (at < text.size() && is_separator(text[at])) ++at;
  std::size_t start = at;
  if (at == text.size()) return {};
  bool digits = std::isdigit(static_cast<unsigned char>(text[at])) != 0;
  while (at < text.size() && !is_separator(text[at]) &&
         (std::isdigit(static_cast<unsigned char>(text[at])) != 0) == digits) {
    ++at;
  }
  return text.substr(start, at - start);
}

int compare_numbers(std::string_view a, std::string_view b) {
  auto strip = [](std::string_view s) {
    while (s.size() > 1 && s.front() == '0') s.remove_prefix(1);
    return s;
  };
  a = strip(a);
  b = strip(b);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return a.compare(b) < 0 ? -1 : (a.compare(b) > 0 ? 1 : 0);
}

}  // namespace

int compare(const Version& a, const Version& b) {
  std::size_t at_a = 0;
  std::size_t at_b = 0;
  for (;;) {
    std::string_view x = next_part(a.text, at_a);
    std::string_view y = next_part(b.text, at_b);
    if (x.empty() && y.empty()) return 0;
    // A missing part counts as zero: 1.0 equals 1.
    if (x.empty()) x = "0";
    if (y.empty()) y = "0";
    bool x_num = std::isdigit(static_cast<unsigned char>(x[0])) != 0;
    bool y_num = std::isdigit(static_cast<unsigned char>(y[0])) != 0;
    int c = 0;
    if (x_num && y_num) {
      c = compare_numbers(x, y);
    } else if (x_num != y_num) {
      c = x_num ? 1 : -1;  // 1.0-beta < 1.0.1
    } else {
      c = x.compare(y) < 0 ? -1 : (x.compare(y) > 0 ? 1 : 0);
    }
    if (c != 0) return c;
  }
}

}  // namespace mgate
