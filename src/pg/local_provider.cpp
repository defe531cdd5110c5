// The default provider: a private PostgreSQL server started from the installed binaries, on a
// unix socket only, from a cached initdb template, removed on every exit path.
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "core/config.hpp"
#include "pg/process.hpp"
#include "pg/provider.hpp"
#include "pg/teardown.hpp"

namespace mgate::pg {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kRunPrefix = "mgate-run-";
constexpr int kPort = 5432;  // only names the socket file: every run has its own socket directory
constexpr std::string_view kSuperuser = "postgres";
constexpr auto kTreeCopy = fs::copy_options::recursive | fs::copy_options::copy_symlinks;

struct Binaries {
  fs::path dir;
  std::string version;  // e.g. 15.18
  int major = 0;
};

bool has_server(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "postgres", ec) && fs::is_regular_file(dir / "initdb", ec);
}

std::string random_suffix() {
  thread_local std::mt19937_64 rng{std::random_device{}() ^
                                   static_cast<uint64_t>(Clock::now().time_since_epoch().count())};
  return fmt::format("{:012x}", rng() & 0xffffffffffffULL);
}

// What `postgres --version` said, kept in the cache per binary (path, size and modification
// time): running it costs 15-20 ms, a good part of a warm start.
std::optional<std::string> remembered_version(const fs::path& cache, const fs::path& postgres,
                                              std::string& key) {
  struct stat st;
  if (stat(postgres.c_str(), &st) != 0) return std::nullopt;
  key = fmt::format("{} {} {}.{:09}", postgres.string(), st.st_size, st.st_mtim.tv_sec,
                    st.st_mtim.tv_nsec);
  std::ifstream in(cache / "versions" /
                   fmt::format("{:016x}", std::hash<std::string>{}(postgres.string())));
  std::string stored_key, version;
  if (std::getline(in, stored_key) && std::getline(in, version) && stored_key == key &&
      !version.empty())
    return version;
  return std::nullopt;
}

void remember_version(const fs::path& cache, const fs::path& postgres, const std::string& key,
                      const std::string& version) {
  std::error_code ec;
  fs::create_directories(cache / "versions", ec);
  fs::path file =
      cache / "versions" / fmt::format("{:016x}", std::hash<std::string>{}(postgres.string()));
  fs::path staging = file.string() + ".tmp-" + random_suffix();
  {
    std::ofstream out(staging);
    out << key << "\n" << version << "\n";
    if (!out) return;
  }
  if (rename(staging.c_str(), file.c_str()) != 0) fs::remove(staging, ec);
}

std::optional<Binaries> probe(const fs::path& dir, const fs::path& cache) {
  if (!has_server(dir)) return std::nullopt;
  Binaries b{dir, "", 0};
  std::string key;
  if (auto version = remembered_version(cache, dir / "postgres", key)) {
    b.version = *version;
  } else {
    CommandResult r = run_command({(dir / "postgres").string(), "--version"});
    // "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
    std::string marker = "(PostgreSQL) ";
    auto at = r.output.find(marker);
    if (r.exit_code != 0 || at == std::string::npos) return std::nullopt;
    std::istringstream in(r.output.substr(at + marker.size()));
    in >> b.version;
    if (!key.empty()) remember_version(cache, dir / "postgres", key, b.version);
  }
  b.major = std::atoi(b.version.c_str());
  return b;
}

Binaries find_binaries(const LocalOptions& options, const fs::path& cache) {
  if (!options.bin_dir.empty()) {
    if (auto b = probe(options.bin_dir, cache)) return *b;
    throw InputError(
        fmt::format("--pg-bin / postgres.bin_dir {}: no working 'postgres' and 'initdb' there",
                    options.bin_dir.string()));
  }
  std::vector<fs::path> candidates;
  if (find_on_path("pg_config")) {
    CommandResult r = run_command({"pg_config", "--bindir"});
    std::string dir = r.output.substr(0, r.output.find('\n'));
    if (r.exit_code == 0 && !dir.empty()) candidates.push_back(dir);
  }
  // Distributions other than Debian's family (Fedora, Arch) put the server in /usr/bin, and
  // pg_config in a development package that is rarely installed.
  if (auto postgres = find_on_path("postgres")) candidates.push_back(postgres->parent_path());
  std::error_code ec;
  std::vector<fs::path> installed;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    installed.push_back(entry.path() / "bin");
  }
  std::sort(installed.begin(), installed.end(), [](const fs::path& a, const fs::path& b) {
    return std::atoi(a.parent_path().filename().c_str()) >
           std::atoi(b.parent_path().filename().c_str());
  });
  candidates.insert(candidates.end(), installed.begin(), installed.end());
  std::optional<Binaries> fallback;
  for (const fs::path& dir : candidates) {
    auto b = probe(dir, cache);
    if (!b) continue;
    if (b->major == options.version) return *b;
    if (!fallback) fallback = b;
  }
  if (fallback) return *fallback;
  throw EnvironmentError(
      "no PostgreSQL server binaries found (looked at pg_config --bindir, postgres on PATH and "
      "/usr/lib/postgresql/*/bin): install the PostgreSQL server (on Debian postgresql-15, "
      "which scripts/setup.sh installs), or give --pg-bin DIR");
}

