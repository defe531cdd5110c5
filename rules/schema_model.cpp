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

std::string column_of(const sql::Node& expression) {
  sql::NodeList fields = expression.as("ColumnRef")["fields"].items();
  return fields.size() == 1 ? std::string(fields.front().str()) : "";
}

// The operator that holds with the operands swapped: `5 < col` is `col > 5`.
std::string_view mirrored(std::string_view op) {
  if (op == "<") return ">";
  if (op == "<=") return ">=";
  if (op == ">") return "<";
  if (op == ">=") return "<=";
  return op;
}

void add_bounds(const sql::Node& expression, std::vector<CheckBound>& out) {
  if (sql::Node both = expression.as("BoolExpr")) {
    if (both["boolop"].str() != "AND_EXPR") return;
    for (const sql::Node& arg : both["args"].items()) add_bounds(arg, out);
    return;
  }
  if (sql::Node test = expression.as("NullTest")) {
    std::string column = column_of(test["arg"]);
    if (!column.empty() && test["nulltesttype"].str() == "IS_NOT_NULL") {
      out.push_back({column, "not null", {}});
    }
    return;
  }
  sql::Node expr = expression.as("A_Expr");
  std::string_view kind = expr["kind"].str();
  std::string_view op = expr["name"].items().back().str();
  if (kind == "AEXPR_OP") {
    std::string column = column_of(expr["lexpr"]);
    std::string value = constant_text(expr["rexpr"]);
    if (column.empty()) {
      column = column_of(expr["rexpr"]);
      value = constant_text(expr["lexpr"]);
      op = mirrored(op);
    }
    if (column.empty() || value.empty()) return;
    if (op == ">=" || op == ">" || op == "<" || op == "<=" || op == "=") {
      out.push_back({column, std::string(op), {value}});
    }
  } else if (kind == "AEXPR_IN" && op == "=") {
    CheckBound bound{column_of(expr["lexpr"]), "in", {}};
    for (const sql::Node& item : expr["rexpr"].as("List")["items"].items()) {
      std::string value = constant_text(item);
      if (value.empty()) return;
      bound.values.push_back(value);
    }
    if (!bound.column.empty() && !bound.values.empty()) out.push_back(std::move(bound));
  } else if (kind == "AEXPR_BETWEEN") {
    std::string column = column_of(expr["lexpr"]);
    sql::NodeList range = expr["rexpr"].as("List")["items"].items();
    if (column.empty() || range.size() != 2) return;
    std::string low = constant_text(range[0]);
    std::string high = constant_text(range[1]);
    if (low.empty() || high.empty()) return;
    out.push_back({column, ">=", {low}});
    out.push_back({column, "<=", {high}});
  }
}

}  // namespace

std::string constant_text(const sql::Node& expression) {
  if (sql::Node cast = expression.as("TypeCast")) return constant_text(cast["arg"]);
  sql::Node constant = expression.as("A_Const");
  if (!constant) return "";
  if (sql::Node text = constant["sval"]) {
    std::string out = "'";
    for (char c : text["sval"].str()) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
  }
  if (sql::Node number = constant["fval"]) return std::string(number["fval"].str());
  if (sql::Node boolean = constant["boolval"]) {
    return boolean["boolval"].boolean() ? "true" : "false";
  }
  if (constant["isnull"].boolean()) return "";
  // libpg_query writes the integer 0 as an empty object.
  return std::to_string(constant["ival"]["ival"].integer());
}

std::vector<CheckBound> check_bounds(const sql::Node& expression) {
  std::vector<CheckBound> out;
  add_bounds(expression, out);
  return out;
}

PartitionBound partition_bound(const sql::Node& spec) {
  PartitionBound bound;
  if (spec["is_default"].boolean()) {
    bound.strategy = "default";
    return bound;
  }
  std::string_view strategy = spec["strategy"].str();
  bound.strategy = strategy == "r" ? "range" : strategy == "l" ? "list" : "hash";
  auto values = [](const sql::Node& list) {
    std::vector<std::string> out;
    for (const sql::Node& datum : list.items()) out.push_back(constant_text(datum));
    return out;
  };
  bound.from = values(spec["lowerdatums"]);
  bound.to = values(spec["upperdatums"]);
  bound.in = values(spec["listdatums"]);
  return bound;
}

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
    std::string name = sql::relation_name(stmt["into"]["rel"]);
    create_view(name, stmt["query"]);
    ViewModel& view = *views_.edit(name);
    view.materialized = true;
    view.populated = !stmt["into"]["skipData"].boolean();
  } else if (type == "RefreshMatViewStmt") {
    if (ViewModel* view = views_.edit(sql::relation_name(stmt["relation"])))
      view->populated = !stmt["skipData"].boolean();
  } else if (type == "CreateDomainStmt") {
    domains_.put(sql::qualified_name(stmt["domainname"])) = true;
  } else if (type == "DropStmt") {
    drop(stmt);
  } else if (type == "RenameStmt") {
    rename(stmt);
  }
}

