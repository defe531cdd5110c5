// Every fix a rule offers is run on a real PostgreSQL server: applied to a migration whose
// schema the server holds, run as the migration tool would run it, and accepted; and the fixed
// migration no longer raises the rule. Where a rule applies to plain and to partitioned tables,
// both are cases; where PostgreSQL would reject the fix (a NOT VALID foreign key or CREATE INDEX
// CONCURRENTLY on a partitioned table), the case asserts that no fix is offered.
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include <algorithm>
#include <set>

#include "integration/postgres.hpp"
#include "rules/fixture.hpp"
#include "sql/parsed_script.hpp"
#include "support/run.hpp"

namespace mgate::testing {
namespace {

constexpr const char* kPlain =
    "CREATE TABLE users (id bigint PRIMARY KEY);\n"
    "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, total numeric);\n"
    "INSERT INTO users VALUES (1), (2);\n"
    "INSERT INTO orders VALUES (1, 1, 10), (2, 2, 20);\n"
    "CREATE INDEX orders_user_idx ON orders (user_id);\n"
    "CREATE MATERIALIZED VIEW order_totals AS\n"
    "  SELECT user_id, sum(total) AS total FROM orders GROUP BY user_id;\n"
    "CREATE UNIQUE INDEX order_totals_user_idx ON order_totals (user_id);\n"
    "CREATE SCHEMA archive;\n";

constexpr const char* kPartitioned =
    "CREATE TABLE users (id bigint PRIMARY KEY);\n"
    "CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, user_id bigint, total numeric)\n"
    "  PARTITION BY RANGE (at);\n"
    "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO "
    "('2025-01-01');\n"
    "INSERT INTO users VALUES (1), (2);\n"
    "INSERT INTO events VALUES (1, '2024-03-01', 1, 10), (2, '2024-04-01', 2, 20);\n"
    "CREATE INDEX events_user_idx ON events (user_id);\n"
    "CREATE MATERIALIZED VIEW event_totals AS\n"
    "  SELECT user_id, sum(total) AS total FROM events GROUP BY user_id;\n"
    "CREATE UNIQUE INDEX event_totals_user_idx ON event_totals (user_id);\n";

struct FixCase {
  std::string name;
  std::string rule;
  std::string schema;     // an earlier migration: the tables the case works on
  std::string migration;  // the migration under test
  bool transactional = true;
  bool fix = true;  // whether the rule offers a fix here (false: flagged without one)
};

std::vector<FixCase> cases() {
  const std::string with_default =
      std::string(kPartitioned) + "CREATE TABLE events_rest PARTITION OF events DEFAULT;\n";
  return {
      {"concurrent_index_plain", "require-concurrent-index", kPlain,
       "CREATE INDEX orders_total_idx ON orders (total);\n", false},
      {"concurrent_index_partitioned", "require-concurrent-index", kPartitioned,
       "CREATE INDEX events_total_idx ON events (total);\n", false, false},
      {"not_valid_check_plain", "require-not-valid", kPlain,
       "ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0);\n"},
      {"not_valid_check_partitioned", "require-not-valid", kPartitioned,
       "ALTER TABLE events ADD CONSTRAINT events_total_positive CHECK (total > 0);\n"},
      {"not_valid_fk_plain", "require-not-valid", kPlain,
       "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users "
       "(id);\n"},
      {"not_valid_fk_partitioned", "require-not-valid", kPartitioned,
       "ALTER TABLE events ADD CONSTRAINT events_user_fk FOREIGN KEY (user_id) REFERENCES users "
       "(id);\n",
       true, false},
      {"concurrent_drop_index_plain", "require-concurrent-drop-index", kPlain,
       "DROP INDEX orders_user_idx;\n", false},
      {"concurrent_reindex_plain", "require-concurrent-reindex", kPlain,
       "REINDEX INDEX orders_user_idx;\n", false},
      {"concurrent_reindex_partitioned", "require-concurrent-reindex", kPartitioned,
       "REINDEX TABLE events;\n", false},
      {"concurrent_detach_partitioned", "require-concurrent-detach-partition", kPartitioned,
       "ALTER TABLE events DETACH PARTITION events_2024;\n", false},
      {"concurrent_detach_with_default", "require-concurrent-detach-partition", with_default,
       "ALTER TABLE events DETACH PARTITION events_2024;\n", false, false},
      {"lock_timeout_plain", "require-lock-timeout", kPlain,
       "ALTER TABLE orders ADD COLUMN note text;\n"},
      {"lock_timeout_partitioned", "require-lock-timeout", kPartitioned,
       "ALTER TABLE events ADD COLUMN note text;\n"},
      {"identity_plain", "prefer-identity", kPlain,
       "CREATE TABLE tickets (id serial PRIMARY KEY, title text);\n"},
      {"identity_partitioned", "prefer-identity", kPartitioned,
       "CREATE TABLE readings (id serial, at date NOT NULL) PARTITION BY RANGE (at);\n"
       "CREATE TABLE readings_2024 PARTITION OF readings FOR VALUES FROM ('2024-01-01') TO "
       "('2025-01-01');\n"},
      {"identity_added_to_partitioned", "prefer-identity", kPartitioned,
       "SET lock_timeout = '2s';\nALTER TABLE events ADD COLUMN seq serial;\n", true, false},
      {"transaction_left_open_plain", "transaction-left-open", kPlain,
       "BEGIN;\nALTER TABLE orders ADD COLUMN note text;\n", false},
      {"transaction_left_open_partitioned", "transaction-left-open", kPartitioned,
       "BEGIN;\nALTER TABLE events ADD COLUMN note text;\n", false},
      {"drop_schema", "drop-schema", kPlain, "DROP SCHEMA archive CASCADE;\n"},
      {"security_definer_plain", "security-definer-search-path", kPlain,
       "CREATE FUNCTION touch_order(order_id bigint) RETURNS void LANGUAGE sql SECURITY DEFINER\n"
       "AS $$ UPDATE orders SET total = total WHERE id = order_id $$;\n"},
      {"security_definer_partitioned", "security-definer-search-path", kPartitioned,
       "CREATE FUNCTION touch_event(event_id bigint) RETURNS void LANGUAGE sql SECURITY "
       "DEFINER\nAS $$ UPDATE events SET total = total WHERE id = event_id $$;\n"},
      {"concurrent_refresh_plain", "require-concurrent-refresh", kPlain,
       "REFRESH MATERIALIZED VIEW order_totals;\n"},
      {"concurrent_refresh_partitioned", "require-concurrent-refresh", kPartitioned,
       "REFRESH MATERIALIZED VIEW event_totals;\n"},
  };
}

// The case as a fixture: the schema, then the migration under test.
std::string fixture_text(const FixCase& c) {
  return c.schema + "-- fixture: migration" + (c.transactional ? "" : " no-transaction") + "\n" +
         c.migration;
}

std::vector<Finding> own_findings(const FixCase& c, const std::string& text) {
  std::vector<Finding> out;
  for (Finding& f : lint_fixture("tests/integration/" + c.name + ".sql", text)) {
    if (f.rule == c.rule && f.migration == "002") out.push_back(std::move(f));
  }
  return out;
}

std::string applied(std::string text, const Fix& fix) {
  std::vector<Edit> edits = fix.edits;
  std::sort(edits.begin(), edits.end(),
            [](const Edit& a, const Edit& b) { return a.span.begin > b.span.begin; });
  for (const Edit& edit : edits) text.replace(edit.span.begin, edit.span.size(), edit.replacement);
  return text;
}

class RuleFixOnServer : public PostgresSuite, public ::testing::WithParamInterface<FixCase> {
 protected:
  // Runs `sql` on `database` statement by statement, in one transaction or each on its own
  // (as a non-transactional migration runs); the server's error, or empty.
  std::string run(const std::string& database, const std::string& sql, bool transactional) {
    SourceFile file("case.sql", sql);
    sql::ParsedScript script = sql::parse_script(file);
    if (script.error) return "does not parse: " + script.error->message;
    try {
      pqxx::connection c(server().owner(database).conninfo());
      if (transactional) {
        pqxx::work tx(c);
        for (const sql::Statement& s : script.statements) tx.exec(std::string(s.text));
        tx.commit();
      } else {
        pqxx::nontransaction tx(c);
        for (const sql::Statement& s : script.statements) tx.exec(std::string(s.text));
      }
    } catch (const pqxx::sql_error& e) {
      return std::string(e.what()) + " (SQLSTATE " + e.sqlstate() + ")";
    }
    return "";
  }
};

TEST_P(RuleFixOnServer, FixRunsAndSilencesTheRule) {
  const FixCase& c = GetParam();
  const std::string text = fixture_text(c);
  std::vector<Finding> findings = own_findings(c, text);
  ASSERT_EQ(findings.size(), 1u) << c.rule << " should flag the migration once:\n" << c.migration;
  const Finding& finding = findings[0];
  if (!c.fix) {
    EXPECT_FALSE(finding.fix) << c.rule << " offers a fix PostgreSQL would reject: "
                              << finding.fix->description;
    return;
  }
  ASSERT_TRUE(finding.fix) << c.rule << " offers no fix here";
  std::string fixed = applied(text, *finding.fix);
  std::string migration = fixed.substr(fixed.find("-- fixture: migration"));

  std::string database = server().clone(server().base(), "fix");
  EXPECT_EQ(run(database, c.schema, true), "") << "the schema of " << c.name;
  EXPECT_EQ(run(database, migration, c.transactional), "")
      << finding.fix->description << " is rejected by PostgreSQL:\n"
      << migration;
  server().drop(database);
  EXPECT_TRUE(own_findings(c, fixed).empty())
      << "the fixed migration still raises " << c.rule << ":\n"
      << migration;
}

INSTANTIATE_TEST_SUITE_P(Rules, RuleFixOnServer, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<FixCase>& info) {
                           return info.param.name;
                         });

// Every rule that offers a fix in its fixture has its fix run on the server above.
TEST(RuleFixes, EveryRuleWithAFixIsRunOnAServer) {
  std::set<std::string> covered;
  for (const FixCase& c : cases()) {
    if (c.fix) covered.insert(c.rule);
  }
  for (const std::string& id : fixture_ids()) {
    std::string text = read_file(fixture_dir() / (id + ".sql"));
    for (const Finding& f : lint_fixture("tests/rules/" + id + ".sql", text)) {
      if (f.fix && f.rule == rule_of(id)) {
        EXPECT_TRUE(covered.count(f.rule))
            << f.rule << " offers a fix (tests/rules/" << id
            << ".sql) that no case of RuleFixOnServer runs on a server";
      }
    }
  }
}

}  // namespace
}  // namespace mgate::testing
