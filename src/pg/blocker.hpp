#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "pg/provider.hpp"
#include "pg/session.hpp"
#include "sql/locks.hpp"

namespace mgate::pg {

// A second session, as the migrations' role, that holds table locks in a transaction it leaves
// open, as an application's transaction does between its statements. It runs only mgate's own
// LOCK TABLE: nothing a migration defined (a LOCK fires no trigger). Closing the connection (on
// every exit path, in the destructor) ends the transaction and releases the locks.
class Blocker {
 public:
  // Throws EnvironmentError when the server cannot be reached.
  Blocker(const Endpoint& endpoint, std::chrono::milliseconds statement_timeout);

  // Opens the transaction and locks `tables` (schema.name, quoted as read_relations gives them)
  // in `mode`; the server's refusal (say, the role may not lock a table) comes back as its error
  // and leaves nothing held.
  std::optional<ServerError> hold(const std::vector<std::string>& tables, sql::LockMode mode);
  // Ends the transaction: the locks are released.
  void release();

  int backend_pid() const { return session_.backend_pid(); }

 private:
  Session session_;
};

}  // namespace mgate::pg
