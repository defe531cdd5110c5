#include "vcs/head_commit.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string_view>

#include "core/config.hpp"
#include "vcs/git.hpp"

namespace mgate::git {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A file's one line, without its line break.
std::optional<std::string> read_line(const fs::path& path) {
  std::optional<std::string> text = read_file(path);
  if (!text || text->empty() || text->back() != '\n') return std::nullopt;
  text->pop_back();
  if (text->find('\n') != std::string::npos) return std::nullopt;
  return text;
}

bool is_object_id(std::string_view text) {
  return (text.size() == 40 || text.size() == 64) &&
         std::all_of(text.begin(), text.end(),
                     [](char c) { return std::isdigit(c) || (c >= 'a' && c <= 'f'); });
}

bool owned_here(const struct stat& st) {
  return st.st_uid == geteuid();
}

// Variables that change where git looks for the repository, or whose repository it trusts.
bool git_is_steered() {
  for (const char* name :
       {"GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_CEILING_DIRECTORIES",
        "GIT_DISCOVERY_ACROSS_FILESYSTEM", "GIT_CONFIG", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM",
        "GIT_CONFIG_COUNT", "GIT_CONFIG_PARAMETERS", "SUDO_UID"}) {
    if (std::getenv(name)) return true;
  }
  return false;
}

// Where git's search for the repository holding `dir` ends. `git_dir`: the work tree's .git
// folder, or where a .git file (a linked work tree, a submodule) points. `outside`: no repository
// at all, because the walk up met neither a .git nor a directory that could be a bare repository
// (one holding HEAD) before the root or the file system's boundary, where git stops too. Neither
// where git's own search could end otherwise.
struct GitSearch {
  std::optional<fs::path> git_dir;
  bool outside = false;
};

GitSearch search_up(const fs::path& dir) {
  std::error_code error;
  // git walks up from the directory as the kernel names it, links resolved.
  fs::path at = fs::canonical(dir, error);
  if (error || at.empty()) return {};
  if (std::find(at.begin(), at.end(), fs::path(".git")) != at.end()) return {};
  struct stat start {};
  if (::stat(at.c_str(), &start) != 0) return {};
  for (;; at = at.parent_path()) {
    struct stat here {};
    if (::stat(at.c_str(), &here) != 0) return {};
    if (here.st_dev != start.st_dev) return {.outside = true};
    fs::path dot_git = at / ".git";
    struct stat entry {};
    if (::lstat(dot_git.c_str(), &entry) == 0) {
      if (!owned_here(here) || !owned_here(entry)) return {};
      if (S_ISDIR(entry.st_mode)) return {.git_dir = dot_git};
      if (!S_ISREG(entry.st_mode)) return {};
      std::optional<std::string> line = read_line(dot_git);
      if (!line || !line->starts_with("gitdir: ")) return {};
      fs::path target = line->substr(8);
      return {.git_dir = target.is_absolute() ? target : at / target};
    }
    if (errno != ENOENT) return {};
    if (::lstat((at / "HEAD").c_str(), &entry) == 0 || errno != ENOENT) return {};
    if (at == at.root_path() || at.parent_path() == at) return {.outside = true};
  }
}

// The commit a branch ref names, from its loose file or packed-refs.
std::optional<std::string> read_branch(const fs::path& common, const std::string& ref) {
  if (std::optional<std::string> id = read_line(common / ref)) {
    if (is_object_id(*id)) return id;
    return std::nullopt;
  }
  std::optional<std::string> packed = read_file(common / "packed-refs");
  if (!packed) return std::nullopt;
  std::string_view rest = *packed;
  while (!rest.empty()) {
    std::size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    std::size_t space = line.find(' ');
    if (space != std::string_view::npos && line.substr(space + 1) == ref &&
        is_object_id(line.substr(0, space)))
      return std::string(line.substr(0, space));
  }
  return std::nullopt;
}

// The commit checked out, read from the files; none where git must be asked.
std::optional<std::string> read_head(const std::optional<fs::path>& git_dir) {
  if (!git_dir) return std::nullopt;
  struct stat st {};
  if (::stat(git_dir->c_str(), &st) != 0 || !owned_here(st)) return std::nullopt;
  fs::path common = *git_dir;
  if (std::optional<std::string> line = read_line(*git_dir / "commondir")) {
    common = fs::path(*line).is_absolute() ? fs::path(*line) : *git_dir / *line;
  }
  // core.worktree, core.bare, per-work-tree configuration and included files may move or remove
  // the work tree.
  std::optional<std::string> config = read_file(common / "config");
  if (!config) return std::nullopt;
  std::transform(config->begin(), config->end(), config->begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  config->erase(std::remove(config->begin(), config->end(), ' '), config->end());
  for (std::string_view setting : {"worktree", "bare=true", "include"}) {
    if (config->find(setting) != std::string::npos) return std::nullopt;
  }
  std::optional<std::string> head = read_line(*git_dir / "HEAD");
  if (!head) return std::nullopt;
  if (is_object_id(*head)) return head;
  if (!head->starts_with("ref: refs/heads/")) return std::nullopt;
  return read_branch(common, head->substr(5));
}

}  // namespace

std::optional<std::string> head_commit(const fs::path& dir) {
  if (!git_is_steered()) {
    GitSearch search = search_up(dir);
    if (search.outside) return std::nullopt;
    if (std::optional<std::string> commit = read_head(search.git_dir)) return commit;
  }
  try {
    return Repository(dir).resolve_commit("HEAD");
  } catch (const InputError&) {
    // Not a git work tree, or one without a commit.
  } catch (const EnvironmentError&) {
    // No git.
  }
  return std::nullopt;
}

}  // namespace mgate::git
