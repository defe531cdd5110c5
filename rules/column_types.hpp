#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/source_file.hpp"
#include "sql/node.hpp"
#include "sql/parsed_script.hpp"

namespace mgate {

// A column whose type a statement sets: a column of CREATE TABLE, ALTER TABLE … ADD COLUMN, or
// ALTER TABLE … ALTER COLUMN … TYPE. The type and style rules read these.
struct TypedColumn {
  std::string table;
  std::string column;
  sql::Node type_name;       // the TypeName node
  bool primary_key = false;  // PRIMARY KEY on the column, or a table PRIMARY KEY naming it
  bool identity = false;     // GENERATED … AS IDENTITY
  bool retyped = false;      // ALTER COLUMN … TYPE (not a new column)
  Span span;                 // from the column's name to the end of its definition
  Span type_token;           // the first token of the type; empty when not found
  // (span and type_token are set by locate_columns, or LintContext::located.)
};

// The columns whose types `statement` sets, in the order written, from the tree: span and
// type_token are not set yet.
std::vector<TypedColumn> column_types(const sql::Statement& statement);
// Sets the span and type_token of each column, from one pass over the statement's text.
void locate_columns(const sql::Statement& statement, std::vector<TypedColumn>& columns);

// The type's own name without a pg_catalog qualifier, as PostgreSQL's grammar stores it:
// "int4" for int/integer, "varchar" for character varying, "bpchar" for char(n), "timestamp"
// for timestamp without time zone.
std::string_view base_type(const sql::Node& type_name);
// Whether the name was written with a pg_catalog qualifier or is one of the SQL-standard
// spellings the grammar qualifies (int, char(n), timestamp, …): tells `char(n)` (bpchar) from
// the internal one-byte type `"char"`.
bool builtin_spelling(const sql::Node& type_name);
// The integer type a serial pseudo-type (serial, bigserial, serial8, ...) stands for; empty for
// other types.
std::string_view serial_base(std::string_view type);
// The type modifiers as written, "(20)" or "(10, 2)"; empty if none.
std::string type_modifiers(const sql::Node& type_name);

}  // namespace mgate
