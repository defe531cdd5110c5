#pragma once
#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "pg/provider.hpp"
#include "pg/watchdog.hpp"

struct pg_conn;
struct pg_cancel;

namespace mgate::pg {

// What the server said when it rejected a statement.
struct ServerError {
  std::string sqlstate;  // e.g. 42P01
  std::string message;
  std::string detail;
  std::string hint;
  std::string context;
  int position = 0;  // 1-based, in characters of the statement text; 0: none given
  // For an error in a query the server made itself (a statement of a DO block or function
  // body): that query, and the 1-based position in it.
  std::string internal_query;
  int internal_position = 0;

  // The statement caught the cancellations, and the watchdog terminated its backend.
  bool terminated = false;

  bool timed_out() const { return sqlstate == "57014"; }
};

// The connection migrations run on. It speaks libpq directly because libpqxx 6.4 does not expose
// the error fields (position, detail, hint) that findings point with. The catalog reads of the
// rollback gate run on it too, so that they see the transaction a check keeps open; everything
// else goes through a Connection (pg/connection.hpp).
//
// Every statement is bounded twice: the server's statement_timeout, and a client-side Watchdog
// that cancels the statement shortly after it, in case the migration itself changed the
// setting (SET statement_timeout = 0), cancels it again, and terminates the backend of a
// statement that catches the cancellations. A statement whose backend was terminated fails as
// a cancelled one (SQLSTATE 57014), and the session goes on on a new connection.
class Session {
 public:
  // Throws EnvironmentError when the server cannot be reached.
  Session(const Endpoint& endpoint, std::chrono::milliseconds statement_timeout);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Runs `sql` (one statement, or several separated by semicolons). Throws EnvironmentError
  // when the connection is lost: a server that died is not the migration's fault.
  std::optional<ServerError> execute(std::string_view sql);

  // The rows of mgate's own query (every value as text, NULL as empty), read on this session
  // so they see its open transaction. Throws EnvironmentError when the server rejects the
  // query or the connection is lost.
  std::vector<std::vector<std::string>> rows(std::string_view sql);
  // The same for a query mgate runs again and again: prepared once per session under `name`
  // (and again after a statement that may have deallocated it: DEALLOCATE, DISCARD), so the
  // server plans it only once.
  std::vector<std::vector<std::string>> prepared_rows(const std::string& name,
                                                      const std::string& sql);
  // With parameters $1, $2, ... as text (nullptr: NULL); the query casts them to their types.
  std::vector<std::vector<std::string>> prepared_rows(const std::string& name,
                                                      const std::string& sql,
                                                      const std::vector<const char*>& params);

  // The current backend (a new one after a statement's backend was terminated).
  int backend_pid() const;

  // Puts the session settings back (a migration's SET must not leak into the next one).
  void reset();
  // The SQL reset() sends, for mgate's own statements that reset the session in the same round
  // trip (each round trip costs about 80 µs where the machine is otherwise idle).
  std::string reset_sql() const;
  // Also drops what scripts left in the session (temporary tables, cursors, their prepared
  // statements, advisory locks, LISTEN), as a new connection would, but keeps mgate's own
  // prepared statements: DISCARD ALL without their cost. Outside a transaction only. `then`:
  // mgate's own SQL sent after it in the same round trip (BEGIN).
  void discard(std::string_view then = {});

 private:
  void connect();
  // Sends with `send` (a PQsend* call) and collects the rows of the results into `rows` when
  // given.
  std::optional<ServerError> run(const std::function<int()>& send,
                                 std::vector<std::vector<std::string>>* rows);

  Endpoint endpoint_;
  pg_conn* conn_ = nullptr;
  pg_cancel* cancel_ = nullptr;  // made on this thread, used by the watchdog's
  std::chrono::milliseconds timeout_;
  std::string where_;  // redacted endpoint, for messages
  Watchdog watchdog_;
  // mgate's statements prepared on this connection since the last statement that may have
  // deallocated them.
  std::set<std::string> prepared_;
};

}  // namespace mgate::pg
