// The rollback gate's schema tracker: each migration's reads cover only what its scope reaches,
// and a change outside the scope (made by code whose effects no name says) sends it back to a
// whole read, both where the database records its commands (traced) and where it does not
// (counted).
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "integration/postgres.hpp"
#include "pg/schema_snapshot.hpp"
#include "pg/session.hpp"

namespace mgate::testing {
namespace {

// Made before the tracker starts, as earlier migrations would have: tables the scopes below do
// not name, and functions that change them behind a name nobody reads.
constexpr const char* kHistory = R"sql(
CREATE TABLE accounts (id bigint PRIMARY KEY, email text);
CREATE TABLE audit (id bigint PRIMARY KEY, note text);
CREATE TABLE legacy (id bigint PRIMARY KEY);
CREATE FUNCTION widen_audit() RETURNS void LANGUAGE plpgsql
  AS $$BEGIN EXECUTE 'ALTER TABLE audit ADD COLUMN IF NOT EXISTS extra integer'; END$$;
CREATE FUNCTION drop_legacy() RETURNS void LANGUAGE plpgsql
  AS $$BEGIN EXECUTE 'DROP TABLE IF EXISTS legacy'; END$$;
CREATE FUNCTION scratch_table() RETURNS void LANGUAGE plpgsql
  AS $$BEGIN EXECUTE 'CREATE TABLE scratch (n integer)'; EXECUTE 'DROP TABLE scratch'; END$$;
)sql";

struct Check {
  std::vector<pg::SchemaDifference> after_down;  // against the state before up
  std::vector<pg::SchemaDifference> after_reup;  // against the state after the first up
};

// traced: the database records its commands (pg::trace_schema_changes); counted: it does not.
class SchemaTrackerTest : public PostgresSuite, public ::testing::WithParamInterface<bool> {
 protected:
  void SetUp() override {
    database_ = server().clone(server().base(), "tracker");
    {
      pg::Session setup(server().owner(database_), std::chrono::seconds(30));
      run(setup, kHistory);
    }
    traced_ = GetParam() && pg::trace_schema_changes(server(), database_);
    ASSERT_EQ(traced_, GetParam()) << "the local server's admin is a superuser: it can trace";
    session_ = std::make_unique<pg::Session>(server().owner(database_), std::chrono::seconds(30));
    tracker_ = std::make_unique<pg::SchemaTracker>(known_, traced_);
  }
  void TearDown() override {
    tracker_.reset();
    session_.reset();
    server().drop(database_);
  }

  static void run(pg::Session& session, const std::string& sql) {
    auto error = session.execute(sql);
    ASSERT_FALSE(error.has_value()) << sql << ": " << error->message;
  }

  // What the rollback gate does with one migration whose scripts run in a transaction: up,
  // committed; then down and up again in one transaction, rolled back.
  Check migrate(const pg::SchemaScope& scope, const std::string& up, const std::string& down) {
    Check check;
    tracker_->before_up(*session_, scope);
    run(*session_, up);
    tracker_->after_up(*session_);
    run(*session_, "BEGIN");
    run(*session_, down);
    check.after_down = tracker_->changes_since_before_up(*session_);
    run(*session_, up);
    check.after_reup = tracker_->changes_since_after_up(*session_);
    run(*session_, "ROLLBACK");
    return check;
  }

