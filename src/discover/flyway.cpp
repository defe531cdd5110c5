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

// Flyway strips the suffix without regard to case.
const std::regex& versioned_name() {
  static const std::regex name(R"(^[VU](\d+(?:[._]\d+)*)__(.*)\.[sS][qQ][lL]$)");
  return name;
}
const std::regex& repeatable_name() {
  static const std::regex name(R"(^R__(.*)\.[sS][qQ][lL]$)");
  return name;
}
// Java-based migrations (V3__Seed.java, compiled to .class): Flyway runs them, mgate cannot.
const std::regex& java_name() {
  static const std::regex name(R"(^V(\d+(?:[._]\d+)*)__(.+)\.(java|kt|class)$)");
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
// A name close enough to Flyway's that its author meant a migration, which Flyway skips
// (validateMigrationNaming is false by default): V1_x.sql, v1__x.sql, V1.x__y.sql.
const std::regex& near_miss_name() {
  static const std::regex name(R"(^[VvUuRr][0-9._]*_.*\.[sS][qQ][lL]$)");
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

void read_flyway(Scan& scan, Transaction undeclared) {
  std::vector<FlywayScript> versioned;
  std::vector<FlywayScript> undos;
  std::vector<FlywayScript> repeatables;
  std::vector<Entry> configs;
  // Flyway scans its locations recursively: migrations may sit in any subfolder. SQL callbacks
  // (beforeMigrate.sql, ...) and Teams' baseline migrations (B5__x.sql) are not migrations mgate
  // checks, and other files are none of Flyway's business.
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
    } else if (std::regex_match(name, match, java_name())) {
      Migration migration;
      migration.version = {match[1].str()};
      migration.name = match[2].str();
      migration.cannot_run = "a Flyway Java migration";
      migration.files.push_back(scan.relative(entry.path));
      scan.add(std::move(migration));
    } else if (std::regex_match(name, callback_name()) || std::regex_match(name, baseline_name())) {
      continue;
    } else if (std::regex_match(name, near_miss_name())) {
      scan.ignored(entry.path,
                   "not a Flyway migration name, so Flyway skips it: expected "
                   "V<version>__<description>.sql (version digits separated by '.' or '_', then "
                   "two underscores), U<version>__<description>.sql or R__<description>.sql");
    }
  }

  std::vector<Migration> migrations;
  std::map<fs::path, Placement> placements;
  auto add = [&](const FlywayScript& script, bool repeatable) {
    Migration migration;
    migration.version = {script.version};
    migration.name = script.description;
    migration.repeatable = repeatable;
    migration.up = Script{scan.relative(script.entry.path), {0, std::string::npos}, undeclared};
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
      target->down = Script{scan.relative(undo.entry.path), {0, std::string::npos}, undeclared};
      target->files.push_back(target->down->file);
      placements.emplace(undo.entry.path,
                         Placement{static_cast<std::size_t>(target - migrations.begin()), true});
    }
  }

  for (const Entry& config : configs) {
    fs::path configured = config.path;
    configured.replace_extension();  // drops ".conf"
    auto placement = placements.find(configured);
    if (placement == placements.end()) {
      std::error_code error;
      if (!fs::exists(configured, error))
        scan.ignored(config.path, fmt::format("script configuration for {}, which does not exist",
                                              configured.filename().string()));
      continue;
    }
    Migration& migration = migrations[placement->second.migration];
    migration.files.push_back(scan.relative(config.path));
    ScriptConfig settings = read_script_config(scan.read(config.path));
    if (!settings.problem.empty()) scan.stray(config.path, settings.problem);
    // executeInTransaction decides for its script, instead of Flyway's detection; false runs
    // the statements one by one.
    Script& script = placement->second.undo ? *migration.down : *migration.up;
    if (settings.execute_in_transaction)
      script.transaction =
          *settings.execute_in_transaction ? Transaction::script : Transaction::statement;
  }

  for (Migration& migration : migrations) scan.add(std::move(migration));
}

}  // namespace mgate::discovery
