#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Atlas's atlas.sum, checked the way Atlas checks it before it applies a migration directory
// (sql/migrate/dir.go, Validate): the first line is a checksum of the entries, each entry a
// file name and a SHA-256 over every file name and content up to and including that file.
namespace mgate::atlas {

struct File {
  std::string name;  // as in the directory, e.g. 20240101120000_create_users.sql
  std::string text;
};

// Where atlas.sum and the directory part ways, as Atlas reports it.
struct Mismatch {
  enum class Reason { edited, added, removed, sum_edited, malformed };
  Reason reason;
  std::string file;      // the migration file concerned (empty for sum_edited, malformed)
  std::size_t line = 0;  // 1-based line of atlas.sum
};

// atlas.sum's text for `files` (the directory's .sql files in name order).
std::string sum_file(const std::vector<File>& files);

// The first difference between `sum` (atlas.sum's text) and `files`, or nullopt when Atlas
// would accept the directory.
std::optional<Mismatch> verify(std::string_view sum, const std::vector<File>& files);

}  // namespace mgate::atlas
