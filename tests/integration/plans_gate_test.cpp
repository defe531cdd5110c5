// The plans gate on real PostgreSQL: fixtures/plans/ holds a shop schema whose critical query
// uses an index, a migration that drops it, one that renames it and one that touches no queried
// table. Plan findings are deterministic (same data, same statistics); timing findings are not,
// so they are asserted only in the unit tests on fixed samples (plans_decision_test.cpp).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "discover/discover.hpp"
#include "gates/pipeline.hpp"
#include "gates/plans_baseline.hpp"
#include "integration/postgres.hpp"
#include "sql/parsed_set.hpp"

namespace mgate::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

class PlansGate : public PostgresSuite {
 protected:
  static Config plans_config(const std::string& queries = "fixtures/plans/queries.sql") {
    Config config = default_config();
    config.plans.queries = queries;
    config.plans.runs = 8;
    config.plans.warmup = 1;
    config.plans.baseline = "fixtures/plans/no-baseline.json";
    return config;
  }

  // The first migration (the schema) is the base; the one after it is gated.
  static Report plans(const std::string& folder, const Config& config = plans_config()) {
    MigrationSet set = discover(config.root, config.root / ("fixtures/plans/" + folder));
    set.migrations.at(0).gated = false;
    sql::ParsedSet parsed(set, sql::working_tree_reader(config.root));
    PipelineOptions options;
    options.gates = {"plans"};
    options.dynamic = true;
    options.postgres = &server();
    return run_pipeline(config, set, parsed, options);
  }

  static const nlohmann::json& query_metrics(const Report& report, const std::string& name) {
    return report.gates.at(0).metrics.at("queries").at(name);
  }
};

std::string all_messages(const Report& report) {
  std::string out = report.gates.at(0).skip_reason + "\n";
  for (const Finding* f : report.findings()) out += f->rule + ": " + f->message + "\n";
  return out;
}

std::vector<const Finding*> plan_findings(const Report& report) {
  std::vector<const Finding*> out;
  for (const Finding* f : report.findings()) {
    if (f->rule == "plans-index-lost" || f->rule == "plans-seq-scan" ||
        f->rule == "plans-cost-rise" || f->rule == "plans-baseline-plan-changed") {
      out.push_back(f);
    }
  }
  return out;
}

TEST_F(PlansGate, DroppedIndexIsReportedAtTheDropStatement) {
  Report report = plans("index_drop");
  auto lost = findings_of(report, "plans-index-lost");
  ASSERT_THAT(lost, SizeIs(1)) << all_messages(report);
  EXPECT_EQ(position_of(*lost[0]),
            "fixtures/plans/index_drop/002_drop_orders_customer_index.up.sql:2:1");
  EXPECT_EQ(lost[0]->migration, "002");
  EXPECT_EQ(lost[0]->evidence["index"], "orders_customer_id_idx");
  EXPECT_THAT(lost[0]->message, HasSubstr("now reads all of orders with a sequential scan"));
  ASSERT_TRUE(lost[0]->plan);
  const std::string before = lost[0]->plan->before;
  const std::string after = lost[0]->plan->after;
  EXPECT_THAT(before, HasSubstr("using orders_customer_id_idx"));
  EXPECT_THAT(after, HasSubstr("Seq Scan on orders"));
  EXPECT_THAT(lost[0]->evidence["samples_after_ms"], SizeIs(8));

  const nlohmann::json& history = query_metrics(report, "order_history");
  EXPECT_TRUE(history["diff"]["shape_changed"].get<bool>());
  EXPECT_EQ(history["statistics"]["test"], "mann-whitney-u");
  EXPECT_EQ(history["after"]["timing"]["runs"], 8);
  // The query on the other table keeps its plan.
  EXPECT_FALSE(query_metrics(report, "customer_by_id")["diff"]["shape_changed"].get<bool>());
}

TEST_F(PlansGate, MigrationOnAnotherTableChangesNoPlan) {
  Report report = plans("unrelated");
  EXPECT_THAT(plan_findings(report), IsEmpty()) << all_messages(report);
  for (const char* name : {"order_history", "customer_by_id"}) {
    const nlohmann::json& q = query_metrics(report, name);
    EXPECT_FALSE(q["diff"]["shape_changed"].get<bool>()) << name;
    EXPECT_EQ(q["before"]["shape"], q["after"]["shape"]) << name;
    // Both sides planned with the statistics of the database they were cloned from.
    EXPECT_TRUE(q["diff"]["estimates"].empty()) << q["diff"].dump();
    EXPECT_EQ(q["before"]["buffers"]["total"], q["after"]["buffers"]["total"]) << name;
  }
  EXPECT_EQ(report.gates.at(0).metrics["fixtures"]["generated"]["public.orders"], 1000);
  EXPECT_EQ(report.gates.at(0).metrics["fixtures"]["generated_after"]["public.audit_log"], 1000);
}

