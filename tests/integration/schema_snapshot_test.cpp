// The catalog snapshot read on a migration session (the non-superuser owner role, inside the
// session's transaction) against the one read by the admin role.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include <map>
#include <set>

#include "integration/postgres.hpp"
#include "pg/connection.hpp"
#include "pg/schema_snapshot.hpp"
#include "pg/session.hpp"

namespace mgate::testing {
namespace {

using ::testing::IsEmpty;

class SchemaSnapshotRead : public PostgresSuite {};

// One object of every kind the snapshot knows, made by the owner role as a migration would.
constexpr const char* kEveryKind = R"sql(
CREATE SCHEMA billing;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN positive AS integer NOT NULL DEFAULT 1 CHECK (VALUE > 0);
CREATE TYPE pair AS (a integer, b text);
CREATE SEQUENCE billing.invoice_no START 100 INCREMENT 5;
CREATE TABLE accounts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text COLLATE "C" NOT NULL UNIQUE,
  lower_email text GENERATED ALWAYS AS (lower(email)) STORED,
  feeling mood DEFAULT 'ok',
  credit positive
);
CREATE TABLE billing.invoices (
  no integer DEFAULT nextval('billing.invoice_no') PRIMARY KEY,
  total numeric(10, 2) CHECK (total >= 0)
) PARTITION BY RANGE (no);
CREATE TABLE billing.payments (account_id bigint, amount numeric);
ALTER TABLE billing.payments ADD FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID;
CREATE TABLE billing.invoices_1 PARTITION OF billing.invoices FOR VALUES FROM (0) TO (1000);
CREATE INDEX accounts_feeling_idx ON accounts (feeling) WHERE feeling <> 'sad';
CREATE VIEW happy_accounts AS SELECT id, email FROM accounts WHERE feeling = 'happy';
CREATE MATERIALIZED VIEW account_count AS SELECT count(*) AS n FROM accounts;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE PROCEDURE noop(n integer) LANGUAGE sql AS $$SELECT n$$;
CREATE TRIGGER accounts_touch BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION touch();
ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON accounts FOR SELECT USING (email = current_user);
COMMENT ON TABLE accounts IS 'people who pay';
COMMENT ON COLUMN accounts.email IS 'login';
)sql";

void run(pg::Session& session, const std::string& sql) {
  auto error = session.execute(sql);
  ASSERT_FALSE(error.has_value()) << error->message;
}

std::set<std::string> kinds_in(const pg::SchemaSnapshot& snapshot) {
  std::set<std::string> kinds;
  for (const auto& [key, definition] : snapshot.objects()) kinds.insert(key.first);
  return kinds;
}

TEST_F(SchemaSnapshotRead, OwnerSessionInsideATransactionSeesWhatTheAdminSees) {
  std::string database = server().clone(server().base(), "snapshot");
  {
    pg::Session session(server().owner(database), std::chrono::seconds(30));
    run(session, kEveryKind);
    pg::Connection admin(server().admin(database));
    pg::SchemaSnapshot by_admin = pg::SchemaSnapshot::read(admin);
    EXPECT_EQ(
        kinds_in(by_admin),
        (std::set<std::string>{"column", "column order", "comment", "constraint", "domain", "enum",
                               "function", "index", "materialized view", "policy", "procedure",
                               "schema", "sequence", "table", "trigger", "type", "view"}));

    pg::SchemaSnapshot by_owner = pg::SchemaSnapshot::read(session);
    auto differences = pg::diff(by_admin, by_owner);
    EXPECT_THAT(differences, IsEmpty()) << described(differences);

    // Inside an open transaction, the owner's read sees the transaction's own changes; after
    // the rollback they are gone again.
    run(session, "BEGIN; ALTER TABLE accounts DROP COLUMN credit");
    auto inside = pg::diff(by_admin, pg::SchemaSnapshot::read(session));
    EXPECT_THAT(inside, ::testing::Contains(::testing::Field(&pg::SchemaDifference::name,
                                                             "public.accounts.credit")));
    run(session, "ROLLBACK");
    differences = pg::diff(by_admin, pg::SchemaSnapshot::read(session));
    EXPECT_THAT(differences, IsEmpty()) << described(differences);
  }
  server().drop(database);
}

TEST_F(SchemaSnapshotRead, FunctionsAMigrationDefinesCannotShadowTheCatalogs) {
  std::string database = server().clone(server().base(), "snapshot");
  {
    pg::Session session(server().owner(database), std::chrono::seconds(30));
    run(session, "CREATE TABLE accounts (id int, email text)");
    pg::Connection admin(server().admin(database));
    pg::SchemaSnapshot expected = pg::SchemaSnapshot::read(admin);
    // An exact match for quote_ident(name) in public would win over pg_catalog's
    // quote_ident(text) on the default search_path.
    run(session,
        "CREATE FUNCTION public.quote_ident(name) RETURNS text LANGUAGE sql "
        "AS $$SELECT 'shadowed'$$; SET search_path = public, pg_catalog");
    pg::SchemaSnapshot read = pg::SchemaSnapshot::read(session);
    EXPECT_EQ(read.objects().at({"column order", "public.accounts"}), "id, email");
    auto differences = pg::diff(expected, read);
    ASSERT_EQ(differences.size(), 1u);
    EXPECT_EQ(differences[0].kind, "function");
  }
  server().drop(database);
}

