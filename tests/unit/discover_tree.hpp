#pragma once
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/migration.hpp"

namespace mgate::discover_tests {

// A directory tree for one discovery test, removed afterwards.
class DiscoverTree {
 public:
  DiscoverTree() {
    std::string pattern = (std::filesystem::temp_directory_path() / "mgate-discover-XXXXXX");
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    root_ = pattern;
  }
  ~DiscoverTree() {
    std::error_code ignored;
    // Tests take permissions away; give them back so the tree can be removed.
    for (auto it = std::filesystem::recursive_directory_iterator(root_, ignored);
         it != std::filesystem::recursive_directory_iterator(); it.increment(ignored)) {
      if (it->is_directory(ignored) && !it->is_symlink(ignored))
        std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::add, ignored);
    }
    std::filesystem::remove_all(root_, ignored);
  }
  DiscoverTree(const DiscoverTree&) = delete;
  DiscoverTree& operator=(const DiscoverTree&) = delete;

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path path(const std::string& relative) const { return root_ / relative; }

  void write(const std::string& relative, const std::string& text = "SELECT 1;\n") const {
    std::filesystem::create_directories(path(relative).parent_path());
    std::ofstream(path(relative), std::ios::binary) << text;
  }
  void mkdir(const std::string& relative) const {
    std::filesystem::create_directories(path(relative));
  }
  // A symbolic link at `relative` whose target is `target`, as written (may be relative).
  void link(const std::string& relative, const std::string& target) const {
    std::filesystem::create_directories(path(relative).parent_path());
    std::filesystem::create_symlink(target, path(relative));
  }

 private:
  std::filesystem::path root_;
};

inline std::filesystem::path source_dir() {
  return MGATE_SOURCE_DIR;
}

inline std::vector<std::string> ids(const MigrationSet& set) {
  std::vector<std::string> out;
  for (const Migration& m : set.migrations) out.push_back(m.id() + ":" + m.name);
  return out;
}

inline std::vector<std::string> stray_files(const MigrationSet& set) {
  std::vector<std::string> out;
  for (const StrayFile& s : set.strays) out.push_back(s.file);
  return out;
}

// The SQL a script stands for: its section of the file (root-relative) it names.
inline std::string script_text(const std::filesystem::path& root, const Script& script) {
  std::ifstream in(root / script.file, std::ios::binary);
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (script.whole_file()) return text;
  return text.substr(script.section.begin, script.section.size());
}

// The reason given for `file`, or "" when it is not a stray.
inline std::string stray_reason(const MigrationSet& set, const std::string& file) {
  for (const StrayFile& s : set.strays)
    if (s.file == file) return s.reason;
  return "";
}

}  // namespace mgate::discover_tests
