#include "cli/targets.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <set>

#include "discover/discover.hpp"
#include "gates/gate.hpp"

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

std::vector<std::string> all_rule_ids() {
  std::vector<std::string> ids;
  for (const auto& gate : all_gates()) {
    for (RuleDescriptor& rule : gate->rules()) ids.push_back(std::move(rule.id));
  }
  return ids;
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
    return {Target{dir, {}}};
  }
  std::vector<Target> targets;
  std::map<fs::path, std::size_t> by_dir;
  for (const std::string& path : paths) {
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
    fs::path dir = config.migrations.dir.empty()
                       ? migrations_dir_of(absolute)
                       : (config.root / config.migrations.dir).lexically_normal();
    auto [it, added] = by_dir.emplace(dir, targets.size());
    if (added) targets.push_back(Target{dir, {}});
    targets[it->second].files.push_back(relative_to(config.root, absolute));
  }
  return targets;
}

MigrationSet discover_target(const Config& config, const Target& target,
                             const std::string& layout) {
  MigrationSet set = discover(config.root, target.dir, layout);
  if (!target.files.empty()) {
    std::set<std::string> named(target.files.begin(), target.files.end());
    for (Migration& m : set.migrations) {
      m.gated = std::any_of(m.files.begin(), m.files.end(),
                            [&](const std::string& f) { return named.count(f) > 0; });
    }
    std::erase_if(set.strays, [&](const StrayFile& s) { return !named.count(s.file); });
  }
  return set;
}

}  // namespace mgate
