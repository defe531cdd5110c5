#include <algorithm>
#include <fstream>
#include <iterator>
#include <regex>

#include "discover/layout.hpp"

namespace mgate::discovery {
namespace {

namespace fs = std::filesystem;

bool is_hidden(const fs::path& path) {
  return path.filename().string().starts_with('.');
}

fs::path normal(const fs::path& path) {
  return fs::absolute(path).lexically_normal();
}

// Unreadable files say nothing here; the layout's reader reports them. A byte order mark does
// not hide the layout: its reader says whether the tool takes one.
std::string text_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (text.starts_with(kByteOrderMark)) text.erase(0, kByteOrderMark.size());
  return text;
}

// The first `size` bytes of a file, for the checks that only read its head: detection walks the
// whole tree below the directory, and reading every SQL file there whole cost seconds in a
// large repository.
std::string head_of(const fs::path& file, std::size_t size) {
  std::ifstream in(file, std::ios::binary);
  std::string text(size, '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.starts_with(kByteOrderMark)) text.erase(0, kByteOrderMark.size());
  return text;
}

// The regular files below `dir` (all of them, or those directly in it), hidden ones and mgate's
// own left out. Symbolic links to directories are not followed: detection must never loop,
// and the reader reports them.
std::vector<fs::path> files_in(const fs::path& dir, const std::set<fs::path>& excluded,
                               bool recursive) {
  std::vector<fs::path> files;
  std::error_code error;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, error);
  for (fs::recursive_directory_iterator end; !error && it != end; it.increment(error)) {
    if (is_hidden(it->path())) {
      it.disable_recursion_pending();
      continue;
    }
    if (!recursive) it.disable_recursion_pending();
    std::error_code ignored;
    if (it->is_regular_file(ignored) && !excluded.contains(normal(it->path())))
      files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

bool has_subdirectory_with(const fs::path& dir, std::string_view file) {
  std::error_code error;
  fs::directory_iterator it(dir, error);
  for (fs::directory_iterator end; !error && it != end; it.increment(error)) {
    std::error_code ignored;
    if (!is_hidden(it->path()) && it->is_directory(ignored) &&
        fs::is_regular_file(it->path() / file, ignored))
      return true;
  }
  return false;
}

bool matches(const fs::path& file, const std::regex& pattern) {
  return std::regex_match(file.filename().string(), pattern);
}

// sqlx is a Rust library: its migrations sit in a crate whose Cargo.toml names it. Looks from
// the directory's parent up to `root`.
bool in_sqlx_crate(const fs::path& root, const fs::path& dir) {
  fs::path top = normal(root);
  for (fs::path at = normal(dir).parent_path(); !at.empty(); at = at.parent_path()) {
    std::error_code error;
    if (fs::is_regular_file(at / "Cargo.toml", error) &&
        text_of(at / "Cargo.toml").find("sqlx") != std::string::npos)
      return true;
    if (at == top || at == at.parent_path()) break;
  }
  return false;
}

}  // namespace

std::string detect_layout(const fs::path& root, const fs::path& dir,
                          const std::set<fs::path>& excluded) {
  std::error_code error;
  if (fs::is_regular_file(dir / "sqitch.plan", error)) return "sqitch";
  if (fs::is_regular_file(dir / "atlas.sum", error)) return "atlas";
  if (fs::is_regular_file(dir / "migration_lock.toml", error) ||
      has_subdirectory_with(dir, "migration.sql"))
    return "prisma";

  std::vector<fs::path> below = files_in(dir, excluded, true);
  static const std::regex flyway(R"(^(V\d+(?:[._]\d+)*|R)__.+\.sql$)");
  for (const fs::path& file : below) {
    if (file.extension() == ".sql" && has_liquibase_header(head_of(file, 4096))) return "liquibase";
  }
  if (std::any_of(below.begin(), below.end(), [](const auto& f) { return matches(f, flyway); }))
    return "flyway";
  if (has_subdirectory_with(dir, "up.sql")) return "diesel";

  std::vector<fs::path> files = files_in(dir, excluded, false);
  static const std::regex up_down(R"(^\d+_.*\.(up|down)\.sql$)");
  static const std::regex numbered_sql(R"(^\d+_.*\.sql$)");
  static const std::regex numbered_go(R"(^\d+_.+\.go$)");
  std::size_t directed = 0, bare = 0;
  bool paired_bare = false;  // 003_x.sql beside 003_x.down.sql: plain's way to give an up a down
  bool no_transaction_header = false, dbmate = false, goose = false;
  for (const fs::path& file : files) {
    if (matches(file, numbered_go)) goose = true;
    if (file.extension() != ".sql") continue;
    std::string text = text_of(file);
    no_transaction_header = no_transaction_header || text.starts_with("-- no-transaction");
    dbmate = dbmate || has_dbmate_up(text);
    goose = goose || has_goose_up(text);
    if (matches(file, up_down)) {
      ++directed;
    } else if (matches(file, numbered_sql)) {
      ++bare;
      std::string stem = file.stem().string();
      std::error_code ignored;
      paired_bare = paired_bare || fs::exists(file.parent_path() / (stem + ".down.sql"), ignored);
    }
  }
  bool sqlx = no_transaction_header || ((directed > 0 || bare > 0) && in_sqlx_crate(root, dir));
  if (dbmate) return "dbmate";
  if (goose) return "goose";
  if (sqlx) return "sqlx";
  // plain takes these names too, but runs them in a transaction of their own; a file that
  // golang-migrate would skip among them is a slip, not a sign of another layout.
  if (directed > bare && !paired_bare) return "golang-migrate";
  return "plain";
}

}  // namespace mgate::discovery
