#include "pg/teardown.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

namespace mgate::pg {
namespace {

std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}

std::atomic<bool> stopping{false};

std::map<int, std::function<void()>>& registry() {
  static std::map<int, std::function<void()>> actions;
  return actions;
}

void wait_for_signal(sigset_t signals) {
  int signal = 0;
  while (sigwait(&signals, &signal) != 0) {
  }
  const char message[] = "mgate: interrupted; stopping the PostgreSQL server it started\n";
  ssize_t ignored = write(2, message, sizeof message - 1);
  (void)ignored;
  {
    std::lock_guard lock(registry_mutex());
    stopping = true;
    for (auto it = registry().rbegin(); it != registry().rend(); ++it) {
      try {
        it->second();
      } catch (...) {
        // Best effort: the other teardowns still run.
      }
    }
  }
  _exit(128 + signal);
}

}  // namespace

void stop_everything_on_signal() {
  sigset_t signals;
  sigemptyset(&signals);
  for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&signals, signal);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::thread(wait_for_signal, signals).detach();
}

void wait_for_signal_teardown() {
  if (!stopping) return;
  std::lock_guard lock(registry_mutex());  // held by the signal thread until it exits
  for (;;) pause();
}

int register_teardown(std::function<void()> action) {
  static int next = 0;
  std::lock_guard lock(registry_mutex());
  registry()[++next] = std::move(action);
  return next;
}

void unregister_teardown(int handle) {
  std::lock_guard lock(registry_mutex());
  registry().erase(handle);
}

}  // namespace mgate::pg
