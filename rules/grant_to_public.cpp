#include <fmt/core.h>

#include <cctype>

#include "rules/rule.hpp"

namespace mgate {
namespace {

std::string privileges_of(const sql::Node& grant) {
  std::string out;
  for (const sql::Node& item : grant["privileges"].items()) {
    std::string name(item.as("AccessPriv")["priv_name"].str());
    for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    out += (out.empty() ? "" : ", ") + name;
  }
  return out.empty() ? "ALL PRIVILEGES" : out;  // an empty list is GRANT ALL
}

class GrantToPublic : public Rule {
 public:
  RuleInfo info() const override {
    return {"grant-to-public", Level::warning,
            "GRANT … TO PUBLIC gives the privilege to every role on the server, present and "
            "future.",
            Risk::security};
  }

  std::vector<std::string_view> statement_types() const override { return {"GrantStmt"}; }

  void check(const sql::Statement& statement, const LintContext&, RuleOutput& out) const override {
    sql::Node grant = statement.node.as("GrantStmt");
    if (!grant || !grant["is_grant"].boolean()) return;
    bool to_public = false;
    for (const sql::Node& grantee : grant["grantees"].items()) {
      to_public = to_public || grantee.as("RoleSpec")["roletype"].str() == "ROLESPEC_PUBLIC";
    }
    if (!to_public) return;
    out.flag(statement.span,
             fmt::format("GRANT {} … TO PUBLIC gives it to every role that can connect, "
                         "including roles created later for other applications, reporting "
                         "tools or contractors; PUBLIC cannot be left out of anyone",
                         privileges_of(grant)),
             "Grant to a named role that holds exactly the users that need it (GRANT … TO "
             "app_readers), and keep PUBLIC revoked.");
  }
};

}  // namespace

std::unique_ptr<Rule> make_grant_to_public_rule() {
  return std::make_unique<GrantToPublic>();
}

}  // namespace mgate
