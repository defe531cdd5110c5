#include <algorithm>
#include <exception>
#include <iterator>
#include <set>
#include <string_view>
#include <system_error>
#include <thread>

#include "core/file_bytes.hpp"
#include "core/heap.hpp"
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

// A byte order mark does not hide the layout: its reader says whether the tool takes one.
std::string_view without_byte_order_mark(std::string_view text) {
  if (text.starts_with(kByteOrderMark)) text.remove_prefix(kByteOrderMark.size());
  return text;
}

// How much of a file below the directory is read to recognise it: detection walks the whole
// tree below the directory, and reading every SQL file there whole cost seconds in a large
// repository. A file no longer than this is read whole, once: the reader takes it from the scan.
constexpr std::size_t kHead = 64 * 1024;

// Adds the regular files below `dir`, hidden ones and mgate's own left out, to `files`.
// Symbolic links to directories are not followed: detection must never loop, and the reader
// reports them.
void add_files_below(const Scan& scan, const fs::path& dir, std::vector<fs::path>& files) {
  std::error_code error;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, error);
  for (fs::recursive_directory_iterator end; !error && it != end; it.increment(error)) {
    if (is_hidden(it->path())) {
      it.disable_recursion_pending();
      continue;
    }
    std::error_code ignored;
    if (it->is_regular_file(ignored) && !scan.excluded(it->path())) files.push_back(it->path());
  }
}

// The regular files below `dir` (all of them, or those directly in it), hidden ones and mgate's
// own left out, in no particular order. Below a directory of many subdirectories (diesel's,
// Prisma's: one a migration) the subdirectories are listed on two threads, as the files are
// read after: each listing is a handful of system calls.
std::vector<fs::path> files_in(const Scan& scan, const fs::path& dir, bool recursive) {
  std::vector<fs::path> files;
  std::vector<fs::path> subdirectories;
  std::error_code error;
  fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, error);
  for (fs::directory_iterator end; !error && it != end; it.increment(error)) {
    if (is_hidden(it->path())) continue;
    std::error_code ignored;
    if (it->is_regular_file(ignored)) {
      if (!scan.excluded(it->path())) files.push_back(it->path());
    } else if (recursive && it->is_directory(ignored) && !it->is_symlink(ignored)) {
      subdirectories.push_back(it->path());
    }
  }
  std::vector<fs::path> second_files;
  std::exception_ptr failed;
  std::thread second;
  if (subdirectories.size() > 1) {
    try {
      second = std::thread([&] {
        try {
          // Hundreds of listings, in the arena of a thread of its own (core/heap.hpp).
          if (subdirectories.size() >= Scan::kManyEntries) advise_huge_pages_for_heap(32 << 20);
          for (std::size_t i = 1; i < subdirectories.size(); i += 2)
            add_files_below(scan, subdirectories[i], second_files);
        } catch (...) {
          failed = std::current_exception();
        }
      });
    } catch (const std::system_error&) {
      // No thread to be had: this one lists them all.
    }
  }
  const std::size_t step = second.joinable() ? 2 : 1;
  for (std::size_t i = 0; i < subdirectories.size(); i += step)
    add_files_below(scan, subdirectories[i], files);
  if (!second.joinable()) return files;
  second.join();
  if (failed) std::rethrow_exception(failed);
  std::move(second_files.begin(), second_files.end(), std::back_inserter(files));
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

// The file-name patterns below, matched by hand: std::regex took a twentieth of a lint run on a
// history of 800 files, and compiling the patterns a twentieth of one on a single file. Each
// says the regular expression it stands for; `.` there is any character but a line break.

bool no_line_break(std::string_view text) {
  return text.find_first_of("\r\n") == std::string_view::npos;
}

// How many ASCII digits `text` starts with.
std::size_t leading_digits(std::string_view text) {
  std::size_t n = 0;
  while (n < text.size() && text[n] >= '0' && text[n] <= '9') ++n;
  return n;
}

// ^\d+_(.*)SUFFIX$ (.+ with `nonempty`): a number, an underscore, a name, then `suffix`.
bool is_numbered(std::string_view name, std::string_view suffix, bool nonempty = false) {
  std::size_t digits = leading_digits(name);
  if (digits == 0 || digits >= name.size() || name[digits] != '_') return false;
  std::string_view rest = name.substr(digits + 1);
  if (!rest.ends_with(suffix)) return false;
  std::string_view middle = rest.substr(0, rest.size() - suffix.size());
  return (!nonempty || !middle.empty()) && no_line_break(middle);
}

// ^\d+_.*\.(up|down)\.sql$
bool is_up_down_name(std::string_view name) {
  return is_numbered(name, ".up.sql") || is_numbered(name, ".down.sql");
}

