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
