#pragma once
#include <string_view>

namespace mgate::sql {

// The PostgreSQL release whose grammar libpg_query parses with, e.g. "15.1".
std::string_view grammar_version();
// Its major version, e.g. 15: syntax that later majors added does not parse.
int grammar_major();

}  // namespace mgate::sql
