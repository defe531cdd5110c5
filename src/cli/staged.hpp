#pragma once
#include <map>
#include <string>

#include "cli/targets.hpp"
#include "sql/parsed_set.hpp"
#include "vcs/git.hpp"

namespace mgate {

// What `mgate lint --staged` checks: the commit being made, as the pre-commit hook sees it.
struct StagedView {
  std::map<std::string, std::string> files;  // every indexed file under the target, its bytes
};

StagedView read_staged_view(const git::Repository& repository, const Target& target);

// With no PATH, the hook's targets: the config's migrations directory, gating just the files
// staged in it. Empty when nothing under it is staged.
std::vector<Target> staged_targets(const Config& config, const git::Repository& repository);

// Scripts that are not in the index (an untracked work-in-progress file) are not part of the
// commit: they are dropped, and a migration left with no script is dropped too.
void keep_staged(MigrationSet& set, const StagedView& view);

sql::FileReader staged_reader(const StagedView& view);

}  // namespace mgate
