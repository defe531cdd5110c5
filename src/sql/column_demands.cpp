#include "sql/column_demands.hpp"

namespace mgate::sql {
namespace {

// An identifier as SQL writes it: quoted unless it is a plain lower-case name.
std::string identifier(std::string_view name) {
  bool plain = !name.empty() && (name[0] == '_' || (name[0] >= 'a' && name[0] <= 'z'));
  for (char c : name) {
    plain = plain && (c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));
  }
  if (plain) return std::string(name);
  std::string quoted = "\"";
  for (char c : name) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

// A TypeName node as SQL: its (qualified) name, its modifiers and its array bounds. Empty when
// a modifier is not a number (the type cannot be written back faithfully).
std::string type_sql(const Node& type_name) {
  std::string out;
  for (Node part : type_name["names"].items()) {
    out += (out.empty() ? "" : ".") + identifier(part.str());
  }
  std::string modifiers;
  for (Node modifier : type_name["typmods"].items()) {
    Node value = modifier.as("A_Const")["ival"];
    if (!value) return "";
    modifiers += (modifiers.empty() ? "" : ", ") + std::to_string(value["ival"].integer());
  }
  if (!modifiers.empty()) out += "(" + modifiers + ")";
  for (std::size_t i = 0; i < type_name["arrayBounds"].size(); ++i) out += "[]";
  return out;
}

}  // namespace

std::vector<ColumnDemand> column_demands(const Node& statement) {
  std::vector<ColumnDemand> out;
  Node alter = statement.as("AlterTableStmt");
  if (!alter) return out;
  std::string schema(alter["relation"]["schemaname"].str());
  std::string table(alter["relation"]["relname"].str());
  for (Node command : alter["cmds"].items()) {
    Node cmd = command.as("AlterTableCmd");
    std::string column(cmd["name"].str());
    std::string_view subtype = cmd["subtype"].str();
    if (subtype == "AT_SetNotNull") {
      out.push_back({schema, table, column, ""});
    } else if (subtype == "AT_AddConstraint") {
      // A primary key makes its columns NOT NULL (unless it is added USING an index).
      Node constraint = cmd["def"].as("Constraint");
      if (constraint["contype"].str() != "CONSTR_PRIMARY" || constraint["indexname"]) continue;
      for (Node key : constraint["keys"].items())
        out.push_back({schema, table, std::string(key.str()), ""});
    } else if (subtype == "AT_AlterColumnType") {
      Node definition = cmd["def"].as("ColumnDef");
      if (definition["raw_default"]) continue;  // USING
      std::string type = type_sql(definition["typeName"]);
      if (!type.empty()) out.push_back({schema, table, column, type});
    }
  }
  return out;
}

}  // namespace mgate::sql
