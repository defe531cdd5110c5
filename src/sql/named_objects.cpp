#include "sql/named_objects.hpp"

#include <string_view>
#include <vector>

namespace mgate::sql {
namespace {

// The parts of a name list ({"List": {"items": [...]}} or a bare list of String nodes).
std::vector<Node> parts_of(const Node& names) {
  std::vector<Node> parts = names.as("List")["items"].items();
  return parts.empty() ? names.items() : parts;
}

// The part `from_end` places before the last (0: the object's own name).
std::string part(const Node& names, std::size_t from_end = 0) {
  std::vector<Node> parts = parts_of(names);
  if (parts.size() <= from_end) return "";
  return std::string(parts[parts.size() - 1 - from_end].str());
}

bool is_relation_kind(std::string_view kind) {
  return kind == "OBJECT_TABLE" || kind == "OBJECT_VIEW" || kind == "OBJECT_MATVIEW" ||
         kind == "OBJECT_INDEX" || kind == "OBJECT_SEQUENCE" || kind == "OBJECT_FOREIGN_TABLE";
}

// Objects named as [..., table, name]: the table.
bool is_relation_member_kind(std::string_view kind) {
  return kind == "OBJECT_COLUMN" || kind == "OBJECT_TRIGGER" || kind == "OBJECT_POLICY" ||
         kind == "OBJECT_RULE" || kind == "OBJECT_TABCONSTRAINT";
}

bool is_type_kind(std::string_view kind) {
  return kind == "OBJECT_TYPE" || kind == "OBJECT_DOMAIN";
}

bool is_function_kind(std::string_view kind) {
  return kind == "OBJECT_FUNCTION" || kind == "OBJECT_PROCEDURE" || kind == "OBJECT_ROUTINE" ||
         kind == "OBJECT_AGGREGATE";
}

void insert(std::set<std::string>& names, std::string name) {
  if (!name.empty()) names.insert(std::move(name));
}

// An object named by kind and a name list or a single name (DROP's objects, COMMENT ON's
// object, ALTER ... SET SCHEMA's object); TypeName and ObjectWithArgs nodes are found by the
// walk.
void add_object(NamedObjects& out, std::string_view kind, const Node& object) {
  if (is_relation_kind(kind)) insert(out.relations, part(object));
  if (is_relation_member_kind(kind)) insert(out.relations, part(object, 1));
  if (is_type_kind(kind) && !object.is("TypeName")) insert(out.types, part(object));
  if (kind == "OBJECT_SCHEMA") insert(out.schemas, std::string(object.str()));
  if (kind == "OBJECT_EXTENSION") insert(out.extensions, std::string(object.str()));
}

// Fields that hold one RangeVar as a bare object (lists hold wrapped ones, which the walk sees).
constexpr const char* kRelationFields[] = {"relation",  "pktable", "view", "sequence", "typevar",
                                           "constrrel", "table",   "name", "rel"};
// Fields that hold one TypeName as a bare object, or a name list of a type.
constexpr const char* kTypeFields[] = {"typeName", "returnType", "argType", "ofTypename"};

void add_node(NamedObjects& out, const Node& node) {
  const std::string_view type = node.type();
  const Node x = node.inner();
  if (type == "DoStmt" || type == "CallStmt" || type == "ExecuteStmt") out.opaque = true;
  if (type == "RangeVar") insert(out.relations, std::string(x["relname"].str()));
  if (type == "TypeName") insert(out.types, part(x["names"]));
  if (type == "ObjectWithArgs") insert(out.functions, part(x["objname"]));
  for (const char* field : kRelationFields) {
    insert(out.relations, std::string(x[field]["relname"].str()));
  }
  insert(out.relations, std::string(x["into"]["rel"]["relname"].str()));
  insert(out.relations, std::string(x["base"]["relation"]["relname"].str()));
  for (const char* field : kTypeFields) {
    const Node value = x[field];
    insert(out.types, value["names"] ? part(value["names"]) : part(value));
  }
  insert(out.functions, part(x["funcname"]));
  insert(out.functions, part(x["func"]["objname"]));
  if (type == "IndexStmt") insert(out.relations, std::string(x["idxname"].str()));
  if (type == "Constraint") insert(out.relations, std::string(x["indexname"].str()));
  if (type == "CreateDomainStmt") insert(out.types, part(x["domainname"]));
  if (type == "DefineStmt" && is_type_kind(x["kind"].str())) insert(out.types, part(x["defnames"]));
  if (type == "CreateSchemaStmt") insert(out.schemas, std::string(x["schemaname"].str()));
  if (type == "CreateExtensionStmt" || type == "AlterExtensionStmt" ||
      type == "AlterExtensionContentsStmt") {
    insert(out.extensions, std::string(x["extname"].str()));
  }
  if (type == "DropStmt") {
    for (const Node& object : x["objects"].items()) add_object(out, x["removeType"].str(), object);
  }
  if (type == "CommentStmt") add_object(out, x["objtype"].str(), x["object"]);
  if (type == "AlterObjectSchemaStmt") add_object(out, x["objectType"].str(), x["object"]);
  if (type == "RenameStmt") {
    const std::string_view kind = x["renameType"].str();
    add_object(out, kind, x["object"]);
    std::string renamed(x["newname"].str());
    if (is_relation_kind(kind)) insert(out.relations, renamed);
    if (is_type_kind(kind)) insert(out.types, renamed);
    if (is_function_kind(kind)) insert(out.functions, renamed);
    if (kind == "OBJECT_SCHEMA") {
      insert(out.schemas, std::string(x["subname"].str()));
      insert(out.schemas, renamed);
    }
  }
}

}  // namespace

void NamedObjects::add(const NamedObjects& other) {
  relations.insert(other.relations.begin(), other.relations.end());
  types.insert(other.types.begin(), other.types.end());
  functions.insert(other.functions.begin(), other.functions.end());
  schemas.insert(other.schemas.begin(), other.schemas.end());
  extensions.insert(other.extensions.begin(), other.extensions.end());
  opaque = opaque || other.opaque;
}

NamedObjects named_objects(const ParsedScript& script) {
  NamedObjects out;
  out.opaque = script.error.has_value();
  for (const Statement& statement : script.statements) {
    statement.node.walk([&](const Node& node) { add_node(out, node); });
  }
  return out;
}

long tables_created(const ParsedScript& script) {
  long n = 0;
  for (const Statement& s : script.statements) {
    if (s.node.is("CreateStmt") || s.node.is("CreateTableAsStmt")) ++n;
    Node drop = s.node.as("DropStmt");
    if (drop && drop["removeType"].str() == "OBJECT_TABLE")
      n -= static_cast<long>(drop["objects"].size());
  }
  return n;
}

}  // namespace mgate::sql
