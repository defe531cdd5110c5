#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <optional>

#include "discover/layout.hpp"
#include "discover/numbered_file.hpp"
#include "discover/sections.hpp"

namespace mgate::discovery {
namespace {

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

enum class Annotation { up, down, no_transaction, other };

// A "-- +goose <words>" line. goose wants it at the start of the line and reads the words
// without regard to case; StatementBegin/StatementEnd and ENVSUB are "other": they stay in the
// sections, where PostgreSQL reads them as the comments they are.
std::optional<Annotation> read_annotation(std::string_view line) {
  if (!line.starts_with("--")) return std::nullopt;
  line.remove_prefix(2);
  while (!line.empty() && is_space(line.front())) line.remove_prefix(1);
  if (!line.starts_with("+goose")) return std::nullopt;
  line.remove_prefix(std::string_view("+goose").size());
  if (!line.empty() && !is_space(line.front())) return std::nullopt;
  std::string words;
  for (char c : line) {
    if (is_space(c)) {
      if (!words.empty() && words.back() != ' ') words += ' ';
    } else {
      words += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  if (words.ends_with(' ')) words.pop_back();
  if (words == "up") return Annotation::up;
  if (words == "down") return Annotation::down;
  if (words == "no transaction") return Annotation::no_transaction;
  return Annotation::other;
}

void read_goose_file(Scan& scan, const Entry& entry, const NumberedFile& name,
                     Transaction undeclared) {
  std::string text = scan.read(entry.path);
  if (text.starts_with(kByteOrderMark)) {
    scan.stray(entry.path, byte_order_mark_rejected("goose"));
    return;
  }
  std::vector<Line> lines = lines_of(text);
  std::vector<Line> markers;  // the Up and Down lines, in file order
  std::vector<Annotation> kinds;
  std::optional<std::size_t> first_line;  // of the first Up or Down
  // goose splits a NO TRANSACTION file into statements and runs each on its own.
  Transaction transaction = undeclared;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::optional<Annotation> annotation = read_annotation(lines[i].text);
    if (annotation == Annotation::no_transaction) transaction = Transaction::statement;
    if (annotation != Annotation::up && annotation != Annotation::down) continue;
    if (!first_line) first_line = i;
    markers.push_back(lines[i]);
    kinds.push_back(*annotation);
  }
  auto up = std::find(kinds.begin(), kinds.end(), Annotation::up);
  auto down = std::find(kinds.begin(), kinds.end(), Annotation::down);
  if (up == kinds.end()) {
    scan.stray(entry.path, "no '-- +goose Up' annotation: goose needs one to open the up section");
    return;
  }

  Migration migration;
  migration.version = {name.version};
  migration.name = name.name;
  std::string file = scan.relative(entry.path);
  migration.files.push_back(file);
  migration.up = Script{file, section_after(markers, up - kinds.begin(), text.size()), transaction};
  if (down != kinds.end()) {
    migration.down =
        Script{file, section_after(markers, down - kinds.begin(), text.size()), transaction};
  }

  if (std::count(kinds.begin(), kinds.end(), Annotation::up) > 1)
    scan.stray(entry.path, "more than one '-- +goose Up' annotation: goose rejects the file");
  if (std::count(kinds.begin(), kinds.end(), Annotation::down) > 1)
    scan.stray(entry.path, "more than one '-- +goose Down' annotation: goose rejects the file");
  if (down < up)
    scan.stray(entry.path, "'-- +goose Down' comes before '-- +goose Up': goose rejects the file");
  for (std::size_t i = 0; i < *first_line; ++i) {
    if (!is_blank_or_comment(lines[i].text)) {
      scan.stray(entry.path,
                 fmt::format("line {}: SQL before '-- +goose Up' belongs to no section; goose "
                             "rejects it",
                             i + 1));
      break;
    }
  }
  scan.add(std::move(migration));
}

}  // namespace

bool has_goose_up(std::string_view text) {
  // Detection asks this of every SQL file in a directory: most hold no annotation at all.
  if (text.find("+goose") == std::string_view::npos) return false;
  for (const Line& line : lines_of(text)) {
    if (read_annotation(line.text) == Annotation::up) return true;
  }
  return false;
}

void read_goose(Scan& scan, Transaction undeclared) {
  // goose's NumericComponent: <version>_<name>.sql or .go, the version a positive integer. A
  // .sql file it cannot read a version from stops goose; such a .go file is a helper it skips.
  for (const Entry& entry : scan.entries(scan.dir())) {
    if (entry.directory) continue;
    if (entry.name.ends_with(".go")) {
      std::string as_sql = entry.name.substr(0, entry.name.size() - 3) + ".sql";
      if (code_migration(entry.name) && read_numbered_file(as_sql, false).file)
        add_code_migration(scan, entry, "a goose Go migration");
      continue;
    }
    if (!entry.name.ends_with(".sql")) continue;
    NumberedFileName parsed = read_numbered_file(entry.name, false);
    if (parsed.file && parsed.file->version.find_first_not_of('0') == std::string::npos)
      parsed = {std::nullopt, "the version must be greater than zero"};
    if (!parsed.file) {
      scan.stray(entry.path, fmt::format("{}; goose cannot read a version from the name and "
                                         "refuses the directory",
                                         parsed.problem));
      continue;
    }
    read_goose_file(scan, entry, *parsed.file, undeclared);
  }
}

}  // namespace mgate::discovery