// ^(V\d+(?:[._]\d+)*|R)__.+\.sql$
bool is_flyway_name(std::string_view name) {
  std::size_t at = 0;
  if (name.starts_with('R')) {
    at = 1;
  } else if (name.starts_with('V')) {
    std::size_t digits = leading_digits(name.substr(1));
    if (digits == 0) return false;
    at = 1 + digits;
    while (at + 1 < name.size() && (name[at] == '.' || name[at] == '_') &&
           (digits = leading_digits(name.substr(at + 1))) > 0)
      at += 1 + digits;
  } else {
    return false;
  }
  std::string_view rest = name.substr(at);
  if (!rest.starts_with("__")) return false;
  rest.remove_prefix(2);
  return rest.size() > 4 && rest.ends_with(".sql") && no_line_break(rest);
}

// Atlas also reads golang-migrate's directories (format=golang-migrate), and its atlas.sum then
// covers the .up.sql files: a summed directory whose .sql files all have a direction is
// golang-migrate's, which applies it or which Atlas applies as golang-migrate would.
bool named_for_golang_migrate(const std::vector<fs::path>& files) {
  bool any = false;
  for (const fs::path& file : files) {
    if (file.extension() != ".sql") continue;
    if (!is_up_down_name(file.filename().string())) return false;
    any = true;
  }
  return any;
}

// sqlx is a Rust library: its migrations sit in a crate whose Cargo.toml names it. Looks from
// the directory's parent up to `root`.
bool in_sqlx_crate(const fs::path& root, const fs::path& dir) {
  fs::path top = normal(root);
  for (fs::path at = normal(dir).parent_path(); !at.empty(); at = at.parent_path()) {
    std::error_code error;
    if (fs::is_regular_file(at / "Cargo.toml", error) &&
        read_file_bytes(at / "Cargo.toml", error).find("sqlx") != std::string::npos)
      return true;
    if (at == top || at == at.parent_path()) break;
  }
  return false;
}

}  // namespace

std::string detect_layout(const fs::path& root, Scan& scan) {
  const fs::path& dir = scan.dir();
  std::error_code error;
  if (fs::is_regular_file(dir / "sqitch.plan", error)) return "sqitch";
  if (fs::is_regular_file(dir / "atlas.sum", error))
    return named_for_golang_migrate(files_in(scan, dir, false)) ? "golang-migrate" : "atlas";
  if (fs::is_regular_file(dir / "migration_lock.toml", error) ||
      has_subdirectory_with(dir, "migration.sql"))
    return "prisma";

  std::vector<fs::path> below = files_in(scan, dir, true);
  std::vector<fs::path> sql;
  for (const fs::path& file : below) {
    if (file.extension() == ".sql") sql.push_back(file);
  }
  scan.prefetch(sql, kHead);
  for (const fs::path& file : below) {
    if (file.extension() == ".sql" &&
        has_liquibase_header(without_byte_order_mark(scan.peek(file, kHead))))
      return "liquibase";
  }
  if (std::any_of(below.begin(), below.end(),
                  [](const fs::path& f) { return is_flyway_name(f.filename().string()); }))
    return "flyway";
  if (has_subdirectory_with(dir, "up.sql")) return "diesel";

  std::vector<fs::path> files = files_in(scan, dir, false);
  std::set<std::string> names;
  for (const fs::path& file : files) names.insert(file.filename().string());
  std::size_t directed = 0, bare = 0;
  bool paired_bare = false;  // 003_x.sql beside 003_x.down.sql: plain's way to give an up a down
  bool no_transaction_header = false, dbmate = false, goose = false, pop = false,
       sql_migrate = false;
  for (const fs::path& file : files) {
    const std::string name = file.filename().string();
    if (is_numbered(name, ".go", true)) goose = true;
    pop = pop || pop_only_name(name);
    if (file.extension() != ".sql") continue;
    // Unreadable files say nothing here; the layout's reader reports them.
    std::string_view text = without_byte_order_mark(scan.peek(file, std::string::npos));
    no_transaction_header = no_transaction_header || text.starts_with("-- no-transaction");
    dbmate = dbmate || has_dbmate_up(text);
    goose = goose || has_goose_up(text);
    sql_migrate = sql_migrate || has_sql_migrate_marker(text);
    if (is_up_down_name(name)) {
      ++directed;
    } else if (is_numbered(name, ".sql")) {
      ++bare;
      paired_bare = paired_bare || names.contains(file.stem().string() + ".down.sql");
    }
  }
  bool sqlx = no_transaction_header || ((directed > 0 || bare > 0) && in_sqlx_crate(root, dir));
  if (dbmate) return "dbmate";
  if (goose) return "goose";
  if (sql_migrate) return "sql-migrate";
  if (sqlx) return "sqlx";
  if (pop) return "pop";
  // plain takes these names too, but runs them in a transaction of their own; a file that
  // golang-migrate would skip among them is a slip, not a sign of another layout.
  if (directed > bare && !paired_bare) return "golang-migrate";
  return "plain";
}

}  // namespace mgate::discovery
