// Pop: gobuffalo/pop's file migrator, and ory/popx, which Ory's Kratos, Hydra and Keto apply
// their histories with. Both read every file below the directory named
// <version>_<name>[.<dialect>][.autocommit].(up|down).(sql|fizz) (popx's MigrationFileRegexp;
// gobuffalo/pop's has neither .autocommit nor popx's refusal of other .sql names), and keep, for
// PostgreSQL, the files of its dialect and those without one.
#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "discover/layout.hpp"
#include "discover/numbered_file.hpp"

namespace mgate::discovery {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_dialect_word(std::string_view word) {
  return !word.empty() && std::all_of(word.begin(), word.end(),
                                      [](char c) { return (c >= 'a' && c <= 'z') || is_digit(c); });
}

// The names Pop accepts for PostgreSQL (pop.CanonicalDialect's synonyms).
bool names_postgres(std::string_view dialect) {
  return dialect == "postgres" || dialect == "postgresql" || dialect == "pg" || dialect == "pgx";
}

}  // namespace

std::optional<PopName> read_pop_name(std::string_view file_name) {
  std::size_t digits = 0;
  while (digits < file_name.size() && is_digit(file_name[digits])) ++digits;
  if (digits == 0 || digits >= file_name.size() || file_name[digits] != '_') return std::nullopt;
  std::string_view rest = file_name.substr(digits + 1);
  std::size_t dot = rest.find('.');
  if (dot == 0 || dot == std::string_view::npos) return std::nullopt;
  PopName name;
  name.version = std::string(file_name.substr(0, digits));
  name.name = std::string(rest.substr(0, dot));
  std::vector<std::string_view> parts;
  for (std::string_view tail = rest.substr(dot + 1);;) {
    std::size_t next = tail.find('.');
    parts.push_back(tail.substr(0, next));
    if (next == std::string_view::npos) break;
    tail.remove_prefix(next + 1);
  }
  if (parts.size() < 2 || parts.size() > 4) return std::nullopt;
  std::string_view extension = parts.back();
  std::string_view direction = parts[parts.size() - 2];
  if ((extension != "sql" && extension != "fizz") || (direction != "up" && direction != "down"))
    return std::nullopt;
  name.fizz = extension == "fizz";
  name.up = direction == "up";
  parts.resize(parts.size() - 2);
  if (!parts.empty() && parts.back() == "autocommit") {
    name.autocommit = true;
    parts.pop_back();
  }
  if (parts.size() > 1) return std::nullopt;
  if (!parts.empty()) {
    if (!is_dialect_word(parts.front())) return std::nullopt;
    name.dialect = std::string(parts.front());
  }
  return name;
}

bool pop_only_name(std::string_view file_name) {
  std::optional<PopName> name = read_pop_name(file_name);
  if (!name) return false;
  static constexpr std::array<std::string_view, 14> kDialects = {
      "postgres", "postgresql", "pg",          "pgx",  "mysql",    "mariadb",    "sqlite3",
      "sqlite",   "cockroach",  "cockroachdb", "crdb", "yugabyte", "yugabytedb", "mssql"};
  bool dialect = std::find(kDialects.begin(), kDialects.end(), name->dialect) != kDialects.end();
  return dialect || name->autocommit || name->fizz;
}

namespace {

// One file Pop would run on PostgreSQL.
struct PopFile {
  Entry entry;
  PopName name;
};

// Of the files of one version and direction, the ones Pop runs on PostgreSQL: the dialect's own
// file wins over the ones without a dialect (popx's migrationRank; gobuffalo/pop's Dedup).
std::vector<PopFile> best(std::vector<PopFile> files) {
  bool specific = std::any_of(files.begin(), files.end(),
                              [](const PopFile& f) { return !f.name.dialect.empty(); });
  std::erase_if(files, [&](const PopFile& f) { return specific == f.name.dialect.empty(); });
  return files;
}

// What keeps mgate from running a file Pop runs, if anything.
std::optional<std::string> cannot_run(Scan& scan, const PopFile& file) {
  if (file.name.fizz) return "a Pop fizz migration (Pop's own language)";
  if (scan.read(file.entry.path).find("{{") != std::string::npos)
    return "a Pop migration written as a Go template (Pop expands it with its connection's "
           "details)";
  return std::nullopt;
}

Script script_of(Scan& scan, const PopFile& file, Transaction undeclared) {
  // popx runs a .autocommit. file on the connection itself, as one query string; any other
  // migration in a transaction of its own.
  return Script{scan.relative(file.entry.path),
                {0, std::string::npos},
                file.name.autocommit ? Transaction::query : undeclared};
}

}  // namespace

void read_pop(Scan& scan, Transaction undeclared) {
  // version -> (up files, down files) that PostgreSQL's connection would run
  std::map<std::string, std::pair<std::vector<PopFile>, std::vector<PopFile>>> found;
  for (Entry& entry : scan.files_below(scan.dir())) {
    std::optional<PopName> name = read_pop_name(entry.name);
    if (!name) {
      if (looks_like_migration(entry.name))
        scan.ignored(entry.path,
                     "not named <version>_<name>[.<dialect>][.autocommit].(up|down).sql: "
                     "gobuffalo/pop skips it, and ory/popx refuses the directory");
      continue;
    }
    if (!name->dialect.empty() && !names_postgres(name->dialect)) continue;  // another database's
    auto& [ups, downs] = found[name->version];
    (name->up ? ups : downs).push_back({std::move(entry), std::move(*name)});
  }

  for (auto& [version, files] : found) {
    std::vector<PopFile> ups = best(std::move(files.first));
    std::vector<PopFile> downs = best(std::move(files.second));
    if (ups.empty()) {
      for (const PopFile& down : downs)
        scan.stray(
            down.entry.path,
            fmt::format("down migration without an up: no {}_*.up.sql for PostgreSQL", version));
      continue;
    }
    // Two files of one version and direction for PostgreSQL: both stay migrations, and the
    // naming gate reports the version twice (popx runs one of them, gobuffalo/pop both).
    for (const PopFile& up : ups) {
      Migration migration;
      migration.version = {version};
      migration.name = up.name.name;
      const PopFile* down = ups.size() == 1 && downs.size() == 1 ? &downs.front() : nullptr;
      std::optional<std::string> unrunnable = cannot_run(scan, up);
      if (!unrunnable && down) unrunnable = cannot_run(scan, *down);
      if (unrunnable) {
        migration.cannot_run = std::move(*unrunnable);
        migration.files.push_back(scan.relative(up.entry.path));
        if (down) migration.files.push_back(scan.relative(down->entry.path));
        scan.add(std::move(migration));
        continue;
      }
      migration.up = script_of(scan, up, undeclared);
      migration.files.push_back(migration.up->file);
      if (down) {
        migration.down = script_of(scan, *down, undeclared);
        migration.files.push_back(migration.down->file);
      }
      scan.add(std::move(migration));
    }
    if (ups.size() > 1 || downs.size() > 1) {
      for (const PopFile& down : downs)
        scan.stray(down.entry.path,
                   fmt::format("a down script of version {}, which has {} up and {} down "
                               "scripts for PostgreSQL: Pop cannot tell which it reverts",
                               version, ups.size(), downs.size()));
    }
  }
}

}  // namespace mgate::discovery
