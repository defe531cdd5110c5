#include "discover/scan.hpp"

#include <dirent.h>
#include <fmt/core.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iterator>
#include <string_view>
#include <system_error>
#include <thread>

#include "core/config.hpp"
#include "core/file_bytes.hpp"
#include "core/heap.hpp"

namespace mgate::discovery {
namespace {

namespace fs = std::filesystem;

fs::path absolute_normal(const fs::path& path) {
  fs::path normal = fs::absolute(path).lexically_normal();
  if (normal.has_parent_path() && normal.filename().empty()) normal = normal.parent_path();
  return normal;
}

bool escapes(const fs::path& relative) {
  return relative.empty() || *relative.begin() == "..";
}

// Where `dir` lies below `root`. When the two are named through different symbolic links (a
// checkout under /home that is really under /srv), their real locations decide.
std::string relative_to_root(const fs::path& dir, const fs::path& root) {
  fs::path relative = dir.lexically_relative(root);
  if (escapes(relative)) {
    std::error_code dir_error;
    std::error_code root_error;
    fs::path real = fs::weakly_canonical(dir, dir_error)
                        .lexically_relative(fs::weakly_canonical(root, root_error));
    if (!dir_error && !root_error && !escapes(real)) relative = real;
  }
  if (relative.empty()) return dir.generic_string();
  return relative == "." ? std::string() : relative.generic_string();
}

FileId id_of(const struct stat& info) {
  return {static_cast<std::uintmax_t>(info.st_dev), static_cast<std::uintmax_t>(info.st_ino)};
}

// Whether the directory `path` leads to is `ancestor` or lies below it. A directory's `..` is
// its real parent, whatever link led to it, so this walks the real tree up to its root.
bool is_within(const fs::path& path, const FileId& ancestor) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return false;
  fs::path at = path;
  for (FileId id = id_of(info); id != ancestor;) {
    at /= "..";
    if (::stat(at.c_str(), &info) != 0 || id_of(info) == id) return false;
    id = id_of(info);
  }
  return true;
}

// Whether `rest` names a path below a directory as it is: no empty, "." or ".." component.
bool is_plain_relative(std::string_view rest) {
  if (rest.empty()) return false;
  for (std::size_t at = 0; at <= rest.size();) {
    std::size_t end = std::min(rest.find('/', at), rest.size());
    std::string_view part = rest.substr(at, end - at);
    if (part.empty() || part == "." || part == "..") return false;
    at = end + 1;
  }
  return true;
}

}  // namespace

Scan::Scan(const fs::path& root, const fs::path& dir, const std::set<fs::path>& excluded)
    : dir_(absolute_normal(dir)) {
  for (const fs::path& file : excluded) {
    excluded_.insert(absolute_normal(file));
    excluded_names_.insert(file.filename().native());
  }
  std::error_code error;
  fs::file_status status = fs::status(dir_, error);
  if (status.type() == fs::file_type::not_found)
    throw InputError(fmt::format("migrations directory {} does not exist", dir.string()));
  if (error) throw InputError(fmt::format("cannot read {}: {}", dir.string(), error.message()));
  if (!fs::is_directory(status))
    throw InputError(fmt::format("{} is not a directory", dir.string()));
  // Opened here to fail early; counted (up to a point) to know a large history early.
  DIR* listing = ::opendir(dir_.c_str());
  if (!listing) {
    throw InputError(fmt::format("cannot read directory {}: {}", dir.string(),
                                 std::error_code(errno, std::generic_category()).message()));
  }
  while (top_entries_ < kManyEntries && ::readdir(listing)) ++top_entries_;
  ::closedir(listing);

  dir_relative_ = relative_to_root(dir_, absolute_normal(root));
  struct stat info {};
  if (::stat(dir_.c_str(), &info) == 0) entered_.emplace(id_of(info), dir_);
}

std::string Scan::relative(const fs::path& path) const {
  // The paths of the directory's own listing are dir() joined with names: most of them are cut
  // from the string, without path arithmetic (which cost a history of 800 files milliseconds).
  const std::string& text = path.native();
  const std::string& dir = dir_.native();
  if (text.size() > dir.size() + 1 && text.starts_with(dir) && text[dir.size()] == '/' &&
      is_plain_relative(std::string_view(text).substr(dir.size() + 1))) {
    std::string_view inside = std::string_view(text).substr(dir.size() + 1);
    return dir_relative_.empty() ? std::string(inside) : dir_relative_ + "/" + std::string(inside);
  }
  std::string inside = absolute_normal(path).lexically_relative(dir_).generic_string();
  if (inside == ".") return dir_relative_.empty() ? "." : dir_relative_;
  return dir_relative_.empty() ? inside : dir_relative_ + "/" + inside;
}

