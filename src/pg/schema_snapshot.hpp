#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace mgate::pg {

class Connection;
class EphemeralServer;
class Session;

// Index definitions already deparsed, by everything their text depends on: a reader that
// keeps one across the snapshots of a session deparses only the indexes it has not seen.
class IndexDefinitions {
 private:
  friend class SchemaSnapshot;
  friend class SchemaTracker;
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
  // that is rolled back whole reads the schema it is about to throw away. It resets the
  // session first (Session::reset), and so do the reads of a SchemaTracker.
  static SchemaSnapshot read(Session& session);
  static SchemaSnapshot read(Session& session, IndexDefinitions& known);

  const std::map<Key, std::string>& objects() const { return objects_; }
  nlohmann::json to_json() const;

 private:
  friend class SchemaTracker;
  std::map<Key, std::string> objects_;
};

// Where a scoped read starts: objects by their own names, in any user schema (what a
// migration's statements name, sql::NamedObjects).
struct SchemaScope {
  std::vector<std::string> relations, types, functions, schemas, extensions;
};

// One object that differs between two snapshots.
struct SchemaDifference {
  std::string kind;
  std::string name;
  std::optional<std::string> before;  // nullopt: absent before
  std::optional<std::string> after;   // nullopt: absent after
};

std::vector<SchemaDifference> diff(const SchemaSnapshot& before, const SchemaSnapshot& after);

// Makes `database` record every DDL command's objects, as mgate's own event triggers and table
// in the schema pg_mgate (a name no role but a superuser's may take), so that a SchemaTracker
// on it knows what a migration changed without scanning the catalogs. The migrations' role may
// add to the record but not change or remove it. False, with nothing made, where it cannot: the
// administrative role is no superuser, the migrations run as the superuser (they could turn the
// record off), or the server is older than 14 (pg_describe_object of a dropped object fails).
bool trace_schema_changes(EphemeralServer& server, const std::string& database);

// The schema of the database a session migrates, migration after migration, for the rollback
// gate, at a cost that does not grow with the history. It keeps a whole snapshot of the
// committed state and reads of each migration only what its scope reaches: the objects its
// statements name, what depends on them (pg_depend), what they are part of, and what has their
// names. Beside that part, every read learns whether something outside it changed since the
// read it is compared with, and where it did, the state is read whole instead:
//  - traced (trace_schema_changes): from the commands recorded between the two reads, each of
//    which must have changed an object one of them reached;
//  - counted: from the catalog rows outside the part, per catalog (how many, the sum of their
//    OIDs, the latest write to them since the migration began, by xmin), which scans the
//    catalogs and so grows with the schema.
// A migration without a scope (DO, CALL: code whose effects no name says) is read whole
// throughout.
class SchemaTracker {
 public:
  // `traced`: the session's database records its commands (trace_schema_changes).
  SchemaTracker(IndexDefinitions& known, bool traced) : known_(known), traced_(traced) {}

  // Before a migration's up, on the committed state. nullopt: no scope.
  void before_up(Session& session, const std::optional<SchemaScope>& scope);
  // After its up, committed: the state the next migration starts from.
  void after_up(Session& session);
  // Inside a check of the migration (after its down, after its up again): how the session's
  // state differs from the state before up, and from the state after up.
  std::vector<SchemaDifference> changes_since_before_up(Session& session);
  std::vector<SchemaDifference> changes_since_after_up(Session& session);

  // After a check rolled back, outside any transaction: every rolled-back check leaves the
  // catalog rows it made behind as dead rows, which every later read would step over (mgate's
  // own server does not vacuum by itself), so every so many checks the tracker vacuums the
  // catalogs its reads use. The migrations' role owns the database, which lets it.
  void check_rolled_back(Session& session);

  int scoped_reads() const { return scoped_reads_; }
  int whole_reads() const { return whole_reads_; }

 private:
  struct Part;  // what one read of a scope saw
  // The part the scope reaches now; `from`: the read it will be compared with, nullptr for the
  // first of a migration.
  Part read_part(Session& session, const Part* from);
  SchemaSnapshot read_whole(Session& session);
  SchemaSnapshot whole_before_up() const;

  IndexDefinitions& known_;
  bool traced_;
  std::optional<SchemaSnapshot> committed_;  // the whole state after the last up
  std::optional<SchemaScope> scope_;         // of the current migration, extended to its reach
  std::string mark_;  // counted: the first transaction ID of the current migration
  std::shared_ptr<const Part> before_, after_;
  // The whole state before up, when up changed what its scope does not reach.
  std::optional<SchemaSnapshot> whole_before_;
  int scoped_reads_ = 0, whole_reads_ = 0;
  int rolled_back_ = 0;  // checks since the last vacuum
};

}  // namespace mgate::pg
