#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <regex>

#include "discover/layout.hpp"
#include "discover/sections.hpp"

namespace mgate::discovery {
namespace {

namespace fs = std::filesystem;

// A script named by Flyway's conventions: V<version>__<description>.sql (versioned),
// U<version>__<description>.sql (undo), R__<description>.sql (repeatable). Versions are digits
// separated by '.' or '_': 1, 1.1, 2_1.
struct FlywayScript {
  Entry entry;
  std::string version;
  std::string description;
};

const std::regex& versioned_name() {
  static const std::regex name(R"(^[VU](\d+(?:[._]\d+)*)__(.+)\.sql$)");
  return name;
}
const std::regex& repeatable_name() {
  static const std::regex name(R"(^R__(.+)\.sql$)");
  return name;
}
// Flyway runs SQL callbacks such as beforeMigrate.sql or afterEachMigrate__audit.sql around the
// migrations; they live beside them.
const std::regex& callback_name() {
  static const std::regex name(R"(^(before|after)[A-Z][A-Za-z]*(__.*)?\.sql$)");
  return name;
}
const std::regex& baseline_name() {
  static const std::regex name(R"(^B\d+(?:[._]\d+)*__.+\.sql$)");
  return name;
}

std::string_view trim(std::string_view text) {
  auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

std::string lowercase(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

// What a script configuration file (V1__x.sql.conf, Java properties) says about transactions.
struct ScriptConfig {
  std::optional<bool> execute_in_transaction;
  std::string problem;
};

ScriptConfig read_script_config(std::string_view text) {
  ScriptConfig config;
  for (const Line& line : lines_of(text)) {
    std::string_view content = trim(line.text);
    if (content.empty() || content.front() == '#' || content.front() == '!') continue;
    std::size_t separator = content.find_first_of("=:");
    if (separator == std::string_view::npos) continue;
    if (trim(content.substr(0, separator)) != "executeInTransaction") continue;
    std::string value = lowercase(trim(content.substr(separator + 1)));
    if (value == "true" || value == "false") {
      config.execute_in_transaction = value == "true";
    } else {
      config.problem = fmt::format("executeInTransaction must be true or false, not '{}'", value);
    }
  }
  return config;
}

// Where a script ended up: the migration it belongs to, and whether it is that migration's undo.
struct Placement {
  std::size_t migration;
  bool undo;
};

}  // namespace

void read_flyway(Scan& scan) {
  std::vector<FlywayScript> versioned;
  std::vector<FlywayScript> undos;
  std::vector<FlywayScript> repeatables;
  std::vector<Entry> configs;
  // Flyway scans its locations recursively: migrations may sit in any subfolder.
  for (Entry& entry : scan.files_below(scan.dir())) {
    std::smatch match;
    const std::string& name = entry.name;
    if (name.ends_with(".sql.conf")) {
      configs.push_back(std::move(entry));
    } else if (std::regex_match(name, match, versioned_name())) {
      (name.front() == 'V' ? versioned : undos)
          .push_back({std::move(entry), match[1].str(), match[2].str()});
    } else if (std::regex_match(name, match, repeatable_name())) {
      repeatables.push_back({std::move(entry), "", match[1].str()});
    } else if (std::regex_match(name, callback_name())) {
      scan.stray(entry.path, "Flyway callback script: mgate checks migrations, not callbacks");
    } else if (std::regex_match(name, baseline_name())) {
      scan.stray(entry.path,
                 "Flyway baseline migration (B prefix): not supported; mgate reads V, U and R "
                 "migrations");
    } else if (!name.ends_with(".sql")) {
      scan.stray(entry.path, "not a .sql file");
    } else {
      scan.stray(entry.path,
                 "not a Flyway migration name: expected V<version>__<description>.sql (version "
                 "digits separated by '.' or '_'), U<version>__<description>.sql or "
                 "R__<description>.sql");
    }
  }

  std::vector<Migration> migrations;
  std::map<fs::path, Placement> placements;
  auto add = [&](const FlywayScript& script, bool repeatable) {
    Migration migration;
    migration.version = {script.version};
    migration.name = script.description;
    migration.repeatable = repeatable;
    migration.up = Script{scan.relative(script.entry.path)};
    migration.files.push_back(migration.up->file);
    placements.emplace(script.entry.path, Placement{migrations.size(), false});
    migrations.push_back(std::move(migration));
  };
  for (const FlywayScript& script : versioned) add(script, false);
  for (const FlywayScript& script : repeatables) add(script, true);

  for (const FlywayScript& undo : undos) {
    auto target = std::find_if(migrations.begin(), migrations.end(), [&](const Migration& m) {
      return !m.repeatable && m.version == Version{undo.version};
    });
    if (target == migrations.end()) {
      scan.stray(
          undo.entry.path,
          fmt::format("undo migration without a versioned one: no V{}__*.sql", undo.version));
    } else if (target->down) {
      scan.stray(undo.entry.path,
                 fmt::format("a second undo migration for version {} (the first is {})",
                             undo.version, target->down->file));
    } else {
      target->down = Script{scan.relative(undo.entry.path)};
      target->files.push_back(target->down->file);
      placements.emplace(undo.entry.path,
                         Placement{static_cast<std::size_t>(target - migrations.begin()), true});
    }
  }

  for (const Entry& config : configs) {
    fs::path script = config.path;
    script.replace_extension();  // drops ".conf"
    auto placement = placements.find(script);
    if (placement == placements.end()) {
      scan.stray(config.path, "script configuration for a script that is not a migration here");
      continue;
    }
    Migration& migration = migrations[placement->second.migration];
    migration.files.push_back(scan.relative(config.path));
    ScriptConfig settings = read_script_config(scan.read(config.path));
    if (!settings.problem.empty()) scan.stray(config.path, settings.problem);
    // The model has one transaction flag per migration: the up script's configuration sets it.
    if (!placement->second.undo && settings.execute_in_transaction)
      migration.transactional = *settings.execute_in_transaction;
  }

  for (Migration& migration : migrations) scan.add(std::move(migration));
}

}  // namespace mgate::discovery
