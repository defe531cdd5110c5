#pragma once
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "core/migration.hpp"
#include "core/source_file.hpp"
#include "sql/parsed_script.hpp"

namespace mgate::sql {

// Reads a file's bytes given its path relative to the root. The default reads the working
// tree; the pre-commit hook reads the git index instead.
using FileReader = std::function<std::string(const std::string& relative_path)>;

FileReader working_tree_reader(const std::filesystem::path& root);

// Every script of a migration set, read and parsed once, for all gates to share.
class ParsedSet {
 public:
  // Throws InputError naming the file when one cannot be read.
  ParsedSet(const MigrationSet& set, const FileReader& read);

  const SourceFile& file(const std::string& path) const;
  const ParsedScript& script(const Script& ref) const;

 private:
  std::map<std::string, std::unique_ptr<SourceFile>> files_;
  std::map<std::pair<std::string, std::size_t>, ParsedScript> scripts_;
};

}  // namespace mgate::sql
