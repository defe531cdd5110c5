#include "core/layout.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <filesystem>

namespace mgate {
namespace {

namespace fs = std::filesystem;

std::string sibling(std::string_view file, std::string_view name) {
  return (fs::path(file).parent_path() / name).generic_string();
}

// 001_x.sql or 001_x.up.sql: 001_x.down.sql beside it.
std::string down_file_beside(std::string_view up_file) {
  std::string base = fs::path(up_file).filename().string();
  for (std::string_view suffix : {".up.sql", ".sql"}) {
    if (base.ends_with(suffix)) {
      std::string stem = base.substr(0, base.size() - suffix.size());
      return fmt::format("add {} that undoes it", sibling(up_file, stem + ".down.sql"));
    }
  }
  return "add a down migration that undoes it";
}

std::string dbmate_down(std::string_view up_file) {
  return fmt::format("add a `-- migrate:down` section to {}", up_file);
}

std::string goose_down(std::string_view up_file) {
  return fmt::format("add a `-- +goose Down` section to {}", up_file);
}

std::string diesel_down(std::string_view up_file) {
  return fmt::format("add {} that undoes up.sql", sibling(up_file, "down.sql"));
}

std::string flyway_undo(std::string_view up_file) {
  std::string undo = fs::path(up_file).filename().string();
  if (undo.empty() || undo.front() != 'V') return "add an undo migration (U prefix) that undoes it";
  undo.front() = 'U';
  return fmt::format("add {} that undoes it (a Flyway Teams undo migration)",
                     sibling(up_file, undo));
}

std::string sqitch_revert(std::string_view up_file) {
  fs::path file(up_file);
  if (file.parent_path().filename() != "deploy") return "add a revert script that undoes it";
  fs::path revert = file.parent_path().parent_path() / "revert" / file.filename();
  return fmt::format("add {} that undoes it", revert.generic_string());
}

// 001_x.postgres.up.sql: 001_x.postgres.down.sql beside it.
std::string pop_down(std::string_view up_file) {
  std::string base = fs::path(up_file).filename().string();
  if (!base.ends_with(".up.sql")) return "add a down migration that undoes it";
  base.replace(base.size() - 7, 7, ".down.sql");
  return fmt::format("add {} that undoes it", sibling(up_file, base));
}

std::string sql_migrate_down(std::string_view up_file) {
  return fmt::format("add a `-- +migrate Down` section to {}", up_file);
}

std::string liquibase_rollback(std::string_view up_file) {
  return fmt::format("add `--rollback` lines that undo the changeset to it in {}", up_file);
}

const std::vector<Layout> kLayouts = {
    {.name = "plain",
     .tool = "a plain SQL runner",
     .example = "001_create_users.sql",
     .outside_transaction =
         "plain migrations run in one transaction each ([migrations] transaction = "
         "\"per-migration\", as psql -1 and most runners send them); if yours sends each "
         "statement on its own (psql -f), set [migrations] transaction = \"per-statement\" in "
         "mgate.toml",
     .transaction = Transaction::script,
     .configurable_transaction = true,
     .skips_byte_order_mark = true,  // psql skips it
     .down_for = down_file_beside},
    {.name = "golang-migrate",
     .tool = "golang-migrate",
     .example = "000001_create_users.up.sql",
     .outside_transaction =
         "golang-migrate sends a file as one query, which PostgreSQL runs in one implicit "
         "transaction when it holds more than one statement: put the statement alone in a "
         "migration file of its own",
     .transaction = Transaction::query,
     .history_table = "CREATE TABLE IF NOT EXISTS schema_migrations (version bigint NOT NULL "
                      "PRIMARY KEY, dirty boolean NOT NULL)",
     .down_for = down_file_beside},
    {.name = "flyway",
     .tool = "Flyway",
     .example = "V1__create_users.sql",
     .outside_transaction =
         "keep the statement alone in its migration (Flyway then runs it outside a "
         "transaction), or add a script configuration file <script>.conf holding "
         "executeInTransaction=false",
     .transaction = Transaction::detect,
     .skips_byte_order_mark = true,
     .on_edit = "Flyway's validate fails on its changed checksum",
     .history_table = R"(CREATE TABLE IF NOT EXISTS flyway_schema_history (
    installed_rank INT NOT NULL CONSTRAINT flyway_schema_history_pk PRIMARY KEY,
    version VARCHAR(50),
    description VARCHAR(200) NOT NULL,
    type VARCHAR(20) NOT NULL,
    script VARCHAR(1000) NOT NULL,
    checksum INTEGER,
    installed_by VARCHAR(100) NOT NULL,
    installed_on TIMESTAMP NOT NULL DEFAULT now(),
    execution_time INTEGER NOT NULL,
    success BOOLEAN NOT NULL);
CREATE INDEX IF NOT EXISTS flyway_schema_history_s_idx ON flyway_schema_history (success))",
     .down_for = flyway_undo},
    {.name = "dbmate",
     .tool = "dbmate",
     .example = "20240101120000_create_users.sql",
     .outside_transaction = "write `-- migrate:up transaction:false` (or the same option on the "
                            "`-- migrate:down` line for the down section)",
     .history_table = "CREATE TABLE IF NOT EXISTS schema_migrations (version varchar PRIMARY KEY)",
     .down_for = dbmate_down},
    {.name = "diesel",
     .tool = "diesel",
     .example = "2024-01-01-120000_create_users/up.sql",
     .outside_transaction =
         "add a metadata.toml holding `run_in_transaction = false` to the migration's directory",
     .history_table = "CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (version VARCHAR(50) "
                      "PRIMARY KEY NOT NULL, run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)",
     .down_for = diesel_down},
    {.name = "goose",
     .tool = "goose",
     .example = "20240101120000_create_users.sql",
     .outside_transaction = "add a `-- +goose NO TRANSACTION` line to the file",
     .history_table = "CREATE TABLE IF NOT EXISTS goose_db_version (id integer PRIMARY KEY "
                      "GENERATED BY DEFAULT AS IDENTITY, version_id bigint NOT NULL, is_applied "
                      "boolean NOT NULL, tstamp timestamp NOT NULL DEFAULT now())",
     .down_for = goose_down},
    {.name = "sqitch",
     .tool = "sqitch",
     .example = "deploy/create_users.sql",
     .outside_transaction = "sqitch runs the script as it is written: keep the statement "
                            "outside the script's BEGIN … COMMIT",
     .transaction = Transaction::statement,
     .ordered_by_version = false,
     .skips_byte_order_mark = true,  // psql runs its scripts
     .down_for = sqitch_revert},
    {.name = "prisma",
     .tool = "Prisma Migrate",
     .example = "20240101120000_create_users/migration.sql",
     .outside_transaction =
         "Prisma Migrate sends migration.sql as one query, which PostgreSQL runs in one "
         "implicit transaction when it holds more than one statement: put the statement alone "
         "in a migration of its own (Prisma releases that split migration.sql into statements "
         "run each on its own: then set [migrations] transaction = \"per-statement\")",
     .transaction = Transaction::query,
     .configurable_transaction = true,
     .has_downs = false,
     .on_edit = "prisma migrate dev reports it as modified after it was applied",
     .history_table = R"(CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id VARCHAR(36) NOT NULL CONSTRAINT _prisma_migrations_pkey PRIMARY KEY,
    checksum VARCHAR(64) NOT NULL,
    finished_at TIMESTAMPTZ,
    migration_name VARCHAR(255) NOT NULL,
    logs TEXT,
    rolled_back_at TIMESTAMPTZ,
    started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count INTEGER NOT NULL DEFAULT 0))"},
    {.name = "liquibase",
     .tool = "Liquibase",
     .example = "changelog/001_create_users.sql with --changeset ada:1",
     .outside_transaction = "add runInTransaction:false to the changeset's --changeset line",
     .ordered_by_version = false,
     .skips_byte_order_mark = true,  // it reads changelogs through a BOM-aware stream
     .on_edit = "Liquibase's validation fails on the changeset's changed checksum",
     .down_for = liquibase_rollback},
    {.name = "sqlx",
     .tool = "sqlx",
     .example = "20240101120000_create_users.sql",
     .outside_transaction =
         "make `-- no-transaction` the file's first line, and keep the statement alone in the "
         "file (sqlx then sends it as one query, which PostgreSQL runs in one implicit "
         "transaction when it holds more than one statement)",
     .on_edit = "sqlx refuses to migrate: the applied migration's checksum no longer matches",
     .history_table =
         "CREATE TABLE IF NOT EXISTS _sqlx_migrations (version BIGINT PRIMARY KEY, "
         "description TEXT NOT NULL, installed_on TIMESTAMPTZ NOT NULL DEFAULT now(), "
         "success BOOLEAN NOT NULL, checksum BYTEA NOT NULL, execution_time BIGINT NOT "
         "NULL)",
     .down_for = down_file_beside},
    {.name = "atlas",
     .tool = "Atlas",
     .example = "20240101120000_create_users.sql",
     .outside_transaction = "start the file with the line `-- atlas:txmode none` followed by a "
                            "blank line",
     .has_downs = false,
     .on_edit = "atlas.sum no longer matches, and atlas migrate apply refuses to run"},
    {.name = "pop",
     .tool = "Pop",
     .example = "20240101120000_create_users.postgres.up.sql",
     .outside_transaction =
         "name the file <version>_<name>.postgres.autocommit.up.sql and keep the statement alone "
         "in it (ory/popx then sends it as one query outside a transaction; gobuffalo/pop always "
         "runs a migration in one)",
     .history_table = "CREATE TABLE IF NOT EXISTS schema_migration (version VARCHAR(48) NOT NULL, "
                      "version_self INT NOT NULL DEFAULT 0)",
     .down_for = pop_down},
    {.name = "sql-migrate",
     .tool = "sql-migrate",
     .example = "1_create_users.sql with -- +migrate Up and -- +migrate Down sections",
     .outside_transaction = "add notransaction to the section's marker line: "
                            "`-- +migrate Up notransaction`",
     .history_table = "CREATE TABLE IF NOT EXISTS gorp_migrations (id VARCHAR(255) NOT NULL "
                      "PRIMARY KEY, applied_at TIMESTAMPTZ)",
     .down_for = sql_migrate_down},
};

}  // namespace

const std::vector<Layout>& all_layouts() {
  return kLayouts;
}

const Layout* find_layout(std::string_view name) {
  auto found = std::find_if(kLayouts.begin(), kLayouts.end(),
                            [&](const Layout& layout) { return layout.name == name; });
  return found == kLayouts.end() ? nullptr : &*found;
}

const Layout& layout_named(std::string_view name) {
  const Layout* layout = find_layout(name);
  return layout ? *layout : kLayouts.front();
}

std::string layout_list() {
  std::string list;
  for (const Layout& layout : kLayouts) {
    if (!list.empty()) list += ", ";
    list += layout.name;
  }
  return list;
}

}  // namespace mgate
