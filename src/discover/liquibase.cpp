// Liquibase formatted SQL changelogs: files whose first line is `--liquibase formatted sql`,
// each holding changesets that Liquibase applies in file order, each in a transaction of its
// own unless it says runInTransaction:false.
#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <set>

#include "discover/layout.hpp"
#include "discover/sections.hpp"

namespace mgate::discovery {
namespace {

// The patterns of Liquibase's AbstractFormattedChangeLogParser, which matches each against a
// whole line without regard to case.
const std::regex& first_line() {
  static const std::regex pattern(R"(^\s*--\s*liquibase\s*formatted.*)", std::regex::icase);
  return pattern;
}
const std::regex& changeset_line() {
  static const std::regex pattern(
      R"re(\s*--[\s]*changeset\s+("[^"]+"|[^:]+):\s*("[^"]+"|\S+)(.*))re", std::regex::icase);
  return pattern;
}
const std::regex& rollback_line() {
  static const std::regex pattern(R"(\s*--[\s]*rollback (.*))", std::regex::icase);
  return pattern;
}
const std::regex& rollback_block_start() {
  static const std::regex pattern(R"(\s*/\*\s*liquibase\s*rollback\s*)", std::regex::icase);
  return pattern;
}

// An attribute of a --changeset line, such as runInTransaction:false.
std::optional<std::string> attribute(const std::string& attributes, std::string_view name) {
  std::regex pattern(fmt::format(R"((?:^|\s){}:(\S*))", name), std::regex::icase);
  std::smatch match;
  if (!std::regex_search(attributes, match, pattern)) return std::nullopt;
  return match[1].str();
}

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string unquoted(std::string text) {
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"')
    return text.substr(1, text.size() - 2);
  return text;
}

// Whether a changeset with this dbms attribute runs on PostgreSQL: a list such as
// "postgresql,h2", "all", or exclusions such as "!mysql".
bool runs_on_postgresql(const std::optional<std::string>& dbms) {
  if (!dbms || dbms->empty()) return true;
  bool included = false;
  bool only_exclusions = true;
  std::string list = lowercase(*dbms);
  for (std::size_t start = 0; start <= list.size();) {
    std::size_t end = std::min(list.find(',', start), list.size());
    std::string name = list.substr(start, end - start);
    if (name.starts_with('!')) {
      if (name.substr(1) == "postgresql") return false;
    } else {
      only_exclusions = false;
      included = included || name == "postgresql" || name == "all";
    }
    start = end + 1;
  }
  return included || only_exclusions;
}

bool is_true(const std::optional<std::string>& value) {
  return value && lowercase(*value) == "true";
}
bool is_false(const std::optional<std::string>& value) {
  return value && lowercase(*value) == "false";
}

// One changeset as the file has it.
struct Changeset {
  std::string author;
  std::string id;
  std::string attributes;
  std::size_t line = 0;        // 1-based, of the --changeset line
  std::size_t body = 0;        // byte offset of the line after it
  std::size_t end = 0;         // where the next changeset starts, or the end of the file
  std::vector<Span> rollback;  // the SQL of its --rollback lines and rollback blocks
};

std::vector<Changeset> read_changesets(std::string_view text) {
  std::vector<Changeset> changesets;
  std::vector<Line> lines = lines_of(text);
  bool in_rollback_block = false;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    std::string line(lines[i].text);
    std::smatch match;
    if (std::regex_match(line, match, changeset_line())) {
      if (!changesets.empty()) changesets.back().end = lines[i].begin;
      changesets.push_back({unquoted(match[1].str()),
                            unquoted(match[2].str()),
                            match[3].str(),
                            i + 1,
                            lines[i].next,
                            text.size(),
                            {}});
      in_rollback_block = false;
      continue;
    }
    if (changesets.empty()) continue;
    Changeset& current = changesets.back();
    if (in_rollback_block) {
      std::size_t close = line.find("*/");
      std::size_t end = close == std::string::npos ? line.size() : close;
      current.rollback.push_back({lines[i].begin, lines[i].begin + end});
      in_rollback_block = close == std::string::npos;
    } else if (std::regex_match(line, rollback_block_start())) {
      in_rollback_block = true;
    } else if (std::regex_match(line, match, rollback_line())) {
      // "--rollback not required" and "--rollback empty" declare that there is nothing to undo.
      std::string sql = lowercase(match[1].str());
      if (!sql.starts_with("not required") && !sql.starts_with("empty")) {
        std::size_t at = lines[i].begin + static_cast<std::size_t>(match.position(1));
        current.rollback.push_back({at, lines[i].begin + line.size()});
      }
    }
  }
  return changesets;
}

namespace fs = std::filesystem;

// `include` and `includeAll` entries of a YAML, XML or JSON changelog, in order.
struct Include {
  bool all = false;  // includeAll: every changelog below a directory, by name
  std::string path;
};

std::vector<Include> includes_of(const std::string& text) {
  static const std::regex entry(
      R"re((includeAll|include)[\s\S]*?(?:file|path)["']?\s*[:=]\s*["']?([^"'\s>,}]+))re");
  std::vector<Include> found;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), entry);
       it != std::sregex_iterator(); ++it) {
    found.push_back({(*it)[1].str() == "includeAll", (*it)[2].str()});
  }
  return found;
}