TEST_F(PlansGate, RenamedIndexChangesTheShapeButLosesNoIndex) {
  Report report = plans("index_rename");
  EXPECT_THAT(findings_of(report, "plans-index-lost"), IsEmpty()) << all_messages(report);
  EXPECT_THAT(findings_of(report, "plans-seq-scan"), IsEmpty()) << all_messages(report);
  const nlohmann::json& q = query_metrics(report, "order_history");
  EXPECT_TRUE(q["diff"]["shape_changed"].get<bool>());
  EXPECT_THAT(q["after"]["tree"].get<std::string>(), HasSubstr("orders_by_customer_idx"));
}

TEST_F(PlansGate, BudgetBreachFailsTheGate) {
  Report report = plans("unrelated", plans_config("fixtures/plans/queries_over_budget.sql"));
  auto over = findings_of(report, "plans-budget-exceeded");
  ASSERT_THAT(over, SizeIs(1)) << all_messages(report);
  EXPECT_EQ(position_of(*over[0]), "fixtures/plans/queries_over_budget.sql:3:1");
  EXPECT_THAT(over[0]->message, HasSubstr("over its budget of 0.0001 ms"));
  EXPECT_EQ(report.gates.at(0).status, GateStatus::fail);
  EXPECT_FALSE(report.summary().passed);
}

TEST_F(PlansGate, ChangedPlanShapeIsReportedAgainstTheBaseline) {
  std::filesystem::path file = std::filesystem::temp_directory_path() /
                               ("mgate-plans-baseline-" + std::to_string(::getpid()) + ".json");
  Report recorded = plans("unrelated");
  write_baseline(file, updated_baseline(std::nullopt, recorded.gates.at(0).metrics,
                                        {"abc123", "15", "2026-01-01T00:00:00Z"}, 20));
  Config config = plans_config();
  config.plans.baseline = file.string();

  Report same = plans("unrelated", config);
  EXPECT_THAT(findings_of(same, "plans-baseline-plan-changed"), IsEmpty()) << all_messages(same);
  EXPECT_THAT(findings_of(same, "plans-baseline-buffers-changed"), IsEmpty()) << all_messages(same);
  EXPECT_TRUE(same.gates.at(0).metrics["baseline"]["compared"].get<bool>());

  Report dropped = plans("index_drop", config);
  auto changed = findings_of(dropped, "plans-baseline-plan-changed");
  ASSERT_THAT(changed, SizeIs(1)) << all_messages(dropped)
                                  << dropped.gates.at(0).metrics["baseline"].dump(1);
  EXPECT_EQ(changed[0]->evidence["query"], "order_history");
  ASSERT_TRUE(changed[0]->plan);
  EXPECT_THAT(changed[0]->plan->before, HasSubstr("using orders_customer_id_idx"));
  EXPECT_THAT(changed[0]->plan->after, HasSubstr("Seq Scan on orders"));
  EXPECT_EQ(position_of(*changed[0]), "fixtures/plans/queries.sql:3:1");
  std::filesystem::remove(file);
}

TEST_F(PlansGate, QueryBrokenByTheMigrationIsAnError) {
  Report report = plans("column_drop");
  auto fails = findings_of(report, "plans-query-fails");
  ASSERT_THAT(fails, SizeIs(1)) << all_messages(report);
  EXPECT_EQ(fails[0]->evidence["query"], "customer_by_id");
  EXPECT_EQ(fails[0]->evidence["sqlstate"], "42703");
  EXPECT_EQ(position_of(*fails[0]), "fixtures/plans/queries.sql:12:1");
  EXPECT_THAT(fails[0]->message, HasSubstr("column \"region\" does not exist"));
  EXPECT_EQ(report.gates.at(0).status, GateStatus::fail);
}

TEST_F(PlansGate, WithoutCriticalQueriesTheGateIsSkipped) {
  Config config = plans_config("");
  Report report = plans("unrelated", config);
  EXPECT_EQ(report.gates.at(0).status, GateStatus::skip);
  EXPECT_THAT(report.gates.at(0).skip_reason, HasSubstr("[plans] queries"));
}

}  // namespace
}  // namespace mgate::testing
