#include <fmt/core.h>

#include "rules/rule.hpp"
#include "sql/lexer.hpp"

namespace mgate {
namespace {

class SecurityDefinerSearchPath : public Rule {
 public:
  RuleInfo info() const override {
    return {"security-definer-search-path", Level::error,
            "A SECURITY DEFINER function must fix its search_path with SET search_path.",
            Risk::security};
  }

  std::vector<std::string_view> statement_types() const override { return {"CreateFunctionStmt"}; }

  void check(const sql::Statement& statement, const LintContext&, RuleOutput& out) const override {
    sql::Node function = statement.node.as("CreateFunctionStmt");
    if (!function) return;
    bool definer = false;
    bool fixed_path = false;
    for (const sql::Node& option : function["options"].items()) {
      sql::Node def = option.as("DefElem");
      if (def["defname"].str() == "security") {
        definer = def["arg"].as("Boolean")["boolval"].boolean();
      } else if (def["defname"].str() == "set") {
        sql::Node set = def["arg"].as("VariableSetStmt");
        // SET search_path FROM CURRENT also fixes it, to the path at creation time.
        fixed_path =
            fixed_path || (set["name"].str() == "search_path" && set["kind"].str() != "VAR_RESET");
      }
    }
    if (!definer || fixed_path) return;
    std::vector<sql::Node> name = function["funcname"].items();
    std::string schema = name.size() >= 2 ? std::string(name[name.size() - 2].str()) : "public";
    std::string path = fmt::format(" SET search_path = {}, pg_temp", schema);
    // Right after SECURITY DEFINER (not a parameter named `definer`), so the diff shows the
    // clause it completes.
    std::string description = "Fix the function's search_path to its schema, with pg_temp last";
    std::optional<Fix> fix;
    std::size_t security = sql::find_keyword(statement.text, "SECURITY");
    std::size_t at = security == std::string_view::npos
                         ? security
                         : sql::find_keyword(statement.text, "DEFINER", security);
    if (at != std::string_view::npos) {
      std::size_t end = statement.span.begin + at + std::string_view("DEFINER").size();
      fix = Fix{description,
                {Edit{{statement.span.begin + at, end},
                      std::string(statement.text.substr(at, 7)) + path,
                      {},
                      {}}}};
    } else {
      fix = insert_at_end(statement, path, description);
    }
    out.flag(statement.span,
             fmt::format("SECURITY DEFINER function `{}` runs with its owner's rights but "
                         "resolves unqualified names through the caller's search_path: a caller "
                         "who can create objects in any schema on that path (or a temporary "
                         "table, pg_temp) can make it call their own function or read their own "
                         "table, with the owner's rights",
                         name.empty() ? "" : name.back().str()),
             fmt::format("Add{} to the function definition, and schema-qualify the names it "
                         "uses; revoke EXECUTE from PUBLIC if only some roles should call it.",
                         path),
             fix);
  }
};

}  // namespace

std::unique_ptr<Rule> make_security_definer_search_path_rule() {
  return std::make_unique<SecurityDefinerSearchPath>();
}

}  // namespace mgate
