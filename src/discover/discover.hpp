#pragma once
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/execution_plan.hpp"
#include "core/migration.hpp"

namespace mgate {

struct DiscoverOptions {
  std::string layout = "auto";  // a layout name, or "auto"
  // [migrations] transaction: how the runner sends a script, for the layouts that leave it to
  // the runner (plain, Prisma); nullopt: the layout's own rule.
  std::optional<Transaction> transaction;
  // The files the configuration names (mgate.toml, queries, fixture seeds, the baseline): never
  // migrations, never strays, and never counted when detecting the layout.
  std::set<std::filesystem::path> excluded;
  // Whether the set carries its scripts' texts as the working tree has them
  // (MigrationSet::texts), the ones no reader read read here; false when they are taken from
  // elsewhere (--staged reads the git index).
  bool keep_texts = true;
};

// The discovery options a configuration asks for, its own files excluded.
DiscoverOptions discover_options(const Config& config);

// Finds the migrations under `dir` and orders them, reading the directory as the layout's tool
// does. `root` is what the paths in the result are relative to. Throws InputError when `dir`
// cannot be read or does not look like the given layout, or when options.transaction is set
// for a layout whose tool decides itself; never follows a symbolic-link loop.
MigrationSet discover(const std::filesystem::path& root, const std::filesystem::path& dir,
                      const DiscoverOptions& options = {});
MigrationSet discover(const std::filesystem::path& root, const std::filesystem::path& dir,
                      const std::string& layout);

// The layout names discover() accepts, "auto" first.
const std::vector<std::string>& layout_names();

}  // namespace mgate