void SchemaModel::create_table(const sql::Node& stmt) {
  std::string name = sql::relation_name(stmt["relation"]);
  constraints_only_.erase(name);
  TableModel& table = tables_.put(name);
  table = TableModel{};
  if (sql::Node spec = stmt["partspec"]) {
    table.partition_strategy = std::string(spec["strategy"].str());
    for (const sql::Node& element : spec["partParams"].items()) {
      table.partition_key.emplace_back(element.as("PartitionElem")["name"].str());
    }
  }
  if (stmt["partbound"]) {
    std::string parent = sql::relation_name(stmt["inhRelations"].items().front().as("RangeVar"));
    if (const TableModel* model = tables_.find(parent)) {
      table.columns = model->columns;
      table.not_null = model->not_null;
    }
    attach_partition(parent, name, stmt["partbound"]);
  }
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
    if (type == "CONSTR_NOTNULL" || type == "CONSTR_PRIMARY") table.not_null.insert(column);
    if (type == "CONSTR_PRIMARY" || type == "CONSTR_UNIQUE") {
      std::string name(constraint["conname"].str());
      table.indexes[name.empty() ? column + "#key" : name] = {{column}, true};
    } else if (type == "CONSTR_CHECK") {
      table.checks.push_back(
          {std::string(constraint["conname"].str()), !constraint["skip_validation"].boolean(),
           not_null_column(constraint["raw_expr"]), check_bounds(constraint["raw_expr"])});
    }
  }
}

void SchemaModel::add_constraint(std::string_view table_name, TableModel& table,
                                 const sql::Node& node) {
  sql::Node constraint = node.as("Constraint");
  std::string_view type = constraint["contype"].str();
  std::string name(constraint["conname"].str());
  if (type == "CONSTR_CHECK") {
    table.checks.push_back({name, !constraint["skip_validation"].boolean(),
                            not_null_column(constraint["raw_expr"]),
                            check_bounds(constraint["raw_expr"])});
    return;
  }
  IndexModel index;
  std::vector<std::string>& keys = index.keys;
  if (type == "CONSTR_PRIMARY" || type == "CONSTR_UNIQUE") {
    index.unique = true;
    keys = names_of(constraint["keys"]);
    if (type == "CONSTR_PRIMARY") table.not_null.insert(keys.begin(), keys.end());
    if (std::string_view existing = constraint["indexname"].str(); !existing.empty()) {
      // ADD … USING INDEX: the index becomes the constraint's, under the constraint's name.
      std::string schema_part = table_name.find('.') == std::string_view::npos
                                    ? ""
                                    : std::string(table_name.substr(0, table_name.find('.') + 1));
      std::string existing_index = schema_part + std::string(existing);
      if (auto it = table.indexes.find(existing_index); it != table.indexes.end()) {
        keys = it->second.keys;
        table.indexes.erase(it);
      }
      index_tables_.erase(existing_index);
    }
  } else if (type == "CONSTR_EXCLUSION") {
    keys = index_keys(constraint["exclusions"]);
  } else {
    return;
  }
  if (name.empty()) name = std::string(table_name) + "#" + std::to_string(table.indexes.size());
  table.indexes[name] = std::move(index);
  index_tables_.put(name) = std::string(table_name);
}

void SchemaModel::alter_table(const sql::Node& stmt) {
  if (stmt["objtype"].str() != "OBJECT_TABLE") return;
  std::string name = sql::relation_name(stmt["relation"]);
  TableModel* changed = tables_.edit(name);
  if (!changed) {
    alter_unknown_table(name, stmt);
    return;
  }
  TableModel& table = *changed;
  for (const sql::Node& item : stmt["cmds"].items()) {
    sql::Node cmd = item.as("AlterTableCmd");
    std::string_view subtype = cmd["subtype"].str();
    std::string target(cmd["name"].str());
    if (subtype == "AT_AddColumn") {
      add_column(table, cmd["def"].as("ColumnDef"));
    } else if (subtype == "AT_SetNotNull") {
      table.not_null.insert(target);
    } else if (subtype == "AT_DropNotNull") {
      table.not_null.erase(target);
    } else if (subtype == "AT_DropColumn") {
      table.columns.erase(target);
      table.not_null.erase(target);
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
    } else if (subtype == "AT_AttachPartition") {
      sql::Node partition = cmd["def"].as("PartitionCmd");
      attach_partition(name, sql::relation_name(partition["name"]), partition["bound"]);
    } else if (subtype == "AT_DetachPartition") {
      detach_partition(sql::relation_name(cmd["def"].as("PartitionCmd")["name"]));
    }
  }
}

