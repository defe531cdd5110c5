#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// The SQL of one direction of a migration: a whole file, or a section of one (dbmate and goose
// keep up and down in one file).
struct Script {
  std::string file;  // relative to the repository root
  Span section{0, std::string::npos};
  bool whole_file() const { return section.begin == 0 && section.end == std::string::npos; }
};

struct Migration {
  Version version;   // empty for Flyway repeatable migrations
  std::string name;  // the description part of the name
  std::optional<Script> up;
  std::optional<Script> down;
  std::optional<Script> verify;  // sqitch verify scripts
  bool transactional = true;     // false when the layout marks it (dbmate, goose, diesel, ...)
  // golang-migrate sends a file as one query string: PostgreSQL wraps several statements in an
  // implicit transaction, but a file holding a single statement runs outside any transaction.
  bool implicit_transaction = false;
  bool repeatable = false;  // Flyway R__ migrations
  bool gated = true;        // false for migrations before --since: context only
  // The file names that make up this migration, for the naming gate (relative to root).
  std::vector<std::string> files;

  std::string id() const { return version.text.empty() ? name : version.text; }
};

// Something discovery noticed about a file that is not a well-formed migration.
struct StrayFile {
  std::string file;
  std::string reason;
};

struct MigrationSet {
  std::string layout;  // plain, golang-migrate, flyway, dbmate, diesel, goose, sqitch
  std::string dir;     // the migrations directory, relative to the root
  std::vector<Migration> migrations;  // in apply order
  std::vector<StrayFile> strays;
  // Whether the layout's tool skips a UTF-8 byte order mark at the start of a file; the others
  // send it to PostgreSQL, which rejects it, or reject the file themselves (docs/layouts.md).
  bool skips_byte_order_mark = false;
};

}  // namespace mgate
