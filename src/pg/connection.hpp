#pragma once
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "pg/provider.hpp"
#include "pg/watchdog.hpp"

namespace mgate::pg {

// A connection for mgate's own work beside the migrations: catalog reads, fixture rows, the
// integrity checks, the critical queries. The migrations themselves run on a Session (they need
// the server's error fields); this one is libpqxx's, which only src/pg sees (pg/libpqxx.hpp).
class Connection {
 public:
  // Throws EnvironmentError when the server cannot be reached.
  explicit Connection(const Endpoint& endpoint);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  const Endpoint& endpoint() const { return endpoint_; }
  int backend_pid() const;
  // What a Watchdog needs to bound the statements this connection runs.
  Watchdog::Target watchdog_target();

  // Runs a statement of mgate's own outside any transaction (VACUUM refuses one).
  void execute(const std::string& sql);

  // The rows of `sql`, a query of the user's (a verify query), run in a transaction that is
  // rolled back; each value as text, NULL as nullopt. Throws QueryFailed when the server
  // rejects it, ConnectionLost when the connection breaks.
  std::vector<std::vector<std::optional<std::string>>> rows_rolled_back(const std::string& sql);

  // libpqxx's connection; complete only in src/pg (pg/libpqxx.hpp).
  struct Native;
  Native& native() { return *native_; }

 private:
  Endpoint endpoint_;
  std::unique_ptr<Native> native_;
};

// A query of the user's (a critical query, a verify query) that the server rejected.
class QueryFailed : public std::runtime_error {
 public:
  QueryFailed(const std::string& message, std::string sqlstate)
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const { return sqlstate_; }

 private:
  std::string sqlstate_;
};

// The connection broke under a query: the server died or was stopped, or a Watchdog ended the
// backend.
class ConnectionLost : public EnvironmentError {
 public:
  using EnvironmentError::EnvironmentError;
};

}  // namespace mgate::pg
