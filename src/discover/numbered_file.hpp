#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "discover/scan.hpp"

namespace mgate::discovery {

enum class Direction { unspecified, up, down };

// A file named "<digits>_<name>.sql", the shape plain, golang-migrate, sqlx, dbmate and goose
// share.
struct NumberedFile {
  std::string version;
  std::string name;
  Direction direction = Direction::unspecified;  // from a ".up.sql" or ".down.sql" suffix
};

// A file name read as a NumberedFile, or why it is not one.
struct NumberedFileName {
  std::optional<NumberedFile> file;
  std::string problem;
};

// Reads `file_name`. With `directions`, ".up.sql" and ".down.sql" are direction suffixes;
// without, they are part of the name (dbmate and goose keep both directions in one file).
NumberedFileName read_numbered_file(std::string_view file_name, bool directions);

// The leading digits of a file name's stem, and the rest after one '_', '-' or '.' separator.
std::pair<std::string_view, std::string_view> version_and_rest(std::string_view stem);

// Whether a file the tool skips still looks like a migration someone meant it to run: a .sql
// file (in any case) that starts with a version.
bool looks_like_migration(std::string_view file_name);

// A numbered migration written in a programming language ("00004_seed.go", "20240101_x.rb"):
// what it is, e.g. "a Go migration", or nullopt for any other file.
std::optional<std::string> code_migration(std::string_view file_name);

// Adds a migration mgate cannot run (Migration::cannot_run): it keeps its place in the order.
void add_code_migration(Scan& scan, const Entry& entry, std::string what);

}  // namespace mgate::discovery
