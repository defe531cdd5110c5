#pragma once
#include <filesystem>
#include <optional>
#include <string>

namespace mgate::git {

// The commit checked out in the git work tree that holds `dir`; none outside a work tree, on a
// branch without a commit, or without git. Where the repository is plain (HEAD names a branch
// stored as a loose or packed ref, or holds a commit id) it is read from the files under .git:
// asking git costs two processes, more than the rest of a lint run on one migration. Anything
// else (GIT_* variables, a link to another file system, someone else's repository, a ref that is
// not plain) is left to git. Outside any repository (no .git and nothing that could be a bare
// repository from `dir` up to the root or the file system's boundary) git is not asked either.
std::optional<std::string> head_commit(const std::filesystem::path& dir);

}  // namespace mgate::git
