#include "cli/targets.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <set>

#include "discover/discover.hpp"
#include "gates/gate.hpp"
#include "report/markup.hpp"
#include "sql/parsed_script.hpp"

namespace mgate {
namespace fs = std::filesystem;

namespace {

fs::path enclosing_work_tree(const fs::path& start) {
  std::error_code ec;
  for (fs::path dir = fs::absolute(start, ec); !dir.empty(); dir = dir.parent_path()) {
    if (fs::exists(dir / ".git", ec)) return dir;
    if (dir == dir.parent_path()) break;
  }
  return fs::absolute(start, ec);
}

// The directory whose listing holds the migration a file belongs to: diesel keeps
// <dir>/<version>_<name>/up.sql, sqitch keeps <dir>/deploy/<name>.sql.
fs::path migrations_dir_of(const fs::path& file) {
  fs::path parent = file.parent_path();
  std::string name = file.filename().string();
  std::string parent_name = parent.filename().string();
  if (name == "up.sql" || name == "down.sql" || name == "metadata.toml")
    return parent.parent_path();
  if (parent_name == "deploy" || parent_name == "revert" || parent_name == "verify") {
    return parent.parent_path();
  }
  return parent;
}

bool inside(const fs::path& dir, const fs::path& path) {
  const fs::path rel = path.lexically_relative(dir);
  return !rel.empty() && *rel.begin() != "..";
}

// How a message names a file: as reports do, or by its absolute path when it lies outside the
// root (`mgate lint /etc/hostname` from a repository).
std::string shown(const Config& config, const std::string& file) {
  if (!file.starts_with("../")) return file;
  return (config.root / file).lexically_normal().string();
}

std::vector<std::string> all_rule_ids() {
  std::vector<std::string> ids;
  for (const auto& gate : all_gates()) {
    for (RuleDescriptor& rule : gate->rules()) ids.push_back(std::move(rule.id));
  }
  return ids;
}

[[noreturn]] void no_migrations_in(const Config& config, const Target& target,
                                   const MigrationSet& set) {
  const std::string dir = shown(config, relative_to(config.root, target.dir));
  std::error_code ec;
  const bool empty = fs::is_empty(target.dir, ec);
  throw InputError(fmt::format(
      "{}: holds no migrations ({}): name the migrations directory, or name SQL files to lint "
      "them whatever their names (mgate lint {}/*.sql); docs/layouts.md lists the names each "
      "layout reads",
      dir,
      empty ? "it is empty"
            : fmt::format("read as {}, none of its files is named like one", set.layout),
      dir));
}

}  // namespace

std::string relative_to(const fs::path& root, const fs::path& path) {
  std::error_code ec;
  fs::path rel = fs::absolute(path, ec).lexically_normal().lexically_relative(root);
  return rel.empty() ? "." : rel.generic_string();
}

Config resolve_config(const std::string& config_flag) {
  std::error_code ec;
  if (!config_flag.empty()) {
    if (!fs::is_regular_file(config_flag, ec)) {
      throw InputError(fmt::format("--config {}: no such file", config_flag));
    }
    Config config = load_config(config_flag);
    check_rule_ids(config, all_rule_ids());
    return config;
  }
  if (auto found = find_config(fs::current_path(ec))) {
    Config config = load_config(*found);
    check_rule_ids(config, all_rule_ids());
    return config;
  }
  Config config;
  config.root = enclosing_work_tree(fs::current_path(ec));
  return config;
}

std::vector<Target> resolve_targets(const Config& config, const std::vector<std::string>& paths) {
  std::error_code ec;
  if (paths.empty()) {
    if (config.migrations.dir.empty()) {
      throw InputError(
          "no migrations to check: pass a directory or files, or set [migrations] dir in "
          "mgate.toml");
    }
    fs::path dir = config.root / config.migrations.dir;
    if (!fs::is_directory(dir, ec)) {
      throw InputError(fmt::format("{}: [migrations] dir '{}' is not a directory",
                                   config.file.string(), config.migrations.dir));
    }
    return {Target{dir, {}, false}};
  }
  std::vector<Target> targets;
  std::map<fs::path, std::size_t> by_dir;
  const fs::path config_dir = (config.root / config.migrations.dir).lexically_normal();
  for (const std::string& path : paths) {
    if (path == kStdinPath) continue;
    fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      throw InputError(fmt::format("{}: no such file or directory", path));
    }
    fs::path absolute = fs::absolute(path, ec).lexically_normal();
    if (fs::is_directory(status)) {
      targets.push_back(Target{absolute, {}});
      continue;
    }
    if (!fs::is_regular_file(status)) throw InputError(fmt::format("{}: not a regular file", path));
    fs::path dir = !config.migrations.dir.empty() && inside(config_dir, absolute)
                       ? config_dir
                       : migrations_dir_of(absolute);
    auto [it, added] = by_dir.emplace(dir, targets.size());
    if (added) targets.push_back(Target{dir, {}});
    targets[it->second].files.push_back(relative_to(config.root, absolute));
  }
  return targets;
}

