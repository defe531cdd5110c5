#pragma once
#include <map>
#include <string_view>

namespace mgate {

// docs/rules/<id>.md, compiled in at build time (cmake/embed_docs.cmake).
const std::map<std::string_view, std::string_view>& embedded_rule_docs();

}  // namespace mgate
