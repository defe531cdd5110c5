#include <fmt/core.h>

#include "rules/rule.hpp"

namespace mgate {
namespace {

class TransactionLeftOpen : public Rule {
 public:
  RuleInfo info() const override {
    return {"transaction-left-open", Level::error,
            "A script that opens a transaction with BEGIN must end it with COMMIT.", Risk::failure};
  }

  std::vector<std::string_view> statement_types() const override { return {}; }

  void check(const sql::Statement&, const LintContext&, RuleOutput&) const override {}

  void finish(const LintContext& context, RuleOutput& out) const override {
    // In a migration its tool wraps in a transaction, the tool's COMMIT ends it (and the BEGIN
    // is a nested-transaction finding); only a script that runs on its own leaves it open.
    if (!context.explicit_transaction || context.plan->in_transaction) return;
    const sql::Statement& last = context.script->statements.back();
    out.flag(
        last.span,
        "the script ends inside the transaction its BEGIN opened: when the session closes "
        "PostgreSQL rolls everything back, or a tool that reuses the connection runs later "
        "work inside it while the locks taken so far stay held",
        "End the script with COMMIT.",
        insert_after_end(last, "\nCOMMIT;", "Commit the transaction at the end of the script"));
  }

 private:
  static Fix insert_after_end(const sql::Statement& last, std::string text,
                              std::string description) {
    std::size_t end = last.span.end;
    std::string_view body = last.text;
    // A statement without its semicolon needs one before the COMMIT.
    if (body.empty() || body.back() != ';') text = ";" + text;
    return Fix{std::move(description), {Edit{{end, end}, std::move(text), {}, {}}}};
  }
};

}  // namespace

std::unique_ptr<Rule> make_transaction_left_open_rule() {
  return std::make_unique<TransactionLeftOpen>();
}

}  // namespace mgate
