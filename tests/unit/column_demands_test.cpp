#include "sql/column_demands.hpp"

#include <gtest/gtest.h>

#include <string>

#include "sql/parsed_script.hpp"

namespace mgate::sql {
namespace {

std::vector<std::string> demands_of(std::string text) {
  SourceFile file("m.sql", std::move(text));
  ParsedScript script = parse_script(file);
  std::vector<std::string> out;
  for (const ColumnDemand& d : column_demands(script.statements.front().node)) {
    out.push_back((d.schema.empty() ? "" : d.schema + ".") + d.table + "." + d.column + " " +
                  (d.type.empty() ? "NOT NULL" : d.type));
  }
  return out;
}

using Demands = std::vector<std::string>;

TEST(ColumnDemands, SetNotNullAndPrimaryKeysDemandNoNulls) {
  EXPECT_EQ(demands_of("ALTER TABLE s.t ALTER COLUMN a SET NOT NULL"), Demands{"s.t.a NOT NULL"});
  EXPECT_EQ(demands_of("ALTER TABLE t ADD PRIMARY KEY (a, b)"),
            (Demands{"t.a NOT NULL", "t.b NOT NULL"}));
  EXPECT_TRUE(demands_of("ALTER TABLE t ADD CONSTRAINT p PRIMARY KEY USING INDEX i").empty());
  EXPECT_TRUE(demands_of("ALTER TABLE t ADD UNIQUE (a)").empty());
}

TEST(ColumnDemands, TypeChangesWithoutUsingDemandAConversion) {
  EXPECT_EQ(demands_of("ALTER TABLE t ALTER COLUMN c TYPE varchar(12), ALTER d TYPE numeric(5, 2)"),
            (Demands{"t.c pg_catalog.varchar(12)", "t.d pg_catalog.numeric(5, 2)"}));
  EXPECT_EQ(demands_of("ALTER TABLE t ALTER COLUMN c TYPE \"My Type\"[]"),
            Demands{"t.c \"My Type\"[]"});
  // With USING, the expression decides what converts.
  EXPECT_TRUE(demands_of("ALTER TABLE t ALTER COLUMN c TYPE int USING length(c)").empty());
  EXPECT_TRUE(demands_of("CREATE TABLE t (a int)").empty());
}

}  // namespace
}  // namespace mgate::sql
