// sql-migrate (rubenv/sql-migrate): every .sql file directly in the directory is a migration,
// its up and down sections opened by `-- +migrate Up` and `-- +migrate Down` lines
// (sqlparse/sqlparse.go, ParseMigration). The statements of a section run one by one in a
// transaction, or each on its own with `notransaction` on the marker line.
#include <fmt/core.h>

#include <optional>
#include <string>
#include <vector>

#include "discover/layout.hpp"
#include "discover/numbered_file.hpp"
#include "discover/sections.hpp"

namespace mgate::discovery {
namespace {

constexpr std::string_view kPrefix = "-- +migrate ";

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

std::vector<std::string_view> words_of(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t at = 0;
  while (at < text.size()) {
    while (at < text.size() && is_space(text[at])) ++at;
    std::size_t end = at;
    while (end < text.size() && !is_space(text[end])) ++end;
    if (end > at) words.push_back(text.substr(at, end - at));
    at = end;
  }
  return words;
}

// A `-- +migrate <command> [options]` line, read as sqlparse's parseCommand does: the prefix
// exactly, then words. Commands are case-sensitive; one sql-migrate does not know ("Down;")
// changes nothing, so the section before it goes on.
struct Command {
  std::string_view name;  // empty: the line has no command, which sql-migrate refuses
  bool no_transaction = false;
};

std::optional<Command> read_command(std::string_view line) {
  if (!line.starts_with(kPrefix)) return std::nullopt;
  std::vector<std::string_view> words = words_of(line.substr(kPrefix.size()));
  Command command;
  if (words.empty()) return command;
  command.name = words.front();
  for (std::size_t i = 1; i < words.size(); ++i) {
    if (words[i] == "notransaction") command.no_transaction = true;
  }
  return command;
}

// sqlparse's endsWithSemicolon: the last word before a `--` word ends with ';'.
bool ends_with_semicolon(std::string_view line) {
  std::string_view last;
  for (std::string_view word : words_of(line)) {
    if (word.starts_with("--")) break;
    last = word;
  }
  return last.ends_with(';');
}

// A section: its marker line and direction.
struct Marker {
  Line line;
  bool up;
};

// Why sql-migrate refuses the file, following ParseMigration's own checks; empty when it does
// not.
std::string refusal(const std::vector<Line>& lines) {
  bool in_section = false, ignore_semicolons = false, statement_ended = false;
  std::string pending;  // what sql-migrate has buffered since the last statement ended
  auto has_text = [&] { return pending.find_first_not_of(" \t\r\n") != std::string::npos; };
  const std::string unterminated =
      "a statement does not end with a semicolon at the end of its line (or with "
      "'-- +migrate StatementEnd') before the next section or the end of the file: sql-migrate "
      "refuses the file";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i].text;
    if (line.starts_with("-- ") && !line.starts_with("-- +")) continue;
    if (std::optional<Command> command = read_command(line)) {
      if (command->name.empty())
        return fmt::format("line {}: '-- +migrate' without a command: sql-migrate refuses the file",
                           i + 1);
      if (command->name == "Up" || command->name == "Down") {
        if (has_text()) return fmt::format("line {}: {}", i + 1, unterminated);
        in_section = true;
      } else if (command->name == "StatementBegin") {
        if (in_section) ignore_semicolons = true;
      } else if (command->name == "StatementEnd") {
        if (in_section) {
          statement_ended = ignore_semicolons;
          ignore_semicolons = false;
        }
      }
    }
    if (!in_section) continue;
    if (!line.starts_with("-- +")) {
      pending += line;
      pending += '\n';
    }
    if ((!ignore_semicolons && ends_with_semicolon(line)) || statement_ended) {
      statement_ended = false;
      pending.clear();
    }
  }
  if (ignore_semicolons)
    return "'-- +migrate StatementBegin' without its '-- +migrate StatementEnd': sql-migrate "
           "refuses the file";
  if (!in_section)
    return "no '-- +migrate Up' or '-- +migrate Down' line: sql-migrate refuses the file (\"no "
           "Up/Down annotations found\")";
  if (has_text() && !pending.starts_with("-- +")) return unterminated;
  return "";
}