  std::string database_;
  bool traced_ = false;
  pg::IndexDefinitions known_;
  std::unique_ptr<pg::Session> session_;
  std::unique_ptr<pg::SchemaTracker> tracker_;
};

pg::SchemaScope relations(std::vector<std::string> names) {
  pg::SchemaScope scope;
  scope.relations = std::move(names);
  return scope;
}

pg::SchemaScope functions(std::vector<std::string> names) {
  pg::SchemaScope scope;
  scope.functions = std::move(names);
  return scope;
}

TEST_P(SchemaTrackerTest, NamedChangesAreReadInPartAndADownThatUndoesThemLeavesNoDifference) {
  Check first = migrate(relations({"orders", "accounts"}),
                        "CREATE TABLE orders (id bigint PRIMARY KEY, account_id bigint "
                        "REFERENCES accounts (id)); CREATE INDEX orders_account ON orders "
                        "(account_id); ALTER TABLE accounts ADD COLUMN name text NOT NULL "
                        "DEFAULT ''; COMMENT ON COLUMN accounts.name IS 'shown'",
                        "ALTER TABLE accounts DROP COLUMN name; DROP TABLE orders");
  EXPECT_EQ(described(first.after_down), "");
  EXPECT_EQ(described(first.after_reup), "");
  // A second migration starts from the state the first left, patched from its parts.
  Check second =
      migrate(relations({"orders", "purchases"}), "ALTER TABLE orders RENAME TO purchases",
              "ALTER TABLE purchases RENAME TO orders");
  EXPECT_EQ(described(second.after_down), "");
  EXPECT_EQ(described(second.after_reup), "");
  EXPECT_EQ(tracker_->whole_reads(), 1) << "the first state only: every other read was a part";
  EXPECT_EQ(tracker_->scoped_reads(), 8);
}

TEST_P(SchemaTrackerTest, ADownThatLeavesAColumnBehindIsSeenInThePart) {
  Check check = migrate(relations({"accounts"}),
                        "ALTER TABLE accounts ADD COLUMN IF NOT EXISTS age integer", "SELECT 1");
  EXPECT_EQ(described(check.after_down),
            "column public.accounts.age: (absent) -> integer\n"
            "column order public.accounts: id, email -> id, email, age\n");
  EXPECT_EQ(tracker_->whole_reads(), 1);
}

TEST_P(SchemaTrackerTest, ACommandOnATableNoNameReachesSendsTheReadBackToTheWholeSchema) {
  Check check = migrate(functions({"widen_audit"}), "SELECT widen_audit()", "SELECT 1");
  EXPECT_EQ(described(check.after_down),
            "column public.audit.extra: (absent) -> integer\n"
            "column order public.audit: id, note -> id, note, extra\n");
  EXPECT_GT(tracker_->whole_reads(), 1);
}

TEST_P(SchemaTrackerTest, ATableDroppedBehindANameIsMissedByNoRead) {
  Check check = migrate(functions({"drop_legacy"}), "SELECT drop_legacy()", "SELECT 1");
  EXPECT_NE(described(check.after_down).find("table public.legacy: "), std::string::npos)
      << described(check.after_down);
  EXPECT_GT(tracker_->whole_reads(), 1);
}

TEST_P(SchemaTrackerTest, AHelperTableMadeAndDroppedAgainChangesNothing) {
  Check check = migrate(functions({"scratch_table"}), "SELECT scratch_table()", "SELECT 1");
  EXPECT_EQ(described(check.after_down), "");
  EXPECT_EQ(described(check.after_reup), "");
  if (traced_) {
    EXPECT_EQ(tracker_->whole_reads(), 1) << "made after the read before it and gone again";
  }
}

TEST_P(SchemaTrackerTest, TheMigrationsRoleCannotEditOrSilenceTheRecord) {
  if (!traced_) GTEST_SKIP() << "nothing is recorded without the trace";
  for (const char* sql :
       {"DELETE FROM pg_mgate.ddl_trace", "UPDATE pg_mgate.ddl_trace SET objid = 0",
        "TRUNCATE pg_mgate.ddl_trace", "ALTER EVENT TRIGGER mgate_trace_commands DISABLE",
        "DROP EVENT TRIGGER mgate_trace_drops", "DROP SCHEMA pg_mgate CASCADE",
        "CREATE OR REPLACE FUNCTION pg_mgate.trace_ddl() RETURNS event_trigger LANGUAGE "
        "plpgsql AS $$BEGIN END$$"}) {
    auto error = session_->execute(sql);
    EXPECT_TRUE(error.has_value()) << sql << " was allowed";
  }
  run(*session_, "CREATE TABLE recorded (n integer)");
  auto rows =
      session_->rows("SELECT count(*) FROM pg_mgate.ddl_trace WHERE objid = 'recorded'::regclass");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], "1");
}

INSTANTIATE_TEST_SUITE_P(Reads, SchemaTrackerTest, ::testing::Values(true, false),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "Traced" : "Counted";
                         });

}  // namespace
}  // namespace mgate::testing
