#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "sql/node.hpp"
#include "sql/parsed_script.hpp"

namespace mgate::sql {
namespace {

// sql::Tree reads libpg_query's JSON itself (src/sql/node.cpp): these pin the reader down on the
// JSON that libpg_query writes and on JSON it must refuse.

Tree tree_of(const std::string& json) {
  return Tree(json.data(), json.size());
}

std::string refusal(const std::string& json) {
  try {
    tree_of(json);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "accepted";
}

TEST(ParseTree, ReadsWrappedNodesFieldsAndLists) {
  Tree tree = tree_of(
      R"({"version":150001,"stmts":[{"stmt":{"SelectStmt":{"targetList":[{"ResTarget":)"
      R"({"val":{"A_Const":{"ival":{"ival":-42},"location":7}},"location":7}}],"limitOption":)"
      R"("LIMIT_OPTION_DEFAULT","op":"SETOP_NONE","all":true}},"stmt_len":9},{"stmt":{}}]})");
  Node root = tree.root();
  EXPECT_EQ(root["version"].integer(), 150001);
  EXPECT_EQ(root.size(), 2u);
  ASSERT_TRUE(root["stmts"].is_list());
  NodeList stmts = root["stmts"].items();
  ASSERT_EQ(stmts.size(), 2u);
  Node select = stmts[0]["stmt"];
  EXPECT_EQ(select.type(), "SelectStmt");
  EXPECT_TRUE(select.as("SelectStmt")["all"].boolean());
  EXPECT_FALSE(select.as("SelectStmt")["distinct"].boolean());
  EXPECT_EQ(select.as("SelectStmt")["op"].str(), "SETOP_NONE");
  EXPECT_FALSE(select.as("InsertStmt"));
  Node target = select.inner()["targetList"].at(0);
  EXPECT_EQ(target.type(), "ResTarget");
  EXPECT_EQ(target.location(), 7);
  EXPECT_EQ(target.inner()["val"].inner()["ival"]["ival"].integer(), -42);
  EXPECT_EQ(stmts[1]["stmt"].size(), 0u);
  EXPECT_FALSE(stmts[1]["stmt"]["anything"]);
  EXPECT_EQ(stmts[0]["stmt_len"].integer(), 9);
  EXPECT_FALSE(root["stmts"].at(2));

  std::vector<std::string> seen;
  root.walk([&](const Node& node) { seen.emplace_back(node.type()); });
  EXPECT_EQ(seen, (std::vector<std::string>{"SelectStmt", "ResTarget", "A_Const"}));
}

TEST(ParseTree, EmptyListsAndObjectsHaveNoItems) {
  Tree tree = tree_of(R"({"a":[],"b":{},"c":[[],{}]})");
  EXPECT_TRUE(tree.root()["a"].is_list());
  EXPECT_TRUE(tree.root()["a"].items().empty());
  EXPECT_EQ(tree.root()["b"].size(), 0u);
  EXPECT_EQ(tree.root()["c"].size(), 2u);
  int count = 0;
  for (Node item : tree.root()["c"].items()) {
    EXPECT_EQ(item.size(), 0u);
    ++count;
  }
  EXPECT_EQ(count, 2);
}

TEST(ParseTree, StringsAreDecoded) {
  Tree tree = tree_of(
      R"({"escapes":"q\" b\\ s\/ \b\f\n\r\t","bmp":"caf\u00e9 \u20AC","pair":"\ud83d\ude00",)"
      "\"raw\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\",\"empty\":\"\"}");
  EXPECT_EQ(tree.root()["escapes"].str(), "q\" b\\ s/ \b\f\n\r\t");
  EXPECT_EQ(tree.root()["bmp"].str(), "caf\xc3\xa9 \xe2\x82\xac");
  EXPECT_EQ(tree.root()["pair"].str(), "\xf0\x9f\x98\x80");
  EXPECT_EQ(tree.root()["raw"].str(), "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  EXPECT_EQ(tree.root()["empty"].str(), "");
  EXPECT_TRUE(tree.root()["empty"]);
}

TEST(ParseTree, NumbersBeyondIntegersAreReadAsDoubles) {
  Tree tree =
      tree_of(R"([0,-9223372036854775808,9223372036854775807,99999999999999999999,2.5e3,-0.5])");
  NodeList n = tree.root().items();
  EXPECT_EQ(n[0].integer(), 0);
  EXPECT_EQ(n[1].integer(), INT64_MIN);
  EXPECT_EQ(n[2].integer(), INT64_MAX);
  EXPECT_TRUE(n[3]);  // 1e20: a double
  EXPECT_EQ(n[4].integer(), 2500);
  EXPECT_EQ(n[5].integer(), 0);
}

TEST(ParseTree, RefusesWhatIsNotJson) {
  for (const char* json : {"", "{", "[1,", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "[1 2]",
                           "{\"a\":1]", "[1]]", "[1] x", "\"open", "[tru]", "{1:2}", "[\"\\x\"]",
                           "[\"\\u12\"]", "[\"\\ud800\"]", "[\"\\udc00\"]", "[\"a\nb\"]", "[-]"}) {
    EXPECT_NE(refusal(json), "accepted") << json;
  }
}

TEST(ParseTree, RefusesTextThatIsNotUtf8AsPostgresWouldBeSentIt) {
  for (std::string bytes :
       {"\xff", "\xc3", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82", "\x80"}) {
    EXPECT_NE(refusal("[\"a" + bytes + "b\"]").find("not valid UTF-8"), std::string::npos);
  }
}

TEST(ParseTree, ANulByteInsideTheTextIsRefused) {
  std::string json = "[\"a";
  json += '\0';
  json += "b\"]";
  EXPECT_NE(refusal(json), "accepted");
}

TEST(ParseTree, DeepNestingNeedsNoStack) {
  constexpr int kDepth = 200000;
  std::string json = std::string(kDepth, '[') + std::string(kDepth, ']');
  Tree tree = tree_of(json);
  Node node = tree.root();
  for (int i = 0; i < 5; ++i) node = node.at(0);
  EXPECT_TRUE(node.is_list());
}

// Lengths and counts are packed into 24 bits on the tape; beyond that they are counted again.
TEST(ParseTree, AStringAndAListLongerThanThePackedFieldsAreWhole) {
  constexpr std::size_t kLong = (1u << 24) + 3;
  std::string text(kLong, 'x');
  Tree string_tree = tree_of("[\"" + text + "\"]");
  EXPECT_EQ(string_tree.root().at(0).str().size(), kLong);

  std::string json = "[";
  json.reserve(kLong * 5 + 2);
  for (std::size_t i = 0; i < kLong; ++i) json += i == 0 ? "null" : ",null";
  json += ",7]";
  Tree list_tree = tree_of(json);
  EXPECT_EQ(list_tree.root().size(), kLong + 1);
  EXPECT_EQ(list_tree.root().items().size(), kLong + 1);
  EXPECT_EQ(list_tree.root().items().back().integer(), 7);
}

TEST(ParseTree, ReadsWhatLibpgQueryWrites) {
  // End to end through libpg_query: the reader takes what it writes, strings with escapes and
  // non-ASCII text included.
  SourceFile file(
      "m.sql",
      "CREATE TABLE \"tab\"\"le\" (note text DEFAULT E'tab\\there \"q\" \\\\ caf\xc3\xa9');\n"
      "COMMENT ON TABLE \"tab\"\"le\" IS 'line\nbreak \xf0\x9f\x98\x80';\n");
  ParsedScript script = parse_script(file);
  ASSERT_FALSE(script.error);
  ASSERT_EQ(script.statements.size(), 2u);
  EXPECT_EQ(script.statements[0].node.inner()["relation"]["relname"].str(), "tab\"le");
  std::string default_text;
  script.statements[0].node.walk([&](const Node& node) {
    if (Node constant = node.as("A_Const")) default_text = constant["sval"]["sval"].str();
  });
  EXPECT_EQ(default_text, "tab\there \"q\" \\ caf\xc3\xa9");
  EXPECT_EQ(script.statements[1].node.inner()["comment"].str(), "line\nbreak \xf0\x9f\x98\x80");
}

}  // namespace
}  // namespace mgate::sql
