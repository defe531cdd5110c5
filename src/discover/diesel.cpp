#include <fmt/core.h>

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <optional>

#include "discover/layout.hpp"

namespace mgate::discovery {
namespace {

// diesel names a migration directory <version>_<name> and takes whatever precedes the first
// '_' for the version (usually 2024-01-31-120000), which it records with the dashes removed.
struct DirectoryName {
  std::string version;
  std::string name;
};

DirectoryName read_directory_name(std::string_view text) {
  std::size_t underscore = std::min(text.find('_'), text.size());
  DirectoryName name;
  std::string_view version = text.substr(0, underscore);
  std::copy_if(version.begin(), version.end(), std::back_inserter(name.version),
               [](char c) { return c != '-'; });
  if (underscore < text.size()) name.name = std::string(text.substr(underscore + 1));
  return name;
}

// diesel reads metadata.toml leniently: when the file does not parse, or run_in_transaction is
// not a boolean, it uses the defaults and runs the migration in a transaction. mgate does the
// same and says so.
void read_metadata(Scan& scan, const Entry& metadata, Migration& migration) {
  // diesel runs a migration outside a transaction with batch_execute: the whole file as one
  // query, which PostgreSQL runs in one implicit transaction when it holds several statements.
  auto set_transaction = [&](bool in_transaction) {
    if (in_transaction) return;
    for (auto* script : {&migration.up, &migration.down})
      if (*script) (*script)->transaction = Transaction::query;
  };
  constexpr std::string_view kIgnored =
      "diesel ignores this file and runs the migration in a "
      "transaction";
  std::string file = scan.relative(metadata.path);
  try {
    toml::table table = toml::parse(scan.read(metadata.path), file);
    const toml::node* setting = table.get("run_in_transaction");
    if (!setting) return;
    if (std::optional<bool> value = setting->value_exact<bool>()) {
      set_transaction(*value);
    } else {
      scan.ignored(metadata.path,
                   fmt::format("line {}: run_in_transaction must be true or false; {}",
                               setting->source().begin.line, kIgnored));
    }
  } catch (const toml::parse_error& error) {
    scan.ignored(metadata.path, fmt::format("line {}: {}; {}", error.source().begin.line,
                                            error.description(), kIgnored));
  }
}

void read_migration(Scan& scan, const Entry& directory, const DirectoryName& name,
                    Transaction undeclared) {
  // diesel reads only these three; anything else in the directory is none of its business.
  std::optional<Entry> up = scan.file(directory.path, "up.sql");
  std::optional<Entry> down = scan.file(directory.path, "down.sql");
  std::optional<Entry> metadata = scan.file(directory.path, "metadata.toml");
  if (!up) {
    scan.stray(directory.path, "diesel migration directory without up.sql");
    return;
  }
  Migration migration;
  migration.version = {name.version};
  migration.name = name.name;
  migration.up = Script{scan.relative(up->path), {0, std::string::npos}, undeclared};
  migration.files.push_back(migration.up->file);
  if (down) {
    migration.down = Script{scan.relative(down->path), {0, std::string::npos}, undeclared};
    migration.files.push_back(migration.down->file);
  }
  if (metadata) {
    migration.files.push_back(scan.relative(metadata->path));
    read_metadata(scan, *metadata, migration);
  }
  scan.add(std::move(migration));
}

}  // namespace

void read_diesel(Scan& scan, Transaction undeclared) {
  // Every directory is a migration to diesel; files beside them are ignored.
  for (const Entry& entry : scan.entries(scan.dir())) {
    if (entry.directory && scan.enter(entry))
      read_migration(scan, entry, read_directory_name(entry.name), undeclared);
  }
}

}  // namespace mgate::discovery
