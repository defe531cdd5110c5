#include <fmt/core.h>

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <optional>

#include "discover/layout.hpp"

namespace mgate::discovery {
namespace {

// diesel names a migration directory <version>_<name>; the version is whatever precedes the
// first '_' (usually 2024-01-31-120000), and diesel records it with the dashes removed.
struct DirectoryName {
  std::string version;
  std::string name;
};

std::optional<DirectoryName> read_directory_name(std::string_view text) {
  std::size_t underscore = text.find('_');
  if (underscore == std::string_view::npos || underscore + 1 == text.size()) return std::nullopt;
  std::string_view version = text.substr(0, underscore);
  auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  if (!std::any_of(version.begin(), version.end(), digit) ||
      !std::all_of(version.begin(), version.end(), [&](char c) { return digit(c) || c == '-'; }))
    return std::nullopt;
  DirectoryName name{"", std::string(text.substr(underscore + 1))};
  std::copy_if(version.begin(), version.end(), std::back_inserter(name.version), digit);
  return name;
}

// diesel reads metadata.toml leniently: when the file does not parse, or run_in_transaction is
// not a boolean, it uses the defaults and runs the migration in a transaction. mgate does the
// same and says so.
void read_metadata(Scan& scan, const Entry& metadata, Migration& migration) {
  constexpr std::string_view kIgnored =
      "diesel ignores this file and runs the migration in a "
      "transaction";
  std::string file = scan.relative(metadata.path);
  try {
    toml::table table = toml::parse(scan.read(metadata.path), file);
    const toml::node* setting = table.get("run_in_transaction");
    if (!setting) return;
    if (std::optional<bool> value = setting->value_exact<bool>()) {
      migration.transactional = *value;
    } else {
      scan.stray(metadata.path, fmt::format("line {}: run_in_transaction must be true or false; {}",
                                            setting->source().begin.line, kIgnored));
    }
  } catch (const toml::parse_error& error) {
    scan.stray(metadata.path, fmt::format("line {}: {}; {}", error.source().begin.line,
                                          error.description(), kIgnored));
  }
}

void read_migration(Scan& scan, const Entry& directory, const DirectoryName& name) {
  std::optional<Entry> up;
  std::optional<Entry> down;
  std::optional<Entry> metadata;
  for (Entry& entry : scan.entries(directory.path)) {
    std::optional<Entry>* slot = nullptr;
    if (!entry.directory) {
      if (entry.name == "up.sql") slot = &up;
      if (entry.name == "down.sql") slot = &down;
      if (entry.name == "metadata.toml") slot = &metadata;
    }
    if (slot) {
      *slot = std::move(entry);
    } else {
      scan.stray(entry.path,
                 "not part of a diesel migration, which holds up.sql, down.sql and "
                 "metadata.toml");
    }
  }
  if (!up) {
    scan.stray(directory.path, "diesel migration directory without up.sql");
    return;
  }
  Migration migration;
  migration.version = {name.version};
  migration.name = name.name;
  migration.up = Script{scan.relative(up->path)};
  migration.files.push_back(migration.up->file);
  if (down) {
    migration.down = Script{scan.relative(down->path)};
    migration.files.push_back(migration.down->file);
  }
  if (metadata) {
    migration.files.push_back(scan.relative(metadata->path));
    read_metadata(scan, *metadata, migration);
  }
  scan.add(std::move(migration));
}

}  // namespace

void read_diesel(Scan& scan) {
  for (const Entry& entry : scan.entries(scan.dir())) {
    if (!entry.directory) {
      scan.stray(entry.path,
                 "a file: diesel migrations are directories <version>_<name>/ "
                 "holding up.sql and down.sql");
      continue;
    }
    std::optional<DirectoryName> name = read_directory_name(entry.name);
    if (!name) {
      scan.stray(entry.path,
                 "not a diesel migration directory name: expected <version>_<name>, "
                 "as in 2024-01-31-120000_create_users");
      continue;
    }
    if (scan.enter(entry)) read_migration(scan, entry, *name);
  }
}

}  // namespace mgate::discovery
