#include <algorithm>
#include <iterator>

#include "rules/rule.hpp"

namespace mgate {

bool is_history_table(std::string_view relation) {
  // Sorted. Each tool keeps one row per migration (or one row in all): writing them is the tool's
  // bookkeeping, never a backfill.
  static constexpr std::string_view kTables[] = {
      "__diesel_schema_migrations",  // diesel
      "_prisma_migrations",          // Prisma
      "_sqlx_migrations",            // sqlx
      "alembic_version",             // Alembic (its offline SQL scripts)
      "atlas_schema_revisions",      // Atlas
      "databasechangelog",           // Liquibase
      "databasechangeloglock",       // Liquibase
      "django_migrations",           // Django
      "flyway_schema_history",       // Flyway
      "goose_db_version",            // goose
      "knex_migrations",             // knex
      "knex_migrations_lock",        // knex
      "schema_migrations",           // Rails, golang-migrate, dbmate
  };
  std::string_view name = relation.substr(relation.rfind('.') + 1);
  return std::binary_search(std::begin(kTables), std::end(kTables), name);
}

}  // namespace mgate
