#include "sql/grammar.hpp"

#include <pg_query.h>

#include <cstdlib>

namespace mgate::sql {

std::string_view grammar_version() {
  return PG_VERSION;
}

int grammar_major() {
  return std::atoi(PG_MAJORVERSION);
}

}  // namespace mgate::sql
