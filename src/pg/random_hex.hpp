#pragma once
#include <cstddef>
#include <string>

namespace mgate::pg {

// `digits` random lower-case hexadecimal digits from the kernel (getrandom), for names no other
// run uses and for passwords. std::random_device is not used: the static C++ runtime's one needs
// glibc 2.36 (arc4random), and the portable tarball promises 2.34 (docs/install.md).
std::string random_hex(std::size_t digits);

// Fills `size` bytes at `bytes` from the kernel (getrandom); throws std::runtime_error when it
// cannot.
void random_bytes(void* bytes, std::size_t size);

}  // namespace mgate::pg
