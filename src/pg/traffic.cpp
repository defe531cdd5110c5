#include "pg/traffic.hpp"

#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <thread>

#include "core/config.hpp"
#include "core/source_file.hpp"
#include "pg/fixture_generator.hpp"
#include "pg/libpqxx.hpp"
#include "pg/watchdog.hpp"
#include "sql/parsed_script.hpp"
#include "sql/statement_facts.hpp"

namespace mgate::pg {
namespace {

using Clock = std::chrono::steady_clock;

// Existing rows each table's reads and updates address.
constexpr int kKeysPerTable = 8;

struct KeyedTable {
  std::vector<std::string> key;  // primary key columns, in index order
  std::string updated_column;    // a column an UPDATE may set to itself; empty: none
};

KeyedTable describe(pqxx::transaction_base& tx, const std::string& table) {
  KeyedTable out;
  std::string settable_key;
  for (const auto& row : tx.exec(fmt::format(
           "SELECT a.attname, a.attnum = ANY (coalesce(i.indkey::int2[], '{{}}')), "
           "  a.attidentity, a.attgenerated "
           "FROM pg_attribute a LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary "
           "WHERE a.attrelid = {}::regclass AND a.attnum > 0 AND NOT a.attisdropped "
           "ORDER BY coalesce(array_position(i.indkey::int2[], a.attnum), 1000 + a.attnum)",
           tx.quote(table)))) {
    std::string name = row[0].c_str();
    bool in_key = row[1].as<bool>();
    bool settable = std::string(row[2].c_str()) != "a" && std::string(row[3].c_str()).empty();
    if (in_key) out.key.push_back(name);
    if (!settable) continue;
    if (in_key && settable_key.empty()) settable_key = name;
    if (!in_key && out.updated_column.empty()) out.updated_column = name;
  }
  // A column outside the key is preferred: setting it fires no foreign-key checks.
  if (out.updated_column.empty()) out.updated_column = settable_key;
  return out;
}

// The SQLSTATE of an error the server sent (libpqxx 6.4 gives deadlocks and serialization
// failures no sqlstate()); XX000 when none is known.
std::string sqlstate_of(const pqxx::failure& error) {
  if (dynamic_cast<const pqxx::deadlock_detected*>(&error)) return "40P01";
  if (dynamic_cast<const pqxx::serialization_failure*>(&error)) return "40001";
  if (auto sql = dynamic_cast<const pqxx::sql_error*>(&error); sql && !sql->sqlstate().empty())
    return sql->sqlstate();
  return "XX000";
}

std::string terminated(std::string_view text) {
  std::string out(text);
  if (!out.ends_with(';')) out += ';';
  return out;
}

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  // Nearest rank.
  auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

}  // namespace

std::vector<Operation> generated_workload(Connection& connection,
                                          const std::vector<std::string>& tables, long long seed) {
  std::vector<Operation> out;
  for (const std::string& table : tables) {
    std::string insert = generated_row_insert(connection, table, seed);
    pqxx::nontransaction tx(libpqxx(connection));
    KeyedTable shape = describe(tx, table);
    std::vector<std::string> conditions;
    if (!shape.key.empty()) {
      std::vector<std::string> names, as_text;
      for (const std::string& k : shape.key) {
        names.push_back(tx.quote_name(k));
        as_text.push_back(names.back() + "::text");
      }
      for (const auto& row :
           tx.exec(fmt::format("SELECT {} FROM {} ORDER BY {} LIMIT {}", fmt::join(as_text, ", "),
                               table, fmt::join(names, ", "), kKeysPerTable))) {
        std::vector<std::string> equal;
        // esc() inside quotes rather than quote(), whose inlined concatenation GCC 12 flags with
        // a false -Wrestrict warning.
        for (std::size_t i = 0; i < names.size(); ++i)
          equal.push_back(
              fmt::format("{} = '{}'", names[i], tx.esc(row[static_cast<int>(i)].c_str())));
        conditions.push_back(fmt::format("{}", fmt::join(equal, " AND ")));
      }
    }
    if (shape.key.empty()) {
      out.push_back({"read", table, fmt::format("SELECT * FROM {} LIMIT 1", table)});
    }
    for (const std::string& where : conditions) {
      out.push_back({"read", table, fmt::format("SELECT * FROM {} WHERE {}", table, where)});
      if (!insert.empty()) out.push_back({"insert", table, insert, true});
      if (!shape.updated_column.empty()) {
        std::string column = tx.quote_name(shape.updated_column);
        out.push_back(
            {"update", table,
             fmt::format("UPDATE {} SET {} = {} WHERE {}", table, column, column, where)});
      }
    }
    if (conditions.empty() && !insert.empty()) out.push_back({"insert", table, insert, true});
  }
  return out;
}

std::vector<Operation> user_workload(const std::string& path, const std::string& text) {
  SourceFile file(path, text);
  sql::ParsedScript script = sql::parse_script(file);
  if (script.error) {
    Location at = locate(file, {script.error->offset, script.error->offset});
    throw InputError(fmt::format("traffic.queries {}:{}:{}: {}", path, at.start.line,
                                 at.start.column, script.error->message));
  }
  std::vector<Operation> out;
  std::string transaction;
  std::optional<Location> opened;
  for (const sql::Statement& s : script.statements) {
    if (sql::opens_transaction(s.node)) {
      opened = locate(file, s.span);
      transaction = terminated(s.text);
      continue;
    }
    if (!opened) {
      out.push_back({"query", "", terminated(s.text)});
      continue;
    }
    transaction += "\n" + terminated(s.text);
    if (sql::closes_transaction(s.node)) {
      out.push_back({"query", "", transaction});
      opened.reset();
    }
  }
  if (opened) {
    throw InputError(fmt::format(
        "traffic.queries {}:{}:{}: this BEGIN has no COMMIT or ROLLBACK: a workload "
        "transaction must end in the same operation, or it holds its locks across the migration",
        path, opened->start.line, opened->start.column));
  }
  if (out.empty()) throw InputError(fmt::format("traffic.queries {}: no queries", path));
  return out;
}

struct Traffic::Client {
  std::unique_ptr<pqxx::connection> connection;
  // Bounds each operation: a write fires the migrations' triggers, which may ignore
  // statement_timeout.
  Watchdog watchdog;
  int pid = 0;
  std::size_t next = 0;
  std::vector<OperationRun> runs;
  std::thread thread;
};

Traffic::Traffic(const Endpoint& endpoint, std::vector<Operation> workload, TrafficOptions options)
    : workload_(std::move(workload)), options_(options), next_row_(options.first_row) {
  for (int i = 0; i < options_.clients && !workload_.empty(); ++i) {
    auto client = std::make_unique<Client>();
    try {
      client->connection = std::make_unique<pqxx::connection>(endpoint.conninfo());
    } catch (const pqxx::broken_connection& e) {
      throw EnvironmentError(fmt::format("a traffic client cannot connect: {}", e.what()));
    }
    client->pid = client->connection->backendpid();
    client->watchdog.watch(
        {endpoint, client->pid, client->connection->sock(), [c = client->connection.get()] {
           try {
             c->cancel_query();
           } catch (const std::exception&) {
             // The watchdog's next step follows.
           }
         }});
    client->next =
        static_cast<std::size_t>(i) * workload_.size() / static_cast<std::size_t>(options_.clients);
    pqxx::nontransaction(*client->connection)
        .exec(fmt::format("SET statement_timeout = {}; SET application_name = 'mgate traffic'",
                          options_.statement_timeout.count()));
    clients_.push_back(std::move(client));
  }
}

Traffic::~Traffic() {
  stop();
}

std::vector<int> Traffic::pids() const {
  std::vector<int> out;
  for (const auto& c : clients_) out.push_back(c->pid);
  return out;
}

void Traffic::loop(Client& client, std::size_t limit) {
  Clock::time_point deadline = Clock::now() + options_.max_duration;
  bool aborted_transaction = false;
  for (std::size_t i = 0; i < limit && !stopping_ && Clock::now() < deadline; ++i) {
    if (aborted_transaction) {
      // A short transaction that failed left the session inside it. Should the ROLLBACK fail,
      // the next operation meets the same failure and records it.
      try {
        pqxx::nontransaction(*client.connection).exec("ROLLBACK");
      } catch (const pqxx::failure&) {
      }
      aborted_transaction = false;
    }
    std::size_t index = client.next++ % workload_.size();
    const Operation& op = workload_[index];
    OperationRun run{index, client.pid, Clock::now(), {}, "", ""};
    bool client_done = false;
    client.watchdog.arm(options_.statement_timeout);
    try {
      pqxx::nontransaction tx(*client.connection);
      if (op.numbered) {
        tx.exec_params(op.sql, next_row_++);
      } else {
        tx.exec(op.sql);
      }
    } catch (const pqxx::broken_connection& e) {
      run.sqlstate = "08006";
      run.error = e.what();
      client_done = true;
    } catch (const pqxx::failure& e) {
      run.sqlstate = sqlstate_of(e);
      run.error = e.what();
      aborted_transaction = op.kind == "query";
    } catch (const std::exception& e) {
      // Nothing may escape a client's thread; libpqxx's usage and conversion errors are no
      // pqxx::failure.
      run.sqlstate = "XX000";
      run.error = e.what();
      client_done = true;
    }
    run.end = Clock::now();
    client.watchdog.disarm();
    client.runs.push_back(std::move(run));
    if (client_done) return;
  }
}

std::vector<OperationRun> Traffic::run(std::size_t per_client) {
  launch(per_client);
  for (auto& c : clients_) c->thread.join();
  std::vector<OperationRun> out;
  for (auto& c : clients_) {
    out.insert(out.end(), c->runs.begin(), c->runs.end());
    c->runs.clear();
  }
  return out;
}

void Traffic::start() {
  launch(options_.max_operations);
}

void Traffic::launch(std::size_t limit) {
  stopping_ = false;
  for (auto& c : clients_) {
    c->thread = std::thread([this, client = c.get(), limit] { loop(*client, limit); });
  }
}

std::vector<OperationRun> Traffic::stop() {
  stopping_ = true;
  std::vector<OperationRun> out;
  for (auto& c : clients_) {
    if (c->thread.joinable()) c->thread.join();
    out.insert(out.end(), c->runs.begin(), c->runs.end());
    c->runs.clear();
  }
  return out;
}

nlohmann::json latency_summary(const std::vector<Operation>& workload,
                               const std::vector<OperationRun>& runs) {
  std::map<std::string, std::vector<const OperationRun*>> by_kind;
  for (const OperationRun& r : runs) by_kind[workload[r.operation].kind].push_back(&r);
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [kind, of_kind] : by_kind) {
    std::vector<double> ms;
    int errors = 0, deadlocks = 0, lock_timeouts = 0;
    for (const OperationRun* r : of_kind) {
      ms.push_back(r->ms());
      if (r->sqlstate.empty()) continue;
      ++errors;
      deadlocks += r->sqlstate == "40P01";
      lock_timeouts += r->sqlstate == "55P03";
    }
    std::sort(ms.begin(), ms.end());
    out[kind] = {{"operations", of_kind.size()},   {"errors", errors},
                 {"deadlocks", deadlocks},         {"lock_timeouts", lock_timeouts},
                 {"p50_ms", percentile(ms, 0.50)}, {"p95_ms", percentile(ms, 0.95)},
                 {"p99_ms", percentile(ms, 0.99)}, {"max_ms", ms.back()}};
  }
  return out;
}

}  // namespace mgate::pg
