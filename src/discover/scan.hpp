#pragma once
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/migration.hpp"

namespace mgate::discovery {

// A regular file or a directory found in a migrations directory. Hidden entries and entries
// that are neither (sockets, broken symbolic links) never reach a layout: Scan reports the latter
// as strays itself.
struct Entry {
  std::filesystem::path path;
  std::string name;
  bool directory = false;
};

// One reading of a migrations directory: lists it without ever looping, names files relative to
// the root, and collects the migrations and strays a layout finds.
class Scan {
 public:
  // Throws InputError when `dir` is missing, not a directory, or unreadable.
  Scan(const std::filesystem::path& root, const std::filesystem::path& dir);

  const std::filesystem::path& dir() const { return dir_; }

  // `path`, which lies under dir(), relative to the root with '/' separators.
  std::string relative(const std::filesystem::path& path) const;

  // The files and directories in `directory`, by name. Throws InputError when unreadable.
  std::vector<Entry> entries(const std::filesystem::path& directory);

  // Whether a subdirectory may be read. A symbolic link back to a directory this scan already
  // reads (a loop, or a second way into the same directory) is reported as a stray instead.
  bool enter(const Entry& directory);

  // The files in `directory` and, through enter(), in its subdirectories, depth first by name.
  std::vector<Entry> files_below(const std::filesystem::path& directory);

  // The contents of a file found by this scan. Throws InputError naming it when unreadable.
  std::string read(const std::filesystem::path& file) const;

  void add(Migration migration);
  void stray(const std::filesystem::path& file, std::string reason);

  // The result, in apply order: versioned migrations by version (then name), then Flyway's
  // repeatable ones by name.
  MigrationSet finish(std::string layout) &&;

 private:
  std::filesystem::path dir_;  // absolute and normalized
  std::string dir_relative_;   // empty when dir_ is the root
  // Directories entered so far, by canonical path, with the path they were first reached by.
  std::map<std::filesystem::path, std::filesystem::path> entered_;
  std::vector<Migration> migrations_;
  std::vector<StrayFile> strays_;
};

}  // namespace mgate::discovery