void SchemaModel::alter_unknown_table(const std::string& name, const sql::Node& stmt) {
  for (const sql::Node& item : stmt["cmds"].items()) {
    sql::Node cmd = item.as("AlterTableCmd");
    std::string_view subtype = cmd["subtype"].str();
    bool check = subtype == "AT_AddConstraint" &&
                 cmd["def"].as("Constraint")["contype"].str() == "CONSTR_CHECK";
    if (!check && subtype != "AT_ValidateConstraint" && subtype != "AT_DropConstraint" &&
        subtype != "AT_SetNotNull" && subtype != "AT_DropNotNull") {
      continue;
    }
    TableModel& table = constraints_only_.put(name);
    std::string target(cmd["name"].str());
    if (check) {
      add_constraint(name, table, cmd["def"]);
    } else if (subtype == "AT_ValidateConstraint") {
      for (CheckConstraint& check : table.checks) {
        if (check.name == target) check.validated = true;
      }
    } else if (subtype == "AT_DropConstraint") {
      std::erase_if(table.checks, [&](const CheckConstraint& c) { return c.name == target; });
    } else if (subtype == "AT_SetNotNull") {
      table.not_null.insert(target);
    } else if (subtype == "AT_DropNotNull") {
      table.not_null.erase(target);
    }
  }
}

void SchemaModel::attach_partition(const std::string& parent, const std::string& partition,
                                   const sql::Node& bound) {
  TableModel* child = tables_.edit(partition);
  if (!child) return;
  child->parent = parent;
  child->bound = partition_bound(bound);
  if (TableModel* model = tables_.edit(parent)) model->partitions.insert(partition);
}

void SchemaModel::detach_partition(const std::string& partition) {
  TableModel* child = tables_.edit(partition);
  if (!child) return;
  if (TableModel* model = tables_.edit(child->parent)) model->partitions.erase(partition);
  child->parent.clear();
  child->bound = {};
}

void SchemaModel::create_index(const sql::Node& stmt) {
  std::string table_name = sql::relation_name(stmt["relation"]);
  std::string_view written = stmt["idxname"].str();
  IndexModel index{index_keys(stmt["indexParams"]),
                   stmt["unique"].boolean() && !stmt["whereClause"]};
  TableModel* table = tables_.edit(table_name);
  if (!table) {
    const ViewModel* view = views_.find(table_name);
    if (!view || !view->materialized) return;
    std::string name = written.empty() ? table_name + "#" + std::to_string(index_tables_.size())
                                       : index_name(stmt["relation"], written);
    bool plain_columns = std::find(index.keys.begin(), index.keys.end(), "") == index.keys.end();
    if (index.unique && plain_columns) views_.edit(table_name)->refresh_keys.insert(name);
    index_tables_.put(name) = table_name;
    return;
  }
  std::string name = written.empty() ? table_name + "#" + std::to_string(table->indexes.size())
                                     : index_name(stmt["relation"], written);
  table->indexes[name] = std::move(index);
  index_tables_.put(name) = table_name;
}

void SchemaModel::create_view(const std::string& name, const sql::Node& query) {
  ViewModel view;
  std::map<std::string, std::string> tables_by_alias;
  query.walk([&](const sql::Node& node) {
    sql::Node range_var = node.as("RangeVar");
    if (!range_var) return;
    std::string table = sql::relation_name(range_var);
    if (!tables_.contains(table)) return;
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
      if (star || tables_.find(table)->columns.count(column))
        view.columns.insert(table + "." + column);
    }
  });
  for (const std::string& table : view.tables) tables_.edit(table)->views.insert(name);
  views_.put(name) = std::move(view);
}