std::optional<Entry> Scan::stat_entry(fs::path path, std::string name,
                                      const fs::path* looked_up_in) {
  struct stat info {};
  // A name looked up is asked without following a link first: one system call then answers
  // the common cases, a file, a directory and no such name (diesel's metadata.toml, mostly
  // absent, took two); only a link is asked again, followed.
  if (looked_up_in) {
    if (::lstat(path.c_str(), &info) != 0) {
      std::error_code cause(errno, std::generic_category());
      if (cause.value() == ENOENT || cause.value() == ENOTDIR) return std::nullopt;
      // Not the file but its directory: listing it would have failed alike.
      throw InputError(
          fmt::format("cannot read directory {}: {}", relative(*looked_up_in), cause.message()));
    }
    if (!S_ISLNK(info.st_mode)) return classify(std::move(path), std::move(name), info);
  }
  if (::stat(path.c_str(), &info) != 0) {
    std::error_code status_error(errno, std::generic_category());
    struct stat link {};
    // A name looked up is a link here (above); a listed one may be anything.
    bool is_link = looked_up_in || (::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode));
    stray(path, fmt::format("{}: {}",
                            is_link ? "symbolic link that cannot be followed" : "cannot be read",
                            status_error.message()));
    return std::nullopt;
  }
  return classify(std::move(path), std::move(name), info);
}

std::optional<Entry> Scan::classify(fs::path path, std::string name, const struct stat& info) {
  if (S_ISDIR(info.st_mode)) return Entry{std::move(path), std::move(name), true, id_of(info)};
  if (S_ISREG(info.st_mode)) return Entry{std::move(path), std::move(name), false, id_of(info)};
  stray(path, "not a regular file or a directory");
  return std::nullopt;
}

std::vector<Entry> Scan::entries(const fs::path& directory) {
  std::error_code error;
  fs::directory_iterator it(directory, error);
  std::vector<Entry> found;
  for (fs::directory_iterator end; !error && it != end; it.increment(error)) {
    const fs::directory_entry& entry = *it;
    std::string name = entry.path().filename().string();
    // Hidden files are editor and tool droppings (.keep, .DS_Store), never migrations.
    if (name.starts_with('.')) continue;
    if (excluded(entry.path())) continue;
    // A regular file is known from the listing itself. Anything else is asked with a stat, which
    // follows a symbolic link and says, for enter(), which directory a directory is.
    // So is a directory that is no link: enter() tells directories apart without a stat while
    // no link was entered (a history of 800 migration directories paid 800 stats for it).
    std::error_code type_error;
    if (!entry.is_symlink(type_error) && !type_error) {
      if (entry.is_regular_file(type_error)) {
        found.push_back({entry.path(), name, false, {}});
        continue;
      }
      if (entry.is_directory(type_error)) {
        found.push_back({entry.path(), name, true, {}});
        continue;
      }
    }
    if (auto stated = stat_entry(entry.path(), std::move(name), nullptr))
      found.push_back(std::move(*stated));
  }
  if (error)
    throw InputError(
        fmt::format("cannot read directory {}: {}", relative(directory), error.message()));
  std::sort(found.begin(), found.end(),
            [](const Entry& a, const Entry& b) { return a.name < b.name; });
  return found;
}

std::optional<Entry> Scan::file(const fs::path& directory, std::string_view name) {
  fs::path path = directory / name;
  if (excluded(path)) return std::nullopt;
  std::optional<Entry> found = stat_entry(path, std::string(name), &directory);
  if (found && found->directory) return std::nullopt;
  return found;
}

void Scan::resolve_entered() {
  for (const fs::path& path : unresolved_) {
    struct stat info {};
    // One that cannot be asked any more (removed meanwhile) can be no other's second way in.
    if (::stat(path.c_str(), &info) == 0) entered_.emplace(id_of(info), path);
  }
  unresolved_.clear();
}

bool Scan::enter(const Entry& directory) {
  FileId id;
  if (directory.id) {
    id = *directory.id;
    if (!stat_entered_) resolve_entered();
    stat_entered_ = true;
  } else if (!stat_entered_) {
    // Reached through directories alone from the scan's directory: no other way in was taken.
    unresolved_.push_back(directory.path);
    return true;
  } else {
    struct stat info {};
    if (::stat(directory.path.c_str(), &info) != 0) {
      stray(directory.path, fmt::format("cannot be read: {}",
                                        std::error_code(errno, std::generic_category()).message()));
      return false;
    }
    id = id_of(info);
  }
  auto [first, inserted] = entered_.emplace(id, directory.path);
  if (inserted) return true;
  if (is_within(directory.path.parent_path(), id)) {
    stray(directory.path,
          fmt::format("symbolic link loop back to {}: not followed", relative(first->second)));
  } else {
    stray(directory.path,
          fmt::format("the same directory as {}, which is already read", relative(first->second)));
  }
  return false;
}

