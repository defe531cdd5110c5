#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "rules/rule.hpp"

namespace mgate {
namespace {

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& value : values) out += (out.empty() ? "" : ", ") + value;
  return out;
}

// The comparisons the table's validated CHECK constraints hold together.
std::vector<CheckBound> validated_bounds(const TableModel& table) {
  std::vector<CheckBound> out;
  for (const CheckConstraint& check : table.checks) {
    if (check.validated) out.insert(out.end(), check.bounds.begin(), check.bounds.end());
  }
  return out;
}

bool has(const std::vector<CheckBound>& bounds, const std::string& column, std::string_view op,
         const std::string& value) {
  return std::any_of(bounds.begin(), bounds.end(), [&](const CheckBound& b) {
    return b.column == column && b.op == op && b.values.size() == 1 && b.values[0] == value;
  });
}

// Whether the partition's constraints imply its bound on `column` the way PostgreSQL 15's proof
// does (checked on a server): `column >= from` (or `>`) and `column < to` for a range, `column
// IN (…)` or `= …` with values among the list's for a list, and for both the column NOT NULL
// (declared, or CHECK (column IS NOT NULL)) unless the list holds NULL: a CHECK lets NULL rows
// pass, a partition bound does not. MINVALUE and MAXVALUE ends need no comparison. Constants
// compare as written.
bool proves(const TableModel& table, const std::string& column, const PartitionBound& bound) {
  std::vector<CheckBound> bounds = validated_bounds(table);
  bool not_null = table.not_null.count(column) > 0 ||
                  std::any_of(bounds.begin(), bounds.end(), [&](const CheckBound& b) {
                    return b.column == column && b.op == "not null";
                  });
  if (bound.strategy == "range") {
    if (bound.from.size() != 1 || bound.to.size() != 1) return false;
    bool lower = bound.from[0].empty() || has(bounds, column, ">=", bound.from[0]) ||
                 has(bounds, column, ">", bound.from[0]);
    bool upper = bound.to[0].empty() || has(bounds, column, "<", bound.to[0]);
    return lower && upper && not_null;
  }
  if (bound.strategy == "list") {
    // NULL in the list is an empty value.
    bool takes_null = std::find(bound.in.begin(), bound.in.end(), "") != bound.in.end();
    if (!not_null && !takes_null) return false;
    return std::any_of(bounds.begin(), bounds.end(), [&](const CheckBound& b) {
      if (b.column != column || (b.op != "in" && b.op != "=")) return false;
      return std::all_of(b.values.begin(), b.values.end(), [&](const std::string& value) {
        return std::find(bound.in.begin(), bound.in.end(), value) != bound.in.end();
      });
    });
  }
  return false;
}

// The CHECK that lets ATTACH skip its scan, for a one-column range or list bound.
std::string proving_check(const std::string& column, bool not_null, const PartitionBound& bound) {
  std::vector<std::string> parts;
  if (!not_null) parts.push_back(column + " IS NOT NULL");
  if (bound.strategy == "range" && bound.from.size() == 1 && bound.to.size() == 1) {
    if (!bound.from[0].empty()) parts.push_back(fmt::format("{} >= {}", column, bound.from[0]));
    if (!bound.to[0].empty()) parts.push_back(fmt::format("{} < {}", column, bound.to[0]));
  } else if (bound.strategy == "list" &&
             std::find(bound.in.begin(), bound.in.end(), "") == bound.in.end()) {
    parts.push_back(fmt::format("{} IN ({})", column, joined(bound.in)));
  } else {
    return "";
  }
  std::string out;
  for (const std::string& part : parts) out += (out.empty() ? "" : " AND ") + part;
  return out;
}

class AttachPartitionWithoutCheck : public Rule {
 public:
  RuleInfo info() const override {
    return {"attach-partition-without-check", Level::error,
            "ATTACH PARTITION without a CHECK constraint that proves the bound scans the "
            "partition under an ACCESS EXCLUSIVE lock.",
            Risk::blocking};
  }

