#include "pg/process_reaping.hpp"

#include <signal.h>

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "pg/shared_memory.hpp"

namespace mgate::pg {
namespace {

namespace fs = std::filesystem;

// Processes whose working directory is inside `dir`: a server and its backends chdir into their
// data directory.
std::vector<pid_t> processes_inside(const fs::path& dir) {
  std::vector<pid_t> found;
  std::string prefix = dir.string();
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    std::string name = entry.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    std::error_code link_ec;
    fs::path cwd = fs::read_symlink(entry.path() / "cwd", link_ec);
    if (link_ec) continue;
    if (cwd.string().rfind(prefix, 0) == 0) found.push_back(std::stoi(name));
  }
  return found;
}

// Whether `pid` is gone or a zombie (its parent has yet to reap it).
bool ended(pid_t pid) {
  std::ifstream stat(fmt::format("/proc/{}/stat", pid));
  std::string line;
  if (!std::getline(stat, line)) return true;
  auto close = line.rfind(')');
  return close != std::string::npos && line.size() > close + 2 && line[close + 2] == 'Z';
}

}  // namespace

void kill_processes_inside(const fs::path& dir, uid_t owner) {
  using Clock = std::chrono::steady_clock;
  SharedMemory shm;
  // A process may start another meanwhile (initdb starts one backend after another).
  for (int round = 0; round < 10; ++round) {
    auto pids = processes_inside(dir);
    if (pids.empty()) break;
    for (pid_t pid : pids) add_mapped_shared_memory(pid, shm);
    for (pid_t pid : pids) kill(pid, SIGKILL);
    // SIGKILL cannot be ignored; wait (bounded) for the kernel to take them away.
    auto deadline = Clock::now() + std::chrono::seconds(5);
    while (!pids.empty() && Clock::now() < deadline) {
      std::erase_if(pids, ended);
      if (!pids.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  remove_shared_memory(shm, owner);
}

}  // namespace mgate::pg
