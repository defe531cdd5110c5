#pragma once
// Reports built by hand for the writer tests: no discovery, parsing or gates involved.
#include <chrono>
#include <string>

#include "core/report.hpp"

namespace mgate::sample {

inline Location at(std::string file, int line, int column, int end_line, int end_column) {
  return {std::move(file), {line, column}, {end_line, end_column}};
}

inline GateResult gate(std::string name, GateStatus status = GateStatus::pass, int ms = 0) {
  GateResult result;
  result.gate = std::move(name);
  result.status = status;
  result.duration = std::chrono::milliseconds(ms);
  return result;
}

inline Finding concurrent_index_finding() {
  Finding f;
  f.rule = "require-concurrent-index";
  f.gate = "lint";
  f.level = Level::error;
  f.message = "CREATE INDEX blocks writes to `orders` while the index builds";
  f.help = "build it with CREATE INDEX CONCURRENTLY";
  f.location = at("db/002_add_orders.up.sql", 4, 1, 4, 38);
  f.migration = "002";
  f.evidence = {{"table", "orders"}};
  Edit edit;
  edit.span = {40, 52};
  edit.replacement = "CREATE INDEX CONCURRENTLY";
  edit.location = at("db/002_add_orders.up.sql", 4, 1, 4, 13);
  edit.original = "CREATE INDEX";
  f.fix = Fix{"Build the index with CONCURRENTLY", {edit}};
  return f;
}

inline Finding missing_down_finding() {
  Finding f;
  f.rule = "missing-down";
  f.gate = "naming";
  f.level = Level::warning;
  f.message = "migration 002 has no down migration";
  f.help = "add db/002_add_orders.down.sql";
  f.migration = "002";
  return f;
}

inline Finding unicode_finding() {
  Finding f;
  f.rule = "prefer-text";
  f.gate = "lint";
  f.level = Level::note;
  f.message = "column `naïve_😀` is varchar(20)";
  f.help = "use text with a CHECK constraint";
  f.location = at("db/001_créer users.up.sql", 2, 5, 2, 25);
  f.migration = "001";
  return f;
}

inline Report small_report() {
  Report report;
  report.tool_version = "1.2.3";
  report.root = "/srv/app";
  report.postgres = PostgresInfo{"local", "15.4"};
  report.migrations = {
      {"001", "créer users", "db/001_créer users.up.sql", "db/001_créer users.down.sql", true},
      {"002", "add_orders", "db/002_add_orders.up.sql", "", true},
  };
  GateResult naming = gate("naming", GateStatus::pass, 3);
  naming.findings.push_back(missing_down_finding());
  GateResult lint = gate("lint", GateStatus::fail, 12);
  lint.metrics = {{"statements", 7}};
  lint.findings.push_back(unicode_finding());
  lint.findings.push_back(concurrent_index_finding());
  GateResult rollback = gate("rollback", GateStatus::skip, 0);
  rollback.skip_reason = "no PostgreSQL server";
  report.gates = {naming, lint, rollback};
  report.rules = {
      {"require-concurrent-index",
       {"require-concurrent-index", "lint", Level::error,
        "Indexes on existing tables are built with CONCURRENTLY.",
        rule_help_uri("require-concurrent-index")}},
      {"missing-down",
       {"missing-down", "naming", Level::warning, "Every migration has a down migration.",
        rule_help_uri("missing-down")}},
      {"prefer-text",
       {"prefer-text", "lint", Level::note, "Prefer text to varchar(n).",
        rule_help_uri("prefer-text")}},
  };
  return report;
}

// `count` lint findings spread over 100 files, for the linear-time checks.
inline Report large_report(int count) {
  Report report;
  report.root = "/srv/app";
  GateResult lint = gate("lint", GateStatus::fail, 1);
  lint.findings.reserve(count);
  for (int i = 0; i < count; ++i) {
    Finding f = concurrent_index_finding();
    f.location = at("db/" + std::to_string(i % 100) + "_m.up.sql", i + 1, 1, i + 1, 20);
    f.fix->edits[0].location = at(f.location->file, i + 1, 1, i + 1, 13);
    f.migration = std::to_string(i % 100);
    f.message = "CREATE INDEX blocks writes to `t" + std::to_string(i) + "`";
    lint.findings.push_back(std::move(f));
  }
  report.gates.push_back(std::move(lint));
  report.rules.emplace("require-concurrent-index",
                       RuleDescriptor{"require-concurrent-index", "lint", Level::error,
                                      "Indexes are built with CONCURRENTLY.",
                                      rule_help_uri("require-concurrent-index")});
  return report;
}

}  // namespace mgate::sample

