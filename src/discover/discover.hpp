#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "core/migration.hpp"

namespace mgate {

// Finds the migrations under `dir` and orders them. `layout` is a layout name or "auto".
// `root` is what the paths in the result are relative to. Throws InputError when `dir` cannot
// be read or does not look like the given layout; never follows a symbolic-link loop.
MigrationSet discover(const std::filesystem::path& root, const std::filesystem::path& dir,
                      const std::string& layout = "auto");

// The layout names discover() accepts, "auto" first.
const std::vector<std::string>& layout_names();

}  // namespace mgate
