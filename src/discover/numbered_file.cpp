#include "discover/numbered_file.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace mgate::discovery {
namespace {

bool is_digit(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

bool remove_suffix(std::string_view& text, std::string_view suffix) {
  if (!text.ends_with(suffix)) return false;
  text.remove_suffix(suffix.size());
  return true;
}

std::string lowercase(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kLanguages{{
    {".go", "a Go migration"},
    {".java", "a Java migration"},
    {".kt", "a Kotlin migration"},
    {".rb", "a Ruby migration"},
    {".py", "a Python migration"},
    {".js", "a JavaScript migration"},
    {".ts", "a TypeScript migration"},
}};

}  // namespace

std::pair<std::string_view, std::string_view> version_and_rest(std::string_view stem) {
  std::size_t digits = 0;
  while (digits < stem.size() && is_digit(stem[digits])) ++digits;
  std::string_view rest = stem.substr(digits);
  if (!rest.empty() && (rest.front() == '_' || rest.front() == '-' || rest.front() == '.'))
    rest.remove_prefix(1);
  return {stem.substr(0, digits), rest};
}

NumberedFileName read_numbered_file(std::string_view file_name, bool directions) {
  std::string_view stem = file_name;
  if (!remove_suffix(stem, ".sql")) return {std::nullopt, "not a .sql file"};

  Direction direction = Direction::unspecified;
  if (directions) {
    if (remove_suffix(stem, ".up")) {
      direction = Direction::up;
    } else if (remove_suffix(stem, ".down")) {
      direction = Direction::down;
    }
  }

  std::size_t digits = 0;
  while (digits < stem.size() && is_digit(stem[digits])) ++digits;
  if (digits == 0)
    return {std::nullopt, "no version: the name must start with digits, as in 001_name.sql"};
  if (digits == stem.size() || stem[digits] != '_')
    return {std::nullopt,
            fmt::format("the version {0} must be followed by '_' and a name, as in {0}_name.sql",
                        stem.substr(0, digits))};
  if (digits + 1 == stem.size()) return {std::nullopt, "no name after the version"};

  return {NumberedFile{std::string(stem.substr(0, digits)), std::string(stem.substr(digits + 1)),
                       direction},
          ""};
}

bool looks_like_migration(std::string_view file_name) {
  return !file_name.empty() && is_digit(file_name.front()) &&
         lowercase(file_name).ends_with(".sql");
}

std::optional<std::string> code_migration(std::string_view file_name) {
  if (file_name.empty() || !is_digit(file_name.front())) return std::nullopt;
  if (file_name.ends_with("_test.go")) return std::nullopt;  // Go tests sit beside Go migrations
  for (const auto& [extension, what] : kLanguages) {
    if (file_name.ends_with(extension)) return std::string(what);
  }
  return std::nullopt;
}

void add_code_migration(Scan& scan, const Entry& entry, std::string what) {
  std::string_view stem = entry.name;
  stem.remove_suffix(stem.size() - stem.rfind('.'));
  auto [version, rest] = version_and_rest(stem);
  Migration migration;
  migration.version = {std::string(version)};
  migration.name = std::string(rest);
  migration.cannot_run = std::move(what);
  migration.files.push_back(scan.relative(entry.path));
  scan.add(std::move(migration));
}

}  // namespace mgate::discovery
