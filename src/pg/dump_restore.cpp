#include "pg/dump_restore.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <fmt/core.h>

#include <pqxx/pqxx>

#include <fstream>
#include <set>
#include <sstream>

#include "core/config.hpp"
#include "pg/process.hpp"
#include "pg/random_hex.hpp"
#include "pg/teardown.hpp"
#include "pg/watchdog.hpp"

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

constexpr std::string_view kDumpPrefix = "mgate-dump-";

// Dump directories of mgate processes that were killed before they removed theirs, and only
// this user's.
void remove_stale_dump_directories(const fs::path& temp) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(temp, ec)) {
    struct stat st;
    if (!made_by_a_dead_process(entry.path().filename().string(), kDumpPrefix) ||
        lstat(entry.path().c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid()) {
      continue;
    }
    std::error_code rm;
    fs::remove_all(entry.path(), rm);
  }
}

// A 0700 directory for one dump, removed on return and on a signal's teardown.
class DumpDirectory {
 public:
  DumpDirectory() {
    fs::path temp = fs::temp_directory_path();
    remove_stale_dump_directories(temp);
    path_ = temp / fmt::format("{}{}-{}", kDumpPrefix, getpid(), random_hex(8));
    fs::create_directory(path_);
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::replace);
    teardown_ = register_teardown([path = path_] {
      std::error_code ec;
      fs::remove_all(path, ec);
    });
  }
  ~DumpDirectory() {
    unregister_teardown(teardown_);
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  DumpDirectory(const DumpDirectory&) = delete;
  DumpDirectory& operator=(const DumpDirectory&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
  int teardown_ = 0;
};

std::set<std::string> extensions_in(const Endpoint& database) {
  std::set<std::string> out;
  try {
    pqxx::connection c(database.conninfo());
    pqxx::nontransaction tx(c);
    for (const auto& row : tx.exec("SELECT extname FROM pg_catalog.pg_extension"))
      out.insert(row[0].c_str());
  } catch (const pqxx::failure& e) {
    throw EnvironmentError(
        fmt::format("cannot read the extensions of {}: {}", database.redacted(), e.what()));
  }
  return out;
}

// The dump's table of contents without the extensions `target` already has (the scratch
// databases are copies of one that holds postgres.extensions): the migrations' role restores,
// and COMMENT ON EXTENSION is for the extension's owner.
std::string restore_list(const std::string& toc, const std::set<std::string>& present) {
  std::istringstream lines(toc);
  std::string line, out;
  while (std::getline(lines, line)) {
    // "2; 3079 16395 EXTENSION - citext", "3431; 0 0 COMMENT - EXTENSION citext"
    std::istringstream fields(line);
    std::string id, tableoid, oid, desc, schema, tag;
    fields >> id >> tableoid >> oid >> desc >> schema >> tag;
    bool extension =
        desc == "EXTENSION" || (desc == "COMMENT" && tag == "EXTENSION" && (fields >> tag));
    bool skip = !id.starts_with(";") && extension && present.count(tag);
    out += (skip ? ";" : "") + line + "\n";
  }
  return out;
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
                                const Endpoint& target, std::chrono::milliseconds budget) {
  RestoreOutcome out;
  DumpDirectory dir;
  fs::path file = dir.path() / "dump";
  auto [from, from_env] = connection_arguments(source);
  SpawnOptions dump_options;
  dump_options.extra_env = from_env;
  dump_options.deadline = budget;
  CommandResult dump = run_command(
      {tools.pg_dump.string(), "--format=custom", "--file=" + file.string(), "--dbname=" + from},
      dump_options);
  if (dump.timed_out) throw DeadlineExceeded("pg_dump", budget);
  if (dump.exit_code != 0) {
    out.dump_output = dump.output;
    return out;
  }
  out.dumped = true;
  CommandResult toc = run_command({tools.pg_restore.string(), "--list", file.string()});
  if (toc.exit_code != 0) {
    out.errors.push_back(toc.output);
    return out;
  }
  fs::path list = dir.path() / "list";
  std::ofstream(list) << restore_list(toc.output, extensions_in(target));
  auto [to, to_env] = connection_arguments(target);
  SpawnOptions restore_options;
  restore_options.extra_env = to_env;
  restore_options.deadline = budget;
  // Owners and grants are left out: the restoring role may not be allowed to give objects away,
  // and neither is part of the schema compared afterwards.
  CommandResult restore =
      run_command({tools.pg_restore.string(), "--no-owner", "--no-privileges",
                   "--use-list=" + list.string(), "--dbname=" + to, file.string()},
                  restore_options);
  if (restore.timed_out) throw DeadlineExceeded("pg_restore", budget);
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
