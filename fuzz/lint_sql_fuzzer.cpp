// libFuzzer target: one SQL text through the parser and every lint rule, as `mgate lint FILE`
// does for a migration, with no file system: the libpg_query wrapper (statement spans,
// suppression comments, the piecewise parse after an error), the rule engine and its schema
// model, and line:column mapping.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/config.hpp"
#include "gates/pipeline.hpp"
#include "sql/parsed_set.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mgate;
  std::string text(reinterpret_cast<const char*>(data), size);

  MigrationSet set;
  set.layout = "plain";
  set.dir = "db";
  Migration migration;
  migration.version = {"001"};
  migration.name = "fuzz";
  // The inputs spread over the ways a tool runs a script (core/execution_plan.hpp).
  constexpr Transaction kRuns[] = {Transaction::script, Transaction::query, Transaction::statement,
                                   Transaction::detect};
  migration.up = Script{"db/001_fuzz.sql", {0, std::string::npos}, kRuns[size % 4]};
  migration.files = {"db/001_fuzz.sql"};
  set.migrations.push_back(migration);

  PipelineOptions options;
  options.gates = {"lint"};
  // The rules that depend on the server version see several.
  options.pg_version = 10 + static_cast<int>(size % 8);
  sql::ParsedSet parsed(
      set, [&](const std::string&) { return text; }, options.pg_version);
  Config config;
  run_pipeline(config, set, parsed, options);
  return 0;
}
