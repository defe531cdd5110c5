// The dynamic gates send a migration's text as its tool would: never a part of it cut at a NUL
// byte, and past a byte order mark only where the tool strips one.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "integration/postgres.hpp"
#include "support/run.hpp"

namespace mgate::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

class SourceTextGates : public PostgresSuite {
 protected:
  static Report check_files(const std::vector<std::pair<std::string, std::string>>& files) {
    TempDir repo;
    for (const auto& [name, text] : files) repo.write(name, text);
    Config config = default_config();
    config.root = repo.path();
    return check("db/", config);
  }
};

TEST_F(SourceTextGates, AScriptWithANulByteFailsAtItAndIsNeverSentCut) {
  // Cut at the NUL, the text before it would apply cleanly and the gates would pass.
  Report report = check_files(
      {{"db/001_init.sql", "CREATE TABLE t (id int);\n"},
       {"db/002_more.sql", std::string("CREATE TABLE u (id int);\n\0DROP TABLE t;\n", 40)}});
  auto failed = findings_of(report, "forward-failed");
  ASSERT_THAT(failed, SizeIs(1));
  EXPECT_EQ(position_of(*failed[0]), "db/002_more.sql:2:1");
  EXPECT_THAT(failed[0]->message, HasSubstr("ERROR 22021: the file contains a NUL byte"));
  EXPECT_EQ(failed[0]->evidence["statement"], "CREATE TABLE u (id int);");
}

TEST_F(SourceTextGates, AByteOrderMarkThatFlywayStripsIsNotSent) {
  const std::string bom = "\xEF\xBB\xBF";
  Report report = check_files({{"db/V1__init.sql", bom + "CREATE TABLE t (id int);\n"},
                               {"db/U1__init.sql", bom + "DROP TABLE t;\n"},
                               {"db/V2__more.sql", bom + "ALTER TABLE t ADD COLUMN b int;\n"},
                               {"db/U2__more.sql", bom + "ALTER TABLE t DROP COLUMN b;\n"}});
  EXPECT_THAT(report.findings(), IsEmpty());
  for (const GateResult& gate : report.gates) EXPECT_EQ(gate.status, GateStatus::pass) << gate.gate;
}

TEST_F(SourceTextGates, AByteOrderMarkThatGolangMigrateSendsFailsTheMigration) {
  const std::string bom = "\xEF\xBB\xBF";
  Report report = check_files({{"db/001_init.up.sql", "CREATE TABLE t (id int);\n"},
                               {"db/002_more.up.sql", bom + "ALTER TABLE t ADD COLUMN b int;\n"}});
  auto failed = findings_of(report, "forward-failed");
  ASSERT_THAT(failed, SizeIs(1));
  EXPECT_EQ(position_of(*failed[0]), "db/002_more.up.sql:1:1");
  EXPECT_THAT(failed[0]->message, HasSubstr("ERROR 42601: syntax error at or near"));
}

}  // namespace
}  // namespace mgate::testing
