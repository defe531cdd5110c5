#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mgate {

// How a migration tool sends one script to PostgreSQL: its layout's rule, or what the script
// (or its configuration) declares. docs/layouts.md says which tool does what.
enum class Transaction {
  script,     // BEGIN, the statements, COMMIT: the script is one transaction
  query,      // the script as one query string: PostgreSQL runs several statements in one
              // implicit transaction, and a lone statement outside any (golang-migrate, Prisma)
  statement,  // one statement at a time, each committed on its own
  detect,     // Flyway: outside a transaction when a statement it knows cannot run in one,
              // else one transaction; a script that mixes both kinds is refused
};

// "per-migration", "per-query", "per-statement" or "detect".
std::string_view to_string(Transaction transaction);

// The Transaction a [migrations] transaction value names; "detect" is Flyway's and not one.
std::optional<Transaction> configurable_transaction(std::string_view name);

// Why the migration tool fails on a script because of how it sends it.
enum class Refusal {
  none,
  in_transaction,  // a statement that cannot run in a transaction block runs in one (25001)
  mixed,           // Flyway: statements that must run outside a transaction mixed with others
};

// How one script of a migration runs: decided once from its layout's rule and its statements
// (sql::ParsedSet), and read by every gate that needs it (lint, forward, rollback, integrity,
// locks, plans). None decides it again.
struct ExecutionPlan {
  Transaction transaction = Transaction::script;
  // Whether the statements run inside a transaction block, as the tool sends them.
  bool in_transaction = true;
  // The statements PostgreSQL refuses to run inside a transaction block, by index.
  std::vector<std::size_t> non_transactional;
  Refusal refusal = Refusal::none;
  std::optional<std::size_t> refused_at;  // the statement the refusal is about
  // How the layout runs this script outside a transaction (Layout::outside_transaction, with
  // the script's file name where the layout's words say "<script>").
  std::string outside_transaction;

  // What mgate runs: as the tool does, except that a script the tool refuses runs one statement
  // at a time, so that the migrations after it can still be checked.
  bool runs_in_transaction() const { return in_transaction && refusal == Refusal::none; }
};

}  // namespace mgate
