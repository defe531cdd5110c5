#pragma once
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/execution_plan.hpp"
#include "core/source_file.hpp"

namespace mgate {

// A migration version as written ("003", "1.2.10", "20240101120000"). Versions order
// numerically part by part, so 1.10 comes after 1.9 and 010 equals 10.
struct Version {
  std::string text;
  friend int compare(const Version& a, const Version& b);
  friend bool operator<(const Version& a, const Version& b) { return compare(a, b) < 0; }
  friend bool operator==(const Version& a, const Version& b) { return compare(a, b) == 0; }
};

// The SQL of one direction of a migration: a whole file, or a section of one (dbmate, goose and
// Liquibase keep several scripts in one file).
struct Script {
  std::string file;  // relative to the repository root
  Span section{0, std::string::npos};
  // How the migration tool sends it: the layout's rule, or what the script or its configuration
  // declares. The execution plan (sql::ParsedSet::plan) is decided from this and the statements.
  Transaction transaction = Transaction::script;
  // When not empty, the SQL is only these byte ranges of the section, in order (Liquibase
  // writes a rollback in comment lines: `--rollback DROP TABLE users;`).
  std::vector<Span> pieces{};
  bool whole_file() const { return section.begin == 0 && section.end == std::string::npos; }
};

struct Migration {
  Version version;   // empty for Flyway repeatable migrations
  std::string name;  // the description part of the name
  std::optional<Script> up;
  std::optional<Script> down;
  std::optional<Script> verify;  // sqitch verify scripts
  // Why mgate cannot run this migration, e.g. "a goose Go migration"; empty for SQL ones. Such
  // a migration has no scripts, but keeps its place in the order.
  std::string cannot_run;
  bool repeatable = false;  // Flyway R__ migrations
  bool gated = true;        // false for migrations before --since: context only
  // The file names that make up this migration, for the naming gate (relative to root).
  std::vector<std::string> files;

  std::string id() const { return version.text.empty() ? name : version.text; }
};

// A file in the migrations directory that the tool refuses, or that looks like a migration
// but which the tool would skip. Files that are not migrations and do not look like one (a
// README, mgate's own files) are not strays: the tool ignores them, and so does mgate.
struct StrayFile {
  enum class Kind {
    refused,  // the tool stops with an error because of it
    ignored,  // named or shaped almost like a migration, but the tool skips it
  };
  std::string file;
  std::string reason;
  Kind kind = Kind::refused;
};

struct MigrationSet {
  std::string layout;                 // a Layout's name (core/layout.hpp)
  std::string dir;                    // the migrations directory, relative to the root
  std::vector<Migration> migrations;  // in apply order
  std::vector<StrayFile> strays;
  // The file in which the tool keeps the checksums of the migrations (Atlas's atlas.sum),
  // relative to the root; empty when the layout has none.
  std::string checksum_file{};
  // The texts of the scripts' files that discovery read from the working tree, by file: the
  // parser takes them from here rather than reading them again (sql::working_tree_reader).
  std::map<std::string, std::string> texts{};
};

}  // namespace mgate
