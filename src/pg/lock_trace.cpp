#include "pg/lock_trace.hpp"

#include <fmt/format.h>

#include <optional>

#include "pg/session.hpp"

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

std::map<unsigned, Relation> read_relations(Session& session) {
  std::map<unsigned, Relation> out;
  for (const auto& row : session.rows(
           "SELECT c.oid, pg_catalog.format('%I.%I', n.nspname, c.relname), c.relkind, "
           "c.relfilenode FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
           "ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'i', 'm') "
           "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
           "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'")) {
    out[std::stoul(row[0])] = {row[1], row[2].empty() ? 'r' : row[2][0],
                               static_cast<unsigned>(std::stoul(row[3]))};
  }
  return out;
}

std::map<unsigned, std::vector<sql::LockMode>> held_locks(Session& session) {
  std::map<unsigned, std::vector<sql::LockMode>> out;
  for (const auto& row :
       session.rows("SELECT relation, mode FROM pg_catalog.pg_locks "
                    "WHERE pid = pg_catalog.pg_backend_pid() AND locktype = 'relation' AND granted "
                    "AND relation IS NOT NULL")) {
    if (auto mode = mode_named(row[1])) out[std::stoul(row[0])].push_back(*mode);
  }
  return out;
}

std::map<std::string, long long> row_counts(Session& session,
                                            const std::vector<std::string>& tables) {
  std::map<std::string, long long> out;
  if (tables.empty()) return out;
  std::string sql;
  for (std::size_t i = 0; i < tables.size(); ++i) {
    // The names come from format('%I.%I'): quoted where they need it.
    sql += fmt::format("{}SELECT {}, count(*) FROM {}", i == 0 ? "" : " UNION ALL ", i, tables[i]);
  }
  for (const auto& row : session.rows(sql)) out[tables[std::stoul(row[0])]] = std::stoll(row[1]);
  return out;
}

long long lock_timeout_ms(Session& session) {
  auto rows = session.rows(
      "SELECT setting::bigint * CASE unit WHEN 's' THEN 1000 WHEN 'min' THEN 60000 "
      "ELSE 1 END FROM pg_catalog.pg_settings WHERE name = 'lock_timeout'");
  return rows.empty() ? 0 : std::stoll(rows[0][0]);
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

std::vector<Waiter> waiters_behind(Session& session, const std::vector<int>& pids) {
  std::vector<Waiter> out;
  if (pids.empty()) return out;
  for (const auto& row : session.rows(
           fmt::format("SELECT pid, relation, mode FROM pg_catalog.pg_locks WHERE NOT granted "
                       "AND locktype = 'relation' AND pid = ANY ('{{{}}}'::int[]) "
                       "AND pg_catalog.pg_backend_pid() = ANY (pg_catalog.pg_blocking_pids(pid))",
                       fmt::join(pids, ",")))) {
    if (auto mode = mode_named(row[2]))
      out.push_back({std::stoi(row[0]), static_cast<unsigned>(std::stoul(row[1])), *mode});
  }
  return out;
}

}  // namespace mgate::pg
