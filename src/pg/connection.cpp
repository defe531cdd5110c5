#include "pg/connection.hpp"

#include <fmt/core.h>

#include "pg/libpqxx.hpp"

namespace mgate::pg {

Connection::Connection(const Endpoint& endpoint) : endpoint_(endpoint) {
  try {
    native_.reset(new Native{pqxx::connection(endpoint.conninfo())});
  } catch (const pqxx::failure& e) {
    throw EnvironmentError(
        fmt::format("cannot connect to PostgreSQL as {}: {}", endpoint.redacted(), e.what()));
  }
}

Connection::~Connection() = default;

int Connection::backend_pid() const {
  return native_->connection.backendpid();
}

Watchdog::Target Connection::watchdog_target() {
  pqxx::connection& c = native_->connection;
  return {endpoint_, c.backendpid(), c.sock(), [&c] {
            try {
              c.cancel_query();
            } catch (const std::exception&) {
              // The watchdog's next step follows.
            }
          }};
}

void Connection::execute(const std::string& sql) {
  pqxx::nontransaction tx(native_->connection);
  tx.exec(sql);
}

std::vector<std::vector<std::optional<std::string>>> Connection::rows_rolled_back(
    const std::string& sql) {
  return translated([&] {
    pqxx::work tx(native_->connection);
    pqxx::result result = tx.exec(sql);
    tx.abort();
    std::vector<std::vector<std::optional<std::string>>> rows;
    for (const auto& row : result) {
      std::vector<std::optional<std::string>>& out = rows.emplace_back();
      for (const auto& field : row) {
        out.push_back(field.is_null() ? std::nullopt : std::optional<std::string>(field.c_str()));
      }
    }
    return rows;
  });
}

}  // namespace mgate::pg
