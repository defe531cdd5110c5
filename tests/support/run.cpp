#include "support/run.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace mgate::testing {
namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TempDir::TempDir() {
  std::random_device rd;
  path_ =
      fs::temp_directory_path() / ("mgate-test-" + std::to_string(rd()) + std::to_string(getpid()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(path_, ec);
}

fs::path TempDir::write(const std::string& relative, const std::string& text) const {
  fs::path p = path_ / relative;
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

RunResult run(const std::vector<std::string>& argv, const fs::path& cwd,
              const std::vector<std::string>& extra_env, const std::optional<std::string>& input) {
  TempDir io;
  fs::path in = input ? io.write("in", *input) : fs::path("/dev/null");
  fs::path out = io.path() / "out", err = io.path() / "err";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  // extra_env replaces the variables it names: shells take the last of two, getenv the first.
  std::vector<std::string> env_strings = extra_env;
  for (char** e = environ; *e; ++e) {
    const std::string_view entry(*e);
    const auto name = entry.substr(0, entry.find('=') + 1);
    if (std::none_of(extra_env.begin(), extra_env.end(),
                     [&](const std::string& given) { return given.starts_with(name); }))
      env_strings.emplace_back(entry);
  }
  std::vector<char*> env;
  for (auto& e : env_strings) env.push_back(e.data());
  env.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

RunResult run_mgate(const std::vector<std::string>& args, const fs::path& cwd) {
  std::vector<std::string> argv = {MGATE_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, cwd);
}

RunResult run_mgate_with_input(const std::vector<std::string>& args, const std::string& input,
                               const fs::path& cwd) {
  std::vector<std::string> argv = {MGATE_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, cwd, {}, input);
}

}  // namespace mgate::testing
