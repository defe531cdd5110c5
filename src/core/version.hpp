#pragma once
#include <string_view>

namespace mgate {

// The build's version: `git describe` of the source tree it was built from (e.g. "0.2.0", or
// "0.2.0-3-g1a2b3c4d5e6f" three commits after the tag), else the CMake project version.
std::string_view version();

// Where the docs/ folder is published (the MGATE_DOCS_URL build setting): help links point there.
std::string_view docs_url();

}  // namespace mgate
