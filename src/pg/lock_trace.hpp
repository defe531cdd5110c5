#pragma once
#include <map>
#include <string>
#include <vector>

#include "sql/locks.hpp"

namespace mgate::pg {

class Session;

// A user table, index or materialized view and the file that holds its data.
struct Relation {
  std::string name;  // schema.name
  char kind = 'r';   // pg_class.relkind
  unsigned filenode = 0;
};

// The relations of the user's schemas, by oid, as the session's own transaction sees them
// (a rewrite inside an open transaction shows as a new filenode).
std::map<unsigned, Relation> read_relations(Session& session);

// The relation locks the session's own backend holds now: oid -> the modes granted.
std::map<unsigned, std::vector<sql::LockMode>> held_locks(Session& session);

// The lock_timeout in force on the connection, in milliseconds (0: none).
long long lock_timeout_ms(Session& session);

// The rows of each of `tables` (schema.name as read_relations names them), counted on the
// session: how many rows a statement on them meets.
std::map<std::string, long long> row_counts(Session& session,
                                            const std::vector<std::string>& tables);

// Whether a lock in mode `a` and one in mode `b` on the same relation cannot be held at once
// (the conflict table of PostgreSQL's explicit locking documentation).
bool conflicts(sql::LockMode a, sql::LockMode b);

// A backend queued for a relation lock behind the session's own backend.
struct Waiter {
  int pid = 0;
  unsigned relation = 0;                             // oid
  sql::LockMode mode = sql::LockMode::access_share;  // the mode it waits for
};

// The backends among `pids` that wait now for a relation lock that the session's backend
// holds (pg_blocking_pids): read from inside the session's open transaction, while the locks
// are still held.
std::vector<Waiter> waiters_behind(Session& session, const std::vector<int>& pids);

}  // namespace mgate::pg
