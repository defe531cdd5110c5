#include "sql/grammar.hpp"

#include <pg_query.h>

namespace mgate::sql {

std::string_view grammar_version() {
  return PG_VERSION;
}

}  // namespace mgate::sql
