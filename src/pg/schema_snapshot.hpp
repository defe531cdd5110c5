#pragma once
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace mgate::pg {

class Connection;
class Session;

// Index definitions already deparsed, by everything their text depends on: a reader that
// keeps one across the snapshots of a session deparses only the indexes it has not seen.
class IndexDefinitions {
 private:
  friend class SchemaSnapshot;
  std::map<std::string, std::string> by_key_;
};

// A canonical, deterministic picture of a database's schema, read from pg_catalog: every user
// object as (kind, name) -> definition. Objects that belong to extensions are left out; OIDs and
// other accidents of creation order never appear, so two databases built by the same DDL compare
// equal. Names outside pg_catalog are schema-qualified in definitions (read with only pg_catalog
// on the search_path), so the migrations' search_path does not matter either.
//
// Kinds: schema, table, column, column order (a table's column names in order: compared apart
// from the columns themselves), constraint, index, sequence, view, materialized view, function,
// procedure, trigger, enum, domain, type, extension, policy, comment.
class SchemaSnapshot {
 public:
  using Key = std::pair<std::string, std::string>;  // kind, qualified name

  static SchemaSnapshot read(Connection& connection);
  // On a migration session, as its role, inside whatever transaction it has open: a check
  // that is rolled back whole reads the schema it is about to throw away.
  static SchemaSnapshot read(Session& session);
  static SchemaSnapshot read(Session& session, IndexDefinitions& known);

  const std::map<Key, std::string>& objects() const { return objects_; }
  nlohmann::json to_json() const;

 private:
  std::map<Key, std::string> objects_;
};

// One object that differs between two snapshots.
struct SchemaDifference {
  std::string kind;
  std::string name;
  std::optional<std::string> before;  // nullopt: absent before
  std::optional<std::string> after;   // nullopt: absent after
};

std::vector<SchemaDifference> diff(const SchemaSnapshot& before, const SchemaSnapshot& after);

}  // namespace mgate::pg
