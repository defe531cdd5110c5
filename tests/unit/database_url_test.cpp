// --database-url: every way libpq's URL syntax could point the connections at another database,
// another role or other server options is refused (exit 2) before anything connects.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/config.hpp"
#include "pg/provider.hpp"

namespace mgate::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string refusal(const std::string& url) {
  try {
    pg::parse_database_url(url);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(DatabaseUrl, ParsesAndRedacts) {
  pg::Endpoint e =
      pg::parse_database_url("postgres://app:p%40ss@db.example:6543/shop?sslmode=require");
  EXPECT_EQ(e.host, "db.example");
  EXPECT_EQ(e.port, 6543);
  EXPECT_EQ(e.user, "app");
  EXPECT_EQ(e.password, "p@ss");
  EXPECT_EQ(e.database, "shop");
  EXPECT_EQ(e.options.at("sslmode"), "require");
  EXPECT_THAT(e.redacted(), Not(HasSubstr("p@ss")));
  EXPECT_THROW(pg::parse_database_url("mysql://x"), InputError);
}

TEST(DatabaseUrl, HostPortAndPasswordMayComeFromTheQuery) {
  pg::Endpoint e = pg::parse_database_url(
      "postgresql://app@/maint?host=%2Fvar%2Frun%2Fpostgresql&port=5433&password=s3cret&ssl=true");
  EXPECT_EQ(e.host, "/var/run/postgresql");
  EXPECT_EQ(e.port, 5433);
  EXPECT_EQ(e.password, "s3cret");
  EXPECT_EQ(e.options.at("sslmode"), "require");
  EXPECT_FALSE(e.options.count("password"));
  EXPECT_THAT(e.conninfo(), Not(HasSubstr("ssl=")));
}

// Each form libpq reads as dbname, user, options, service or replication: the first parameter,
// a later one, a percent-encoded keyword, a repeated one, an empty value.
TEST(DatabaseUrl, EveryFormThatRedirectsTheConnectionsIsRefused) {
  for (const char* url : {
           "postgres://app@db/maint?dbname=victim",
           "postgres://app@db/maint?sslmode=disable&dbname=victim",
           "postgres://app@db/maint?db%6Eame=victim",
           "postgres://app@db/maint?%64%62%6e%61%6d%65=victim",
           "postgres://app@db/maint?dbname=maint&dbname=victim",
           "postgres://app@db/maint?dbname=",
           "postgres://app@db/maint?dbname=postgresql%3A%2F%2Fx%2Fvictim",
           "postgresql://app@db/maint?connect_timeout=5&dbname=host%3Dother%20dbname%3Dvictim",
       }) {
    std::string why = refusal(url);
    EXPECT_THAT(why, HasSubstr("must not set 'dbname'")) << url;
    EXPECT_THAT(why, HasSubstr("scratch databases")) << url;
  }
  for (const char* url :
       {"postgres://app@db/maint?user=postgres", "postgres://db/maint?sslmode=prefer&user=postgres",
        "postgres://app@db/maint?%75ser=postgres"}) {
    EXPECT_THAT(refusal(url), HasSubstr("must not set 'user'")) << url;
  }
  for (const char* url : {"postgres://app@db/maint?options=-c%20role%3Dpostgres",
                          "postgres://app@db/maint?options=-csearch_path%3Devil"}) {
    EXPECT_THAT(refusal(url), HasSubstr("must not set 'options'")) << url;
  }
  EXPECT_THAT(refusal("postgres://app@db/maint?service=prod"), HasSubstr("must not set 'service'"));
  EXPECT_THAT(refusal("postgres://app@db/maint?replication=database"),
              HasSubstr("must not set 'replication'"));
}

TEST(DatabaseUrl, WhatLibpqWouldRejectIsAUsageError) {
  EXPECT_THAT(refusal("postgres://app@db/maint?nosuch=1"),
              HasSubstr("'nosuch' is not a connection"));
  EXPECT_THAT(refusal("postgres://app@db/maint?DBNAME=victim"), HasSubstr("not a connection"));
  EXPECT_THAT(refusal("postgres://app@db/maint?sslmode"), HasSubstr("has no '=value'"));
  EXPECT_THAT(refusal("postgres://app@db/maint?sslmode=%zz"), HasSubstr("percent-encoding"));
  EXPECT_THAT(refusal("postgres://app@db/ma%00int"), HasSubstr("%00"));
  EXPECT_THAT(refusal("postgres://app@db:0/maint"), HasSubstr("invalid port"));
}

// The target goes last in the connection string, so that nothing before it can replace it.
TEST(DatabaseUrl, TheConnectionStringEndsWithTheTarget) {
  pg::Endpoint e = pg::parse_database_url("postgres://app:pw@db/maint?application_name=x");
  std::string conninfo = e.conninfo("mgate_1234abcd_base_1");
  EXPECT_THAT(conninfo, ::testing::StartsWith("application_name='x' "));
  EXPECT_THAT(conninfo, HasSubstr("dbname='mgate_1234abcd_base_1'"));
  EXPECT_LT(conninfo.find("application_name"), conninfo.find("dbname"));
}

}  // namespace
}  // namespace mgate::testing
