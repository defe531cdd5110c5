#include "pg/postmaster_pid.hpp"

#include <sys/inotify.h>

#include <fstream>

#include "pg/directory_watch.hpp"

namespace mgate::pg {
namespace {

// The eighth line is the server's status: "starting", "ready", "stopping".
bool reports_ready(const std::filesystem::path& data_dir) {
  return postmaster_pid_line(data_dir, 8).rfind("ready", 0) == 0;
}

}  // namespace

std::string postmaster_pid_line(const std::filesystem::path& data_dir, int number) {
  std::ifstream in(data_dir / "postmaster.pid");
  std::string line;
  for (int i = 0; i < number; ++i) {
    if (!std::getline(in, line)) return "";
  }
  return line;
}

ServerStart wait_until_ready(const std::filesystem::path& data_dir, ChildProcess& server,
                             std::chrono::seconds limit) {
  DirectoryWatch watch(data_dir, IN_CLOSE_WRITE | IN_MODIFY | IN_CREATE);
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (reports_ready(data_dir)) return ServerStart::ready;
    if (!server.running()) return ServerStart::exited;
    if (std::chrono::steady_clock::now() > deadline) return ServerStart::timed_out;
    // The timeout only matters if the server dies without touching the directory.
    watch.wait(std::chrono::milliseconds(20));
  }
}

}  // namespace mgate::pg
