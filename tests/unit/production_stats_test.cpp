// The production-stats file ([fixtures] production_stats) as `mgate stats` writes it: read
// strictly, every missing or mistyped key an input error that names the file and the key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/config.hpp"
#include "core/production_stats.hpp"

namespace mgate {
namespace {

using Json = nlohmann::json;
using ::testing::HasSubstr;

Json document() {
  return {{"schema", "mgate-stats/1"},
          {"server_version", "15.6"},
          {"database", "shop"},
          {"taken_at", "2026-12-01T09:00:00Z"},
          {"relations",
           {{"public.events",
             {{"kind", "table"},
              {"rows", 520000000},
              {"bytes", 41943040000LL},
              {"index_bytes", 11811160064LL},
              {"indexes", {{{"name", "public.events_pkey"}, {"bytes", 11811160064LL}}}}}},
            {"public.audit",
             {{"kind", "table"},
              {"rows", -1},
              {"bytes", 0},
              {"index_bytes", 0},
              {"indexes", Json::array()}}}}}};
}

std::string error_of(const Json& doc) {
  try {
    production_stats_from_json(doc.dump(), "mgate-stats.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ProductionStats, ReadsRowsSizesAndIndexes) {
  ProductionStats stats = production_stats_from_json(document().dump(), "mgate-stats.json");
  EXPECT_EQ(stats.source, "mgate-stats.json");
  EXPECT_EQ(stats.server_version, "15.6");
  EXPECT_EQ(stats.rows_of("public.events"), 520000000);
  const RelationSize& events = stats.relations.at("public.events");
  EXPECT_EQ(events.bytes, 41943040000LL);
  ASSERT_EQ(events.indexes.size(), 1u);
  EXPECT_EQ(events.indexes[0].name, "public.events_pkey");
}

TEST(ProductionStats, RowsNeverAnalyzedAreUnknown) {
  ProductionStats stats = production_stats_from_json(document().dump(), "mgate-stats.json");
  EXPECT_EQ(stats.rows_of("public.audit"), std::nullopt);
  EXPECT_EQ(stats.rows_of("public.absent"), std::nullopt);
}

TEST(ProductionStats, MissingKeyNamesFileAndKey) {
  Json doc = document();
  doc["relations"]["public.events"].erase("rows");
  EXPECT_THAT(error_of(doc),
              HasSubstr("mgate-stats.json: relations.public.events.rows is missing (expected an "
                        "integer)"));
}

TEST(ProductionStats, WrongTypeNamesTheKey) {
  Json doc = document();
  doc["relations"]["public.events"]["indexes"][0]["bytes"] = "12GB";
  EXPECT_THAT(error_of(doc),
              HasSubstr("relations.public.events.indexes[0].bytes is not an integer"));
}

TEST(ProductionStats, NegativeCountIsRefused) {
  Json doc = document();
  doc["relations"]["public.events"]["rows"] = -5;
  EXPECT_THAT(error_of(doc), HasSubstr("relations.public.events.rows is -5"));
}

TEST(ProductionStats, OtherDocumentsAreRefused) {
  EXPECT_THAT(error_of(Json{{"schema", "mgate-baseline/1"}}),
              HasSubstr("is not an mgate stats file"));
  Json newer = document();
  newer["schema"] = "mgate-stats/2";
  EXPECT_THAT(error_of(newer), HasSubstr("newer mgate"));
  try {
    production_stats_from_json("{not json", "mgate-stats.json");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("mgate-stats.json is not JSON"));
  }
}

TEST(ProductionStats, UnsetKeyReadsNothingAndMissingFileIsAnInputError) {
  Config config;
  EXPECT_EQ(read_production_stats(config), std::nullopt);
  config.root = "/nonexistent";
  config.fixtures.production_stats = "mgate-stats.json";
  EXPECT_THROW(read_production_stats(config), InputError);
}

}  // namespace
}  // namespace mgate
