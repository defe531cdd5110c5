#include "pg/watchdog.hpp"

#include <libpq-fe.h>
#include <sys/socket.h>

#include <fmt/core.h>

#include "pg/connection.hpp"

namespace mgate::pg {
namespace {

using Clock = std::chrono::steady_clock;

// Past the deadline: three cancels, one grace period apart, then the backend is terminated,
// then the socket shut.
constexpr int kCancels = 3;
constexpr int kTerminate = kCancels;
constexpr int kShutSocket = kCancels + 1;

// A role may terminate its own backends; this needs a connection slot, which a cancel request
// does not.
void terminate(const Watchdog::Target& target) {
  std::string conninfo = target.endpoint.conninfo() + " connect_timeout=5";
  PGconn* c = PQconnectdb(conninfo.c_str());
  if (PQstatus(c) == CONNECTION_OK) {
    PQclear(
        PQexec(c, fmt::format("SELECT pg_catalog.pg_terminate_backend({})", target.pid).c_str()));
  }
  PQfinish(c);
}

}  // namespace

Watchdog::Watchdog() : thread_([this] { run(); }) {}

Watchdog::~Watchdog() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

std::chrono::milliseconds Watchdog::grace(std::chrono::milliseconds budget) {
  return std::min(budget / 4 + std::chrono::milliseconds(50), std::chrono::milliseconds(2000));
}

void Watchdog::watch(Target target) {
  std::lock_guard lock(mutex_);
  target_ = std::move(target);
}

void Watchdog::arm(std::chrono::milliseconds budget) {
  {
    std::lock_guard lock(mutex_);
    grace_ = grace(budget);
    next_ = Clock::now() + budget + grace_;
    step_ = 0;
    outcome_ = Outcome::in_time;
  }
  wake_.notify_all();
}

Watchdog::Outcome Watchdog::disarm() {
  std::unique_lock lock(mutex_);
  next_.reset();
  wake_.wait(lock, [this] { return !acting_; });
  return outcome_;
}

void Watchdog::run() {
  std::unique_lock lock(mutex_);
  while (!closing_) {
    if (!next_) {
      wake_.wait(lock);
      continue;
    }
    auto when = *next_;
    if (wake_.wait_until(lock, when) != std::cv_status::timeout || next_ != when) continue;
    int step = step_++;
    next_.reset();
    if (step < kShutSocket) next_ = when + grace_;
    outcome_ = step < kTerminate ? std::max(outcome_, Outcome::cancelled) : Outcome::terminated;
    Target target = target_;
    acting_ = true;
    lock.unlock();
    escalate(step, target);
    lock.lock();
    acting_ = false;
    wake_.notify_all();
  }
}

void Watchdog::escalate(int step, const Target& target) {
  if (step < kTerminate) {
    if (target.cancel) target.cancel();
  } else if (step == kTerminate) {
    terminate(target);
  } else if (target.socket >= 0) {
    shutdown(target.socket, SHUT_RDWR);
  }
}

DeadlineExceeded::DeadlineExceeded(std::string what, std::chrono::milliseconds budget)
    : EnvironmentError(fmt::format("{} did not end within postgres.statement_timeout ({} ms)", what,
                                   budget.count())),
      step_(std::move(what)),
      budget_(budget) {}

void run_bounded(Connection& connection, std::chrono::milliseconds budget, const std::string& what,
                 const std::function<void()>& step) {
  Watchdog watchdog;
  watchdog.watch(connection.watchdog_target());
  watchdog.arm(budget);
  try {
    step();
  } catch (...) {
    if (watchdog.disarm() != Watchdog::Outcome::in_time) throw DeadlineExceeded(what, budget);
    throw;
  }
  if (watchdog.disarm() != Watchdog::Outcome::in_time) throw DeadlineExceeded(what, budget);
}

}  // namespace mgate::pg
