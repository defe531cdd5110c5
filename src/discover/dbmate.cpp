#include <fmt/core.h>

#include <cctype>
#include <optional>

#include "discover/layout.hpp"
#include "discover/sections.hpp"

namespace mgate::discovery {
namespace {

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

// A "-- migrate:up" or "-- migrate:down" line, read as dbmate reads it: "--", optional blanks,
// the directive, then the end of the line or blank-separated options such as "transaction:false".
struct Directive {
  bool up = true;
  bool transaction = true;
};

std::optional<Directive> read_directive(std::string_view line) {
  if (!line.starts_with("--")) return std::nullopt;
  line.remove_prefix(2);
  while (!line.empty() && is_space(line.front())) line.remove_prefix(1);
  Directive directive;
  if (line.starts_with("migrate:up")) {
    line.remove_prefix(std::string_view("migrate:up").size());
  } else if (line.starts_with("migrate:down")) {
    directive.up = false;
    line.remove_prefix(std::string_view("migrate:down").size());
  } else {
    return std::nullopt;
  }
  if (!line.empty() && !is_space(line.front())) return std::nullopt;  // "-- migrate:upgrade"
  while (!line.empty()) {
    while (!line.empty() && is_space(line.front())) line.remove_prefix(1);
    std::size_t end = 0;
    while (end < line.size() && !is_space(line[end])) ++end;
    std::string_view option = line.substr(0, end);
    line.remove_prefix(end);
    if (option == "transaction:false") directive.transaction = false;
  }
  return directive;
}

// dbmate's migrationFileRegexp, ^(\d+).*\.sql$: the version is the leading digits.
struct DbmateName {
  std::string version;
  std::string name;
};

std::optional<DbmateName> read_dbmate_name(std::string_view file_name) {
  if (!file_name.ends_with(".sql")) return std::nullopt;
  std::size_t digits = 0;
  while (digits < file_name.size() && std::isdigit(static_cast<unsigned char>(file_name[digits])))
    ++digits;
  if (digits == 0) return std::nullopt;
  std::string_view rest = file_name.substr(digits, file_name.size() - digits - 4);
  if (!rest.empty() && (rest.front() == '_' || rest.front() == '-')) rest.remove_prefix(1);
  return DbmateName{std::string(file_name.substr(0, digits)), std::string(rest)};
}

void read_dbmate_file(Scan& scan, const Entry& entry, const DbmateName& name,
                      Transaction undeclared) {
  std::string text = scan.read(entry.path);
  if (text.starts_with(kByteOrderMark)) {
    scan.stray(entry.path, byte_order_mark_rejected("dbmate"));
    return;
  }
  std::vector<Line> lines = lines_of(text);
  std::optional<std::size_t> up;  // indexes into lines: dbmate uses the first of each
  std::optional<std::size_t> down;
  std::optional<Directive> up_directive;
  std::optional<Directive> down_directive;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::optional<Directive> directive = read_directive(lines[i].text);
    if (!directive) continue;
    if (directive->up && !up) {
      up = i;
      up_directive = directive;
    } else if (!directive->up && !down) {
      down = i;
      down_directive = directive;
    }
  }
  if (!up) {
    scan.stray(entry.path, "no '-- migrate:up' line: dbmate needs one to open the up section");
    return;
  }

  std::vector<Line> markers{lines[*up]};
  if (down) markers.insert(*down < *up ? markers.begin() : markers.end(), lines[*down]);
  std::size_t up_marker = down && *down < *up ? 1 : 0;

  Migration migration;
  migration.version = {name.version};
  migration.name = name.name;
  std::string file = scan.relative(entry.path);
  migration.files.push_back(file);
  migration.up = Script{file, section_after(markers, up_marker, text.size())};
  if (down) {
    migration.down = Script{file, section_after(markers, 1 - up_marker, text.size())};
    if (*down < *up)
      scan.stray(entry.path,
                 "'-- migrate:down' comes before '-- migrate:up': dbmate requires "
                 "the up section first");
  } else {
    scan.stray(entry.path, "no '-- migrate:down' line: dbmate requires a down section");
  }
  for (std::size_t i = 0; i < *up && (!down || i < *down); ++i) {
    if (!is_blank_or_comment(lines[i].text)) {
      scan.stray(entry.path,
                 fmt::format("line {}: SQL before '-- migrate:up' belongs to no section; dbmate "
                             "rejects it",
                             i + 1));
      break;
    }
  }
  // dbmate runs a section with transaction:false as one Exec outside a transaction: one query
  // string, which PostgreSQL runs in one implicit transaction when it holds several statements.
  migration.up->transaction = up_directive->transaction ? undeclared : Transaction::query;
  if (migration.down)
    migration.down->transaction = down_directive->transaction ? undeclared : Transaction::query;
  scan.add(std::move(migration));
}

}  // namespace

bool has_dbmate_up(std::string_view text) {
  // Detection asks this of every SQL file in a directory: most hold no directive at all.
  if (text.find("migrate:up") == std::string_view::npos) return false;
  for (const Line& line : lines_of(text)) {
    std::optional<Directive> directive = read_directive(line.text);
    if (directive && directive->up) return true;
  }
  return false;
}

void read_dbmate(Scan& scan, Transaction undeclared) {
  // dbmate reads the files directly in the directory whose names match its pattern, and
  // ignores everything else.
  for (const Entry& entry : scan.entries(scan.dir())) {
    if (entry.directory) continue;
    if (std::optional<DbmateName> name = read_dbmate_name(entry.name))
      read_dbmate_file(scan, entry, *name, undeclared);
  }
}

}  // namespace mgate::discovery
