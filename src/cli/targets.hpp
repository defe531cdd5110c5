#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/migration.hpp"

namespace mgate {

// The config in force: --config FILE, else the nearest mgate.toml above the working
// directory, else defaults rooted at the enclosing git work tree (or the working directory).
// A [rules] key that names no rule of any gate is an InputError.
Config resolve_config(const std::string& config_flag);

// What a command checks: one migrations directory, and when the user named files, just the
// migrations those files belong to (the rest of the directory is context for order and names).
struct Target {
  std::filesystem::path dir;
  std::vector<std::string> files;  // relative to the config root; empty: the whole directory
  // Named on the command line (not the config's directory, nor files the hook found staged):
  // such a directory must hold migrations, and such a file is linted whatever its name.
  bool named = true;
};

// The PATH argument that stands for standard input, and how reports name it without
// --stdin-filename.
inline constexpr std::string_view kStdinPath = "-";
inline constexpr std::string_view kStdinName = "<stdin>";

// Turns PATH arguments (directories or files) into targets; with none, the config's
// [migrations] dir. `-` (standard input) is left to the caller. Throws InputError for paths
// that do not exist.
std::vector<Target> resolve_targets(const Config& config, const std::vector<std::string>& paths);

// Discovers a target's migrations; migrations that none of its files belong to are context only.
// A named directory that holds no migration is an InputError. The named files that no migration
// of their directory holds are added to `loose`; the set keeps them as strays (files the tool
// would not run) only when they lie beside its migrations. With `staged`, the scripts are read
// from the git index, so the set carries no working-tree texts (MigrationSet::texts).
MigrationSet discover_target(const Config& config, const Target& target, const std::string& layout,
                             bool staged, std::vector<std::string>& loose);

// SQL that no layout reads: a file named on the command line that is no migration of its
// directory, or standard input.
struct LooseSql {
  std::string file;  // relative to the config root, as reports name it
  std::string text;
  bool from_stdin = false;
};

// Throws InputError when `sql` is not SQL that can be linted: binary, or (unless it is named .sql
// or comes from standard input, where a syntax error is a finding) not UTF-8 text, or text whose
// first statement PostgreSQL cannot parse.
void check_loose_sql(const Config& config, const LooseSql& sql);

// Loose SQL as a migration set of no layout: one gated migration per text, whose statements run
// one at a time as `psql -f` runs a file, so a BEGIN ... COMMIT the text holds (Django's and
// Alembic's printed SQL) is the only transaction. The gates that judge a history (naming,
// history, rollback) have nothing to say about it.
MigrationSet loose_sql_set(const std::vector<LooseSql>& texts);

// `path` relative to `root`, with '/' separators.
std::string relative_to(const std::filesystem::path& root, const std::filesystem::path& path);

}  // namespace mgate
