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
  // golang-migrate and sqlx pair a down script with the up of its version: the names after the
  // version are only for people (golang-migrate's MIGRATIONS.md: "the title ... is unused").
  bool pairs_by_version = false;
  // Atlas sums a golang-migrate directory's up files in atlas.sum (format=golang-migrate), and
  // refuses the directory when they differ from it; the history gate checks it as Atlas does.
  bool atlas_sum = false;
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

using Found = std::map<std::pair<std::string, std::string>, UpDown>;

// Gives a down script whose name matches no up the up of its version, when that version has
// exactly one up without a down: 30_add_x.up.sql and 30_drop_x.down.sql are one migration to
// golang-migrate and sqlx. Two ups of one version stay two migrations, which the naming gate
// reports as a duplicate version.
void pair_by_version(Found& found) {
  for (auto it = found.begin(); it != found.end();) {
    UpDown& scripts = it->second;
    if (scripts.up || !scripts.down) {
      ++it;
      continue;
    }
    const std::string& version = it->first.first;
    UpDown* partner = nullptr;
    int partners = 0;
    for (auto same = found.lower_bound({version, ""});
         same != found.end() && same->first.first == version; ++same) {
      if (same->second.up && !same->second.down) {
        partner = &same->second;
        ++partners;
      }
    }
    if (partners != 1) {
      ++it;
      continue;
    }
    partner->down = std::move(scripts.down);
    it = found.erase(it);
  }
}

// Why a down script has no up to revert, as its tool would see it.
std::string orphan_down_reason(const Found& found, const std::string& version,
                               const std::string& name, const UpDownRules& rules) {
  if (!rules.pairs_by_version) {
    return fmt::format("down migration without an up: no {}_{}.sql or {}_{}.up.sql", version, name,
                       version, name);
  }
  int ups = 0;
  const Entry* first_down = nullptr;
  for (auto same = found.lower_bound({version, ""});
       same != found.end() && same->first.first == version; ++same) {
    if (!same->second.up) continue;
    ++ups;
    if (same->second.down) first_down = &*same->second.down;
  }
  if (ups == 0) {
    return rules.direction_required
               ? fmt::format("down migration without an up: no {}_*.up.sql", version)
               : fmt::format("down migration without an up: no {}_*.sql or {}_*.up.sql", version,
                             version);
  }
  if (ups > 1) {
    return fmt::format(
        "a down script of version {}, which has {} up scripts: {} cannot tell "
        "which one it reverts",
        version, ups, rules.tool);
  }
  return fmt::format(
      "a second down script for version {} (the first is {}): {} refuses the "
      "directory",
      version, first_down ? first_down->name : std::string("another"), rules.tool);
}

void read_up_down_files(Scan& scan, const UpDownRules& rules, Transaction undeclared) {
  Found found;
  for (Entry& entry : scan.entries(scan.dir())) {
    if (rules.atlas_sum && !entry.directory && entry.name == "atlas.sum") {
      scan.checksum_file(entry.path);
      continue;
    }
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
  if (rules.pairs_by_version) pair_by_version(found);

  for (auto& [key, scripts] : found) {
    const auto& [version, name] = key;
    if (!scripts.up) {
      scan.stray(scripts.down->path, orphan_down_reason(found, version, name, rules));
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
  read_up_down_files(scan,
                     {.tool = "golang-migrate",
                      .direction_required = true,
                      .pairs_by_version = true,
                      .atlas_sum = true},
                     undeclared);
}

// sqlx runs each file in a transaction unless its first line is `-- no-transaction`; both
// <version>_<description>.sql and reversible .up.sql/.down.sql pairs are migrations.
void read_sqlx(Scan& scan, Transaction undeclared) {
  read_up_down_files(scan,
                     {.tool = "sqlx",
                      .refuses_bad_version = true,
                      .no_transaction_header = true,
                      .pairs_by_version = true},
                     undeclared);
}

}  // namespace mgate::discovery
