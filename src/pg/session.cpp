#include "pg/session.hpp"

#include <libpq-fe.h>

#include <fmt/core.h>

#include <algorithm>
#include <cctype>

#include "core/config.hpp"

namespace mgate::pg {
namespace {

std::string field(const PGresult* result, int code) {
  const char* value = PQresultErrorField(result, code);
  return value ? value : "";
}

// mgate's own queries are not the migration's: their failure is the environment's.
[[noreturn]] void rejected(const ServerError& error) {
  throw EnvironmentError(
      fmt::format("PostgreSQL rejected mgate's catalog query: {}", error.message));
}

// Whether a statement may deallocate the session's prepared statements (DEALLOCATE ALL,
// DISCARD ALL), as a word anywhere in its text: a false alarm costs one query.
bool may_deallocate(const std::string& sql) {
  std::string lower = sql;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("deallocate") != std::string::npos ||
         lower.find("discard") != std::string::npos;
}

}  // namespace

Session::Session(const Endpoint& endpoint, std::chrono::milliseconds statement_timeout)
    : endpoint_(endpoint), timeout_(statement_timeout), where_(endpoint.redacted()) {
  connect();
}

void Session::connect() {
  std::string conninfo = endpoint_.conninfo() + " connect_timeout=10";
  prepared_.clear();
  conn_ = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn_);
    PQfinish(conn_);
    conn_ = nullptr;
    throw EnvironmentError(fmt::format("cannot connect to PostgreSQL as {}: {}", where_, message));
  }
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
  cancel_ = PQgetCancel(conn_);
  watchdog_.watch({endpoint_, PQbackendPID(conn_), PQsocket(conn_), [cancel = cancel_] {
                     char error[256];
                     if (cancel) PQcancel(cancel, error, sizeof error);
                   }});
  reset();
}

Session::~Session() {
  watchdog_.disarm();
  if (cancel_) PQfreeCancel(cancel_);
  if (conn_) PQfinish(conn_);
}

int Session::backend_pid() const {
  return PQbackendPID(conn_);
}

std::string Session::reset_sql() const {
  return fmt::format(
      "RESET ALL; RESET ROLE; SET statement_timeout = {}; SET client_min_messages = warning",
      timeout_.count());
}

void Session::reset() {
  if (auto error = execute(reset_sql())) {
    throw EnvironmentError(fmt::format("cannot configure the session: {}", error->message));
  }
}

void Session::discard(std::string_view then) {
  std::string sql =
      "CLOSE ALL; SET SESSION AUTHORIZATION DEFAULT; UNLISTEN *; "
      "SELECT pg_catalog.pg_advisory_unlock_all(); DISCARD TEMP; DISCARD SEQUENCES";
  for (const auto& row :
       rows("SELECT pg_catalog.quote_ident(name) FROM pg_catalog.pg_prepared_statements "
            "WHERE from_sql")) {
    sql += "; DEALLOCATE " + row[0];
  }
  // It deallocates only the scripts' statements (from SQL): mgate's own stay prepared. The
  // settings are reset in the same round trip.
  std::set<std::string> own = prepared_;
  sql += "; " + reset_sql();
  if (!then.empty()) sql += "; " + std::string(then);
  if (auto error = execute(sql)) {
    throw EnvironmentError(fmt::format("cannot clean up the session: {}", error->message));
  }
  prepared_ = std::move(own);
}

std::optional<ServerError> Session::execute(std::string_view sql) {
  std::string text(sql);
  if (may_deallocate(text)) prepared_.clear();
  return run([&] { return PQsendQuery(conn_, text.c_str()); }, nullptr);
}

std::vector<std::vector<std::string>> Session::rows(std::string_view sql) {
  std::string text(sql);
  std::vector<std::vector<std::string>> out;
  if (auto error = run([&] { return PQsendQuery(conn_, text.c_str()); }, &out)) {
    rejected(*error);
  }
  return out;
}

std::vector<std::vector<std::string>> Session::prepared_rows(const std::string& name,
                                                             const std::string& sql) {
  return prepared_rows(name, sql, {});
}

