#include "pg/dump_restore.hpp"

#include <fmt/core.h>

#include <random>
#include <sstream>

#include "core/config.hpp"
#include "pg/process.hpp"

namespace mgate::pg {
namespace {

namespace fs = std::filesystem;

// "pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)" -> 15; 0 when it does not run.
int major_version(const fs::path& program) {
  CommandResult r;
  try {
    r = run_command({program.string(), "--version"});
  } catch (const EnvironmentError&) {
    return 0;
  }
  if (r.exit_code != 0) return 0;
  auto paren = r.output.find(") ");
  if (paren == std::string::npos) return 0;
  return std::atoi(r.output.c_str() + paren + 2);
}

std::optional<DumpTools> tools_in(const fs::path& dir) {
  DumpTools tools{dir / "pg_dump", dir / "pg_restore", 0};
  if (!fs::exists(tools.pg_dump) || !fs::exists(tools.pg_restore)) return std::nullopt;
  tools.major = major_version(tools.pg_dump);
  if (tools.major == 0) return std::nullopt;
  return tools;
}

// The password goes through the environment, not the command line that `ps` shows.
std::pair<std::string, std::vector<std::string>> connection_arguments(const Endpoint& endpoint) {
  Endpoint without = endpoint;
  without.password.clear();
  std::vector<std::string> env;
  if (!endpoint.password.empty()) env.push_back("PGPASSWORD=" + endpoint.password);
  return {without.conninfo(), env};
}

fs::path private_directory() {
  std::random_device random;
  fs::path dir = fs::temp_directory_path() / fmt::format("mgate-dump-{:08x}", random());
  fs::create_directory(dir);
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
  return dir;
}

}  // namespace

std::optional<DumpTools> find_dump_tools(const fs::path& bin_dir, int server_major,
                                         std::string& why) {
  if (!bin_dir.empty()) {
    if (auto tools = tools_in(bin_dir); tools && tools->major >= server_major) return tools;
  }
  if (auto tools = tools_in(fmt::format("/usr/lib/postgresql/{}/bin", server_major))) return tools;
  auto dump = find_on_path("pg_dump");
  auto restore = find_on_path("pg_restore");
  if (!dump || !restore) {
    why = fmt::format(
        "no pg_dump and pg_restore for PostgreSQL {} (looked in postgres.bin_dir, "
        "/usr/lib/postgresql/{}/bin and on PATH): install postgresql-client-{}",
        server_major, server_major, server_major);
    return std::nullopt;
  }
  int major = major_version(*dump);
  if (major < server_major) {
    why = fmt::format(
        "pg_dump on PATH ({}) is version {}, older than the server ({}): it cannot dump it; "
        "install postgresql-client-{}",
        dump->string(), major, server_major, server_major);
    return std::nullopt;
  }
  return DumpTools{*dump, *restore, major};
}

RestoreOutcome dump_and_restore(const DumpTools& tools, const Endpoint& source,
                                const Endpoint& target) {
  RestoreOutcome out;
  fs::path dir = private_directory();
  fs::path file = dir / "dump";
  auto [from, from_env] = connection_arguments(source);
  SpawnOptions dump_options;
  dump_options.extra_env = from_env;
  CommandResult dump = run_command(
      {tools.pg_dump.string(), "--format=custom", "--file=" + file.string(), "--dbname=" + from},
      dump_options);
  if (dump.exit_code != 0) {
    out.dump_output = dump.output;
    fs::remove_all(dir);
    return out;
  }
  out.dumped = true;
  auto [to, to_env] = connection_arguments(target);
  SpawnOptions restore_options;
  restore_options.extra_env = to_env;
  // Owners and grants are left out: on an external server the restoring role may not be allowed
  // to give objects away, and neither is part of the schema compared afterwards.
  CommandResult restore = run_command(
      {tools.pg_restore.string(), "--no-owner", "--no-privileges", "--dbname=" + to, file.string()},
      restore_options);
  fs::remove_all(dir);
  if (restore.exit_code == 0) return out;
  std::istringstream lines(restore.output);
  std::string line, error;
  // An error is a "pg_restore: error: ..." line and the lines after it that start no new
  // message (the server's message, its LINE, QUERY and CONTEXT).
  while (std::getline(lines, line)) {
    if (line.starts_with("pg_restore: ")) {
      if (!error.empty()) out.errors.push_back(error);
      error.clear();
      if (line.starts_with("pg_restore: error: ")) error = line.substr(19);
    } else if (!error.empty()) {
      error += "\n" + line;
    }
  }
  if (!error.empty()) out.errors.push_back(error);
  if (out.errors.empty()) out.errors.push_back(restore.output);
  return out;
}

}  // namespace mgate::pg
