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
};

// Turns PATH arguments (directories or migration files) into targets; with none, the config's
// [migrations] dir. Throws InputError for paths that do not exist.
std::vector<Target> resolve_targets(const Config& config, const std::vector<std::string>& paths);

// Discovers a target's migrations; migrations that none of its files belong to are context only.
MigrationSet discover_target(const Config& config, const Target& target, const std::string& layout);

// `path` relative to `root`, with '/' separators.
std::string relative_to(const std::filesystem::path& root, const std::filesystem::path& path);

}  // namespace mgate