// Whether `file` is what `included` names: Liquibase resolves includes against the classpath or
// the including changelog, so the included path's last components must be the file's.
bool names(const fs::path& file, std::string_view included) {
  fs::path wanted = fs::path(included).lexically_normal();
  auto w = std::vector<fs::path>(wanted.begin(), wanted.end());
  auto f = std::vector<fs::path>(file.begin(), file.end());
  while (!w.empty() && (w.back().empty() || w.back() == ".")) w.pop_back();
  while (!w.empty() && (w.front() == "." || w.front() == "/" || w.front() == "classpath:"))
    w.erase(w.begin());
  if (w.empty() || w.size() > f.size()) return false;
  return std::equal(w.rbegin(), w.rend(), f.rbegin());
}

// The formatted SQL changelogs in the order Liquibase runs them. With a master changelog (a
// YAML, XML or JSON file that includes others), its include and includeAll entries decide, and
// a changelog it does not reach is not run; without one, every changelog runs in name order, as
// includeAll takes a directory.
struct ChangelogOrder {
  std::vector<const Entry*> run;
  std::vector<const Entry*> not_included;
  std::string master;  // relative to the root, empty without one
};

ChangelogOrder changelog_order(Scan& scan, const std::vector<Entry>& files,
                               const std::vector<const Entry*>& sql) {
  ChangelogOrder order;
  std::vector<const Entry*> masters;
  std::map<const Entry*, std::vector<Include>> entries;
  for (const Entry& file : files) {
    std::string extension = fs::path(file.name).extension().string();
    if (extension != ".yaml" && extension != ".yml" && extension != ".xml" && extension != ".json")
      continue;
    std::string text = scan.read(file.path);
    if (text.find("databaseChangeLog") == std::string::npos) continue;
    masters.push_back(&file);
    entries[&file] = includes_of(text);
  }
  // The roots: changelogs no other changelog includes.
  std::vector<const Entry*> roots;
  for (const Entry* master : masters) {
    bool included = std::any_of(masters.begin(), masters.end(), [&](const Entry* other) {
      const auto& list = entries[other];
      return other != master && std::any_of(list.begin(), list.end(), [&](const Include& i) {
               return !i.all && names(master->path, i.path);
             });
    });
    if (!included) roots.push_back(master);
  }
  if (roots.empty()) {
    order.run = sql;
    return order;
  }
  order.master = scan.relative(roots.front()->path);
  std::set<const Entry*> reached;
  std::set<const Entry*> expanding;
  std::function<void(const Entry*)> expand = [&](const Entry* changelog) {
    if (!expanding.insert(changelog).second) return;
    for (const Include& include : entries[changelog]) {
      if (include.all) {
        for (const Entry* file : sql) {
          if (names(file->path.parent_path(), include.path) && reached.insert(file).second)
            order.run.push_back(file);
        }
        continue;
      }
      for (const Entry* file : sql) {
        if (names(file->path, include.path) && reached.insert(file).second)
          order.run.push_back(file);
      }
      for (const Entry* nested : masters) {
        if (names(nested->path, include.path)) expand(nested);
      }
    }
  };
  for (const Entry* root : roots) expand(root);
  // Changelogs that include none of these files are about something else.
  if (order.run.empty()) {
    order.run = sql;
    order.master.clear();
    return order;
  }
  for (const Entry* file : sql) {
    if (!reached.contains(file)) order.not_included.push_back(file);
  }
  return order;
}

}  // namespace

