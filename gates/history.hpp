#pragma once
#include <filesystem>
#include <string>

#include "core/migration.hpp"

namespace mgate {

// Gates only the migrations added since `ref` (`--since`): a migration whose files all existed
// at the base commit is context, not under review. A Flyway repeatable migration is gated again
// when its content changed, because Flyway re-runs it. With `staged`, the content is the git
// index's. Throws InputError when `root` is not in a git work tree or `ref` is not a commit,
// EnvironmentError when git cannot be run.
void mark_gated_since(MigrationSet& set, const std::filesystem::path& root, const std::string& ref,
                      bool staged = false);

}  // namespace mgate
