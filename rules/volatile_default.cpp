#include <fmt/core.h>

#include <algorithm>
#include <iterator>
#include <string_view>

#include "rules/rule.hpp"

namespace mgate {
namespace {

// Built-in and common extension functions that pg_proc marks VOLATILE, sorted.
constexpr std::string_view kVolatileFunctions[] = {
#include "rules/volatile_functions.inc"
};

bool is_volatile(std::string_view function) {
  return std::binary_search(std::begin(kVolatileFunctions), std::end(kVolatileFunctions), function);
}

// The first volatile function called anywhere in the expression, if any.
std::string volatile_call(const sql::Node& expression) {
  std::string found;
  expression.walk([&](const sql::Node& node) {
    if (!found.empty()) return;
    std::vector<sql::Node> name = node.as("FuncCall")["funcname"].items();
    if (!name.empty() && is_volatile(name.back().str())) found = name.back().str();
  });
  return found;
}

class VolatileDefault : public Rule {
 public:
  RuleInfo info() const override {
    return {"volatile-default", Level::error,
            "A column added with a volatile DEFAULT (before PostgreSQL 11: any DEFAULT) rewrites "
            "the whole table under an ACCESS EXCLUSIVE lock.",
            Risk::blocking};
  }

  std::vector<std::string_view> statement_types() const override { return {"AlterTableStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    for (const auto& [table, cmd] : context.alter_commands(statement, "AT_AddColumn")) {
      if (context.is_new(table)) continue;
      sql::Node column = cmd["def"].as("ColumnDef");
      for (const sql::Node& c : column["constraints"].items()) {
        sql::Node constraint = c.as("Constraint");
        if (constraint["contype"].str() != "CONSTR_DEFAULT") continue;
        std::string function = volatile_call(constraint["raw_expr"]);
        if (function.empty() && context.pg_version < 11 &&
            !constraint["raw_expr"].as("A_Const")["isnull"].boolean()) {
          out.flag(statement.span,
                   fmt::format("Before PostgreSQL 11 (this set targets {2}), ADD COLUMN `{1}` "
                               "with any DEFAULT writes the value into every row: PostgreSQL "
                               "rewrites all of `{0}` and rebuilds its indexes under an ACCESS "
                               "EXCLUSIVE lock, blocking every read and write of `{0}` meanwhile",
                               table, column["colname"].str(), context.pg_version),
                   "Add the column without a default, set the default in a separate ALTER "
                   "COLUMN … SET DEFAULT (new rows only), and backfill existing rows in "
                   "batches; or upgrade to PostgreSQL 11+, which stores a constant default in "
                   "the catalog without a rewrite.");
          continue;
        }
        if (function.empty()) continue;
        out.flag(
            statement.span,
            fmt::format("ADD COLUMN `{1}` with DEFAULT {2}(), a volatile function, must compute "
                        "a value per row: PostgreSQL rewrites all of `{0}` and rebuilds its "
                        "indexes under an ACCESS EXCLUSIVE lock, blocking every read and "
                        "write of `{0}` meanwhile",
                        table, column["colname"].str(), function),
            fmt::format("Add the column without a default (or with a constant one), set the "
                        "default in a separate ALTER COLUMN … SET DEFAULT {}() (affects new "
                        "rows only), and backfill existing rows in batches.",
                        function));
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_volatile_default_rule() {
  return std::make_unique<VolatileDefault>();
}

}  // namespace mgate
