#include "core/version.hpp"

#include "generated/version.hpp"

namespace mgate {

std::string_view version() {
  return MGATE_BUILD_VERSION;
}

std::string_view docs_url() {
  return MGATE_DOCS_URL;
}

}  // namespace mgate
