#pragma once
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace mgate::pg {

// How to reach a server: a TCP host or a unix socket directory, and who to be.
struct Endpoint {
  std::string host;  // host name, or an absolute socket directory
  int port = 5432;
  std::string user;
  std::string password;  // never printed: see redacted()
  std::string database;
  std::map<std::string, std::string> options;  // other libpq keywords, e.g. sslmode

  // A libpq keyword/value connection string for `database` (default: this endpoint's).
  std::string conninfo(const std::string& other_database = "") const;
  // The same without the password, for messages.
  std::string redacted() const;
};

// Parses a postgres:// or postgresql:// URL; throws InputError (whose message has no password).
Endpoint parse_database_url(const std::string& url);

// Where the dynamic gates get a server. start() returns a superuser-or-owner endpoint of a
// running server; stop() (also run by the destructor and on SIGINT/SIGTERM) removes everything
// the provider created. Both throw EnvironmentError when the server cannot be started or
// reached, InputError for a configuration the user must fix.
class Provider {
 public:
  virtual ~Provider() = default;
  virtual std::string_view name() const = 0;
  virtual Endpoint start() = 0;
  // Idempotent and thread-safe.
  virtual void stop() = 0;
  // Whether databases other than the ones mgate creates exist that mgate must never touch.
  virtual bool shared() const { return false; }
  // Why the provider stopped the server itself before stop() (it outgrew postgres.max_disk),
  // if it did. Thread-safe.
  virtual std::optional<std::string> stopped_early() const { return std::nullopt; }
};

struct LocalOptions {
  int version = 15;               // the major version wanted when several are installed
  std::filesystem::path bin_dir;  // empty: pg_config --bindir, then /usr/lib/postgresql/*/bin
  std::filesystem::path
      cache_dir;  // empty: $MGATE_CACHE_DIR, $XDG_CACHE_HOME/mgate, ~/.cache/mgate
  std::filesystem::path runtime_dir;  // per-run directories; empty: $MGATE_RUNTIME_DIR or $TMPDIR
  std::string run_as = "postgres";    // when mgate runs as root
  // The run directory (data, log) may grow to this many bytes; past it the server is stopped.
  // 0: no limit.
  std::uint64_t max_disk = 0;
};

struct DockerOptions {
  std::string image = "postgres:15";
  std::string program = "docker";  // the docker executable (tests use a stand-in)
  std::chrono::milliseconds ready_timeout{60000};
  std::uint64_t max_disk = 0;  // bytes of the container's data directory (a tmpfs); 0: no limit
};

std::unique_ptr<Provider> make_local_provider(const LocalOptions& options);
std::unique_ptr<Provider> make_docker_provider(const DockerOptions& options);
std::unique_ptr<Provider> make_external_provider(const std::string& database_url);

}  // namespace mgate::pg
