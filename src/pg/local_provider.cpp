// The default provider: a private PostgreSQL server started from the installed binaries, on a
// unix socket only, from a cached initdb template, removed on every exit path.
#include <signal.h>
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
#include <mutex>
#include <sstream>
#include <thread>

#include "core/config.hpp"
#include "pg/postmaster_pid.hpp"
#include "pg/process.hpp"
#include "pg/process_reaping.hpp"
#include "pg/provider.hpp"
#include "pg/server_binaries.hpp"
#include "pg/server_cache.hpp"
#include "pg/shared_memory.hpp"
#include "pg/stale_runs.hpp"
#include "pg/teardown.hpp"

namespace mgate::pg {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kPort = 5432;  // only names the socket file: every run has its own socket directory
constexpr std::string_view kSuperuser = "postgres";
constexpr auto kTreeCopy = fs::copy_options::recursive | fs::copy_options::copy_symlinks;

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
    ServerBinaries binaries = find_server_binaries(options_, cache_dir());
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
  void prepare_data_dir(const ServerBinaries& binaries, const fs::path& data) {
    fs::path cached = template_dir(cache_dir(), binaries);
    std::error_code ec;
    fs::path source = fs::is_regular_file(cached / "PG_VERSION", ec)
                          ? cached
                          : initdb_and_publish(binaries, cached);
    fs::copy(source, data, kTreeCopy);
    if (account_) chown_tree(data, *account_);
    fs::permissions(data, fs::perms::owner_all);
  }

  // initdb into the run directory; the server gets a copy, and the untouched original is
  // published to the cache while the server starts and the gates run: on a slow disk that copy
  // took longer than initdb itself. Returns the fresh data directory.
  fs::path initdb_and_publish(const ServerBinaries& binaries, const fs::path& cached) {
    fs::path fresh = run_dir_ / "template";
    CommandResult r = run_command(
        {(binaries.dir / "initdb").string(), "-D", fresh.string(), "-U", std::string(kSuperuser),
         "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync", "--wal-segsize=1"},
        as_server_user(""));
    if (r.exit_code != 0) {
      throw EnvironmentError(
          fmt::format("initdb failed (exit {}):\n{}", r.exit_code, tail(r.output, 15)));
    }
    publisher_ = std::thread([fresh, cached] { publish_template(fresh, cached); });
    return fresh;
  }

  // dynamic_shared_memory_type=mmap keeps the dynamic segments in the data directory, so they
  // go with it even after the server was killed; posix ones would stay in /dev/shm.
  void start_server(const ServerBinaries& binaries, const fs::path& data, const fs::path& socket) {
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
    switch (wait_until_ready(data, *server_, std::chrono::seconds(60))) {
      case ServerStart::ready:
        return;
      case ServerStart::exited:
        throw EnvironmentError(fmt::format("the PostgreSQL server exited during start-up:\n{}",
                                           tail(read_text(log), 15)));
      case ServerStart::timed_out:
        throw EnvironmentError(
            fmt::format("the PostgreSQL server did not become ready within 60s:\n{}",
                        tail(read_text(log), 15)));
    }
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