namespace mgate::sample {

// small_report() plus a finding from a dynamic gate whose evidence has every shape the
// Markdown and HTML writers present: facts, a lock table, a before/after plan and timings.
// Its text holds everything the formats must escape.
inline Report evidence_report() {
  Report report = small_report();
  Finding locks;
  locks.rule = "long-lock";
  locks.gate = "locks";
  locks.level = Level::error;
  locks.message = "ALTER TABLE held ACCESS EXCLUSIVE on `orders` for 2.5 s: <100%, a|b>\r\nnext";
  locks.help = "split it: add the column, then backfill in batches & set NOT NULL";
  locks.location = at("db/002_add_orders.up.sql", 6, 3, 7, 1);
  locks.migration = "002";
  locks.evidence = {
      {"rewritten", true},
      {"lock_timeout", nullptr},
      {"locks",
       {{{"relation", "orders"}, {"mode", "AccessExclusiveLock"}, {"held_ms", 2500}},
        {{"relation", "orders_pkey"}, {"mode", "ShareLock"}}}},
      {"blocked_ms", {1.5, 2.0, 40.25, 3.0}},
  };
  locks.plan = PlanComparison{"Index Scan using orders_pkey on orders",
                              "Seq Scan on orders\n  Filter: (id = 1)"};
  GateResult gate;
  gate.gate = "locks";
  gate.status = GateStatus::fail;
  gate.duration = std::chrono::milliseconds(250);
  gate.findings.push_back(locks);
  report.gates.push_back(gate);
  return report;
}

}  // namespace mgate::sample

