#pragma once
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pg/provider.hpp"

namespace mgate::pg {

class Connection;

// One thing a client of the workload does in one round trip: a statement in autocommit, or a
// short transaction (BEGIN ... COMMIT sent together), so no client keeps a transaction open
// across the migration (CREATE INDEX CONCURRENTLY would wait for it).
struct Operation {
  std::string kind;   // read, insert, update, or query (the user's own)
  std::string table;  // schema.table; empty for the user's queries
  std::string sql;
  bool numbered = false;  // takes a fresh row number as $1 (generated inserts)
};

// Point reads, inserts and updates by primary key on each of `tables` (schema.table), generated
// from the catalog: keys of existing rows, and the fixture generator's rows for inserts. A table
// without a primary key gets a read only.
std::vector<Operation> generated_workload(Connection& connection,
                                          const std::vector<std::string>& tables, long long seed);

// The user's queries (traffic.queries): each statement is one operation, except that the
// statements from a BEGIN to its COMMIT or ROLLBACK are one short transaction. Throws InputError
// for a file that does not parse or leaves a transaction open.
std::vector<Operation> user_workload(const std::string& path, const std::string& text);

// One operation as a client ran it.
struct OperationRun {
  std::size_t operation = 0;  // index into the workload
  int pid = 0;                // the client's backend
  std::chrono::steady_clock::time_point start, end;
  std::string sqlstate;  // empty: it succeeded
  std::string error;

  double ms() const { return std::chrono::duration<double, std::milli>(end - start).count(); }
};

struct TrafficOptions {
  int clients = 4;
  // Bounds on one run, whatever happens to the migration: operations per client, and time.
  std::size_t max_operations = 20000;
  std::chrono::milliseconds max_duration{60000};
  std::chrono::milliseconds statement_timeout{60000};
  // The first row number generated inserts use: past every row the tables hold.
  long long first_row = 1;
};

// `clients` connections of their own, each on its own thread, running the workload round-robin
// (each client starts at a different operation). Only ever connects to `endpoint`, the
// ephemeral server.
class Traffic {
 public:
  // Throws EnvironmentError when a client cannot connect.
  Traffic(const Endpoint& endpoint, std::vector<Operation> workload, TrafficOptions options);
  ~Traffic();
  Traffic(const Traffic&) = delete;
  Traffic& operator=(const Traffic&) = delete;

  std::vector<int> pids() const;
  const std::vector<Operation>& workload() const { return workload_; }
  // The row number the next generated insert would use.
  long long next_row() const { return next_row_; }

  // Runs `per_client` operations on every client and returns when all are done.
  std::vector<OperationRun> run(std::size_t per_client);
  // Starts the clients; they run until stop() or until a bound of the options is reached.
  void start();
  // Lets each client finish the operation it is in (a blocked one ends when the lock is
  // released), and returns every run since start().
  std::vector<OperationRun> stop();

 private:
  struct Client;
  void launch(std::size_t per_client);
  void loop(Client& client, std::size_t limit);

  std::vector<Operation> workload_;
  TrafficOptions options_;
  std::vector<std::unique_ptr<Client>> clients_;
  std::atomic<bool> stopping_{false};
  std::atomic<long long> next_row_{0};
};

// Latency per operation kind over `runs`: operations, errors, p50/p95/p99/max in ms, and the
// deadlocks (40P01) and lock timeouts (55P03) among the errors.
nlohmann::json latency_summary(const std::vector<Operation>& workload,
                               const std::vector<OperationRun>& runs);

}  // namespace mgate::pg
