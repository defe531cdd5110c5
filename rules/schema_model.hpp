#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sql/parsed_script.hpp"

namespace mgate {

// A column type as the migration wrote it: the type's name (the last part: "varchar",
// "numeric", "int4", "text") and its modifiers (varchar(20): {20}; numeric(10,2): {10, 2}).
struct ColumnType {
  std::string name;
  std::vector<int64_t> modifiers;
  bool array = false;

  std::string to_string() const;  // "varchar(20)", "text[]"
  friend bool operator==(const ColumnType& a, const ColumnType& b) {
    return a.name == b.name && a.modifiers == b.modifiers && a.array == b.array;
  }
};

// Reads a TypeName node.
ColumnType column_type(const sql::Node& type_name);

// Whether PostgreSQL changes a column from `from` to `to` without rewriting the table: the new
// type accepts every old value as it is stored (binary coercible, no tighter modifier).
bool binary_coercible(const ColumnType& from, const ColumnType& to);

// One comparison a CHECK constraint holds for every row: `column op value`, with op one of
// ">=", ">", "<", "<=", "=", "in" (values: the list), "not null". Values are the constants'
// text as written ('2024-01-01', 42), without their casts.
struct CheckBound {
  std::string column;
  std::string op;
  std::vector<std::string> values;
};

struct CheckConstraint {
  std::string name;
  bool validated = false;
  std::string not_null_column;  // for CHECK (col IS NOT NULL): col
  // The comparisons the check ANDs together, when it is nothing else (an OR, a function call
  // or another column makes it prove nothing here).
  std::vector<CheckBound> bounds;
};

struct IndexModel {
  std::vector<std::string> keys;  // key columns in order (an expression is an empty name)
  // Unique over all rows (primary key, unique constraint or unique index without WHERE): equal
  // key values name at most one row.
  bool unique = false;
};

// A partition's bound as written: FOR VALUES FROM (…) TO (…), IN (…), WITH (…), or DEFAULT.
// Values are constants' text as in CheckBound; MINVALUE and MAXVALUE are empty.
struct PartitionBound {
  std::string strategy;  // "range", "list", "hash" or "default"
  std::vector<std::string> from, to, in;
};

struct TableModel {
  std::map<std::string, ColumnType> columns;
  std::set<std::string> not_null;  // columns declared NOT NULL (or in the primary key)
  std::vector<CheckConstraint> checks;
  // The table's indexes, primary key, unique and exclusion constraints, by index name. A
  // foreign key is served by one whose leading columns are its own.
  std::map<std::string, IndexModel> indexes;
  std::set<std::string> views;  // views that read this table
  // PARTITION BY: the strategy ("range", "list", "hash") and the key's columns (an expression
  // is an empty name); empty strategy for a table that is not partitioned.
  std::string partition_strategy;
  std::vector<std::string> partition_key;
  bool partitioned() const { return !partition_strategy.empty(); }
  std::set<std::string> partitions;  // for a partitioned table
  std::string parent;                // for a partition: its partitioned table
  PartitionBound bound;              // for a partition
};

struct ViewModel {
  // The columns the view reads, as `table.column`; `table.*` when it reads every column.
  std::set<std::string> columns;
  std::set<std::string> tables;
  bool materialized = false;
  bool populated = true;  // false after WITH NO DATA, until a REFRESH fills it
  // A materialized view's unique indexes on plain columns without WHERE, which REFRESH …
  // CONCURRENTLY needs.
  std::set<std::string> refresh_keys;
};

// A map of the schema model whose changes can be taken back. While a change is being recorded
// (record), the first change to a key saves what the key held; undo puts every saved key back.
// Reading is const; every change goes through edit, put, erase or take, so none escapes the
// record.
template <class V>
class UndoableMap {
 public:
  using Map = std::map<std::string, V, std::less<>>;

  const V* find(std::string_view key) const {
    auto it = map_.find(key);
    return it == map_.end() ? nullptr : &it->second;
  }
  bool contains(std::string_view key) const { return map_.find(key) != map_.end(); }
  std::size_t size() const { return map_.size(); }
  const Map& all() const { return map_; }

  // The value to change; nullptr when the key is absent.
  V* edit(std::string_view key) {
    auto it = map_.find(key);
    if (it == map_.end()) return nullptr;
    save(it->first, &it->second);
    return &it->second;
  }
  // The value to change, made (default) when the key is absent.
  V& put(const std::string& key) {
    auto it = map_.find(key);
    save(key, it == map_.end() ? nullptr : &it->second);
    return it == map_.end() ? map_[key] : it->second;
  }
  void erase(std::string_view key) { take(key); }
  // Removes the key, and gives what it held.
  std::optional<V> take(std::string_view key) {
    auto it = map_.find(key);
    if (it == map_.end()) return std::nullopt;
    save(it->first, &it->second);
    std::optional<V> value(std::move(it->second));
    map_.erase(it);
    return value;
  }

