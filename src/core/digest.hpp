#pragma once
#include <string>
#include <string_view>

namespace mgate {

// A 128-bit digest of a sequence of values, each framed by its length, so that ("ab", "c") and
// ("a", "bc") differ: FNV-1a's step (xor, then multiply by its 128-bit prime) taken over eight
// bytes at a time. It tells runs apart (the report's fingerprint); it is no defence against
// someone crafting a collision.
class Digest {
 public:
  Digest& add(std::string_view value);
  Digest& add(const char* value) { return add(std::string_view(value)); }
  Digest& add(long long value);
  std::string hex() const;  // 32 hexadecimal digits

 private:
  void mix(std::string_view bytes);
  unsigned __int128 hash_ =
      (static_cast<unsigned __int128>(0x6c62272e07bb0142ULL) << 64) | 0x62b821756295c58dULL;
};

}  // namespace mgate
