#include "report/fingerprint.hpp"

#include <fmt/format.h>

#include <cctype>

namespace mgate {

std::string Fingerprints::next(const std::string& rule, const std::string& file,
                               std::string_view message) {
  constexpr std::uint64_t kOffsetBasis = 14695981039346656037ull;  // FNV-1a, 64 bits
  constexpr std::uint64_t kPrime = 1099511628211ull;
  std::uint64_t hash = kOffsetBasis;
  auto mix = [&hash](char c) {
    hash ^= static_cast<unsigned char>(c);
    hash *= kPrime;
  };
  for (const char c : rule) mix(c);
  mix('\0');
  for (const char c : file) mix(c);
  mix('\0');
  char previous = ' ';
  for (const char c : message) {
    const auto byte = static_cast<unsigned char>(c);
    const char normal = std::isspace(byte) ? ' ' : std::isdigit(byte) ? '0' : c;
    if (normal == previous && (normal == ' ' || normal == '0')) continue;
    mix(normal);
    previous = normal;
  }
  const int occurrence = ++seen_[hash];
  return fmt::format("{:016x}:{}", hash, occurrence);
}

}  // namespace mgate
