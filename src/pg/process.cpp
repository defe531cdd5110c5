#include "pg/process.hpp"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/core.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "core/config.hpp"

extern char** environ;

namespace mgate::pg {
namespace fs = std::filesystem;

Account lookup_account(const std::string& name) {
  struct passwd pw;
  struct passwd* found = nullptr;
  std::vector<char> buffer(16384);
  if (getpwnam_r(name.c_str(), &pw, buffer.data(), buffer.size(), &found) != 0 || !found) {
    throw InputError(fmt::format(
        "postgres.run_as: there is no OS user '{}' to run the PostgreSQL server as (PostgreSQL "
        "refuses to run as root)",
        name));
  }
  return {found->pw_uid, found->pw_gid, name};
}

bool made_by_a_dead_process(std::string_view name, std::string_view prefix) {
  if (!name.starts_with(prefix)) return false;
  std::string_view rest = name.substr(prefix.size());
  std::size_t digits = 0;
  while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits]))) ++digits;
  if (digits == 0 || digits > 9 || digits == rest.size() || rest[digits] != '-') return false;
  pid_t pid = std::atoi(std::string(rest.substr(0, digits)).c_str());
  return pid > 0 && kill(pid, 0) != 0 && errno == ESRCH;
}

std::optional<fs::path> find_on_path(const std::string& program) {
  if (program.find('/') != std::string::npos) {
    if (access(program.c_str(), X_OK) == 0) return fs::path(program);
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    fs::path candidate = fs::path(dirs.substr(start, end - start)) / program;
    if (end > start && access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return std::nullopt;
}

namespace {

// Everything the child needs, prepared before fork: after it only async-signal-safe calls.
struct ExecPlan {
  std::string program;
  std::vector<std::string> arg_strings;
  std::vector<std::string> env_strings;
  std::vector<char*> argv;
  std::vector<char*> envp;
  std::vector<gid_t> groups;

  ExecPlan(const std::vector<std::string>& args, const SpawnOptions& options) : arg_strings(args) {
    auto resolved = find_on_path(args.at(0));
    if (!resolved) throw EnvironmentError(fmt::format("cannot find '{}' on the PATH", args[0]));
    program = resolved->string();
    for (auto& a : arg_strings) argv.push_back(a.data());
    argv.push_back(nullptr);
    env_strings = options.extra_env;
    for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    if (options.run_as) {
      int count = 64;
      groups.resize(count);
      if (getgrouplist(options.run_as->name.c_str(), options.run_as->gid, groups.data(), &count) <
          0) {
        groups.resize(count);
        getgrouplist(options.run_as->name.c_str(), options.run_as->gid, groups.data(), &count);
      }
      groups.resize(count);
    }
  }
};

[[noreturn]] void exec_child(const ExecPlan& plan, const SpawnOptions& options, int out_fd,
                             pid_t parent) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  signal(SIGPIPE, SIG_DFL);
  int in = open("/dev/null", O_RDONLY);
  if (in >= 0) dup2(in, 0);
  if (out_fd >= 0) {
    dup2(out_fd, 1);
    dup2(out_fd, 2);
  }
  // Its own process group: a Ctrl-C in the terminal reaches mgate only, which then stops it in
  // order.
  setpgid(0, 0);
  if (!options.cwd.empty() && chdir(options.cwd.c_str()) != 0) _exit(124);
  if (options.run_as) {
    if (setgroups(plan.groups.size(), plan.groups.data()) != 0 ||
        setgid(options.run_as->gid) != 0 || setuid(options.run_as->uid) != 0) {
      _exit(126);
    }
  }
  if (options.die_with_parent) {
    // Set after setuid, which clears it; a parent already gone would never send it.
    prctl(PR_SET_PDEATHSIG, SIGQUIT);
    if (getppid() != parent) _exit(125);
  }
  execve(plan.program.c_str(), plan.argv.data(), plan.envp.data());
  _exit(127);
}

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

pid_t spawn(const ExecPlan& plan, const SpawnOptions& options, int out_fd) {
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) throw EnvironmentError(fmt::format("fork failed: {}", std::strerror(errno)));
  if (pid == 0) exec_child(plan, options, out_fd, parent);
  return pid;
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const SpawnOptions& options) {
  ExecPlan plan(argv, options);
  int out_fd = -1;
  fs::path output = options.output.empty() ? fs::path("/dev/null") : options.output;
  out_fd = open(output.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (out_fd < 0) {
    throw EnvironmentError(
        fmt::format("cannot open {}: {}", output.string(), std::strerror(errno)));
  }
  if (options.run_as && !options.output.empty()) {
    // The child writes its log after dropping privileges.
    if (fchown(out_fd, options.run_as->uid, options.run_as->gid) != 0) {
      // Not fatal: the descriptor is already open for the child.
    }
  }
  try {
    pid_ = spawn(plan, options, out_fd);
  } catch (...) {
    close(out_fd);
    throw;
  }
  close(out_fd);
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !status_) stop(SIGKILL);
}

bool ChildProcess::running() {
  if (status_) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) status_ = status;
  return !status_;
}

int ChildProcess::stop(int signal) {
  if (!status_ && running()) kill(pid_, signal);
  return wait();
}

int ChildProcess::wait() {
  while (!status_) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, 0);
    if (r == pid_) {
      status_ = status;
    } else if (r < 0 && errno != EINTR) {
      status_ = 0;
    }
  }
  return exit_code_of(*status_);
}

CommandResult run_command(const std::vector<std::string>& argv, const SpawnOptions& options) {
  ExecPlan plan(argv, options);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    throw EnvironmentError(fmt::format("pipe failed: {}", std::strerror(errno)));
  }
  pid_t pid = -1;
  try {
    pid = spawn(plan, options, fds[1]);
  } catch (...) {
    close(fds[0]);
    close(fds[1]);
    throw;
  }
  close(fds[1]);
  CommandResult result;
  char buffer[4096];
  using Clock = std::chrono::steady_clock;
  std::optional<Clock::time_point> deadline;
  if (options.deadline) deadline = Clock::now() + *options.deadline;
  for (;;) {
    if (deadline && !result.timed_out) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now());
      pollfd p{fds[0], POLLIN, 0};
      int ready = left.count() > 0 ? poll(&p, 1, static_cast<int>(left.count())) : 0;
      if (ready < 0 && errno == EINTR) continue;
      if (ready == 0) {
        // Its own process group (exec_child): whatever it started goes too.
        kill(-pid, SIGKILL);
        kill(pid, SIGKILL);
        result.timed_out = true;
        continue;
      }
    }
    ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n > 0) {
      result.output.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = exit_code_of(status);
  return result;
}

}  // namespace mgate::pg