MigrationSet discover_target(const Config& config, const Target& target, const std::string& layout,
                             bool staged, std::vector<std::string>& loose) {
  DiscoverOptions options = discover_options(config);
  options.layout = layout;
  options.keep_texts = !staged;
  MigrationSet set = discover(config.root, target.dir, options);
  if (target.files.empty()) {
    // A directory whose only files are migrations the tool would refuse holds findings, not
    // nothing.
    if (target.named && set.migrations.empty() && set.strays.empty())
      no_migrations_in(config, target, set);
    return set;
  }
  std::set<std::string> named(target.files.begin(), target.files.end());
  std::set<std::string> in_migrations;
  for (Migration& m : set.migrations) {
    m.gated = std::any_of(m.files.begin(), m.files.end(),
                          [&](const std::string& f) { return named.count(f) > 0; });
    in_migrations.insert(m.files.begin(), m.files.end());
  }
  std::erase_if(set.strays, [&](const StrayFile& s) { return !named.count(s.file); });
  if (!target.named) return set;
  for (const std::string& file : target.files) {
    if (!in_migrations.count(file)) loose.push_back(file);
  }
  // Beside migrations, a file their tool would not run is a naming finding too; elsewhere (a
  // repository root whose Flyway migrations lie deeper, a directory of no migrations) it is
  // just a file.
  std::set<fs::path> beside;
  for (const Migration& m : set.migrations) {
    for (const std::string& file : m.files) {
      beside.insert(fs::path(file).parent_path());
      beside.insert(fs::path(file).parent_path().parent_path());  // diesel's <dir>/<migration>/
    }
  }
  std::erase_if(set.strays,
                [&](const StrayFile& s) { return !beside.count(fs::path(s.file).parent_path()); });
  return set;
}

void check_loose_sql(const Config& config, const LooseSql& sql) {
  const std::string name = sql.from_stdin ? "standard input" : shown(config, sql.file);
  auto refuse = [&](const std::string& why) {
    throw InputError(
        fmt::format("{}: {}: mgate lints SQL (a file of any name, or `-` for standard input) and "
                    "migrations directories",
                    name, why));
  };
  if (sql.text.find('\0') != std::string::npos) refuse("a binary file, not SQL");
  std::string extension = fs::path(sql.file).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (sql.from_stdin || extension == ".sql") return;
  if (valid_utf8(sql.text) != sql.text) refuse("not SQL: it is not UTF-8 text");
  const SourceFile file(sql.file, sql.text);
  const sql::ParsedScript script = sql::parse_script(file);
  const bool first_parses =
      !script.statements.empty() &&
      (!script.error || script.statements.front().span.begin < script.error->offset);
  if (first_parses) return;
  if (!script.error) refuse("not SQL: it holds no SQL statement");
  const Position at = file.position(script.error->offset);
  refuse(fmt::format("not SQL: PostgreSQL cannot parse it ({} at line {}, column {})",
                     script.error->message, at.line, at.column));
}

MigrationSet loose_sql_set(const std::vector<LooseSql>& texts) {
  MigrationSet set;
  set.layout = "plain";
  for (const LooseSql& sql : texts) {
    Migration m;
    m.name = sql.file;
    // Loose SQL runs as `psql -f` runs a file: one statement at a time.
    m.up = Script{.file = sql.file, .transaction = Transaction::statement};
    m.files = {sql.file};
    set.migrations.push_back(std::move(m));
  }
  return set;
}

}  // namespace mgate
