// Finding the server binaries: the directories tried, in order, and the version each holds.
#include "pg/server_binaries.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <vector>

#include "core/config.hpp"
#include "pg/process.hpp"
#include "pg/server_cache.hpp"

namespace mgate::pg {
namespace {

namespace fs = std::filesystem;

bool has_server(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "postgres", ec) && fs::is_regular_file(dir / "initdb", ec);
}

std::optional<ServerBinaries> probe(const fs::path& dir, const fs::path& cache) {
  if (!has_server(dir)) return std::nullopt;
  ServerBinaries b{dir, "", 0};
  std::string identity = binary_identity(dir / "postgres");
  if (auto version = remembered_version(cache, dir / "postgres", identity)) {
    b.version = *version;
  } else {
    CommandResult r = run_command({(dir / "postgres").string(), "--version"});
    // "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
    std::string marker = "(PostgreSQL) ";
    auto at = r.output.find(marker);
    if (r.exit_code != 0 || at == std::string::npos) return std::nullopt;
    std::istringstream in(r.output.substr(at + marker.size()));
    in >> b.version;
    if (!identity.empty()) remember_version(cache, dir / "postgres", identity, b.version);
  }
  b.major = std::atoi(b.version.c_str());
  return b;
}

}  // namespace

ServerBinaries find_server_binaries(const LocalOptions& options, const fs::path& cache) {
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
  std::optional<ServerBinaries> fallback;
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

}  // namespace mgate::pg
