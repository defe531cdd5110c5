#include "core/digest.hpp"

#include <fmt/format.h>

#include <cstdint>

namespace mgate {

void Digest::mix(std::string_view bytes) {
  constexpr unsigned __int128 kPrime = (static_cast<unsigned __int128>(1) << 88) | 0x13bU;
  for (char c : bytes) {
    hash_ ^= static_cast<unsigned char>(c);
    hash_ *= kPrime;
  }
}

Digest& Digest::add(std::string_view value) {
  add(static_cast<long long>(value.size()));
  mix(value);
  return *this;
}

Digest& Digest::add(long long value) {
  char bytes[8];
  for (int i = 0; i < 8; ++i)
    bytes[i] = static_cast<char>((static_cast<std::uint64_t>(value) >> (8 * i)) & 0xff);
  mix(std::string_view(bytes, 8));
  return *this;
}

std::string Digest::hex() const {
  return fmt::format("{:016x}{:016x}", static_cast<std::uint64_t>(hash_ >> 64),
                     static_cast<std::uint64_t>(hash_));
}

}  // namespace mgate
