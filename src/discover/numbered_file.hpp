#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace mgate::discovery {

enum class Direction { unspecified, up, down };

// A file named "<digits>_<name>.sql", the shape plain, golang-migrate, dbmate and goose share.
struct NumberedFile {
  std::string version;
  std::string name;
  Direction direction = Direction::unspecified;  // from a ".up.sql" or ".down.sql" suffix
};

// A file name read as a NumberedFile, or why it is not one.
struct NumberedFileName {
  std::optional<NumberedFile> file;
  std::string problem;
};

// Reads `file_name`. With `directions`, ".up.sql" and ".down.sql" are direction suffixes;
// without, they are part of the name (dbmate and goose keep both directions in one file).
NumberedFileName read_numbered_file(std::string_view file_name, bool directions);

}  // namespace mgate::discovery
