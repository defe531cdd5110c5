// The blocker probe: a migration that waits for a lock behind a transaction the application left
// open queues every conflicting query behind it for as long as that transaction stays open. Its
// lock_timeout is what ends the wait; here it is tested against a real open transaction.
#include "gates/locks_blocker.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <optional>

#include "gates/gate.hpp"
#include "pg/blocker.hpp"
#include "pg/ephemeral_server.hpp"
#include "pg/lock_trace.hpp"
#include "pg/session.hpp"
#include "pg/traffic.hpp"

namespace mgate {
namespace {

using Clock = std::chrono::steady_clock;

// What an application transaction holds on a table it wrote a row to, until it ends. It conflicts
// with every lock that stops writes (SHARE, SHARE ROW EXCLUSIVE, EXCLUSIVE, ACCESS EXCLUSIVE) and
// not with SHARE UPDATE EXCLUSIVE, which stops no traffic; a reader's ACCESS SHARE would catch
// ACCESS EXCLUSIVE only.
constexpr sql::LockMode kHeld = sql::LockMode::row_exclusive;

// The lock_timeout a statement of the probe runs under.
enum class Timeout {
  own,      // the migration's own, no longer than mgate's bound: tested
  bound,    // mgate's: the migration has none
  glimpse,  // 1 ms: the migration's own is longer than the bound, and is not waited out
};

// The statement the probe stopped at, and how.
struct Stop {
  const sql::Statement* statement = nullptr;
  long long own_timeout_ms = 0;  // the migration's own lock_timeout before it (0: none)
  Timeout under = Timeout::own;
  Clock::time_point started;
  double waited_ms = 0;
  pg::ServerError error;
};

// A statement of the probe that runs long without waiting for a lock tells it nothing: each is
// bounded by the longer of 10 s and twice blocker_wait, never more than postgres.statement_timeout,
// so a migration that hangs costs the probe that much and not a second statement_timeout.
std::chrono::milliseconds statement_bound(const Config& config) {
  return std::min(config.postgres.statement_timeout,
                  std::max(std::chrono::milliseconds(10000), 2 * config.locks.blocker_wait));
}

// mgate's own statements on the probe's session: an error here is the server's.
void control(pg::Session& session, const std::string& sql) {
  if (auto error = session.execute(sql))
    throw EnvironmentError(fmt::format("{} failed: {}", sql, error->message));
}

bool mentions_lock_timeout(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("lock_timeout") != std::string::npos;
}

// Runs the statements in one transaction, each under the migration's own lock_timeout when one
// no longer than `bound_ms` is in force, under mgate's bound when it has none, and under 1 ms
// when its own is longer (whether the statement waits is all there is to learn then, and
// waiting the bound out would only cost time), and rolls it back. The migration's own value is
// the one in force before mgate's SET LOCAL, then whatever a statement changes it to; a
// statement that sets it to exactly mgate's value shows no change, so one that names
// lock_timeout is taken to have set it. Returns the statement that failed, if one did.
std::optional<Stop> run_against_blocker(pg::Session& session, const sql::ParsedScript& up,
                                        long long bound_ms) {
  control(session, "BEGIN");
  long long own = pg::lock_timeout_ms(session);
  long long in_force = own;
  std::optional<Stop> stop;
  for (const sql::Statement& statement : up.statements) {
    Timeout under = own == 0 ? Timeout::bound : own <= bound_ms ? Timeout::own : Timeout::glimpse;
    long long wanted = under == Timeout::bound ? bound_ms : under == Timeout::own ? own : 1;
    if (in_force != wanted) {
      control(session, fmt::format("SET LOCAL lock_timeout = {}", wanted));
      in_force = wanted;
    }
    Clock::time_point started = Clock::now();
    if (auto error = session.execute(statement.text)) {
      double waited = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
      stop = Stop{&statement, own, under, started, waited, std::move(*error)};
      break;
    }
    long long after = pg::lock_timeout_ms(session);
    if (after != in_force || mentions_lock_timeout(statement.text)) own = after;
    in_force = after;
  }
  control(session, "ROLLBACK");
  return stop;
}

// The locks the statement needs on the blocked tables that conflict with the blocker's, as
// "MODE on table" (the static analysis: a statement waiting in the queue shows nothing else).
std::vector<std::pair<std::string, sql::LockMode>> waited_for(
    const sql::Statement& statement, const std::vector<std::string>& tables) {
  std::vector<std::pair<std::string, sql::LockMode>> out;
  for (const sql::RelationLock& lock : sql::locks_taken(statement.node)) {
    std::string qualified =
        lock.relation.find('.') == std::string::npos ? "public." + lock.relation : lock.relation;
    if (std::find(tables.begin(), tables.end(), qualified) != tables.end() &&
        pg::conflicts(lock.mode, kHeld))
      out.push_back({qualified, lock.mode});
  }
  return out;
}

// The workload's operations that waited behind the statement: those that could conflict with
// the lock it waited for, started while it waited, and were still running when it had waited
// `timeout_ms` (it was still queued then: a lock_timeout never fires early). A user's query
// names no table, so any of them counts.
struct Queue {
  int reads = 0;
  int writes = 0;
  int queries = 0;
  double longest_ms = 0;

