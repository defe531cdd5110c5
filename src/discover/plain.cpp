#include <fmt/core.h>

#include <map>
#include <optional>
#include <utility>

#include "discover/layout.hpp"
#include "discover/numbered_file.hpp"

namespace mgate::discovery {
namespace {

// The up and down scripts found for one <version>_<name>.
struct UpDown {
  std::optional<Entry> up;
  std::optional<Entry> down;
};

}  // namespace

void read_up_down_files(Scan& scan, std::string_view layout, bool direction_required,
                        bool implicit_transaction) {
  std::map<std::pair<std::string, std::string>, UpDown> found;
  for (Entry& entry : scan.entries(scan.dir())) {
    if (entry.directory) {
      scan.stray(entry.path, fmt::format("a directory: {} migrations are the files directly in {}",
                                         layout, scan.relative(scan.dir())));
      continue;
    }
    NumberedFileName parsed = read_numbered_file(entry.name, true);
    if (!parsed.file) {
      scan.stray(entry.path, parsed.problem);
      continue;
    }
    const NumberedFile& file = *parsed.file;
    if (direction_required && file.direction == Direction::unspecified) {
      scan.stray(entry.path, fmt::format("{} needs a direction: {}_{}.up.sql or {}_{}.down.sql",
                                         layout, file.version, file.name, file.version, file.name));
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
                 direction_required
                     ? fmt::format("down migration without an up: no {}_{}.up.sql", version, name)
                     : fmt::format("down migration without an up: no {}_{}.sql or {}_{}.up.sql",
                                   version, name, version, name));
      continue;
    }
    Migration migration;
    migration.version = {version};
    migration.name = name;
    migration.implicit_transaction = implicit_transaction;
    migration.up = Script{scan.relative(scripts.up->path)};
    migration.files.push_back(migration.up->file);
    if (scripts.down) {
      migration.down = Script{scan.relative(scripts.down->path)};
      migration.files.push_back(migration.down->file);
    }
    scan.add(std::move(migration));
  }
}

// Plain numbered files are run as they are, each in one transaction.
void read_plain(Scan& scan) {
  read_up_down_files(scan, "plain", false, false);
}

}  // namespace mgate::discovery