namespace mgate::sample {

// A report like `mgate check fixtures/demo --format html` writes, built by hand: thirteen
// migrations, static findings that the dynamic gates measured, fixes with the lines they
// change, a help that quotes `<why>` in a code span, a gate that took 0 ms, and the run's
// commit, base and time. The HTML screenshot test renders it.
inline Report demo_report() {
  Report report;
  report.tool_version = "0.9.0";
  report.root = "/srv/shop";
  report.run = {"4f2a9c1e07b3d5a6c8e9f0a1b2c3d4e5f6a7b8c9", "origin/main", "2026-12-06T12:20:00Z"};
  report.postgres = PostgresInfo{"local", "15.10"};
  const char* names[] = {"create_users",           "create_products",    "create_orders",
                         "add_users_last_login",   "create_payments",    "add_products_description",
                         "index_orders_by_status", "require_user_phone", "link_payments_to_users",
                         "rename_product_title",   "add_order_totals",   "validate_order_totals",
                         "drop_users_full_name"};
  for (int i = 0; i < 13; ++i) {
    const std::string version = (i + 1 < 10 ? "00" : "0") + std::to_string(i + 1);
    const std::string file = "db/" + version + "_" + names[i];
    report.migrations.push_back({version, names[i], file + ".up.sql", file + ".down.sql", true});
  }
  auto lint_finding = [](std::string rule, Level level, std::string version, std::string file,
                         int line, std::string message, std::string help) {
    Finding f;
    f.rule = std::move(rule);
    f.gate = "lint";
    f.level = level;
    f.message = std::move(message);
    f.help = std::move(help);
    f.location = at("db/" + version + "_" + file, line, 1, line, 60);
    f.migration = std::move(version);
    return f;
  };
  Finding index = lint_finding(
      "require-concurrent-index", Level::error, "007", "index_orders_by_status.up.sql", 3,
      "CREATE INDEX on `orders` without CONCURRENTLY holds a SHARE lock on `orders` until the "
      "build ends: every INSERT, UPDATE and DELETE on `orders` waits for it",
      "Build it with CREATE INDEX CONCURRENTLY, which takes SHARE UPDATE EXCLUSIVE and lets "
      "reads and writes go on; or accept it with `-- mgate:ignore require-concurrent-index -- "
      "<why>` on the line before.");
  index.measured =
      "SHARE on public.orders for 848 ms at 2,000,000 fixture rows; 4 writes waited up to 851 "
      "ms; projected 3 min 40 s at 520,000,000 rows (production stats)";
  index.evidence = {{"measured",
                     {{"lock", "SHARE"},
                      {"relation", "public.orders"},
                      {"held_ms", 848},
                      {"fixture_rows", 2000000},
                      {"projected_ms", 220000}}},
                    {"blocked_ms", {851.0, 790.5, 402.0, 12.25}}};
  Edit concurrently;
  concurrently.replacement = "INDEX CONCURRENTLY";
  concurrently.location = at(index.location->file, 3, 8, 3, 13);
  concurrently.original = "INDEX";
  concurrently.lines = "CREATE INDEX orders_status_idx ON orders (status);";
  index.fix = Fix{"Build the index with CONCURRENTLY", {concurrently}};

  Finding phone = lint_finding(
      "add-required-column", Level::error, "008", "require_user_phone.up.sql", 3,
      "ADD COLUMN `phone` NOT NULL without a DEFAULT: every existing row of `users` would hold "
      "NULL, so the migration fails (SQLSTATE 23502) as soon as `users` has a row",
      "Give the column a constant DEFAULT, or add it nullable, backfill it in batches and then "
      "add the NOT NULL through a validated CHECK constraint.");
  phone.measured = "failed at 1,000 fixture rows: column \"phone\" contains null values (23502)";

  Finding fk = lint_finding(
      "require-not-valid", Level::error, "009", "link_payments_to_users.up.sql", 4,
      "ADD CONSTRAINT `payments_user_id_fkey` FOREIGN KEY checks every row of `payments` "
      "against `users` while holding SHARE ROW EXCLUSIVE locks on both",
      "Add it NOT VALID, then run `ALTER TABLE payments VALIDATE CONSTRAINT "
      "payments_user_id_fkey` in a later migration.");
  fk.measured =
      "SHARE ROW EXCLUSIVE on public.payments and public.users for 312 ms at 1,000,000 fixture "
      "rows; 2 writes waited up to 305 ms";
  Edit not_valid;
  not_valid.replacement = ") NOT VALID";
  not_valid.location = at(fk.location->file, 4, 101, 4, 102);
  not_valid.original = ")";
  not_valid.lines =
      "ALTER TABLE payments ADD CONSTRAINT payments_user_id_fkey FOREIGN KEY (user_id) "
      "REFERENCES users (id);";
  fk.fix = Fix{"Add the constraint NOT VALID", {not_valid}};
  Finding unindexed = lint_finding(
      "unindexed-foreign-key", Level::warning, "009", "link_payments_to_users.up.sql", 4,
      "No index on `payments` (user_id): every DELETE from `users` scans all of `payments`",
      "Create an index whose leading columns are (user_id).");

  Finding rename = lint_finding(
      "rename-column", Level::error, "010", "rename_product_title.up.sql", 3,
      "RENAME COLUMN `products.title` TO `name`: the application version running during the "
      "deploy still reads `title` and fails with \"column does not exist\"",
      "Add `name` as a new column, write to both, backfill, move reads, then drop `title`.");
  Finding drop = lint_finding(
      "drop-column", Level::error, "013", "drop_users_full_name.up.sql", 3,
      "DROP COLUMN `users.full_name` deletes its data for good, and every deployed version that "
      "still selects `full_name` fails",
      "Deploy code that no longer reads the column, then drop it in a later migration.");

  GateResult naming = gate("naming", GateStatus::pass, 0);
  GateResult history = gate("history", GateStatus::pass, 14);
  GateResult lint = gate("lint", GateStatus::fail, 6);
  lint.findings = {drop, rename, unindexed, fk, phone, index};  // any order: reports sort
  GateResult forward = gate("forward", GateStatus::pass, 2140);
  GateResult rollback = gate("rollback", GateStatus::pass, 1630);
  GateResult integrity = gate("integrity", GateStatus::pass, 3310);
  GateResult locks = gate("locks", GateStatus::pass, 9875);
  GateResult plans = gate("plans", GateStatus::skip, 0);
  plans.skip_reason = "no [plans] queries file";
  report.gates = {naming, history, lint, forward, rollback, integrity, locks, plans};
  return report;
}

}  // namespace mgate::sample
