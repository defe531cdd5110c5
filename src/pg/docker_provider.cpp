// A throwaway `postgres` container on a free loopback port, removed on every exit path.
#include <libpq-fe.h>
#include <unistd.h>

#include <fmt/core.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "core/config.hpp"
#include "pg/process.hpp"
#include "pg/provider.hpp"
#include "pg/random_hex.hpp"
#include "pg/teardown.hpp"

namespace mgate::pg {
namespace {

using Clock = std::chrono::steady_clock;

std::string first_line(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

class DockerProvider : public Provider {
 public:
  explicit DockerProvider(DockerOptions options) : options_(std::move(options)) {}
  ~DockerProvider() override {
    stop();
    if (teardown_) unregister_teardown(*teardown_);
  }

  std::string_view name() const override { return "docker"; }

  Endpoint start() override {
    if (!find_on_path(options_.program)) {
      throw EnvironmentError(
          fmt::format("the docker provider needs the '{}' command, and it is not on the PATH",
                      options_.program));
    }
    std::string container = fmt::format("mgate-{}-{}", getpid(), random_hex(8));
    std::string password = random_hex(32);
    // The password reaches docker through its environment, never through its visible argv.
    SpawnOptions env;
    env.extra_env = {"POSTGRES_PASSWORD=" + password};
    CommandResult run = run_command({options_.program,
                                     "run",
                                     "--detach",
                                     "--rm",
                                     "--name",
                                     container,
                                     "--label",
                                     "mgate=ephemeral",
                                     "--env",
                                     "POSTGRES_PASSWORD",
                                     "--env",
                                     "POSTGRES_USER=postgres",
                                     "--publish",
                                     "127.0.0.1::5432",
                                     "--tmpfs",
                                     data_mount(),
                                     options_.image,
                                     "-c",
                                     "fsync=off",
                                     "-c",
                                     "full_page_writes=off",
                                     "-c",
                                     "synchronous_commit=off"},
                                    env);
    if (run.exit_code != 0) {
      throw EnvironmentError(fmt::format("docker run {} failed (exit {}): {}", options_.image,
                                         run.exit_code, first_line(run.output)));
    }
    {
      std::lock_guard lock(mutex_);
      container_ = container;
    }
    teardown_ = register_teardown([this] { stop(); });
    try {
      Endpoint e{"127.0.0.1", published_port(container), "postgres", password, "postgres", {}};
      e.options["sslmode"] = "disable";
      wait_until_ready(container, e);
      return e;
    } catch (...) {
      stop();
      throw;
    }
  }

  void stop() override {
    std::lock_guard lock(mutex_);
    if (container_.empty()) return;
    run_command({options_.program, "rm", "--force", "--volumes", container_});
    container_.clear();
  }

 private:
  // The image's data directory in memory, as big as postgres.max_disk: a migration that writes
  // more fails with "No space left on device" (SQLSTATE 53100).
  std::string data_mount() const {
    std::string mount = "/var/lib/postgresql/data";
    if (options_.max_disk > 0) mount += fmt::format(":rw,size={}", options_.max_disk);
    return mount;
  }

  int published_port(const std::string& container) {
    CommandResult r = run_command({options_.program, "port", container, "5432/tcp"});
    // "127.0.0.1:49153"
    std::string line = first_line(r.output);
    auto colon = line.rfind(':');
    int port = colon == std::string::npos ? 0 : std::atoi(line.c_str() + colon + 1);
    if (r.exit_code != 0 || port <= 0) {
      throw EnvironmentError(
          fmt::format("cannot learn the port of container {}: {}", container, line));
    }
    return port;
  }

  bool container_running(const std::string& container) {
    CommandResult r =
        run_command({options_.program, "inspect", "--format", "{{.State.Running}}", container});
    return r.exit_code == 0 && first_line(r.output) == "true";
  }

  // The image's entrypoint restarts the server once after initdb, listening on TCP only at the
  // final start: the first successful ping is the real server.
  void wait_until_ready(const std::string& container, const Endpoint& endpoint) {
    auto deadline = Clock::now() + options_.ready_timeout;
    std::string conninfo = endpoint.conninfo() + " connect_timeout=2";
    for (;;) {
      if (PQping(conninfo.c_str()) == PQPING_OK) return;
      if (!container_running(container)) {
        CommandResult logs = run_command({options_.program, "logs", "--tail", "15", container});
        throw EnvironmentError(fmt::format(
            "the PostgreSQL container {} stopped during start-up:\n{}", container, logs.output));
      }
      if (Clock::now() > deadline) {
        throw EnvironmentError(fmt::format("the PostgreSQL container {} was not ready within {}s",
                                           container, options_.ready_timeout.count() / 1000));
      }
      // A short pause between polls (each one a docker command), not a guess at start-up time.
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  DockerOptions options_;
  std::mutex mutex_;
  std::string container_;
  std::optional<int> teardown_;
};

}  // namespace

std::unique_ptr<Provider> make_docker_provider(const DockerOptions& options) {
  return std::make_unique<DockerProvider>(options);
}

}  // namespace mgate::pg
