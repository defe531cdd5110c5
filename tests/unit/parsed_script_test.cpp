#include "sql/parsed_script.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mgate::sql {
namespace {

struct Parsed {
  SourceFile file;
  ParsedScript script;
  explicit Parsed(std::string text) : file("m.sql", std::move(text)), script(parse_script(file)) {}
  Position at(std::size_t offset) const { return file.position(offset); }
};

TEST(ParseScript, StatementSpansStartAtTheFirstTokenAndIncludeTheSemicolon) {
  Parsed p(
      "-- create the table\nCREATE TABLE t (id int);\n\n  /* a /* nested */ comment */ "
      "ALTER TABLE t ADD COLUMN b int ;\nSELECT 1");
  ASSERT_FALSE(p.script.error);
  ASSERT_EQ(p.script.statements.size(), 3u);
  EXPECT_EQ(p.script.statements[0].text, "CREATE TABLE t (id int);");
  EXPECT_EQ(p.at(p.script.statements[0].span.begin), (Position{2, 1}));
  EXPECT_EQ(p.script.statements[1].text, "ALTER TABLE t ADD COLUMN b int ;");
  EXPECT_EQ(p.at(p.script.statements[1].span.begin), (Position{4, 32}));
  EXPECT_EQ(p.script.statements[2].text, "SELECT 1");
  EXPECT_EQ(p.script.statements[0].type(), "CreateStmt");
  EXPECT_EQ(p.script.statements[1].type(), "AlterTableStmt");
}

TEST(ParseScript, DoesNotSplitInsideDollarQuotesStringsOrComments) {
  Parsed p(
      "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN PERFORM 1; RETURN 2; END "
      "$body$;\nSELECT 'a;b', \"c;d\" FROM x; -- trailing; comment\nSELECT $$;$$;");
  ASSERT_FALSE(p.script.error);
  ASSERT_EQ(p.script.statements.size(), 3u);
  EXPECT_EQ(p.script.statements[1].text, "SELECT 'a;b', \"c;d\" FROM x;");
  EXPECT_EQ(p.script.statements[2].text, "SELECT $$;$$;");
}

TEST(ParseScript, TrailingCommentIsNotPartOfTheLastStatement) {
  Parsed p("SELECT 1\n-- the end\n");
  ASSERT_EQ(p.script.statements.size(), 1u);
  EXPECT_EQ(p.script.statements[0].text, "SELECT 1");
}

TEST(ParseScript, SyntaxErrorPointsAtTheOffendingTokenInCharacters) {
  Parsed p("SELECT 1;\nSELECT 'é', ,2;\nSELECT 3;");
  ASSERT_TRUE(p.script.error);
  EXPECT_EQ(p.script.error->message, "syntax error at or near \",\"");
  EXPECT_EQ(p.at(p.script.error->offset), (Position{2, 13}));
  // The statements around the broken one are still there for the rules.
  ASSERT_EQ(p.script.statements.size(), 2u);
  EXPECT_EQ(p.script.statements[0].text, "SELECT 1;");
  EXPECT_EQ(p.script.statements[1].text, "SELECT 3;");
}

TEST(ParseScript, MissingSemicolonBetweenStatementsIsASyntaxError) {
  Parsed p("ALTER TABLE a DROP COLUMN b\nALTER TABLE a DROP COLUMN c;");
  ASSERT_TRUE(p.script.error);
  EXPECT_EQ(p.at(p.script.error->offset), (Position{2, 1}));
}

TEST(ParseScript, SectionsKeepFileOffsets) {
  std::string text = "-- migrate:up\nCREATE TABLE t (id int);\n-- migrate:down\nDROP TABLE t;\n";
  SourceFile file("m.sql", text);
  std::size_t down = text.find("-- migrate:down");
  ParsedScript up = parse_script(file, {0, down});
  ParsedScript rest = parse_script(file, {down, std::string::npos});
  ASSERT_EQ(up.statements.size(), 1u);
  ASSERT_EQ(rest.statements.size(), 1u);
  EXPECT_EQ(file.position(rest.statements[0].span.begin), (Position{4, 1}));
  EXPECT_EQ(rest.statements[0].text, "DROP TABLE t;");
}

TEST(ParseScript, ReadsIgnoreComments) {
  Parsed p(
      "-- mgate:ignore-file require-lock-timeout\n"
      "CREATE TABLE t (id int);\n"
      "-- mgate:ignore require-concurrent-index, drop-table -- built at night, table is tiny\n"
      "CREATE INDEX i ON t (id);\n"
      "-- mgate:ignore drop-table\n");
  ASSERT_EQ(p.script.suppressions.size(), 3u);
  const auto& file_wide = p.script.suppressions[0];
  EXPECT_TRUE(file_wide.whole_file);
  EXPECT_EQ(file_wide.rules, std::vector<std::string>{"require-lock-timeout"});
  const auto& before_index = p.script.suppressions[1];
  EXPECT_FALSE(before_index.whole_file);
  EXPECT_EQ(before_index.statement, 1u);
  EXPECT_EQ(before_index.rules,
            (std::vector<std::string>{"require-concurrent-index", "drop-table"}));
  EXPECT_EQ(before_index.reason, "built at night, table is tiny");
  const auto& dangling = p.script.suppressions[2];
  EXPECT_FALSE(dangling.whole_file);
  EXPECT_FALSE(dangling.statement);
}

TEST(ParseScript, IgnoreInsideAStringIsNotAComment) {
  Parsed p("SELECT '-- mgate:ignore drop-table';\nDROP TABLE t;");
  EXPECT_TRUE(p.script.suppressions.empty());
}

// Bad input: never a crash or a hang, always a syntax error or an empty script.
TEST(ParseScriptBadInput, EmptyAndBlankFiles) {
  for (const char* text : {"", "   \n\n", "-- only a comment\n", "/* block */"}) {
    Parsed p(text);
    EXPECT_FALSE(p.script.error) << text;
    EXPECT_TRUE(p.script.statements.empty()) << text;
  }
}

TEST(ParseScriptBadInput, BinaryJunkWithNulBytes) {
  std::string junk;
  for (int i = 0; i < 4096; ++i) junk += static_cast<char>((i * 131 + 7) % 256);
  Parsed p(junk);
  ASSERT_TRUE(p.script.error);
}

TEST(ParseScriptBadInput, InvalidUtf8) {
  Parsed p("SELECT '\xff\xfe\xc3';\nSELECT \xc3\x28;");
  // PostgreSQL's scanner accepts the bytes or rejects them; either way we get an answer.
  EXPECT_TRUE(p.script.error || p.script.statements.size() == 2u);
  if (p.script.error) {
    Position pos = p.at(p.script.error->offset);
    EXPECT_GE(pos.line, 1);
  }
}

TEST(ParseScriptBadInput, UnterminatedDollarQuote) {
  Parsed p("SELECT 1;\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1;\n");
  ASSERT_TRUE(p.script.error);
  EXPECT_NE(p.script.error->message.find("unterminated dollar-quoted string"), std::string::npos);
  EXPECT_EQ(p.at(p.script.error->offset), (Position{2, 36}));
}

TEST(ParseScriptBadInput, UnterminatedBlockComment) {
  Parsed p("SELECT 1;\n/* never closed\nSELECT 2;");
  ASSERT_TRUE(p.script.error);
  EXPECT_NE(p.script.error->message.find("unterminated /* comment"), std::string::npos);
}

TEST(ParseScriptBadInput, TenThousandNestedParentheses) {
  std::string text = "SELECT " + std::string(10000, '(') + "1" + std::string(10000, ')') + ";";
  Parsed p(text);
  // PostgreSQL refuses it (stack depth) or accepts it; it must not crash.
  EXPECT_TRUE(p.script.error || p.script.statements.size() == 1u);
}

TEST(ParseScriptBadInput, TenThousandNestedSubqueries) {
  std::string text;
  for (int i = 0; i < 10000; ++i) text += "SELECT (";
  text += "1";
  text += std::string(10000, ')') + ";";
  Parsed p(text);
  EXPECT_TRUE(p.script.error || p.script.statements.size() == 1u);
}

TEST(ParseScriptBadInput, FiftyMegabyteFile) {
  std::string statement =
      "INSERT INTO events (id, payload) VALUES (1, 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx');\n";
  std::string text;
  text.reserve(50 * 1024 * 1024 + statement.size());
  while (text.size() < 50u * 1024 * 1024) text += statement;
  Parsed p(text);
  ASSERT_FALSE(p.script.error);
  EXPECT_EQ(p.script.statements.size(), text.size() / statement.size());
  EXPECT_EQ(p.at(p.script.statements.back().span.begin).line,
            static_cast<int>(p.script.statements.size()));
}

// A large script is parsed in chunks cut after a line-ending ";": a cut inside a function body
// or a string must give the statements of a whole parse, and errors must point where they did.
std::string large_script(const std::string& middle) {
  std::string statement = "ALTER TABLE t ADD COLUMN c int;\n";
  std::string text;
  while (text.size() < 200 * 1024) text += statement;
  text += middle;
  while (text.size() < 400 * 1024) text += statement;
  return text;
}

TEST(ParseScriptLarge, CutsThatFallInsideBodiesAndStringsGiveTheWholeParse) {
  for (const std::string& middle :
       {std::string("CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n") +
            std::string(120 * 1024, ' ') + "PERFORM 1;\nPERFORM 2;\nEND $$;\n",
        "COMMENT ON TABLE t IS '" + std::string(120 * 1024, 'x') + ";\nstill the comment';\n",
        "CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1;\n" +
            std::string(120 * 1024, ' ') + "SELECT 2;\nEND;\n"}) {
    std::string text = large_script(middle);
    Parsed p(text);
    ASSERT_FALSE(p.script.error) << p.script.error->message;
    std::size_t statements = 0;
    for (std::size_t at = text.find("ALTER TABLE"); at != std::string::npos;
         at = text.find("ALTER TABLE", at + 1)) {
      ++statements;
    }
    ASSERT_EQ(p.script.statements.size(), statements + 1);
    std::size_t end = 0;
    for (const Statement& s : p.script.statements) {
      EXPECT_GE(s.span.begin, end);
      EXPECT_EQ(s.text.back(), ';');
      end = s.span.end;
    }
    EXPECT_EQ(end, text.size() - 1);
  }
}

TEST(ParseScriptLarge, SyntaxErrorsPointWhereTheyAre) {
  std::string text = large_script("ALTER TABLE t ADD COLUMN d int int;\n");
  Parsed p(text);
  ASSERT_TRUE(p.script.error);
  EXPECT_EQ(p.script.error->offset, text.find("int;", text.find("COLUMN d int")));
}

// A large script's statements are read while its later chunks are still being parsed, each in
// its place, and reading them all gives what parse_script gives.
std::vector<std::string> numbered_statements(std::size_t bytes) {
  std::vector<std::string> statements;
  std::size_t size = 0;
  for (int i = 0; size < bytes; ++i) {
    statements.push_back("ALTER TABLE t ADD COLUMN c" + std::to_string(i) + " int;");
    size += statements.back().size() + 1;
  }
  return statements;
}

std::string joined(const std::vector<std::string>& statements) {
  std::string text;
  for (const std::string& statement : statements) text += statement + "\n";
  return text;
}

TEST(ScriptParse, StatementsAreReadBeforeTheParseEnds) {
  std::vector<std::string> expected = numbered_statements(1024 * 1024);
  SourceFile file("m.sql", joined(expected));
  ScriptParse parse(file, {0, std::string::npos});
  ASSERT_TRUE(parse.gradual());
  const Statement* first = parse.statement(0);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->text, expected[0]);
  EXPECT_FALSE(parse.finished()) << "the first chunks are read before the last is parsed";
  std::vector<const Statement*> read;
  for (std::size_t i = 0; const Statement* s = parse.statement(i); ++i) read.push_back(s);
  EXPECT_TRUE(parse.finished());
  ASSERT_EQ(read.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(read[i]->text, expected[i]);
    EXPECT_EQ(read[i], &parse.script().statements[i]) << "a statement read stays where it is";
  }
  EXPECT_EQ(read[0], first);
  EXPECT_FALSE(parse.script().error);
}

