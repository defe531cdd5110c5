#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class RequireNotValid : public Rule {
 public:
  RuleInfo info() const override {
    return {"require-not-valid", Level::error,
            "A CHECK or FOREIGN KEY constraint added without NOT VALID scans the whole table "
            "under lock.",
            Risk::blocking};
  }

  std::vector<std::string_view> statement_types() const override { return {"AlterTableStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    for (const auto& [table, cmd] : context.alter_commands(statement, "AT_AddConstraint")) {
      sql::Node constraint = cmd["def"].as("Constraint");
      if (context.is_new(table) || constraint["skip_validation"].boolean()) continue;
      std::string_view type = constraint["contype"].str();
      std::string name(constraint["conname"].str());
      std::string named = name.empty() ? "" : fmt::format(" `{}`", name);
      std::string message;
      if (type == "CONSTR_CHECK") {
        message = fmt::format(
            "ADD CONSTRAINT{0} CHECK validates every row of `{1}` while holding an ACCESS "
            "EXCLUSIVE lock on it: every read and write of `{1}` waits for the full scan",
            named, table);
      } else if (type == "CONSTR_FOREIGN") {
        std::string target = sql::relation_name(constraint["pktable"]);
        message = fmt::format(
            "ADD CONSTRAINT{0} FOREIGN KEY checks every row of `{1}` against `{2}` while holding "
            "SHARE ROW EXCLUSIVE locks on both: every INSERT, UPDATE and DELETE on `{1}` and `{2}` "
            "waits for the full scan",
            named, table, target);
      } else {
        continue;
      }
      std::string validate =
          name.empty() ? "VALIDATE CONSTRAINT <name>" : "VALIDATE CONSTRAINT " + name;
      // PostgreSQL before 18 refuses NOT VALID foreign keys on a partitioned table (SQLSTATE
      // 42809); each partition can take one, and the parent's key then adopts them.
      if (type == "CONSTR_FOREIGN" && context.is_partitioned(table)) {
        out.flag(
            statement.span,
            message + fmt::format("; `{}` is partitioned, so it cannot be added NOT VALID", table),
            fmt::format("Add the foreign key NOT VALID to each partition of `{0}` and "
                        "VALIDATE it there in a later migration (SHARE UPDATE EXCLUSIVE: "
                        "traffic goes on); then add it to `{0}` itself, which adopts the "
                        "partitions' validated keys without scanning them again.",
                        table));
        continue;
      }
      std::optional<Fix> fix;
      if (context.alter(statement)->commands.size() == 1)
        fix = insert_at_end(statement, " NOT VALID", "Add the constraint NOT VALID");
      out.flag(
          statement.span, std::move(message),
          fmt::format("Add it NOT VALID (new rows are checked at once, the lock is brief), then "
                      "run ALTER TABLE {} {} in a later migration: validation takes only "
                      "SHARE UPDATE EXCLUSIVE, so reads and writes go on during the scan.",
                      table, validate),
          std::move(fix));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_require_not_valid_rule() {
  return std::make_unique<RequireNotValid>();
}

}  // namespace mgate