std::vector<std::vector<std::string>> Session::prepared_rows(
    const std::string& name, const std::string& sql, const std::vector<const char*>& params) {
  if (!prepared_.count(name)) {
    // Only a statement prepared through the protocol is mgate's: a migration's PREPARE is SQL.
    auto known = rows(fmt::format(
        "SELECT 1 FROM pg_catalog.pg_prepared_statements WHERE name = '{}' AND NOT from_sql",
        name));
    if (known.empty()) {
      auto send = [&] { return PQsendPrepare(conn_, name.c_str(), sql.c_str(), 0, nullptr); };
      if (auto error = run(send, nullptr)) {
        rejected(*error);
      }
    }
    prepared_.insert(name);
  }
  std::vector<std::vector<std::string>> out;
  auto send = [&] {
    return PQsendQueryPrepared(conn_, name.c_str(), static_cast<int>(params.size()), params.data(),
                               nullptr, nullptr, 0);
  };
  if (auto error = run(send, &out)) {
    rejected(*error);
  }
  return out;
}

std::optional<ServerError> Session::run(const std::function<int()>& send,
                                        std::vector<std::vector<std::string>>* rows) {
  watchdog_.arm(timeout_);
  // The last result carries the error when a statement of a multi-statement string fails.
  std::optional<ServerError> error;
  if (!send()) {
    error = ServerError{};
    error->message = PQerrorMessage(conn_);
  } else {
    while (PGresult* result = PQgetResult(conn_)) {
      ExecStatusType status = PQresultStatus(result);
      if (status == PGRES_FATAL_ERROR && !error) {
        ServerError e;
        e.sqlstate = field(result, PG_DIAG_SQLSTATE);
        e.message = field(result, PG_DIAG_MESSAGE_PRIMARY);
        e.detail = field(result, PG_DIAG_MESSAGE_DETAIL);
        e.hint = field(result, PG_DIAG_MESSAGE_HINT);
        e.context = field(result, PG_DIAG_CONTEXT);
        e.position = std::atoi(field(result, PG_DIAG_STATEMENT_POSITION).c_str());
        e.internal_query = field(result, PG_DIAG_INTERNAL_QUERY);
        e.internal_position = std::atoi(field(result, PG_DIAG_INTERNAL_POSITION).c_str());
        if (e.message.empty()) e.message = PQresultErrorMessage(result);
        error = e;
      } else if (status == PGRES_TUPLES_OK && rows) {
        int columns = PQnfields(result);
        for (int r = 0; r < PQntuples(result); ++r) {
          std::vector<std::string>& row = rows->emplace_back();
          row.reserve(columns);
          for (int c = 0; c < columns; ++c)
            row.emplace_back(PQgetvalue(result, r, c), PQgetlength(result, r, c));
        }
      } else if (status == PGRES_COPY_IN) {
        PQputCopyEnd(conn_, "mgate does not feed COPY FROM STDIN");
      } else if (status == PGRES_COPY_OUT) {
        char* row = nullptr;
        while (PQgetCopyData(conn_, &row, 0) > 0) PQfreemem(row);
      }
      PQclear(result);
    }
  }
  if (watchdog_.disarm() != Watchdog::Outcome::terminated) {
    if (PQstatus(conn_) == CONNECTION_OK) return error;
    throw EnvironmentError(fmt::format("lost the connection to PostgreSQL ({}): {}", where_,
                                       error ? error->message : PQerrorMessage(conn_)));
  }
  // Whatever the statement returned last, its backend is gone or going.
  error = ServerError{};
  error->sqlstate = "57014";
  error->terminated = true;
  error->message = fmt::format(
      "the statement ran past statement_timeout ({} ms) and went on after repeated cancel "
      "requests: mgate terminated its backend",
      timeout_.count());
  PQfreeCancel(cancel_);
  cancel_ = nullptr;
  PQfinish(conn_);
  conn_ = nullptr;
  connect();
  return error;
}

}  // namespace mgate::pg
