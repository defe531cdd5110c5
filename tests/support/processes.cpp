#include "support/processes.hpp"

#include <libpq-fe.h>
#include <sys/shm.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/run.hpp"

namespace mgate::testing {
namespace fs = std::filesystem;

std::vector<fs::path> run_dirs(const fs::path& runtime) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(runtime, ec)) {
    if (e.path().filename().string().starts_with("mgate-run-")) out.push_back(e.path());
  }
  return out;
}

namespace {

std::vector<std::string> pids() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    std::string pid = e.path().filename().string();
    if (!pid.empty() && std::all_of(pid.begin(), pid.end(), ::isdigit)) out.push_back(pid);
  }
  return out;
}

bool zombie(const std::string& pid) {
  std::ifstream status("/proc/" + pid + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("State:")) return line.find("Z (zombie)") != std::string::npos;
  }
  return true;  // gone
}

bool works_in(const std::string& pid, const fs::path& dir) {
  std::error_code link;
  return fs::read_symlink("/proc/" + pid + "/cwd", link).string().starts_with(dir.string());
}

}  // namespace

std::vector<std::string> processes_using(const fs::path& dir) {
  std::vector<std::string> out;
  for (const std::string& pid : pids()) {
    std::string cmdline = read_file("/proc/" + pid + "/cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if ((works_in(pid, dir) || cmdline.find(dir.string()) != std::string::npos) && !zombie(pid))
      out.push_back(pid + " " + cmdline);
  }
  return out;
}

MappedSharedMemory shared_memory_used_in(const fs::path& dir) {
  MappedSharedMemory out;
  for (const std::string& pid : pids()) {
    if (!works_in(pid, dir)) continue;
    std::ifstream maps("/proc/" + pid + "/maps");
    std::string line;
    while (std::getline(maps, line)) {
      std::istringstream fields(line);
      std::string range, perms, offset, device, path;
      long inode = 0;
      fields >> range >> perms >> offset >> device >> inode >> path;
      if (path.starts_with("/dev/shm/PostgreSQL.")) out.posix.insert(path);
      if (path.starts_with("/SYSV")) out.sysv.insert(static_cast<int>(inode));
    }
  }
  return out;
}

MappedSharedMemory still_existing(const MappedSharedMemory& shm) {
  MappedSharedMemory out;
  for (const std::string& file : shm.posix) {
    if (fs::exists(file)) out.posix.insert(file);
  }
  for (int id : shm.sysv) {
    struct shmid_ds info;
    if (shmctl(id, IPC_STAT, &info) == 0) out.sysv.insert(id);
  }
  return out;
}

std::vector<std::vector<std::string>> rows_at(const std::string& conninfo, const std::string& sql) {
  std::vector<std::vector<std::string>> out;
  PGconn* c = PQconnectdb(conninfo.c_str());
  if (PQstatus(c) == CONNECTION_OK) {
    PGresult* r = PQexec(c, sql.c_str());
    if (PQresultStatus(r) == PGRES_TUPLES_OK) {
      for (int i = 0; i < PQntuples(r); ++i) {
        std::vector<std::string>& row = out.emplace_back();
        for (int j = 0; j < PQnfields(r); ++j) row.emplace_back(PQgetvalue(r, i, j));
      }
    }
    PQclear(r);
  }
  PQfinish(c);
  return out;
}

bool eventually(const std::function<bool()>& ready) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (std::chrono::steady_clock::now() < deadline) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace mgate::testing
