#include "rules/schema_model.hpp"

#include <algorithm>

#include "sql/locks.hpp"

namespace mgate {
namespace {

// An index name in the same normalised form as relation names: it lives in its table's schema.
std::string index_name(const sql::Node& table_range_var, std::string_view name) {
  std::string schema(table_range_var["schemaname"].str());
  if (schema.empty() || schema == "public") return std::string(name);
  return schema + "." + std::string(name);
}

std::vector<std::string> names_of(const sql::Node& list) {
  std::vector<std::string> out;
  for (const sql::Node& item : list.items()) out.emplace_back(item.str());
  return out;
}

// The key columns of index elements (IndexElem): an expression is an empty name.
std::vector<std::string> index_keys(const sql::Node& params) {
  std::vector<std::string> out;
  for (const sql::Node& param : params.items()) {
    sql::Node elem = param.as("IndexElem");
    // EXCLUDE lists (IndexElem, operator) pairs.
    if (!elem) elem = param.as("List")["items"].at(0).as("IndexElem");
    out.emplace_back(elem["name"].str());
  }
  return out;
}

// For CHECK (col IS NOT NULL): col.
std::string not_null_column(const sql::Node& expression) {
  sql::Node test = expression.as("NullTest");
  if (test["nulltesttype"].str() != "IS_NOT_NULL") return "";
  std::vector<sql::Node> fields = test["arg"].as("ColumnRef")["fields"].items();
  return fields.size() == 1 ? std::string(fields[0].str()) : "";
}

bool modifiers_widen(const std::vector<int64_t>& from, const std::vector<int64_t>& to) {
  if (to.empty()) return true;
  return !from.empty() && to[0] >= from[0];
}

}  // namespace

std::string ColumnType::to_string() const {
  std::string out = name;
  if (!modifiers.empty()) {
    out += '(';
    for (std::size_t i = 0; i < modifiers.size(); ++i) {
      if (i) out += ',';
      out += std::to_string(modifiers[i]);
    }
    out += ')';
  }
  if (array) out += "[]";
  return out;
}

ColumnType column_type(const sql::Node& type_name) {
  ColumnType type;
  std::vector<sql::Node> names = type_name["names"].items();
  if (!names.empty()) type.name = std::string(names.back().str());
  for (const sql::Node& modifier : type_name["typmods"].items()) {
    type.modifiers.push_back(modifier.as("A_Const")["ival"]["ival"].integer());
  }
  type.array = type_name["arrayBounds"].size() > 0;
  return type;
}

bool binary_coercible(const ColumnType& from, const ColumnType& to) {
  if (from == to) return true;
  if (from.array || to.array) return false;
  const std::string& a = from.name;
  const std::string& b = to.name;
  if (b == "text") return a == "varchar";
  // text and an unbounded varchar share one representation.
  if (a == "text") return b == "varchar" && to.modifiers.empty();
  if (a != b) return false;
  if (a == "varchar" || a == "varbit" || a == "timestamp" || a == "timestamptz" || a == "time" ||
      a == "timetz") {
    return modifiers_widen(from.modifiers, to.modifiers);
  }
  if (a == "numeric") {
    // numeric(p) is numeric(p, 0); more digits are safe only when the scale stays the same.
    if (to.modifiers.empty()) return true;
    if (from.modifiers.empty()) return false;
    int64_t from_scale = from.modifiers.size() > 1 ? from.modifiers[1] : 0;
    int64_t to_scale = to.modifiers.size() > 1 ? to.modifiers[1] : 0;
    return to.modifiers[0] >= from.modifiers[0] && to_scale == from_scale;
  }
  return false;
}

void SchemaModel::apply(const sql::Statement& statement) {
  std::string_view type = statement.type();
  sql::Node stmt = statement.node.inner();
  if (type == "CreateStmt") {
    create_table(stmt);
  } else if (type == "AlterTableStmt") {
    alter_table(stmt);
  } else if (type == "IndexStmt") {
    create_index(stmt);
  } else if (type == "ViewStmt") {
    std::string name = sql::relation_name(stmt["view"]);
    drop_view(name);  // CREATE OR REPLACE VIEW
    create_view(name, stmt["query"]);
  } else if (type == "CreateTableAsStmt" && stmt["objtype"].str() == "OBJECT_MATVIEW") {
    create_view(sql::relation_name(stmt["into"]["rel"]), stmt["query"]);
  } else if (type == "DropStmt") {
    drop(stmt);
  } else if (type == "RenameStmt") {
    rename(stmt);
  }
}

void SchemaModel::create_table(const sql::Node& stmt) {
  std::string name = sql::relation_name(stmt["relation"]);
  TableModel& table = tables_[name];
  table = TableModel{};
  for (const sql::Node& element : stmt["tableElts"].items()) {
    if (sql::Node column = element.as("ColumnDef")) add_column(table, column);
    if (element.as("Constraint")) add_constraint(name, table, element);
  }
  for (const sql::Node& constraint : stmt["constraints"].items()) {
    add_constraint(name, table, constraint);
  }
}

void SchemaModel::add_column(TableModel& table, const sql::Node& column_def) {
  std::string column(column_def["colname"].str());
  table.columns[column] = mgate::column_type(column_def["typeName"]);
  for (const sql::Node& c : column_def["constraints"].items()) {
    sql::Node constraint = c.as("Constraint");
    std::string_view type = constraint["contype"].str();
    if (type == "CONSTR_PRIMARY" || type == "CONSTR_UNIQUE") {
      std::string name(constraint["conname"].str());
      table.indexes[name.empty() ? column + "#key" : name] = {column};
    } else if (type == "CONSTR_CHECK") {
      table.checks.push_back({std::string(constraint["conname"].str()),
                              !constraint["skip_validation"].boolean(),
                              not_null_column(constraint["raw_expr"])});
    }
  }
}

void SchemaModel::add_constraint(std::string_view table_name, TableModel& table,
                                 const sql::Node& node) {
  sql::Node constraint = node.as("Constraint");
  std::string_view type = constraint["contype"].str();
  std::string name(constraint["conname"].str());
  if (type == "CONSTR_CHECK") {
    table.checks.push_back(
        {name, !constraint["skip_validation"].boolean(), not_null_column(constraint["raw_expr"])});
    return;
  }
  std::vector<std::string> keys;
  if (type == "CONSTR_PRIMARY" || type == "CONSTR_UNIQUE") {
    keys = names_of(constraint["keys"]);
    if (std::string_view existing = constraint["indexname"].str(); !existing.empty()) {
      // ADD … USING INDEX: the index becomes the constraint's, under the constraint's name.
      std::string schema_part = table_name.find('.') == std::string_view::npos
                                    ? ""
                                    : std::string(table_name.substr(0, table_name.find('.') + 1));
      std::string index = schema_part + std::string(existing);
      if (auto it = table.indexes.find(index); it != table.indexes.end()) {
        keys = it->second;
        table.indexes.erase(it);
      }
      index_tables_.erase(index);
    }
  } else if (type == "CONSTR_EXCLUSION") {
    keys = index_keys(constraint["exclusions"]);
  } else {
    return;
  }
  if (name.empty()) name = std::string(table_name) + "#" + std::to_string(table.indexes.size());
  table.indexes[name] = keys;
  index_tables_[name] = std::string(table_name);
}

void SchemaModel::alter_table(const sql::Node& stmt) {
  if (stmt["objtype"].str() != "OBJECT_TABLE") return;
  std::string name = sql::relation_name(stmt["relation"]);
  auto it = tables_.find(name);
  if (it == tables_.end()) return;
  TableModel& table = it->second;
  for (const sql::Node& item : stmt["cmds"].items()) {
    sql::Node cmd = item.as("AlterTableCmd");
    std::string_view subtype = cmd["subtype"].str();
    std::string target(cmd["name"].str());
    if (subtype == "AT_AddColumn") {
      add_column(table, cmd["def"].as("ColumnDef"));
    } else if (subtype == "AT_DropColumn") {
      table.columns.erase(target);
      if (cmd["behavior"].str() == "DROP_CASCADE") {
        for (const std::string& view : views_reading(name, target)) drop_view(view);
      }
    } else if (subtype == "AT_AlterColumnType") {
      table.columns[target] = mgate::column_type(cmd["def"].as("ColumnDef")["typeName"]);
    } else if (subtype == "AT_AddConstraint") {
      add_constraint(name, table, cmd["def"]);
    } else if (subtype == "AT_ValidateConstraint") {
      for (CheckConstraint& check : table.checks) {
        if (check.name == target) check.validated = true;
      }
    } else if (subtype == "AT_DropConstraint") {
      std::erase_if(table.checks, [&](const CheckConstraint& c) { return c.name == target; });
      table.indexes.erase(target);
    }
  }
}

void SchemaModel::create_index(const sql::Node& stmt) {
  std::string table_name = sql::relation_name(stmt["relation"]);
  auto it = tables_.find(table_name);
  if (it == tables_.end()) return;
  std::string_view written = stmt["idxname"].str();
  std::string name = written.empty() ? table_name + "#" + std::to_string(it->second.indexes.size())
                                     : index_name(stmt["relation"], written);
  it->second.indexes[name] = index_keys(stmt["indexParams"]);
  index_tables_[name] = table_name;
}

void SchemaModel::create_view(const std::string& name, const sql::Node& query) {
  ViewModel view;
  std::map<std::string, std::string> tables_by_alias;
  query.walk([&](const sql::Node& node) {
    sql::Node range_var = node.as("RangeVar");
    if (!range_var) return;
    std::string table = sql::relation_name(range_var);
    if (!tables_.count(table)) return;
    view.tables.insert(table);
    std::string_view alias = range_var["alias"]["aliasname"].str();
    tables_by_alias[alias.empty() ? std::string(range_var["relname"].str()) : std::string(alias)] =
        table;
  });
  query.walk([&](const sql::Node& node) {
    std::vector<sql::Node> fields = node.as("ColumnRef")["fields"].items();
    if (fields.empty()) return;
    bool star = fields.back().is("A_Star");
    std::string column = star ? "*" : std::string(fields.back().str());
    if (fields.size() >= 2) {
      auto qualifier = tables_by_alias.find(std::string(fields[fields.size() - 2].str()));
      if (qualifier != tables_by_alias.end()) view.columns.insert(qualifier->second + "." + column);
      return;
    }
    // Unqualified: the column of whichever of the view's tables has it.
    for (const std::string& table : view.tables) {
      if (star || tables_.at(table).columns.count(column))
        view.columns.insert(table + "." + column);
    }
  });
  for (const std::string& table : view.tables) tables_.at(table).views.insert(name);
  views_[name] = std::move(view);
}

void SchemaModel::drop_view(const std::string& name) {
  auto it = views_.find(name);
  if (it == views_.end()) return;
  for (const std::string& table : it->second.tables) {
    if (auto t = tables_.find(table); t != tables_.end()) t->second.views.erase(name);
  }
  views_.erase(it);
}

void SchemaModel::drop(const sql::Node& stmt) {
  std::string_view type = stmt["removeType"].str();
  bool cascade = stmt["behavior"].str() == "DROP_CASCADE";
  for (const sql::Node& object : stmt["objects"].items()) {
    std::string name = sql::qualified_name(object);
    if (type == "OBJECT_TABLE") {
      auto it = tables_.find(name);
      if (it == tables_.end()) continue;
      for (const auto& [index, keys] : it->second.indexes) index_tables_.erase(index);
      if (cascade) {
        std::set<std::string> views = it->second.views;
        for (const std::string& view : views) drop_view(view);
      }
      tables_.erase(name);
    } else if (type == "OBJECT_INDEX") {
      auto it = index_tables_.find(name);
      if (it == index_tables_.end()) continue;
      if (auto t = tables_.find(it->second); t != tables_.end()) t->second.indexes.erase(name);
      index_tables_.erase(it);
    } else if (type == "OBJECT_VIEW" || type == "OBJECT_MATVIEW") {
      drop_view(name);
    }
  }
}

void SchemaModel::rename(const sql::Node& stmt) {
  std::string_view type = stmt["renameType"].str();
  std::string old_name = sql::relation_name(stmt["relation"]);
  std::string new_name = index_name(stmt["relation"], stmt["newname"].str());
  if (type == "OBJECT_COLUMN") {
    auto it = tables_.find(old_name);
    if (it == tables_.end()) return;
    TableModel& table = it->second;
    std::string from(stmt["subname"].str());
    std::string to(stmt["newname"].str());
    if (auto column = table.columns.extract(from)) {
      column.key() = to;
      table.columns.insert(std::move(column));
    }
    for (CheckConstraint& check : table.checks) {
      if (check.not_null_column == from) check.not_null_column = to;
    }
    for (auto& [index, keys] : table.indexes) std::replace(keys.begin(), keys.end(), from, to);
    for (const std::string& view : table.views) {
      std::set<std::string>& columns = views_.at(view).columns;
      if (columns.erase(old_name + "." + from)) columns.insert(old_name + "." + to);
    }
  } else if (type == "OBJECT_TABLE") {
    auto node = tables_.extract(old_name);
    if (!node) return;
    for (const auto& [index, keys] : node.mapped().indexes) index_tables_[index] = new_name;
    // Views follow a renamed table: PostgreSQL stores them by the table's oid.
    for (const std::string& view : node.mapped().views) {
      ViewModel& model = views_.at(view);
      model.tables.erase(old_name);
      model.tables.insert(new_name);
      std::set<std::string> columns;
      for (const std::string& column : model.columns) {
        bool ours = column.compare(0, old_name.size() + 1, old_name + ".") == 0;
        columns.insert(ours ? new_name + column.substr(old_name.size()) : column);
      }
      model.columns = std::move(columns);
    }
    node.key() = new_name;
    tables_.insert(std::move(node));
  } else if (type == "OBJECT_INDEX") {
    auto it = index_tables_.find(old_name);
    if (it == index_tables_.end()) return;
    std::string table = it->second;
    index_tables_.erase(it);
    index_tables_[new_name] = table;
    TableModel& model = tables_.at(table);
    if (auto keys = model.indexes.extract(old_name)) {
      keys.key() = new_name;
      model.indexes.insert(std::move(keys));
    }
  } else if (type == "OBJECT_VIEW" || type == "OBJECT_MATVIEW") {
    auto node = views_.extract(old_name);
    if (!node) return;
    for (const std::string& table : node.mapped().tables) {
      TableModel& model = tables_.at(table);
      model.views.erase(old_name);
      model.views.insert(new_name);
    }
    node.key() = new_name;
    views_.insert(std::move(node));
  }
}

const TableModel* SchemaModel::table(std::string_view name) const {
  auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : &it->second;
}

const ColumnType* SchemaModel::column_type(std::string_view table, std::string_view column) const {
  const TableModel* model = this->table(table);
  if (!model) return nullptr;
  auto it = model->columns.find(std::string(column));
  return it == model->columns.end() ? nullptr : &it->second;
}

std::optional<std::string> SchemaModel::validated_not_null_check(std::string_view table,
                                                                 std::string_view column) const {
  const TableModel* model = this->table(table);
  if (!model) return std::nullopt;
  for (const CheckConstraint& check : model->checks) {
    if (check.validated && check.not_null_column == column) return check.name;
  }
  return std::nullopt;
}

bool SchemaModel::has_index_leading(std::string_view table,
                                    const std::vector<std::string>& columns) const {
  const TableModel* model = this->table(table);
  if (!model || columns.empty()) return false;
  for (const auto& [name, keys] : model->indexes) {
    if (keys.size() < columns.size()) continue;
    std::vector<std::string> leading(keys.begin(), keys.begin() + columns.size());
    std::vector<std::string> wanted = columns;
    std::sort(leading.begin(), leading.end());
    std::sort(wanted.begin(), wanted.end());
    if (leading == wanted) return true;
  }
  return false;
}

std::vector<std::string> SchemaModel::views_reading(std::string_view table,
                                                    std::string_view column) const {
  std::vector<std::string> out;
  const TableModel* model = this->table(table);
  if (!model) return out;
  std::string prefix = std::string(table) + ".";
  for (const std::string& view : model->views) {
    const std::set<std::string>& columns = views_.at(view).columns;
    if (columns.count(prefix + std::string(column)) || columns.count(prefix + "*")) {
      out.push_back(view);
    }
  }
  return out;
}

}  // namespace mgate
