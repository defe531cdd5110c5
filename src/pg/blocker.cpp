#include "pg/blocker.hpp"

#include <fmt/format.h>

#include "core/config.hpp"

namespace mgate::pg {

Blocker::Blocker(const Endpoint& endpoint, std::chrono::milliseconds statement_timeout)
    : session_(endpoint, statement_timeout) {}

std::optional<ServerError> Blocker::hold(const std::vector<std::string>& tables,
                                         sql::LockMode mode) {
  if (auto error = session_.execute("BEGIN")) return error;
  auto error = session_.execute(
      fmt::format("LOCK TABLE {} IN {} MODE", fmt::join(tables, ", "), sql::to_string(mode)));
  if (error) release();
  return error;
}

void Blocker::release() {
  if (auto error = session_.execute("ROLLBACK")) {
    throw EnvironmentError(
        fmt::format("ROLLBACK of the blocker session failed: {}", error->message));
  }
}

}  // namespace mgate::pg
