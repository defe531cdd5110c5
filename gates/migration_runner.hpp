#pragma once
#include <memory>
#include <optional>
#include <string>

#include "core/config.hpp"
#include "core/execution_plan.hpp"
#include "core/finding.hpp"
#include "core/gate_result.hpp"
#include "core/layout.hpp"
#include "core/migration.hpp"
#include "pg/connection.hpp"
#include "pg/ephemeral_server.hpp"
#include "pg/session.hpp"
#include "pg/watchdog.hpp"
#include "sql/parsed_script.hpp"

// What the dynamic gates share: running a migration's script on a server the way a
// migration tool does, and turning a failure into a finding at the failing statement.
namespace mgate {

// A script the server rejected: where (mapped from PostgreSQL's error position into the file)
// and what it said.
struct ScriptFailure {
  Location location;
  pg::ServerError error;
  std::string statement;  // the failing statement's text
  // The parsed statement that failed (the last one when the COMMIT did); null when the script
  // was sent whole (it does not parse) or never sent.
  const sql::Statement* failed = nullptr;
};

// The failure of a script that holds a NUL byte, at that byte. libpq ends a query's text at its
// first NUL, so the rest would be dropped without a word: such a script is never sent.
std::optional<ScriptFailure> unsendable(const sql::ParsedScript& script);

// Runs a script as its execution plan says: in one transaction, or statement by statement. A
// script that does not parse is sent whole, so the server's own error and position are
// reported; one that holds a NUL byte is not sent (unsendable). Throws EnvironmentError when
// the connection is lost.
std::optional<ScriptFailure> apply_script(pg::Session& session, const sql::ParsedScript& script,
                                          const ExecutionPlan& plan);

// Runs a script's statements inside the transaction the caller has open (no BEGIN, no COMMIT),
// for a check that is rolled back whole. After a failure the transaction is aborted and the
// caller rolls it back. Throws EnvironmentError when the connection is lost.
std::optional<ScriptFailure> apply_in_open_transaction(pg::Session& session,
                                                       const sql::ParsedScript& script);

// The same, then what its COMMIT would check (deferred constraints and constraint triggers),
// since the check is rolled back instead; the constraints' own modes hold for what follows.
std::optional<ScriptFailure> apply_as_if_committed(pg::Session& session,
                                                   const sql::ParsedScript& script);

// Whether a script can run inside a transaction that someone else opened and rolls back: it
// parsed, runs in a transaction as its tool sends it (or is one statement) and has no statement
// that refuses one, never ends or splits one (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, PREPARE
// TRANSACTION) and sets no transaction characteristics (SET TRANSACTION).
bool runs_inside_outer_transaction(const sql::ParsedScript& script, const ExecutionPlan& plan);

// Runs one script in `database` as the owner role, as its plan says, on a session of its own
// that is gone from the server when this returns (so the database can be cloned next).
std::optional<ScriptFailure> apply_in_database(pg::EphemeralServer& server,
                                               const std::string& database,
                                               const sql::ParsedScript& script,
                                               const ExecutionPlan& plan, const Config& config);

// Creates the layout's history table in `database`, as its tool does before the first
// migration, for migrations that read or change it (Layout::history_table). The forward and
// rollback gates run on it; the gates that generate rows for every table, dump and restore
// (integrity, locks, plans) do not. Throws EnvironmentError when the server refuses it.
void create_history_table(pg::EphemeralServer& server, const std::string& database,
                          const Layout& layout, const Config& config);

// A connection for what is not the migration itself (catalog reads, fixture rows, checks).
// Throws EnvironmentError when the server cannot be reached.
std::unique_ptr<pg::Connection> open_connection(const pg::Endpoint& endpoint);

// Closes `c` and waits until the server has let go of it: a database with a session cannot be
// cloned or dropped.
void close_connection(pg::EphemeralServer& server, std::unique_ptr<pg::Connection>& c);

// A finding for a failed script. `what` says which step failed, e.g. "the up migration".
Finding failure_finding(std::string_view rule, const Migration& migration,
                        const ScriptFailure& failure, std::string_view what,
                        std::chrono::milliseconds statement_timeout);

// A finding for a step mgate ran on the migration's behalf (fixture rows, a check, pg_dump) that
// did not end in time, at `where`.
Finding deadline_finding(std::string_view rule, const Migration& migration, Location where,
                         const pg::DeadlineExceeded& timeout);

}  // namespace mgate