fs::path env_path(const char* name) {
  const char* value = std::getenv(name);
  return value && *value ? fs::path(value) : fs::path();
}

fs::path default_cache_dir() {
  if (auto dir = env_path("MGATE_CACHE_DIR"); !dir.empty()) return dir;
  if (auto dir = env_path("XDG_CACHE_HOME"); !dir.empty()) return dir / "mgate";
  if (auto dir = env_path("HOME"); !dir.empty()) return dir / ".cache" / "mgate";
  return fs::temp_directory_path() / "mgate-cache";
}

// Memory-backed when there is room: cloning a database copies its files, several times faster
// on tmpfs than on a disk. Containers often cap /dev/shm at 64 MB, hence the free-space check.
fs::path default_runtime_dir() {
  if (auto dir = env_path("MGATE_RUNTIME_DIR"); !dir.empty()) return dir;
  struct statvfs shm;
  if (statvfs("/dev/shm", &shm) == 0 && access("/dev/shm", W_OK) == 0 &&
      static_cast<unsigned long long>(shm.f_bavail) * shm.f_frsize >= (1ULL << 30)) {
    return "/dev/shm";
  }
  return fs::temp_directory_path();
}

void chown_tree(const fs::path& root, const Account& account) {
  auto own = [&](const fs::path& p) {
    if (lchown(p.c_str(), account.uid, account.gid) != 0) {
      throw EnvironmentError(fmt::format("cannot give {} to user {}", p.string(), account.name));
    }
  };
  own(root);
  for (const auto& entry : fs::recursive_directory_iterator(root)) own(entry.path());
}

// Processes whose working directory is inside `dir`: a server and its backends chdir into their
// data directory, so this finds backends that outlived a killed postmaster too.
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

// The shared memory processes had mapped: POSIX segments in /dev/shm (an initdb's backends use
// dynamic_shared_memory_type=posix; the server mgate starts does not) and System V segments.
struct SharedMemory {
  std::set<fs::path> posix;
  std::set<std::pair<int, key_t>> sysv;  // id, key
};

void add_mapped_shared_memory(pid_t pid, SharedMemory& out) {
  std::ifstream maps(fmt::format("/proc/{}/maps", pid));
  std::string line;
  while (std::getline(maps, line)) {
    // "7f2c1a5e0000-7f2c1a5e1000 rw-s 00000000 00:01 32769   /SYSV0052e2c1 (deleted)": a System
    // V segment shows its id as the inode and its key in the name.
    std::istringstream fields(line);
    std::string range, perms, offset, device, path;
    unsigned long inode = 0;
    fields >> range >> perms >> offset >> device >> inode >> path;
    if (path.starts_with("/dev/shm/PostgreSQL.")) {
      out.posix.insert(path);
    } else if (path.starts_with("/SYSV") && path.size() == 13) {
      out.sysv.insert(
          {static_cast<int>(inode), static_cast<key_t>(std::stoul(path.substr(5), nullptr, 16))});
    }
  }
}

