#pragma once
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "core/execution_plan.hpp"
#include "discover/scan.hpp"

namespace mgate::discovery {

// One reader per layout: each reads scan.dir() as its tool does and adds to `scan` the
// migrations it finds, the files the tool refuses and the ones it would skip although they look
// like migrations. A script that declares nothing about transactions runs as `undeclared` says:
// the layout's rule, or [migrations] transaction where the layout lets it decide.
// docs/layouts.md describes every layout.
void read_plain(Scan& scan, Transaction undeclared);
void read_golang_migrate(Scan& scan, Transaction undeclared);
void read_flyway(Scan& scan, Transaction undeclared);
void read_dbmate(Scan& scan, Transaction undeclared);
void read_diesel(Scan& scan, Transaction undeclared);
void read_goose(Scan& scan, Transaction undeclared);
void read_sqitch(Scan& scan, Transaction undeclared);
void read_prisma(Scan& scan, Transaction undeclared);
void read_liquibase(Scan& scan, Transaction undeclared);
void read_sqlx(Scan& scan, Transaction undeclared);
void read_atlas(Scan& scan, Transaction undeclared);
void read_pop(Scan& scan, Transaction undeclared);
void read_sql_migrate(Scan& scan, Transaction undeclared);

// A file name as Pop reads it: <version>_<name>[.<dialect>][.autocommit].(up|down).(sql|fizz).
struct PopName {
  std::string version;
  std::string name;
  std::string dialect;  // empty: every dialect's
  bool autocommit = false;
  bool up = true;
  bool fizz = false;
};
std::optional<PopName> read_pop_name(std::string_view file_name);
// Whether the name is Pop's and no other tool's: it names a dialect, .autocommit or .fizz.
bool pop_only_name(std::string_view file_name);

// Whether a file's text has the marker that makes it a migration of the tool, as the tool reads
// it: dbmate's `-- migrate:up`, goose's `-- +goose Up`, Liquibase's first line.
bool has_dbmate_up(std::string_view text);
bool has_goose_up(std::string_view text);
bool has_liquibase_header(std::string_view text);
// sql-migrate's `-- +migrate Up` or `-- +migrate Down` line.
bool has_sql_migrate_marker(std::string_view text);

// The name of the layout the scan's directory looks like (the rules are in docs/layouts.md,
// "auto"). `root` is where to stop looking upwards for the project around it (sqlx's
// Cargo.toml); mgate's own files, which the scan excludes, never count.
std::string detect_layout(const std::filesystem::path& root, Scan& scan);

}  // namespace mgate::discovery
