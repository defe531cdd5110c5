// Merging reports: the directories of one lint run, and the shards of one check.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/config.hpp"
#include "gates/report_merge.hpp"

namespace mgate {
namespace {

using ::testing::HasSubstr;

GateResult gate(std::string name, GateStatus status, nlohmann::json metrics) {
  GateResult g;
  g.gate = std::move(name);
  g.status = status;
  g.metrics = std::move(metrics);
  return g;
}

Report part(std::vector<GateResult> gates, std::vector<MigrationEntry> migrations) {
  Report r;
  r.gates = std::move(gates);
  r.migrations = std::move(migrations);
  return r;
}

TEST(MergeDirectory, MetricsAddUpAndAFailIsNotHiddenByASkip) {
  Report total;
  merge_directory(total, part({gate("lint", GateStatus::fail, {{"statements", 3}}),
                               gate("rollback", GateStatus::skip, nlohmann::json::object())},
                              {{"001", "a", "a/001.sql", "", true}}));
  merge_directory(total, part({gate("lint", GateStatus::pass, {{"statements", 4}}),
                               gate("rollback", GateStatus::fail, {{"checked", 2}})},
                              {{"001", "b", "b/001.sql", "", true}}));
  ASSERT_EQ(total.gates.size(), 2u);
  EXPECT_EQ(total.gates[0].status, GateStatus::fail);
  EXPECT_EQ(total.gates[0].metrics["statements"], 7);
  EXPECT_EQ(total.gates[1].status, GateStatus::fail);
  EXPECT_EQ(total.gates[1].metrics["checked"], 2);
  EXPECT_EQ(total.migrations.size(), 2u);
}

Report shard(int k, int n, GateStatus lint, int statements, std::string fingerprint = "f") {
  Report r = part({gate("lint", lint, {{"statements", statements}})},
                  {{"001", "a", "001.sql", "", k == 1}, {"002", "b", "002.sql", "", k == 2}});
  r.shard = ShardInfo{k, n, {}};
  r.fingerprint = std::move(fingerprint);
  return r;
}

std::string merge_error(std::vector<ReportFile> files) {
  try {
    merge_shards(std::move(files));
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(MergeShards, AddsUpTheWorkAndGatesEveryMigrationOneShardChecked) {
  Report merged = merge_shards(
      {{"2.json", shard(2, 2, GateStatus::fail, 5)}, {"1.json", shard(1, 2, GateStatus::pass, 2)}});
  EXPECT_EQ(merged.merged_shards, 2);
  EXPECT_FALSE(merged.shard.has_value());
  EXPECT_EQ(merged.gates[0].status, GateStatus::fail);
  EXPECT_EQ(merged.gates[0].metrics["statements"], 7);
  EXPECT_TRUE(merged.migrations[0].gated);
  EXPECT_TRUE(merged.migrations[1].gated);
}

TEST(MergeShards, RefusesMissingDuplicatedAndForeignShards) {
  EXPECT_THAT(merge_error({{"1.json", shard(1, 3, GateStatus::pass, 1)},
                           {"3.json", shard(3, 3, GateStatus::pass, 1)}}),
              HasSubstr("shard 2/3 is missing"));
  EXPECT_THAT(merge_error({{"1.json", shard(1, 2, GateStatus::pass, 1)},
                           {"again.json", shard(1, 2, GateStatus::pass, 1)},
                           {"2.json", shard(2, 2, GateStatus::pass, 1)}}),
              HasSubstr("shard 1/2 is given twice: 1.json and again.json"));
  EXPECT_THAT(merge_error({{"1.json", shard(1, 3, GateStatus::pass, 1)},
                           {"2.json", shard(2, 3, GateStatus::pass, 1)},
                           {"other.json", shard(3, 3, GateStatus::pass, 1, "g")}}),
              HasSubstr("other.json (g) is from another run"));
  Report whole = part({}, {});
  whole.fingerprint = "f";
  EXPECT_THAT(merge_error({{"whole.json", whole}}), HasSubstr("not the report of a shard"));
}

}  // namespace
}  // namespace mgate
