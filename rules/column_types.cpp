#include "rules/column_types.hpp"

#include <cctype>
#include <map>

#include "sql/lexer.hpp"
#include "sql/locks.hpp"

namespace mgate {
namespace {

struct Token {
  std::size_t begin;
  std::size_t end;
  int depth;  // parenthesis depth before the token
};

// An identifier token's name as PostgreSQL folds it: quoted names as written, others lower case.
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

bool is_word(std::string_view token, std::string_view word) {
  if (token.size() != word.size()) return false;
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(token[i])) != word[i]) return false;
  }
  return true;
}

struct Located {
  Span span;
  Span type_token;
};

// Finds each column definition in the statement's text: the elements of CREATE TABLE's first
// parenthesis (depth 1), or ALTER TABLE's comma-separated commands (depth 0), where the name
// follows ADD/ALTER [COLUMN] [IF NOT EXISTS]. Keyed by column name; offsets are in the file.
std::map<std::string, Located> column_positions(const sql::Statement& statement, bool create) {
  std::string_view text = statement.text;
  if (!text.empty() && text.back() == ';') text.remove_suffix(1);
  std::vector<Token> tokens;
  int depth = 0;
  for (std::size_t pos = sql::skip_trivia(text, 0); pos < text.size();) {
    std::size_t end = sql::token_end(text, pos);
    if (text[pos] == ')') --depth;
    tokens.push_back({pos, end, depth});
    if (text[pos] == '(') ++depth;
    pos = sql::skip_trivia(text, end);
  }
  const int target = create ? 1 : 0;
  std::map<std::string, Located> out;
  std::size_t i = 0;
  if (create) {
    while (i < tokens.size() && text[tokens[i].begin] != '(') ++i;
    ++i;
  }
  while (i < tokens.size()) {
    // One element: [i, j).
    std::size_t j = i;
    // A ')' records the depth of its '(' so only the table's own ')' is below the target.
    while (j < tokens.size() && tokens[j].depth >= target &&
           !(tokens[j].depth == target && text[tokens[j].begin] == ',')) {
      ++j;
    }
    std::size_t name = i;
    if (!create) {
      name = j;
      for (std::size_t k = i; k < j; ++k) {
        std::string_view word = text.substr(tokens[k].begin, tokens[k].end - tokens[k].begin);
        bool action = is_word(word, "add") || is_word(word, "alter");
        if (tokens[k].depth != target || !action) continue;
        if (k + 1 < j &&
            is_word(text.substr(tokens[k + 1].begin, tokens[k + 1].end - tokens[k + 1].begin),
                    "table")) {
          continue;
        }
        name = k + 1;
      }
      while (name < j) {
        std::string_view word =
            text.substr(tokens[name].begin, tokens[name].end - tokens[name].begin);
        if (!is_word(word, "column") && !is_word(word, "if") && !is_word(word, "not") &&
            !is_word(word, "exists")) {
          break;
        }
        ++name;
      }
    }
    if (name < j && j > i) {
      std::size_t base = statement.span.begin;
      Located located;
      located.span = {base + tokens[name].begin, base + tokens[j - 1].end};
      if (name + 1 < j) {
        located.type_token = {base + tokens[name + 1].begin, base + tokens[name + 1].end};
      }
      out.emplace(
          identifier(text.substr(tokens[name].begin, tokens[name].end - tokens[name].begin)),
          located);
    }
    if (j >= tokens.size() || tokens[j].depth < target) break;
    i = j + 1;
  }
  return out;
}

TypedColumn column_of(const std::string& table, std::string_view name, const sql::Node& type) {
  TypedColumn column;
  column.table = table;
  column.column = std::string(name);
  column.type_name = type;
  return column;
}

bool has_constraint(const sql::Node& column_def, std::string_view type) {
  for (const sql::Node& c : column_def["constraints"].items()) {
    if (c.as("Constraint")["contype"].str() == type) return true;
  }
  return false;
}

}  // namespace

std::vector<TypedColumn> column_types(const sql::Statement& statement) {
  std::vector<TypedColumn> out;
  sql::Node stmt = statement.node.inner();
  bool create = statement.type() == "CreateStmt";
  if (create) {
    std::string table = sql::relation_name(stmt["relation"]);
    std::vector<std::string> key_columns;
    for (const sql::Node& element : stmt["tableElts"].items()) {
      sql::Node constraint = element.as("Constraint");
      if (constraint["contype"].str() != "CONSTR_PRIMARY") continue;
      for (const sql::Node& key : constraint["keys"].items()) key_columns.emplace_back(key.str());
    }
    for (const sql::Node& element : stmt["tableElts"].items()) {
      sql::Node def = element.as("ColumnDef");
      if (!def) continue;
      TypedColumn column = column_of(table, def["colname"].str(), def["typeName"]);
      column.primary_key = has_constraint(def, "CONSTR_PRIMARY");
      for (const std::string& key : key_columns) column.primary_key |= key == column.column;
      column.identity = has_constraint(def, "CONSTR_IDENTITY");
      out.push_back(std::move(column));
    }
  } else if (statement.type() == "AlterTableStmt") {
    std::string table = sql::relation_name(stmt["relation"]);
    for (const sql::Node& item : stmt["cmds"].items()) {
      sql::Node cmd = item.as("AlterTableCmd");
      std::string_view subtype = cmd["subtype"].str();
      sql::Node def = cmd["def"].as("ColumnDef");
      if (subtype == "AT_AddColumn") {
        TypedColumn column = column_of(table, def["colname"].str(), def["typeName"]);
        column.primary_key = has_constraint(def, "CONSTR_PRIMARY");
        column.identity = has_constraint(def, "CONSTR_IDENTITY");
        out.push_back(std::move(column));
      } else if (subtype == "AT_AlterColumnType") {
        TypedColumn column = column_of(table, cmd["name"].str(), def["typeName"]);
        column.retyped = true;
        out.push_back(std::move(column));
      }
    }
  }
  return out;
}

void locate_columns(const sql::Statement& statement, std::vector<TypedColumn>& columns) {
  if (columns.empty()) return;
  std::map<std::string, Located> located =
      column_positions(statement, statement.type() == "CreateStmt");
  for (TypedColumn& column : columns) {
    auto it = located.find(column.column);
    column.span = it != located.end() ? it->second.span : statement.span;
    if (it != located.end()) column.type_token = it->second.type_token;
  }
}

std::string_view serial_base(std::string_view type) {
  if (type == "serial" || type == "serial4") return "integer";
  if (type == "bigserial" || type == "serial8") return "bigint";
  if (type == "smallserial" || type == "serial2") return "smallint";
  return "";
}

std::string_view base_type(const sql::Node& type_name) {
  std::vector<sql::Node> names = type_name["names"].items();
  return names.empty() ? std::string_view{} : names.back().str();
}

bool builtin_spelling(const sql::Node& type_name) {
  std::vector<sql::Node> names = type_name["names"].items();
  return names.size() == 2 && names[0].str() == "pg_catalog";
}

std::string type_modifiers(const sql::Node& type_name) {
  std::string out;
  for (const sql::Node& mod : type_name["typmods"].items()) {
    sql::Node constant = mod.as("A_Const");
    out += (out.empty() ? "(" : ", ") + std::to_string(constant["ival"]["ival"].integer());
  }
  return out.empty() ? out : out + ")";
}

}  // namespace mgate