// Only what `owner` (the server's OS user) owns, and a System V segment only once nothing is
// attached to it any more.
void remove_shared_memory(const SharedMemory& shm, uid_t owner) {
  for (const fs::path& file : shm.posix) {
    struct stat st;
    if (lstat(file.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == owner) {
      unlink(file.c_str());
    }
  }
  for (auto [id, key] : shm.sysv) {
    struct shmid_ds info;
    if (shmctl(id, IPC_STAT, &info) == 0 && info.shm_nattch == 0 && info.shm_perm.__key == key &&
        info.shm_perm.uid == owner) {
      shmctl(id, IPC_RMID, nullptr);
    }
  }
}

// Kills the processes working inside `dir` (a server and its backends, an initdb and the
// backends it runs) and removes the shared memory they had mapped, which a killed process leaves
// behind.
void kill_processes_inside(const fs::path& dir, uid_t owner) {
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
      std::erase_if(pids, [](pid_t pid) {
        std::ifstream stat(fmt::format("/proc/{}/stat", pid));
        std::string line;
        if (!std::getline(stat, line)) return true;
        auto close = line.rfind(')');
        return close != std::string::npos && line.size() > close + 2 && line[close + 2] == 'Z';
      });
      if (!pids.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  remove_shared_memory(shm, owner);
}

// Line `number` (from 1) of the data directory's postmaster.pid; empty when there is none.
std::string postmaster_pid_line(const fs::path& data_dir, int number) {
  std::ifstream in(data_dir / "postmaster.pid");
  std::string line;
  for (int i = 0; i < number; ++i) {
    if (!std::getline(in, line)) return "";
  }
  return line;
}

// A server killed with SIGKILL leaves its small System V interlock segment behind (the rest
// of its shared memory is anonymous, or in the data directory: dynamic_shared_memory_type is
// mmap). postmaster.pid's seventh line names it; it goes once nothing is attached, and only if
// `owner` (the server's OS user) owns it.
void remove_orphaned_shared_memory(const fs::path& data_dir, uid_t owner) {
  std::istringstream fields(postmaster_pid_line(data_dir, 7));
  unsigned long key = 0;
  long id = -1;
  if (!(fields >> key >> id) || id < 0) return;
  struct shmid_ds info;
  if (shmctl(static_cast<int>(id), IPC_STAT, &info) == 0 && info.shm_nattch == 0 &&
      static_cast<unsigned long>(info.shm_perm.__key) == key && info.shm_perm.uid == owner) {
    shmctl(static_cast<int>(id), IPC_RMID, nullptr);
  }
}

// Run directories of mgate processes that died without cleaning up (SIGKILL, power loss).
void remove_stale_runs(const fs::path& runtime_dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(runtime_dir, ec)) {
    if (!made_by_a_dead_process(entry.path().filename().string(), kRunPrefix)) continue;
    struct stat run;
    if (stat(entry.path().c_str(), &run) != 0) continue;
    kill_processes_inside(entry.path(), run.st_uid);  // given to the server's user
    remove_orphaned_shared_memory(entry.path() / "data", run.st_uid);
    std::error_code rm;
    fs::remove_all(entry.path(), rm);
  }
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string tail(const std::string& text, std::size_t lines) {
  std::size_t at = text.size();
  while (lines-- > 0 && at > 0) {
    at = text.rfind('\n', at - 1);
    if (at == std::string::npos) return text;
  }
  return text.substr(at + 1);
}

// postmaster.pid's eighth line is the server's status: "starting", "ready", "stopping".
bool reports_ready(const fs::path& data_dir) {
  return postmaster_pid_line(data_dir, 8).rfind("ready", 0) == 0;
}

// Bytes allocated to the files under `dir`. Files come and go while it counts (a database being
// copied or dropped): those are passed over.
std::uint64_t disk_usage(const fs::path& dir) {
  std::uint64_t total = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec),
       end;
       !ec && it != end; it.increment(ec)) {
    struct stat st;
    if (lstat(it->path().c_str(), &st) == 0)
      total += static_cast<std::uint64_t>(st.st_blocks) * 512;
  }
  return total;
}

std::string megabytes(std::uint64_t bytes) {
  return fmt::format("{} MB", bytes / (1024 * 1024));
}

class LocalProvider : public Provider {
 public:
  explicit LocalProvider(LocalOptions options) : options_(std::move(options)) {}
  ~LocalProvider() override {
    stop();
    if (teardown_) unregister_teardown(*teardown_);
  }

  std::string_view name() const override { return "local"; }

  std::optional<std::string> stopped_early() const override {
    std::lock_guard lock(watch_mutex_);
    return stopped_early_;
  }

