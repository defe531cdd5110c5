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

// Flyway keeps migrations in nested folders too, so the whole tree counts. Symbolic links to
// directories are not followed here: detection must never loop, and the reader reports them.
bool has_flyway_names(const fs::path& dir) {
  static const std::regex flyway(R"(^(V\d+(?:[._]\d+)*|R)__.+\.sql$)");
  std::error_code error;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, error);
  for (fs::recursive_directory_iterator end; !error && it != end; it.increment(error)) {
    if (is_hidden(it->path())) {
      it.disable_recursion_pending();
      continue;
    }
    if (std::regex_match(it->path().filename().string(), flyway)) return true;
  }
  return false;
}

// Unreadable files say nothing here; the layout's reader reports them. A byte order mark does
// not hide the layout: its reader says whether the tool takes one.
std::string text_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (text.starts_with(kByteOrderMark)) text.erase(0, kByteOrderMark.size());
  return text;
}

}  // namespace

std::string detect_layout(const fs::path& dir) {
  std::error_code error;
  if (fs::is_regular_file(dir / "sqitch.plan", error)) return "sqitch";
  if (has_flyway_names(dir)) return "flyway";

  std::vector<fs::path> sql_files;
  bool go_migrations = false;
  static const std::regex numbered_go(R"(^\d+_.+\.go$)");
  fs::directory_iterator it(dir, error);
  for (fs::directory_iterator end; !error && it != end; it.increment(error)) {
    const fs::path& path = it->path();
    std::string name = path.filename().string();
    if (is_hidden(path)) continue;
    std::error_code ignored;
    if (it->is_directory(ignored) && fs::is_regular_file(path / "up.sql", ignored)) return "diesel";
    if (!it->is_regular_file(ignored)) continue;
    if (name.ends_with(".sql")) sql_files.push_back(path);
    if (std::regex_match(name, numbered_go)) go_migrations = true;
  }

  // plain takes these names too; with nothing but them, the directory is golang-migrate's.
  static const std::regex up_down(R"(^\d+_.*\.(up|down)\.sql$)");
  if (!sql_files.empty() && std::all_of(sql_files.begin(), sql_files.end(), [](const auto& p) {
        return std::regex_match(p.filename().string(), up_down);
      }))
    return "golang-migrate";

  bool dbmate = false;
  bool goose = go_migrations;
  for (const fs::path& file : sql_files) {
    std::string text = text_of(file);
    dbmate = dbmate || has_dbmate_up(text);
    goose = goose || has_goose_up(text);
  }
  if (dbmate) return "dbmate";
  if (goose) return "goose";
  return "plain";
}

}  // namespace mgate::discovery
