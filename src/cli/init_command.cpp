// `mgate init`: finds the migrations, detects their layout and writes a commented mgate.toml.
#include <fmt/core.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/targets.hpp"
#include "core/config.hpp"
#include "core/layout.hpp"
#include "discover/discover.hpp"

namespace mgate {
namespace {

namespace fs = std::filesystem;

// Where the supported tools keep migrations by default, most specific first; "." is a sqitch
// project at the root (its sqitch.plan there).
constexpr std::string_view kUsualDirs[] = {"db/migrations",
                                           "db/migrate",
                                           "migrations",
                                           "prisma/migrations",
                                           "database/migrations",
                                           "sql/migrations",
                                           "src/main/resources/db/migration",
                                           "src/main/resources/db/changelog",
                                           "db/migration",
                                           "db/changelog",
                                           "sqitch",
                                           "."};

struct Found {
  std::string dir;  // relative to the root
  MigrationSet set;
};

// The first usual directory that holds migrations of a known layout.
std::optional<Found> find_migrations(const fs::path& root, const std::string& layout) {
  std::error_code ec;
  for (std::string_view dir : kUsualDirs) {
    const fs::path path = root / dir;
    if (!fs::is_directory(path, ec)) continue;
    // The root is a migrations directory only as a sqitch project: anything else there would
    // be read as plain files.
    if (dir == "." && !fs::is_regular_file(path / "sqitch.plan", ec)) continue;
    try {
      MigrationSet set = discover(root, path, layout);
      if (!set.migrations.empty()) return Found{std::string(dir), std::move(set)};
    } catch (const InputError&) {
      // Not migrations of this layout: look further.
    }
  }
  return std::nullopt;
}

std::string toml_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// Only where the runner decides how a file is sent: every other tool decides itself.
std::string transaction_line(const Layout& layout) {
  if (!layout.configurable_transaction) return "";
  return fmt::format(
      "# transaction = \"{}\"   # how the runner sends a file: per-migration | per-statement | "
      "per-query\n",
      to_string(layout.transaction));
}

std::string config_text(const Found& found) {
  return fmt::format(
      R"(# mgate.toml: written by `mgate init`. Every key is documented in docs/configuration.md;
# the commented ones show their defaults. Paths are relative to this file.

[migrations]
dir = {dir}        # {count} migrations found here
layout = {layout}   # detected; auto, {layouts}
{transaction}
[naming]
# pattern = ""                 # regex for file names without extension; "": the layout's own
# require_down = false         # true: a migration without a down/undo/revert script is an error

[rules]
# One line per rule to change its level: error | warning | note | off. `mgate rules` lists them.
# require-concurrent-index = "error"

[postgres]
version = 15                   # the major version production runs: some rules depend on it
# provider = "local"           # dynamic gates (mgate check): local | docker | external
# bin_dir = ""                 # local: where initdb and postgres live; "": found
# image = "postgres:15"        # docker
# url = ""                     # external: a server mgate may create a scratch database on
# run_as = "postgres"          # local: OS user for the server when mgate runs as root
# superuser = false            # run the migrations as a superuser
# extensions = []              # created by mgate before the migrations
# statement_timeout = "5min"   # bounds every statement of the dynamic gates
# max_disk = "2GB"             # local, docker: the server's files may take this much

# [gates]
# run = ["naming", "history", "lint", "forward", "rollback", "integrity", "locks", "plans"]

# [fixtures]                   # the rows the integrity, locks and plans gates run migrations on
# seed = []                    # SQL files loaded first, each once the tables it fills exist
# rows = 1000                  # generated rows in every table still empty
# random_seed = 42
# edge_values = true           # integrity: one row in eight holds each column's hardest values
# production_stats = ""        # production's row counts from 'mgate stats' (docs/stats.md)

# [locks]                      # the locks gate's budget and its probe behind an open transaction
# max_blocking = ""            # e.g. "2s": longest a write may wait behind one lock; "": none
# blocker_wait = "1s"          # how long a statement may wait behind it; "0": no probe

# [traffic]                    # the locks gate's concurrent workload while a migration runs
# clients = 4                  # 0: none
# blocked_threshold = "1s"     # a read or write blocked longer than this is a finding
# queries = ""                 # the application's own queries instead of generated ones

# [plans]                      # the plans gate; skipped until queries is set
# queries = ""                 # SQL file of named critical queries (docs/gates/plans.md)
# runs = 30                    # timed runs per query on each side
# warmup = 5                   # untimed runs per query on each side first
# rows = 0                     # generated rows per table; 0: fixtures.rows
# regression_threshold = 0.20  # a median this much slower (and significantly so) is reported
# cost_threshold = 2.0         # estimated cost growth (a factor) that is reported
# large_table_rows = 1000      # a new sequential scan on a table this big is reported
# baseline = "mgate-baseline.json"   # written by `mgate baseline`; commit it
# history = 20                 # recordings the baseline keeps for the drift test
)",
      fmt::arg("dir", toml_string(found.dir)), fmt::arg("count", found.set.migrations.size()),
      fmt::arg("layout", toml_string(found.set.layout)), fmt::arg("layouts", layout_list()),
      fmt::arg("transaction", transaction_line(layout_named(found.set.layout))));
}

}  // namespace

CLI::App* add_init_command(CLI::App& app, InitCommand& c) {
  CLI::App* cmd = app.add_subcommand(
      "init", "Write a commented mgate.toml for the migrations found here (never overwrites one)");
  cmd->add_option("DIR", c.dir,
                  "Migrations directory (default: the first of db/migrations, db/migrate, "
                  "migrations, ... that holds migrations)");
  cmd->add_option("--layout", c.layout, "Migration layout instead of detecting it");
  return cmd;
}

int run_init(const InitCommand& c) {
  std::error_code ec;
  const fs::path root = fs::current_path(ec);
  const fs::path file = root / "mgate.toml";
  if (fs::exists(file, ec)) {
    throw InputError(
        fmt::format("{} already exists: edit it, or remove it to start over", file.string()));
  }
  const std::string layout = c.layout.empty() ? "auto" : c.layout;
  std::optional<Found> found;
  if (!c.dir.empty()) {
    if (!fs::is_directory(c.dir, ec)) throw InputError(fmt::format("{}: not a directory", c.dir));
    found = Found{relative_to(root, c.dir), discover(root, fs::absolute(c.dir), layout)};
  } else {
    found = find_migrations(root, layout);
  }
  if (!found) {
    throw InputError(
        "no migrations found in the usual places (db/migrations, migrations, ...): name the "
        "directory, e.g. 'mgate init path/to/migrations'");
  }
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << config_text(*found);
  if (!out) throw InputError(fmt::format("cannot write {}", file.string()));
  std::cout << fmt::format("mgate: wrote mgate.toml: {} migrations in {} ({} layout)\n",
                           found->set.migrations.size(), found->dir, found->set.layout);
  return 0;
}

}  // namespace mgate
