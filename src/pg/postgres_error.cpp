#include "pg/postgres_error.hpp"

#include <pqxx/except>

namespace mgate::pg {

std::optional<std::string> postgres_failure(const std::exception& error) {
  if (dynamic_cast<const pqxx::broken_connection*>(&error))
    return std::string("lost the connection to PostgreSQL: ") + error.what();
  if (dynamic_cast<const pqxx::failure*>(&error))
    return std::string("PostgreSQL rejected a statement of mgate's: ") + error.what();
  return std::nullopt;
}

}  // namespace mgate::pg
