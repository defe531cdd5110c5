#pragma once
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "core/config.hpp"
#include "pg/provider.hpp"

namespace mgate::pg {

class Connection;

// The client side of a bound on what one backend runs. The server's statement_timeout stops a
// statement that runs too long, unless the code it runs turned the setting off (SET
// statement_timeout = 0, in a migration or in a trigger a migration planted) or catches the
// cancellation in a loop. Past its deadline a Watchdog cancels the backend's statement, again
// after each grace period, then terminates the backend from a connection of its own, and should
// even that fail, shuts the client's socket: the caller never waits for longer than the budget
// and a few grace periods.
class Watchdog {
 public:
  // What is watched: a connection and how to reach its backend.
  struct Target {
    Endpoint endpoint;             // where the backend runs, as its role (which may end it)
    int pid = 0;                   // the backend
    int socket = -1;               // the client's end of the connection
    std::function<void()> cancel;  // sends a cancel request for the statement it runs
  };
  // How far it had to go for the statements since arm().
  enum class Outcome { in_time, cancelled, terminated };

  Watchdog();
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  void watch(Target target);
  // Starts the deadline: `budget` and a grace period from now.
  void arm(std::chrono::milliseconds budget);
  // Ends it; once it returns, the watchdog does nothing more to the connection.
  Outcome disarm();

  // The pause between two steps past the deadline: a quarter of the budget and 50 ms, at most
  // 2 s.
  static std::chrono::milliseconds grace(std::chrono::milliseconds budget);

 private:
  void run();
  void escalate(int step, const Target& target);

  std::mutex mutex_;
  std::condition_variable wake_;
  Target target_;
  std::optional<std::chrono::steady_clock::time_point> next_;  // the next step's time
  std::chrono::milliseconds grace_{0};
  int step_ = 0;  // steps taken since arm()
  bool acting_ = false;
  bool closing_ = false;
  Outcome outcome_ = Outcome::in_time;
  std::thread thread_;
};

// A step mgate runs on a migration's behalf (fixture rows, a seed file, a verify query, pg_dump)
// that did not end within its deadline.
class DeadlineExceeded : public EnvironmentError {
 public:
  DeadlineExceeded(std::string what, std::chrono::milliseconds budget);
  const std::string& step() const { return step_; }
  std::chrono::milliseconds budget() const { return budget_; }

 private:
  std::string step_;
  std::chrono::milliseconds budget_;
};

// Runs `step`, which works on `connection`, under a Watchdog with
// `budget`. Throws DeadlineExceeded, naming the step with `what`, when it did not end in time,
// whatever the step itself did then (a cancelled statement may have been caught and passed
// over); the connection is then unusable.
void run_bounded(Connection& connection, std::chrono::milliseconds budget, const std::string& what,
                 const std::function<void()>& step);

}  // namespace mgate::pg
