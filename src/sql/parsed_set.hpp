#pragma once
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "core/execution_plan.hpp"
#include "core/migration.hpp"
#include "core/source_file.hpp"
#include "sql/parsed_script.hpp"

namespace mgate::sql {

// Reads a file's bytes given its path relative to the root. The default reads the working
// tree; the pre-commit hook reads the git index instead.
using FileReader = std::function<std::string(const std::string& relative_path)>;

FileReader working_tree_reader(const std::filesystem::path& root);

// Every script of a migration set, read, parsed and planned once, for all gates to share.
class ParsedSet {
 public:
  // Throws InputError naming the file when one cannot be read. `pg_version` is the server's
  // major version, which decides a few statements' execution plans.
  ParsedSet(const MigrationSet& set, const FileReader& read, int pg_version = 15);

  const SourceFile& file(const std::string& path) const;
  const ParsedScript& script(const Script& ref) const;
  // How the script runs: the one answer every gate uses.
  const ExecutionPlan& plan(const Script& ref) const;

 private:
  struct Key {
    std::string file;
    std::size_t begin;
    bool pieces;  // a Liquibase rollback shares its changeset's section
    friend auto operator<=>(const Key&, const Key&) = default;
  };
  static Key key_of(const Script& ref);

  std::map<std::string, std::unique_ptr<SourceFile>> files_;
  // A script made of pieces of its file is parsed from a copy of the file that keeps only those
  // pieces, every other byte blanked, so that offsets, lines and columns stay the file's.
  std::map<Key, std::unique_ptr<SourceFile>> piece_files_;
  std::map<Key, ParsedScript> scripts_;
  std::map<Key, ExecutionPlan> plans_;
};

}  // namespace mgate::sql
