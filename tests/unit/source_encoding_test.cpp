// What a migration's bytes are, beyond SQL: a byte order mark (stripped or not, as each layout's
// tool does), a NUL byte, and the three line endings.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "discover/discover.hpp"
#include "sql/parsed_set.hpp"
#include "unit/discover_tree.hpp"

namespace mgate {
namespace {

using discover_tests::DiscoverTree;
using ::testing::HasSubstr;

const std::string kBom(kByteOrderMark);

struct Parsed {
  SourceFile file;
  sql::ParsedScript script;
  explicit Parsed(std::string text)
      : file("m.sql", std::move(text)), script(sql::parse_script(file)) {}
  Position at(std::size_t offset) const { return file.position(offset); }
};

TEST(SourceEncoding, ANulByteIsTheScriptsErrorAtItsPosition) {
  // The text before it parses; the NUL is the error, at line 2, column 8.
  Parsed p(std::string("CREATE TABLE t (id int);\nSELECT \0 1;\n", 37));
  ASSERT_TRUE(p.script.error);
  EXPECT_THAT(p.script.error->message, HasSubstr("NUL byte"));
  EXPECT_EQ(p.at(p.script.error->offset), (Position{2, 8}));
  // What comes before it is still read, for the lint rules.
  ASSERT_EQ(p.script.statements.size(), 2u);
  EXPECT_EQ(p.script.statements[0].text, "CREATE TABLE t (id int);");
}

TEST(SourceEncoding, ANulByteWinsOverAnEarlierSyntaxError) {
  Parsed p(std::string("SELECT ,;\nSELECT 1;\0", 20));
  ASSERT_TRUE(p.script.error);
  EXPECT_THAT(p.script.error->message, HasSubstr("NUL byte"));
  EXPECT_EQ(p.at(p.script.error->offset), (Position{2, 10}));
}

TEST(SourceEncoding, LoneCarriageReturnsEndLinesAndComments) {
  // PostgreSQL ends a "--" comment at "\r" too: the index is the statement after it.
  Parsed p("-- the table\rCREATE TABLE t (id int);\r-- its index\rCREATE INDEX i ON t (id);\r");
  ASSERT_FALSE(p.script.error);
  ASSERT_EQ(p.script.statements.size(), 2u);
  EXPECT_EQ(p.script.statements[1].text, "CREATE INDEX i ON t (id);");
  EXPECT_EQ(p.at(p.script.statements[1].span.begin), (Position{4, 1}));

  Parsed bad("SELECT 1;\rSELECT 'é', ,2;\r");
  ASSERT_TRUE(bad.script.error);
  EXPECT_EQ(bad.at(bad.script.error->offset), (Position{2, 13}));
  Parsed crlf("SELECT 1;\r\nSELECT 'é', ,2;\r\n");
  ASSERT_TRUE(crlf.script.error);
  EXPECT_EQ(crlf.at(crlf.script.error->offset), (Position{2, 13}));
}

TEST(SourceEncoding, ABomAtTheStartOfWhatIsSentIsNamed) {
  Parsed p(kBom + "CREATE TABLE t (id int);\nSELECT 1;\n");
  ASSERT_TRUE(p.script.error);
  EXPECT_THAT(p.script.error->message, HasSubstr("byte order mark"));
  EXPECT_EQ(p.at(p.script.error->offset), (Position{1, 1}));
  // The statements after the first are still read, for the lint rules.
  ASSERT_EQ(p.script.statements.size(), 1u);
  EXPECT_EQ(p.script.statements[0].text, "SELECT 1;");
}

// Discovers `tree` as `layout`, reads its scripts, and says what happened to migration 1's up.
struct Outcome {
  MigrationSet set;
  std::unique_ptr<sql::ParsedSet> parsed;  // its workers keep its address
  const sql::ParsedScript* up = nullptr;
};

Outcome discover_and_parse(const DiscoverTree& tree, const std::string& layout) {
  Outcome out;
  out.set = discover(tree.root(), tree.root(), layout);
  out.parsed = std::make_unique<sql::ParsedSet>(out.set, sql::working_tree_reader(tree.root()));
  if (!out.set.migrations.empty() && out.set.migrations[0].up)
    out.up = &out.parsed->script(*out.set.migrations[0].up);
  return out;
}

TEST(SourceEncoding, ABomIsSkippedWhereTheToolStripsIt) {
  // Flyway strips it; psql, which runs sqitch's scripts and plain files, too.
  struct Case {
    std::string layout;
    std::string file;
    std::vector<std::pair<std::string, std::string>> others;
  };
  for (const Case& c : std::vector<Case>{
           {"flyway", "V1__create.sql", {}},
           {"plain", "001_create.sql", {}},
           {"sqitch",
            "deploy/create.sql",
            {{"sqitch.plan",
              "%syntax-version=1.0.0\n%project=p\n\ncreate "
              "2024-01-01T00:00:00Z Ada <ada@example.com> # note\n"}}},
       }) {
    SCOPED_TRACE(c.layout);
    DiscoverTree tree;
    tree.write(c.file, kBom + "CREATE TABLE t (id int);\nCREATE INDEX i ON t (id);\n");
    for (const auto& [name, text] : c.others) tree.write(name, text);
    Outcome out = discover_and_parse(tree, c.layout);
    ASSERT_TRUE(out.up);
    EXPECT_FALSE(out.up->error) << out.up->error->message;
    ASSERT_EQ(out.up->statements.size(), 2u);
    EXPECT_EQ(out.up->section.begin, kByteOrderMark.size());
    EXPECT_EQ(out.up->file->position(out.up->statements[0].span.begin), (Position{1, 1}));
    EXPECT_EQ(out.up->file->position(out.up->statements[1].span.begin), (Position{2, 1}));
  }
}

TEST(SourceEncoding, ABomIsSentWhereTheToolSendsIt) {
  // golang-migrate and diesel send the file as it is, and PostgreSQL rejects it at 1:1.
  for (const auto& [layout, file] : std::vector<std::pair<std::string, std::string>>{
           {"golang-migrate", "001_create.up.sql"},
           {"diesel", "2024-01-01-000000_create/up.sql"}}) {
    SCOPED_TRACE(layout);
    DiscoverTree tree;
    tree.write(file, kBom + "CREATE TABLE t (id int);\n");
    Outcome out = discover_and_parse(tree, layout);
    ASSERT_TRUE(out.up);
    ASSERT_TRUE(out.up->error);
    EXPECT_THAT(out.up->error->message, HasSubstr("byte order mark"));
    EXPECT_EQ(out.up->section.begin, 0u);
    EXPECT_EQ(out.up->file->position(out.up->error->offset), (Position{1, 1}));
  }
}

TEST(SourceEncoding, ABomMakesDbmateAndGooseRejectTheFile) {
  for (const auto& [layout, text] : std::vector<std::pair<std::string, std::string>>{
           {"dbmate", "-- migrate:up\nCREATE TABLE t (id int);\n-- migrate:down\nDROP TABLE t;\n"},
           {"goose", "-- +goose Up\nCREATE TABLE t (id int);\n-- +goose Down\nDROP TABLE t;\n"}}) {
    SCOPED_TRACE(layout);
    DiscoverTree tree;
    tree.write("001_create.sql", kBom + text);
    tree.write("002_other.sql", text);
    // Detection looks through the mark: the directory is still the tool's.
    MigrationSet set = discover(tree.root(), tree.root(), "auto");
    EXPECT_EQ(set.layout, layout);
    ASSERT_EQ(set.migrations.size(), 1u);
    EXPECT_EQ(set.migrations[0].id(), "002");
    ASSERT_EQ(set.strays.size(), 1u);
    EXPECT_EQ(set.strays[0].file, "001_create.sql");
    EXPECT_THAT(set.strays[0].reason, HasSubstr("byte order mark"));
    EXPECT_THAT(set.strays[0].reason, HasSubstr(layout + " does not strip"));
  }
}

}  // namespace
}  // namespace mgate
