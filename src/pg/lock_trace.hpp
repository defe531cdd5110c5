#pragma once
#include <map>
#include <string>
#include <vector>

#include "sql/locks.hpp"

namespace pqxx {
class connection_base;
}

namespace mgate::pg {

// A user table, index or materialized view and the file that holds its data.
struct Relation {
  std::string name;  // schema.name
  char kind = 'r';   // pg_class.relkind
  unsigned filenode = 0;
};

// The relations of the user's schemas, by oid, as the connection's own transaction sees them
// (a rewrite inside an open transaction shows as a new filenode).
std::map<unsigned, Relation> read_relations(pqxx::connection_base& connection);

// The relation locks the connection's own backend holds now: oid -> the modes granted.
std::map<unsigned, std::vector<sql::LockMode>> held_locks(pqxx::connection_base& connection);

// The lock_timeout in force on the connection, in milliseconds (0: none).
long long lock_timeout_ms(pqxx::connection_base& connection);

}  // namespace mgate::pg
