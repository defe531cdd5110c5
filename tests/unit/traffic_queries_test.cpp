// traffic.queries: how the user's file becomes workload operations.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/config.hpp"
#include "pg/traffic.hpp"

namespace mgate::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;

TEST(TrafficQueries, EachStatementIsAnOperationAndATransactionIsOne) {
  auto ops = pg::user_workload("q.sql",
                               "SELECT * FROM accounts WHERE id = 1;\n"
                               "-- the checkout\n"
                               "BEGIN;\n"
                               "UPDATE accounts SET name = name WHERE id = 1;\n"
                               "INSERT INTO orders (account_id) VALUES (1);\n"
                               "COMMIT;\n"
                               "UPDATE accounts SET name = name WHERE id = 2\n");
  EXPECT_THAT(ops, ElementsAre(Field(&pg::Operation::sql, "SELECT * FROM accounts WHERE id = 1;"),
                               Field(&pg::Operation::sql,
                                     "BEGIN;\nUPDATE accounts SET name = name WHERE id = 1;\n"
                                     "INSERT INTO orders (account_id) VALUES (1);\nCOMMIT;"),
                               Field(&pg::Operation::sql,
                                     "UPDATE accounts SET name = name WHERE id = 2;")));
  EXPECT_EQ(ops[1].kind, "query");
}

TEST(TrafficQueries, AnOpenTransactionIsAnInputErrorAtItsBegin) {
  try {
    pg::user_workload("q.sql", "SELECT 1;\nBEGIN;\nSELECT 2;\n");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("q.sql:2:1: this BEGIN has no COMMIT or ROLLBACK"));
  }
}

TEST(TrafficQueries, ASyntaxErrorIsAnInputErrorAtItsPosition) {
  try {
    pg::user_workload("q.sql", "SELECT 1;\nSELEC 2;\n");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("traffic.queries q.sql:2:"));
  }
}

TEST(TrafficQueries, AnEmptyFileIsAnInputError) {
  EXPECT_THROW(pg::user_workload("q.sql", "-- nothing\n"), InputError);
}

}  // namespace
}  // namespace mgate::testing
