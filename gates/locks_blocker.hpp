#pragma once
// The locks gate's blocker probe: is a migration's lock_timeout tested, not just read
// (docs/gates/locks.md, "A transaction left open").
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "core/gate_result.hpp"
#include "core/migration.hpp"
#include "sql/parsed_set.hpp"

namespace mgate {

namespace pg {
class EphemeralServer;
class Traffic;
}  // namespace pg

inline constexpr std::string_view kWaitsBehindTransaction = "locks-waits-behind-transaction";

// What the probe runs, and where.
struct BlockerProbe {
  pg::EphemeralServer& server;
  const std::string& database;
  const Config& config;
  const Migration& migration;
  const sql::ParsedScript& up;  // runs in one transaction (runs_inside_outer_transaction)
  // The tables that existed before the migration and that it locks or writes (schema.name as
  // pg::read_relations quotes them).
  const std::vector<std::string>& tables;
  // The workload on those tables, connected and not running; the probe runs it while the
  // migration waits and stops it again. Null: no workload.
  pg::Traffic* traffic;
};

// Before the traced run: a second session, as the owner role, holds ROW EXCLUSIVE on `tables` in
// an open transaction (an application transaction that wrote a row and has not committed yet),
// and the migration runs statement by statement in a transaction with lock_timeout set to
// [locks] blocker_wait, unless a shorter one of its own is in force; then both transactions are
// rolled back. Adds the verdict to `result`: metrics.blocker.<version>, and a
// locks-waits-behind-transaction finding where a statement waited until mgate's bound. Does
// nothing when blocker_wait is 0 or `tables` is empty. Its sessions are closed, and their
// backends gone, when it returns; on an exception they are closed too.
void probe_blocker(const BlockerProbe& probe, GateResult& result);

}  // namespace mgate
