#include <fmt/core.h>

#include <set>

#include "rules/rule.hpp"

namespace mgate {
namespace {

// The type a cast names, as sql::qualified_name names types.
std::string cast_type(const sql::Node& cast) {
  return sql::qualified_name(cast["typeName"]["names"]);
}

// The last part of a type name: column types keep only that.
std::string_view unqualified(std::string_view type) {
  std::size_t dot = type.rfind('.');
  return dot == std::string_view::npos ? type : type.substr(dot + 1);
}

std::string_view label_of(const sql::Node& expression) {
  return expression.as("A_Const")["sval"]["sval"].str();
}

// Finds uses of the enum values added in the open transaction in one statement: a string
// constant equal to a new label, read with the type it meets when the statement shows it (a
// cast, the column of a comparison, an UPDATE SET or INSERT target, a column DEFAULT) and the
// schema model knows that column; any other occurrence counts unless every table the statement
// names is known and none has a column of the enum type.
class EnumUse {
 public:
  EnumUse(const sql::Statement& statement, const LintContext& context)
      : statement_(statement), context_(context) {}

  const LintContext::AddedEnumValue* find() {
    // The statement's own table is a bare RangeVar; those of FROM lists are wrapped.
    if (sql::Node relation = statement_.node.inner()["relation"]) {
      tables_.push_back(sql::relation_name(relation));
    }
    statement_.node.walk([&](const sql::Node& node) {
      if (sql::Node range = node.as("RangeVar")) tables_.push_back(sql::relation_name(range));
    });
    statement_.node.walk([&](const sql::Node& node) { typed(node); });
    statement_.node.walk([&](const sql::Node& node) { untyped(node); });
    return found_;
  }

 private:
  const LintContext::AddedEnumValue* added(std::string_view label) const {
    for (const auto& value : context_.enum_values_in_transaction) {
      if (value.value == label) return &value;
    }
    return nullptr;
  }

  // The model's type of a column of one of the statement's tables (of `table` when given);
  // null when unknown.
  const ColumnType* column_type(std::string_view column, const std::string& table = "") const {
    if (!context_.schema) return nullptr;
    for (const std::string& candidate : tables_) {
      if (!table.empty() && candidate != table) continue;
      if (const ColumnType* type = context_.schema->column_type(candidate, column)) return type;
    }
    return nullptr;
  }

  // The constant meets a column (or a type) whose type is `type`, null when unknown.
  void meets(const sql::Node& constant, const ColumnType* type) {
    const LintContext::AddedEnumValue* value = added(label_of(constant));
    if (!value) return;
    seen_.insert(constant.location());
    if (!type || type->name == unqualified(value->type)) found_ = found_ ? found_ : value;
  }

  void typed(const sql::Node& node) {
    if (sql::Node cast = node.as("TypeCast")) {
      const LintContext::AddedEnumValue* value = added(label_of(cast["arg"]));
      if (!value) return;
      seen_.insert(cast["arg"].location());
      if (cast_type(cast) == value->type) found_ = found_ ? found_ : value;
    } else if (sql::Node expr = node.as("A_Expr")) {
      for (auto [column, constant] :
           {std::pair{expr["lexpr"], expr["rexpr"]}, std::pair{expr["rexpr"], expr["lexpr"]}}) {
        sql::NodeList fields = column.as("ColumnRef")["fields"].items();
        if (!fields.empty() && !label_of(constant).empty()) {
          meets(constant, column_type(fields.back().str()));
        }
      }
    } else if (sql::Node update = node.as("UpdateStmt")) {
      std::string table = sql::relation_name(update["relation"]);
      for (const sql::Node& target : update["targetList"].items()) {
        sql::Node set = target.as("ResTarget");
        if (!label_of(set["val"]).empty()) meets(set["val"], column_type(set["name"].str(), table));
      }
    } else if (sql::Node insert = node.as("InsertStmt")) {
      std::string table = sql::relation_name(insert["relation"]);
      sql::NodeList columns = insert["cols"].items();
      for (const sql::Node& row : insert["selectStmt"].as("SelectStmt")["valuesLists"].items()) {
        std::size_t i = 0;
        for (const sql::Node& value : row.as("List")["items"].items()) {
          if (!label_of(value).empty() && i < columns.size()) {
            meets(value, column_type(columns[i].as("ResTarget")["name"].str(), table));
          }
          ++i;
        }
      }
    } else if (sql::Node cmd = node.as("AlterTableCmd")) {
      if (cmd["subtype"].str() == "AT_ColumnDefault" && !label_of(cmd["def"]).empty()) {
        meets(cmd["def"], column_type(cmd["name"].str()));
      }
    }
  }

  void untyped(const sql::Node& node) {
    if (found_ || !node.is("A_Const") || seen_.count(node.location())) return;
    const LintContext::AddedEnumValue* value = added(label_of(node));
    if (!value) return;
    bool known = !tables_.empty() && context_.schema;
    bool enum_column = false;
    for (const std::string& table : tables_) {
      const TableModel* model = known ? context_.schema->table(table) : nullptr;
      if (!model) {
        known = false;
        break;
      }
      for (const auto& [column, type] : model->columns) {
        enum_column = enum_column || type.name == unqualified(value->type);
      }
    }
    if (!known || enum_column) found_ = value;
  }

  const sql::Statement& statement_;
  const LintContext& context_;
  std::vector<std::string> tables_;
  std::set<int64_t> seen_;  // locations of the constants read with their type
  const LintContext::AddedEnumValue* found_ = nullptr;
};

class NewEnumValueInTransaction : public Rule {
 public:
  RuleInfo info() const override {
    return {"new-enum-value-in-transaction", Level::error,
            "An enum value added with ALTER TYPE … ADD VALUE cannot be used before its "
            "transaction commits.",
            Risk::failure};
  }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    if (!context.in_transaction) return;
    sql::Node alter = statement.node.as("AlterEnumStmt");
    if (alter && alter["oldVal"].str().empty() && context.pg_version < 12) {
      out.flag(statement.span,
               fmt::format("ALTER TYPE `{}` ADD VALUE cannot run inside a transaction block "
                           "before PostgreSQL 12 (this set targets {}), and this migration runs "
                           "in one: it fails here with SQLSTATE 25001",
                           sql::qualified_name(alter["typeName"]), context.pg_version),
               "Put the ADD VALUE in a non-transactional migration of its own.");
      return;
    }
    if (context.enum_values_in_transaction.empty() || alter) return;
    const LintContext::AddedEnumValue* used = EnumUse(statement, context).find();
    if (!used) return;
    out.flag(statement.span,
             fmt::format("'{1}' was added to enum `{0}` earlier in this transaction, and "
                         "PostgreSQL refuses to use a new enum value before the transaction that "
                         "added it commits (\"unsafe use of new value\", SQLSTATE 55P04): the "
                         "migration fails here",
                         used->type, used->value),
             "Commit the ALTER TYPE … ADD VALUE first: move it to an earlier migration (or end "
             "the transaction after it), and use the value in a later one.");
  }
};

}  // namespace

std::unique_ptr<Rule> make_new_enum_value_in_transaction_rule() {
  return std::make_unique<NewEnumValueInTransaction>();
}

}  // namespace mgate
