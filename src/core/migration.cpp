#include "core/migration.hpp"

#include <cctype>

namespace mgate {
namespace {

// Splits "1.2_10" into its parts: runs of digits, and runs of other characters that are not
// separators.
std::vector<std::string_view> version_parts(std::string_view text) {
  std::vector<std::string_view> parts;
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '.' || c == '_' || c == '-') {
      ++i;
      continue;
    }
    std::size_t start = i;
    bool digits = std::isdigit(static_cast<unsigned char>(c)) != 0;
    while (i < text.size() && text[i] != '.' && text[i] != '_' && text[i] != '-' &&
           (std::isdigit(static_cast<unsigned char>(text[i])) != 0) == digits) {
      ++i;
    }
    parts.push_back(text.substr(start, i - start));
  }
  return parts;
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
  auto pa = version_parts(a.text);
  auto pb = version_parts(b.text);
  for (std::size_t i = 0; i < pa.size() || i < pb.size(); ++i) {
    // A missing part counts as zero: 1.0 equals 1.
    std::string_view x = i < pa.size() ? pa[i] : "0";
    std::string_view y = i < pb.size() ? pb[i] : "0";
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
  return 0;
}

}  // namespace mgate