// What pg_get_indexdef says now for every index of `database`, by snapshot name.
std::map<std::string, std::string> deparsed_indexes(pqxx::connection& admin) {
  pqxx::work tx(admin);
  tx.exec0("SET LOCAL search_path = pg_catalog, pg_temp");
  std::map<std::string, std::string> out;
  for (const auto& row : tx.exec(
           "SELECT format('%I.%I', n.nspname, c.relname), pg_get_indexdef(c.oid) FROM pg_index x "
           "JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
           "WHERE n.nspname NOT IN ('pg_catalog', 'pg_toast', 'information_schema', 'pg_mgate')")) {
    out[row[0].c_str()] = row[1].c_str();
  }
  return out;
}

std::map<std::string, std::string> indexes_in(const pg::SchemaSnapshot& snapshot) {
  std::map<std::string, std::string> out;
  for (const auto& [key, definition] : snapshot.objects()) {
    if (key.first == "index") out[key.second] = definition;
  }
  return out;
}

// Index texts are remembered across the snapshots of a session; each of these changes alters
// the text of an index whose own catalog rows stay as they were, or changes its rows alone.
// Where the database records its commands, the key of a remembered text spells out only the
// catalog rows written since the record was made: run both ways.
class RememberedIndexDefinitions : public PostgresSuite,
                                   public ::testing::WithParamInterface<bool> {};

TEST_P(RememberedIndexDefinitions, FollowEveryRename) {
  std::string database = server().clone(server().base(), "snapshot");
  if (GetParam()) {
    ASSERT_TRUE(pg::trace_schema_changes(server(), database));
  }
  {
    pg::Session session(server().owner(database), std::chrono::seconds(30));
    pqxx::connection admin(server().admin(database).conninfo());
    run(session,
        "CREATE SCHEMA shop; "
        "CREATE TABLE shop.items (id int PRIMARY KEY, code text, name text, price int); "
        "CREATE INDEX items_code ON shop.items (code text_pattern_ops); "
        "CREATE INDEX items_name ON shop.items (name COLLATE \"C\" DESC NULLS LAST); "
        "CREATE UNIQUE INDEX items_price ON shop.items (price) INCLUDE (name) "
        "  WITH (fillfactor = 70); "
        "CREATE INDEX items_lower ON shop.items (lower(name)) WHERE price > 0");
    pg::IndexDefinitions known;
    auto first = indexes_in(pg::SchemaSnapshot::read(session, known));
    EXPECT_EQ(first, deparsed_indexes(admin));
    EXPECT_EQ(first.size(), 5u);
    for (const char* change :
         {"ALTER TABLE shop.items RENAME COLUMN name TO title",
          "ALTER TABLE shop.items RENAME TO goods", "ALTER SCHEMA shop RENAME TO store",
          "ALTER INDEX store.items_code RENAME TO goods_code",
          "ALTER INDEX store.items_price SET (fillfactor = 80)",
          "CREATE COLLATION store.c_again (locale = 'C'); "
          "ALTER TABLE store.goods ALTER COLUMN code TYPE text COLLATE store.c_again",
          "ALTER TABLE store.goods ALTER COLUMN price TYPE bigint",
          // A collation only the index names: no column's definition changes with it.
          "CREATE COLLATION store.for_index (locale = 'C'); "
          "CREATE INDEX goods_title_c ON store.goods (title COLLATE store.for_index)",
          "ALTER COLLATION store.for_index RENAME TO index_only",
          "CREATE MATERIALIZED VIEW store.prices AS SELECT id, price FROM store.goods; "
          "CREATE INDEX prices_price ON store.prices (price)",
          "ALTER MATERIALIZED VIEW store.prices RENAME COLUMN price TO amount"}) {
      run(session, change);
      // Inside a transaction and out of it.
      run(session, "BEGIN");
      EXPECT_EQ(indexes_in(pg::SchemaSnapshot::read(session, known)), deparsed_indexes(admin))
          << change;
      run(session, "COMMIT");
      EXPECT_EQ(indexes_in(pg::SchemaSnapshot::read(session, known)), deparsed_indexes(admin))
          << change;
    }
  }
  server().drop(database);
}

INSTANTIATE_TEST_SUITE_P(Reads, RememberedIndexDefinitions, ::testing::Values(true, false),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "Traced" : "Untraced";
                         });

}  // namespace
}  // namespace mgate::testing
