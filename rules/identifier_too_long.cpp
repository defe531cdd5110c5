#include <fmt/core.h>

#include <cctype>

#include "rules/rule.hpp"
#include "sql/lexer.hpp"

namespace mgate {
namespace {

constexpr std::size_t kMaxIdentifierBytes = 63;  // NAMEDATALEN - 1

// The name PostgreSQL keeps: the first 63 bytes, cut back to a whole UTF-8 character.
std::string_view truncated(std::string_view name) {
  std::size_t end = kMaxIdentifierBytes;
  while (end > 0 && (static_cast<unsigned char>(name[end]) & 0xC0) == 0x80) --end;
  return name.substr(0, end);
}

// An identifier token as PostgreSQL reads it: quoted names as written, others in lower case.
std::string identifier(std::string_view token) {
  std::string out;
  if (token.size() >= 2 && token.front() == '"') {
    for (std::size_t i = 1; i + 1 < token.size(); ++i) {
      out += token[i];
      if (token[i] == '"') ++i;  // "" stands for one quote
    }
    return out;
  }
  for (char c : token) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// PostgreSQL's scanner truncates long identifiers before the parse tree is built, so the tree
// holds the truncated name: the full one is found in the statement's text, among the tokens
// that truncate to it.
std::string written_name(const sql::Statement& statement, std::string_view kept) {
  std::string_view text = statement.text;
  for (std::size_t pos = sql::skip_trivia(text, 0); pos < text.size();) {
    std::size_t end = sql::token_end(text, pos);
    if (end - pos > kMaxIdentifierBytes) {
      std::string name = identifier(text.substr(pos, end - pos));
      if (name.size() > kMaxIdentifierBytes && truncated(name) == kept) return name;
    }
    pos = sql::skip_trivia(text, end);
  }
  return "";
}

// The names a statement gives to new objects (or, for a rename, the new name). Names it only
// refers to were truncated the same way when they were created, so they still match.
void defined_names(const sql::Statement& statement, std::vector<std::string_view>& out) {
  sql::Node stmt = statement.node.inner();
  std::string_view type = statement.type();
  auto last = [](const sql::Node& list) { return list.items().back().str(); };
  if (type == "CreateStmt") out.push_back(stmt["relation"]["relname"].str());
  if (type == "ViewStmt") out.push_back(stmt["view"]["relname"].str());
  if (type == "CreateTableAsStmt") out.push_back(stmt["into"]["rel"]["relname"].str());
  if (type == "CreateSeqStmt") out.push_back(stmt["sequence"]["relname"].str());
  if (type == "CompositeTypeStmt") out.push_back(stmt["typevar"]["relname"].str());
  if (type == "IndexStmt") out.push_back(stmt["idxname"].str());
  if (type == "CreateSchemaStmt") out.push_back(stmt["schemaname"].str());
  if (type == "CreateFunctionStmt") out.push_back(last(stmt["funcname"]));
  if (type == "CreateEnumStmt") out.push_back(last(stmt["typeName"]));
  if (type == "CreateDomainStmt") out.push_back(last(stmt["domainname"]));
  if (type == "CreateTrigStmt") out.push_back(stmt["trigname"].str());
  if (type == "CreatePolicyStmt") out.push_back(stmt["policy_name"].str());
  if (type == "RenameStmt") out.push_back(stmt["newname"].str());
  if (type == "CreateStmt" || type == "AlterTableStmt" || type == "CompositeTypeStmt") {
    statement.node.walk([&](const sql::Node& node) {
      if (sql::Node column = node.as("ColumnDef")) out.push_back(column["colname"].str());
      if (sql::Node constraint = node.as("Constraint")) {
        out.push_back(constraint["conname"].str());
      }
    });
  }
}

// Whether the text holds a run of more than 63 bytes that could be one identifier: no name can be
// too long otherwise. A quoted identifier may hold any byte but its quote.
bool may_hold_long_name(std::string_view text) {
  std::size_t run = 0;
  bool quoted = false;
  for (char c : text) {
    if (c == '"') {
      quoted = !quoted;
      run = 0;
      continue;
    }
    unsigned char u = static_cast<unsigned char>(c);
    bool part = quoted || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                (c >= '0' && c <= '9') || c == '_' || c == '$' || u >= 0x80;
    run = part ? run + 1 : 0;
    if (run > kMaxIdentifierBytes) return true;
  }
  return false;
}

class IdentifierTooLong : public Rule {
 public:
  RuleInfo info() const override {
    return {"identifier-too-long", Level::note,
            "PostgreSQL silently truncates identifiers longer than 63 bytes.", Risk::design};
  }

  std::vector<std::string_view> statement_types() const override {
    return {"CreateStmt",        "ViewStmt",         "CreateTableAsStmt", "CreateSeqStmt",
            "CompositeTypeStmt", "IndexStmt",        "CreateSchemaStmt",  "CreateFunctionStmt",
            "CreateEnumStmt",    "CreateDomainStmt", "CreateTrigStmt",    "CreatePolicyStmt",
            "RenameStmt",        "AlterTableStmt"};
  }

  void check(const sql::Statement& statement, const LintContext&, RuleOutput& out) const override {
    if (!may_hold_long_name(statement.text)) return;
    std::vector<std::string_view> names;
    defined_names(statement, names);
    for (std::string_view kept : names) {
      // A truncated name is at most 63 bytes and at least 60 (a cut multi-byte character).
      if (kept.size() + 3 < kMaxIdentifierBytes) continue;
      std::string name = written_name(statement, kept);
      if (name.empty()) continue;
      out.flag(statement.span,
               fmt::format("identifier `{}` is {} bytes: PostgreSQL silently truncates it to "
                           "`{}` (63 bytes), so the object's real name differs from the one in "
                           "the code and in tools that compare names, and two long names that "
                           "differ only after byte 63 collide",
                           name, name.size(), kept),
               "Choose a name of at most 63 bytes (mind multi-byte characters).");
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_identifier_too_long_rule() {
  return std::make_unique<IdentifierTooLong>();
}

}  // namespace mgate
