#pragma once
#include <compare>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/migration.hpp"

struct stat;

namespace mgate::discovery {

// What a path leads to once symbolic links are followed: two paths with one FileId name the same
// file or directory.
struct FileId {
  std::uintmax_t device = 0;
  std::uintmax_t inode = 0;
  friend auto operator<=>(const FileId&, const FileId&) = default;
};

// A regular file or a directory found in a migrations directory. Hidden entries, the files the
// configuration names and entries that are neither (sockets, broken symbolic links) never reach
// a layout: Scan reports the last as strays itself.
struct Entry {
  std::filesystem::path path;
  std::string name;
  bool directory = false;
  // Of the directory `path` leads to, for enter(): known when a stat classified the entry (a
  // symbolic link, or a file system whose listing gives no types); none for a file, and none for
  // a directory the listing itself said is one, which enter() asks for only once needed.
  std::optional<FileId> id;
};

// One reading of a migrations directory: lists it without ever looping, names files relative to
// the root, and collects the migrations and strays a layout finds.
class Scan {
 public:
  // Throws InputError when `dir` is missing, not a directory, or unreadable. `excluded` are
  // mgate's own files: never listed.
  Scan(const std::filesystem::path& root, const std::filesystem::path& dir,
       const std::set<std::filesystem::path>& excluded = {});

  const std::filesystem::path& dir() const { return dir_; }

  // Whether the directory holds many entries (kManyEntries, "." and ".." counted): a history
  // of hundreds of migrations, whose reading and parsing touch megabytes.
  static constexpr std::size_t kManyEntries = 64;
  bool many_entries() const { return top_entries_ >= kManyEntries; }

  // `path`, which lies under dir(), relative to the root with '/' separators.
  std::string relative(const std::filesystem::path& path) const;

  // The files and directories in `directory`, by name. Throws InputError when unreadable.
  std::vector<Entry> entries(const std::filesystem::path& directory);

  // The regular file `name` in `directory`, as entries() would list it, asked with one stat:
  // for a layout whose tool reads fixed names in each migration directory, where listing every
  // directory cost a history of 800 migrations six system calls each. None when there is no
  // such file, or it is a directory; a link that cannot be followed, or anything but a file or a
  // directory, is a stray as in entries(). Files the directory holds besides are not looked at.
  // Throws InputError when `directory` cannot be searched.
  std::optional<Entry> file(const std::filesystem::path& directory, std::string_view name);

  // Whether a subdirectory may be read. A symbolic link back to a directory this scan already
  // reads (a loop, or a second way into the same directory) is reported as a stray instead.
  bool enter(const Entry& directory);

  // The files in `directory` and, through enter(), in its subdirectories, depth first by name.
  std::vector<Entry> files_below(const std::filesystem::path& directory);

  // Whether `path` is one of mgate's own files, which the scan never lists.
  bool excluded(const std::filesystem::path& path) const;

  // The contents of a file found by this scan, read once: the set keeps the texts of its
  // scripts (MigrationSet::texts). Throws InputError naming it when unreadable.
  const std::string& read(const std::filesystem::path& file);

  // The first `size` bytes of a file, for looking before a layout is known, valid until the
  // next peek(); empty when the file cannot be read, which read() reports. A file read whole
  // here is not read again.
  std::string_view peek(const std::filesystem::path& file, std::size_t size);

  // Reads the files that are at most `size` bytes long, for peek() and read() to take, on two
  // threads: detection reads every SQL file below the directory, and one thread mostly waits for
  // the kernel there.
  void prefetch(const std::vector<std::filesystem::path>& files, std::size_t size);

  void add(Migration migration);
  // A file the tool refuses (the default), or one it skips although it looks like a migration.
  void stray(const std::filesystem::path& file, std::string reason,
             StrayFile::Kind kind = StrayFile::Kind::refused);
  void ignored(const std::filesystem::path& file, std::string reason) {
    stray(file, std::move(reason), StrayFile::Kind::ignored);
  }
  // The set will name `file` as the tool's checksum file (Atlas's atlas.sum).
  void checksum_file(const std::filesystem::path& file) { checksum_file_ = relative(file); }

  // The result, in apply order: versioned migrations by version (then name), then Flyway's
  // repeatable ones by name.
  // The set carries its scripts' texts when `keep_texts` (MigrationSet::texts).
  MigrationSet finish(std::string layout, bool keep_texts = true) &&;

 private:
  std::filesystem::path dir_;  // absolute and normalized
  std::string dir_relative_;   // empty when dir_ is the root
  std::set<std::filesystem::path> excluded_;
  std::set<std::string> excluded_names_;  // their file names, asked first
  // The texts read so far, by file name relative to the root.
  std::map<std::string, std::string> texts_;
  std::string head_;  // what peek() read of a file it did not read whole
  std::string checksum_file_;
  // Directories entered so far, with the path they were first reached by.
  std::map<FileId, std::filesystem::path> entered_;
  // Directories entered before any that a stat classified (above all, before any symbolic link),
  // whose identity was not asked: each was reached through directories alone, none of them
  // linked, so no two of them are one. A link entered later may lead to one of them, and then
  // their identities are asked (resolve_entered).
  std::vector<std::filesystem::path> unresolved_;
  bool stat_entered_ = false;  // a directory with a known identity was entered
  void resolve_entered();
  std::vector<Migration> migrations_;
  std::vector<StrayFile> strays_;
  std::size_t top_entries_ = 0;  // in dir_, counted up to kManyEntries

  // What a stat of `path` says it is; a stray, and none, when it is neither a file nor a
  // directory, or cannot be read. For a name looked up in `looked_up_in` rather than listed, a
  // path that does not exist is none, and a directory that cannot be searched an InputError.
  std::optional<Entry> stat_entry(std::filesystem::path path, std::string name,
                                  const std::filesystem::path* looked_up_in);
  // The entry that a stat's answer `info` makes of `path`: a file, a directory, or a stray.
  std::optional<Entry> classify(std::filesystem::path path, std::string name,
                                const struct stat& info);
};

}  // namespace mgate::discovery
