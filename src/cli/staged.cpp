#include "cli/staged.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "core/config.hpp"

namespace mgate {

StagedView read_staged_view(const git::Repository& repository, const Target& target) {
  return {repository.read_staged_tree(relative_to(repository.root(), target.dir))};
}

std::vector<Target> staged_targets(const Config& config, const git::Repository& repository) {
  std::vector<Target> targets = resolve_targets(config, {});
  Target& target = targets.front();
  const std::string dir = relative_to(config.root, target.dir);
  for (std::string& file : repository.staged_files()) {
    if (dir == "." || file.starts_with(dir + "/")) target.files.push_back(std::move(file));
  }
  if (target.files.empty()) return {};
  return targets;
}

void keep_staged(MigrationSet& set, const StagedView& view) {
  auto staged = [&](const std::optional<Script>& script) {
    return script && view.files.count(script->file) > 0;
  };
  for (Migration& m : set.migrations) {
    if (!staged(m.up)) m.up.reset();
    if (!staged(m.down)) m.down.reset();
    if (!staged(m.verify)) m.verify.reset();
    std::erase_if(m.files, [&](const std::string& f) { return !view.files.count(f); });
  }
  std::erase_if(set.migrations, [](const Migration& m) { return !m.up && !m.down && !m.verify; });
  std::erase_if(set.strays, [&](const StrayFile& s) { return !view.files.count(s.file); });
}

sql::FileReader staged_reader(const StagedView& view) {
  return [&view](const std::string& path) -> std::string {
    const auto it = view.files.find(path);
    if (it == view.files.end()) throw InputError(fmt::format("{}: not in the git index", path));
    return it->second;
  };
}

}  // namespace mgate
