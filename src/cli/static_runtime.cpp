// The C++ runtime is linked into mgate statically (CMakeLists.txt). Debian 12's libstdc++.a
// refers to glibc 2.36's arc4random from the object that holds std::random_device, which every
// std::runtime_error pulls in (through the copy-on-write string instantiations), although mgate
// never constructs a random_device (pg/random_hex.hpp). Left to glibc, that one reference would
// make the portable tarball need glibc 2.36 instead of 2.34 (docs/install.md). This definition
// takes its place: the linker binds the reference to it instead of libc.so.6's.
#include <cstdint>
#include <cstdlib>
#include <exception>

#include "pg/random_hex.hpp"

extern "C" uint32_t arc4random() noexcept {
  uint32_t value = 0;
  try {
    mgate::pg::random_bytes(&value, sizeof value);
  } catch (const std::exception&) {
    std::abort();  // as glibc's arc4random does when the kernel gives no randomness
  }
  return value;
}
