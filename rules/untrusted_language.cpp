#include <fmt/core.h>

#include <array>

#include "rules/rule.hpp"

namespace mgate {
namespace {

// The untrusted procedural languages shipped as extensions (the `u` suffix is PostgreSQL's
// convention for untrusted), and plsh, which runs shell scripts.
bool untrusted_extension(std::string_view name) {
  static constexpr std::array<std::string_view, 7> kNames = {
      "plperlu", "plpythonu", "plpython2u", "plpython3u", "pltclu", "plsh", "pljavau"};
  for (std::string_view known : kNames) {
    if (name == known) return true;
  }
  return false;
}

class UntrustedLanguage : public Rule {
 public:
  RuleInfo info() const override {
    return {"untrusted-language", Level::error,
            "An untrusted procedural language lets functions run arbitrary code on the server.",
            Risk::security};
  }

  std::vector<std::string_view> statement_types() const override {
    return {"CreateExtensionStmt", "CreatePLangStmt"};
  }

  void check(const sql::Statement& statement, const LintContext&, RuleOutput& out) const override {
    std::string language;
    if (sql::Node ext = statement.node.as("CreateExtensionStmt")) {
      if (untrusted_extension(ext["extname"].str())) language = ext["extname"].str();
    } else if (sql::Node lang = statement.node.as("CreatePLangStmt")) {
      if (!lang["pltrusted"].boolean()) language = lang["plname"].str();
    }
    if (language.empty()) return;
    out.flag(statement.span,
             fmt::format("`{}` is an untrusted language: its functions run with the operating-"
                         "system rights of the PostgreSQL server (files, network, processes), "
                         "outside every SQL permission check; whoever can create or replace "
                         "such a function owns the server",
                         language),
             "Write the function in SQL or PL/pgSQL, or a trusted language (plperl, pltcl, "
             "plv8); if an untrusted one is truly needed, install it once by the DBA, not in a "
             "migration, and revoke USAGE from everyone but a dedicated owner role.");
  }
};

}  // namespace

std::unique_ptr<Rule> make_untrusted_language_rule() {
  return std::make_unique<UntrustedLanguage>();
}

}  // namespace mgate
