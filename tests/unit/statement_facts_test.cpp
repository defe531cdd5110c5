#include "sql/statement_facts.hpp"

#include <gtest/gtest.h>

#include <string>

#include "sql/parsed_script.hpp"

namespace mgate::sql {
namespace {

// The first statement of `text`, with what keeps its node alive.
struct Parsed {
  SourceFile file;
  ParsedScript script;
  explicit Parsed(std::string text) : file("m.sql", std::move(text)), script(parse_script(file)) {}
  const Node& node() const { return script.statements.front().node; }
};

using Names = std::vector<std::string>;

TEST(StatementFacts, TouchedRelationsAreTheLockedThenTheWrittenOnes) {
  EXPECT_EQ(touched_relations(Parsed("ALTER TABLE shop.orders ADD COLUMN x int").node()),
            Names{"shop.orders"});
  EXPECT_EQ(touched_relations(Parsed("UPDATE Orders SET x = 1").node()), Names{"orders"});
  EXPECT_EQ(touched_relations(Parsed("INSERT INTO public.t VALUES (1)").node()), Names{"t"});
  EXPECT_TRUE(touched_relations(Parsed("SELECT 1").node()).empty());
}

TEST(StatementFacts, EmptiedTablesAreDroppedDeletedFromOrTruncated) {
  EXPECT_EQ(emptied_tables(Parsed("DROP TABLE a, s.b").node()), (Names{"a", "s.b"}));
  EXPECT_EQ(emptied_tables(Parsed("DELETE FROM c WHERE true").node()), Names{"c"});
  EXPECT_TRUE(emptied_tables(Parsed("DROP INDEX i").node()).empty());
}

TEST(StatementFacts, DroppedIndexesAreThoseOfDropIndexOnly) {
  EXPECT_EQ(dropped_indexes(Parsed("DROP INDEX CONCURRENTLY s.i, j").node()), (Names{"s.i", "j"}));
  EXPECT_TRUE(dropped_indexes(Parsed("DROP TABLE i").node()).empty());
}

TEST(StatementFacts, CreatedFunctionIsTheNameWithoutSchema) {
  EXPECT_EQ(created_function(
                Parsed("CREATE FUNCTION s.f() RETURNS int LANGUAGE sql AS 'SELECT 1'").node()),
            "f");
  EXPECT_EQ(created_function(Parsed("SELECT 1").node()), "");
}

TEST(StatementFacts, TransactionControl) {
  EXPECT_TRUE(opens_transaction(Parsed("BEGIN").node()));
  EXPECT_TRUE(opens_transaction(Parsed("START TRANSACTION").node()));
  EXPECT_TRUE(closes_transaction(Parsed("COMMIT").node()));
  EXPECT_TRUE(closes_transaction(Parsed("ROLLBACK").node()));
  EXPECT_FALSE(closes_transaction(Parsed("BEGIN").node()));
  EXPECT_FALSE(opens_transaction(Parsed("SAVEPOINT a").node()));
  EXPECT_TRUE(controls_transaction(Parsed("SAVEPOINT a").node()));
  EXPECT_TRUE(controls_transaction(Parsed("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE").node()));
  EXPECT_FALSE(controls_transaction(Parsed("SET lock_timeout = '1s'").node()));
}

TEST(StatementFacts, AlterTableCommandsInOrder) {
  Parsed p(
      "ALTER TABLE t ALTER COLUMN a TYPE bigint, ADD COLUMN b int DEFAULT random(), "
      "ADD COLUMN c int");
  std::vector<AlterTableCommand> commands = alter_table_commands(p.node());
  ASSERT_EQ(commands.size(), 3u);
  EXPECT_TRUE(commands[0].changes_column_type);
  EXPECT_FALSE(commands[1].changes_column_type);
  ASSERT_EQ(commands[1].added_defaults.size(), 1u);
  EXPECT_EQ(called_functions(commands[1].added_defaults[0]), Names{"random"});
  EXPECT_TRUE(commands[2].added_defaults.empty());
  EXPECT_TRUE(alter_table_commands(Parsed("SELECT 1").node()).empty());
}

TEST(StatementFacts, CalledFunctionsByLastName) {
  Parsed p("ALTER TABLE t ADD COLUMN b text DEFAULT md5(pg_catalog.now()::text)");
  EXPECT_EQ(called_functions(alter_table_commands(p.node())[0].added_defaults[0]),
            (Names{"md5", "now"}));
}

TEST(StatementFacts, RelationMentionsAsWrittenWithTheirOffsets) {
  Parsed p("ALTER TABLE s.orders ADD FOREIGN KEY (u) REFERENCES users (id)");
  std::vector<RelationMention> mentions = relation_mentions(p.node());
  ASSERT_EQ(mentions.size(), 2u);
  EXPECT_EQ(mentions[0].name, "s.orders");
  EXPECT_EQ(mentions[0].location, 12);
  EXPECT_EQ(mentions[1].name, "users");
  EXPECT_EQ(mentions[1].location, 52);
}

}  // namespace
}  // namespace mgate::sql
