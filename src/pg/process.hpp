#pragma once
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace mgate::pg {

// An OS account to run a child process as (the server refuses to run as root).
struct Account {
  uid_t uid = 0;
  gid_t gid = 0;
  std::string name;
};

// The account named `name`; throws InputError when there is none.
Account lookup_account(const std::string& name);

struct SpawnOptions {
  std::optional<Account> run_as;       // drop to this account in the child
  std::filesystem::path output;        // stdout and stderr go here (appended); empty: /dev/null
  bool die_with_parent = false;        // SIGQUIT to the child when mgate dies, even by SIGKILL
  std::vector<std::string> extra_env;  // NAME=value added to the environment
  std::filesystem::path cwd;           // empty: mgate's own
  // run_command: how long the program may run before it is killed (with its process group).
  std::optional<std::chrono::milliseconds> deadline;
};

// A child process, started with fork/exec so that it can drop privileges and be tied to mgate's
// lifetime. Destroying a running one kills it (SIGKILL) and reaps it.
class ChildProcess {
 public:
  // Throws EnvironmentError when the program cannot be started.
  ChildProcess(const std::vector<std::string>& argv, const SpawnOptions& options);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Whether it still runs; reaps it when it has ended.
  bool running();
  // Sends `signal` (if it still runs) and waits for it to end; returns its wait status.
  int stop(int signal);
  // Waits for it to end and returns its exit code (128 + signal when killed).
  int wait();

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

struct CommandResult {
  int exit_code = -1;
  std::string output;      // stdout and stderr together
  bool timed_out = false;  // killed at SpawnOptions::deadline
};

// Runs a program to completion and captures its output. Throws EnvironmentError when it cannot
// be started (not when it exits non-zero).
CommandResult run_command(const std::vector<std::string>& argv, const SpawnOptions& options = {});

// Whether `name` is one a process gives what it makes, `prefix` and its process id
// ("mgate-run-<pid>-...", "mgate-dump-<pid>-..."), of a process that no longer runs: left by an
// mgate that was killed.
bool made_by_a_dead_process(std::string_view name, std::string_view prefix);

// The full path of `program` on PATH, or nullopt.
std::optional<std::filesystem::path> find_on_path(const std::string& program);

}  // namespace mgate::pg
