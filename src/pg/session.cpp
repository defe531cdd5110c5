#include "pg/session.hpp"

#include <libpq-fe.h>

#include <fmt/core.h>

#include "core/config.hpp"

namespace mgate::pg {
namespace {

// How long after statement_timeout the watchdog cancels a statement the server did not stop.
std::chrono::milliseconds grace(std::chrono::milliseconds timeout) {
  return std::min(timeout / 4 + std::chrono::milliseconds(50), std::chrono::milliseconds(2000));
}

std::string field(const PGresult* result, int code) {
  const char* value = PQresultErrorField(result, code);
  return value ? value : "";
}

}  // namespace

Session::Session(const Endpoint& endpoint, std::chrono::milliseconds statement_timeout)
    : timeout_(statement_timeout), where_(endpoint.redacted()) {
  std::string conninfo = endpoint.conninfo() + " connect_timeout=10";
  conn_ = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn_);
    PQfinish(conn_);
    conn_ = nullptr;
    throw EnvironmentError(fmt::format("cannot connect to PostgreSQL as {}: {}", where_, message));
  }
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
  reset();
  watchdog_ = std::thread([this] { watch(); });
}

Session::~Session() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  wake_.notify_all();
  if (watchdog_.joinable()) watchdog_.join();
  if (conn_) PQfinish(conn_);
}

int Session::backend_pid() const {
  return PQbackendPID(conn_);
}

void Session::reset() {
  std::string sql = fmt::format(
      "RESET ALL; RESET ROLE; SET statement_timeout = {}; SET client_min_messages = warning",
      timeout_.count());
  if (auto error = execute(sql)) {
    throw EnvironmentError(fmt::format("cannot configure the session: {}", error->message));
  }
}

void Session::watch() {
  std::unique_lock lock(mutex_);
  while (!closing_) {
    if (!deadline_) {
      wake_.wait(lock);
      continue;
    }
    auto deadline = *deadline_;
    if (wake_.wait_until(lock, deadline) == std::cv_status::timeout && deadline_ == deadline) {
      if (PGcancel* cancel = PQgetCancel(conn_)) {
        char error[256];
        PQcancel(cancel, error, sizeof error);
        PQfreeCancel(cancel);
      }
      deadline_.reset();
    }
  }
}

std::optional<ServerError> Session::execute(std::string_view sql) {
  {
    std::lock_guard lock(mutex_);
    deadline_ = std::chrono::steady_clock::now() + timeout_ + grace(timeout_);
  }
  wake_.notify_all();
  std::string text(sql);
  // The last result carries the error when a statement of a multi-statement string fails.
  std::optional<ServerError> error;
  if (!PQsendQuery(conn_, text.c_str())) {
    error = ServerError{"", PQerrorMessage(conn_), "", "", "", 0};
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
        if (e.message.empty()) e.message = PQresultErrorMessage(result);
        error = e;
      } else if (status == PGRES_COPY_IN) {
        PQputCopyEnd(conn_, "mgate does not feed COPY FROM STDIN");
      } else if (status == PGRES_COPY_OUT) {
        char* row = nullptr;
        while (PQgetCopyData(conn_, &row, 0) > 0) PQfreemem(row);
      }
      PQclear(result);
    }
  }
  {
    std::lock_guard lock(mutex_);
    deadline_.reset();
  }
  if (PQstatus(conn_) != CONNECTION_OK) {
    throw EnvironmentError(fmt::format("lost the connection to PostgreSQL ({}): {}", where_,
                                       error ? error->message : PQerrorMessage(conn_)));
  }
  return error;
}

}  // namespace mgate::pg
