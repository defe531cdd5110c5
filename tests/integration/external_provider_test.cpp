// The external provider, against a server that mgate's local provider started: scratch
// databases with a random prefix, dropped at the end; a role without CREATEDB is refused.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "integration/postgres.hpp"
#include "pg/provider.hpp"

namespace mgate::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

class ExternalProvider : public PostgresSuite {
 protected:
  static std::string url(const std::string& user, const std::string& password) {
    pg::Endpoint e = server().admin("postgres");
    return "postgresql://" + user + ":" + password + "@localhost/postgres?host=" + e.host +
           "&port=" + std::to_string(e.port);
  }
  static std::vector<std::vector<std::string>> scratch_databases(const std::string& prefix) {
    return query("postgres",
                 "SELECT datname FROM pg_database WHERE datname LIKE '" + prefix + "%'");
  }
};

TEST_F(ExternalProvider, WorksInScratchDatabasesAndDropsThem) {
  std::string prefix;
  {
    pg::EphemeralServer external(pg::make_external_provider(url("postgres", "s3cret")), {});
    EXPECT_EQ(external.provider(), "external");
    // mgate_<8 hex>_base: a name no one else uses.
    ASSERT_THAT(external.base(), ::testing::MatchesRegex("mgate_[0-9a-f]{8}_base_[0-9]+"));
    prefix = external.base().substr(0, 15);
    EXPECT_THAT(scratch_databases(prefix), SizeIs(1));
    // Migrations run as a role the run created, which is no superuser.
    EXPECT_EQ(external.owner(external.base()).user, prefix + "owner");
    auto super =
        query("postgres", "SELECT rolsuper FROM pg_roles WHERE rolname = '" + prefix + "owner'");
    ASSERT_THAT(super, SizeIs(1));
    EXPECT_EQ(super[0][0], "f");
    Report report = check("down_leaves_column", default_config(), &external);
    EXPECT_THAT(findings_of(report, "rollback-schema-mismatch"), SizeIs(1));
  }
  EXPECT_THAT(scratch_databases(prefix), IsEmpty());
  EXPECT_THAT(query("postgres", "SELECT 1 FROM pg_roles WHERE rolname LIKE '" + prefix + "%'"),
              IsEmpty());
}

TEST_F(ExternalProvider, RoleWithoutCreatedbIsRefusedWithoutShowingThePassword) {
  query("postgres", "DROP ROLE IF EXISTS mgate_test_limited");
  query("postgres", "CREATE ROLE mgate_test_limited LOGIN");
  try {
    pg::EphemeralServer external(pg::make_external_provider(url("mgate_test_limited", "topsecret")),
                                 {});
    ADD_FAILURE() << "a role without CREATEDB was accepted";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("may not create databases"));
    EXPECT_THAT(e.what(), Not(HasSubstr("topsecret")));
  }
  query("postgres", "DROP ROLE mgate_test_limited");
}

TEST_F(ExternalProvider, UnreachableServerIsAnEnvironmentError) {
  try {
    pg::make_external_provider("postgresql://postgres:hunter2@localhost/x?host=/nonexistent")
        ->start();
    ADD_FAILURE() << "no error";
  } catch (const EnvironmentError& e) {
    EXPECT_THAT(e.what(), Not(HasSubstr("hunter2")));
  }
}

}  // namespace
}  // namespace mgate::testing