void read_sql_migrate_file(Scan& scan, const Entry& entry, Transaction undeclared) {
  const std::string& text = scan.read(entry.path);
  std::vector<Line> lines = lines_of(text);
  // sql-migrate does not strip a byte order mark: line 1 is then no comment and no marker.
  const bool marked = text.starts_with(kByteOrderMark);
  if (std::string why = refusal(lines); !why.empty()) {
    scan.stray(entry.path, marked ? byte_order_mark_rejected("sql-migrate") : why);
    return;
  }
  std::vector<Marker> markers;
  bool up_outside = false, down_outside = false;
  std::optional<std::size_t> stray_sql;  // a line of SQL before the first section
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::optional<Command> command = read_command(lines[i].text);
    if (command && (command->name == "Up" || command->name == "Down")) {
      bool up = command->name == "Up";
      (up ? up_outside : down_outside) =
          (up ? up_outside : down_outside) || command->no_transaction;
      markers.push_back({lines[i], up});
    } else if (markers.empty() && !stray_sql && !is_blank_or_comment(lines[i].text)) {
      stray_sql = i;
    }
  }

  // A direction's script is every run of its sections, from a marker to the other direction's
  // next marker: markers of the same direction in between are comments to PostgreSQL. A file
  // whose sections alternate (Up, Down, Up) gives its script several pieces.
  std::vector<Line> boundaries;  // the markers where the direction changes
  std::vector<bool> boundary_up;
  for (std::size_t i = 0; i < markers.size(); ++i) {
    if (i > 0 && markers[i].up == markers[i - 1].up) continue;
    boundaries.push_back(markers[i].line);
    boundary_up.push_back(markers[i].up);
  }
  std::vector<Span> up_runs, down_runs;
  for (std::size_t b = 0; b < boundaries.size(); ++b)
    (boundary_up[b] ? up_runs : down_runs).push_back(section_after(boundaries, b, text.size()));
  auto script = [&](const std::vector<Span>& runs, bool outside) {
    Script s{scan.relative(entry.path),
             {runs.front().begin, runs.back().end},
             outside ? Transaction::statement : undeclared};
    if (runs.size() > 1) s.pieces = runs;
    return s;
  };

  // sql-migrate orders by a name's leading number, then by the whole name: a name without
  // one is its own version.
  std::string_view stem = std::string_view(entry.name).substr(0, entry.name.size() - 4);
  auto [version, name] = version_and_rest(stem);
  Migration migration;
  migration.version = {std::string(version.empty() ? stem : version)};
  migration.name = version.empty() ? "" : std::string(name);
  std::string file = scan.relative(entry.path);
  migration.files.push_back(file);
  // A file with only a down section has an empty up, which sql-migrate runs as nothing.
  if (up_runs.empty()) up_runs.push_back({text.size(), text.size()});
  migration.up = script(up_runs, up_outside);
  if (!down_runs.empty()) migration.down = script(down_runs, down_outside);
  scan.add(std::move(migration));

  if (stray_sql == 0 && marked) {
    scan.ignored(entry.path,
                 "starts with a UTF-8 byte order mark (U+FEFF), which sql-migrate does not strip: "
                 "line 1 is then no '-- +migrate' line, and sql-migrate runs nothing before the "
                 "next one. Save the file as UTF-8 without a BOM");
  } else if (stray_sql) {
    scan.ignored(entry.path, fmt::format("line {}: SQL before the first '-- +migrate Up' or "
                                         "'-- +migrate Down' line, which sql-migrate does not run",
                                         *stray_sql + 1));
  }
}

}  // namespace

bool has_sql_migrate_marker(std::string_view text) {
  if (text.find("-- +migrate ") == std::string_view::npos) return false;
  for (const Line& line : lines_of(text)) {
    std::optional<Command> command = read_command(line.text);
    if (command && (command->name == "Up" || command->name == "Down")) return true;
  }
  return false;
}

void read_sql_migrate(Scan& scan, Transaction undeclared) {
  for (const Entry& entry : scan.entries(scan.dir())) {
    if (entry.directory || !entry.name.ends_with(".sql")) continue;
    read_sql_migrate_file(scan, entry, undeclared);
  }
}

}  // namespace mgate::discovery
