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

struct CheckConstraint {
  std::string name;
  bool validated = false;
  std::string not_null_column;  // for CHECK (col IS NOT NULL): col
};

struct TableModel {
  std::map<std::string, ColumnType> columns;
  std::vector<CheckConstraint> checks;
  // The key columns of the table's indexes, primary key and unique constraints, by index name
  // (an expression is an empty name). A foreign key is served by one whose leading columns are
  // its own.
  std::map<std::string, std::vector<std::string>> indexes;
  std::set<std::string> views;  // views that read this table
};

struct ViewModel {
  // The columns the view reads, as `table.column`; `table.*` when it reads every column.
  std::set<std::string> columns;
  std::set<std::string> tables;
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

  const TableModel* table(std::string_view name) const;
  const ColumnType* column_type(std::string_view table, std::string_view column) const;
  // The name of a validated CHECK (column IS NOT NULL) on the table, if there is one.
  std::optional<std::string> validated_not_null_check(std::string_view table,
                                                      std::string_view column) const;
  // Whether an index, primary key or unique constraint of the table starts with `columns`
  // (in any order among those first positions).
  bool has_index_leading(std::string_view table, const std::vector<std::string>& columns) const;
  // The views that read `table.column` (or all of `table`), sorted.
  std::vector<std::string> views_reading(std::string_view table, std::string_view column) const;

 private:
  void create_table(const sql::Node& stmt);
  void alter_table(const sql::Node& stmt);
  void add_column(TableModel& table, const sql::Node& column_def);
  void add_constraint(std::string_view table_name, TableModel& table, const sql::Node& constraint);
  void create_index(const sql::Node& stmt);
  void create_view(const std::string& name, const sql::Node& query);
  void drop(const sql::Node& stmt);
  void rename(const sql::Node& stmt);
  void drop_view(const std::string& name);

  std::map<std::string, TableModel, std::less<>> tables_;
  std::map<std::string, std::string, std::less<>> index_tables_;  // index -> its table
  std::map<std::string, ViewModel, std::less<>> views_;
};

}  // namespace mgate
