#pragma once
#include <set>
#include <string>

#include "sql/parsed_script.hpp"

namespace mgate::sql {

// The schema objects a script's statements name, by kind, each by its own name without the
// schema (a superset of what the statements touch, whatever the search_path), and whether a
// statement runs code whose effects no name says (DO, CALL, EXECUTE). What the statements can
// change is these objects and what depends on them: the rollback gate reads only that much of
// the catalog (pg/schema_snapshot.hpp).
struct NamedObjects {
  std::set<std::string> relations;  // tables, views, sequences, indexes, composite types
  std::set<std::string> types;      // types, domains, enums
  std::set<std::string> functions;  // functions and procedures, by name (every overload)
  std::set<std::string> schemas;    // schemas a statement creates, alters, drops or comments on
  std::set<std::string> extensions;
  bool opaque = false;

  void add(const NamedObjects& other);
};

// What the statements of `script` name. A script that does not parse is opaque: its statements
// are unknown.
NamedObjects named_objects(const ParsedScript& script);

// How many tables a script creates, less those it drops: how the schema grows (the shard
// split's estimate of what the integrity gate dumps).
long tables_created(const ParsedScript& script);

}  // namespace mgate::sql