  int operations() const { return reads + writes + queries; }
};

Queue queued_behind(const Stop& stop, long long timeout_ms,
                    const std::vector<std::pair<std::string, sql::LockMode>>& wanted,
                    const std::vector<pg::Operation>& workload,
                    const std::vector<pg::OperationRun>& runs) {
  Queue queue;
  Clock::time_point still_waiting = stop.started + std::chrono::milliseconds(timeout_ms);
  for (const pg::OperationRun& run : runs) {
    if (run.start < stop.started || run.start > still_waiting || run.end < still_waiting) continue;
    const pg::Operation& op = workload[run.operation];
    sql::LockMode mode =
        op.kind == "read" ? sql::LockMode::access_share : sql::LockMode::row_exclusive;
    bool conflicts = op.kind == "query" || wanted.empty() ||
                     std::any_of(wanted.begin(), wanted.end(), [&](const auto& w) {
                       return w.first == op.table && pg::conflicts(w.second, mode);
                     });
    if (!conflicts) continue;
    (op.kind == "query" ? queue.queries : op.kind == "read" ? queue.reads : queue.writes) += 1;
    queue.longest_ms = std::max(queue.longest_ms, run.ms());
  }
  return queue;
}

nlohmann::json to_json(const Queue& q) {
  return {{"operations", q.operations()},
          {"reads", q.reads},
          {"writes", q.writes},
          {"queries", q.queries},
          {"longest_ms", q.longest_ms}};
}

std::string describe(const Queue& q) {
  std::vector<std::string> parts;
  if (q.reads) parts.push_back(fmt::format("{} reads", q.reads));
  if (q.writes) parts.push_back(fmt::format("{} writes", q.writes));
  if (q.queries) parts.push_back(fmt::format("{} queries", q.queries));
  if (parts.empty()) return "no operation of the workload queued behind it";
  return fmt::format("{} of the workload queued behind it, the longest for {:.0f} ms",
                     fmt::join(parts, " and "), q.longest_ms);
}

std::string describe(const std::vector<std::pair<std::string, sql::LockMode>>& wanted,
                     const std::vector<std::string>& tables) {
  if (wanted.empty()) {
    return fmt::format("a lock that conflicts with ROW EXCLUSIVE on {}", fmt::join(tables, ", "));
  }
  std::vector<std::string> out;
  for (const auto& [table, mode] : wanted)
    out.push_back(fmt::format("{} on {}", sql::to_string(mode), table));
  return fmt::format("{}", fmt::join(out, ", "));
}

// What ordinary traffic waits behind the statement while it is queued, and where.
std::string who_waits(const std::vector<std::pair<std::string, sql::LockMode>>& wanted,
                      const std::vector<std::string>& tables) {
  if (wanted.empty()) {
    return fmt::format("on {}, every query that conflicts with its lock waits behind it",
                       fmt::join(tables, ", "));
  }
  auto strongest = std::max_element(wanted.begin(), wanted.end(), [](const auto& a, const auto& b) {
    return a.second < b.second;
  });
  return fmt::format("on {}, {} waits behind it", strongest->first,
                     sql::what_it_blocks(strongest->second));
}

nlohmann::json waited_json(const std::vector<std::pair<std::string, sql::LockMode>>& wanted) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [table, mode] : wanted)
    out.push_back({{"relation", table}, {"mode", sql::to_string(mode)}});
  return out;
}