bool has_liquibase_header(std::string_view text) {
  // The first line of the first 4096 bytes, as lines_of() would cut it. Layout detection asks
  // this of every SQL file in a directory: it splits no more of the file, and a first line
  // without the word answers without compiling the pattern, which cost more than the rest of a
  // lint run's detection on a one-file directory.
  std::string_view head = text.substr(0, std::min<std::size_t>(text.size(), 4096));
  if (head.empty()) return false;
  std::string_view line = head.substr(0, head.find('\n'));
  if (line.ends_with('\r')) line.remove_suffix(1);
  std::string first(line);
  std::transform(first.begin(), first.end(), first.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (first.find("liquibase") == std::string::npos) return false;
  return std::regex_match(std::string(line), first_line());
}

// Liquibase applies the changelogs a master changelog includes in the order it names them;
// includeAll, the usual way to include a directory of formatted SQL files, takes them in name
// order. Changesets that are not for PostgreSQL (dbms), or ignore:true, are not applied and not
// read.
void read_liquibase(Scan& scan, Transaction undeclared) {
  std::vector<Entry> files = scan.files_below(scan.dir());
  std::map<const Entry*, std::string> texts;
  std::vector<const Entry*> sql;
  for (const Entry& entry : files) {
    if (!entry.name.ends_with(".sql")) continue;
    std::string text = scan.read(entry.path);
    if (!has_liquibase_header(text)) continue;
    sql.push_back(&entry);
    texts[&entry] = std::move(text);
  }
  ChangelogOrder order = changelog_order(scan, files, sql);
  for (const Entry* entry : order.not_included) {
    scan.ignored(entry->path, fmt::format("a formatted SQL changelog that {} does not include: "
                                          "Liquibase does not run it",
                                          order.master));
  }
  std::size_t position = 0;
  for (const Entry* entry : order.run) {
    const std::string& text = texts[entry];
    std::string file = scan.relative(entry->path);
    std::set<std::pair<std::string, std::string>> seen;
    for (const Changeset& changeset : read_changesets(text)) {
      if (!runs_on_postgresql(attribute(changeset.attributes, "dbms")) ||
          is_true(attribute(changeset.attributes, "ignore")))
        continue;
      if (!seen.emplace(changeset.author, changeset.id).second) {
        scan.stray(entry->path,
                   fmt::format("line {}: a second changeset {}:{} in the file; Liquibase's "
                               "validation fails on duplicate changeset identifiers",
                               changeset.line, changeset.author, changeset.id));
        continue;
      }
      Transaction transaction = undeclared;
      if (is_false(attribute(changeset.attributes, "runInTransaction"))) {
        // Split (the default), each statement runs on its own; unsplit, the driver sends the
        // text as one batch, which PostgreSQL runs in one implicit transaction.
        transaction = is_false(attribute(changeset.attributes, "splitStatements"))
                          ? Transaction::query
                          : Transaction::statement;
      }
      Migration migration;
      migration.version = {fmt::format("{:04}", ++position)};
      migration.name = changeset.author + ":" + changeset.id;
      migration.up = Script{file, {changeset.body, changeset.end}, transaction};
      if (!changeset.rollback.empty()) {
        migration.down = Script{file, {changeset.body, changeset.end}, transaction};
        migration.down->pieces = changeset.rollback;
      }
      migration.files.push_back(file);
      scan.add(std::move(migration));
    }
  }
}

}  // namespace mgate::discovery