  Endpoint start() override {
    Binaries binaries = find_binaries(options_, cache_dir());
    if (geteuid() == 0) account_ = lookup_account(options_.run_as);
    fs::path runtime = options_.runtime_dir.empty() ? default_runtime_dir() : options_.runtime_dir;
    fs::create_directories(runtime);
    remove_stale_runs(runtime);
    {
      std::lock_guard lock(mutex_);
      std::string pattern = (runtime / fmt::format("{}{}-XXXXXX", kRunPrefix, getpid())).string();
      if (!mkdtemp(pattern.data())) {
        throw EnvironmentError(fmt::format("cannot create a directory in {}", runtime.string()));
      }
      run_dir_ = pattern;
    }
    teardown_ = register_teardown([this] { stop(); });
    try {
      if (account_) chown_tree(run_dir_, *account_);
      fs::path data = run_dir_ / "data";
      prepare_data_dir(binaries, data);
      fs::path socket = run_dir_ / "socket";
      fs::create_directory(socket);
      fs::permissions(socket, fs::perms::owner_all);
      if (account_) chown_tree(socket, *account_);
      start_server(binaries, data, socket);
      if (options_.max_disk > 0) watcher_ = std::thread([this] { watch_disk(); });
      return Endpoint{socket.string(), kPort, std::string(kSuperuser), "", "postgres", {}};
    } catch (...) {
      stop();
      throw;
    }
  }

  void stop() override {
    {
      std::lock_guard lock(watch_mutex_);
      watching_ = false;
    }
    watch_wake_.notify_all();
    if (watcher_.joinable() && watcher_.get_id() != std::this_thread::get_id()) watcher_.join();
    std::lock_guard lock(mutex_);
    if (server_) {
      // Immediate shutdown: the data is thrown away, so nothing needs to be flushed.
      server_->stop(SIGQUIT);
      server_.reset();
    }
    if (!run_dir_.empty()) {
      uid_t owner = account_ ? account_->uid : geteuid();
      kill_processes_inside(run_dir_, owner);
      remove_orphaned_shared_memory(run_dir_ / "data", owner);
      // The publisher reads the template in the run directory. On SIGINT this waits for its
      // copy too, so no half-written template is left in the cache.
      if (publisher_.joinable()) publisher_.join();
      std::error_code ec;
      fs::remove_all(run_dir_, ec);
      run_dir_.clear();
    }
  }

 private:
  // Stops the server (immediate shutdown) once the run directory outgrows options_.max_disk:
  // one migration could otherwise fill the machine's memory (/dev/shm) or disk. Counting the
  // files costs a few milliseconds; it runs at most a twentieth of the time.
  void watch_disk() {
    std::unique_lock lock(watch_mutex_);
    while (watching_) {
      lock.unlock();
      auto started = Clock::now();
      std::uint64_t used = disk_usage(run_dir_);
      auto pause = std::clamp<Clock::duration>(
          (Clock::now() - started) * 20, std::chrono::milliseconds(100), std::chrono::seconds(1));
      lock.lock();
      if (used > options_.max_disk && watching_) {
        stopped_early_ = fmt::format(
            "the server's files grew to {}, past postgres.max_disk ({}): mgate stopped the server",
            megabytes(used), megabytes(options_.max_disk));
        if (pid_t pid = server_pid_) kill(pid, SIGQUIT);  // immediate shutdown
        return;
      }
      watch_wake_.wait_for(lock, pause, [this] { return !watching_; });
    }
  }

  SpawnOptions as_server_user(const fs::path& log) const {
    SpawnOptions o;
    o.run_as = account_;
    o.output = log;
    o.cwd = run_dir_;
    o.extra_env = {"LC_ALL=C"};
    return o;
  }

  fs::path cache_dir() const {
    return options_.cache_dir.empty() ? default_cache_dir() : options_.cache_dir;
  }

  // A copy of the cached template, or a fresh initdb that then becomes the template.
  void prepare_data_dir(const Binaries& binaries, const fs::path& data) {
    fs::path templates = cache_dir() / "templates";
    std::string key = fmt::format("pg{}-{:08x}", binaries.version,
                                  std::hash<std::string>{}(binaries.dir.string()) & 0xffffffffu);
    fs::path source = templates / key;
    std::error_code ec;
    if (!fs::is_regular_file(source / "PG_VERSION", ec)) {
      source = initdb_and_publish(binaries, templates, key);
    }
    fs::copy(source, data, kTreeCopy);
    if (account_) chown_tree(data, *account_);
    fs::permissions(data, fs::perms::owner_all);
  }

