#pragma once
// The libpqxx side of pg::Connection, for src/pg's own files only: no header outside src/pg
// includes this one, so libpqxx stays behind the project's types.
#include <pqxx/pqxx>

#include <utility>

#include "pg/connection.hpp"

namespace mgate::pg {

struct Connection::Native {
  pqxx::connection connection;
};

inline pqxx::connection& libpqxx(Connection& connection) {
  return connection.native().connection;
}

// Runs `query` with libpqxx's errors as the project's: a broken connection is ConnectionLost,
// a statement the server rejected is QueryFailed.
template <typename Query>
auto translated(Query&& query) {
  try {
    return std::forward<Query>(query)();
  } catch (const pqxx::broken_connection& e) {
    throw ConnectionLost(std::string("lost the connection to PostgreSQL: ") + e.what());
  } catch (const pqxx::sql_error& e) {
    throw QueryFailed(e.what(), e.sqlstate());
  }
}

}  // namespace mgate::pg
