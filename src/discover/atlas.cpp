#include <fmt/core.h>

#include <string_view>

#include "discover/layout.hpp"
#include "discover/sections.hpp"

namespace mgate::discovery {
namespace {

// The value of a file directive such as `-- atlas:txmode none`. Atlas reads directives only
// from the comment lines at the top of a file that a blank line separates from the statements.
std::optional<std::string> file_directive(std::string_view text, std::string_view name) {
  std::vector<Line> lines = lines_of(text);
  std::optional<std::string> value;
  std::size_t i = 0;
  for (; i < lines.size(); ++i) {
    std::string_view line = lines[i].text;
    if (!line.starts_with("--") && !line.starts_with("#")) break;
    std::size_t at = line.find("atlas:");
    if (at == std::string_view::npos) continue;
    std::string_view rest = line.substr(at + 6);
    if (!rest.starts_with(name)) continue;
    rest.remove_prefix(name.size());
    if (!rest.empty() && rest.front() != ' ') continue;
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);
    value = std::string(rest);
  }
  bool detached = i == lines.size() || lines[i].text.find_first_not_of(" \t") == std::string::npos;
  return detached ? value : std::nullopt;
}

}  // namespace

// Atlas applies every .sql file directly in the directory, in name order, each in a
// transaction of its own unless the file says `-- atlas:txmode none` (then statement by
// statement); atlas.sum holds their checksums, which the history gate checks as Atlas does.
void read_atlas(Scan& scan, Transaction undeclared) {
  bool summed = false;
  bool any = false;
  for (const Entry& entry : scan.entries(scan.dir())) {
    if (entry.directory) continue;
    if (entry.name == "atlas.sum") {
      scan.checksum_file(entry.path);
      summed = true;
      continue;
    }
    if (!entry.name.ends_with(".sql")) continue;
    std::string_view stem(entry.name);
    stem.remove_suffix(4);
    std::size_t underscore = stem.find('_');
    Migration migration;
    migration.version = {std::string(stem.substr(0, underscore))};
    if (underscore != std::string_view::npos)
      migration.name = std::string(stem.substr(underscore + 1));
    Transaction transaction = undeclared;
    std::optional<std::string> mode = file_directive(scan.read(entry.path), "txmode");
    if (mode == "none") {
      transaction = Transaction::statement;
    } else if (mode && mode != "file") {
      scan.stray(entry.path, fmt::format("-- atlas:txmode {}: Atlas accepts only none or file in a "
                                         "file, and refuses the migration",
                                         *mode));
    }
    migration.up = Script{scan.relative(entry.path), {0, std::string::npos}, transaction};
    migration.files.push_back(migration.up->file);
    scan.add(std::move(migration));
    any = true;
  }
  if (any && !summed)
    scan.stray(scan.dir() / "atlas.sum",
               "no atlas.sum: Atlas refuses a migration directory without its checksum file "
               "(atlas migrate hash writes it)");
}

}  // namespace mgate::discovery