  // initdb into the run directory; the server gets a copy, and the untouched original is
  // published to the cache while the server starts and the gates run: on a slow disk that copy
  // took longer than initdb itself. Returns the fresh data directory.
  fs::path initdb_and_publish(const Binaries& binaries, const fs::path& templates,
                              const std::string& key) {
    fs::path fresh = run_dir_ / "template";
    CommandResult r = run_command(
        {(binaries.dir / "initdb").string(), "-D", fresh.string(), "-U", std::string(kSuperuser),
         "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync", "--wal-segsize=1"},
        as_server_user(""));
    if (r.exit_code != 0) {
      throw EnvironmentError(
          fmt::format("initdb failed (exit {}):\n{}", r.exit_code, tail(r.output, 15)));
    }
    publisher_ = std::thread([fresh, templates, key] {
      // Atomically: concurrent first runs each initdb, one rename wins. A failure only means
      // the next run initdbs again.
      std::error_code ec;
      fs::create_directories(templates, ec);
      fs::path staging = templates / (key + ".tmp-" + random_suffix());
      fs::copy(fresh, staging, kTreeCopy, ec);
      if (ec || rename(staging.c_str(), (templates / key).c_str()) != 0) {
        fs::remove_all(staging, ec);
      }
    });
    return fresh;
  }

  // dynamic_shared_memory_type=mmap keeps the dynamic segments in the data directory, so they
  // go with it even after the server was killed; posix ones would stay in /dev/shm.
  void start_server(const Binaries& binaries, const fs::path& data, const fs::path& socket) {
    std::vector<std::string> argv = {(binaries.dir / "postgres").string(),
                                     "-D",
                                     data.string(),
                                     "-k",
                                     socket.string(),
                                     "-p",
                                     std::to_string(kPort),
                                     "-c",
                                     "listen_addresses=",
                                     "-c",
                                     "unix_socket_permissions=0700",
                                     "-c",
                                     "fsync=off",
                                     "-c",
                                     "full_page_writes=off",
                                     "-c",
                                     "synchronous_commit=off",
                                     "-c",
                                     "wal_level=minimal",
                                     "-c",
                                     "max_wal_senders=0",
                                     "-c",
                                     "autovacuum=off",
                                     "-c",
                                     "dynamic_shared_memory_type=mmap",
                                     "-c",
                                     "max_connections=64",
                                     "-c",
                                     "shared_buffers=32MB"};
    fs::path log = run_dir_ / "server.log";
    SpawnOptions o = as_server_user(log);
    o.die_with_parent = true;
    {
      std::lock_guard lock(mutex_);
      server_ = std::make_unique<ChildProcess>(argv, o);
      server_pid_ = server_->pid();
    }
    wait_until_ready(data, log);
  }

  // Watches the data directory for postmaster.pid changes instead of sleeping.
  void wait_until_ready(const fs::path& data, const fs::path& log) {
    int watch = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (watch >= 0) inotify_add_watch(watch, data.c_str(), IN_CLOSE_WRITE | IN_MODIFY | IN_CREATE);
    auto deadline = Clock::now() + std::chrono::seconds(60);
    for (;;) {
      if (reports_ready(data)) break;
      if (!server_->running()) {
        if (watch >= 0) close(watch);
        throw EnvironmentError(fmt::format("the PostgreSQL server exited during start-up:\n{}",
                                           tail(read_text(log), 15)));
      }
      if (Clock::now() > deadline) {
        if (watch >= 0) close(watch);
        throw EnvironmentError(
            fmt::format("the PostgreSQL server did not become ready within 60s:\n{}",
                        tail(read_text(log), 15)));
      }
      // The timeout only matters if the server dies without touching the directory.
      pollfd p{watch, POLLIN, 0};
      poll(&p, watch >= 0 ? 1 : 0, 20);
      char buffer[4096];
      while (watch >= 0 && read(watch, buffer, sizeof buffer) > 0) {
      }
    }
    if (watch >= 0) close(watch);
  }

  LocalOptions options_;
  std::optional<Account> account_;
  std::mutex mutex_;
  fs::path run_dir_;
  std::unique_ptr<ChildProcess> server_;
  std::thread publisher_;  // copies a fresh initdb into the template cache
  std::optional<int> teardown_;

  std::atomic<pid_t> server_pid_{0};
  std::thread watcher_;  // of the run directory's size
  mutable std::mutex watch_mutex_;
  std::condition_variable watch_wake_;
  bool watching_ = true;
  std::optional<std::string> stopped_early_;
};

}  // namespace

std::unique_ptr<Provider> make_local_provider(const LocalOptions& options) {
  return std::make_unique<LocalProvider>(options);
}

}  // namespace mgate::pg