std::vector<Entry> Scan::files_below(const fs::path& directory) {
  std::vector<Entry> files;
  for (Entry& entry : entries(directory)) {
    if (!entry.directory) {
      files.push_back(std::move(entry));
    } else if (enter(entry)) {
      std::vector<Entry> below = files_below(entry.path);
      std::move(below.begin(), below.end(), std::back_inserter(files));
    }
  }
  return files;
}

bool Scan::excluded(const fs::path& path) const {
  return excluded_names_.contains(path.filename().native()) &&
         excluded_.contains(absolute_normal(path));
}

const std::string& Scan::read(const fs::path& file) {
  std::string name = relative(file);
  if (auto kept = texts_.find(name); kept != texts_.end()) return kept->second;
  std::error_code error;
  std::string text = read_file_bytes(file, error);
  if (error) throw InputError(fmt::format("cannot read {}: {}", name, error.message()));
  return texts_.emplace(std::move(name), std::move(text)).first->second;
}

std::string_view Scan::peek(const fs::path& file, std::size_t size) {
  std::string name = relative(file);
  auto kept = texts_.find(name);
  if (kept == texts_.end()) {
    std::error_code error;
    FileHead head = read_file_head(file, size, error);
    if (!head.whole) {
      head_ = std::move(head.bytes);
      return head_;
    }
    kept = texts_.emplace(std::move(name), std::move(head.bytes)).first;
  }
  return std::string_view(kept->second).substr(0, size);
}

void Scan::add(Migration migration) {
  migrations_.push_back(std::move(migration));
}

void Scan::stray(const fs::path& file, std::string reason, StrayFile::Kind kind) {
  strays_.push_back({relative(file), std::move(reason), kind});
}

void Scan::prefetch(const std::vector<fs::path>& files, std::size_t size) {
  std::vector<FileHead> heads(files.size());
  auto read_every = [&](std::size_t first, std::size_t step) {
    for (std::size_t i = first; i < files.size(); i += step) {
      std::error_code ignored;  // an unreadable file is read()'s to report
      heads[i] = read_file_head(files[i], size, ignored);
    }
  };
  std::thread second;
  if (files.size() > 1) {
    try {
      second = std::thread([&] {
        // Hundreds of texts: a megabyte in the arena of a thread of its own (core/heap.hpp).
        if (files.size() >= kManyEntries) advise_huge_pages_for_heap(32 << 20);
        read_every(1, 2);
      });
    } catch (const std::system_error&) {
      // No thread to be had: this one reads them all.
    }
  }
  read_every(0, second.joinable() ? 2 : 1);
  if (second.joinable()) second.join();
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (heads[i].whole) texts_.emplace(relative(files[i]), std::move(heads[i].bytes));
  }
}

MigrationSet Scan::finish(std::string layout, bool keep_texts) && {
  auto apply_order = [](const Migration& a, const Migration& b) {
    if (a.repeatable != b.repeatable) return b.repeatable;
    if (int order = compare(a.version, b.version); order != 0) return order < 0;
    if (a.name != b.name) return a.name < b.name;
    return a.files < b.files;
  };
  // Read in the listing's order, a history is mostly in apply order already.
  if (!std::is_sorted(migrations_.begin(), migrations_.end(), apply_order))
    std::sort(migrations_.begin(), migrations_.end(), apply_order);
  std::sort(strays_.begin(), strays_.end(), [](const StrayFile& a, const StrayFile& b) {
    return a.file != b.file ? a.file < b.file : a.reason < b.reason;
  });
  MigrationSet set;
  set.layout = std::move(layout);
  set.dir = dir_relative_.empty() ? "." : dir_relative_;
  set.migrations = std::move(migrations_);
  set.strays = std::move(strays_);
  set.checksum_file = std::move(checksum_file_);
  if (!keep_texts) return set;
  // The scripts no reader looked into (Prisma's, diesel's outside detection) are read here, on
  // two threads, rather than one by one when they are parsed.
  std::vector<fs::path> unread;
  std::set<std::string_view> listed;  // a file two scripts share is read once
  const std::string prefix = dir_relative_.empty() ? std::string() : dir_relative_ + "/";
  for (const Migration& m : set.migrations) {
    for (const auto* script : {&m.up, &m.down, &m.verify}) {
      if (!*script || texts_.contains((*script)->file) || !(*script)->file.starts_with(prefix) ||
          !listed.insert((*script)->file).second)
        continue;
      unread.push_back(dir_ / (*script)->file.substr(prefix.size()));
    }
  }
  prefetch(unread, std::string::npos);
  for (const Migration& m : set.migrations) {
    for (const auto* script : {&m.up, &m.down, &m.verify}) {
      if (!*script) continue;
      if (auto kept = texts_.extract((*script)->file)) set.texts.insert(std::move(kept));
    }
  }
  return set;
}

}  // namespace mgate::discovery
