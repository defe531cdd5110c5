#pragma once
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace mgate::git {

// How a file under a directory differs between a commit and the working tree (or the index).
struct Change {
  enum class Kind { added, modified, deleted, renamed };
  Kind kind;
  std::string path;      // relative to the repository's root; the new path of a rename
  std::string old_path;  // the path at the commit, for renames
  friend bool operator==(const Change&, const Change&) = default;
};

// A git work tree seen from `root`, the directory that mgate's paths are relative to. The
// work tree's top level may lie above it. Every path given to or returned by these functions is
// relative to `root`. git runs as a child process, never through a shell.
class Repository {
 public:
  // Throws EnvironmentError when git cannot be run, InputError when `root` is not inside a work
  // tree.
  explicit Repository(std::filesystem::path root);

  const std::filesystem::path& root() const { return root_; }
  const std::filesystem::path& top_level() const { return top_level_; }

  // Where git looks for hooks (core.hooksPath, or the hooks folder of the git directory), as
  // an absolute path.
  std::filesystem::path hooks_dir() const;

  // The full id of the commit `ref` names; throws InputError when it names none.
  std::string resolve_commit(const std::string& ref) const;

  // The files under `dir` at `commit`, recursively.
  std::vector<std::string> files_at(const std::string& commit, const std::string& dir) const;
  // A file's bytes at `commit`, exactly as committed.
  std::string read_at(const std::string& commit, const std::string& path) const;
  // A file's bytes in the index: what the next commit will hold.
  std::string read_staged(const std::string& path) const;
  // Every file under `dir` in the index with its staged bytes, read by two git processes
  // however many files there are: what the next commit will hold (the pre-commit hook's view).
  std::map<std::string, std::string> read_staged_tree(const std::string& dir) const;
  // Files added, copied, modified or renamed in the index (the pre-commit hook's files).
  std::vector<std::string> staged_files() const;
  // How the files under `dir` changed since `commit`: in the working tree, or with `staged`, in
  // the index. Untracked files do not appear. Renames are detected.
  std::vector<Change> changes_since(const std::string& commit, const std::string& dir,
                                    bool staged) const;

 private:
  std::string from_top_level(const std::string& path) const;
  std::string run(const std::vector<std::string>& args) const;

  std::filesystem::path root_;
  std::filesystem::path top_level_;
  std::string prefix_;  // root relative to the top level: "" or "sub/dir/"
};

}  // namespace mgate::git
