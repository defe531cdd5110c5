// The critical queries file of the plans gate: names, budgets, parameters, and the errors a
// user can make in it, each at its file:line:column.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gates/plans_queries.hpp"

namespace mgate {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

std::vector<CriticalQuery> parse(const std::string& text) {
  return parse_critical_queries(SourceFile("queries.sql", text));
}

std::string error_of(const std::string& text) {
  try {
    parse(text);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(CriticalQueries, NamesBudgetsAndParameters) {
  auto queries = parse(
      "-- critical queries\n"
      "\n"
      "-- name: order_history budget_ms=5\n"
      "-- param: user_id=42\n"
      "-- param: status='shipped'\n"
      "SELECT * FROM orders\n"
      "WHERE user_id = :user_id AND status = :status AND note <> ':user_id'\n"
      "  AND created_at > now() - '1 day'::interval;\n"
      "\n"
      "-- name: customer_count\n"
      "SELECT count(*) FROM customers;\n");
  ASSERT_THAT(queries, SizeIs(2));
  EXPECT_EQ(queries[0].name, "order_history");
  EXPECT_EQ(queries[0].budget_ms, 5);
  EXPECT_EQ(queries[0].location.start.line, 3);
  EXPECT_EQ(queries[0].location.file, "queries.sql");
  EXPECT_EQ(queries[0].sql,
            "SELECT * FROM orders\n"
            "WHERE user_id = 42 AND status = 'shipped' AND note <> ':user_id'\n"
            "  AND created_at > now() - '1 day'::interval");
  EXPECT_EQ(queries[1].name, "customer_count");
  EXPECT_FALSE(queries[1].budget_ms);
  EXPECT_EQ(queries[1].sql, "SELECT count(*) FROM customers");
}

TEST(CriticalQueries, ErrorsNameTheLine) {
  EXPECT_THAT(error_of("SELECT 1;\n"), HasSubstr("queries.sql:1:1: SQL before the first"));
  EXPECT_THAT(error_of("-- name: q budget=5\nSELECT 1;\n"),
              HasSubstr("queries.sql:1:1: unknown attribute 'budget=5'"));
  EXPECT_THAT(error_of("-- name: q budget_ms=fast\nSELECT 1;\n"),
              HasSubstr("budget_ms of query q must be a positive number"));
  EXPECT_THAT(error_of("-- name: q\nSELECT 1;\n-- name: q\nSELECT 2;\n"),
              HasSubstr("queries.sql:3:1: a second query named q"));
  EXPECT_THAT(error_of("-- name: q\n\nSELECT *\nFROM t WHERE id = :id;\n"),
              HasSubstr("queries.sql:4:19: the query q uses :id but gives it no value"));
  EXPECT_THAT(error_of("-- name: q\n-- param: idd=1\nSELECT :id;\n"), HasSubstr("queries.sql:3:8"));
  EXPECT_THAT(error_of("-- name: q\n-- param: id=1\n-- param: x=2\nSELECT :id;\n"),
              HasSubstr("queries.sql:3:1: the parameter x is not used by query q"));
  EXPECT_THAT(error_of("-- name: q\n-- param: id\nSELECT :id;\n"),
              HasSubstr("queries.sql:2:1: write a parameter as"));
  EXPECT_THAT(error_of("-- name: q\nSELECT 1; SELECT 2;\n"), HasSubstr("holds 2 statements"));
  EXPECT_THAT(error_of("-- name: q\nSELEC 1;\n"), HasSubstr("the query q does not parse"));
  EXPECT_THAT(error_of("-- name: q\n-- name: r\nSELECT 1;\n"),
              HasSubstr("queries.sql:1:1: the query q has no SQL"));
  EXPECT_THAT(error_of("-- name: q\nSELECT 1\n-- param: id=1\n"),
              HasSubstr("queries.sql:3:1: '-- param:' inside the SQL of query q"));
}

}  // namespace
}  // namespace mgate