  std::vector<std::string_view> statement_types() const override { return {"AlterTableStmt"}; }

  void check(const sql::Statement& statement, const LintContext& context,
             RuleOutput& out) const override {
    for (const auto& [parent, cmd] : context.alter_commands(statement, "AT_AttachPartition")) {
      sql::Node partition_cmd = cmd["def"].as("PartitionCmd");
      std::string partition = sql::relation_name(partition_cmd["name"]);
      PartitionBound bound = partition_bound(partition_cmd["bound"]);
      const TableModel* parent_model = context.schema ? context.schema->table(parent) : nullptr;
      const TableModel* model = context.schema ? context.schema->constraints(partition) : nullptr;
      // The default partition is scanned for rows that belong to the new partition.
      std::string default_partition = context.schema && bound.strategy != "default"
                                          ? context.schema->default_partition(parent)
                                          : "";
      if (context.is_new(default_partition)) default_partition.clear();
      // The key's column; when the parent is unknown, whichever column a check bounds.
      std::set<std::string> columns;
      if (parent_model && parent_model->partition_key.size() == 1) {
        columns.insert(parent_model->partition_key[0]);
      } else if (!parent_model && model) {
        for (const CheckBound& b : validated_bounds(*model)) columns.insert(b.column);
      }
      columns.erase("");
      bool proved = model && std::any_of(columns.begin(), columns.end(),
                                         [&](const auto& c) { return proves(*model, c, bound); });
      bool scans_partition = !context.is_new(partition) && !proved;
      if (!scans_partition && default_partition.empty()) continue;
      std::vector<std::string> scanned;
      std::vector<std::string> remedies;
      if (scans_partition) {
        scanned.push_back(fmt::format("every row of `{}` to check it fits the bound", partition));
        std::string column = columns.size() == 1 ? *columns.begin() : "<key>";
        std::string check =
            proving_check(column, model && model->not_null.count(column) > 0, bound);
        remedies.push_back(
            check.empty()
                ? fmt::format("a {} bound can only be proved by a scan, so attach `{}` while it "
                              "is empty or unused",
                              bound.strategy, partition)
                : fmt::format("add ALTER TABLE {0} ADD CONSTRAINT {0}_bound CHECK ({1}) NOT "
                              "VALID, and VALIDATE CONSTRAINT {0}_bound in a later migration "
                              "(SHARE UPDATE EXCLUSIVE: traffic goes on), before attaching: "
                              "ATTACH then proves the bound from it without a scan",
                              partition, check));
      }
      if (!default_partition.empty()) {
        scanned.push_back(
            fmt::format("every row of the default partition `{}` to check none belongs to `{}`",
                        default_partition, partition));
        remedies.push_back(fmt::format(
            "give `{}` a validated CHECK constraint that excludes the new partition's values "
            "(NOT VALID, then VALIDATE), so PostgreSQL skips that scan",
            default_partition));
      }
      std::string locked = scans_partition ? "`" + partition + "`" : "";
      if (!default_partition.empty()) {
        locked += (locked.empty() ? "`" : " and `") + default_partition + "`";
      }
      std::string what = scanned[0] + (scanned.size() > 1 ? ", and " + scanned[1] : "");
      std::string help = remedies[0] + (remedies.size() > 1 ? "; and " + remedies[1] : "");
      help[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(help[0])));
      out.flag(statement.span,
               fmt::format("ATTACH PARTITION `{1}` to `{0}` reads {2} while holding ACCESS "
                           "EXCLUSIVE on {3} (and SHARE UPDATE EXCLUSIVE on `{0}`): every read "
                           "and write of {3} waits for the full scan",
                           parent, partition, what, locked),
               help + ".");
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_attach_partition_without_check_rule() {
  return std::make_unique<AttachPartitionWithoutCheck>();
}

}  // namespace mgate
