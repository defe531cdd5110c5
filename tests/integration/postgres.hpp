#pragma once
// One real PostgreSQL server per test suite, started by mgate's own local provider (the
// template cache makes that cheap), and helpers to run the dynamic gates on a fixture folder.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/report.hpp"
#include "pg/ephemeral_server.hpp"
#include "pg/schema_snapshot.hpp"

namespace mgate::testing {

class PostgresSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  static pg::EphemeralServer& server() { return *server_; }

  // Runs the forward and rollback gates on fixtures/dynamic/<name> (or any folder relative to
  // the source root) and returns the report.
  static Report check(const std::string& folder, const Config& config = default_config(),
                      pg::EphemeralServer* on = nullptr);
  static Config default_config();
  // Rows of a query run as the server's admin in `database`.
  static std::vector<std::vector<std::string>> query(const std::string& database,
                                                     const std::string& sql);

 private:
  static std::unique_ptr<pg::EphemeralServer> server_;
};

std::vector<const Finding*> findings_of(const Report& report, const std::string& rule);
std::string position_of(const Finding& finding);  // file:line:column
// One line per difference: "kind name: before -> after", (absent) where there is none.
std::string described(const std::vector<pg::SchemaDifference>& differences);

}  // namespace mgate::testing