// A statement that waited until mgate's bound: the migration has no lock_timeout.
Finding waited_finding(const BlockerProbe& probe, const Stop& stop, long long bound_ms,
                       const std::vector<std::pair<std::string, sql::LockMode>>& wanted,
                       const std::optional<Queue>& queue) {
  Finding f = finding(kWaitsBehindTransaction, Level::warning, probe.migration,
                      locate(*probe.up.file, stop.statement->span));
  f.risk = "blocking";
  std::string meanwhile = queue ? describe(*queue) : "no workload ran (traffic.clients is 0)";
  f.message = fmt::format(
      "this statement waited {:.0f} ms for {} behind a transaction that wrote a row and was "
      "still open, until mgate gave up ([locks] blocker_wait is {} ms); with no lock_timeout it "
      "would have waited as long as that transaction stayed open. Meanwhile {}: in production, "
      "{}",
      stop.waited_ms, describe(wanted, probe.tables), bound_ms, meanwhile,
      who_waits(wanted, probe.tables));
  f.help =
      "SET lock_timeout = '2s' (or less) at the start of the migration, and retry the migration "
      "when it times out (SQLSTATE 55P03)";
  f.measured = fmt::format("waited {:.0f} ms behind an open transaction", stop.waited_ms);
  if (queue && queue->operations() > 0) {
    f.measured += fmt::format("; {} workload operations queued, up to {:.0f} ms",
                              queue->operations(), queue->longest_ms);
  }
  return f;
}

// The verdict on the statement the probe stopped at, into `metrics`; a finding when it waited
// until mgate's bound.
std::optional<Finding> verdict(const BlockerProbe& probe, const Stop& stop, long long bound_ms,
                               const std::vector<pg::OperationRun>& runs, nlohmann::json& metrics) {
  metrics["statement"] = std::string(stop.statement->text);
  metrics["line"] = locate(*probe.up.file, stop.statement->span).start.line;
  metrics["waited_ms"] = stop.waited_ms;
  if (stop.error.sqlstate != "55P03") {
    // Failures are the forward and integrity gates' to report.
    metrics["outcome"] = "failed";
    metrics["sqlstate"] = stop.error.sqlstate;
    return std::nullopt;
  }
  auto wanted = waited_for(*stop.statement, probe.tables);
  metrics["waited_for"] = waited_json(wanted);
  metrics["lock_timeout_ms"] = stop.own_timeout_ms;
  if (stop.under == Timeout::glimpse) {
    // It waits behind the transaction, and its lock_timeout, longer than the bound, would end it.
    metrics["outcome"] = "longer lock_timeout";
    return std::nullopt;
  }
  // Under mgate's bound, a statement that gave up before it did so by itself (NOWAIT).
  bool waited = stop.under == Timeout::bound && stop.waited_ms >= static_cast<double>(bound_ms);
  std::optional<Queue> queue;
  if (probe.traffic && (stop.under == Timeout::own || waited)) {
    long long timeout_ms = waited ? bound_ms : stop.own_timeout_ms;
    queue = queued_behind(stop, timeout_ms, wanted, probe.traffic->workload(), runs);
    metrics["queued"] = to_json(*queue);
  }
  if (!waited) {
    metrics["outcome"] = "gave up";
    return std::nullopt;
  }
  metrics["outcome"] = "waited";
  Finding f = waited_finding(probe, stop, bound_ms, wanted, queue);
  f.evidence = metrics;
  return f;
}

}  // namespace

void probe_blocker(const BlockerProbe& probe, GateResult& result) {
  long long bound_ms = probe.config.locks.blocker_wait.count();
  if (bound_ms == 0 || probe.tables.empty()) return;
  std::chrono::milliseconds statement_timeout = statement_bound(probe.config);
  pg::Endpoint endpoint = probe.server.owner(probe.database);
  nlohmann::json metrics = {
      {"held", sql::to_string(kHeld)}, {"tables", probe.tables}, {"blocker_wait_ms", bound_ms}};
  std::optional<Finding> found;
  std::vector<int> pids;
  {
    pg::Blocker blocker(endpoint, statement_timeout);
    pids.push_back(blocker.backend_pid());
    if (auto error = blocker.hold(probe.tables, kHeld)) {
      metrics["outcome"] = "not held";
      metrics["error"] = error->message;
    } else {
      pg::Session session(endpoint, statement_timeout);
      if (probe.traffic) probe.traffic->start();
      std::optional<Stop> stop = run_against_blocker(session, probe.up, bound_ms);
      blocker.release();
      std::vector<pg::OperationRun> runs;
      if (probe.traffic) runs = probe.traffic->stop();
      if (stop) {
        found = verdict(probe, *stop, bound_ms, runs, metrics);
      } else {
        metrics["outcome"] = "not blocked";
      }
      pids.push_back(session.backend_pid());
    }
  }
  probe.server.wait_for_backends(pids);
  result.metrics["blocker"][probe.migration.id()] = std::move(metrics);
  if (found) result.findings.push_back(std::move(*found));
}

}  // namespace mgate