void SchemaModel::drop_table(const std::string& name, bool cascade) {
  constraints_only_.erase(name);
  const TableModel* table = tables_.find(name);
  if (!table) return;
  // A partitioned table takes its partitions with it.
  std::set<std::string> partitions = table->partitions;
  for (const std::string& partition : partitions) drop_table(partition, cascade);
  table = tables_.find(name);
  for (const auto& [index, keys] : table->indexes) index_tables_.erase(index);
  if (cascade) {
    std::set<std::string> views = table->views;
    for (const std::string& view : views) drop_view(view);
  }
  if (TableModel* parent = tables_.edit(tables_.find(name)->parent)) parent->partitions.erase(name);
  tables_.erase(name);
}

void SchemaModel::drop_view(const std::string& name) {
  const ViewModel* view = views_.find(name);
  if (!view) return;
  for (const std::string& table : view->tables) {
    if (TableModel* model = tables_.edit(table)) model->views.erase(name);
  }
  views_.erase(name);
}

void SchemaModel::drop(const sql::Node& stmt) {
  std::string_view type = stmt["removeType"].str();
  bool cascade = stmt["behavior"].str() == "DROP_CASCADE";
  for (const sql::Node& object : stmt["objects"].items()) {
    std::string name = sql::qualified_name(object);
    if (type == "OBJECT_TABLE") {
      drop_table(name, cascade);
    } else if (type == "OBJECT_INDEX") {
      std::optional<std::string> table = index_tables_.take(name);
      if (!table) continue;
      if (TableModel* model = tables_.edit(*table)) model->indexes.erase(name);
      if (ViewModel* view = views_.edit(*table)) view->refresh_keys.erase(name);
    } else if (type == "OBJECT_VIEW" || type == "OBJECT_MATVIEW") {
      drop_view(name);
    } else if (type == "OBJECT_DOMAIN") {
      domains_.erase(sql::qualified_name(object.as("TypeName")["names"]));
    }
  }
}

void SchemaModel::rename(const sql::Node& stmt) {
  std::string_view type = stmt["renameType"].str();
  std::string old_name = sql::relation_name(stmt["relation"]);
  std::string new_name = index_name(stmt["relation"], stmt["newname"].str());
  if (type == "OBJECT_COLUMN") {
    TableModel* changed = tables_.edit(old_name);
    if (!changed) return;
    TableModel& table = *changed;
    std::string from(stmt["subname"].str());
    std::string to(stmt["newname"].str());
    if (auto column = table.columns.extract(from)) {
      column.key() = to;
      table.columns.insert(std::move(column));
    }
    if (table.not_null.erase(from)) table.not_null.insert(to);
    for (CheckConstraint& check : table.checks) {
      if (check.not_null_column == from) check.not_null_column = to;
    }
    for (auto& [index, model] : table.indexes) {
      std::replace(model.keys.begin(), model.keys.end(), from, to);
    }
    std::replace(table.partition_key.begin(), table.partition_key.end(), from, to);
    for (CheckConstraint& check : table.checks) {
      for (CheckBound& bound : check.bounds) {
        if (bound.column == from) bound.column = to;
      }
    }
    for (const std::string& view : table.views) {
      std::set<std::string>& columns = views_.edit(view)->columns;
      if (columns.erase(old_name + "." + from)) columns.insert(old_name + "." + to);
    }
  } else if (type == "OBJECT_TABLE") {
    if (std::optional<TableModel> partial = constraints_only_.take(old_name))
      constraints_only_.put(new_name) = std::move(*partial);
    std::optional<TableModel> renamed = tables_.take(old_name);
    if (!renamed) return;
    for (const auto& [index, keys] : renamed->indexes) index_tables_.put(index) = new_name;
    for (const std::string& partition : renamed->partitions) {
      if (TableModel* model = tables_.edit(partition)) model->parent = new_name;
    }
    if (TableModel* parent = tables_.edit(renamed->parent)) {
      parent->partitions.erase(old_name);
      parent->partitions.insert(new_name);
    }
    // Views follow a renamed table: PostgreSQL stores them by the table's oid.
    for (const std::string& view : renamed->views) {
      ViewModel& model = *views_.edit(view);
      model.tables.erase(old_name);
      model.tables.insert(new_name);
      std::set<std::string> columns;
      for (const std::string& column : model.columns) {
        bool ours = column.compare(0, old_name.size() + 1, old_name + ".") == 0;
        columns.insert(ours ? new_name + column.substr(old_name.size()) : column);
      }
      model.columns = std::move(columns);
    }
    tables_.put(new_name) = std::move(*renamed);
  } else if (type == "OBJECT_INDEX") {
    std::optional<std::string> table = index_tables_.take(old_name);
    if (!table) return;
    index_tables_.put(new_name) = *table;
    if (TableModel* model = tables_.edit(*table)) {
      if (auto keys = model->indexes.extract(old_name)) {
        keys.key() = new_name;
        model->indexes.insert(std::move(keys));
      }
    } else if (ViewModel* view = views_.edit(*table)) {
      if (view->refresh_keys.erase(old_name)) view->refresh_keys.insert(new_name);
    }
  } else if (type == "OBJECT_VIEW" || type == "OBJECT_MATVIEW") {
    std::optional<ViewModel> renamed = views_.take(old_name);
    if (!renamed) return;
    for (const std::string& table : renamed->tables) {
      TableModel& model = *tables_.edit(table);
      model.views.erase(old_name);
      model.views.insert(new_name);
    }
    views_.put(new_name) = std::move(*renamed);
  }
}

