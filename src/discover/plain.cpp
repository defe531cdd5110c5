// The layouts of numbered files directly in the migrations directory, a file per direction:
// plain, golang-migrate and sqlx. They differ in which names their tool reads and in how it
// sends a file to PostgreSQL.
#include <fmt/core.h>

#include <map>
#include <optional>
#include <utility>

#include "discover/layout.hpp"
#include "discover/numbered_file.hpp"

namespace mgate::discovery {
namespace {

// What sets the three layouts apart.
struct UpDownRules {
  std::string_view tool;
  // golang-migrate reads only .up.sql and .down.sql files and skips a bare .sql.
  bool direction_required = false;
  // sqlx stops on a .sql file whose name has a '_' but no integer before it.
  bool refuses_bad_version = false;
  // sqlx reads `-- no-transaction` at the very start of a file.
  bool no_transaction_header = false;
};

// The up and down scripts found for one <version>_<name>.
struct UpDown {
  std::optional<Entry> up;
  std::optional<Entry> down;
};

Transaction transaction_of(Scan& scan, const Entry& file, const UpDownRules& rules,
                           Transaction undeclared) {
  // sqlx sends a no-transaction file as one query (Transaction::query).
  if (rules.no_transaction_header && scan.read(file.path).starts_with("-- no-transaction"))
    return Transaction::query;
  return undeclared;
}

void read_up_down_files(Scan& scan, const UpDownRules& rules, Transaction undeclared) {
  std::map<std::pair<std::string, std::string>, UpDown> found;
  for (Entry& entry : scan.entries(scan.dir())) {
    if (entry.directory) {
      if (looks_like_migration(entry.name + ".sql"))
        scan.ignored(entry.path, fmt::format("a directory: {} reads the files directly in {}",
                                             rules.tool, scan.relative(scan.dir())));
      continue;
    }
    if (auto what = code_migration(entry.name)) {
      add_code_migration(scan, entry, *what);
      continue;
    }
    NumberedFileName parsed = read_numbered_file(entry.name, true);
    if (!parsed.file) {
      // sqlx takes every <something>_<something>.sql for a migration.
      bool named_like_sqlx =
          entry.name.ends_with(".sql") && entry.name.find('_') != std::string::npos;
      if (rules.refuses_bad_version && named_like_sqlx) {
        scan.stray(entry.path, fmt::format("{} cannot read a version from the name (digits "
                                           "before the first '_'), and refuses the directory",
                                           rules.tool));
      } else if (looks_like_migration(entry.name)) {
        scan.ignored(entry.path, fmt::format("{}: {} skips it", parsed.problem, rules.tool));
      }
      continue;
    }
    const NumberedFile& file = *parsed.file;
    if (rules.direction_required && file.direction == Direction::unspecified) {
      scan.ignored(entry.path,
                   fmt::format("{} reads only {}_{}.up.sql and {}_{}.down.sql, and skips this one",
                               rules.tool, file.version, file.name, file.version, file.name));
      continue;
    }
    UpDown& scripts = found[{file.version, file.name}];
    std::optional<Entry>& slot = file.direction == Direction::down ? scripts.down : scripts.up;
    if (slot) {
      scan.stray(entry.path, fmt::format("a second {} script for {}_{} (the first is {})",
                                         file.direction == Direction::down ? "down" : "up",
                                         file.version, file.name, slot->name));
      continue;
    }
    slot = std::move(entry);
  }

  for (auto& [key, scripts] : found) {
    const auto& [version, name] = key;
    if (!scripts.up) {
      scan.stray(scripts.down->path,
                 rules.direction_required
                     ? fmt::format("down migration without an up: no {}_{}.up.sql", version, name)
                     : fmt::format("down migration without an up: no {}_{}.sql or {}_{}.up.sql",
                                   version, name, version, name));
      continue;
    }
    Migration migration;
    migration.version = {version};
    migration.name = name;
    migration.up = Script{scan.relative(scripts.up->path)};
    migration.up->transaction = transaction_of(scan, *scripts.up, rules, undeclared);
    migration.files.push_back(migration.up->file);
    if (scripts.down) {
      migration.down = Script{scan.relative(scripts.down->path)};
      migration.down->transaction = transaction_of(scan, *scripts.down, rules, undeclared);
      migration.files.push_back(migration.down->file);
    }
    scan.add(std::move(migration));
  }
}

}  // namespace

// A plain runner sends every file as [migrations] transaction says: one transaction each by
// default (psql -1 and most runners), or one statement at a time (psql -f).
void read_plain(Scan& scan, Transaction undeclared) {
  read_up_down_files(scan, {.tool = "a plain runner"}, undeclared);
}

// golang-migrate sends each file to PostgreSQL as one query string (Transaction::query).
void read_golang_migrate(Scan& scan, Transaction undeclared) {
  read_up_down_files(scan, {.tool = "golang-migrate", .direction_required = true}, undeclared);
}

// sqlx runs each file in a transaction unless its first line is `-- no-transaction`; both
// <version>_<description>.sql and reversible .up.sql/.down.sql pairs are migrations.
void read_sqlx(Scan& scan, Transaction undeclared) {
  read_up_down_files(scan,
                     {.tool = "sqlx", .refuses_bad_version = true, .no_transaction_header = true},
                     undeclared);
}

}  // namespace mgate::discovery