// A chunk that fails (a cut inside a function body, or a real syntax error) ends the reading by
// chunks: the text after the statements read is parsed whole, and nothing read is taken back.
TEST(ScriptParse, AFailedChunkLeavesTheRestToAWholeParse) {
  std::vector<std::string> expected = numbered_statements(600 * 1024);
  expected.insert(expected.begin() + static_cast<std::ptrdiff_t>(expected.size() / 2),
                  "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n" +
                      std::string(200 * 1024, ' ') + "PERFORM 1;\nPERFORM 2;\nEND $$;");
  {
    SourceFile file("m.sql", joined(expected));
    ScriptParse parse(file, {0, std::string::npos});
    ASSERT_TRUE(parse.gradual());
    std::size_t i = 0;
    for (; const Statement* s = parse.statement(i); ++i) EXPECT_EQ(s->text, expected[i]);
    EXPECT_EQ(i, expected.size());
    EXPECT_FALSE(parse.script().error);
  }
  expected.insert(expected.begin() + static_cast<std::ptrdiff_t>(expected.size() * 3 / 4),
                  "ALTER TABLE t ADD COLUMN bad int int;");
  std::string text = joined(expected);
  SourceFile file("m.sql", text);
  ScriptParse parse(file, {0, std::string::npos});
  std::size_t count = 0;
  while (parse.statement(count)) ++count;
  ParsedScript whole = parse_script(file);
  ASSERT_TRUE(parse.script().error);
  EXPECT_EQ(parse.script().error->offset, text.find("int;", text.find("COLUMN bad int")));
  ASSERT_EQ(count, whole.statements.size());
  for (std::size_t k = 0; k < count; ++k)
    EXPECT_EQ(parse.script().statements[k].span.begin, whole.statements[k].span.begin);
}

// A suppression comment may name statements before it, and suppressions are known when the
// parse is over: such a script, like a small one, is read whole.
TEST(ScriptParse, ScriptsWithSuppressionsAndSmallScriptsAreNotGradual) {
  std::vector<std::string> statements = numbered_statements(600 * 1024);
  statements.push_back("-- mgate:ignore-file unbatched-backfill\nSELECT 1;");
  SourceFile large("m.sql", joined(statements));
  EXPECT_FALSE(ScriptParse(large, {0, std::string::npos}).gradual());
  SourceFile small("s.sql", "SELECT 1;\n");
  ScriptParse parse(small, {0, std::string::npos});
  EXPECT_FALSE(parse.gradual());
  ASSERT_NE(parse.statement(0), nullptr);
  EXPECT_EQ(parse.statement(1), nullptr);
}

}  // namespace
}  // namespace mgate::sql
