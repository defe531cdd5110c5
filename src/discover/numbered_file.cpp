#include "discover/numbered_file.hpp"

#include <fmt/core.h>

#include <cctype>

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

}  // namespace

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

}  // namespace mgate::discovery