  void record() {
    saved_.clear();
    recording_ = true;
  }
  void undo() {
    for (auto& [key, value] : saved_) {
      if (value) {
        map_.insert_or_assign(key, std::move(*value));
      } else {
        map_.erase(key);
      }
    }
    saved_.clear();
    recording_ = false;
  }

 private:
  void save(std::string_view key, const V* value) {
    if (!recording_ || saved_.find(key) != saved_.end()) return;
    saved_.emplace(std::string(key), value ? std::optional<V>(*value) : std::nullopt);
  }

  Map map_;
  std::map<std::string, std::optional<V>, std::less<>> saved_;  // what changed keys held
  bool recording_ = false;
};

// What the migrations applied so far created, as far as their SQL says: tables with their
// columns and types, CHECK constraints, indexes and views. The lint engine applies every
// statement in order, across migrations, so rules can know the type a column had, whether a
// check proves it not null, or which views read it. Everything is keyed by the normalised
// relation name (sql::relation_name). What the SQL does not show (objects made by functions,
// DO blocks, or a database that existed before the first migration) is simply unknown.
class SchemaModel {
 public:
  void apply(const sql::Statement& statement);

  // A down script sees the model its up left, and each of its statements what the ones before
  // it changed (a view it drops is gone for the columns it drops next); the migrations after it
  // still see the up's model. Changes applied after record() are taken back by undo().
  void record();
  void undo();

  const TableModel* table(std::string_view name) const;
  // The table's CHECK constraints and NOT NULL columns: those of a known table, or, for a table
  // the migrations did not create (only altered), what the ALTER TABLEs showed of them.
  const TableModel* constraints(std::string_view table) const;
  const ColumnType* column_type(std::string_view table, std::string_view column) const;
  // The name of a validated CHECK (column IS NOT NULL) on the table, if there is one.
  std::optional<std::string> validated_not_null_check(std::string_view table,
                                                      std::string_view column) const;
  // Whether an index, primary key or unique constraint of the table starts with `columns`
  // (in any order among those first positions).
  bool has_index_leading(std::string_view table, const std::vector<std::string>& columns) const;
  // Whether equality on `columns` names at most one row: a primary key, a unique constraint or
  // a unique index without WHERE has all its keys among them.
  bool is_unique_key(std::string_view table, const std::set<std::string>& columns) const;
  const ViewModel* view(std::string_view name) const;
  // The table an index belongs to (or the materialized view), empty when unknown.
  std::string index_table(std::string_view index) const;
  // The default partition of a partitioned table, empty if it has none (or it is unknown).
  std::string default_partition(std::string_view table) const;
  // Whether a type name is a domain the migrations created (`domain` names it as
  // sql::qualified_name does); the columns declared with it, as `table.column`.
  bool is_domain(std::string_view domain) const;
  std::vector<std::string> columns_of_type(std::string_view type) const;
  // The views that read `table.column` (or all of `table`), sorted.
  std::vector<std::string> views_reading(std::string_view table, std::string_view column) const;

 private:
  void create_table(const sql::Node& stmt);
  void alter_unknown_table(const std::string& name, const sql::Node& stmt);
  void attach_partition(const std::string& parent, const std::string& partition,
                        const sql::Node& bound);
  void detach_partition(const std::string& partition);
  void alter_table(const sql::Node& stmt);
  void add_column(TableModel& table, const sql::Node& column_def);
  void add_constraint(std::string_view table_name, TableModel& table, const sql::Node& constraint);
  void create_index(const sql::Node& stmt);
  void create_view(const std::string& name, const sql::Node& query);
  void drop(const sql::Node& stmt);
  void drop_table(const std::string& name, bool cascade);
  void rename(const sql::Node& stmt);
  void drop_view(const std::string& name);

  UndoableMap<TableModel> tables_;
  UndoableMap<std::string> index_tables_;  // index -> its table
  UndoableMap<ViewModel> views_;
  UndoableMap<bool> domains_;  // the domains created, each mapped to true
  // Tables only altered, never created, in the SQL read: their checks and NOT NULL columns.
  UndoableMap<TableModel> constraints_only_;
};

// What a CHECK expression proves, as CheckBound values; empty when it is no AND of comparisons
// of a column with constants.
std::vector<CheckBound> check_bounds(const sql::Node& expression);
// A constant's text (`'2024-01-01'`, `42`, `-1.5`), through casts; empty for anything else.
std::string constant_text(const sql::Node& expression);
// Reads a PartitionBoundSpec node.
PartitionBound partition_bound(const sql::Node& spec);

}  // namespace mgate
