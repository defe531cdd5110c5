#include "core/quantity.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>

namespace mgate {

std::string grouped(long long value) {
  std::string digits = std::to_string(std::llabs(value));
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return value < 0 ? "-" + out : out;
}

std::string duration_text(double ms) {
  if (!std::isfinite(ms) || ms < 0) return "unknown";
  if (ms < 10) return fmt::format("{:.1f} ms", ms);
  if (ms < 1000) return fmt::format("{:.0f} ms", ms);
  if (ms < 60'000) {
    double s = ms / 1000;
    return s == std::floor(s) ? fmt::format("{:.0f} s", s) : fmt::format("{:.1f} s", s);
  }
  auto seconds = static_cast<long long>(std::llround(ms / 1000));
  if (seconds < 3600) return fmt::format("{} min {} s", seconds / 60, seconds % 60);
  long long minutes = (seconds + 30) / 60;
  return fmt::format("{} h {} min", minutes / 60, minutes % 60);
}

}  // namespace mgate
