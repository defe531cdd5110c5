#include "pg/lock_trace.hpp"

#include <fmt/format.h>

#include <pqxx/pqxx>

#include <optional>

namespace mgate::pg {
namespace {

// pg_locks.mode names, in LockMode order.
constexpr const char* kModes[] = {
    "AccessShareLock", "RowShareLock",          "RowExclusiveLock", "ShareUpdateExclusiveLock",
    "ShareLock",       "ShareRowExclusiveLock", "ExclusiveLock",    "AccessExclusiveLock"};

std::optional<sql::LockMode> mode_named(const std::string& name) {
  for (int i = 0; i < 8; ++i) {
    if (name == kModes[i]) return static_cast<sql::LockMode>(i);
  }
  return std::nullopt;
}

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
    if (auto mode = mode_named(row[1].c_str())) out[row[0].as<unsigned>()].push_back(*mode);
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

bool conflicts(sql::LockMode a, sql::LockMode b) {
  // Row i: the modes (bit j = LockMode j) that mode i conflicts with.
  static constexpr unsigned kConflicts[] = {
      0b10000000,  // ACCESS SHARE: ACCESS EXCLUSIVE
      0b11000000,  // ROW SHARE: EXCLUSIVE, ACCESS EXCLUSIVE
      0b11110000,  // ROW EXCLUSIVE: SHARE and stronger
      0b11111000,  // SHARE UPDATE EXCLUSIVE: itself and stronger
      0b11101100,  // SHARE: ROW EXCLUSIVE, SHARE UPDATE EXCLUSIVE, SHARE ROW EXCLUSIVE and stronger
      0b11111100,  // SHARE ROW EXCLUSIVE: ROW EXCLUSIVE and stronger
      0b11111110,  // EXCLUSIVE: ROW SHARE and stronger
      0b11111111,  // ACCESS EXCLUSIVE: everything
  };
  return (kConflicts[static_cast<int>(a)] >> static_cast<int>(b)) & 1u;
}

std::vector<Waiter> waiters_behind(pqxx::connection_base& connection,
                                   const std::vector<int>& pids) {
  std::vector<Waiter> out;
  if (pids.empty()) return out;
  pqxx::nontransaction tx(connection);
  for (const auto& row : tx.exec(fmt::format(
           "SELECT pid, relation, mode FROM pg_locks WHERE NOT granted AND locktype = 'relation' "
           "AND pid = ANY ('{{{}}}'::int[]) AND pg_backend_pid() = ANY (pg_blocking_pids(pid))",
           fmt::join(pids, ",")))) {
    if (auto mode = mode_named(row[2].c_str()))
      out.push_back({row[0].as<int>(), row[1].as<unsigned>(), *mode});
  }
  return out;
}

}  // namespace mgate::pg
