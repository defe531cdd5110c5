#include "pg/random_hex.hpp"

#include <sys/random.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace mgate::pg {

void random_bytes(void* bytes, std::size_t size) {
  unsigned char* at = static_cast<unsigned char*>(bytes);
  std::size_t filled = 0;
  while (filled < size) {
    ssize_t n = getrandom(at + filled, size - filled, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("cannot read random bytes: ") + std::strerror(errno));
    }
    filled += static_cast<std::size_t>(n);
  }
}

std::string random_hex(std::size_t digits) {
  std::vector<unsigned char> bytes((digits + 1) / 2);
  random_bytes(bytes.data(), bytes.size());
  constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
  }
  out.resize(digits);
  return out;
}

}  // namespace mgate::pg