void SchemaModel::record() {
  tables_.record();
  index_tables_.record();
  views_.record();
  domains_.record();
  constraints_only_.record();
}

void SchemaModel::undo() {
  tables_.undo();
  index_tables_.undo();
  views_.undo();
  domains_.undo();
  constraints_only_.undo();
}

const TableModel* SchemaModel::table(std::string_view name) const {
  return tables_.find(name);
}

const ColumnType* SchemaModel::column_type(std::string_view table, std::string_view column) const {
  const TableModel* model = this->table(table);
  if (!model) return nullptr;
  auto it = model->columns.find(std::string(column));
  return it == model->columns.end() ? nullptr : &it->second;
}

const TableModel* SchemaModel::constraints(std::string_view table) const {
  if (const TableModel* model = this->table(table)) return model;
  return constraints_only_.find(table);
}

std::optional<std::string> SchemaModel::validated_not_null_check(std::string_view table,
                                                                 std::string_view column) const {
  const TableModel* model = constraints(table);
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
  // An index of a partitioned table has one on each of its partitions.
  if (!model->parent.empty() && has_index_leading(model->parent, columns)) return true;
  for (const auto& [name, index] : model->indexes) {
    const std::vector<std::string>& keys = index.keys;
    if (keys.size() < columns.size()) continue;
    std::vector<std::string> leading(keys.begin(), keys.begin() + columns.size());
    std::vector<std::string> wanted = columns;
    std::sort(leading.begin(), leading.end());
    std::sort(wanted.begin(), wanted.end());
    if (leading == wanted) return true;
  }
  return false;
}

bool SchemaModel::is_unique_key(std::string_view table,
                                const std::set<std::string>& columns) const {
  const TableModel* model = this->table(table);
  if (!model) return false;
  for (const auto& [name, index] : model->indexes) {
    if (!index.unique || index.keys.empty()) continue;
    bool covered = std::all_of(index.keys.begin(), index.keys.end(),
                               [&](const std::string& key) { return columns.count(key) > 0; });
    if (covered) return true;
  }
  return false;
}

const ViewModel* SchemaModel::view(std::string_view name) const {
  return views_.find(name);
}

std::string SchemaModel::index_table(std::string_view index) const {
  const std::string* table = index_tables_.find(index);
  return table ? *table : "";
}

std::string SchemaModel::default_partition(std::string_view table) const {
  const TableModel* model = this->table(table);
  if (!model) return "";
  for (const std::string& partition : model->partitions) {
    const TableModel* child = this->table(partition);
    if (child && child->bound.strategy == "default") return partition;
  }
  return "";
}

bool SchemaModel::is_domain(std::string_view domain) const {
  return domains_.contains(domain);
}

std::vector<std::string> SchemaModel::columns_of_type(std::string_view type) const {
  // Column types keep the type's last name part only.
  std::string_view name =
      type.substr(type.rfind('.') == std::string_view::npos ? 0 : type.rfind('.') + 1);
  std::vector<std::string> out;
  for (const auto& [table, model] : tables_.all()) {
    // A partition's columns are its parent's: report the parent once.
    if (!model.parent.empty()) continue;
    for (const auto& [column, column_type] : model.columns) {
      if (column_type.name == name) out.push_back(table + "." + column);
    }
  }
  return out;
}

std::vector<std::string> SchemaModel::views_reading(std::string_view table,
                                                    std::string_view column) const {
  std::vector<std::string> out;
  const TableModel* model = this->table(table);
  if (!model) return out;
  std::string prefix = std::string(table) + ".";
  for (const std::string& view : model->views) {
    const std::set<std::string>& columns = views_.find(view)->columns;
    if (columns.count(prefix + std::string(column)) || columns.count(prefix + "*")) {
      out.push_back(view);
    }
  }
  return out;
}

}  // namespace mgate
