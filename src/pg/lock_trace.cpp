#include "pg/lock_trace.hpp"

#include <pqxx/pqxx>

namespace mgate::pg {
namespace {

// pg_locks.mode names, in LockMode order.
constexpr const char* kModes[] = {
    "AccessShareLock", "RowShareLock",          "RowExclusiveLock", "ShareUpdateExclusiveLock",
    "ShareLock",       "ShareRowExclusiveLock", "ExclusiveLock",    "AccessExclusiveLock"};

}  // namespace

std::map<unsigned, Relation> read_relations(pqxx::connection_base& connection) {
  pqxx::nontransaction tx(connection);
  std::map<unsigned, Relation> out;
  for (const auto& row :
       tx.exec("SELECT c.oid, format('%I.%I', n.nspname, c.relname), c.relkind, c.relfilenode "
               "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
               "WHERE c.relkind IN ('r', 'p', 'i', 'm') "
               "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
               "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'")) {
    out[row[0].as<unsigned>()] = {row[1].c_str(), row[2].c_str()[0], row[3].as<unsigned>()};
  }
  return out;
}

std::map<unsigned, std::vector<sql::LockMode>> held_locks(pqxx::connection_base& connection) {
  pqxx::nontransaction tx(connection);
  std::map<unsigned, std::vector<sql::LockMode>> out;
  for (const auto& row :
       tx.exec("SELECT relation, mode FROM pg_locks WHERE pid = pg_backend_pid() "
               "AND locktype = 'relation' AND granted AND relation IS NOT NULL")) {
    std::string mode = row[1].c_str();
    for (int i = 0; i < 8; ++i) {
      if (mode == kModes[i]) out[row[0].as<unsigned>()].push_back(static_cast<sql::LockMode>(i));
    }
  }
  return out;
}

long long lock_timeout_ms(pqxx::connection_base& connection) {
  pqxx::nontransaction tx(connection);
  return tx
      .exec1(
          "SELECT setting::bigint * CASE unit WHEN 's' THEN 1000 WHEN 'min' THEN 60000 "
          "ELSE 1 END FROM pg_settings WHERE name = 'lock_timeout'")[0]
      .as<long long>();
}

}  // namespace mgate::pg
