#include "vcs/git.hpp"

#include <fmt/core.h>

#include <boost/asio/io_context.hpp>
#include <boost/process.hpp>
#include <future>
#include <string_view>
#include <utility>

#include "core/config.hpp"

namespace mgate::git {
namespace {

namespace bp = boost::process;

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `git -C dir ARGS...` and collects its output. stdout and stderr are read concurrently, so
// a large blob on one cannot block git while it writes to the other.
Outcome run_git(const std::filesystem::path& dir, const std::vector<std::string>& args,
                const std::string& input = "") {
  auto git = bp::search_path("git");
  if (git.empty()) throw EnvironmentError("git is not installed (no `git` on PATH)");
  // Without optional locks, git never rewrites the index behind a running `git commit` (the
  // pre-commit hook runs while git holds it). The option, not GIT_OPTIONAL_LOCKS through
  // bp::env: Boost.Process 1.74 looks a variable up by reading past the end of shorter
  // environment entries (AddressSanitizer: heap-buffer-overflow in environment.hpp's find).
  std::vector<std::string> argv = {"--no-pager", "--no-optional-locks", "-C", dir.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  boost::asio::io_context io;
  std::future<std::string> out;
  std::future<std::string> err;
  Outcome outcome;
  try {
    auto on_exit = bp::on_exit([&](int code, const std::error_code&) { outcome.exit_code = code; });
    if (input.empty()) {
      bp::child child(git, bp::args(argv), bp::std_in<bp::null, bp::std_out> out, bp::std_err > err,
                      io, on_exit);
      io.run();
    } else {
      bp::child child(git, bp::args(argv), bp::std_in<boost::asio::buffer(input), bp::std_out> out,
                      bp::std_err > err, io, on_exit);
      io.run();
    }
    outcome.out = out.get();
    outcome.err = err.get();
  } catch (const std::system_error& e) {
    throw EnvironmentError(fmt::format("cannot run git: {}", e.what()));
  }
  return outcome;
}

std::string first_line(std::string_view text) {
  auto end = text.find('\n');
  return std::string(text.substr(0, end));
}

std::vector<std::string> split_nul(std::string_view text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\0', start);
    if (end == std::string_view::npos) end = text.size();
    parts.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

std::string pathspec(const std::string& dir) {
  return dir.empty() ? "." : dir;
}

}  // namespace

Repository::Repository(std::filesystem::path root) : root_(std::move(root)) {
  auto outcome =
      run_git(root_, {"rev-parse", "--is-inside-work-tree", "--show-toplevel", "--show-prefix"});
  if (outcome.exit_code != 0 || outcome.out.rfind("true\n", 0) != 0) {
    throw InputError(fmt::format("{} is not inside a git work tree", root_.string()));
  }
  std::string_view rest = std::string_view(outcome.out).substr(5);
  auto newline = rest.find('\n');
  top_level_ = std::string(rest.substr(0, newline));
  prefix_ = first_line(rest.substr(newline + 1));
}

std::string Repository::run(const std::vector<std::string>& args) const {
  auto outcome = run_git(root_, args);
  if (outcome.exit_code != 0) {
    throw EnvironmentError(fmt::format("git {} failed in {}: {}", args.front(), root_.string(),
                                       first_line(outcome.err)));
  }
  return std::move(outcome.out);
}

std::string Repository::from_top_level(const std::string& path) const {
  return path.rfind(prefix_, 0) == 0 ? path.substr(prefix_.size()) : path;
}

std::filesystem::path Repository::hooks_dir() const {
  std::filesystem::path dir = first_line(run({"rev-parse", "--git-path", "hooks"}));
  return dir.is_absolute() ? dir : (root_ / dir).lexically_normal();
}

std::string Repository::resolve_commit(const std::string& ref) const {
  // --end-of-options: a ref such as "--all" must stay a ref, not become an option.
  auto outcome =
      run_git(root_, {"rev-parse", "--verify", "--quiet", "--end-of-options", ref + "^{commit}"});
  if (outcome.exit_code != 0 || ref.empty()) {
    throw InputError(fmt::format("'{}' is not a commit in {}", ref, root_.string()));
  }
  return first_line(outcome.out);
}

std::vector<std::string> Repository::files_at(const std::string& commit,
                                              const std::string& dir) const {
  auto out =
      run({"ls-tree", "-r", "--name-only", "--full-name", "-z", commit, "--", pathspec(dir)});
  std::vector<std::string> files;
  for (auto& path : split_nul(out)) files.push_back(from_top_level(path));
  return files;
}

std::string Repository::read_at(const std::string& commit, const std::string& path) const {
  return run({"cat-file", "blob", commit + ":" + prefix_ + path});
}

std::string Repository::read_staged(const std::string& path) const {
  auto outcome = run_git(root_, {"cat-file", "blob", ":" + prefix_ + path});
  if (outcome.exit_code != 0) throw InputError(fmt::format("{}: not in the git index", path));
  return std::move(outcome.out);
}

std::map<std::string, std::string> Repository::read_staged_tree(const std::string& dir) const {
  // "<mode> <object> <stage>\t<path>" per file; one `cat-file --batch` then reads every object.
  auto entries = split_nul(run({"ls-files", "--stage", "--full-name", "-z", "--", pathspec(dir)}));
  std::vector<std::string> paths;
  std::string objects;
  for (const std::string& entry : entries) {
    const auto tab = entry.find('\t');
    if (tab == std::string::npos || entry.rfind("160000 ", 0) == 0) continue;  // submodules
    paths.push_back(from_top_level(entry.substr(tab + 1)));
    objects += entry.substr(7, tab - 7 - 2) + "\n";  // the object id, without " <stage>"
  }
  std::map<std::string, std::string> files;
  if (paths.empty()) return files;
  auto outcome = run_git(root_, {"cat-file", "--batch"}, objects);
  if (outcome.exit_code != 0) {
    throw EnvironmentError(
        fmt::format("git cat-file failed in {}: {}", root_.string(), first_line(outcome.err)));
  }
  // "<object> blob <size>\n<bytes>\n" per object, in the order asked.
  std::string_view out = outcome.out;
  for (const std::string& path : paths) {
    const auto header_end = out.find('\n');
    if (header_end == std::string_view::npos) break;
    const std::string_view header = out.substr(0, header_end);
    const auto size_at = header.rfind(' ');
    if (header.ends_with(" missing") || size_at == std::string_view::npos) {
      out.remove_prefix(header_end + 1);
      continue;
    }
    const std::size_t size = std::stoull(std::string(header.substr(size_at + 1)));
    files.emplace(path, std::string(out.substr(header_end + 1, size)));
    out.remove_prefix(std::min(out.size(), header_end + 1 + size + 1));
  }
  return files;
}

std::vector<std::string> Repository::staged_files() const {
  auto out = run({"diff", "--cached", "--name-only", "--diff-filter=ACMR", "--relative", "-z"});
  return split_nul(out);
}

std::vector<Change> Repository::changes_since(const std::string& commit, const std::string& dir,
                                              bool staged) const {
  // Explicit options, so that the user's diff.* settings cannot change the output.
  std::vector<std::string> args = {"diff",           "--name-status", "-z",
                                   "--find-renames", "--no-relative", "--no-ext-diff",
                                   "--no-textconv"};
  if (staged) args.push_back("--cached");
  args.insert(args.end(), {commit, "--", pathspec(dir)});
  auto fields = split_nul(run(args));
  std::vector<Change> changes;
  for (std::size_t i = 0; i < fields.size();) {
    const std::string& status = fields[i++];
    if (status.empty() || i >= fields.size()) break;
    Change change{Change::Kind::modified, from_top_level(fields[i++]), ""};
    switch (status[0]) {
      case 'A':
      case 'C':
        change.kind = Change::Kind::added;
        if (status[0] == 'C' && i < fields.size()) change.path = from_top_level(fields[i++]);
        break;
      case 'D':
        change.kind = Change::Kind::deleted;
        break;
      case 'R':
        change.kind = Change::Kind::renamed;
        change.old_path = change.path;
        if (i < fields.size()) change.path = from_top_level(fields[i++]);
        break;
      default:  // M, T (type change), U (unmerged)
        break;
    }
    changes.push_back(std::move(change));
  }
  return changes;
}

}  // namespace mgate::git
