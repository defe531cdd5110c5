#include <fmt/core.h>

#include "discover/layout.hpp"

namespace mgate::discovery {

// Prisma Migrate keeps one directory per migration, <timestamp>_<name>/migration.sql, beside
// migration_lock.toml, and applies them in the order of the directory names. The whole name is
// the migration's identity in _prisma_migrations, so it is the version here.
void read_prisma(Scan& scan, Transaction undeclared) {
  for (const Entry& entry : scan.entries(scan.dir())) {
    if (!entry.directory || !scan.enter(entry)) continue;
    // Prisma reads migration.sql alone from each directory.
    std::optional<Entry> script = scan.file(entry.path, "migration.sql");
    if (!script) {
      scan.stray(entry.path,
                 "a migration directory without migration.sql: Prisma Migrate "
                 "refuses the history (P3015)");
      continue;
    }
    Migration migration;
    migration.version = {entry.name};
    std::size_t underscore = entry.name.find('_');
    migration.name =
        underscore == std::string::npos ? entry.name : entry.name.substr(underscore + 1);
    migration.up = Script{scan.relative(script->path), {0, std::string::npos}, undeclared};
    migration.files.push_back(migration.up->file);
    scan.add(std::move(migration));
  }
}

}  // namespace mgate::discovery
