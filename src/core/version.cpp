#include "core/version.hpp"

#include "generated/version.hpp"

namespace mgate {

std::string_view version() {
  return MGATE_BUILD_VERSION;
}

}  // namespace mgate
